//! Variable-length parameters of INIT, INIT ACK and HEARTBEAT (RFC 9260 §3.3.2.1,
//! §3.3.3.1, §3.3.5).

use super::Error;
use super::bytes::{be32, put_pad, put_tl, tlvs};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Parameter type codes.
pub mod ty {
    /// Heartbeat Info (§3.3.5).
    pub const HEARTBEAT_INFO: u16 = 1;
    /// IPv4 Address (§3.3.2.1.1).
    pub const IPV4: u16 = 5;
    /// IPv6 Address (§3.3.2.1.2).
    pub const IPV6: u16 = 6;
    /// State Cookie (§3.3.3.1).
    pub const STATE_COOKIE: u16 = 7;
    /// Unrecognized Parameter (§3.3.3.1).
    pub const UNRECOGNIZED: u16 = 8;
    /// Cookie Preservative (§3.3.2.1.3).
    pub const COOKIE_PRESERVATIVE: u16 = 9;
    /// Supported Address Types (§3.3.2.1.5).
    pub const SUPPORTED_ADDRESS_TYPES: u16 = 12;
}

/// One parameter, typed where RFC 9260 defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// An IPv4 address of the sender.
    Ipv4(Ipv4Addr),
    /// An IPv6 address of the sender.
    Ipv6(Ipv6Addr),
    /// The opaque state cookie of an INIT ACK.
    StateCookie(Vec<u8>),
    /// A request for a longer cookie lifespan, in milliseconds.
    CookiePreservative(u32),
    /// An INIT parameter the INIT ACK sender did not recognise, TLV included.
    Unrecognized(Vec<u8>),
    /// The address types the sender can use.
    SupportedAddressTypes(Vec<u16>),
    /// The opaque sender-specific heartbeat information.
    HeartbeatInfo(Vec<u8>),
    /// Any other parameter (including deprecated Host Name Address and the reserved
    /// ECN Capable type), kept whole so it can be reported or skipped per §3.2.1.
    Unknown {
        /// The parameter type.
        param_type: u16,
        /// The value, without header or padding.
        value: Vec<u8>,
    },
}

/// What the upper two bits of an unrecognised parameter type ask for (§3.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownParamAction {
    /// 00: stop processing this chunk's parameters, report nothing.
    Stop,
    /// 01: stop, and report the parameter.
    StopAndReport,
    /// 10: skip it and go on.
    Skip,
    /// 11: skip it, go on, and report it.
    SkipAndReport,
}

impl UnknownParamAction {
    /// The action coded in a parameter type's upper two bits.
    pub fn of(param_type: u16) -> Self {
        match param_type >> 14 {
            0 => Self::Stop,
            1 => Self::StopAndReport,
            2 => Self::Skip,
            _ => Self::SkipAndReport,
        }
    }
}

impl Param {
    /// The parameter type code.
    pub fn param_type(&self) -> u16 {
        match self {
            Param::Ipv4(_) => ty::IPV4,
            Param::Ipv6(_) => ty::IPV6,
            Param::StateCookie(_) => ty::STATE_COOKIE,
            Param::CookiePreservative(_) => ty::COOKIE_PRESERVATIVE,
            Param::Unrecognized(_) => ty::UNRECOGNIZED,
            Param::SupportedAddressTypes(_) => ty::SUPPORTED_ADDRESS_TYPES,
            Param::HeartbeatInfo(_) => ty::HEARTBEAT_INFO,
            Param::Unknown { param_type, .. } => *param_type,
        }
    }

    /// Parses one parameter value of type `param_type`.
    pub fn parse(param_type: u16, v: &[u8]) -> Result<Self, Error> {
        Ok(match param_type {
            ty::IPV4 => {
                let o: [u8; 4] = v
                    .try_into()
                    .map_err(|_| Error::ParamValue("IPv4 Address"))?;
                Param::Ipv4(Ipv4Addr::from(o))
            }
            ty::IPV6 => {
                let o: [u8; 16] = v
                    .try_into()
                    .map_err(|_| Error::ParamValue("IPv6 Address"))?;
                Param::Ipv6(Ipv6Addr::from(o))
            }
            ty::STATE_COOKIE => Param::StateCookie(v.to_vec()),
            ty::COOKIE_PRESERVATIVE => {
                if v.len() != 4 {
                    return Err(Error::ParamValue("Cookie Preservative"));
                }
                Param::CookiePreservative(be32(v, 0, "Suggested Cookie Life-Span Increment")?)
            }
            ty::UNRECOGNIZED => Param::Unrecognized(v.to_vec()),
            ty::SUPPORTED_ADDRESS_TYPES => {
                if !v.len().is_multiple_of(2) {
                    return Err(Error::ParamValue("Supported Address Types"));
                }
                Param::SupportedAddressTypes(
                    v.chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect(),
                )
            }
            ty::HEARTBEAT_INFO => Param::HeartbeatInfo(v.to_vec()),
            _ => Param::Unknown {
                param_type,
                value: v.to_vec(),
            },
        })
    }

    /// Parses a run of parameters (the tail of INIT / INIT ACK).
    pub fn parse_all(b: &[u8]) -> Result<Vec<Param>, Error> {
        let mut out = Vec::new();
        for tlv in tlvs(b, |param_type, length| Error::ParamLength {
            param_type,
            length,
        }) {
            let (t, v) = tlv?;
            out.push(Param::parse(t, v)?);
        }
        Ok(out)
    }

    fn value_len(&self) -> usize {
        match self {
            Param::Ipv4(_) | Param::CookiePreservative(_) => 4,
            Param::Ipv6(_) => 16,
            Param::StateCookie(v)
            | Param::Unrecognized(v)
            | Param::HeartbeatInfo(v)
            | Param::Unknown { value: v, .. } => v.len(),
            Param::SupportedAddressTypes(t) => 2 * t.len(),
        }
    }

    /// The TLV's length field: header plus value, without padding.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        4 + self.value_len()
    }

    /// Octets this parameter occupies, padding included.
    pub fn buffer_len(&self) -> usize {
        let l = 4 + self.value_len();
        l + super::bytes::pad4(l)
    }

    /// Appends the parameter, padded to 4 octets.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let vl = self.value_len();
        put_tl(out, self.param_type(), vl);
        match self {
            Param::Ipv4(a) => out.extend_from_slice(&a.octets()),
            Param::Ipv6(a) => out.extend_from_slice(&a.octets()),
            Param::CookiePreservative(ms) => out.extend_from_slice(&ms.to_be_bytes()),
            Param::StateCookie(v)
            | Param::Unrecognized(v)
            | Param::HeartbeatInfo(v)
            | Param::Unknown { value: v, .. } => out.extend_from_slice(v),
            Param::SupportedAddressTypes(t) => {
                for x in t {
                    out.extend_from_slice(&x.to_be_bytes());
                }
            }
        }
        put_pad(out, 4 + vl);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        // Layouts of RFC 9260 §3.3.2.1.1, §3.3.2.1.3, §3.3.2.1.5 written out by hand.
        let ipv4 = [0x00, 0x05, 0x00, 0x08, 192, 0, 2, 1];
        let cp = [0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x13, 0x88];
        let sat = [0x00, 0x0c, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00];
        let mut all = Vec::new();
        all.extend_from_slice(&ipv4);
        all.extend_from_slice(&cp);
        all.extend_from_slice(&sat);
        let p = Param::parse_all(&all).unwrap();
        assert_eq!(
            p,
            vec![
                Param::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
                Param::CookiePreservative(5000),
                Param::SupportedAddressTypes(vec![5]),
            ]
        );
        let mut out = Vec::new();
        for x in &p {
            x.emit(&mut out);
        }
        assert_eq!(out, all);
    }

    #[test]
    fn bad_lengths() {
        assert!(Param::parse_all(&[0, 5, 0, 3]).is_err());
        assert!(Param::parse_all(&[0, 5, 0, 9, 1, 2, 3, 4]).is_err());
        assert!(Param::parse_all(&[0, 5, 0, 7, 1, 2, 3]).is_err());
        assert!(Param::parse_all(&[0, 5]).is_err());
    }

    #[test]
    fn actions() {
        assert_eq!(UnknownParamAction::of(0x0001), UnknownParamAction::Stop);
        assert_eq!(
            UnknownParamAction::of(0x4001),
            UnknownParamAction::StopAndReport
        );
        assert_eq!(UnknownParamAction::of(0x8000), UnknownParamAction::Skip);
        assert_eq!(
            UnknownParamAction::of(0xC000),
            UnknownParamAction::SkipAndReport
        );
    }
}
