//! Identification (TS 24.501 §5.4.3): the SUCI of a UE whose 5G-GUTI is unknown.

use std::time::Instant;

use ferrocore_nas::identity::MobileIdentity;
use ferrocore_nas::types::{NasFGsIdentityType, NasIdentityRequest, NasIdentityResponse};

use super::{cause, suci_string};
use crate::context::{RegStep, UeKey};
use crate::engine::Amf;
use crate::timers::TimerKind;

/// Identity type 1: SUCI (TS 24.501 §9.11.3.3).
const SUCI: u8 = 1;

impl Amf {
    /// IDENTITY REQUEST for the SUCI (TS 24.501 §5.4.3.2), T3570.
    pub(crate) fn send_identity_request(&mut self, now: Instant, key: UeKey) {
        self.metrics.identity_req.inc();
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.secured = false;
        }
        let Some(nas) = self.send_mm(key, NasIdentityRequest::new(NasFGsIdentityType::new(SUCI)))
        else {
            return;
        };
        self.await_answer(now, key, RegStep::Identity, nas, TimerKind::T3570);
    }

    /// IDENTITY RESPONSE (TS 24.501 §5.4.3.3): the SUCI, then authentication.
    pub(crate) fn identity_response(&mut self, now: Instant, key: UeKey, r: NasIdentityResponse) {
        if !self.expect_step(key, RegStep::Identity) {
            return;
        }
        self.timers.stop(key, TimerKind::T3570);
        match MobileIdentity::parse(&r.mobile_identity) {
            Ok(MobileIdentity::Suci(s)) => {
                let suci = suci_string(&s);
                if let Some(reg) = self.ues.get_mut(&key).and_then(|u| u.registration()) {
                    reg.suci = Some(suci.clone());
                    reg.rinmr = true;
                }
                self.start_authentication(now, key, suci, Some(s.routing_indicator));
            }
            _ => self.registration_reject(key, cause::UE_IDENTITY_CANNOT_BE_DERIVED),
        }
    }
}
