//! ferrocore-sim: a gNB with its UEs as one sans-IO engine.
pub mod config;
pub mod error;
pub mod event;
pub mod gnb;
pub mod ue;
pub mod usim;

pub use config::{GnbConfig, SuciProtection, UeProfile};
pub use error::SimError;
pub use event::{FailureReason, SimEvent, UeId};
pub use gnb::Gnb;
pub use ue::{Ue, UeState};
