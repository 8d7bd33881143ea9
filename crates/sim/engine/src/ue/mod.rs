//! The UE's NAS: the 5GMM procedures of TS 24.501 as the UE runs them, over the
//! [`crate::usim::Usim`] and a `ferrocore-nas-security` [`SecurityContext`] with
//! [`Side::Ue`](ferrocore_nas_security::Side::Ue).
//!
//! - [`build`]: the uplink messages.
//! - [`receive`]: integrity checking of downlink messages (§4.4.4.2) and dispatch.
//! - [`procedures`]: one handler per downlink message.
//! - [`timers`]: T3510, T3511, T3520, T3521 as deadlines.
//!
//! The UE owns no NG connection: it hands NAS PDUs to the gNB as [`UeOutput`]s, marking
//! the initial NAS message of each NAS signalling connection.

mod build;
mod modification;
mod procedures;
mod receive;
mod service;
mod sm;
mod timers;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ferrocore_crypto::secret::Kamf;
use ferrocore_nas::types::{Guti, STmsi};
use ferrocore_nas_security::SecurityContext;
use tracing::{debug, info_span, warn};

use crate::config::UeProfile;
use crate::event::FailureReason;
use crate::session::{Modification, SessionFailure, SessionInfo};
use crate::usim::Usim;

pub use service::ServiceType;
pub use sm::{PduSession, SessionState};
pub use timers::Timer;
use timers::Timers;

/// The 5GMM state of the UE (TS 24.501 §5.1.3.2.1), main states only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UeState {
    /// 5GMM-DEREGISTERED.
    Deregistered,
    /// 5GMM-REGISTERED-INITIATED: REGISTRATION REQUEST sent.
    RegisteredInitiated,
    /// 5GMM-REGISTERED.
    Registered,
    /// 5GMM-DEREGISTERED-INITIATED: DEREGISTRATION REQUEST sent, accept awaited.
    DeregisteredInitiated,
}

/// A tracking area of the TAI list (TS 24.501 §9.11.3.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingArea {
    pub mcc: String,
    pub mnc: String,
    pub tac: u32,
}

/// What the UE hands to the gNB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UeOutput {
    /// A NAS PDU for the network. `initial` marks the first message of a NAS signalling
    /// connection (the gNB sends it in an INITIAL UE MESSAGE, with `s_tmsi` when the UE
    /// identified itself with its 5G-GUTI).
    Nas {
        pdu: Vec<u8>,
        initial: bool,
        s_tmsi: Option<STmsi>,
        /// Why the connection is set up (the RRC establishment cause, TS 38.331).
        cause: ServiceType,
    },
    /// The UE gives up its NAS signalling connection (local release, e.g. after T3510).
    Release,
    /// Registration finished.
    Registered { at: Instant },
    /// Registration failed.
    RegistrationFailed(FailureReason),
    /// The UE is deregistered.
    Deregistered,
    /// PDU SESSION ESTABLISHMENT ACCEPT processed.
    SessionEstablished(SessionInfo),
    /// A PDU session did not come up.
    SessionFailed { psi: u8, cause: SessionFailure },
    /// A PDU session is gone.
    SessionReleased { psi: u8 },
    /// PDU SESSION MODIFICATION COMMAND processed and completed.
    SessionModified(Modification),
    /// The UE's PDU SESSION MODIFICATION REQUEST came to nothing.
    ModificationFailed { psi: u8, cause: SessionFailure },
    /// The UE refused a PDU SESSION MODIFICATION COMMAND with this 5GSM cause.
    ModificationCommandRejected { psi: u8, cause: u8 },
    /// SERVICE ACCEPT processed.
    ServiceAccepted { at: Instant },
    /// The service request failed (SERVICE REJECT cause, or `None`).
    ServiceFailed { cause: Option<u8> },
}

/// Registration attempt counter limit (TS 24.501 §5.5.1.2.7).
const MAX_REGISTRATION_ATTEMPTS: u8 = 5;
/// DEREGISTRATION REQUEST transmissions before a local de-registration (§5.5.2.2.6).
const MAX_DEREGISTRATION_ATTEMPTS: u8 = 5;
/// Consecutive authentication failures after which the UE gives up (§5.4.1.3.7).
const MAX_AUTHENTICATION_FAILURES: u8 = 3;

/// One simulated UE: USIM, 5GMM state, security contexts, what the network gave it.
pub struct Ue {
    profile: UeProfile,
    usim: Usim,
    serving_mcc: String,
    serving_mnc: String,
    state: UeState,
    /// A NAS signalling connection exists (5GMM-CONNECTED).
    connected: bool,
    guti: Option<Guti>,
    tai_list: Vec<TrackingArea>,
    allowed_nssai: Vec<(u8, Option<u32>)>,
    t3512: Option<Duration>,
    /// The current 5G NAS security context (TS 24.501 §4.4.2.1).
    current: Option<SecurityContext>,
    /// ngKSI and KAMF of a successful authentication, not yet taken into use by a
    /// SECURITY MODE COMMAND (a partial native context).
    pending: Option<(u8, Kamf)>,
    /// The whole initial NAS message (with its non-cleartext IEs) of the ongoing
    /// procedure, for the NAS message container of SECURITY MODE COMPLETE (§4.4.6).
    initial_full: Option<Vec<u8>>,
    /// The initial message went out with cleartext IEs only and without a context.
    initial_cleartext_only: bool,
    /// The UE security capability it sent (TS 24.501 §9.11.3.54): 5G-EA, 5G-IA bit maps.
    sent_capability: (u8, u8),
    timers: Timers,
    registration_attempts: u8,
    deregistration_attempts: u8,
    switch_off: bool,
    auth_failures: u8,
    last_auth_failure: Option<u8>,
    reregister_after_release: bool,
    /// PDU sessions by PSI (TS 24.501 §6.1.3.2), at most 15.
    sessions: Vec<PduSession>,
    /// The last procedure transaction identity allocated (TS 24.501 §9.6: 1..=254).
    last_pti: u8,
    /// 5GSM messages (in their UL NAS TRANSPORT) waiting for the service request to
    /// bring the NAS signalling connection up.
    held_sm: VecDeque<Vec<u8>>,
    outputs: VecDeque<UeOutput>,
    span: tracing::Span,
}

impl Ue {
    /// A UE with `profile`, camping on the cell of the PLMN `mcc`/`mnc` (whose serving
    /// network name it uses in 5G AKA, TS 33.501 §6.1.1.4).
    pub fn new(profile: UeProfile, serving_mcc: &str, serving_mnc: &str) -> Self {
        let span = info_span!("ue", imsi = %profile.imsi);
        let bits = |algos: &[u8]| {
            algos
                .iter()
                .filter(|a| **a < 8)
                .fold(0u8, |acc, a| acc | (0x80 >> a))
        };
        let sent_capability = (bits(&profile.ciphering), bits(&profile.integrity));
        Ue {
            usim: Usim::new(&profile),
            profile,
            serving_mcc: serving_mcc.to_owned(),
            serving_mnc: serving_mnc.to_owned(),
            state: UeState::Deregistered,
            connected: false,
            guti: None,
            tai_list: Vec::new(),
            allowed_nssai: Vec::new(),
            t3512: None,
            current: None,
            pending: None,
            initial_full: None,
            initial_cleartext_only: false,
            sent_capability,
            timers: Timers::default(),
            registration_attempts: 0,
            deregistration_attempts: 0,
            switch_off: false,
            auth_failures: 0,
            last_auth_failure: None,
            reregister_after_release: false,
            sessions: Vec::new(),
            last_pti: 0,
            held_sm: VecDeque::new(),
            outputs: VecDeque::new(),
            span,
        }
    }

    /// The 5GMM state.
    pub fn state(&self) -> UeState {
        self.state
    }

    /// The profile the UE was made from.
    pub fn profile(&self) -> &UeProfile {
        &self.profile
    }

    /// The 5G-GUTI the network assigned, if any.
    pub fn guti(&self) -> Option<Guti> {
        self.guti
    }

    /// The TAI list of the last REGISTRATION ACCEPT / CONFIGURATION UPDATE COMMAND.
    pub fn tai_list(&self) -> &[TrackingArea] {
        &self.tai_list
    }

    /// The allowed NSSAI as (SST, SD).
    pub fn allowed_nssai(&self) -> &[(u8, Option<u32>)] {
        &self.allowed_nssai
    }

    /// T3512 as the network set it.
    pub fn t3512(&self) -> Option<Duration> {
        self.t3512
    }

    /// The current 5G NAS security context (KAMF, algorithms, NAS COUNTs).
    pub fn security_context(&self) -> Option<&SecurityContext> {
        self.current.as_ref()
    }

    /// The USIM's SQN_MS.
    pub fn sqn(&self) -> u64 {
        self.usim.sqn()
    }

    /// Whether a NAS signalling connection is up.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// The earliest running timer (5GMM, or a 5GSM T3580 / T3581 / T3582).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let sm = self.sessions.iter().filter_map(|s| s.deadline()).min();
        match (self.timers.earliest(), sm) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub(crate) fn poll_output(&mut self) -> Option<UeOutput> {
        self.outputs.pop_front()
    }

    /// Starts an initial registration (TS 24.501 §5.5.1.2.2).
    pub(crate) fn register(&mut self, now: Instant) {
        let span = self.span.clone();
        let _g = span.enter();
        if matches!(
            self.state,
            UeState::Registered | UeState::RegisteredInitiated
        ) {
            debug!(state = ?self.state, "registration already done or under way");
            return;
        }
        self.registration_attempts = 0;
        self.start_registration(now);
    }

    /// Starts a UE-originating de-registration (TS 24.501 §5.5.2.2.1).
    pub(crate) fn deregister(&mut self, now: Instant, switch_off: bool) {
        let span = self.span.clone();
        let _g = span.enter();
        match self.state {
            UeState::Deregistered => {
                self.outputs.push_back(UeOutput::Deregistered);
                return;
            }
            UeState::DeregisteredInitiated => return,
            _ => {}
        }
        self.timers.stop_all();
        self.switch_off = switch_off;
        self.deregistration_attempts = 0;
        self.send_deregistration_request(now);
    }

    /// The NAS signalling connection is gone (UE CONTEXT RELEASE, NG reset).
    pub(crate) fn connection_released(&mut self, now: Instant) {
        let span = self.span.clone();
        let _g = span.enter();
        self.connected = false;
        if self.timers.is_running(Timer::T3517) {
            // §5.6.1.7 b): the connection went before SERVICE ACCEPT / REJECT.
            self.timers.stop(Timer::T3517);
            self.service_failed(None);
        }
        match self.state {
            UeState::RegisteredInitiated => {
                if let Some(cause) = self.last_auth_failure {
                    self.fail_registration(FailureReason::AuthenticationFailed { cause });
                } else {
                    // §5.5.1.2.7 b): release before ACCEPT / REJECT.
                    self.registration_abnormal(now);
                }
            }
            UeState::DeregisteredInitiated => {
                // §5.5.2.2.6 b): the release completes a de-registration locally.
                self.finish_deregistration();
            }
            UeState::Deregistered if self.reregister_after_release => {
                self.reregister_after_release = false;
                self.registration_attempts = 0;
                self.start_registration(now);
            }
            _ => {}
        }
    }

    /// Fires the timers that are due.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        let span = self.span.clone();
        let _g = span.enter();
        while let Some(timer) = self.timers.take_expired(now) {
            debug!(?timer, "expired");
            self.on_timer(now, timer);
        }
        self.sm_timeouts(now);
    }

    fn on_timer(&mut self, now: Instant, timer: Timer) {
        match timer {
            // §5.5.1.2.7 c): T3510 timeout.
            Timer::T3510 => self.registration_abnormal(now),
            Timer::T3511 => {
                if self.state == UeState::RegisteredInitiated {
                    self.start_registration(now);
                }
            }
            // §5.4.1.3.7: the network did not answer the AUTHENTICATION FAILURE.
            Timer::T3520 => {
                let cause = self.last_auth_failure.unwrap_or(0);
                self.outputs.push_back(UeOutput::Release);
                self.connected = false;
                self.fail_registration(FailureReason::AuthenticationFailed { cause });
            }
            // §5.5.2.2.6 c): retransmit, then de-register locally.
            Timer::T3521 => {
                if self.deregistration_attempts >= MAX_DEREGISTRATION_ATTEMPTS {
                    warn!("no DEREGISTRATION ACCEPT: local de-registration");
                    self.outputs.push_back(UeOutput::Release);
                    self.connected = false;
                    self.finish_deregistration();
                } else {
                    self.send_deregistration_request(now);
                }
            }
            // §5.6.1.7 c): T3517 expired; the procedure is aborted.
            Timer::T3517 => {
                if self.connected {
                    self.outputs.push_back(UeOutput::Release);
                    self.connected = false;
                }
                self.service_failed(None);
            }
        }
    }

    /// §5.5.1.2.7: an abnormal case in the UE; retry with T3511 or give up.
    fn registration_abnormal(&mut self, now: Instant) {
        self.registration_attempts += 1;
        self.timers.stop(Timer::T3510);
        if self.connected {
            self.outputs.push_back(UeOutput::Release);
            self.connected = false;
        }
        if self.registration_attempts >= MAX_REGISTRATION_ATTEMPTS {
            self.fail_registration(FailureReason::Timeout);
        } else {
            debug!(
                attempt = self.registration_attempts,
                "registration retry after T3511"
            );
            self.timers.start(Timer::T3511, now);
        }
    }

    fn fail_registration(&mut self, reason: FailureReason) {
        self.timers.stop_all();
        self.release_sessions_locally();
        self.state = UeState::Deregistered;
        self.pending = None;
        self.initial_full = None;
        self.last_auth_failure = None;
        self.auth_failures = 0;
        self.outputs.push_back(UeOutput::RegistrationFailed(reason));
    }

    fn finish_deregistration(&mut self) {
        self.timers.stop_all();
        // §5.5.2.2.2, §5.5.2.3.2: the PDU sessions are released locally.
        self.release_sessions_locally();
        self.state = UeState::Deregistered;
        self.initial_full = None;
        self.outputs.push_back(UeOutput::Deregistered);
    }

    fn emit_nas(&mut self, pdu: Vec<u8>, s_tmsi: Option<STmsi>) {
        self.emit_nas_for(pdu, s_tmsi, ServiceType::Signalling);
    }

    fn emit_nas_for(&mut self, pdu: Vec<u8>, s_tmsi: Option<STmsi>, cause: ServiceType) {
        let initial = !self.connected;
        self.connected = true;
        self.outputs.push_back(UeOutput::Nas {
            pdu,
            initial,
            s_tmsi: if initial { s_tmsi } else { None },
            cause,
        });
    }
}
