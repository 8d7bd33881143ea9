//! The UE's 5GSM (TS 24.501 §6): UE-requested PDU session establishment (§6.4.1) and
//! release (§6.4.3), network-requested release (§6.3.3), carried in UL / DL NAS
//! TRANSPORT (§5.4.5) as N1 SM information. Modification (§6.3.2, §6.4.2) is in
//! [`super::modification`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use ferrocore_nas::ies::{Snssai, epco, epco_ie};
use ferrocore_nas::types::{
    MaxDataRate, Nas5gsmMessage, NasDlNasTransport, NasDnn, NasFGsmCause,
    NasIntegrityProtectionMaximumDataRate, NasPayloadContainer, NasPayloadContainerType,
    NasPduSessionEstablishmentAccept, NasPduSessionEstablishmentRequest, NasPduSessionIdentity2,
    NasPduSessionReleaseCommand, NasPduSessionReleaseComplete, NasPduSessionReleaseRequest,
    NasPduSessionType, NasRequestType, NasSscMode, NasUlNasTransport, PayloadContainerKind, Pco,
    PcoEntry, PduSessionTypeValue, RequestTypeValue,
};
use ferrocore_nas::{NasMessage, SmMessage};
use tracing::{debug, info, warn};

use super::build::Protection;
use super::{Ue, UeOutput, UeState};
use crate::qos::QosRules;
use crate::session::{SessionFailure, SessionInfo, SessionRequest, SessionType};

/// T3580, T3581 and T3582 (TS 24.501 Table 10.3.1): 16 s.
pub(super) const T358X: Duration = Duration::from_secs(16);
/// Transmissions of a 5GSM request before the UE gives up: on the fifth expiry
/// (§6.4.1.6 a), §6.4.2.6 a), §6.4.3.6 a)).
const SM_ATTEMPTS: u8 = 5;

/// ePCO container identifiers (TS 24.008 Table 10.5.154).
const PCO_DNS_V6: u16 = 0x0003;
const PCO_IP_ALLOC_NAS: u16 = 0x000a;
const PCO_DNS_V4: u16 = 0x000d;
const PCO_MTU_V4: u16 = 0x0010;

/// 5GSM causes (TS 24.501 §9.11.4.2).
const CAUSE_REGULAR_DEACTIVATION: u8 = 36;
pub(super) const CAUSE_PTI_MISMATCH: u8 = 47;
pub(super) const CAUSE_INVALID_PSI: u8 = 43;
const CAUSE_NOT_COMPATIBLE: u8 = 98;

/// Where a PDU session is (TS 24.501 §6.1.3.2, with the procedure under way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// PDU SESSION ESTABLISHMENT REQUEST sent (PDU SESSION ACTIVE PENDING).
    ActivePending,
    /// PDU SESSION ACTIVE.
    Active,
    /// PDU SESSION RELEASE REQUEST sent (PDU SESSION INACTIVE PENDING).
    InactivePending,
    /// PDU SESSION MODIFICATION REQUEST sent (PDU SESSION MODIFICATION PENDING): the
    /// session stays usable.
    ModificationPending,
}

impl SessionState {
    /// The session carries traffic: PDU SESSION ACTIVE, or a modification under way.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            SessionState::Active | SessionState::ModificationPending
        )
    }
}

/// One PDU session of the UE.
#[derive(Debug, Clone)]
pub struct PduSession {
    request: SessionRequest,
    pub(super) state: SessionState,
    /// PTI of the procedure under way.
    pub(super) pti: u8,
    /// The UL NAS TRANSPORT of the request under way, kept for retransmission.
    pub(super) pending: Option<Vec<u8>>,
    pub(super) deadline: Option<Instant>,
    pub(super) attempts: u8,
    pub(super) info: Option<SessionInfo>,
    /// The QoS rules and flow descriptions the network gave.
    pub(super) qos: QosRules,
}

impl PduSession {
    /// The PSI.
    pub fn psi(&self) -> u8 {
        self.request.psi
    }

    /// The state.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// What the UE asked for.
    pub fn request(&self) -> &SessionRequest {
        &self.request
    }

    /// What the accept gave, once established (session-AMBR and default QFI as later
    /// modified).
    pub fn info(&self) -> Option<&SessionInfo> {
        self.info.as_ref()
    }

    /// The QoS rules and QoS flow descriptions in force.
    pub fn qos_rules(&self) -> &QosRules {
        &self.qos
    }

    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}

impl Ue {
    /// The PDU session `psi`, if any.
    pub fn session(&self, psi: u8) -> Option<&PduSession> {
        self.sessions.iter().find(|s| s.psi() == psi)
    }

    /// All PDU sessions.
    pub fn sessions(&self) -> &[PduSession] {
        &self.sessions
    }

    /// PSIs of the sessions in PDU SESSION ACTIVE (or releasing): the PDU session status
    /// the UE reports (TS 24.501 §9.11.3.44).
    pub(crate) fn active_psis(&self) -> Vec<u8> {
        self.sessions
            .iter()
            .filter(|s| s.state != SessionState::ActivePending)
            .map(|s| s.psi())
            .collect()
    }

    pub(super) fn allocate_pti(&mut self) -> u8 {
        // §9.6: 1..=254 for UE-initiated procedures.
        self.last_pti = if self.last_pti >= 254 {
            1
        } else {
            self.last_pti + 1
        };
        self.last_pti
    }

    /// UE-requested PDU session establishment (TS 24.501 §6.4.1.2): PDU SESSION
    /// ESTABLISHMENT REQUEST (PDU session type, SSC mode 1, ePCO asking for DNS server
    /// addresses, the IPv4 link MTU and IPv4 address allocation via NAS signalling) in a
    /// UL NAS TRANSPORT with request type "initial request", the S-NSSAI and DNN when
    /// given; T3580. A UE in CM-IDLE brings its connection up first (§5.6.1.1).
    pub(crate) fn establish_session(&mut self, now: Instant, request: SessionRequest) {
        let span = self.span.clone();
        let _g = span.enter();
        let psi = request.psi;
        let refuse = if self.state != UeState::Registered {
            Some("not registered".to_owned())
        } else if !(1..=15).contains(&psi) {
            Some(format!("PSI {psi} out of 1..=15"))
        } else if self.session(psi).is_some() {
            Some(format!("PSI {psi} in use"))
        } else {
            None
        };
        if let Some(why) = refuse {
            self.outputs.push_back(UeOutput::SessionFailed {
                psi,
                cause: SessionFailure::Refused(why),
            });
            return;
        }
        let pti = self.allocate_pti();
        let transport = match establishment_request(&request, pti) {
            Ok(t) => t,
            Err(e) => {
                warn!(error = %e, "cannot build PDU SESSION ESTABLISHMENT REQUEST");
                self.outputs.push_back(UeOutput::SessionFailed {
                    psi,
                    cause: SessionFailure::Refused(e.to_string()),
                });
                return;
            }
        };
        info!(psi, pti, "PDU SESSION ESTABLISHMENT REQUEST");
        self.sessions.push(PduSession {
            request,
            state: SessionState::ActivePending,
            pti,
            pending: Some(transport.clone()),
            deadline: Some(now + T358X),
            attempts: 1,
            info: None,
            qos: QosRules::default(),
        });
        self.send_transport(now, transport);
    }

    /// UE-requested PDU session release (TS 24.501 §6.4.3.2): PDU SESSION RELEASE
    /// REQUEST, cause #36 regular deactivation; T3582.
    pub(crate) fn release_session(&mut self, now: Instant, psi: u8) {
        let span = self.span.clone();
        let _g = span.enter();
        let pti = self.allocate_pti();
        let Some(s) = self.sessions.iter_mut().find(|s| s.psi() == psi) else {
            return;
        };
        if s.state != SessionState::Active {
            debug!(psi, state = ?s.state, "release asked in a state that has no release");
            return;
        }
        let req = NasPduSessionReleaseRequest::new()
            .with_fgsm_cause(NasFGsmCause::new(CAUSE_REGULAR_DEACTIVATION));
        let Some(transport) = ul_transport(NasMessage::sm(req, psi, pti), psi) else {
            return;
        };
        s.state = SessionState::InactivePending;
        s.pti = pti;
        s.pending = Some(transport.clone());
        s.deadline = Some(now + T358X);
        s.attempts = 1;
        info!(psi, pti, "PDU SESSION RELEASE REQUEST");
        self.send_transport(now, transport);
    }

    /// Sends a UL NAS TRANSPORT (TS 24.501 §5.4.5.2): on the connection when there is
    /// one, else held and a service request started (§5.6.1.1: pending signalling).
    pub(super) fn send_transport(&mut self, now: Instant, transport: Vec<u8>) {
        if self.connected {
            self.send_encoded(transport, Protection::Current);
        } else {
            self.held_sm.push_back(transport);
            self.start_service_request(now, super::ServiceType::Signalling, &[]);
        }
    }

    /// Sends what waited for the connection.
    pub(crate) fn flush_held_sm(&mut self) {
        while let Some(t) = self.held_sm.pop_front() {
            self.send_encoded(t, Protection::Current);
        }
    }

    /// T3580 / T3582 (§6.4.1.6 a), §6.4.3.6 a)): retransmit, and on the fifth expiry give
    /// up: the establishment fails, the release completes locally.
    pub(crate) fn sm_timeouts(&mut self, now: Instant) {
        let due: Vec<u8> = self
            .sessions
            .iter()
            .filter(|s| s.deadline.is_some_and(|d| d <= now))
            .map(|s| s.psi())
            .collect();
        for psi in due {
            let Some(i) = self.sessions.iter().position(|s| s.psi() == psi) else {
                continue;
            };
            let s = &mut self.sessions[i];
            if s.attempts >= SM_ATTEMPTS && s.state == SessionState::ModificationPending {
                warn!(psi, "T3581: no answer to PDU SESSION MODIFICATION REQUEST");
                s.state = SessionState::Active;
                s.deadline = None;
                s.pending = None;
                self.outputs.push_back(UeOutput::ModificationFailed {
                    psi,
                    cause: SessionFailure::Timeout,
                });
                continue;
            }
            if s.attempts >= SM_ATTEMPTS {
                let state = s.state;
                self.sessions.remove(i);
                if state == SessionState::ActivePending {
                    warn!(psi, "T3580: no answer to PDU SESSION ESTABLISHMENT REQUEST");
                    self.outputs.push_back(UeOutput::SessionFailed {
                        psi,
                        cause: SessionFailure::Timeout,
                    });
                } else {
                    warn!(psi, "T3582: no answer, PDU session released locally");
                    self.outputs.push_back(UeOutput::SessionReleased { psi });
                }
                continue;
            }
            s.attempts += 1;
            s.deadline = Some(now + T358X);
            if let Some(t) = s.pending.clone() {
                debug!(psi, attempt = s.attempts, "5GSM request retransmitted");
                self.send_transport(now, t);
            }
        }
    }

    /// Every session goes without signalling (de-registration, TS 24.501 §6.4.1.1 NOTE;
    /// §5.5.2.2.2).
    pub(crate) fn release_sessions_locally(&mut self) {
        self.held_sm.clear();
        for s in std::mem::take(&mut self.sessions) {
            let psi = s.psi();
            if s.state == SessionState::ActivePending {
                self.outputs.push_back(UeOutput::SessionFailed {
                    psi,
                    cause: SessionFailure::Refused("de-registered".into()),
                });
            } else {
                self.outputs.push_back(UeOutput::SessionReleased { psi });
            }
        }
    }

    /// The network's PDU session status (SERVICE ACCEPT, REGISTRATION ACCEPT,
    /// TS 24.501 §5.6.1.4.1): sessions it does not hold active are released locally.
    pub(crate) fn sync_session_status(&mut self, active: &[u8]) {
        let gone: Vec<u8> = self
            .sessions
            .iter()
            .filter(|s| s.state != SessionState::ActivePending && !active.contains(&s.psi()))
            .map(|s| s.psi())
            .collect();
        for psi in gone {
            info!(psi, "inactive in the network: released locally");
            self.sessions.retain(|s| s.psi() != psi);
            self.outputs.push_back(UeOutput::SessionReleased { psi });
        }
    }

    /// DL NAS TRANSPORT (TS 24.501 §5.4.5.3): N1 SM information goes to 5GSM; a 5GMM cause
    /// means the AMF returns a 5GSM message it could not forward (§5.4.5.3.3).
    pub(crate) fn on_dl_nas_transport(&mut self, now: Instant, m: &NasDlNasTransport) {
        if !m.payload_container_type.is_n1_sm() {
            debug!("DL NAS TRANSPORT without N1 SM information: ignored");
            return;
        }
        let sm = match ferrocore_nas::decode(&m.payload_container.value) {
            Ok(NasMessage::Sm(sm)) => sm,
            Ok(_) | Err(_) => {
                warn!("DL NAS TRANSPORT: the payload is no 5GSM message");
                return;
            }
        };
        if let Some(cause) = &m.fgmm_cause {
            let psi = m
                .pdu_session_id
                .as_ref()
                .map_or(sm.pdu_session_id, |p| p.pdu_session_id());
            self.not_forwarded(psi, cause.value);
            return;
        }
        self.receive_sm(now, sm);
    }

    fn not_forwarded(&mut self, psi: u8, cause: u8) {
        let Some(i) = self.sessions.iter().position(|s| s.psi() == psi) else {
            return;
        };
        warn!(psi, cause, "5GSM message not forwarded by the AMF");
        let s = self.sessions.remove(i);
        match s.state {
            SessionState::ActivePending => self.outputs.push_back(UeOutput::SessionFailed {
                psi,
                cause: SessionFailure::NotForwarded { cause },
            }),
            SessionState::InactivePending => {
                self.outputs.push_back(UeOutput::SessionReleased { psi });
            }
            SessionState::ModificationPending => {
                self.outputs.push_back(UeOutput::ModificationFailed {
                    psi,
                    cause: SessionFailure::NotForwarded { cause },
                });
                self.sessions.push(PduSession {
                    state: SessionState::Active,
                    pending: None,
                    deadline: None,
                    ..s
                });
            }
            SessionState::Active => self.sessions.push(s),
        }
    }

    /// One 5GSM message from the network.
    fn receive_sm(&mut self, now: Instant, sm: SmMessage) {
        let SmMessage {
            pdu_session_id: psi,
            pti,
            message,
        } = sm;
        match message {
            Nas5gsmMessage::PduSessionEstablishmentAccept(a) => {
                self.on_establishment_accept(now, psi, pti, &a)
            }
            Nas5gsmMessage::PduSessionEstablishmentReject(r) => {
                self.on_establishment_reject(psi, pti, r.fgsm_cause.value)
            }
            Nas5gsmMessage::PduSessionReleaseCommand(c) => self.on_release_command(psi, pti, &c),
            Nas5gsmMessage::PduSessionReleaseReject(r) => {
                // §6.4.3.4: the session stays active.
                if let Some(s) = self.sessions.iter_mut().find(|s| s.psi() == psi) {
                    info!(
                        psi,
                        cause = r.fgsm_cause.value,
                        "PDU SESSION RELEASE REJECT"
                    );
                    s.state = SessionState::Active;
                    s.deadline = None;
                    s.pending = None;
                }
            }
            Nas5gsmMessage::PduSessionModificationCommand(c) => {
                self.on_modification_command(now, psi, pti, &c)
            }
            Nas5gsmMessage::PduSessionModificationReject(r) => {
                self.on_modification_reject(psi, pti, r.fgsm_cause.value)
            }
            Nas5gsmMessage::FiveGsmStatus(s) => {
                warn!(
                    psi,
                    cause = s.fgsm_cause.value,
                    "5GSM STATUS from the network"
                );
            }
            other => {
                debug!(
                    psi,
                    ?other,
                    "5GSM message not compatible with the protocol state"
                );
                self.sm_status(psi, pti, CAUSE_NOT_COMPATIBLE);
            }
        }
    }

    /// PDU SESSION ESTABLISHMENT ACCEPT (TS 24.501 §6.4.1.3): PDU address, the default QoS
    /// rule's QFI, session-AMBR, DNS servers and link MTU from the ePCO. A PTI that is
    /// not in use is answered with 5GSM STATUS #47 (§7.3.1).
    fn on_establishment_accept(
        &mut self,
        now: Instant,
        psi: u8,
        pti: u8,
        a: &NasPduSessionEstablishmentAccept,
    ) {
        let Some(s) = self
            .sessions
            .iter_mut()
            .find(|s| s.psi() == psi && s.state == SessionState::ActivePending && s.pti == pti)
        else {
            warn!(psi, pti, "ESTABLISHMENT ACCEPT for no pending request");
            self.sm_status(psi, pti, CAUSE_PTI_MISMATCH);
            return;
        };
        let session_type = match a.selected_pdu_session_type.session_type() {
            Some(PduSessionTypeValue::Ipv6) => SessionType::Ipv6,
            Some(PduSessionTypeValue::Ipv4v6) => SessionType::Ipv4v6,
            _ => SessionType::Ipv4,
        };
        let ipv4 = a
            .pdu_address
            .as_ref()
            .and_then(|p| p.ipv4())
            .map(Ipv4Addr::from);
        let ipv6_interface_id = a.pdu_address.as_ref().and_then(|p| p.ipv6_interface_id());
        let qos = QosRules::from_accept(
            &a.authorized_qos_rules,
            a.authorized_qos_flow_descriptions.as_ref(),
        );
        let default_qfi = qos
            .default_qfi()
            .or_else(|| qos.rules().first().map(|r| r.qfi));
        let ambr_kbps = a
            .session_ambr
            .downlink_kbps()
            .zip(a.session_ambr.uplink_kbps());
        let mut dns = Vec::new();
        let mut mtu = None;
        if let Some(pco) = a
            .extended_protocol_configuration_options
            .as_ref()
            .and_then(|e| epco(e, false))
        {
            for e in &pco.entries {
                match (e.identifier, e.contents.len()) {
                    (PCO_DNS_V4, 4) => {
                        let o: [u8; 4] = e.contents[..4].try_into().unwrap_or_default();
                        dns.push(IpAddr::V4(Ipv4Addr::from(o)));
                    }
                    (PCO_DNS_V6, 16) => {
                        let o: [u8; 16] = e.contents[..16].try_into().unwrap_or_default();
                        dns.push(IpAddr::V6(Ipv6Addr::from(o)));
                    }
                    (PCO_MTU_V4, 2) => {
                        mtu = Some(u16::from_be_bytes([e.contents[0], e.contents[1]]))
                    }
                    _ => {}
                }
            }
        }
        let info = SessionInfo {
            psi,
            session_type,
            ipv4,
            ipv6_interface_id,
            dns,
            mtu,
            default_qfi,
            ambr_kbps,
            dnn: a.dnn.as_ref().and_then(NasDnn::as_string),
            at: now,
        };
        info!(psi, ?ipv4, ?default_qfi, "PDU session established");
        s.state = SessionState::Active;
        s.deadline = None;
        s.pending = None;
        s.info = Some(info.clone());
        s.qos = qos;
        self.outputs.push_back(UeOutput::SessionEstablished(info));
    }

    /// PDU SESSION ESTABLISHMENT REJECT (TS 24.501 §6.4.1.4).
    fn on_establishment_reject(&mut self, psi: u8, pti: u8, cause: u8) {
        let Some(i) = self
            .sessions
            .iter()
            .position(|s| s.psi() == psi && s.state == SessionState::ActivePending && s.pti == pti)
        else {
            self.sm_status(psi, pti, CAUSE_PTI_MISMATCH);
            return;
        };
        info!(psi, cause, "PDU SESSION ESTABLISHMENT REJECT");
        self.sessions.remove(i);
        self.outputs.push_back(UeOutput::SessionFailed {
            psi,
            cause: SessionFailure::Rejected { cause },
        });
    }

    /// PDU SESSION RELEASE COMMAND (TS 24.501 §6.3.3.3 network-requested, §6.4.3.3 in
    /// answer to the UE's request): PDU SESSION RELEASE COMPLETE with the same PTI, the
    /// session goes. For a PSI the UE does not have it still completes (§6.3.3.3:
    /// "#43 invalid PDU session identity" in the complete).
    fn on_release_command(&mut self, psi: u8, pti: u8, c: &NasPduSessionReleaseCommand) {
        let cause = c.fgsm_cause.value;
        let mut complete = NasPduSessionReleaseComplete::new();
        let found = self.sessions.iter().position(|s| s.psi() == psi);
        if found.is_none() {
            complete = complete.with_fgsm_cause(NasFGsmCause::new(CAUSE_INVALID_PSI));
        }
        if let Some(t) = ul_transport(NasMessage::sm(complete, psi, pti), psi) {
            self.send_encoded(t, Protection::Current);
        }
        let Some(i) = found else {
            return;
        };
        info!(psi, cause, "PDU SESSION RELEASE COMMAND");
        let s = self.sessions.remove(i);
        if s.state == SessionState::ActivePending {
            self.outputs.push_back(UeOutput::SessionFailed {
                psi,
                cause: SessionFailure::Rejected { cause },
            });
        } else {
            self.outputs.push_back(UeOutput::SessionReleased { psi });
        }
    }

    /// 5GSM STATUS (TS 24.501 §6.5, §7.3).
    pub(super) fn sm_status(&mut self, psi: u8, pti: u8, cause: u8) {
        let status = ferrocore_nas::types::NasFGsmStatus::new(NasFGsmCause::new(cause));
        if self.connected
            && let Some(t) = ul_transport(NasMessage::sm(status, psi, pti), psi)
        {
            self.send_encoded(t, Protection::Current);
        }
    }
}

/// The UL NAS TRANSPORT carrying a new PDU SESSION ESTABLISHMENT REQUEST.
fn establishment_request(
    request: &SessionRequest,
    pti: u8,
) -> Result<Vec<u8>, crate::error::SimError> {
    let kind = match request.pdu_session_type {
        SessionType::Ipv4 => PduSessionTypeValue::Ipv4,
        SessionType::Ipv6 => PduSessionTypeValue::Ipv6,
        SessionType::Ipv4v6 => PduSessionTypeValue::Ipv4v6,
    };
    let mut entries = vec![PcoEntry {
        identifier: PCO_IP_ALLOC_NAS,
        contents: Vec::new(),
    }];
    if request.pdu_session_type.has_v4() {
        for identifier in [PCO_DNS_V4, PCO_MTU_V4] {
            entries.push(PcoEntry {
                identifier,
                contents: Vec::new(),
            });
        }
    }
    if request.pdu_session_type.has_v6() {
        entries.push(PcoEntry {
            identifier: PCO_DNS_V6,
            contents: Vec::new(),
        });
    }
    let req =
        NasPduSessionEstablishmentRequest::new(NasIntegrityProtectionMaximumDataRate::from_rates(
            MaxDataRate::FullRate,
            MaxDataRate::FullRate,
        ))
        .with_pdu_session_type(NasPduSessionType::from_session_type(kind))
        .with_ssc_mode(NasSscMode::new(1))
        .with_extended_protocol_configuration_options(epco_ie(&Pco::new(0, entries), true)?);
    let sm = NasMessage::sm(req, request.psi, pti);
    let mut transport = transport_of(&sm, request.psi)?;
    transport.request_type = Some(NasRequestType::from_request_type(
        RequestTypeValue::InitialRequest,
    ));
    if let Some((sst, sd)) = request.snssai {
        transport.s_nssai = Some(Snssai::new(sst, sd).to_ie()?);
    }
    if let Some(dnn) = &request.dnn {
        transport.dnn = Some(
            NasDnn::from_string(dnn)
                .map_err(|e| crate::error::SimError::Config(format!("DNN {dnn}: {e}")))?,
        );
    }
    Ok(ferrocore_nas::encode(&NasMessage::mm(transport))?)
}

pub(super) fn transport_of(
    sm: &NasMessage,
    psi: u8,
) -> Result<NasUlNasTransport, crate::error::SimError> {
    let inner = ferrocore_nas::encode(sm)?;
    Ok(NasUlNasTransport::new(
        NasPayloadContainerType::from_kind(PayloadContainerKind::N1SmInformation),
        NasPayloadContainer::new(inner),
    )
    .with_pdu_session_id(NasPduSessionIdentity2::from_pdu_session_id(psi)))
}

/// A UL NAS TRANSPORT (TS 24.501 §8.2.10) with `sm` for PDU session `psi`, encoded plain.
pub(super) fn ul_transport(sm: NasMessage, psi: u8) -> Option<Vec<u8>> {
    let built = transport_of(&sm, psi).and_then(|t| Ok(ferrocore_nas::encode(&NasMessage::mm(t))?));
    match built {
        Ok(b) => Some(b),
        Err(e) => {
            warn!(error = %e, "cannot build UL NAS TRANSPORT");
            None
        }
    }
}
