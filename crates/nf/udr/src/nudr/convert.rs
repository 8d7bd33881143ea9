//! Subscriber records as the TS 29.505 / TS 29.503 data types the UDM reads.

use std::collections::BTreeMap;

use ferrocore_crypto::milenage::compute_opc;
use ferrocore_crypto::secret::{K, Op};
use ferrocore_sbi::common::{
    Ambr, Arp, PduSessionType as SbiPduType, PreemptionCapability, PreemptionVulnerability,
    Snssai as SbiSnssai, SscMode as SbiSscMode, SubscribedDefaultQos,
};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nudm_sdm::{
    AccessAndMobilitySubscriptionData, DnnConfiguration as SbiDnnConfiguration, DnnInfo, Nssai,
    PduSessionTypes, SessionManagementSubscriptionData, SmfSelectionSubscriptionData, SnssaiInfo,
    SscModes,
};
use ferrocore_sbi::nudr_dr::{
    AuthMethod as SbiAuthMethod, AuthenticationSubscription, SequenceNumber, SqnScheme,
};

use crate::model::{
    Ambr as ModelAmbr, AuthMethod, DnnConfiguration, OperatorKey, PduSessionType, Snssai,
    Subscriber,
};

/// `AuthenticationSubscription` (TS 29.505 §5.2.2): K and OPc as hex (this UDR stores
/// them unencrypted; `protectionParameterId` is absent), OPc computed from OP when that
/// is what was provisioned (TS 35.206 §4.1), the AMF field, and `sequenceNumber` with
/// the next SQN to hand out.
pub fn authentication_subscription(sub: &Subscriber) -> AuthenticationSubscription {
    let opc_hex = match &sub.operator_key {
        OperatorKey::Opc(opc) => opc.to_hex(),
        OperatorKey::Op(op) => {
            let opc = compute_opc(&K::new(*sub.k.as_bytes()), &Op::new(*op.as_bytes()));
            hex::encode(opc.as_bytes())
        }
    };
    AuthenticationSubscription {
        authentication_method: match sub.auth_method {
            AuthMethod::FiveGAka => SbiAuthMethod::FiveGAka,
            AuthMethod::EapAkaPrime => SbiAuthMethod::EapAkaPrime,
        },
        enc_permanent_key: Some(sub.k.to_hex()),
        protection_parameter_id: None,
        sequence_number: Some(SequenceNumber {
            sqn_scheme: Some(SqnScheme::NonTimeBased),
            sqn: Some(Hex(sqn_bytes(sub.sqn))),
            last_indexes: None,
            ind_length: None,
        }),
        authentication_management_field: Some(Hex(sub.amf.0.to_be_bytes())),
        algorithm_id: Some("milenage".to_owned()),
        enc_opc_key: Some(opc_hex),
        enc_topc_key: None,
        vector_generation_in_hss: Some(false),
        n5gc_auth_method: None,
        rg_authentication_ind: None,
        supi: Some(sub.supi.to_string()),
        akma_allowed: None,
        routing_id: None,
    }
}

fn sqn_bytes(sqn: u64) -> [u8; 6] {
    let be = sqn.to_be_bytes();
    [be[2], be[3], be[4], be[5], be[6], be[7]]
}

fn snssai(s: &Snssai) -> SbiSnssai {
    SbiSnssai {
        sst: s.sst.value(),
        sd: s.sd.map(|sd| {
            let b = sd.value().to_be_bytes();
            Hex([b[1], b[2], b[3]])
        }),
    }
}

fn ambr(a: &ModelAmbr) -> Ambr {
    Ambr {
        uplink: a.uplink.to_string(),
        downlink: a.downlink.to_string(),
    }
}

/// `AccessAndMobilitySubscriptionData` (TS 29.503 §6.1.6.2.3): GPSI from the MSISDN,
/// UE-AMBR, the subscribed S-NSSAIs (default ones first) and the DNN list.
pub fn am_data(sub: &Subscriber) -> AccessAndMobilitySubscriptionData {
    let nssai = (!sub.slices.is_empty()).then(|| {
        let pick = |default: bool| -> Vec<SbiSnssai> {
            sub.slices
                .iter()
                .filter(|s| s.default == default)
                .map(|s| snssai(&s.snssai))
                .collect()
        };
        let others = pick(false);
        Nssai {
            supported_features: None,
            default_single_nssais: pick(true),
            single_nssais: (!others.is_empty()).then_some(others),
        }
    });
    let mut dnns: Vec<String> = Vec::new();
    for d in sub.slices.iter().flat_map(|s| &s.dnns) {
        let name = d.dnn.to_string();
        if !dnns.contains(&name) {
            dnns.push(name);
        }
    }
    AccessAndMobilitySubscriptionData {
        gpsis: sub.msisdn.as_ref().map(|m| vec![format!("msisdn-{m}")]),
        subscribed_ue_ambr: Some(ambr(&sub.ue_ambr)),
        nssai,
        subscribed_dnn_list: (!dnns.is_empty()).then_some(dnns),
        ..AccessAndMobilitySubscriptionData::default()
    }
}

/// `SmfSelectionSubscriptionData` (TS 29.503 §6.1.6.2.5): per S-NSSAI its DNNs, the
/// first one marked as the default DNN.
pub fn smf_selection(sub: &Subscriber) -> SmfSelectionSubscriptionData {
    let infos: BTreeMap<String, SnssaiInfo> = sub
        .slices
        .iter()
        .filter(|s| !s.dnns.is_empty())
        .map(|s| {
            let dnn_infos = s
                .dnns
                .iter()
                .enumerate()
                .map(|(i, d)| DnnInfo {
                    dnn: d.dnn.to_string(),
                    default_dnn_indicator: Some(i == 0),
                    lbo_roaming_allowed: None,
                    iwk_eps_ind: None,
                    dnn_barred: None,
                    invoke_nef_ind: None,
                    smf_list: None,
                    same_smf_ind: None,
                })
                .collect();
            (snssai(&s.snssai).to_key(), SnssaiInfo { dnn_infos })
        })
        .collect();
    SmfSelectionSubscriptionData {
        subscribed_snssai_infos: (!infos.is_empty()).then_some(infos),
        ..SmfSelectionSubscriptionData::default()
    }
}

/// `SessionManagementSubscriptionData` per subscribed S-NSSAI (TS 29.503 §6.1.6.2.8),
/// narrowed to `single_nssai` (an SST without SD matches any SD) and `dnn`.
pub fn sm_data(
    sub: &Subscriber,
    single_nssai: Option<&SbiSnssai>,
    dnn: Option<&str>,
) -> Vec<SessionManagementSubscriptionData> {
    sub.slices
        .iter()
        .map(|s| (snssai(&s.snssai), s))
        .filter(|(n, _)| {
            single_nssai.is_none_or(|f| f.sst == n.sst && (f.sd.is_none() || f.sd == n.sd))
        })
        .filter_map(|(n, s)| {
            let configs: BTreeMap<String, SbiDnnConfiguration> = s
                .dnns
                .iter()
                .filter(|d| dnn.is_none_or(|want| d.dnn.as_str() == want))
                .map(|d| (d.dnn.to_string(), dnn_configuration(d)))
                .collect();
            if dnn.is_some() && configs.is_empty() {
                return None;
            }
            Some(SessionManagementSubscriptionData {
                single_nssai: n,
                dnn_configurations: (!configs.is_empty()).then_some(configs),
                internal_group_ids: None,
                supported_features: None,
            })
        })
        .collect()
}

fn pdu_type(t: PduSessionType) -> SbiPduType {
    match t {
        PduSessionType::Ipv4 => SbiPduType::Ipv4,
        PduSessionType::Ipv6 => SbiPduType::Ipv6,
        PduSessionType::Ipv4v6 => SbiPduType::Ipv4v6,
        PduSessionType::Unstructured => SbiPduType::Unstructured,
        PduSessionType::Ethernet => SbiPduType::Ethernet,
    }
}

fn dnn_configuration(d: &DnnConfiguration) -> SbiDnnConfiguration {
    let ssc = match d.ssc_mode.value() {
        2 => SbiSscMode::SscMode2,
        3 => SbiSscMode::SscMode3,
        _ => SbiSscMode::SscMode1,
    };
    SbiDnnConfiguration {
        pdu_session_types: PduSessionTypes {
            default_session_type: d.pdu_session_types.first().copied().map(pdu_type),
            allowed_session_types: Some(
                d.pdu_session_types.iter().copied().map(pdu_type).collect(),
            ),
        },
        ssc_modes: SscModes {
            default_ssc_mode: ssc.clone(),
            allowed_ssc_modes: Some(vec![ssc]),
        },
        iwk_eps_ind: None,
        five_g_qos_profile: Some(SubscribedDefaultQos {
            five_qi: d.five_qi,
            arp: Arp {
                priority_level: d.arp_priority.value(),
                preempt_cap: PreemptionCapability::NotPreempt,
                preempt_vuln: PreemptionVulnerability::Preemptable,
            },
            priority_level: None,
        }),
        session_ambr: Some(ambr(&d.session_ambr)),
        charging_characteristics: None,
    }
}
