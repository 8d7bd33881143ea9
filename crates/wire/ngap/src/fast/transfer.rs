//! A hand-written aligned PER (X.691) reader for the common shape of the PDU Session
//! Resource Setup Request Transfer (TS 38.413 §9.3.4.1), straight into
//! [`SetupRequestTransfer`].
//!
//! The shape read: the IEs PDU Session Aggregate Maximum Bit Rate (optional), UL NG-U UP
//! TNL Information (a GTP tunnel of a 32-, 128- or 160-bit transport layer address),
//! PDU Session Type and QoS Flow Setup Request List (non-dynamic 5QI and ARP, no optional
//! field), in this order, each once, criticality `reject`, in the form X.691 gives them
//! (minimal lengths and integers, zero padding, no extension, no octet left over).
//! Anything else (another IE, another order, an extension or optional field, a dynamic
//! 5QI, a non-canonical form, malformed octets) makes [`setup_request_transfer`] decline
//! with `None`, and the caller reads the octets with the generated decoder instead.
//! Where it answers, the answer is the generated decoder's (checked by the proptests
//! below, on typed transfers and on mutated octets).
//!
//! It never panics and allocates one vector of at most 64 flows.

use super::Bits;
use crate::asn;
#[cfg(test)]
use crate::transfer::GbrQosInfo;
use crate::transfer::{Ambr, QosFlowRequest, SetupRequestTransfer};
use crate::values::GtpTunnel;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// ProtocolIE-IDs of the transfer (TS 38.413 §9.4.7).
const ID_SESSION_AMBR: u16 = 130;
const ID_SESSION_TYPE: u16 = 134;
const ID_QOS_FLOW_SETUP_REQUEST_LIST: u16 = 136;
const ID_UL_NGU_UP_TNL_INFORMATION: u16 = 139;

/// The upper bound of BitRate's root range.
const MAX_BIT_RATE: u64 = 4_000_000_000_000;

/// The transfer, if its octets have the common shape; `None` otherwise (see the module).
pub(crate) fn setup_request_transfer(octets: &[u8]) -> Option<SetupRequestTransfer> {
    let mut r = Bits::new(octets);
    r.zeros(1)?; // SEQUENCE extension bit
    let count = r.u16()?;
    let mut session_ambr = None;
    let mut ul_tunnel = None;
    let mut session_type = None;
    let mut qos_flows = None;
    // The IEs in the ASN.1 order, each once: `stage` is the last one read.
    let mut stage = 0;
    for _ in 0..count {
        let id = r.u16()?;
        // Criticality `reject` (the object set's for all four), then padding.
        if r.octet()? != 0 {
            return None;
        }
        let len = r.length()?;
        let value = r.octets(len)?;
        match id {
            ID_SESSION_AMBR if stage < 1 => {
                session_ambr = Some(ambr(value)?);
                stage = 1;
            }
            ID_UL_NGU_UP_TNL_INFORMATION if stage < 2 => {
                ul_tunnel = Some(tunnel(value)?);
                stage = 2;
            }
            ID_SESSION_TYPE if stage < 3 => {
                session_type = Some(pdu_session_type(value)?);
                stage = 3;
            }
            ID_QOS_FLOW_SETUP_REQUEST_LIST if stage < 4 => {
                qos_flows = Some(flows(value)?);
                stage = 4;
            }
            _ => return None,
        }
    }
    r.finish()?;
    Some(SetupRequestTransfer {
        session_ambr,
        ul_tunnel: ul_tunnel?,
        session_type: session_type?,
        qos_flows: qos_flows?,
    })
}

/// PDUSessionAggregateMaximumBitRate without extensions.
fn ambr(value: &[u8]) -> Option<Ambr> {
    let mut r = Bits::new(value);
    r.zeros(2)?; // extension bit, iE-Extensions absent
    let downlink = bit_rate(&mut r)?;
    let uplink = bit_rate(&mut r)?;
    r.finish()?;
    Some(Ambr { downlink, uplink })
}

/// BitRate ::= INTEGER (0..4000000000000, ...) in its root: the octet count (1..=6) in 3
/// bits, then that many octets, minimal.
fn bit_rate(r: &mut Bits<'_>) -> Option<u64> {
    r.zeros(1)?; // extension bit
    let n = r.bits(3)? as usize + 1;
    if n > 6 {
        return None;
    }
    let o = r.octets(n)?;
    if n > 1 && o[0] == 0 {
        return None;
    }
    let v = o.iter().fold(0u64, |v, b| v << 8 | u64::from(*b));
    (v <= MAX_BIT_RATE).then_some(v)
}

/// UPTransportLayerInformation: a gTPTunnel without extensions.
fn tunnel(value: &[u8]) -> Option<GtpTunnel> {
    let mut r = Bits::new(value);
    // choice gTPTunnel, GTPTunnel extension bit, iE-Extensions absent, BIT STRING
    // extension bit
    r.zeros(4)?;
    let bits = r.bits(8)? as usize + 1;
    let addr = match bits {
        32 | 160 => {
            let o = r.octets(bits / 8)?;
            IpAddr::V4(Ipv4Addr::new(o[0], o[1], o[2], o[3]))
        }
        128 => {
            let mut v6 = [0u8; 16];
            v6.copy_from_slice(r.octets(16)?);
            IpAddr::V6(Ipv6Addr::from(v6))
        }
        _ => return None,
    };
    let t = r.octets(4)?;
    r.finish()?;
    Some(GtpTunnel {
        addr,
        teid: u32::from_be_bytes([t[0], t[1], t[2], t[3]]),
    })
}

/// PDUSessionType, a root value.
fn pdu_session_type(value: &[u8]) -> Option<asn::PDUSessionType> {
    let mut r = Bits::new(value);
    r.zeros(1)?;
    let t = match r.bits(3)? {
        0 => asn::PDUSessionType::ipv4,
        1 => asn::PDUSessionType::ipv6,
        2 => asn::PDUSessionType::ipv4v6,
        3 => asn::PDUSessionType::ethernet,
        4 => asn::PDUSessionType::unstructured,
        _ => return None,
    };
    r.finish()?;
    Some(t)
}

/// QosFlowSetupRequestList (SIZE(1..64)) of items with a non-dynamic 5QI and ARP only.
fn flows(value: &[u8]) -> Option<Vec<QosFlowRequest>> {
    let mut r = Bits::new(value);
    let n = r.bits(6)? as usize + 1;
    let mut flows = Vec::with_capacity(n);
    for _ in 0..n {
        // 23 bits, all zero but the QFI: QosFlowSetupRequestItem extension bit, e-RAB-ID
        // and iE-Extensions absent (3); QosFlowIdentifier ::= INTEGER (0..63, ...):
        // extension bit, 6 bits (7); QosFlowLevelQosParameters extension bit and four
        // optionals absent (5); QosCharacteristics choice nonDynamic5QI (2);
        // NonDynamic5QIDescriptor extension bit and four optionals absent (5); FiveQI
        // extension bit (1).
        let head = r.bits(23)?;
        if head & !(0x3f << 13) != 0 {
            return None;
        }
        let qfi = (head >> 13) as u8;
        // FiveQI ::= INTEGER (0..255, ...): one aligned octet.
        let five_qi = r.octet()?;
        // AllocationAndRetentionPriority (10 bits): extension bit, iE-Extensions absent,
        // PriorityLevelARP (1..15) in 4 bits, the two pre-emption ENUMERATEDs (extension
        // bit + 1 bit each; the values are not kept).
        let arp = r.bits(10)?;
        if arp & 0b11_0000_1010 != 0 {
            return None;
        }
        let arp = (arp >> 4) as u8 + 1;
        if arp > 15 {
            return None;
        }
        flows.push(QosFlowRequest {
            qfi,
            five_qi,
            arp_priority: arp,
            gbr: None,
        });
    }
    r.finish()?;
    Some(flows)
}

/// A bit writer over a vector of octets (the mirror of [`Bits`]).
struct Out {
    octets: Vec<u8>,
    /// Bits used in the last octet, 0 when aligned.
    used: u32,
}

impl Out {
    fn with_capacity(n: usize) -> Self {
        Out {
            octets: Vec::with_capacity(n),
            used: 0,
        }
    }

    /// The low `n` (<= 24) bits of `v`.
    fn bits(&mut self, n: u32, v: u32) {
        debug_assert!(n <= 24 && u64::from(v) < 1u64 << n);
        if n == 0 {
            return;
        }
        // The bits placed from bit `used` of the current octet on: `total` <= 31 bits
        // from the current octet's first, i.e. within four octets.
        let total = self.used + n;
        let window = (v << (32 - total)).to_be_bytes();
        let span = total.div_ceil(8) as usize;
        if self.used == 0 {
            self.octets.extend_from_slice(&window[..span]);
        } else {
            if let Some(last) = self.octets.last_mut() {
                *last |= window[0];
            }
            self.octets.extend_from_slice(&window[1..span]);
        }
        self.used = total % 8;
    }

    /// Zero padding to the next octet.
    fn align(&mut self) {
        self.used = 0;
    }

    /// Whole octets after padding.
    fn octets(&mut self, o: &[u8]) {
        self.align();
        self.octets.extend_from_slice(o);
    }

    fn octet(&mut self, o: u8) {
        self.align();
        self.octets.push(o);
    }

    /// A ProtocolIE-Field: id, criticality `reject` (padded), the value as an open type.
    fn ie(&mut self, id: u16, value: impl FnOnce(&mut Out)) {
        self.octets(&id.to_be_bytes());
        self.octet(0);
        self.open(value);
    }

    /// An open type: the length determinant and the octets of the value written by
    /// `value` (aligned, as the value starts a new encoding).
    fn open(&mut self, value: impl FnOnce(&mut Out)) {
        self.align();
        let at = self.octets.len();
        // One length octet, moved right if the value needs two.
        self.octets.push(0);
        let mut inner = Out {
            octets: std::mem::take(&mut self.octets),
            used: 0,
        };
        value(&mut inner);
        self.octets = inner.octets;
        let len = self.octets.len() - at - 1;
        if len == 0 {
            // An empty value is one zero octet (X.691 §11.1).
            self.octets.push(0);
            self.octets[at] = 1;
        } else if len < 128 {
            self.octets[at] = len as u8;
        } else {
            // At most a few hundred octets (64 flows): the two-octet form.
            self.octets[at] = 0x80 | (len >> 8) as u8;
            self.octets.insert(at + 1, len as u8);
        }
        self.used = 0;
    }
}

/// The octets of `t` if it has the common shape the reader reads (every value in its
/// root, 1..=64 flows); `None` otherwise, and the caller encodes with the generated
/// encoder (which then also reports what is out of range). Where it answers, the octets
/// are the generated encoder's (the proptests below).
pub(crate) fn write_setup_request_transfer(t: &SetupRequestTransfer) -> Option<Vec<u8>> {
    let n = t.qos_flows.len();
    if !(1..=64).contains(&n) {
        return None;
    }
    if let Some(a) = t.session_ambr
        && (a.downlink > MAX_BIT_RATE || a.uplink > MAX_BIT_RATE)
    {
        return None;
    }
    if t.qos_flows
        .iter()
        .any(|f| f.qfi > 63 || !(1..=15).contains(&f.arp_priority) || f.gbr.is_some())
    {
        return None;
    }
    // Room for the largest value of this shape (IPv6, six-octet rates, five octets a
    // flow), so the vector never grows.
    let mut w = Out::with_capacity(60 + 5 * n);
    w.bits(1, 0); // SEQUENCE extension bit
    let count = if t.session_ambr.is_some() { 4 } else { 3 };
    w.octets(&[0, count]);
    if let Some(a) = t.session_ambr {
        w.ie(ID_SESSION_AMBR, |w| {
            w.bits(2, 0); // extension bit, iE-Extensions absent
            write_bit_rate(w, a.downlink);
            write_bit_rate(w, a.uplink);
        });
    }
    w.ie(ID_UL_NGU_UP_TNL_INFORMATION, |w| {
        // choice gTPTunnel, GTPTunnel extension bit, iE-Extensions absent, BIT STRING
        // extension bit, then the size (1..160) less one in 8 bits.
        w.bits(4, 0);
        match t.ul_tunnel.addr {
            IpAddr::V4(a) => {
                w.bits(8, 31);
                w.octets(&a.octets());
            }
            IpAddr::V6(a) => {
                w.bits(8, 127);
                w.octets(&a.octets());
            }
        }
        w.octets(&t.ul_tunnel.teid.to_be_bytes());
    });
    w.ie(ID_SESSION_TYPE, |w| {
        w.bits(1, 0);
        w.bits(3, t.session_type as u32);
    });
    w.ie(ID_QOS_FLOW_SETUP_REQUEST_LIST, |w| {
        w.bits(6, n as u32 - 1);
        for f in &t.qos_flows {
            // As in `flows`: 23 bits all zero but the QFI, the 5QI octet, the ARP.
            w.bits(23, u32::from(f.qfi) << 13);
            w.octet(f.five_qi);
            w.bits(10, u32::from(f.arp_priority - 1) << 4);
        }
    });
    Some(w.octets)
}

/// BitRate in its root: extension bit, octet count less one in 3 bits, minimal octets.
fn write_bit_rate(w: &mut Out, v: u64) {
    let n = (8 - v.leading_zeros() / 8).clamp(1, 6);
    w.bits(1, 0);
    w.bits(3, n - 1);
    w.octets(&v.to_be_bytes()[8 - n as usize..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fast::mutations::mutations;
    use proptest::prelude::*;

    /// The generated decoder's answer.
    fn generic(octets: &[u8]) -> Option<SetupRequestTransfer> {
        let v: asn::PDUSessionResourceSetupRequestTransfer<'_> =
            asn::decode_open_type(octets).ok()?;
        SetupRequestTransfer::of(&v).ok()
    }

    fn sample() -> SetupRequestTransfer {
        SetupRequestTransfer {
            session_ambr: Some(Ambr {
                downlink: 1_000_000_000,
                uplink: 500_000_000,
            }),
            ul_tunnel: GtpTunnel {
                addr: IpAddr::V4(Ipv4Addr::new(10, 100, 200, 1)),
                teid: 0x1001,
            },
            session_type: asn::PDUSessionType::ipv4,
            qos_flows: vec![QosFlowRequest {
                qfi: 1,
                five_qi: 9,
                arp_priority: 8,
                gbr: None,
            }],
        }
    }

    /// Same answer as the generated decoder, or a decline.
    fn agrees(octets: &[u8]) -> Result<(), TestCaseError> {
        if let Some(fast) = setup_request_transfer(octets) {
            prop_assert_eq!(Some(fast), generic(octets), "{:02x?}", octets);
        }
        Ok(())
    }

    #[test]
    fn the_sample_takes_the_fast_path() {
        let t = sample();
        let octets = t.to_octets().unwrap();
        assert_eq!(setup_request_transfer(&octets), Some(t.clone()));
        assert_eq!(SetupRequestTransfer::from_octets(&octets).unwrap(), t);
    }

    fn encode(v: &asn::PDUSessionResourceSetupRequestTransfer<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        oxirush_ngap::aper::encode_into(v, &mut out).unwrap();
        out
    }

    #[test]
    fn the_sample_is_written_by_the_fast_writer() {
        let t = sample();
        let fast = write_setup_request_transfer(&t).unwrap();
        assert_eq!(fast, t.to_octets_generic().unwrap());
        // A list over 127 octets: the two-octet length form.
        let mut t = sample();
        t.qos_flows = (0..64)
            .map(|q| QosFlowRequest {
                qfi: q,
                five_qi: q.wrapping_mul(5),
                arp_priority: q % 15 + 1,
                gbr: None,
            })
            .collect();
        let fast = write_setup_request_transfer(&t).unwrap();
        assert!(fast.len() > 300);
        assert_eq!(fast, t.to_octets_generic().unwrap());
        assert_eq!(setup_request_transfer(&fast), Some(t));
    }

    #[test]
    fn a_160_bit_address_agrees() {
        // Dual address: 160 bits (IPv4 then IPv6); the IPv4 part is kept.
        let mut o = vec![192, 0, 2, 1, 0x20, 1, 0xd, 0xb8];
        o.extend_from_slice(&[0; 11]);
        o.push(1);
        let ul = asn::UPTransportLayerInformation::gTPTunnel(asn::GTPTunnel {
            transport_layer_address: asn::TransportLayerAddress(
                oxirush_ngap::BitString::new(o, 160).unwrap(),
            ),
            gtp_teid: asn::GTPTEID([0, 0, 0x10, 1]),
            ie_extensions: None,
        });
        let mut v = sample().to_asn().unwrap();
        v.protocol_ies.0[1] = oxirush_ngap::build_ngap_ie!(
            PDUSessionResourceSetupRequestTransfer,
            UL_NGU_UP_TNLInformation(ul)
        )
        .unwrap();
        let dual = encode(&v);
        let fast = setup_request_transfer(&dual).unwrap();
        assert_eq!(fast.ul_tunnel.addr, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(Some(fast), generic(&dual));
    }

    #[test]
    fn other_shapes_decline() {
        // IEs out of order, or one the fast path does not read: the generated decoder.
        let mut v = sample().to_asn().unwrap();
        v.protocol_ies.0.swap(1, 2);
        let swapped = encode(&v);
        assert_eq!(setup_request_transfer(&swapped), None);
        let mut v = sample().to_asn().unwrap();
        v.protocol_ies.0.insert(
            3,
            oxirush_ngap::build_ngap_ie!(
                PDUSessionResourceSetupRequestTransfer,
                NetworkInstance(asn::NetworkInstance(3))
            )
            .unwrap(),
        );
        let with_instance = encode(&v);
        assert_eq!(setup_request_transfer(&with_instance), None);
        assert_eq!(
            SetupRequestTransfer::from_octets(&with_instance).unwrap(),
            sample()
        );
    }

    fn transfer() -> impl Strategy<Value = SetupRequestTransfer> {
        let addr = prop_oneof![
            any::<[u8; 4]>().prop_map(|a| IpAddr::V4(Ipv4Addr::from(a))),
            any::<[u8; 16]>().prop_map(|a| IpAddr::V6(Ipv6Addr::from(a))),
        ];
        let rate = prop_oneof![0..=MAX_BIT_RATE, 0u64..70_000, Just(MAX_BIT_RATE)];
        let flow = (0u8..=63, any::<u8>(), 1u8..=15).prop_map(|(qfi, five_qi, arp_priority)| {
            QosFlowRequest {
                qfi,
                five_qi,
                arp_priority,
                gbr: None,
            }
        });
        (
            proptest::option::of((rate.clone(), rate)),
            addr,
            any::<u32>(),
            0u8..5,
            proptest::collection::vec(flow, 1..=64),
        )
            .prop_map(|(ambr, addr, teid, ty, qos_flows)| SetupRequestTransfer {
                session_ambr: ambr.map(|(downlink, uplink)| Ambr { downlink, uplink }),
                ul_tunnel: GtpTunnel { addr, teid },
                session_type: [
                    asn::PDUSessionType::ipv4,
                    asn::PDUSessionType::ipv6,
                    asn::PDUSessionType::ipv4v6,
                    asn::PDUSessionType::ethernet,
                    asn::PDUSessionType::unstructured,
                ][usize::from(ty)],
                qos_flows,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Every transfer the builders write takes the fast path, with the same value.
        #[test]
        fn typed_transfers_agree(t in transfer()) {
            let octets = t.to_octets().unwrap();
            prop_assert_eq!(setup_request_transfer(&octets), Some(t.clone()));
            prop_assert_eq!(generic(&octets), Some(t));
        }

        /// The fast writer takes every typed transfer of the shape and writes the
        /// generated encoder's octets, which read back (fast and generic) to the value.
        #[test]
        fn fast_writer_is_byte_identical(t in transfer()) {
            let fast = write_setup_request_transfer(&t);
            prop_assert!(fast.is_some());
            let fast = fast.unwrap();
            prop_assert_eq!(&fast, &t.to_octets_generic().unwrap());
            prop_assert_eq!(&fast, &encode(&t.to_asn().unwrap()));
            prop_assert_eq!(&t.to_octets().unwrap(), &fast);
            prop_assert_eq!(setup_request_transfer(&fast), Some(t.clone()));
            prop_assert_eq!(generic(&fast), Some(t));
        }

        /// Values outside the shape (a QFI over 63, an ARP priority outside 1..=15, no
        /// flow or over 64, a bit rate over the root): the fast writer declines and
        /// `to_octets` gives the generated encoder's answer.
        #[test]
        fn fast_writer_declines_outside_the_shape(
            t in transfer(),
            qfi in 64u8..,
            arp in prop_oneof![Just(0u8), 16u8..],
            rate in MAX_BIT_RATE + 1..,
            extra in proptest::collection::vec(any::<u8>(), 0..3),
            which in 0u8..6,
        ) {
            let mut t = t;
            match which {
                0 => t.qos_flows[0].qfi = qfi,
                1 => t.qos_flows[0].arp_priority = arp,
                2 => t.qos_flows.clear(),
                3 => {
                    while t.qos_flows.len() <= 64 {
                        t.qos_flows.push(t.qos_flows[0]);
                    }
                    t.qos_flows.extend(extra.iter().map(|q| QosFlowRequest {
                        qfi: q % 64,
                        five_qi: *q,
                        arp_priority: 1,
                        gbr: None,
                    }));
                }
                4 => t.session_ambr = Some(Ambr { downlink: 1, uplink: rate }),
                // GBR QoS Flow Information: the generated encoder's.
                _ => t.qos_flows[0].gbr = Some(GbrQosInfo { gfbr_dl: rate % 1000, ..GbrQosInfo::default() }),
            }
            prop_assert_eq!(write_setup_request_transfer(&t), None);
            let via = t.to_octets().map_err(|e| format!("{e:?}"));
            let generic = t.to_octets_generic().map_err(|e| format!("{e:?}"));
            prop_assert_eq!(via, generic);
        }

        /// Flipped bits, changed octets, truncation, extension: a decline or the same value.
        #[test]
        fn mutated_octets_agree(
            t in transfer(),
            damage in mutations(),
        ) {
            for octets in damage.variants(t.to_octets().unwrap()) {
                agrees(&octets)?;
            }
        }

        #[test]
        fn random_octets_agree(octets in proptest::collection::vec(any::<u8>(), 0..64)) {
            agrees(&octets)?;
        }
    }
}
