//! Key field values of a decoded message, in the vocabulary of
//! `tests/interop/pycrate_nas.py::extract` (see there), for cross-checks with pycrate.

use ferrocore_nas::identity::{MobileIdentity, SchemeOutput};
use ferrocore_nas::ies::{Sd, UeSecurityCapability, nssai};
use ferrocore_nas::types::*;
use ferrocore_nas::{NasMessage, identity::ImsiSuci};
use serde_json::{Map, Value, json};

/// The same text as the Python side's `identity()`.
pub fn identity_text(ie: &NasFGsMobileIdentity) -> String {
    match MobileIdentity::parse(ie) {
        Ok(MobileIdentity::Suci(ImsiSuci {
            mcc,
            mnc,
            routing_indicator,
            scheme,
            home_network_public_key_id,
            output,
        })) => {
            let out = match output {
                SchemeOutput::Msin(m) => m,
                SchemeOutput::Ecies {
                    ephemeral_public_key,
                    ciphertext,
                    mac_tag,
                } => hex(&[ephemeral_public_key, ciphertext, mac_tag.to_vec()].concat()),
                SchemeOutput::Opaque(o) => hex(&o),
            };
            format!(
                "suci:{mcc}{mnc}:{routing_indicator}:{}:{home_network_public_key_id}:{out}",
                scheme.id()
            )
        }
        Ok(MobileIdentity::SuciNai(_)) => "suci-nai".into(),
        Ok(MobileIdentity::Guti(g)) => format!(
            "guti:{}{}:{}:{}:{}:{:08x}",
            g.plmn().mcc(),
            g.plmn().mnc(),
            g.amf_region_id(),
            g.amf_set_id(),
            g.amf_pointer(),
            g.tmsi()
        ),
        Ok(MobileIdentity::STmsi(s)) => format!(
            "stmsi:{}:{}:{:08x}",
            s.amf_set_id(),
            s.amf_pointer(),
            s.tmsi()
        ),
        Ok(MobileIdentity::Imei(d)) => format!("imei:{d}"),
        Ok(MobileIdentity::Imeisv(d)) => format!("imeisv:{d}"),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("error: {e}"),
    }
}

pub fn hex(b: &[u8]) -> String {
    ferrocore_testkit::to_hex(b)
}

fn nssai_json(ie: &NasNssai) -> Value {
    match nssai(ie) {
        Ok(list) => Value::Array(
            list.iter()
                .map(|s| match s.sd {
                    Sd::Absent => json!([s.sst, null]),
                    Sd::Present(v) => json!([s.sst, v]),
                })
                .collect(),
        ),
        Err(e) => json!(format!("error: {e}")),
    }
}

struct F(Map<String, Value>);

impl F {
    fn set(&mut self, k: &str, v: impl Into<Value>) {
        self.0.insert(k.into(), v.into());
    }
    fn cause<T: Into<Value>>(&mut self, v: Option<T>) {
        if let Some(v) = v {
            self.set("cause", v);
        }
    }
    fn ngksi(&mut self, k: &NasKeySetIdentifier) {
        self.set("ngksi", k.value & 0x07);
    }
    fn eap(&mut self, e: Option<&NasEapMessage>) {
        if let Some(e) = e {
            self.set("eap_code", e.value.first().copied().unwrap_or(0));
        }
    }
    fn ueseccap(&mut self, c: Option<&NasUeSecurityCapability>) {
        if let Some(c) = c {
            let c = UeSecurityCapability::parse(c);
            self.set("ea", c.ea);
            self.set("ia", c.ia);
        }
    }
    fn t3346(&mut self, t: Option<&NasGprsTimer2>) {
        if let Some(t) = t {
            self.set("t3346", t.value[0]);
        }
    }
    fn opt_psi(&mut self, p: Option<&NasPduSessionIdentity2>) {
        if let Some(p) = p {
            self.set("opt_psi", p.value);
        }
    }
    fn dnn(&mut self, d: Option<&NasDnn>) {
        if let Some(d) = d {
            self.set("dnn", String::from_utf8_lossy(&d.value[1..]).into_owned());
        }
    }
    fn ambr(&mut self, a: Option<&NasSessionAmbr>) {
        if let Some(a) = a {
            self.set(
                "ambr_dl",
                json!([a.value[0], u16::from_be_bytes([a.value[1], a.value[2]])]),
            );
        }
    }
    fn epco(&mut self, _e: Option<&NasExtendedProtocolConfigurationOptions>) {}
    fn hex_of(&mut self, k: &str, v: Option<&[u8]>) {
        if let Some(v) = v {
            self.set(k, hex(v));
        }
    }
}

/// The key fields of a message, as the pycrate script reports them.
pub fn fields(msg: &NasMessage) -> Map<String, Value> {
    let mut f = F(Map::new());
    match msg {
        NasMessage::Protected(p) => {
            f.set("sht", p.header_type() as u8);
            f.set("mac", p.mac());
            f.set("sn", p.sequence_number());
            if let Some(inner) = p.plain() {
                f.set("inner", Value::Object(fields(inner)));
            }
        }
        NasMessage::Mm(m) => {
            f.set("type", m.message_type().as_u8());
            mm_fields(m, &mut f);
        }
        NasMessage::Sm(s) => {
            f.set("type", s.message.message_type().as_u8());
            f.set("psi", s.pdu_session_id);
            f.set("pti", s.pti);
            sm_fields(&s.message, &mut f);
        }
    }
    f.0
}

fn mm_fields(m: &Nas5gmmMessage, f: &mut F) {
    use Nas5gmmMessage as M;
    match m {
        M::AuthenticationRequest(m) => {
            f.ngksi(&m.ngksi);
            f.set("abba", hex(&m.abba.value));
            if let Some(r) = &m.authentication_parameter_rand {
                f.set("rand", hex(&r.value));
            }
            f.eap(m.eap_message.as_ref());
        }
        M::AuthenticationResponse(m) => f.eap(m.eap_message.as_ref()),
        M::AuthenticationResult(m) => {
            f.ngksi(&m.ngksi);
            f.eap(Some(&m.eap_message));
            if let Some(a) = &m.abba {
                f.set("abba", hex(&a.value));
            }
        }
        M::AuthenticationFailure(m) => f.cause(Some(m.fgmm_cause.value)),
        M::AuthenticationReject(m) => f.eap(m.eap_message.as_ref()),
        M::RegistrationRequest(m) => {
            f.ngksi(&m.ngksi);
            f.set("reg_type", m.fgs_registration_type.value);
            f.hex_of(
                "nas_container",
                m.nas_message_container.as_ref().map(|c| &c.value[..]),
            );
            f.set("identity", identity_text(&m.fgs_mobile_identity));
            if let Some(n) = &m.requested_nssai {
                f.set("nssai", nssai_json(n));
            }
            f.ueseccap(m.ue_security_capability.as_ref());
        }
        M::RegistrationAccept(m) => {
            f.hex_of("reg_result", Some(&m.fgs_registration_result.value));
            f.hex_of("tai_list", m.tai_list.as_ref().map(|t| &t.value[..]));
            if let Some(g) = &m.fg_guti {
                f.set("guti", identity_text(g));
            }
            if let Some(n) = &m.allowed_nssai {
                f.set("allowed_nssai", nssai_json(n));
            }
            f.eap(m.eap_message.as_ref());
        }
        M::RegistrationReject(m) => {
            f.cause(Some(m.fgmm_cause.value));
            f.t3346(m.t3346_value.as_ref());
            f.eap(m.eap_message.as_ref());
        }
        M::UlNasTransport(m) => {
            f.set("payload_type", m.payload_container_type.value);
            f.hex_of("payload", Some(&m.payload_container.value));
            f.opt_psi(m.pdu_session_id.as_ref());
            f.dnn(m.dnn.as_ref());
        }
        M::DlNasTransport(m) => {
            f.set("payload_type", m.payload_container_type.value);
            f.hex_of("payload", Some(&m.payload_container.value));
            f.opt_psi(m.pdu_session_id.as_ref());
            f.cause(m.fgmm_cause.as_ref().map(|c| c.value));
        }
        M::DeregistrationRequestUeOriginating(m) => {
            f.ngksi(&m.ngksi);
            f.set("identity", identity_text(&m.fgs_mobile_identity));
        }
        M::DeregistrationRequestUeTerminated(m) => {
            f.cause(m.fgmm_cause.as_ref().map(|c| c.value));
            f.t3346(m.t3346_value.as_ref());
        }
        M::ServiceRequest(m) => {
            f.ngksi(&m.ngksi);
            f.set("service_type", m.service_type.value);
            f.set("identity", identity_text(&m.fg_s_tmsi));
        }
        M::ServiceAccept(m) => f.eap(m.eap_message.as_ref()),
        M::ServiceReject(m) => {
            f.cause(Some(m.fgmm_cause.value));
            f.t3346(m.t3346_value.as_ref());
            f.eap(m.eap_message.as_ref());
        }
        M::ConfigurationUpdateCommand(m) => {
            f.hex_of("tai_list", m.tai_list.as_ref().map(|t| &t.value[..]));
            if let Some(g) = &m.fg_guti {
                f.set("guti", identity_text(g));
            }
            if let Some(n) = &m.allowed_nssai {
                f.set("allowed_nssai", nssai_json(n));
            }
        }
        M::IdentityRequest(m) => f.set("identity_type", m.identity_type.value),
        M::IdentityResponse(m) => f.set("identity", identity_text(&m.mobile_identity)),
        M::SecurityModeCommand(m) => {
            f.ngksi(&m.ngksi);
            f.hex_of(
                "sec_algo",
                Some(&[m.selected_nas_security_algorithms.value]),
            );
            f.ueseccap(Some(&m.replayed_ue_security_capabilities));
            if let Some(a) = &m.abba {
                f.set("abba", hex(&a.value));
            }
            f.eap(m.eap_message.as_ref());
        }
        M::SecurityModeComplete(m) => {
            f.hex_of(
                "nas_container",
                m.nas_message_container.as_ref().map(|c| &c.value[..]),
            );
            if let Some(i) = &m.imeisv {
                f.set("imeisv", identity_text(i));
            }
        }
        M::SecurityModeReject(m) => f.cause(Some(m.fgmm_cause.value)),
        M::FiveGmmStatus(m) => f.cause(Some(m.fgmm_cause.value)),
        M::ControlPlaneServiceRequest(m) => {
            f.ngksi(&m.ngksi);
            f.opt_psi(m.pdu_session_id.as_ref());
        }
        M::NetworkSliceSpecificAuthenticationCommand(m) => f.eap(Some(&m.eap_message)),
        M::NetworkSliceSpecificAuthenticationComplete(m) => f.eap(Some(&m.eap_message)),
        M::NetworkSliceSpecificAuthenticationResult(m) => f.eap(Some(&m.eap_message)),
        M::RelayKeyAccept(m) => f.eap(m.eap_message.as_ref()),
        M::RelayKeyReject(m) => f.eap(m.eap_message.as_ref()),
        M::RelayAuthenticationRequest(m) => f.eap(Some(&m.eap_message)),
        M::RelayAuthenticationResponse(m) => f.eap(Some(&m.eap_message)),
        _ => {}
    }
}

fn sm_fields(m: &Nas5gsmMessage, f: &mut F) {
    use Nas5gsmMessage as M;
    match m {
        M::PduSessionEstablishmentRequest(m) => {
            if let Some(t) = &m.pdu_session_type {
                f.set("pdu_type", t.value);
            }
            if let Some(s) = &m.ssc_mode {
                f.set("ssc", s.value);
            }
            f.epco(m.extended_protocol_configuration_options.as_ref());
        }
        M::PduSessionEstablishmentAccept(m) => {
            f.hex_of("pdu_address", m.pdu_address.as_ref().map(|a| &a.value[..]));
            f.hex_of("qos_rules", Some(&m.authorized_qos_rules.value));
            f.set("pdu_type", m.selected_pdu_session_type.value);
            f.set("ssc", m.selected_ssc_mode.value);
            f.ambr(Some(&m.session_ambr));
            f.cause(m.fgsm_cause.as_ref().map(|c| c.value));
            f.dnn(m.dnn.as_ref());
            f.eap(m.eap_message.as_ref());
        }
        M::PduSessionEstablishmentReject(m) => {
            f.cause(Some(m.fgsm_cause.value));
            f.eap(m.eap_message.as_ref());
        }
        M::PduSessionAuthenticationCommand(m) => f.eap(Some(&m.eap_message)),
        M::PduSessionAuthenticationComplete(m) => f.eap(Some(&m.eap_message)),
        M::PduSessionAuthenticationResult(m) => f.eap(m.eap_message.as_ref()),
        M::PduSessionModificationRequest(m) => f.cause(m.fgsm_cause.as_ref().map(|c| c.value)),
        M::PduSessionModificationReject(m) => f.cause(Some(m.fgsm_cause.value)),
        M::PduSessionModificationCommand(m) => {
            f.cause(m.fgsm_cause.as_ref().map(|c| c.value));
            f.ambr(m.session_ambr.as_ref());
        }
        M::PduSessionModificationCommandReject(m) => f.cause(Some(m.fgsm_cause.value)),
        M::PduSessionReleaseRequest(m) => f.cause(m.fgsm_cause.as_ref().map(|c| c.value)),
        M::PduSessionReleaseReject(m) => f.cause(Some(m.fgsm_cause.value)),
        M::PduSessionReleaseCommand(m) => {
            f.cause(Some(m.fgsm_cause.value));
            f.eap(m.eap_message.as_ref());
        }
        M::PduSessionReleaseComplete(m) => f.cause(m.fgsm_cause.as_ref().map(|c| c.value)),
        M::FiveGsmStatus(m) => f.cause(Some(m.fgsm_cause.value)),
        _ => {}
    }
}
