//! The N1 SM messages (TS 24.501 §8.3) and N2 SM information (TS 38.413 §9.3.4) the SMF
//! builds, from the wire crates' builders; those of the PDU session modification are in
//! [`modification`].

use ferrocore_nas::NasMessage;
use ferrocore_nas::ies::{Snssai as NasSnssai, epco_ie};
use ferrocore_nas::types::{
    NasDnn, NasFGsmCause, NasFGsmStatus, NasPduAddress, NasPduSessionEstablishmentAccept,
    NasPduSessionEstablishmentReject, NasPduSessionReleaseCommand, NasPduSessionType,
    NasQosFlowDescriptions, NasQosRules, NasSessionAmbr, NasSscMode, Pco, PcoEntry,
    PduSessionTypeValue, QosFlowDescription, QosFlowOpCode, QosFlowParameter, QosPacketFilter,
    QosPacketFilterComponent, QosPacketFilterDirection, QosRule, QosRuleOpCode, SscModeValue,
};
use ferrocore_ngap::transfer::{Ambr, ReleaseCommandTransfer, SetupRequestTransfer, Transfer};
use ferrocore_ngap::{Cause, CauseNas, CauseTransport, GtpTunnel, PduSessionType};

use crate::config::DnnConfig;
use crate::context::{PduType, SmContext};
use crate::qos::{DEFAULT_FILTER_ID, DEFAULT_PRECEDENCE, DEFAULT_QFI, DEFAULT_RULE_ID};

pub(crate) mod modification;

/// PCO container identifiers (TS 24.008 Table 10.5.154 / 10.5.136A).
pub(crate) mod pco {
    pub const DNS_V6: u16 = 0x0003;
    pub const DNS_V4: u16 = 0x000d;
    pub const IPV4_LINK_MTU: u16 = 0x0010;
}

/// Why a message could not be built (a value out of its range: a configuration or
/// subscription problem, never the peer's input).
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    #[error("NAS: {0}")]
    Nas(#[from] ferrocore_nas::Error),
    #[error("NGAP: {0}")]
    Ngap(#[from] ferrocore_ngap::Error),
    #[error("{0}")]
    Value(String),
}

fn value_err(e: impl std::fmt::Display) -> BuildError {
    BuildError::Value(e.to_string())
}

fn sm(
    message: impl Into<ferrocore_nas::types::Nas5gsmMessage>,
    psi: u8,
    pti: u8,
) -> Result<Vec<u8>, BuildError> {
    Ok(ferrocore_nas::encode(&NasMessage::sm(message, psi, pti))?)
}

/// The 5GSM cause IE of a value (unknown values are carried as they are).
fn cause_ie(cause: u8) -> NasFGsmCause {
    NasFGsmCause::new(cause)
}

/// PDU SESSION ESTABLISHMENT REJECT (TS 24.501 §8.3.3).
pub(crate) fn establishment_reject(psi: u8, pti: u8, cause: u8) -> Result<Vec<u8>, BuildError> {
    sm(
        NasPduSessionEstablishmentReject::new(cause_ie(cause)),
        psi,
        pti,
    )
}

/// PDU SESSION RELEASE COMMAND (TS 24.501 §8.3.14); `pti` 0 for a network-requested
/// release (§6.3.3.2).
pub(crate) fn release_command(psi: u8, pti: u8, cause: u8) -> Result<Vec<u8>, BuildError> {
    sm(NasPduSessionReleaseCommand::new(cause_ie(cause)), psi, pti)
}

/// 5GSM STATUS (TS 24.501 §8.3.16).
pub(crate) fn gsm_status(psi: u8, pti: u8, cause: u8) -> Result<Vec<u8>, BuildError> {
    sm(NasFGsmStatus::new(cause_ie(cause)), psi, pti)
}

/// Session-AMBR in the units of TS 24.501 §9.11.4.14 from bit/s: the finest unit whose
/// 16-bit value holds the rate, rounded up so the UE is never told less than granted.
pub(crate) fn session_ambr_ie(ul_bps: u64, dl_bps: u64) -> NasSessionAmbr {
    let (dl_unit, dl) = rate_units(dl_bps);
    let (ul_unit, ul) = rate_units(ul_bps);
    NasSessionAmbr::from_raw_fields(dl_unit, dl, ul_unit, ul)
}

/// A bit rate as the unit and 16-bit value of TS 24.501 §9.11.4.14 (Session-AMBR) and
/// §9.11.4.12 (GFBR / MFBR): the finest unit whose value holds the rate, rounded up.
pub(crate) fn rate_units(bps: u64) -> (u8, u16) {
    let kbps = bps.div_ceil(1000).max(1);
    // Units 01H..19H: 1, 4, 16, 64, 256 times 1 kbps, 1 Mbps, 1 Gbps, 1 Tbps, 1 Pbps.
    for unit in 0x01u8..=0x19 {
        let step = (unit - 1) / 5;
        let mult = 4u64.pow(u32::from((unit - 1) % 5)) * 1000u64.pow(u32::from(step));
        let v = kbps.div_ceil(mult);
        if v <= u64::from(u16::MAX) {
            return (unit, v as u16);
        }
    }
    (0x19, u16::MAX)
}

fn nas_type(t: PduType) -> PduSessionTypeValue {
    match t {
        PduType::Ipv4 => PduSessionTypeValue::Ipv4,
        PduType::Ipv6 => PduSessionTypeValue::Ipv6,
        PduType::Ipv4v6 => PduSessionTypeValue::Ipv4v6,
    }
}

/// The default QoS rule (TS 24.501 §9.11.4.13): rule 1, match-all in both directions,
/// lowest precedence, on the default flow.
fn default_qos_rule() -> QosRule {
    let filter = QosPacketFilter::Match {
        direction: QosPacketFilterDirection::Bidirectional,
        identifier: DEFAULT_FILTER_ID,
        components: vec![QosPacketFilterComponent::MatchAll],
    };
    QosRule::new(DEFAULT_RULE_ID, QosRuleOpCode::Create)
        .with_default_rule(true)
        .with_packet_filters(vec![filter])
        .with_precedence(DEFAULT_PRECEDENCE)
        .with_qfi(DEFAULT_QFI)
}

/// The extended PCO answer: what the UE asked for and the DNN has.
fn pco_answer(ctx: &SmContext, dnn: &DnnConfig) -> Option<Pco> {
    let mut entries = Vec::new();
    if ctx.pco.dns_v4 && ctx.pdu_type.is_some_and(PduType::has_v4) {
        for a in &dnn.dns_v4 {
            entries.push(PcoEntry {
                identifier: pco::DNS_V4,
                contents: a.octets().to_vec(),
            });
        }
    }
    if ctx.pco.dns_v6 && ctx.pdu_type.is_some_and(PduType::has_v6) {
        for a in &dnn.dns_v6 {
            entries.push(PcoEntry {
                identifier: pco::DNS_V6,
                contents: a.octets().to_vec(),
            });
        }
    }
    if ctx.pco.ipv4_mtu && ctx.pdu_type.is_some_and(PduType::has_v4) {
        entries.push(PcoEntry {
            identifier: pco::IPV4_LINK_MTU,
            contents: dnn.ipv4_mtu.to_be_bytes().to_vec(),
        });
    }
    (!entries.is_empty()).then(|| Pco::new(0, entries))
}

/// PDU SESSION ESTABLISHMENT ACCEPT (TS 24.501 §8.3.2, procedure §6.4.1.3): selected
/// type and SSC mode 1, the default QoS rule, Session-AMBR, PDU address, S-NSSAI, DNN,
/// the authorized QoS flow description of the default flow (5QI), extended PCO with
/// DNS / IPv4 link MTU when asked, and #50 / #51 when IPv4v6 was narrowed.
pub(crate) fn establishment_accept(
    ctx: &SmContext,
    dnn: &DnnConfig,
) -> Result<Vec<u8>, BuildError> {
    let t = ctx
        .pdu_type
        .ok_or_else(|| BuildError::Value("no PDU session type selected".into()))?;
    let rules = NasQosRules::from_rules(&[default_qos_rule()]).map_err(value_err)?;
    let mut accept = NasPduSessionEstablishmentAccept::new(
        NasPduSessionType::from_session_type(nas_type(t)),
        NasSscMode::from_mode(SscModeValue::Ssc1),
        rules,
        session_ambr_ie(ctx.qos.ambr_ul, ctx.qos.ambr_dl),
    );
    accept.fgsm_cause = ctx.type_cause.map(cause_ie);
    accept.pdu_address = Some(match (t, ctx.ipv4) {
        (PduType::Ipv4, Some(v4)) => NasPduAddress::from_ipv4(v4.octets()),
        (PduType::Ipv6, _) => NasPduAddress::from_ipv6_iid(ctx.ipv6_iid),
        (PduType::Ipv4v6, Some(v4)) => NasPduAddress::from_ipv4v6(ctx.ipv6_iid, v4.octets()),
        _ => {
            return Err(BuildError::Value(
                "no IPv4 address for an IPv4 session".into(),
            ));
        }
    });
    let sd = ctx.snssai.sd.as_ref().map(|h| {
        let b = h.0;
        u32::from_be_bytes([0, b[0], b[1], b[2]])
    });
    accept.s_nssai = Some(NasSnssai::new(ctx.snssai.sst, sd).to_ie()?);
    accept.dnn = Some(NasDnn::from_string(&ctx.dnn).map_err(value_err)?);
    let flow = QosFlowDescription::new(
        DEFAULT_QFI,
        QosFlowOpCode::Create,
        true,
        vec![QosFlowParameter::FiveQi(ctx.qos.five_qi)],
    );
    accept.authorized_qos_flow_descriptions =
        Some(NasQosFlowDescriptions::from_descriptions(&[flow]).map_err(value_err)?);
    if let Some(p) = pco_answer(ctx, dnn) {
        accept.extended_protocol_configuration_options = Some(epco_ie(&p, false)?);
    }
    sm(accept, ctx.psi, ctx.pti)
}

/// PDU Session Resource Setup Request Transfer (TS 38.413 §9.3.4.1): the UPF's N3
/// F-TEID, the session type, the QoS flows (the default flow's and the others, so that a
/// Service Request brings them all back) and the Session-AMBR.
pub(crate) fn setup_request_transfer(ctx: &SmContext) -> Result<Vec<u8>, BuildError> {
    let (teid, addr) = ctx
        .ul_teid
        .ok_or_else(|| BuildError::Value("no UL F-TEID from the UPF".into()))?;
    let session_type = match ctx.pdu_type {
        Some(PduType::Ipv4) => PduSessionType::ipv4,
        Some(PduType::Ipv6) => PduSessionType::ipv6,
        Some(PduType::Ipv4v6) => PduSessionType::ipv4v6,
        None => return Err(BuildError::Value("no PDU session type selected".into())),
    };
    let t = SetupRequestTransfer {
        session_ambr: Some(Ambr {
            downlink: ctx.qos.ambr_dl,
            uplink: ctx.qos.ambr_ul,
        }),
        ul_tunnel: GtpTunnel { addr, teid },
        session_type,
        qos_flows: modification::flow_requests(&ctx.qos),
    };
    Ok(t.encode()?)
}

/// PDU Session Resource Release Command Transfer (TS 38.413 §9.3.4.12) with `cause`.
fn release_transfer(cause: Cause) -> Result<Vec<u8>, BuildError> {
    Ok(ReleaseCommandTransfer { cause }.encode()?)
}

/// The Release Command Transfer of a PDU session release: cause NAS normal release.
pub(crate) fn release_command_transfer() -> Result<Vec<u8>, BuildError> {
    release_transfer(Cause::nas(CauseNas::normal_release))
}

/// The Release Command Transfer releasing the AN resources of a session whose N3 tunnel
/// the gNB no longer knows (TS 23.527 §5.3, TS 23.502 §4.3.7): cause transport resource
/// unavailable.
pub(crate) fn tunnel_lost_release_transfer() -> Result<Vec<u8>, BuildError> {
    release_transfer(Cause::transport(
        CauseTransport::transport_resource_unavailable,
    ))
}

/// The 5GSM cause values the SMF sends (TS 24.501 §9.11.4.2).
pub(crate) mod cause {
    pub const INSUFFICIENT_RESOURCES: u8 = 26;
    pub const MISSING_OR_UNKNOWN_DNN: u8 = 27;
    pub const UNKNOWN_PDU_SESSION_TYPE: u8 = 28;
    pub const USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED: u8 = 29;
    pub const REGULAR_DEACTIVATION: u8 = 36;
    pub const NETWORK_FAILURE: u8 = 38;
    pub const REACTIVATION_REQUESTED: u8 = 39;
    pub const REQUEST_REJECTED_UNSPECIFIED: u8 = 31;
    pub const QOS_NOT_ACCEPTED: u8 = 37;
    pub const INVALID_PDU_SESSION_IDENTITY: u8 = 43;
    pub const SEMANTIC_ERRORS_IN_PACKET_FILTERS: u8 = 44;
    pub const SYNTACTICAL_ERROR_IN_PACKET_FILTERS: u8 = 45;
    pub const PTI_MISMATCH: u8 = 47;
    pub const IPV4_ONLY_ALLOWED: u8 = 50;
    pub const IPV6_ONLY_ALLOWED: u8 = 51;
    pub const UNSUPPORTED_5QI_VALUE: u8 = 59;
    pub const NOT_SUPPORTED_SSC_MODE: u8 = 68;
    pub const INVALID_PTI_VALUE: u8 = 81;
    pub const SEMANTIC_ERROR_IN_QOS_OPERATION: u8 = 83;
    pub const SYNTACTICAL_ERROR_IN_QOS_OPERATION: u8 = 84;
    pub const MESSAGE_TYPE_NOT_COMPATIBLE: u8 = 98;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambr_units_round_up_and_read_back() {
        let ie = session_ambr_ie(100_000_000, 1_000_000_000);
        let v = ie.parse().unwrap();
        assert_eq!(v.ul_kbps, 100_000);
        assert_eq!(v.dl_kbps, 1_000_000);
        // 1.5 kbps is sent as 2 kbps, never less.
        let v = session_ambr_ie(1_500, 65_535_000 + 1).parse().unwrap();
        assert_eq!(v.ul_kbps, 2);
        assert!(v.dl_kbps >= 65_536);
    }
}
