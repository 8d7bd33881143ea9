//! A hand-written aligned PER (X.691) reader for the common shape of a whole NGAP-PDU
//! holding an INITIAL UE MESSAGE (TS 38.413 §9.2.5.1), straight into
//! [`InitialUeMessage`].
//!
//! The shape read: an initiatingMessage of procedure code 15 (criticality `ignore`) whose
//! IEs are, in the ASN.1 order, each at most once and with the criticality of the object
//! set: RAN-UE-NGAP-ID, NAS-PDU, User Location Information (the NR alternative: NR-CGI,
//! TAI, optional time stamp, no extension), RRC Establishment Cause (a root value), then
//! optionally 5G-S-TMSI, AMF Set ID, UE Context Request and Allowed NSSAI, in the form
//! X.691 gives them (minimal lengths and integers, zero padding, no extension, no octet
//! left over). AMF Set ID and Allowed NSSAI are skipped without being decoded, as the
//! generated reader skips them (the struct has no field for them). Anything else
//! (another procedure, another IE or order, another location, an extension, a
//! non-canonical form, malformed octets) makes [`initial_ue_message`] decline with `None`
//! and the caller decodes the PDU with the generated decoder, so where it answers the
//! answer is the generated decoder's (the proptests below).
//!
//! It never panics and allocates the NAS-PDU's vector only.

use crate::msg::InitialUeMessage;
use crate::values::{FiveGSTmsi, NrCgi, Plmn, RrcEstablishmentCause, Tai, UserLocation};

/// ProtocolIE-IDs of the message (TS 38.413 §9.4.7).
const ID_ALLOWED_NSSAI: u16 = 0;
const ID_AMF_SET_ID: u16 = 3;
const ID_FIVE_G_S_TMSI: u16 = 26;
const ID_NAS_PDU: u16 = 38;
const ID_RAN_UE_NGAP_ID: u16 = 85;
const ID_RRC_ESTABLISHMENT_CAUSE: u16 = 90;
const ID_UE_CONTEXT_REQUEST: u16 = 112;
const ID_USER_LOCATION_INFORMATION: u16 = 121;

/// The procedure code of Initial UE Message (TS 38.413 §9.4.7).
const PROCEDURE_CODE: u8 = 15;

/// Criticality (2 bits, then padding) as the octet it fills.
const REJECT: u8 = 0x00;
const IGNORE: u8 = 0x40;

/// An octet cursor: every read is `None` past the end. The shape is octet-aligned but
/// for a few fields inside an octet, read with masks below.
struct Octets<'a>(&'a [u8]);

impl<'a> Octets<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn octet(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    /// An unconstrained length determinant (X.691 §11.9.3.6-8), canonical form, no
    /// fragments.
    fn length(&mut self) -> Option<usize> {
        let first = self.octet()?;
        if first & 0x80 == 0 {
            return Some(usize::from(first));
        }
        if first & 0xc0 != 0x80 {
            return None;
        }
        let n = usize::from(first & 0x3f) << 8 | usize::from(self.octet()?);
        (n >= 128).then_some(n)
    }

    /// A length determinant and that many octets.
    fn counted(&mut self) -> Option<&'a [u8]> {
        let n = self.length()?;
        self.take(n)
    }
}

/// The message, if `pdu` is the octets of a whole NGAP-PDU of the common shape; `None`
/// otherwise (see the module).
pub(crate) fn initial_ue_message(pdu: &[u8]) -> Option<InitialUeMessage> {
    // NGAP-PDU: extension bit and choice initiatingMessage (3 zero bits, padded), the
    // procedure code, the criticality, the message as an open type; nothing after it.
    let rest = pdu.strip_prefix(&[0, PROCEDURE_CODE, IGNORE])?;
    let mut r = Octets(rest);
    let value = r.counted()?;
    if !r.0.is_empty() {
        return None;
    }
    message(value)
}

/// The InitialUEMessage SEQUENCE: extension bit (padded), then its protocol IE container
/// (a 16-bit count, then per IE its id, criticality and value as an open type).
fn message(value: &[u8]) -> Option<InitialUeMessage> {
    let mut r = Octets(value.strip_prefix(&[0])?);
    let c = r.take(2)?;
    let count = u16::from_be_bytes([c[0], c[1]]);
    let mut ran_ue_ngap_id = None;
    let mut nas_pdu = None;
    let mut location = None;
    let mut cause = None;
    let mut five_g_s_tmsi = None;
    let mut ue_context_requested = false;
    // The IEs in the ASN.1 order, each once: `stage` is the rank of the last one read.
    let mut stage = 0;
    for _ in 0..count {
        let h = r.take(3)?;
        let id = u16::from_be_bytes([h[0], h[1]]);
        let criticality = h[2];
        let v = r.counted()?;
        let (rank, expected) = match id {
            ID_RAN_UE_NGAP_ID => (1, REJECT),
            ID_NAS_PDU => (2, REJECT),
            ID_USER_LOCATION_INFORMATION => (3, REJECT),
            ID_RRC_ESTABLISHMENT_CAUSE => (4, IGNORE),
            ID_FIVE_G_S_TMSI => (5, REJECT),
            ID_AMF_SET_ID => (6, IGNORE),
            ID_UE_CONTEXT_REQUEST => (7, IGNORE),
            ID_ALLOWED_NSSAI => (8, REJECT),
            _ => return None,
        };
        if rank <= stage || criticality != expected {
            return None;
        }
        stage = rank;
        match id {
            ID_RAN_UE_NGAP_ID => ran_ue_ngap_id = Some(ran_id(v)?),
            ID_NAS_PDU => nas_pdu = Some(octet_string(v)?),
            ID_USER_LOCATION_INFORMATION => location = Some(user_location(v)?),
            ID_RRC_ESTABLISHMENT_CAUSE => cause = Some(rrc_cause(v)?),
            ID_FIVE_G_S_TMSI => five_g_s_tmsi = Some(tmsi(v)?),
            ID_UE_CONTEXT_REQUEST => {
                // UEContextRequest ::= ENUMERATED { requested, ... }: the extension bit,
                // no bit for the one root value, padding.
                if v != [0] {
                    return None;
                }
                ue_context_requested = true;
            }
            // AMF Set ID, Allowed NSSAI: not in the struct, not decoded.
            _ => {}
        }
    }
    if !r.0.is_empty() {
        return None;
    }
    Some(InitialUeMessage {
        ran_ue_ngap_id: ran_ue_ngap_id?,
        nas_pdu: nas_pdu?,
        location: location?,
        rrc_establishment_cause: cause?,
        five_g_s_tmsi,
        ue_context_requested,
    })
}

/// RAN-UE-NGAP-ID ::= INTEGER (0..4294967295): the octet count less one in 2 bits
/// (padded), then that many octets, minimal.
fn ran_id(v: &[u8]) -> Option<u32> {
    let (first, o) = v.split_first()?;
    let n = usize::from(first >> 6) + 1;
    if first & 0x3f != 0 || o.len() != n || (n > 1 && o[0] == 0) {
        return None;
    }
    Some(o.iter().fold(0u32, |v, b| v << 8 | u32::from(*b)))
}

/// An unconstrained OCTET STRING (NAS-PDU): length determinant, octets, nothing after.
fn octet_string(v: &[u8]) -> Option<Vec<u8>> {
    let mut r = Octets(v);
    let o = r.counted()?;
    r.0.is_empty().then(|| o.to_vec())
}

fn plmn(o: &[u8]) -> Plmn {
    Plmn([o[0], o[1], o[2]])
}

/// UserLocationInformation, the userLocationInformationNR alternative without extensions
/// (a time stamp is read and not kept, as the struct has none). 15 octets, 19 with the
/// time stamp:
/// - CHOICE (no extension marker, 4 alternatives) NR = `01`; UserLocationInformationNR
///   extension bit `0`, timeStamp present `t`, iE-Extensions absent `0`; NR-CGI extension
///   bit and iE-Extensions absent `00`; padding `0`: `010t0000`;
/// - the NR-CGI's PLMN (3 octets), NRCellIdentity ::= BIT STRING (SIZE(36)), aligned: 4
///   octets and the high 4 bits of the next, whose low 4 bits are the TAI's extension bit
///   and absent iE-Extensions (`00`) and padding (`00`);
/// - the TAI's PLMN and TAC (3 octets each), then the time stamp (4 octets).
fn user_location(v: &[u8]) -> Option<UserLocation> {
    let len = match v.first()? {
        0x40 => 15,
        0x50 => 19,
        _ => return None,
    };
    if v.len() != len || v[8] & 0x0f != 0 {
        return None;
    }
    let cell_id =
        u64::from(u32::from_be_bytes([v[4], v[5], v[6], v[7]])) << 4 | u64::from(v[8] >> 4);
    Some(UserLocation {
        cgi: NrCgi {
            plmn: plmn(&v[1..4]),
            cell_id,
        },
        tai: Tai {
            plmn: plmn(&v[9..12]),
            tac: [v[12], v[13], v[14]],
        },
    })
}

/// RRCEstablishmentCause, a root value: extension bit `0`, 4 bits (0..=9), padding.
fn rrc_cause(v: &[u8]) -> Option<RrcEstablishmentCause> {
    use RrcEstablishmentCause as C;
    let [o] = *v else { return None };
    if o & 0x87 != 0 {
        return None;
    }
    Some(match o >> 3 {
        0 => C::emergency,
        1 => C::highPriorityAccess,
        2 => C::mt_Access,
        3 => C::mo_Signalling,
        4 => C::mo_Data,
        5 => C::mo_VoiceCall,
        6 => C::mo_VideoCall,
        7 => C::mo_SMS,
        8 => C::mps_PriorityAccess,
        9 => C::mcs_PriorityAccess,
        _ => return None,
    })
}

/// FiveG-S-TMSI without extensions, 7 octets: extension bit and iE-Extensions absent
/// (`00`), AMF Set ID (10 bits), AMF Pointer (6 bits), padding (6 zero bits), then the
/// 5G-TMSI (4 octets).
fn tmsi(v: &[u8]) -> Option<FiveGSTmsi> {
    let [a, b, c, t0, t1, t2, t3] = *v else {
        return None;
    };
    if a & 0xc0 != 0 || c & 0x3f != 0 {
        return None;
    }
    Some(FiveGSTmsi {
        set_id: u16::from(a) << 4 | u16::from(b >> 4),
        pointer: (b & 0x0f) << 2 | c >> 6,
        tmsi: u32::from_be_bytes([t0, t1, t2, t3]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NgapMessage;
    use crate::asn;
    use crate::fast::mutations::mutations;
    use oxirush_ngap::build_ngap_ie;
    use proptest::prelude::*;

    /// The generated decoder's answer.
    fn generic(octets: &[u8]) -> Option<InitialUeMessage> {
        InitialUeMessage::from_pdu(&crate::decode_borrowed(octets).ok()?).ok()
    }

    /// Same answer as the generated decoder, or a decline.
    fn agrees(octets: &[u8]) -> Result<(), TestCaseError> {
        if let Some(fast) = initial_ue_message(octets) {
            prop_assert_eq!(Some(fast), generic(octets), "{:02x?}", octets);
        }
        Ok(())
    }

    fn sample() -> InitialUeMessage {
        let plmn = Plmn([0x02, 0xf8, 0x39]);
        InitialUeMessage {
            ran_ue_ngap_id: 7,
            nas_pdu: vec![0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01],
            location: UserLocation {
                cgi: NrCgi {
                    plmn,
                    cell_id: 0x0_1234_5601,
                },
                tai: Tai {
                    plmn,
                    tac: [0, 0, 1],
                },
            },
            rrc_establishment_cause: RrcEstablishmentCause::mo_Signalling,
            five_g_s_tmsi: Some(FiveGSTmsi {
                set_id: 0x3ff,
                pointer: 0x2a,
                tmsi: 0xdead_beef,
            }),
            ue_context_requested: true,
        }
    }

    /// The PDU of an InitialUEMessage of these IEs, encoded by the generated encoder.
    fn pdu_of(ies: Vec<asn::ProtocolIEField<'static>>) -> Vec<u8> {
        let m = asn::InitialUEMessage::new(asn::ProtocolIEContainer(ies));
        let mut octets = Vec::new();
        oxirush_ngap::aper::encode_into(&m, &mut octets).unwrap();
        crate::encode(&crate::pdu::of_octets::<asn::InitialUEMessage<'_>>(octets)).unwrap()
    }

    /// The sample's IEs as the builder makes them, with a time stamp in the location
    /// and an AMF Set ID after the 5G-S-TMSI.
    fn sample_ies(time_stamp: bool, amf_set_id: bool) -> Vec<asn::ProtocolIEField<'static>> {
        let m = sample();
        let mut location = m.location.to_asn().unwrap();
        if let asn::UserLocationInformation::userLocationInformationNR(nr) = &mut location {
            nr.time_stamp = time_stamp.then_some(asn::TimeStamp([1, 2, 3, 4]));
        }
        let mut ies = vec![
            build_ngap_ie!(InitialUEMessage, RAN_UE_NGAP_ID(m.ran_ue_ngap_id)).unwrap(),
            build_ngap_ie!(InitialUEMessage, NAS_PDU(m.nas_pdu.clone())).unwrap(),
            build_ngap_ie!(InitialUEMessage, UserLocationInformation(location)).unwrap(),
            build_ngap_ie!(
                InitialUEMessage,
                RRCEstablishmentCause(m.rrc_establishment_cause)
            )
            .unwrap(),
            build_ngap_ie!(
                InitialUEMessage,
                FiveG_S_TMSI(m.five_g_s_tmsi.unwrap().to_asn().unwrap())
            )
            .unwrap(),
        ];
        if amf_set_id {
            ies.push(
                build_ngap_ie!(
                    InitialUEMessage,
                    AMFSetID(asn::AMFSetID(oxirush_ngap::Bits::new(0x155, 10).unwrap()))
                )
                .unwrap(),
            );
        }
        ies.push(
            build_ngap_ie!(
                InitialUEMessage,
                UEContextRequest(asn::UEContextRequest::requested)
            )
            .unwrap(),
        );
        ies
    }

    #[test]
    fn the_sample_takes_the_fast_path() {
        let m = sample();
        let octets = m.encode().unwrap();
        assert_eq!(initial_ue_message(&octets), Some(m.clone()));
        assert_eq!(generic(&octets), Some(m.clone()));
        assert_eq!(
            crate::decode_message(&octets).unwrap(),
            crate::Message::InitialUeMessage(m.clone())
        );
        assert_eq!(InitialUeMessage::decode(&octets).unwrap(), m);
    }

    #[test]
    fn time_stamp_and_amf_set_id_agree() {
        for (ts, set) in [(true, false), (false, true), (true, true)] {
            let octets = pdu_of(sample_ies(ts, set));
            assert_eq!(initial_ue_message(&octets), Some(sample()), "{ts} {set}");
            assert_eq!(generic(&octets), Some(sample()));
        }
    }

    #[test]
    fn other_shapes_decline() {
        // IEs out of order.
        let mut ies = sample_ies(false, false);
        ies.swap(0, 1);
        let swapped = pdu_of(ies);
        assert_eq!(initial_ue_message(&swapped), None);
        assert_eq!(generic(&swapped), Some(sample()));
        // An IE twice.
        let mut ies = sample_ies(false, false);
        ies.insert(1, ies[0].clone());
        assert_eq!(initial_ue_message(&pdu_of(ies)), None);
        // A location the fast path does not read (EUTRA): the generic path's error.
        let mut ies = sample_ies(false, false);
        ies[2] = build_ngap_ie!(
            InitialUEMessage,
            UserLocationInformation(asn::UserLocationInformation::userLocationInformationEUTRA(
                asn::UserLocationInformationEUTRA {
                    eutra_cgi: asn::EUTRACGI {
                        plmn_identity: asn::PLMNIdentity([2, 0xf8, 0x39]),
                        eutra_cell_identity: asn::EUTRACellIdentity(
                            oxirush_ngap::Bits::new(1, 28).unwrap()
                        ),
                        ie_extensions: None,
                    },
                    tai: sample().location.tai.to_asn(),
                    time_stamp: None,
                    ie_extensions: None,
                }
            ))
        )
        .unwrap();
        let eutra = pdu_of(ies);
        assert_eq!(initial_ue_message(&eutra), None);
        assert!(crate::decode_message(&eutra).is_err());
        // Another message.
        let mut other = sample().encode().unwrap();
        other[1] = 46;
        assert_eq!(initial_ue_message(&other), None);
    }

    fn message() -> impl Strategy<Value = InitialUeMessage> {
        let plmn = any::<[u8; 3]>().prop_map(Plmn);
        let nas = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..8),
            proptest::collection::vec(any::<u8>(), 0..400),
        ];
        let tmsi =
            (0u16..1024, 0u8..64, any::<u32>()).prop_map(|(set_id, pointer, tmsi)| FiveGSTmsi {
                set_id,
                pointer,
                tmsi,
            });
        (
            prop_oneof![0u32..300, any::<u32>()],
            nas,
            (plmn.clone(), 0u64..1 << 36, plmn, any::<[u8; 3]>()),
            0u8..10,
            proptest::option::of(tmsi),
            any::<bool>(),
        )
            .prop_map(
                |(ran_ue_ngap_id, nas_pdu, (cp, cell_id, tp, tac), cause, tmsi, ctx)| {
                    use RrcEstablishmentCause as C;
                    InitialUeMessage {
                        ran_ue_ngap_id,
                        nas_pdu,
                        location: UserLocation {
                            cgi: NrCgi { plmn: cp, cell_id },
                            tai: Tai { plmn: tp, tac },
                        },
                        rrc_establishment_cause: [
                            C::emergency,
                            C::highPriorityAccess,
                            C::mt_Access,
                            C::mo_Signalling,
                            C::mo_Data,
                            C::mo_VoiceCall,
                            C::mo_VideoCall,
                            C::mo_SMS,
                            C::mps_PriorityAccess,
                            C::mcs_PriorityAccess,
                        ][usize::from(cause)],
                        five_g_s_tmsi: tmsi,
                        ue_context_requested: ctx,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Every message the builder writes takes the fast path, with the same value.
        #[test]
        fn typed_messages_agree(m in message()) {
            let octets = m.encode().unwrap();
            prop_assert_eq!(initial_ue_message(&octets), Some(m.clone()));
            prop_assert_eq!(generic(&octets), Some(m.clone()));
            prop_assert_eq!(
                crate::decode_message(&octets).unwrap(),
                crate::Message::InitialUeMessage(m)
            );
        }

        /// Flipped bits, changed octets, truncation, trailing octets: a decline or the
        /// same value.
        #[test]
        fn mutated_octets_agree(
            m in message(),
            damage in mutations(),
        ) {
            for octets in damage.variants(m.encode().unwrap()) {
                agrees(&octets)?;
            }
        }

        /// Random octets after a plausible header.
        #[test]
        fn random_octets_agree(
            head in any::<bool>(),
            octets in proptest::collection::vec(any::<u8>(), 0..96),
        ) {
            let mut o = if head { vec![0, PROCEDURE_CODE, IGNORE] } else { Vec::new() };
            o.extend_from_slice(&octets);
            agrees(&o)?;
        }
    }
}
