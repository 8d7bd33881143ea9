//! 5GMM procedures (TS 24.501 §5), one module per procedure, all as `impl Amf` blocks.
//! This module holds the uplink dispatch, the downlink helpers and the encodings of
//! IEs the procedures share.

pub mod authentication;
pub mod configuration_update;
pub mod deregistration;
pub mod identity;
pub mod registration;
pub mod security_mode;
pub mod service;
pub mod sm;
pub(crate) mod sm_order;

use std::time::Instant;

use ferrocore_nas::NasMessage;
use ferrocore_nas::identity::{MobileIdentity, SchemeOutput};
use ferrocore_nas::types::{
    Guti, Nas5gmmMessage, NasFGmmCause, NasFGmmStatus, NasFGsMobileIdentity,
};
use ferrocore_ngap::msg::{DownlinkNasTransport, InitialUeMessage};

use crate::context::{Procedure, RegStep, UeContext, UeKey, UeSecurityCaps};
use crate::engine::Amf;
use crate::metrics::{CauseLabel, gmm_cause_label};
use crate::{AmfError, AssocId, SbiReply, TxnId};

/// 5GMM cause values used here (TS 24.501 §9.11.3.2).
pub mod cause {
    pub const ILLEGAL_UE: u8 = 3;
    pub const SERVICES_NOT_ALLOWED: u8 = 7;
    pub const UE_IDENTITY_CANNOT_BE_DERIVED: u8 = 9;
    pub const IMPLICITLY_DEREGISTERED: u8 = 10;
    pub const PLMN_NOT_ALLOWED: u8 = 11;
    pub const NO_SUITABLE_CELLS: u8 = 15;
    pub const MAC_FAILURE: u8 = 20;
    pub const SYNCH_FAILURE: u8 = 21;
    pub const CONGESTION: u8 = 22;
    pub const SECURITY_CAPABILITIES_MISMATCH: u8 = 23;
    pub const NON_5G_AUTHENTICATION_UNACCEPTABLE: u8 = 26;
    pub const NO_NETWORK_SLICES_AVAILABLE: u8 = 62;
    pub const INVALID_MANDATORY_INFORMATION: u8 = 96;
    pub const MESSAGE_TYPE_NON_EXISTENT: u8 = 97;
    pub const MESSAGE_NOT_COMPATIBLE_WITH_STATE: u8 = 98;
    pub const PROTOCOL_ERROR: u8 = 111;
}

/// The SBI (TS 29.571) form of a SUCI: `suci-0-<MCC>-<MNC>-<RI>-<scheme>-<key id>-<output>`
/// (TS 23.003 §28.7.3), and its routing indicator.
pub(crate) fn suci_string(s: &ferrocore_nas::identity::ImsiSuci) -> String {
    let output = match &s.output {
        SchemeOutput::Msin(m) => m.clone(),
        SchemeOutput::Ecies {
            ephemeral_public_key,
            ciphertext,
            mac_tag,
        } => {
            let mut o = hex::encode(ephemeral_public_key);
            o.push_str(&hex::encode(ciphertext));
            o.push_str(&hex::encode(mac_tag));
            o
        }
        SchemeOutput::Opaque(o) => hex::encode(o),
    };
    format!(
        "suci-0-{}-{}-{}-{:x}-{}-{}",
        s.mcc,
        s.mnc,
        s.routing_indicator,
        s.scheme.id(),
        s.home_network_public_key_id,
        output
    )
}

/// 16-bit NGAP algorithm bitmap of a NAS one (TS 38.413 §9.3.1.86: first bit 128-NEA1 /
/// NIA1; the NAS octet has algorithm 0 in bit 8, TS 24.501 §9.11.3.54).
fn ngap_bits(nas: u8) -> u16 {
    u16::from((nas << 1) & 0xe0) << 8
}

/// UE Security Capabilities for NGAP from the NAS IE.
pub(crate) fn ngap_security_capabilities(
    c: UeSecurityCaps,
) -> ferrocore_ngap::SecurityCapabilities {
    ferrocore_ngap::SecurityCapabilities {
        nr_encryption: ngap_bits(c.ea),
        nr_integrity: ngap_bits(c.ia),
        eutra_encryption: ngap_bits(c.eea.unwrap_or(0)),
        eutra_integrity: ngap_bits(c.eia.unwrap_or(0)),
    }
}

impl Amf {
    /// The context of `supi`, which must be registered: the start of every
    /// network-initiated procedure of the API.
    pub(crate) fn registered_ue(&self, supi: &str) -> Result<(UeKey, &UeContext), AmfError> {
        let unknown = || AmfError::UnknownUe(supi.to_owned());
        let key = *self.ids.by_supi.get(supi).ok_or_else(unknown)?;
        let ue = self.ues.get(&key).ok_or_else(unknown)?;
        if !ue.registered() {
            return Err(AmfError::NotRegistered(supi.to_owned()));
        }
        Ok((key, ue))
    }

    /// Whether a 5G-GUTI was allocated by this AMF.
    pub(crate) fn guti_is_ours(&self, g: &Guti) -> bool {
        let p = g.plmn();
        p.mcc() == self.cfg.config.mcc
            && p.mnc() == self.cfg.config.mnc
            && g.amf_region_id() == self.cfg.config.amf_region_id
            && g.amf_set_id() == self.cfg.config.amf_set_id
            && g.amf_pointer() == self.cfg.config.amf_pointer
    }

    /// The UE of one of this AMF's 5G-GUTIs.
    pub(crate) fn ue_by_guti(&self, g: &Guti) -> Option<UeKey> {
        if !self.guti_is_ours(g) {
            return None;
        }
        self.ids.by_tmsi.get(&g.tmsi()).copied()
    }

    /// The 5G-GUTI IE of one of this AMF's 5G-TMSIs.
    pub(crate) fn guti_ie(&self, tmsi: u32) -> Option<NasFGsMobileIdentity> {
        let c = &self.cfg.config;
        let plmn = self.cfg.nas_plmn;
        let g = Guti::new(plmn, c.amf_region_id, c.amf_set_id, c.amf_pointer, tmsi).ok()?;
        MobileIdentity::Guti(g).to_ie().ok()
    }

    /// The UE an initial NAS message names, read before its integrity is checked (the
    /// security context to check it with belongs to that UE): the 5G-S-TMSI of the
    /// INITIAL UE MESSAGE, or the 5G-GUTI / 5G-S-TMSI of the NAS message.
    fn identify_initial(&self, m: &InitialUeMessage) -> Option<UeKey> {
        if let Some(s) = m.five_g_s_tmsi
            && s.set_id == self.cfg.config.amf_set_id
            && s.pointer == self.cfg.config.amf_pointer
            && let Some(k) = self.ids.by_tmsi.get(&s.tmsi)
        {
            return Some(*k);
        }
        let plain = match ferrocore_nas::security_header(&m.nas_pdu) {
            Ok(None) => &m.nas_pdu[..],
            Ok(Some(h)) if !h.header_type.is_ciphered() => h.payload,
            _ => return None,
        };
        let Ok(NasMessage::Mm(mm)) = ferrocore_nas::decode(plain) else {
            return None;
        };
        let ie = match &mm {
            Nas5gmmMessage::RegistrationRequest(r) => &r.fgs_mobile_identity,
            Nas5gmmMessage::DeregistrationRequestUeOriginating(d) => &d.fgs_mobile_identity,
            Nas5gmmMessage::ServiceRequest(s) => &s.fg_s_tmsi,
            _ => return None,
        };
        match MobileIdentity::parse(ie).ok()? {
            MobileIdentity::Guti(g) => self.ue_by_guti(&g),
            MobileIdentity::STmsi(s)
                if s.amf_set_id() == self.cfg.config.amf_set_id
                    && s.amf_pointer() == self.cfg.config.amf_pointer =>
            {
                self.ids.by_tmsi.get(&s.tmsi()).copied()
            }
            _ => None,
        }
    }

    /// INITIAL UE MESSAGE (TS 38.413 §8.6.1): a new NG connection for a known UE (by its
    /// 5G-S-TMSI / 5G-GUTI) or a new UE context, then its NAS message.
    pub(crate) fn initial_ue_message(
        &mut self,
        now: Instant,
        assoc: AssocId,
        _stream: u16,
        m: InitialUeMessage,
    ) {
        let _span = tracing::info_span!("ue", ran_ue_ngap_id = m.ran_ue_ngap_id, assoc).entered();
        // A connection still bound to this RAN-UE-NGAP-ID is stale.
        if let Some(old) = self.ids.by_ran.get(&(assoc, m.ran_ue_ngap_id)).copied() {
            self.unbind(now, old);
        }
        let key = match self.identify_initial(&m) {
            Some(key) => {
                // The UE left its old NG connection behind: release it.
                let old = self.ues.get(&key).and_then(|u| u.ran);
                if let Some(b) = old {
                    self.release_nas(key, ferrocore_ngap::CauseNas::normal_release);
                    tracing::info!(
                        old_amf_ue_ngap_id = b.amf_ue_id,
                        "old NG connection released"
                    );
                    self.unbind(now, key);
                }
                if self.ues.contains_key(&key) {
                    key
                } else {
                    self.new_ue()
                }
            }
            None => self.new_ue(),
        };
        let amf_ue_id = self.ids.new_amf_ue_id();
        let stream = self.ue_stream(assoc, m.ran_ue_ngap_id);
        self.bind(
            key,
            crate::context::RanBinding {
                assoc,
                ran_ue_id: m.ran_ue_ngap_id,
                amf_ue_id,
                stream,
                context_setup: false,
                releasing: false,
            },
        );
        if let Some(ue) = self.ues.get_mut(&key) {
            ue.tai = Some((m.location.tai.plmn.0, m.location.tai.tac));
        }
        let _span = tracing::info_span!("ue", amf_ue_ngap_id = amf_ue_id).entered();
        if self.ues.len() > self.cfg.config.max_ues {
            // Congestion (TS 24.501 §5.5.1.2.5, #22): the new UE is refused.
            tracing::warn!("UE context limit reached");
            self.send_mm(
                key,
                ferrocore_nas::types::NasRegistrationReject::new(NasFGmmCause::new(
                    cause::CONGESTION,
                )),
            );
            self.release_nas(key, ferrocore_ngap::CauseNas::unspecified);
            return;
        }
        self.on_nas(now, key, &m.nas_pdu, true);
        // An initial message that started nothing leaves no connection behind.
        let idle_leftover = self.ues.get(&key).is_some_and(|u| {
            u.procedure.is_none() && !u.registered() && u.ran.is_some_and(|b| !b.releasing)
        });
        if idle_leftover {
            self.release_nas(key, ferrocore_ngap::CauseNas::unspecified);
        }
    }

    fn new_ue(&mut self) -> UeKey {
        let key = self.ids.new_key();
        self.ues.insert(key, UeContext::new(key));
        key
    }

    /// One uplink NAS message of `key`: security (TS 24.501 §4.4.4.3), decoding (§7),
    /// then the procedure it belongs to.
    pub(crate) fn on_nas(&mut self, now: Instant, key: UeKey, bytes: &[u8], initial: bool) {
        let Some(up) = self.receive_nas(key, bytes) else {
            return;
        };
        let msg = match ferrocore_nas::decode(&up.plain).and_then(|m| m.check().map(|()| m)) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "uplink NAS message does not decode");
                if let Some(c) = e.gmm_cause() {
                    self.send_gmm_status(key, c);
                }
                return;
            }
        };
        let NasMessage::Mm(mm) = msg else {
            // 5GSM outside UL NAS TRANSPORT, or a nested security header.
            self.send_gmm_status(key, cause::MESSAGE_TYPE_NON_EXISTENT);
            return;
        };
        // Never `{}`-format these: the codec's Display recurses.
        tracing::debug!(
            message = ferrocore_nas::names::mm_name(mm.message_type().as_u8()),
            verified = up.verified,
            "uplink 5GMM"
        );
        match mm {
            Nas5gmmMessage::RegistrationRequest(r) => {
                self.registration_request(now, key, &up, *r, initial)
            }
            Nas5gmmMessage::RegistrationComplete(_) => self.registration_complete(now, key),
            Nas5gmmMessage::AuthenticationResponse(r) => self.authentication_response(now, key, *r),
            Nas5gmmMessage::AuthenticationFailure(f) => self.authentication_failure(now, key, *f),
            Nas5gmmMessage::SecurityModeComplete(c) => {
                self.security_mode_complete(now, key, &up, *c)
            }
            Nas5gmmMessage::SecurityModeReject(r) => self.security_mode_reject(now, key, *r),
            Nas5gmmMessage::IdentityResponse(r) => self.identity_response(now, key, *r),
            Nas5gmmMessage::DeregistrationRequestUeOriginating(d) => {
                self.ue_deregistration(now, key, *d)
            }
            Nas5gmmMessage::DeregistrationAcceptUeTerminated(_) => {
                self.network_deregistration_accept(now, key)
            }
            Nas5gmmMessage::ConfigurationUpdateComplete(_) => {
                self.configuration_update_complete(now, key)
            }
            Nas5gmmMessage::ServiceRequest(s) if initial => self.service_request(now, key, &up, *s),
            Nas5gmmMessage::UlNasTransport(t) => self.ul_nas_transport(now, key, *t),
            Nas5gmmMessage::FiveGmmStatus(s) => {
                self.metrics.gmm_status_received.inc();
                tracing::warn!(cause = s.fgmm_cause.value, "5GMM STATUS received");
            }
            other => {
                // Downlink-only messages, procedures this AMF does not run, and a
                // service request on a connection that exists: TS 24.501 §7.4.
                tracing::warn!(
                    message = ferrocore_nas::names::mm_name(other.message_type().as_u8()),
                    "5GMM message not handled"
                );
                let c = if ferrocore_nas_security::exemptions::amf_exemption(
                    other.message_type().as_u8(),
                )
                .is_some()
                    || matches!(
                        other,
                        Nas5gmmMessage::ServiceRequest(_) | Nas5gmmMessage::UlNasTransport(_)
                    ) {
                    cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE
                } else {
                    cause::MESSAGE_TYPE_NON_EXISTENT
                };
                self.send_gmm_status(key, c);
            }
        }
    }

    /// A downlink NAS PDU on the UE's NG connection (DOWNLINK NAS TRANSPORT, TS 38.413
    /// §8.6.2).
    pub(crate) fn send_dl_nas(&mut self, key: UeKey, nas_pdu: Vec<u8>) {
        let Some(b) = self.ues.get(&key).and_then(|u| u.ran) else {
            tracing::debug!("no NG connection: downlink NAS message not sent");
            return;
        };
        let m = DownlinkNasTransport {
            amf_ue_ngap_id: b.amf_ue_id,
            ran_ue_ngap_id: b.ran_ue_id,
            nas_pdu,
        };
        self.send_ngap(b.assoc, b.stream, &m);
    }

    /// Encodes, protects as the connection requires, and sends a 5GMM message; returns the
    /// NAS octets sent (for retransmission).
    pub(crate) fn send_mm(&mut self, key: UeKey, m: impl Into<Nas5gmmMessage>) -> Option<Vec<u8>> {
        let plain = match ferrocore_nas::encode(&NasMessage::mm(m)) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "5GMM message does not encode");
                return None;
            }
        };
        let nas = self.downlink_nas(key, &plain)?;
        self.send_dl_nas(key, nas.clone());
        Some(nas)
    }

    /// 5GMM STATUS (TS 24.501 §5.4.5, §7) with `c`, counted by cause.
    pub(crate) fn send_gmm_status(&mut self, key: UeKey, c: u8) {
        self.metrics
            .gmm_status_sent
            .get_or_create(&CauseLabel {
                cause: gmm_cause_label(c),
            })
            .inc();
        tracing::warn!(cause = c, "5GMM STATUS sent");
        self.send_mm(key, NasFGmmStatus::new(NasFGmmCause::new(c)));
    }

    /// Where the UE's registration stands, if one is under way.
    pub(crate) fn registration_step(&self, key: UeKey) -> Option<RegStep> {
        match self.ues.get(&key)?.procedure.as_deref()? {
            Procedure::Registration(r) => Some(r.step),
            _ => None,
        }
    }

    /// Whether the UE's registration waits at `step` for the message just received; if
    /// not, the message is not compatible with the protocol state and is answered with
    /// 5GMM STATUS #98 (TS 24.501 §7.3).
    pub(crate) fn expect_step(&mut self, key: UeKey, step: RegStep) -> bool {
        let expected = self.registration_step(key) == Some(step);
        if !expected {
            self.send_gmm_status(key, cause::MESSAGE_NOT_COMPATIBLE_WITH_STATE);
        }
        expected
    }

    /// An SBI answer for `key`; one for a transaction the UE no longer waits for is stale.
    pub(crate) fn on_sbi_reply(&mut self, now: Instant, key: UeKey, txn: TxnId, reply: SbiReply) {
        let Some(ue) = self.ues.get_mut(&key) else {
            return;
        };
        let label = ue.label();
        let Some(reg) = ue.registration() else {
            tracing::debug!(txn = txn.0, "stale SBI reply ignored");
            return;
        };
        if reg.awaiting != Some(txn) {
            tracing::debug!(txn = txn.0, "stale SBI reply ignored");
            return;
        }
        reg.awaiting = None;
        let _span = tracing::info_span!("ue", supi = %label).entered();
        match reply {
            SbiReply::Authenticate(r) => self.authenticate_reply(now, key, r),
            SbiReply::Confirm5gAka(r) => self.confirm_reply(now, key, r),
            SbiReply::RegisterAmf(r) => self.register_amf_reply(now, key, r),
            SbiReply::GetAmData(r) => self.am_data_reply(now, key, r),
            SbiReply::CreateSmContext(_)
            | SbiReply::UpdateSmContext(_)
            | SbiReply::ReleaseSmContext(_) => {
                tracing::debug!(txn = txn.0, "SM answer of no SM transaction ignored");
            }
        }
    }
}
