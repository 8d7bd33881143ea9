//! The subscriber data model. Every type validates on construction and on deserialization.

mod bitrate;
mod secret;
mod slice;
mod subscriber;
mod supi;

pub use bitrate::{Ambr, Bitrate};
pub use secret::{Key128, OperatorKey};
pub use slice::{
    ArpPriority, Dnn, DnnConfiguration, PduSessionType, Sd, Snssai, SscMode, Sst, SubscribedSlice,
};
pub use subscriber::{
    Amf, AuthMethod, Msisdn, SQN_LIMIT, Subscriber, check_sqn, default_slices, default_ue_ambr,
};
pub use supi::Supi;
