//! Independent bytes with pycrate (pycrate_asn1dir.NGAP, from the ASN.1 of TS 38.413):
//! (a) ferrocore builds every message, pycrate decodes it, and the field values pycrate
//!     reads are the ones ferrocore built;
//! (b) pycrate builds every message from values written by hand in
//!     `tests/interop/pycrate_ngap.py`, ferrocore decodes it, and the typed fields are the
//!     values pycrate encoded.
//! Both directions compare the same field list, [`checks`]: IDs, PLMNs, TACs, cells,
//! NAS-PDUs, causes, slices, TEIDs and addresses, QoS flows, keys, names.

mod common;

use ferrocore_ngap::msg::*;
use ferrocore_ngap::transfer::*;
use ferrocore_ngap::*;
use ferrocore_testkit::to_hex;
use serde_json::{Value, json};
use std::net::IpAddr;
use std::path::PathBuf;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/pycrate_ngap.py")
}

/// pycrate's flattened value: (path, value) in document order.
type Leaves = Vec<(String, String)>;

fn leaves_of(v: &Value) -> Leaves {
    v.as_array()
        .expect("leaves")
        .iter()
        .map(|l| {
            (
                l[0].as_str().unwrap().to_owned(),
                l[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every leaf value whose path ends with `/suffix`, in order.
fn find(leaves: &Leaves, suffix: &str) -> Vec<String> {
    let tail = format!("/{suffix}");
    leaves
        .iter()
        .filter(|(p, _)| p.ends_with(&tail) || p == suffix)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Field list compared in both directions: (path suffix in pycrate's value, values).
struct Checks(Vec<(String, Vec<String>)>);

impl Checks {
    fn add<S: ToString>(&mut self, suffix: &str, vals: impl IntoIterator<Item = S>) {
        self.0.push((
            suffix.to_owned(),
            vals.into_iter().map(|v| v.to_string()).collect(),
        ));
    }
    fn one<S: ToString>(&mut self, suffix: &str, v: S) {
        self.add(suffix, [v]);
    }
}

/// An ENUMERATED or CHOICE name as ASN.1 spells it (Rust `mo_Signalling` -> `mo-Signalling`).
fn asn_name(debug: String) -> String {
    debug.replace('_', "-")
}

fn en<T: std::fmt::Debug>(v: T) -> String {
    asn_name(format!("{v:?}"))
}

/// A Cause as (alternative, value): `radioNetwork(user_inactivity)`.
fn cause(c: &Cause) -> (String, String) {
    let d = format!("{c:?}");
    let (alt, rest) = d.split_once('(').expect("cause");
    (
        alt.to_owned(),
        asn_name(rest.trim_end_matches(')').to_owned()),
    )
}

fn bits(v: impl std::fmt::Display, n: u32) -> String {
    format!("{v}/{n}")
}

/// A big-endian unsigned integer in decimal (256-bit keys).
fn decimal(be: &[u8]) -> String {
    let mut n = be.to_vec();
    let mut digits = Vec::new();
    while n.iter().any(|b| *b != 0) {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(char::from(b'0' + rem as u8));
    }
    if digits.is_empty() {
        "0".into()
    } else {
        digits.iter().rev().collect()
    }
}

fn addr(a: IpAddr) -> String {
    match a {
        IpAddr::V4(a) => bits(u32::from(a), 32),
        IpAddr::V6(a) => bits(u128::from(a), 128),
    }
}

fn tunnels(c: &mut Checks, suffix: &str, ts: &[GtpTunnel]) {
    c.add(
        &format!("{suffix}/gTPTunnel/gTP-TEID"),
        ts.iter().map(|t| format!("{:08x}", t.teid)),
    );
    c.add(
        &format!("{suffix}/gTPTunnel/transportLayerAddress"),
        ts.iter().map(|t| addr(t.addr)),
    );
}

fn ids(c: &mut Checks, amf: u64, ran: u32) {
    c.one("AMF-UE-NGAP-ID", amf);
    c.one("RAN-UE-NGAP-ID", ran);
}

fn location(c: &mut Checks, l: &[UserLocation]) {
    c.add(
        "nR-CGI/nRCellIdentity",
        l.iter().map(|l| bits(l.cgi.cell_id, 36)),
    );
    c.add(
        "nR-CGI/pLMNIdentity",
        l.iter().map(|l| to_hex(&l.cgi.plmn.0)),
    );
    c.add("tAI/tAC", l.iter().map(|l| to_hex(&l.tai.tac)));
}

fn guami(c: &mut Checks, prefix: &str, g: &[Guami]) {
    c.add(
        &format!("{prefix}/pLMNIdentity"),
        g.iter().map(|g| to_hex(&g.plmn.0)),
    );
    c.add(
        &format!("{prefix}/aMFRegionID"),
        g.iter().map(|g| bits(g.region_id, 8)),
    );
    c.add(
        &format!("{prefix}/aMFSetID"),
        g.iter().map(|g| bits(g.set_id, 10)),
    );
    c.add(
        &format!("{prefix}/aMFPointer"),
        g.iter().map(|g| bits(g.pointer, 6)),
    );
}

fn slices(c: &mut Checks, prefix: &str, s: &[Snssai]) {
    c.add(
        &format!("{prefix}/s-NSSAI/sST"),
        s.iter().map(|s| format!("{:02x}", s.sst)),
    );
    c.add(
        &format!("{prefix}/s-NSSAI/sD"),
        s.iter().filter_map(|s| s.sd.map(|d| to_hex(&d))),
    );
}

fn caps(c: &mut Checks, s: &SecurityCapabilities) {
    c.one("nRencryptionAlgorithms", bits(s.nr_encryption, 16));
    c.one("nRintegrityProtectionAlgorithms", bits(s.nr_integrity, 16));
    c.one("eUTRAencryptionAlgorithms", bits(s.eutra_encryption, 16));
    c.one(
        "eUTRAintegrityProtectionAlgorithms",
        bits(s.eutra_integrity, 16),
    );
}

fn stmsi(c: &mut Checks, s: &FiveGSTmsi) {
    c.one("fiveG-TMSI", format!("{:08x}", s.tmsi));
    c.one("aMFSetID", bits(s.set_id, 10));
    c.one("aMFPointer", bits(s.pointer, 6));
}

fn setup_transfers(c: &mut Checks, ts: &[&SetupRequestTransfer]) {
    let p = "PDUSessionResourceSetupRequestTransfer/protocolIEs/value";
    c.add(
        &format!("{p}/PDUSessionAggregateMaximumBitRate/pDUSessionAggregateMaximumBitRateDL"),
        ts.iter().filter_map(|t| t.session_ambr.map(|a| a.downlink)),
    );
    c.add(
        &format!("{p}/PDUSessionAggregateMaximumBitRate/pDUSessionAggregateMaximumBitRateUL"),
        ts.iter().filter_map(|t| t.session_ambr.map(|a| a.uplink)),
    );
    let ul: Vec<_> = ts.iter().map(|t| t.ul_tunnel).collect();
    tunnels(c, &format!("{p}/UPTransportLayerInformation"), &ul);
    c.add(
        &format!("{p}/PDUSessionType"),
        ts.iter().map(|t| en(t.session_type)),
    );
    let flows: Vec<_> = ts.iter().flat_map(|t| t.qos_flows.iter()).collect();
    c.add(
        &format!("{p}/QosFlowSetupRequestList/qosFlowIdentifier"),
        flows.iter().map(|f| f.qfi),
    );
    c.add(&format!("{p}/QosFlowSetupRequestList/qosFlowLevelQosParameters/qosCharacteristics/nonDynamic5QI/fiveQI"), flows.iter().map(|f| f.five_qi));
    c.add(&format!("{p}/QosFlowSetupRequestList/qosFlowLevelQosParameters/allocationAndRetentionPriority/priorityLevelARP"), flows.iter().map(|f| f.arp_priority));
    gbr(
        c,
        &format!("{p}/QosFlowSetupRequestList/qosFlowLevelQosParameters"),
        &flows,
    );
}

/// GBR QoS Flow Information (TS 38.413 §9.3.1.10) of the flows that carry it.
fn gbr(c: &mut Checks, params: &str, flows: &[&QosFlowRequest]) {
    let g: Vec<GbrQosInfo> = flows.iter().filter_map(|f| f.gbr).collect();
    let p = format!("{params}/gBR-QosInformation");
    c.add(
        &format!("{p}/maximumFlowBitRateDL"),
        g.iter().map(|g| g.mfbr_dl),
    );
    c.add(
        &format!("{p}/maximumFlowBitRateUL"),
        g.iter().map(|g| g.mfbr_ul),
    );
    c.add(
        &format!("{p}/guaranteedFlowBitRateDL"),
        g.iter().map(|g| g.gfbr_dl),
    );
    c.add(
        &format!("{p}/guaranteedFlowBitRateUL"),
        g.iter().map(|g| g.gfbr_ul),
    );
    c.add(
        &format!("{p}/notificationControl"),
        g.iter()
            .filter(|g| g.notification_control)
            .map(|_| "notification-requested"),
    );
    c.add(
        &format!("{p}/maximumPacketLossRateDL"),
        g.iter().filter_map(|g| g.max_packet_loss_dl),
    );
    c.add(
        &format!("{p}/maximumPacketLossRateUL"),
        g.iter().filter_map(|g| g.max_packet_loss_ul),
    );
}

/// A QoS Flow List with Cause (TS 38.413 §9.3.1.13) under `list`.
fn flows_with_cause<'a>(
    c: &mut Checks,
    list: &str,
    flows: impl IntoIterator<Item = &'a (u8, Cause)>,
) {
    let flows: Vec<_> = flows.into_iter().collect();
    c.add(
        &format!("{list}/qosFlowIdentifier"),
        flows.iter().map(|f| f.0),
    );
    the_cause(
        c,
        &format!("{list}/cause"),
        &flows.iter().map(|f| &f.1).collect::<Vec<_>>(),
    );
}

fn setup_items(c: &mut Checks, list: &str, nas_field: &str, items: &[SessionSetupItem]) {
    c.add(
        &format!("{list}/pDUSessionID"),
        items.iter().map(|i| i.pdu_session_id),
    );
    c.add(
        &format!("{list}/{nas_field}"),
        items
            .iter()
            .filter_map(|i| i.nas_pdu.as_ref().map(|n| to_hex(n))),
    );
    let s: Vec<_> = items.iter().map(|i| i.snssai).collect();
    slices(c, list, &s);
    setup_transfers(c, &items.iter().map(|i| &i.transfer).collect::<Vec<_>>());
}

fn setup_results(c: &mut Checks, r: &[SessionSetupResult]) {
    c.add("pDUSessionID", r.iter().map(|i| i.pdu_session_id));
    let p = "PDUSessionResourceSetupResponseTransfer/dLQosFlowPerTNLInformation";
    let dl: Vec<_> = r.iter().map(|i| i.transfer.dl_tunnel).collect();
    tunnels(c, &format!("{p}/uPTransportLayerInformation"), &dl);
    c.add(
        &format!("{p}/associatedQosFlowList/qosFlowIdentifier"),
        r.iter().flat_map(|i| i.transfer.qfis.iter()),
    );
    flows_with_cause(
        c,
        "PDUSessionResourceSetupResponseTransfer/qosFlowFailedToSetupList",
        r.iter().flat_map(|i| i.transfer.failed.iter()),
    );
}

fn the_cause(c: &mut Checks, suffix: &str, cs: &[&Cause]) {
    for x in cs {
        let (alt, v) = cause(x);
        c.one(&format!("{suffix}/{alt}"), v);
    }
}

/// The values pycrate must see, per message.
fn checks(m: &Message) -> Checks {
    use Message as M;
    let mut c = Checks(Vec::new());
    match m {
        M::NgSetupRequest(m) => {
            c.one(
                "GlobalRANNodeID/globalGNB-ID/pLMNIdentity",
                to_hex(&m.gnb.plmn.0),
            );
            c.one("gNB-ID/gNB-ID", bits(m.gnb.id, m.gnb.bits.into()));
            c.add("RANNodeName", m.ran_node_name.iter());
            c.add(
                "SupportedTAList/tAC",
                m.supported_tas.iter().map(|t| to_hex(&t.tac)),
            );
            let p: Vec<_> = m
                .supported_tas
                .iter()
                .flat_map(|t| t.plmns.iter())
                .collect();
            c.add(
                "broadcastPLMNList/pLMNIdentity",
                p.iter().map(|p| to_hex(&p.plmn.0)),
            );
            let s: Vec<_> = p.iter().flat_map(|p| p.slices.iter().copied()).collect();
            slices(&mut c, "tAISliceSupportList", &s);
            c.one("PagingDRX", en(m.paging_drx));
        }
        M::NgSetupResponse(m) => {
            c.one("AMFName", &m.amf_name);
            guami(&mut c, "gUAMI", &m.guamis);
            c.one("RelativeAMFCapacity", m.relative_capacity);
            c.add(
                "PLMNSupportList/pLMNIdentity",
                m.plmn_support.iter().map(|p| to_hex(&p.plmn.0)),
            );
            let s: Vec<_> = m
                .plmn_support
                .iter()
                .flat_map(|p| p.slices.iter().copied())
                .collect();
            slices(&mut c, "sliceSupportList", &s);
        }
        M::NgSetupFailure(m) => the_cause(&mut c, "Cause", &[&m.cause]),
        M::NgReset(m) => {
            the_cause(&mut c, "Cause", &[&m.cause]);
            match &m.reset {
                ResetType::All => c.one("ResetType/nG-Interface", "reset-all"),
                ResetType::Partial(l) => {
                    c.add(
                        "partOfNG-Interface/aMF-UE-NGAP-ID",
                        l.iter().filter_map(|x| x.amf_ue_ngap_id),
                    );
                    c.add(
                        "partOfNG-Interface/rAN-UE-NGAP-ID",
                        l.iter().filter_map(|x| x.ran_ue_ngap_id),
                    );
                }
            }
        }
        M::NgResetAcknowledge(m) => {
            c.add(
                "aMF-UE-NGAP-ID",
                m.connections.iter().filter_map(|x| x.amf_ue_ngap_id),
            );
            c.add(
                "rAN-UE-NGAP-ID",
                m.connections.iter().filter_map(|x| x.ran_ue_ngap_id),
            );
        }
        M::InitialUeMessage(m) => {
            c.one("RAN-UE-NGAP-ID", m.ran_ue_ngap_id);
            c.one("NAS-PDU", to_hex(&m.nas_pdu));
            location(&mut c, &[m.location]);
            c.one("RRCEstablishmentCause", en(m.rrc_establishment_cause));
            if let Some(s) = &m.five_g_s_tmsi {
                stmsi(&mut c, s);
            }
            c.add(
                "UEContextRequest",
                m.ue_context_requested.then_some("requested"),
            );
        }
        M::DownlinkNasTransport(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("NAS-PDU", to_hex(&m.nas_pdu));
        }
        M::UplinkNasTransport(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("NAS-PDU", to_hex(&m.nas_pdu));
            location(&mut c, &[m.location]);
        }
        M::InitialContextSetupRequest(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add("uEAggregateMaximumBitRateDL", m.ue_ambr.map(|a| a.downlink));
            c.add("uEAggregateMaximumBitRateUL", m.ue_ambr.map(|a| a.uplink));
            guami(&mut c, "value/GUAMI", &[m.guami]);
            setup_items(
                &mut c,
                "PDUSessionResourceSetupListCxtReq",
                "nAS-PDU",
                &m.sessions,
            );
            slices(&mut c, "AllowedNSSAI", &m.allowed_nssai);
            caps(&mut c, &m.security_capabilities);
            c.one("SecurityKey", bits(decimal(&m.security_key), 256));
            c.add("value/NAS-PDU", m.nas_pdu.as_ref().map(|n| to_hex(n)));
        }
        M::InitialContextSetupResponse(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            setup_results(&mut c, &m.setup);
        }
        M::InitialContextSetupFailure(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            the_cause(&mut c, "Cause", &[&m.cause]);
        }
        M::UeContextReleaseRequest(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add(
                "PDUSessionResourceListCxtRelReq/pDUSessionID",
                &m.pdu_session_ids,
            );
            the_cause(&mut c, "Cause", &[&m.cause]);
        }
        M::UeContextReleaseCommand(m) => {
            match m.ids {
                UeNgapIds::Pair { amf, ran } => {
                    c.one("uE-NGAP-ID-pair/aMF-UE-NGAP-ID", amf);
                    c.one("uE-NGAP-ID-pair/rAN-UE-NGAP-ID", ran);
                }
                UeNgapIds::Amf(amf) => c.one("UE-NGAP-IDs/aMF-UE-NGAP-ID", amf),
            }
            the_cause(&mut c, "Cause", &[&m.cause]);
        }
        M::UeContextReleaseComplete(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            location(&mut c, &m.location.iter().copied().collect::<Vec<_>>());
        }
        M::UeRadioCapabilityInfoIndication(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("UERadioCapability", to_hex(&m.radio_capability));
        }
        M::PduSessionResourceSetupRequest(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add("value/NAS-PDU", m.nas_pdu.as_ref().map(|n| to_hex(n)));
            setup_items(
                &mut c,
                "PDUSessionResourceSetupListSUReq",
                "pDUSessionNAS-PDU",
                &m.sessions,
            );
        }
        M::PduSessionResourceSetupResponse(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            setup_results(&mut c, &m.setup);
        }
        M::PduSessionResourceModifyRequest(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add("pDUSessionID", m.sessions.iter().map(|s| s.pdu_session_id));
            let t: Vec<_> = m.sessions.iter().map(|s| &s.transfer).collect();
            let add: Vec<_> = t.iter().flat_map(|t| t.add_or_modify.iter()).collect();
            c.add(
                "QosFlowAddOrModifyRequestList/qosFlowIdentifier",
                add.iter().map(|f| f.qfi),
            );
            c.add("QosFlowAddOrModifyRequestList/qosFlowLevelQosParameters/qosCharacteristics/nonDynamic5QI/fiveQI", add.iter().map(|f| f.five_qi));
            gbr(
                &mut c,
                "QosFlowAddOrModifyRequestList/qosFlowLevelQosParameters",
                &add,
            );
            flows_with_cause(
                &mut c,
                "QosFlowListWithCause",
                t.iter().flat_map(|t| t.release.iter()),
            );
        }
        M::PduSessionResourceModifyResponse(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add(
                "pDUSessionID",
                m.modified
                    .iter()
                    .map(|s| s.pdu_session_id)
                    .chain(m.failed.iter().map(|s| s.pdu_session_id)),
            );
            the_cause(
                &mut c,
                "PDUSessionResourceModifyUnsuccessfulTransfer/cause",
                &m.failed
                    .iter()
                    .map(|s| &s.transfer.cause)
                    .collect::<Vec<_>>(),
            );
            let dl: Vec<_> = m
                .modified
                .iter()
                .filter_map(|s| s.transfer.dl_tunnel)
                .collect();
            tunnels(&mut c, "dL-NGU-UP-TNLInformation", &dl);
            c.add(
                "qosFlowAddOrModifyResponseList/qosFlowIdentifier",
                m.modified.iter().flat_map(|s| s.transfer.qfis.iter()),
            );
            flows_with_cause(
                &mut c,
                "qosFlowFailedToAddOrModifyList",
                m.modified.iter().flat_map(|s| s.transfer.failed.iter()),
            );
        }
        M::PduSessionResourceReleaseCommand(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add("value/NAS-PDU", m.nas_pdu.as_ref().map(|n| to_hex(n)));
            c.add("pDUSessionID", m.sessions.iter().map(|s| s.pdu_session_id));
            the_cause(
                &mut c,
                "PDUSessionResourceReleaseCommandTransfer/cause",
                &m.sessions
                    .iter()
                    .map(|s| &s.transfer.cause)
                    .collect::<Vec<_>>(),
            );
        }
        M::PduSessionResourceReleaseResponse(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add("pDUSessionID", &m.released);
        }
        M::Paging(m) => {
            stmsi(&mut c, &m.five_g_s_tmsi);
            c.add("value/PagingDRX", m.paging_drx.map(en));
            c.add(
                "TAIListForPaging/tAI/tAC",
                m.tais.iter().map(|t| to_hex(&t.tac)),
            );
            c.add(
                "TAIListForPaging/tAI/pLMNIdentity",
                m.tais.iter().map(|t| to_hex(&t.plmn.0)),
            );
        }
        M::ErrorIndication(m) => {
            c.add("AMF-UE-NGAP-ID", m.amf_ue_ngap_id);
            c.add("RAN-UE-NGAP-ID", m.ran_ue_ngap_id);
            the_cause(&mut c, "Cause", &m.cause.iter().collect::<Vec<_>>());
        }
        M::HandoverRequired(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("HandoverType", en(m.handover_type));
            the_cause(&mut c, "value/Cause", &[&m.cause]);
            c.one(
                "targetRANNodeID/globalRANNodeID/globalGNB-ID/gNB-ID/gNB-ID",
                bits(m.target.gnb.id, m.target.gnb.bits.into()),
            );
            c.one("selectedTAI/tAC", to_hex(&m.target.tai.tac));
            c.add(
                "PDUSessionResourceListHORqd/pDUSessionID",
                m.sessions.iter().map(|s| s.pdu_session_id),
            );
            c.add(
                "directForwardingPathAvailability",
                m.sessions
                    .iter()
                    .filter(|s| s.transfer.direct_forwarding)
                    .map(|_| "direct-path-available"),
            );
            c.one(
                "SourceToTarget-TransparentContainer",
                to_hex(&m.source_to_target),
            );
        }
        M::HandoverRequest(m) => {
            c.one("AMF-UE-NGAP-ID", m.amf_ue_ngap_id);
            c.one("HandoverType", en(m.handover_type));
            the_cause(&mut c, "value/Cause", &[&m.cause]);
            c.one("uEAggregateMaximumBitRateDL", m.ue_ambr.downlink);
            caps(&mut c, &m.security_capabilities);
            c.one("nextHopChainingCount", m.security_context.ncc);
            c.one("nextHopNH", bits(decimal(&m.security_context.nh), 256));
            c.add(
                "PDUSessionResourceSetupListHOReq/pDUSessionID",
                m.sessions.iter().map(|s| s.pdu_session_id),
            );
            setup_transfers(
                &mut c,
                &m.sessions.iter().map(|s| &s.transfer).collect::<Vec<_>>(),
            );
            slices(&mut c, "AllowedNSSAI", &m.allowed_nssai);
            c.one(
                "SourceToTarget-TransparentContainer",
                to_hex(&m.source_to_target),
            );
            guami(&mut c, "value/GUAMI", &[m.guami]);
        }
        M::HandoverRequestAcknowledge(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.add(
                "PDUSessionResourceAdmittedList/pDUSessionID",
                m.admitted.iter().map(|s| s.pdu_session_id),
            );
            let dl: Vec<_> = m.admitted.iter().map(|s| s.transfer.dl_tunnel).collect();
            tunnels(
                &mut c,
                "HandoverRequestAcknowledgeTransfer/dL-NGU-UP-TNLInformation",
                &dl,
            );
            c.add(
                "qosFlowSetupResponseList/qosFlowIdentifier",
                m.admitted.iter().flat_map(|s| s.transfer.qfis.iter()),
            );
            c.one(
                "TargetToSource-TransparentContainer",
                to_hex(&m.target_to_source),
            );
        }
        M::HandoverCommand(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("HandoverType", en(m.handover_type));
            c.add(
                "PDUSessionResourceHandoverList/pDUSessionID",
                m.sessions.iter().map(|s| s.pdu_session_id),
            );
            let fw: Vec<_> = m
                .sessions
                .iter()
                .filter_map(|s| s.transfer.dl_forwarding)
                .collect();
            tunnels(&mut c, "dLForwardingUP-TNLInformation", &fw);
            c.one(
                "TargetToSource-TransparentContainer",
                to_hex(&m.target_to_source),
            );
        }
        M::HandoverNotify(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            location(&mut c, &[m.location]);
        }
        M::PathSwitchRequest(m) => {
            ids(&mut c, m.source_amf_ue_ngap_id, m.ran_ue_ngap_id);
            location(&mut c, &[m.location]);
            caps(&mut c, &m.security_capabilities);
            c.add(
                "PDUSessionResourceToBeSwitchedDLList/pDUSessionID",
                m.sessions.iter().map(|s| s.pdu_session_id),
            );
            let dl: Vec<_> = m.sessions.iter().map(|s| s.transfer.dl_tunnel).collect();
            tunnels(
                &mut c,
                "PathSwitchRequestTransfer/dL-NGU-UP-TNLInformation",
                &dl,
            );
            c.add(
                "qosFlowAcceptedList/qosFlowIdentifier",
                m.sessions
                    .iter()
                    .flat_map(|s| s.transfer.accepted_qfis.iter()),
            );
        }
        M::PathSwitchRequestAcknowledge(m) => {
            ids(&mut c, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            c.one("nextHopChainingCount", m.security_context.ncc);
            c.one("nextHopNH", bits(decimal(&m.security_context.nh), 256));
            c.add(
                "PDUSessionResourceSwitchedList/pDUSessionID",
                m.sessions.iter().map(|s| s.pdu_session_id),
            );
            let ul: Vec<_> = m
                .sessions
                .iter()
                .filter_map(|s| s.transfer.ul_tunnel)
                .collect();
            tunnels(&mut c, "uL-NGU-UP-TNLInformation", &ul);
            slices(&mut c, "AllowedNSSAI", &m.allowed_nssai);
        }
        M::RanConfigurationUpdate(m) => {
            c.add("RANNodeName", m.ran_node_name.iter());
            c.add(
                "SupportedTAList/tAC",
                m.supported_tas.iter().flatten().map(|t| to_hex(&t.tac)),
            );
            c.add("value/PagingDRX", m.paging_drx.map(en));
        }
        M::AmfConfigurationUpdate(m) => {
            c.add("AMFName", m.amf_name.iter());
            guami(&mut c, "gUAMI", m.guamis.as_deref().unwrap_or_default());
            c.add("RelativeAMFCapacity", m.relative_capacity);
        }
        M::OverloadStart(m) => {
            c.add("overloadAction", m.action.map(en));
            c.add("TrafficLoadReductionIndication", m.traffic_load_reduction);
        }
        M::RanConfigurationUpdateAcknowledge(_)
        | M::AmfConfigurationUpdateAcknowledge(_)
        | M::OverloadStop(_) => {}
    }
    // Every message names its procedure.
    c
}

fn compare(what: &str, name: &str, c: &Checks, leaves: &Leaves) -> usize {
    let mut n = 0;
    for (suffix, want) in &c.0 {
        assert_eq!(
            &find(leaves, suffix),
            want,
            "{what} {name}: {suffix}\nleaves: {leaves:#?}"
        );
        n += want.len();
    }
    n
}

#[test]
fn pycrate_decodes_what_ferrocore_builds() {
    let samples = common::samples();
    let pdus: Vec<String> = samples
        .iter()
        .map(|m| to_hex(&m.encode().unwrap()))
        .collect();
    let out =
        ferrocore_testkit::python::run_json(&script(), &json!({"op": "decode", "pdus": pdus}));
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), samples.len());
    let mut values = 0;
    for ((m, r), hex) in samples.iter().zip(results).zip(&pdus) {
        assert!(
            r["ok"].as_bool().unwrap(),
            "pycrate cannot decode {}: {}",
            m.name(),
            r["error"]
        );
        // pycrate re-encodes our bytes identically: they are canonical APER.
        assert_eq!(r["reencoded"].as_str().unwrap(), hex, "{}", m.name());
        let leaves = leaves_of(&r["leaves"]);
        let code = decode(&ferrocore_testkit::hex(hex))
            .unwrap()
            .procedure_code();
        assert_eq!(
            find(&leaves, "procedureCode"),
            [code.to_string()],
            "{}",
            m.name()
        );
        let named = |p: &String| {
            p.contains(&format!("/{}/", m.name())) || p.ends_with(&format!("/{}", m.name()))
        };
        assert!(
            leaves.iter().any(|(p, _)| named(p)),
            "{}: {leaves:?}",
            m.name()
        );
        values += compare("ferrocore -> pycrate", m.name(), &checks(m), &leaves);
    }
    assert!(values > 200, "only {values} values compared");
}

#[test]
fn ferrocore_decodes_what_pycrate_builds() {
    let out = ferrocore_testkit::python::run_json(&script(), &json!({"op": "encode"}));
    let messages = out["messages"].as_array().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut values = 0;
    for p in messages {
        let name = p["name"].as_str().unwrap();
        let bytes = ferrocore_testkit::hex(p["hex"].as_str().unwrap());
        let m = decode_message(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.name(), name);
        let leaves = leaves_of(&p["leaves"]);
        values += compare("pycrate -> ferrocore", name, &checks(&m), &leaves);
        // And ferrocore re-encodes pycrate's bytes identically.
        assert_eq!(m.encode().unwrap(), bytes, "{name} re-encoded");
        seen.insert(name.to_owned());
    }
    let ours: std::collections::BTreeSet<_> = common::samples()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    assert_eq!(seen, ours, "pycrate builds every typed message");
    assert!(values > 200, "only {values} values compared");
}
