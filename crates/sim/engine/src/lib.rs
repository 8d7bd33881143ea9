//! ferrocore-sim: a gNB with its UEs as one sans-IO engine, speaking standard NGAP
//! (TS 38.413) towards any AMF and NAS-5GS (TS 24.501) as a phone would.
//!
//! The engine never touches a socket or a clock: a driver feeds it NGAP octets with
//! [`Gnb::handle_ngap`] and the time with [`Gnb::handle_timeout`], and drains
//! [`Gnb::poll_transmit`] (SCTP stream and octets), [`Gnb::poll_event`] and
//! [`Gnb::poll_timeout`].
//!
//! - [`usim`]: Milenage, the AUTN check and AUTS, RES* and KAMF, SUCI concealment.
//! - [`ue`]: the UE's 5GMM procedures (registration, 5G AKA, security mode control,
//!   identity, configuration update, de-registration, service request), its 5GSM
//!   procedures (PDU session establishment, modification and release) and timers.
//! - [`gnb`]: NG Setup, the UE-associated NGAP procedures, PDU session resources (setup,
//!   modify, release), paging, and the N3 user plane (GTP-U, TS 29.281).
//! - [`session`]: PDU session requests and results, uplink / downlink packets.
//! - [`qos`]: a session's QoS rules at the UE (from the accept, changed by modification
//!   commands) and the QoS flow of each uplink packet.
//! - [`ipv6`]: the UE's IPv6 on a session: Router Solicitation / Advertisement (the
//!   /64 prefix, TS 23.501 §5.8.2.2.2) and ICMPv6 echo, as packets for the driver.
//! - [`config`], [`event`], [`error`]: plain data in and out.
//!
//! ```
//! use std::time::Instant;
//! use ferrocore_sim::{Gnb, GnbConfig, UeProfile};
//!
//! let now = Instant::now();
//! let mut gnb = Gnb::new(GnbConfig {
//!     gnb_id: 1, gnb_id_bits: 22, name: "sim".into(), mcc: "001".into(), mnc: "01".into(),
//!     tac: 1, slices: vec![(1, None)], nr_cell_id: 0x10,
//! });
//! let ue = gnb.add_ue(UeProfile::new("001010000000001", [0x46; 16], [0xcd; 16]));
//! gnb.start(now);
//! gnb.register(now, ue); // held until NG Setup completes
//! let (stream, _ng_setup_request) = gnb.poll_transmit().unwrap();
//! assert_eq!(stream, 0);
//! assert!(gnb.poll_transmit().is_none());
//! ```

pub mod config;
pub mod error;
pub mod event;
pub mod gnb;
pub mod ipv6;
pub mod qos;
pub mod session;
pub mod ue;
pub mod usim;

pub use config::{GnbConfig, SuciProtection, UeProfile};
pub use error::SimError;
pub use event::{FailureReason, SimEvent, UeId};
pub use gnb::Gnb;
pub use session::{
    Downlink, FlowFilter, IDLE_UPLINK_BUFFER, Modification, ModificationRequest, SessionFailure,
    SessionInfo, SessionRequest, SessionType, UPLINK_HEADROOM, UserPlaneOut,
};
pub use ue::{TrackingArea, Ue, UeState};
