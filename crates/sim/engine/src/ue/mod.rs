//! UE NAS (stub).
use crate::config::UeProfile;
/// UE 5GMM state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UeState {
    Deregistered,
    RegisteredInitiated,
    Registered,
    DeregisteredInitiated,
}
/// One UE.
pub struct Ue {
    profile: UeProfile,
    state: UeState,
}
impl Ue {
    pub fn new(profile: UeProfile) -> Self {
        Ue {
            profile,
            state: UeState::Deregistered,
        }
    }
    pub fn state(&self) -> UeState {
        self.state
    }
    pub fn profile(&self) -> &UeProfile {
        &self.profile
    }
}
