//! The order of what the AMF relays to the SMF for one PDU session: a UE's 5GSM message
//! or the NG-RAN's N2 SM information waits while an SM context operation of the same
//! session is still unanswered, so that the SMF takes them one after the other, in the
//! order the AMF received them (e.g. the gNB's PDU Session Resource Modify Response
//! before the UE's PDU SESSION MODIFICATION COMPLETE, TS 23.502 §4.3.3.2 steps 5 and 8;
//! a PDU SESSION MODIFICATION REQUEST after the Setup Response of the establishment).
//! The AN release's deactivation (upCnxState DEACTIVATED, TS 23.502 §4.2.6 step 5) waits
//! too: when the gNB releases the UE right after a Setup Response, the SMF takes the
//! deactivation after the activation it is still completing with the UPF, not while it is
//! busy (it refuses an operation while another of the session is under way).
//! Activation (a service request awaits its answers) and release go at once.

use std::collections::{HashMap, VecDeque};

use ferrocore_sbi::nsmf_pdusession::SmContextUpdate;

use super::sm::SmPurpose;
use crate::context::UeKey;

/// A relay waiting its turn: the SM context it goes to (kept, as the session's routing
/// context may go meanwhile, e.g. after a PDU SESSION RELEASE COMPLETE), why, what.
pub(crate) type Relay = (String, SmPurpose, SmContextUpdate);

/// Per PDU session of a UE: SM context operations in flight, relays waiting.
#[derive(Debug, Default)]
pub(crate) struct SmOrder {
    in_flight: HashMap<(UeKey, u8), u32>,
    waiting: HashMap<(UeKey, u8), VecDeque<Relay>>,
}

impl SmOrder {
    /// Whether the relay `purpose` of session `psi` must wait its turn.
    pub(crate) fn must_wait(&self, key: UeKey, psi: u8, purpose: &SmPurpose) -> bool {
        matches!(
            purpose,
            SmPurpose::UplinkN1 { .. } | SmPurpose::N2Report | SmPurpose::Deactivate
        ) && (self.in_flight.contains_key(&(key, psi)) || self.waiting.contains_key(&(key, psi)))
    }

    /// Holds a relay until the session's operations in flight are answered.
    pub(crate) fn hold(&mut self, key: UeKey, psi: u8, relay: Relay) {
        self.waiting.entry((key, psi)).or_default().push_back(relay);
    }

    /// An operation of session `psi` went to the SMF.
    pub(crate) fn sent(&mut self, key: UeKey, psi: u8) {
        *self.in_flight.entry((key, psi)).or_default() += 1;
    }

    /// An operation of session `psi` was answered.
    pub(crate) fn answered(&mut self, key: UeKey, psi: u8) {
        if let Some(n) = self.in_flight.get_mut(&(key, psi)) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.in_flight.remove(&(key, psi));
            }
        }
    }

    /// The next relay of session `psi` that waited, once nothing of the session is in
    /// flight.
    pub(crate) fn next(&mut self, key: UeKey, psi: u8) -> Option<Relay> {
        if self.in_flight.contains_key(&(key, psi)) {
            return None;
        }
        let queue = self.waiting.get_mut(&(key, psi))?;
        let next = queue.pop_front();
        if queue.is_empty() {
            self.waiting.remove(&(key, psi));
        }
        next
    }

    /// The UE context is gone: so is everything of its sessions.
    pub(crate) fn forget(&mut self, key: UeKey) {
        self.in_flight.retain(|(k, _), _| *k != key);
        self.waiting.retain(|(k, _), _| *k != key);
    }
}
