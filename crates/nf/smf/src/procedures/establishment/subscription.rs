//! The establishment's subscription step (TS 23.502 §4.3.2.2.1 step 4): S-NSSAI, DNN,
//! PDU session type, default QoS and Session-AMBR from the UDM's data, then the UE's
//! addresses and the UPF.

use std::time::Instant;

use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{PduSessionType as SbiPduType, Snssai, parse_bit_rate};
use ferrocore_sbi::nsmf_pdusession::cause as nsmf_cause;
use ferrocore_sbi::nudm_sdm::{DnnConfiguration, SmSubsData};

use crate::context::PduType;
use crate::engine::Smf;
use crate::n1n2::cause;
use crate::pfcp_node::AssociationState;

use super::Reject;

fn sbi_pdu_type(t: &SbiPduType) -> Option<PduType> {
    match t {
        SbiPduType::Ipv4 => Some(PduType::Ipv4),
        SbiPduType::Ipv6 => Some(PduType::Ipv6),
        SbiPduType::Ipv4v6 => Some(PduType::Ipv4v6),
        _ => None,
    }
}

/// The same S-NSSAI (an absent SD and FFFFFF both mean "no SD").
fn same_slice(a: &Snssai, b: &Snssai) -> bool {
    let sd = |s: &Snssai| {
        s.sd.as_ref()
            .map(|h| h.0)
            .filter(|v| *v != [0xff, 0xff, 0xff])
    };
    a.sst == b.sst && sd(a) == sd(b)
}

impl Smf {
    /// The subscription (TS 23.502 §4.3.2.2.1 step 4): S-NSSAI and DNN subscribed, PDU
    /// session type allowed (TS 23.501 §5.8.2.2.1, TS 24.501 §6.4.1.3), default QoS and
    /// Session-AMBR; then addresses, UPF selection and the N4 session.
    pub(in crate::procedures) fn on_sm_data(
        &mut self,
        now: Instant,
        key: u64,
        r: Result<SmSubsData, SbiError>,
    ) {
        let list = match r {
            Ok(SmSubsData::List(l)) => l,
            Ok(SmSubsData::Extended(e)) => e.individual_sm_subs_data.unwrap_or_default(),
            Err(e) => {
                self.metrics
                    .sbi_errors
                    .get_or_create(&crate::metrics::CauseLabel {
                        cause: "udm_sm_data",
                    })
                    .inc();
                let rej = match (e.status, e.cause()) {
                    (404, Some("USER_NOT_FOUND")) => Reject::new(
                        cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                        403,
                        nsmf_cause::SUBSCRIPTION_DENIED,
                        "subscriber unknown to the UDM",
                    ),
                    (404, _) => Reject::new(
                        cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                        403,
                        nsmf_cause::SUBSCRIPTION_DENIED,
                        "S-NSSAI not subscribed",
                    ),
                    _ => Reject::new(
                        cause::NETWORK_FAILURE,
                        500,
                        "SYSTEM_FAILURE",
                        format!("UDM: {e}"),
                    ),
                };
                return self.reject_context(key, rej);
            }
        };
        let Some(ctx) = self.contexts.get(&key) else {
            return;
        };
        let Some(sub) = list
            .iter()
            .find(|s| same_slice(&s.single_nssai, &ctx.snssai))
        else {
            return self.reject_context(
                key,
                Reject::new(
                    cause::USER_AUTHENTICATION_OR_AUTHORIZATION_FAILED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "S-NSSAI not subscribed",
                ),
            );
        };
        let configs = sub.dnn_configurations.as_ref();
        let Some(dc) = configs
            .and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&ctx.dnn))
                    .map(|(_, v)| v)
            })
            .or_else(|| configs.and_then(|m| m.get("*")))
            .cloned()
        else {
            return self.reject_context(
                key,
                Reject::dnn(
                    nsmf_cause::DNN_DENIED,
                    format!("DNN {} not subscribed", ctx.dnn),
                ),
            );
        };
        match self.select_type(key, &dc) {
            Ok(()) => {}
            Err(r) => return self.reject_context(key, r),
        }
        let cfg = &self.cfg.config;
        let (d5qi, darp, dul, ddl) = (
            cfg.default_5qi,
            cfg.default_arp_priority,
            cfg.default_session_ambr_ul,
            cfg.default_session_ambr_dl,
        );
        if let Some(ctx) = self.contexts.get_mut(&key) {
            if let Some(q) = &dc.five_g_qos_profile {
                ctx.qos.five_qi = q.five_qi;
                ctx.qos.arp_priority = q.arp.priority_level.clamp(1, 15);
            } else {
                ctx.qos.five_qi = d5qi;
                ctx.qos.arp_priority = darp;
            }
            if let Some(a) = &dc.session_ambr {
                ctx.qos.ambr_ul = parse_bit_rate(&a.uplink).unwrap_or(dul);
                ctx.qos.ambr_dl = parse_bit_rate(&a.downlink).unwrap_or(ddl);
            }
        }
        if let Err(r) = self.allocate_addresses(key) {
            return self.reject_context(key, r);
        }
        let Some(upf) = self.select_upf(key) else {
            return self.reject_context(
                key,
                Reject::new(
                    cause::INSUFFICIENT_RESOURCES,
                    500,
                    nsmf_cause::UPF_NOT_RESPONDING,
                    "no associated UPF serves this DNN and slice",
                ),
            );
        };
        self.establish(now, key, upf);
    }

    /// The PDU session type (TS 24.501 §6.4.1.3, TS 23.501 §5.8.2.2.1): what the UE asked
    /// for (or the subscription's default), narrowed to what the subscription allows and
    /// the DNN has pools for; IPv4v6 narrowed to one family is accepted with #50 / #51.
    fn select_type(&mut self, key: u64, dc: &DnnConfiguration) -> Result<(), Reject> {
        let Some(ctx) = self.contexts.get(&key) else {
            return Ok(());
        };
        let dnn = &self.cfg.dnns[ctx.dnn_index];
        let types = &dc.pdu_session_types;
        let mut allowed: Vec<PduType> = types
            .allowed_session_types
            .iter()
            .flatten()
            .chain(types.default_session_type.iter())
            .filter_map(sbi_pdu_type)
            .collect();
        if allowed.is_empty()
            && types.allowed_session_types.is_none()
            && types.default_session_type.is_none()
        {
            allowed = vec![PduType::Ipv4, PduType::Ipv6, PduType::Ipv4v6];
        }
        let can4 = dnn.ipv4.is_some() && allowed.iter().any(|t| t.has_v4());
        let can6 = dnn.ipv6.is_some() && allowed.iter().any(|t| t.has_v6());
        let requested = ctx
            .requested_type
            .or_else(|| types.default_session_type.as_ref().and_then(sbi_pdu_type))
            .unwrap_or(PduType::Ipv4v6);
        let refuse = |why: &str| {
            Reject::new(
                cause::UNKNOWN_PDU_SESSION_TYPE,
                403,
                nsmf_cause::SUBSCRIPTION_DENIED,
                why.to_string(),
            )
        };
        let (t, c) = match requested {
            PduType::Ipv4v6 => match (can4, can6) {
                (true, true) => (PduType::Ipv4v6, None),
                (true, false) => (PduType::Ipv4, Some(cause::IPV4_ONLY_ALLOWED)),
                (false, true) => (PduType::Ipv6, Some(cause::IPV6_ONLY_ALLOWED)),
                (false, false) => return Err(refuse("no IP PDU session type allowed")),
            },
            PduType::Ipv4 if can4 => (PduType::Ipv4, None),
            PduType::Ipv4 if can6 => {
                return Err(Reject::new(
                    cause::IPV6_ONLY_ALLOWED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "IPv4 not allowed",
                ));
            }
            PduType::Ipv6 if can6 => (PduType::Ipv6, None),
            PduType::Ipv6 if can4 => {
                return Err(Reject::new(
                    cause::IPV4_ONLY_ALLOWED,
                    403,
                    nsmf_cause::SUBSCRIPTION_DENIED,
                    "IPv6 not allowed",
                ));
            }
            _ => return Err(refuse("PDU session type not allowed")),
        };
        if let Some(ctx) = self.contexts.get_mut(&key) {
            ctx.pdu_type = Some(t);
            ctx.type_cause = c;
        }
        Ok(())
    }

    /// UE addresses from the DNN's pools (TS 23.501 §5.8.2.2): an IPv4 address, a /64
    /// IPv6 prefix (the UE learns it from the UPF's Router Advertisement and forms its
    /// address with the interface identifier of the PDU address), or both.
    fn allocate_addresses(&mut self, key: u64) -> Result<(), Reject> {
        let Some(ctx) = self.contexts.get_mut(&key) else {
            return Ok(());
        };
        let t = ctx.pdu_type.unwrap_or(PduType::Ipv4);
        let dnn = &mut self.cfg.dnns[ctx.dnn_index];
        let exhausted = || {
            Reject::new(
                cause::INSUFFICIENT_RESOURCES,
                500,
                "INSUFFICIENT_RESOURCES",
                "address pool exhausted",
            )
        };
        if t.has_v4() {
            match dnn.ipv4.as_mut().and_then(|p| p.allocate()) {
                Some(a) => ctx.ipv4 = Some(a),
                None => return Err(exhausted()),
            }
        }
        if t.has_v6() {
            match dnn.ipv6.as_mut().and_then(|p| p.allocate()) {
                Some(a) => ctx.ipv6_prefix = Some(a),
                None => {
                    // The IPv4 address (if any) goes back with the context.
                    return Err(exhausted());
                }
            }
        }
        self.update_pool_gauges();
        Ok(())
    }

    /// UPF selection (TS 23.501 §6.3.3): the first associated UPF serving the DNN and the
    /// S-NSSAI, fewest sessions first.
    fn select_upf(&self, key: u64) -> Option<usize> {
        let ctx = self.contexts.get(&key)?;
        let sd = ctx
            .snssai
            .sd
            .as_ref()
            .map(|h| u32::from_be_bytes([0, h.0[0], h.0[1], h.0[2]]))
            .filter(|v| *v != 0x00ff_ffff);
        self.pfcp
            .upfs
            .iter()
            .enumerate()
            .filter(|(_, u)| u.state == AssociationState::Up)
            .filter(|(_, u)| {
                u.config.dnns.is_empty()
                    || u.config
                        .dnns
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(&ctx.dnn))
            })
            .filter(|(_, u)| {
                u.config.slices.is_empty()
                    || u.config
                        .slices
                        .iter()
                        .any(|s| s.sst == ctx.snssai.sst && s.sd_value() == sd)
            })
            .min_by_key(|(_, u)| u.sessions.len())
            .map(|(i, _)| i)
    }
}
