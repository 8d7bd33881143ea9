//! Requests that do not decode (TS 29.244 §7.6): answered with the Cause and Offending
//! IE that [`ferrocore_pfcp::Error`] names when the header is readable and the message
//! is a request this UPF answers; otherwise discarded and counted.

use std::net::SocketAddr;
use std::time::Instant;

use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Cause, Error, Message};
use tracing::debug;

use super::UpfControl;

/// The header fields of a PFCP datagram that may not decode as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Peek {
    pub version: u8,
    pub message_type: u8,
    pub seid: Option<u64>,
    pub sequence: u32,
}

/// Reads the header (TS 29.244 §7.2.2) without checking the message length.
pub(super) fn peek(b: &[u8]) -> Option<Peek> {
    let flags = *b.first()?;
    let s = flags & 0x01 != 0;
    let (seid, rest) = if s {
        let seid = u64::from_be_bytes(b.get(4..12)?.try_into().ok()?);
        (Some(seid), b.get(12..16)?)
    } else {
        (None, b.get(4..8)?)
    };
    Some(Peek {
        version: flags >> 5,
        message_type: b[1],
        seid,
        sequence: u32::from_be_bytes([0, rest[0], rest[1], rest[2]]),
    })
}

/// Request types this UPF answers (TS 29.244 §7.3, Table 7.3-1).
pub(super) fn is_request(t: u8) -> bool {
    matches!(t, 1 | 5 | 7 | 9 | 50 | 52 | 54)
}

impl UpfControl {
    pub(super) fn malformed(&mut self, now: Instant, peer: SocketAddr, bytes: &[u8], e: Error) {
        let Some(h) = peek(bytes) else {
            self.stats.discarded += 1;
            debug!(%peer, error = %e, "PFCP datagram discarded");
            return;
        };
        if h.version != 1 {
            // TS 29.244 §7.2.2.1 / §7.4.4.7: Version Not Supported Response, header only.
            // Not kept for retransmissions: no request of ours was decoded.
            if is_request(h.message_type) {
                self.stats.rejected += 1;
                let _ = self.send(
                    peer,
                    &Message::node(h.sequence, VersionNotSupportedResponse {}),
                );
            } else {
                self.stats.discarded += 1;
            }
            return;
        }
        if !is_request(h.message_type) {
            self.stats.discarded += 1;
            debug!(%peer, error = %e, message_type = h.message_type, "undecodable PFCP message discarded");
            return;
        }
        let session = matches!(h.message_type, 52 | 54);
        let known = h
            .seid
            .and_then(|s| self.sessions.get(&s))
            .map(|s| s.state.cp_seid);
        // A session request naming no session: Cause 65 whatever else is wrong.
        // (Without any SEID it is a header error: Request rejected.)
        let (cause, offending_ie) = if session && h.seid.is_some() && known.is_none() {
            (Cause::SESSION_CONTEXT_NOT_FOUND, None)
        } else {
            (e.cause(), e.offending_ie())
        };
        debug!(%peer, error = %e, cause = cause.0, "PFCP request rejected");
        self.stats.rejected += 1;
        let node_id = self.cfg.node_id.to_node_id();
        let seq = h.sequence;
        // The CP F-SEID could not be read: SEID 0 (TS 29.244 §7.2.2.4.2).
        let cp_seid = known.unwrap_or(0);
        let msg = match h.message_type {
            // Heartbeat Response has no Cause: nothing sensible to say.
            1 => {
                self.stats.rejected -= 1;
                self.stats.discarded += 1;
                return;
            }
            5 => Message::node(
                seq,
                AssociationSetupResponse {
                    node_id,
                    cause,
                    recovery_time_stamp: self.cfg.recovery_time_stamp,
                    up_function_features: None,
                    cp_function_features: None,
                },
            ),
            7 => Message::node(
                seq,
                AssociationUpdateResponse {
                    node_id,
                    cause,
                    up_function_features: None,
                    cp_function_features: None,
                },
            ),
            9 => Message::node(seq, AssociationReleaseResponse { node_id, cause }),
            50 => Message::session(
                cp_seid,
                seq,
                SessionEstablishmentResponse {
                    node_id,
                    cause,
                    offending_ie,
                    up_fseid: None,
                    created_pdrs: vec![],
                },
            ),
            52 => Message::session(
                cp_seid,
                seq,
                SessionModificationResponse {
                    cause,
                    offending_ie,
                    created_pdrs: vec![],
                    usage_reports: vec![],
                },
            ),
            _ => Message::session(
                cp_seid,
                seq,
                SessionDeletionResponse {
                    cause,
                    offending_ie,
                    usage_reports: vec![],
                },
            ),
        };
        self.respond(now, peer, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeks_node_and_session_headers() {
        assert_eq!(
            peek(&[0x20, 1, 0, 12, 0, 0, 7, 0]),
            Some(Peek {
                version: 1,
                message_type: 1,
                seid: None,
                sequence: 7
            })
        );
        let s = [0x21, 52, 0, 12, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 2, 0];
        assert_eq!(
            peek(&s),
            Some(Peek {
                version: 1,
                message_type: 52,
                seid: Some(9),
                sequence: 0x102
            })
        );
        for n in 0..s.len() {
            assert!(peek(&s[..n]).is_none() || n >= 8);
        }
        assert_eq!(peek(&s[..15]), None);
    }
}
