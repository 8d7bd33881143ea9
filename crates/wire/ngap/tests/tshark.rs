//! Every builder's output dissected by Wireshark (tshark): no malformed mark, no expert
//! error (nested NAS-PDUs, transfers and RRC containers included), and the field values
//! Wireshark reads are the ones we built. Field names: `tshark -G fields | grep ngap\.`.

mod common;

use ferrocore_ngap::*;
use ferrocore_testkit::pcap::Framing;
use ferrocore_testkit::to_hex;
use ferrocore_testkit::tshark::Dissection;

/// The fields each check reads.
const FIELDS: &[&str] = &[
    "ngap.procedureCode",
    "ngap.AMF_UE_NGAP_ID",
    "ngap.RAN_UE_NGAP_ID",
    "ngap.NAS_PDU",
    "ngap.tAC",
    "ngap.pLMNIdentity",
    "ngap.NRCellIdentity",
    "ngap.gTP_TEID",
    "ngap.TransportLayerAddressIPv4",
    "ngap.TransportLayerAddressIPv6",
    "ngap.pDUSessionID",
    "ngap.qosFlowIdentifier",
    "ngap.fiveQI",
    "ngap.sST",
    "ngap.sD",
    "ngap.AMFName",
    "ngap.RANNodeName",
    "ngap.RelativeAMFCapacity",
    "ngap.fiveG_TMSI",
    "ngap.aMFRegionID",
    "ngap.radioNetwork",
    "ngap.nas",
    "ngap.misc",
    "ngap.protocol",
    "ngap.transport",
    "ngap.SecurityKey",
    "ngap.nextHopChainingCount",
    "ngap.HandoverType",
    "ngap.overloadAction",
    "ngap.TrafficLoadReductionIndication",
    "nas_5gs.mm.message_type",
    "ngap.maximumFlowBitRateDL",
    "ngap.maximumFlowBitRateUL",
    "ngap.guaranteedFlowBitRateDL",
    "ngap.guaranteedFlowBitRateUL",
    "ngap.notificationControl",
    "ngap.maximumPacketLossRateDL",
    "ngap.maximumPacketLossRateUL",
];

/// The 5QIs of `flows` and the GBR QoS Flow Information of those that carry it (TS 38.413
/// §9.3.1.10), as Wireshark reads them.
fn qos(e: &mut Vec<(&'static str, Vec<String>)>, flows: &[transfer::QosFlowRequest]) {
    e.push(("ngap.fiveQI", flows.iter().map(|f| s(f.five_qi)).collect()));
    let g: Vec<_> = flows.iter().filter_map(|f| f.gbr).collect();
    let rate = |f: fn(&transfer::GbrQosInfo) -> u64| g.iter().map(|x| s(f(x))).collect();
    e.push(("ngap.maximumFlowBitRateDL", rate(|x| x.mfbr_dl)));
    e.push(("ngap.maximumFlowBitRateUL", rate(|x| x.mfbr_ul)));
    e.push(("ngap.guaranteedFlowBitRateDL", rate(|x| x.gfbr_dl)));
    e.push(("ngap.guaranteedFlowBitRateUL", rate(|x| x.gfbr_ul)));
    // NotificationControl ::= ENUMERATED { notification-requested, ... }: value 0.
    e.push((
        "ngap.notificationControl",
        g.iter()
            .filter(|x| x.notification_control)
            .map(|_| s(0))
            .collect(),
    ));
    e.push((
        "ngap.maximumPacketLossRateDL",
        g.iter()
            .filter_map(|x| x.max_packet_loss_dl.map(s))
            .collect(),
    ));
    e.push((
        "ngap.maximumPacketLossRateUL",
        g.iter()
            .filter_map(|x| x.max_packet_loss_ul.map(s))
            .collect(),
    ));
}

/// The QFIs of a response: those set up, then those that failed.
fn response_qfis(qfis: &[u8], failed: &[(u8, Cause)]) -> Vec<String> {
    qfis.iter()
        .chain(failed.iter().map(|f| &f.0))
        .map(s)
        .collect()
}

/// Wireshark shows a TAC as a decimal number.
fn tac(t: [u8; 3]) -> String {
    s(u32::from_be_bytes([0, t[0], t[1], t[2]]))
}

fn s<T: ToString>(v: T) -> String {
    v.to_string()
}

/// (field, exact list of occurrences) that tshark must report for a message.
fn expected(m: &Message, code: u8) -> Vec<(&'static str, Vec<String>)> {
    use Message as M;
    let mut e = vec![("ngap.procedureCode", vec![s(code)])];
    let ids = |e: &mut Vec<_>, amf: u64, ran: u32| {
        e.push(("ngap.AMF_UE_NGAP_ID", vec![s(amf)]));
        e.push(("ngap.RAN_UE_NGAP_ID", vec![s(ran)]));
    };
    match m {
        M::NgSetupRequest(m) => {
            e.push(("ngap.RANNodeName", vec![m.ran_node_name.clone().unwrap()]));
            e.push(("ngap.tAC", vec![tac(m.supported_tas[0].tac)]));
            e.push(("ngap.sST", vec!["01".into()]));
            e.push(("ngap.sD", vec!["010203".into()]));
        }
        M::NgSetupResponse(m) => {
            e.push(("ngap.AMFName", vec![m.amf_name.clone()]));
            e.push(("ngap.RelativeAMFCapacity", vec![s(m.relative_capacity)]));
            e.push((
                "ngap.aMFRegionID",
                vec![format!("{:02x}", m.guamis[0].region_id)],
            ));
        }
        M::NgSetupFailure(_) => e.push(("ngap.misc", vec!["4".into()])),
        M::NgReset(_) => e.push(("ngap.transport", vec!["0".into()])),
        M::InitialUeMessage(m) => {
            e.push(("ngap.RAN_UE_NGAP_ID", vec![s(m.ran_ue_ngap_id)]));
            e.push(("ngap.NAS_PDU", vec![to_hex(&m.nas_pdu)]));
            e.push(("nas_5gs.mm.message_type", vec!["0x41".into()]));
            e.push(("ngap.tAC", vec![tac(m.location.tai.tac)]));
            e.push((
                "ngap.NRCellIdentity",
                vec![format!("0x{:016x}", m.location.cgi.cell_id)],
            ));
            e.push(("ngap.fiveG_TMSI", vec![s(m.five_g_s_tmsi.unwrap().tmsi)]));
        }
        M::DownlinkNasTransport(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.NAS_PDU", vec![to_hex(&m.nas_pdu)]));
            e.push(("nas_5gs.mm.message_type", vec!["0x56".into()]));
        }
        M::UplinkNasTransport(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.NAS_PDU", vec![to_hex(&m.nas_pdu)]));
            e.push(("ngap.tAC", vec![tac(m.location.tai.tac)]));
        }
        M::InitialContextSetupRequest(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.SecurityKey", vec![to_hex(&m.security_key)]));
            let t = &m.sessions[0].transfer;
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.ul_tunnel.teid)]));
            e.push(("ngap.TransportLayerAddressIPv4", vec![s(t.ul_tunnel.addr)]));
            e.push(("ngap.pDUSessionID", vec![s(m.sessions[0].pdu_session_id)]));
            qos(&mut e, &t.qos_flows);
        }
        M::InitialContextSetupResponse(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.setup[0].transfer;
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.dl_tunnel.teid)]));
            e.push(("ngap.TransportLayerAddressIPv4", vec![s(t.dl_tunnel.addr)]));
            e.push(("ngap.qosFlowIdentifier", response_qfis(&t.qfis, &t.failed)));
        }
        M::InitialContextSetupFailure(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.radioNetwork", vec!["22".into()]));
        }
        M::UeContextReleaseRequest(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.radioNetwork", vec!["20".into()]));
            e.push(("ngap.pDUSessionID", vec![s(m.pdu_session_ids[0])]));
        }
        M::UeContextReleaseCommand(_) => {
            ids(&mut e, 42, 7);
            e.push(("ngap.nas", vec!["0".into()]));
        }
        M::UeContextReleaseComplete(m) => ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id),
        M::UeRadioCapabilityInfoIndication(m) => ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id),
        M::PduSessionResourceSetupRequest(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.sessions[0].transfer;
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.ul_tunnel.teid)]));
            e.push(("ngap.TransportLayerAddressIPv4", vec![s(t.ul_tunnel.addr)]));
            e.push((
                "ngap.qosFlowIdentifier",
                t.qos_flows.iter().map(|f| s(f.qfi)).collect(),
            ));
            qos(&mut e, &t.qos_flows);
            e.push(("ngap.sST", vec!["01".into()]));
        }
        M::PduSessionResourceSetupResponse(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.setup[0].transfer;
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.dl_tunnel.teid)]));
            e.push(("ngap.TransportLayerAddressIPv4", vec![s(t.dl_tunnel.addr)]));
            e.push(("ngap.qosFlowIdentifier", response_qfis(&t.qfis, &t.failed)));
        }
        M::PduSessionResourceModifyRequest(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            qos(&mut e, &m.sessions[0].transfer.add_or_modify);
        }
        M::PduSessionResourceModifyResponse(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.modified[0].transfer;
            e.push(("ngap.qosFlowIdentifier", response_qfis(&t.qfis, &t.failed)));
        }
        M::PduSessionResourceReleaseCommand(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.nas", vec!["0".into()]));
        }
        M::PduSessionResourceReleaseResponse(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.pDUSessionID", vec![s(m.released[0])]));
        }
        M::Paging(m) => {
            e.push(("ngap.fiveG_TMSI", vec![s(m.five_g_s_tmsi.tmsi)]));
            e.push(("ngap.tAC", vec![tac(m.tais[0].tac)]));
        }
        M::ErrorIndication(_) => {
            ids(&mut e, 42, 7);
            e.push(("ngap.protocol", vec!["4".into()]));
        }
        M::HandoverRequired(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.HandoverType", vec!["0".into()]));
            e.push(("ngap.radioNetwork", vec!["16".into()]));
        }
        M::HandoverRequest(m) => {
            e.push(("ngap.AMF_UE_NGAP_ID", vec![s(m.amf_ue_ngap_id)]));
            e.push(("ngap.nextHopChainingCount", vec![s(m.security_context.ncc)]));
        }
        M::HandoverRequestAcknowledge(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.admitted[0].transfer;
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.dl_tunnel.teid)]));
        }
        M::HandoverCommand(m) => ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id),
        M::HandoverNotify(m) => ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id),
        M::PathSwitchRequest(m) => {
            ids(&mut e, m.source_amf_ue_ngap_id, m.ran_ue_ngap_id);
            let t = &m.sessions[0].transfer;
            e.push(("ngap.TransportLayerAddressIPv6", vec![s(t.dl_tunnel.addr)]));
            e.push(("ngap.gTP_TEID", vec![format!("{:08x}", t.dl_tunnel.teid)]));
        }
        M::PathSwitchRequestAcknowledge(m) => {
            ids(&mut e, m.amf_ue_ngap_id, m.ran_ue_ngap_id);
            e.push(("ngap.nextHopChainingCount", vec![s(m.security_context.ncc)]));
        }
        M::RanConfigurationUpdate(m) => {
            e.push(("ngap.RANNodeName", vec![m.ran_node_name.clone().unwrap()]));
        }
        M::AmfConfigurationUpdate(m) => {
            e.push(("ngap.AMFName", vec![m.amf_name.clone().unwrap()]));
            e.push((
                "ngap.RelativeAMFCapacity",
                vec![s(m.relative_capacity.unwrap())],
            ));
        }
        M::OverloadStart(m) => {
            e.push(("ngap.overloadAction", vec!["0".into()]));
            e.push((
                "ngap.TrafficLoadReductionIndication",
                vec![s(m.traffic_load_reduction.unwrap())],
            ));
        }
        M::NgResetAcknowledge(_)
        | M::RanConfigurationUpdateAcknowledge(_)
        | M::AmfConfigurationUpdateAcknowledge(_)
        | M::OverloadStop(_) => {}
    }
    e
}

#[test]
fn every_builder_is_clean_and_read_back_by_wireshark() {
    let samples = common::samples();
    let payloads: Vec<Vec<u8>> = samples.iter().map(|m| m.encode().unwrap()).collect();
    let d = Dissection::of(&Framing::Exported("ngap"), &payloads, &[]);
    d.assert_clean();
    let rows = d.fields(FIELDS);
    let mut checked = 0;
    for ((m, bytes), row) in samples.iter().zip(&payloads).zip(rows) {
        let code = decode(bytes).unwrap().procedure_code();
        for (field, want) in expected(m, code) {
            assert_eq!(row[field], want, "{}: {field}", m.name());
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} field checks");
}

#[test]
fn wireshark_names_each_message() {
    let samples = common::samples();
    let payloads: Vec<Vec<u8>> = samples.iter().map(|m| m.encode().unwrap()).collect();
    let d = Dissection::of(&Framing::Exported("ngap"), &payloads, &[]);
    for (m, info) in samples.iter().zip(d.info()) {
        assert!(
            info.contains(m.name()),
            "{}: Info column {info:?}",
            m.name()
        );
    }
}
