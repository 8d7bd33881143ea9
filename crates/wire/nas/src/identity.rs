//! 5GS mobile identity (TS 24.501 §9.11.3.4) in every form, with typed accessors.

use crate::error::Error;
use crate::types::{Guti, NasFGsMobileIdentity, STmsi, Suci};

/// The protection scheme of a SUCI (TS 24.501 Table 9.11.3.4.1, TS 33.501 Annex C).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectionScheme {
    /// 0: null scheme, the MSIN is in clear.
    Null,
    /// 1: ECIES profile A (X25519).
    ProfileA,
    /// 2: ECIES profile B (secp256r1).
    ProfileB,
    /// 12-15: a scheme of the home operator.
    Operator(u8),
}

impl ProtectionScheme {
    /// The scheme identifier.
    pub fn id(self) -> u8 {
        match self {
            Self::Null => 0,
            Self::ProfileA => 1,
            Self::ProfileB => 2,
            Self::Operator(v) => v,
        }
    }
}

/// The scheme output of a SUCI (TS 33.501 Annex C.3.2 / C.3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeOutput {
    /// Null scheme: the MSIN digits.
    Msin(String),
    /// ECIES: ephemeral public key (32 octets profile A, 33 compressed profile B),
    /// ciphertext of the MSIN, 8-octet MAC tag.
    Ecies {
        /// The UE's ephemeral public key.
        ephemeral_public_key: Vec<u8>,
        /// The concealed MSIN.
        ciphertext: Vec<u8>,
        /// The MAC tag.
        mac_tag: [u8; 8],
    },
    /// An operator scheme's output, as it came.
    Opaque(Vec<u8>),
}

/// A SUCI whose SUPI is an IMSI (TS 24.501 Figure 9.11.3.4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImsiSuci {
    /// Mobile country code, 3 digits.
    pub mcc: String,
    /// Mobile network code, 2 or 3 digits.
    pub mnc: String,
    /// Routing indicator, 1 to 4 digits.
    pub routing_indicator: String,
    /// Protection scheme.
    pub scheme: ProtectionScheme,
    /// Home network public key identifier (0 for the null scheme).
    pub home_network_public_key_id: u8,
    /// The scheme output.
    pub output: SchemeOutput,
}

impl ImsiSuci {
    /// The IMSI, when the null scheme leaves it in clear.
    pub fn imsi(&self) -> Option<String> {
        match &self.output {
            SchemeOutput::Msin(msin) => Some(format!("{}{}{}", self.mcc, self.mnc, msin)),
            _ => None,
        }
    }
}

/// A 5GS mobile identity in its typed form (TS 24.501 §9.11.3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MobileIdentity {
    /// Type 0: no identity.
    NoIdentity,
    /// Type 1, SUPI format IMSI.
    Suci(ImsiSuci),
    /// Type 1, SUPI format network specific identifier (NAI, TS 23.003 §28.7.3).
    SuciNai(String),
    /// Type 2: 5G-GUTI (Figure 9.11.3.4.1).
    Guti(Guti),
    /// Type 3: IMEI, 15 digits.
    Imei(String),
    /// Type 4: 5G-S-TMSI (Figure 9.11.3.4.5).
    STmsi(STmsi),
    /// Type 5: IMEISV, 16 digits.
    Imeisv(String),
    /// Type 6: MAC address.
    MacAddress([u8; 6]),
    /// Type 7: EUI-64.
    Eui64([u8; 8]),
}

impl MobileIdentity {
    /// Reads the typed identity of an IE; names the IE when its value is not one.
    pub fn parse(ie: &NasFGsMobileIdentity) -> Result<Self, Error> {
        let syntax = |what: &str| Error::InvalidMandatoryIe {
            ie: "fgs_mobile_identity",
            fault: crate::error::MandatoryFault::Syntax,
            reason: Some(format!("not a valid {what}")),
        };
        let first = *ie.value.first().ok_or_else(|| syntax("identity"))?;
        Ok(match first & 0x07 {
            0 => MobileIdentity::NoIdentity,
            1 => match ie.as_suci().ok_or_else(|| syntax("SUCI"))? {
                Suci::Imsi(s) => MobileIdentity::Suci(imsi_suci(&s)),
                Suci::Nai(n) => MobileIdentity::SuciNai(n.to_string()),
            },
            2 => MobileIdentity::Guti(ie.as_guti().ok_or_else(|| syntax("5G-GUTI"))?),
            3 => MobileIdentity::Imei(ie.as_imei().ok_or_else(|| syntax("IMEI"))?.to_string()),
            4 => MobileIdentity::STmsi(ie.as_s_tmsi().ok_or_else(|| syntax("5G-S-TMSI"))?),
            5 => {
                MobileIdentity::Imeisv(ie.as_imeisv().ok_or_else(|| syntax("IMEISV"))?.to_string())
            }
            6 => MobileIdentity::MacAddress(ie.as_mac_address().ok_or_else(|| syntax("MAC"))?),
            _ => MobileIdentity::Eui64(ie.as_eui64().ok_or_else(|| syntax("EUI-64"))?),
        })
    }

    /// The IE that carries this identity.
    pub fn to_ie(&self) -> Result<NasFGsMobileIdentity, Error> {
        let enc = |e: oxirush_nas::common::ValueError| Error::Encode(e.to_string());
        Ok(match self {
            MobileIdentity::NoIdentity => NasFGsMobileIdentity::from_no_identity(),
            MobileIdentity::Suci(s) => NasFGsMobileIdentity::new(imsi_suci_octets(s)?),
            MobileIdentity::SuciNai(n) => NasFGsMobileIdentity::from_suci_nai(n).map_err(enc)?,
            MobileIdentity::Guti(g) => NasFGsMobileIdentity::from_guti(*g),
            MobileIdentity::Imei(d) => NasFGsMobileIdentity::from_imei(d).map_err(enc)?,
            MobileIdentity::STmsi(s) => NasFGsMobileIdentity::from_s_tmsi(*s),
            MobileIdentity::Imeisv(d) => NasFGsMobileIdentity::from_imeisv(d).map_err(enc)?,
            MobileIdentity::MacAddress(m) => NasFGsMobileIdentity::from_mac_address(*m),
            MobileIdentity::Eui64(e) => NasFGsMobileIdentity::from_eui64(*e),
        })
    }
}

fn imsi_suci(s: &crate::types::ImsiSuci) -> ImsiSuci {
    let scheme = match s.protection_scheme().identifier() {
        0 => ProtectionScheme::Null,
        1 => ProtectionScheme::ProfileA,
        2 => ProtectionScheme::ProfileB,
        v => ProtectionScheme::Operator(v),
    };
    let output = match (scheme, s.msin(), s.concealed_output()) {
        (ProtectionScheme::Null, Some(msin), _) => SchemeOutput::Msin(msin.to_owned()),
        (ProtectionScheme::ProfileA | ProtectionScheme::ProfileB, _, Some(out)) => {
            ecies(scheme, out)
        }
        (_, _, Some(out)) => SchemeOutput::Opaque(out.to_vec()),
        (_, msin, None) => SchemeOutput::Msin(msin.unwrap_or_default().to_owned()),
    };
    let plmn = s.plmn();
    ImsiSuci {
        mcc: plmn.mcc().to_owned(),
        mnc: plmn.mnc().to_owned(),
        routing_indicator: s.routing_indicator().as_str().to_owned(),
        scheme,
        home_network_public_key_id: s.home_network_public_key_identifier(),
        output,
    }
}

/// Splits an ECIES output: public key, ciphertext, 8-octet MAC tag (TS 33.501 C.3.4).
fn ecies(scheme: ProtectionScheme, out: &[u8]) -> SchemeOutput {
    let key_len = if scheme == ProtectionScheme::ProfileA {
        32
    } else {
        33
    };
    if out.len() < key_len + 8 {
        return SchemeOutput::Opaque(out.to_vec());
    }
    let (key, rest) = out.split_at(key_len);
    let (ciphertext, tag) = rest.split_at(rest.len() - 8);
    let mut mac_tag = [0u8; 8];
    mac_tag.copy_from_slice(tag);
    SchemeOutput::Ecies {
        ephemeral_public_key: key.to_vec(),
        ciphertext: ciphertext.to_vec(),
        mac_tag,
    }
}

fn imsi_suci_octets(s: &ImsiSuci) -> Result<Vec<u8>, Error> {
    use crate::types::{Plmn, RoutingIndicator};
    let enc = |e: &dyn std::fmt::Display| Error::Encode(e.to_string());
    let plmn = Plmn::new(&s.mcc, &s.mnc).map_err(|e| enc(&e))?;
    let ri = RoutingIndicator::new(&s.routing_indicator).map_err(|e| enc(&e))?;
    let suci = match &s.output {
        SchemeOutput::Msin(msin) => {
            crate::types::ImsiSuci::null(plmn, ri, msin).map_err(|e| enc(&e))?
        }
        SchemeOutput::Ecies {
            ephemeral_public_key,
            ciphertext,
            mac_tag,
        } => {
            let mut out = ephemeral_public_key.clone();
            out.extend_from_slice(ciphertext);
            out.extend_from_slice(mac_tag);
            concealed(plmn, ri, s, out)?
        }
        SchemeOutput::Opaque(out) => concealed(plmn, ri, s, out.clone())?,
    };
    Ok(suci.to_nas_octets())
}

fn concealed(
    plmn: crate::types::Plmn,
    ri: crate::types::RoutingIndicator,
    s: &ImsiSuci,
    out: Vec<u8>,
) -> Result<crate::types::ImsiSuci, Error> {
    let scheme = crate::types::ProtectionScheme::new(s.scheme.id())
        .map_err(|e| Error::Encode(e.to_string()))?;
    crate::types::ImsiSuci::concealed(plmn, ri, scheme, s.home_network_public_key_id, out)
        .map_err(|e| Error::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrocore_testkit::hex;

    #[test]
    fn null_scheme_suci() {
        let ie = NasFGsMobileIdentity::new(hex("0102f8392143000000000010"));
        let MobileIdentity::Suci(s) = MobileIdentity::parse(&ie).unwrap() else {
            panic!()
        };
        assert_eq!((s.mcc.as_str(), s.mnc.as_str()), ("208", "93"));
        assert_eq!(s.routing_indicator, "1234");
        assert_eq!(s.scheme, ProtectionScheme::Null);
        assert_eq!(s.imsi().as_deref(), Some("2089300000001"));
        let back = MobileIdentity::Suci(s).to_ie().unwrap();
        assert_eq!(back.value, ie.value);
    }

    #[test]
    fn profile_a_suci() {
        // 32-octet key, 5-octet ciphertext, 8-octet MAC tag.
        let mut v = hex("0102f839f0ff0101");
        v.extend(std::iter::repeat_n(0xaa, 32));
        v.extend([1, 2, 3, 4, 5]);
        v.extend([9; 8]);
        let ie = NasFGsMobileIdentity::new(v.clone());
        let MobileIdentity::Suci(s) = MobileIdentity::parse(&ie).unwrap() else {
            panic!()
        };
        assert_eq!(s.scheme, ProtectionScheme::ProfileA);
        assert_eq!(s.home_network_public_key_id, 1);
        let SchemeOutput::Ecies {
            ephemeral_public_key,
            ciphertext,
            mac_tag,
        } = &s.output
        else {
            panic!("{:?}", s.output)
        };
        assert_eq!(ephemeral_public_key.len(), 32);
        assert_eq!(ciphertext, &[1, 2, 3, 4, 5]);
        assert_eq!(mac_tag, &[9; 8]);
        assert_eq!(MobileIdentity::Suci(s).to_ie().unwrap().value, v);
    }

    #[test]
    fn guti_imei_imeisv_stmsi() {
        let guti = NasFGsMobileIdentity::new(hex("f202f839cafe0011223344"));
        let MobileIdentity::Guti(g) = MobileIdentity::parse(&guti).unwrap() else {
            panic!()
        };
        assert_eq!(g.tmsi(), 0x11223344);
        assert_eq!(g.amf_region_id(), 0xca);
        let imei = NasFGsMobileIdentity::from_imei("490154203237518").unwrap();
        assert_eq!(
            MobileIdentity::parse(&imei).unwrap(),
            MobileIdentity::Imei("490154203237518".into())
        );
        let imeisv = NasFGsMobileIdentity::from_imeisv("4901542032375181").unwrap();
        assert_eq!(
            MobileIdentity::parse(&imeisv).unwrap(),
            MobileIdentity::Imeisv("4901542032375181".into())
        );
        let stmsi = NasFGsMobileIdentity::new(hex("f4fe0011223344"));
        let MobileIdentity::STmsi(s) = MobileIdentity::parse(&stmsi).unwrap() else {
            panic!()
        };
        assert_eq!(s.tmsi(), 0x11223344);
    }
}
