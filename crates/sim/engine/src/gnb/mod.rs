//! gNB (stub).
use crate::{GnbConfig, SimEvent, Ue, UeId, UeProfile};
use std::time::Instant;
pub struct Gnb {
    config: GnbConfig,
    ues: Vec<Ue>,
}
impl Gnb {
    pub fn new(config: GnbConfig) -> Gnb {
        Gnb {
            config,
            ues: Vec::new(),
        }
    }
    pub fn config(&self) -> &GnbConfig {
        &self.config
    }
    pub fn start(&mut self, _now: Instant) {}
    pub fn add_ue(&mut self, profile: UeProfile) -> UeId {
        self.ues.push(Ue::new(profile));
        self.ues.len() - 1
    }
    pub fn register(&mut self, _now: Instant, _ue: UeId) {}
    pub fn deregister(&mut self, _now: Instant, _ue: UeId, _switch_off: bool) {}
    pub fn handle_ngap(&mut self, _now: Instant, _stream: u16, _bytes: &[u8]) {}
    pub fn poll_transmit(&mut self) -> Option<(u16, Vec<u8>)> {
        None
    }
    pub fn poll_event(&mut self) -> Option<SimEvent> {
        None
    }
    pub fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    pub fn handle_timeout(&mut self, _now: Instant) {}
    pub fn ue(&self, ue: UeId) -> &Ue {
        &self.ues[ue]
    }
}
