//! UE contexts: plain serializable data (serde), no channel, socket or timer inside.
//! Timers are deadlines in the engine's [`crate::timers::Timers`]; indexes are in
//! [`crate::ids::Ids`].
//!
//! A registered UE keeps only what it needs between procedures: identities, the NAS
//! security context, UE security capability, TAI, allowed NSSAI, UE-AMBR and the shared
//! radio capability. Everything a procedure needs while it runs is in [`Procedure`],
//! boxed and dropped when the procedure ends.

use std::sync::Arc;

use ferrocore_nas_security::SecurityContext;
use serde::{Deserialize, Serialize};

use crate::config::Slice;
use crate::metrics::RegKind;
use crate::{AssocId, TxnId};

/// The engine's own key of a UE context, stable across NG connections.
pub type UeKey = u64;

/// The UE-associated logical NG-connection (TS 38.413 §3.1): the AMF-UE-NGAP-ID and
/// the RAN-UE-NGAP-ID on one association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RanBinding {
    pub assoc: AssocId,
    pub ran_ue_id: u32,
    pub amf_ue_id: u64,
    /// The SCTP stream of this UE's signalling (TS 38.412 §7).
    pub stream: u16,
    /// Initial Context Setup done on this connection: AS security is on.
    pub context_setup: bool,
    /// A UE CONTEXT RELEASE COMMAND was sent; waiting for the COMPLETE.
    pub releasing: bool,
}

/// RM state (TS 23.501 §5.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RmState {
    Deregistered,
    Registered,
}

/// UE security capability (TS 24.501 §9.11.3.54) as the UE sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UeSecurityCaps {
    pub ea: u8,
    pub ia: u8,
    pub eea: Option<u8>,
    pub eia: Option<u8>,
}

impl From<ferrocore_nas::ies::UeSecurityCapability> for UeSecurityCaps {
    fn from(c: ferrocore_nas::ies::UeSecurityCapability) -> Self {
        UeSecurityCaps {
            ea: c.ea,
            ia: c.ia,
            eea: c.eea,
            eia: c.eia,
        }
    }
}

impl From<UeSecurityCaps> for ferrocore_nas::ies::UeSecurityCapability {
    fn from(c: UeSecurityCaps) -> Self {
        ferrocore_nas::ies::UeSecurityCapability {
            ea: c.ea,
            ia: c.ia,
            eea: c.eea,
            eia: c.eia,
        }
    }
}

/// One UE.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UeContext {
    pub key: UeKey,
    pub ran: Option<RanBinding>,
    pub rm: RmState,
    /// `imsi-<digits>`, once authenticated.
    pub supi: Option<Box<str>>,
    /// The 5G-TMSI of the UE's 5G-GUTI (PLMN, region, set and pointer are the AMF's).
    pub tmsi: Option<u32>,
    /// The current 5G NAS security context.
    pub security: Option<SecurityContext>,
    /// Secure exchange of NAS messages is established on this NAS connection (TS 24.501
    /// §4.4.2.5): downlink messages are protected.
    pub secured: bool,
    pub ue_caps: Option<UeSecurityCaps>,
    /// Last TAI the UE was seen in: PLMN octets and TAC.
    pub tai: Option<([u8; 3], [u8; 3])>,
    pub allowed_nssai: Vec<Slice>,
    /// Subscribed UE-AMBR (downlink, uplink) in bit/s.
    pub ue_ambr: Option<(u64, u64)>,
    pub imeisv: Option<Box<str>>,
    /// UE radio capability, interned: identical capabilities share one allocation.
    pub radio_capability: Option<Arc<[u8]>>,
    /// The procedure under way, if any.
    pub procedure: Option<Box<Procedure>>,
    /// The UE's PDU sessions (PDU session routing contexts, TS 24.501 §5.4.5.2.2), by PSI.
    pub sessions: Vec<PduSession>,
    /// SM messages from N1N2MessageTransfer held until the UE can take them: while it is
    /// paged, or until its AS context is set up (TS 23.502 §4.2.3.3).
    pub pending_sm: Vec<PendingSm>,
    /// Paging under way (T3513): the retransmissions sent so far.
    pub paging: Option<u8>,
}

/// One PDU session as the AMF keeps it: the SMF's context, slice and DNN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PduSession {
    /// PDU session identity (1..=15).
    pub psi: u8,
    /// `smContextRef` at the SMF (the last segment of the created context's
    /// `Location`); `None` while the Create SM Context is in flight.
    pub sm_context_ref: Option<Box<str>>,
    pub snssai: Slice,
    pub dnn: Box<str>,
    /// User plane resources are set up in the NG-RAN (an N3 tunnel).
    pub up_active: bool,
}

/// Which NGAP SM transfer an N2 SM information carries (the AMF relays it opaque).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum N2Kind {
    /// PDU Session Resource Setup Request Transfer.
    SetupRequest,
    /// PDU Session Resource Release Command Transfer.
    ReleaseCommand,
    /// PDU Session Resource Modify Request Transfer.
    ModifyRequest,
}

/// An N1 SM message and / or N2 SM information for one PDU session, to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSm {
    pub psi: u8,
    /// The 5GSM message (plain), for a DL NAS TRANSPORT.
    pub n1: Option<Vec<u8>>,
    pub n2: Option<(N2Kind, Vec<u8>)>,
}

impl UeContext {
    pub fn new(key: UeKey) -> Self {
        UeContext {
            key,
            ran: None,
            rm: RmState::Deregistered,
            supi: None,
            tmsi: None,
            security: None,
            secured: false,
            ue_caps: None,
            tai: None,
            allowed_nssai: Vec::new(),
            ue_ambr: None,
            imeisv: None,
            radio_capability: None,
            procedure: None,
            sessions: Vec::new(),
            pending_sm: Vec::new(),
            paging: None,
        }
    }

    /// The PDU session `psi`.
    pub fn session(&self, psi: u8) -> Option<&PduSession> {
        self.sessions.iter().find(|s| s.psi == psi)
    }

    /// The PDU session `psi`, to change.
    pub fn session_mut(&mut self, psi: u8) -> Option<&mut PduSession> {
        self.sessions.iter_mut().find(|s| s.psi == psi)
    }

    /// The PSIs of the PDU sessions, in order.
    pub fn psis(&self) -> Vec<u8> {
        let mut v: Vec<u8> = self.sessions.iter().map(|s| s.psi).collect();
        v.sort_unstable();
        v
    }

    /// RM-REGISTERED.
    pub fn registered(&self) -> bool {
        self.rm == RmState::Registered
    }

    /// The registration under way.
    pub fn registration(&mut self) -> Option<&mut Registration> {
        match self.procedure.as_deref_mut() {
            Some(Procedure::Registration(r)) => Some(r),
            _ => None,
        }
    }

    /// Takes the registration under way out of the context; any other procedure stays.
    pub fn take_registration(&mut self) -> Option<Registration> {
        let p = self.procedure.take()?;
        match *p {
            Procedure::Registration(r) => Some(r),
            _ => {
                self.procedure = Some(p);
                None
            }
        }
    }

    /// Takes the service request under way out of the context; any other procedure stays.
    pub fn take_service_request(&mut self) -> Option<ServiceRequest> {
        let p = self.procedure.take()?;
        match *p {
            Procedure::ServiceRequest(sr) => Some(sr),
            _ => {
                self.procedure = Some(p);
                None
            }
        }
    }

    /// A name for logs: SUPI, else the AMF key.
    pub fn label(&self) -> String {
        match &self.supi {
            Some(s) => s.to_string(),
            None => format!("ue#{}", self.key),
        }
    }
}

/// A common procedure or specific procedure under way (TS 24.501 §5.1.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Procedure {
    Registration(Registration),
    /// Network-initiated de-registration (TS 24.501 §5.5.2.3), T3522 running.
    NetworkDeregistration(Retransmit),
    /// Generic UE configuration update (TS 24.501 §5.4.4), T3555 running.
    ConfigurationUpdate {
        new_tmsi: u32,
        retransmit: Retransmit,
    },
    /// Service request (TS 24.501 §5.6.1.4): user plane activation asked of the SMFs.
    ServiceRequest(ServiceRequest),
}

/// A service request waiting for the SMFs' answers before the INITIAL CONTEXT SETUP
/// REQUEST with the SERVICE ACCEPT goes out (TS 23.502 §4.2.3.2 steps 4-12).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// Uplink NAS COUNT of the message KgNB is bound to (TS 33.501 Annex A.9).
    pub kgnb_count: u32,
    /// Service type "mobile terminated services": the answer to paging.
    pub paging_response: bool,
    /// Update SM Context (ACTIVATING) transactions awaited, with their PSI.
    pub awaiting: Vec<(TxnId, u8)>,
    /// Sessions to set up: PSI, N1 SM message (if any), Setup Request Transfer.
    pub setup: Vec<(u8, Option<Vec<u8>>, Vec<u8>)>,
    /// Sessions whose user plane could not be re-established.
    pub failed: Vec<u8>,
    /// The UE sent a PDU session status IE: the accept carries the network's.
    pub pdu_session_status: bool,
    /// The UE sent an uplink data status IE: the accept carries the reactivation result.
    pub uplink_data_status: bool,
}

/// A downlink NAS message kept for retransmission on timer expiry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Retransmit {
    /// NAS octets as sent.
    pub nas: Vec<u8>,
    pub count: u8,
}

impl Retransmit {
    /// The message to send again on expiry, counted; `None` once `max` retransmissions
    /// have been sent.
    pub fn again(&mut self, max: u8) -> Option<Vec<u8>> {
        (self.count < max).then(|| {
            self.count += 1;
            self.nas.clone()
        })
    }
}

/// Where a registration stands (TS 24.501 §5.5.1.2, TS 23.502 §4.2.2.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegStep {
    /// IDENTITY REQUEST sent, T3570.
    Identity,
    /// Nausf Authenticate sent.
    AusfAuthenticate,
    /// AUTHENTICATION REQUEST sent, T3560.
    AuthChallenge,
    /// Nausf 5G AKA confirmation sent.
    AusfConfirm,
    /// SECURITY MODE COMMAND sent, T3560.
    SecurityMode,
    /// Nudm_UECM registration sent.
    UdmRegister,
    /// Nudm_SDM am-data get sent.
    UdmAmData,
    /// REGISTRATION ACCEPT sent with a new 5G-GUTI, T3550.
    Accepted,
}

/// A 5G AKA run (TS 33.501 §6.1.3.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aka {
    pub rand: [u8; 16],
    pub autn: [u8; 16],
    pub hxres_star: [u8; 16],
    pub auth_ctx_id: String,
    pub ng_ksi: u8,
    /// A re-synchronisation (AUTS) was already tried once.
    pub resync_tried: bool,
}

/// The state of one registration procedure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registration {
    pub kind: RegKind,
    pub step: RegStep,
    /// The plain REGISTRATION REQUEST (from the SECURITY MODE COMPLETE container once
    /// there is one).
    pub request: Vec<u8>,
    /// The SUCI in its SBI form, when the UE identified itself with one.
    pub suci: Option<String>,
    /// The SBI transaction the procedure waits for; replies with another id are stale.
    pub awaiting: Option<TxnId>,
    pub aka: Option<Aka>,
    /// Uplink NAS COUNT of the message KgNB is bound to (TS 33.501 Annex A.9).
    pub kgnb_count: Option<u32>,
    /// Request the entire initial message in SECURITY MODE COMPLETE (TS 24.501 §4.4.6).
    pub rinmr: bool,
    pub requested_nssai: Vec<Slice>,
    pub follow_on: bool,
    pub pdu_session_status: bool,
    pub new_tmsi: Option<u32>,
    pub retransmit: Retransmit,
    /// This authentication and security mode control serve a SERVICE REQUEST that failed
    /// its integrity check (TS 24.501 §4.4.4.3): its plain octets, processed once the
    /// new security context is in use.
    pub service_request: Option<Vec<u8>>,
    /// The sessions the UE reported in its PDU session status IE.
    pub ue_pdu_sessions: Option<Vec<u8>>,
}
