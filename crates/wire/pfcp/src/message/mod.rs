//! PFCP messages (TS 29.244 §7.3): the header, each message's IEs, and the [`Message`]
//! type that [`decode`] and [`encode`] work on.

mod header;
mod node;
mod session;

pub use header::Header;
pub use node::{
    AssociationReleaseRequest, AssociationReleaseResponse, AssociationSetupRequest,
    AssociationSetupResponse, AssociationUpdateRequest, AssociationUpdateResponse,
    HeartbeatRequest, HeartbeatResponse, NodeReportRequest, NodeReportResponse,
    VersionNotSupportedResponse,
};
pub use session::{
    SessionDeletionRequest, SessionDeletionResponse, SessionEstablishmentRequest,
    SessionEstablishmentResponse, SessionModificationRequest, SessionModificationResponse,
    SessionReportRequest, SessionReportResponse,
};

use crate::error::Error;
use crate::ie_type::IeType;
use crate::tlv::{Value, Writer};

/// One PFCP message: header fields and typed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub body: Body,
}

macro_rules! bodies {
    ($( $variant:ident = $num:literal, $session:literal; )*) => {
        /// The message-specific part, one variant per message type (TS 29.244 §7.3, Table 7.3-1).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Body {
            $( $variant($variant), )*
        }

        impl Body {
            /// The Message Type value (TS 29.244 §7.3).
            pub fn message_type(&self) -> u8 {
                match self {
                    $( Body::$variant(_) => $num, )*
                }
            }

            /// Whether this is a session message, whose header carries a SEID (TS 29.244 §7.2.2.3).
            pub fn is_session(&self) -> bool {
                match self {
                    $( Body::$variant(_) => $session, )*
                }
            }

            /// The message's name, e.g. `"SessionEstablishmentRequest"`.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Body::$variant(_) => stringify!($variant), )*
                }
            }

            /// The message's IEs, for printing.
            pub(crate) fn fields(&self) -> &dyn std::fmt::Debug {
                match self {
                    $( Body::$variant(b) => b, )*
                }
            }

            /// A blank body of the given type, to decode into ([`Body::decode_into`]).
            #[inline(always)]
            fn blank(message_type: u8) -> Option<Body> {
                match message_type {
                    $( $num => Some(Body::$variant(<$variant as crate::tlv::Blank>::blank())), )*
                    _ => None,
                }
            }

            /// Decodes the IEs into a blank body, in place.
            #[inline(always)]
            fn decode_into(&mut self, body: &[u8]) -> Result<(), Error> {
                let ie = IeType(0);
                match self {
                    $( Body::$variant(b) => <$variant as Value>::decode_into(b, ie, body), )*
                }
            }

            fn encode(&self, w: &mut Writer) {
                match self {
                    $( Body::$variant(b) => b.encode(w), )*
                }
            }
        }

        $(
            impl From<$variant> for Body {
                fn from(b: $variant) -> Body {
                    Body::$variant(b)
                }
            }
        )*
    };
}

bodies! {
    HeartbeatRequest = 1, false;
    HeartbeatResponse = 2, false;
    AssociationSetupRequest = 5, false;
    AssociationSetupResponse = 6, false;
    AssociationUpdateRequest = 7, false;
    AssociationUpdateResponse = 8, false;
    AssociationReleaseRequest = 9, false;
    AssociationReleaseResponse = 10, false;
    VersionNotSupportedResponse = 11, false;
    NodeReportRequest = 12, false;
    NodeReportResponse = 13, false;
    SessionEstablishmentRequest = 50, true;
    SessionEstablishmentResponse = 51, true;
    SessionModificationRequest = 52, true;
    SessionModificationResponse = 53, true;
    SessionDeletionRequest = 54, true;
    SessionDeletionResponse = 55, true;
    SessionReportRequest = 56, true;
    SessionReportResponse = 57, true;
}

impl Message {
    /// A node message (no SEID).
    pub fn node(sequence: u32, body: impl Into<Body>) -> Message {
        Message {
            header: Header {
                seid: None,
                sequence,
                priority: None,
            },
            body: body.into(),
        }
    }

    /// A session message for the peer's `seid`.
    pub fn session(seid: u64, sequence: u32, body: impl Into<Body>) -> Message {
        Message {
            header: Header {
                seid: Some(seid),
                sequence,
                priority: None,
            },
            body: body.into(),
        }
    }
}

/// Decodes one PFCP message, every IE into its typed value (TS 29.244 §7).
///
/// Unknown IEs are skipped (TS 29.244 §7.6); a missing mandatory IE, an IE whose
/// length runs past its container or too short for its fields, or a forbidden value
/// is an [`Error`] naming the IE; [`Error::cause`] gives the Cause to answer with.
pub fn decode(bytes: &[u8]) -> Result<Message, Error> {
    let p = header::parse(bytes)?;
    // Built where it is returned from and filled in place: no moves of the body.
    let mut msg = Message {
        header: p.header,
        body: match Body::blank(p.message_type) {
            Some(b) => b,
            None => return Err(Error::UnknownMessageType(p.message_type)),
        },
    };
    msg.body.decode_into(p.body)?;
    if msg.body.is_session() && msg.header.seid.is_none() {
        return Err(Error::MissingSeid(p.message_type));
    }
    Ok(msg)
}

/// Encodes a message. Fails only when a grouped IE or the message outgrows its
/// 16-bit length (TS 29.244 §7.2.2, §8.1.1).
pub fn encode(msg: &Message) -> Result<Vec<u8>, Error> {
    let mut w = Writer::with_capacity(512);
    header::emit(&msg.header, msg.body.message_type(), &mut w.buf);
    msg.body.encode(&mut w);
    if let Some(ie) = w.too_long {
        return Err(Error::TooLong { ie });
    }
    let mut out = w.buf;
    if !header::patch_length(&mut out) {
        return Err(Error::TooLong { ie: IeType(0) });
    }
    Ok(out)
}
