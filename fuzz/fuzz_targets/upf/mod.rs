//! Shared by the UPF targets (`upf_n4`, `upf_dataplane`): the SMF's requests and the
//! hand-built packets of the UPF's own tests (the same source files, included here:
//! `requests` from crates/wire/pfcp/tests/common, `packets` from
//! crates/nf/upf/tests/common), the frame splitter of the other engine targets, a UPF
//! driven to a state, and the checks both targets make of what the UPF sends.

#![allow(dead_code)]

#[path = "../common/frames.rs"]
mod frames;
#[path = "../../../crates/nf/upf/tests/common/packets.rs"]
mod packets;
#[path = "../../../crates/wire/pfcp/tests/common/requests.rs"]
mod requests;

pub use frames::*;
pub use packets::*;
pub use requests::*;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Cause, Message, decode, encode};
use ferrocore_upf::{Channel, SessionState, Transmit, UpfConfig, UpfControl};

pub const OTHER_IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 9);
pub const UPF_N4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const N3: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
pub const N9_PEER: Ipv4Addr = Ipv4Addr::new(10, 0, 9, 9);
pub const UPF_RTS: u32 = 3_900_000_100;
/// The UE address pool of CHV4 (10.46.0.0/16).
pub const POOL: (Ipv4Addr, u8) = (Ipv4Addr::new(10, 46, 0, 0), 16);

pub fn smf() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(SMF_IP), 8805)
}

pub fn gnb() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(GNB), 2152)
}

pub fn config() -> UpfConfig {
    let mut c = UpfConfig::new(IpAddr::V4(UPF_N4), N3, UPF_RTS);
    c.ue_ipv4_pool = Some(POOL);
    c
}

/// The shared session with CHV4: the UPF chooses the UE address.
pub fn chv4_establishment(cp_seid: u64) -> SessionEstablishmentRequest {
    with_ue_addr(establishment(cp_seid), UeAddr::Choose)
}

/// A GTP-U Error Indication (TS 29.281 §7.3.1): the sender has no context for TEID
/// `teid` at its address `peer`.
pub fn error_indication(teid: u32, peer: IpAddr) -> Vec<u8> {
    let ei = ferrocore_gtpu::Repr::error_indication(teid, peer);
    let mut buf = vec![0u8; ei.buffer_len(0)];
    ei.emit(&mut buf).expect("Error Indication fits its buffer");
    buf
}

/// Sends `msg` from the SMF and returns the N4 answer to it (by sequence number), with
/// every transmit checked to decode.
pub fn ask(cp: &mut UpfControl, now: Instant, msg: &Message) -> Option<Message> {
    let bytes = encode(msg).expect("our request encodes");
    cp.handle_input(now, smf(), &bytes);
    let mut answer = None;
    while let Some(t) = cp.poll_transmit() {
        if t.channel == Channel::N4 {
            let m = decode(&t.payload).expect("UPF transmits decode");
            if t.dst == smf() && m.header.sequence == msg.header.sequence {
                answer = Some(m);
            }
        }
    }
    answer
}

/// Associates the SMF; panics unless accepted.
pub fn associate(cp: &mut UpfControl, now: Instant, seq: u32) {
    match ask(cp, now, &association_setup(seq, SMF_RTS)).map(|m| m.body) {
        Some(Body::AssociationSetupResponse(r)) => {
            assert_eq!(r.cause, Cause::REQUEST_ACCEPTED, "association setup")
        }
        b => panic!("association setup: {b:?}"),
    }
}

/// Establishes a session; panics unless accepted. Returns the response.
pub fn establish(
    cp: &mut UpfControl,
    now: Instant,
    seq: u32,
    req: SessionEstablishmentRequest,
) -> SessionEstablishmentResponse {
    match ask(cp, now, &Message::session(0, seq, req)).map(|m| m.body) {
        Some(Body::SessionEstablishmentResponse(r)) => {
            assert_eq!(
                r.cause,
                Cause::REQUEST_ACCEPTED,
                "session establishment: {r:?}"
            );
            r
        }
        b => panic!("session establishment: {b:?}"),
    }
}

/// Known finding tolerated while true, so a campaign looks further (see docs/fuzzing.md,
/// fuzz/regressions/upf_n4/version_not_supported_response_undecodable): the UPF answers a
/// request of another PFCP version with the header-only Version Not Supported Response
/// (message type 11, TS 29.244 §7.4.4.7), which `ferrocore_pfcp::decode` does not know
/// (`UnknownMessageType(11)`).
pub const TOLERATE_VERSION_NOT_SUPPORTED: bool = false;

/// Whether a transmit is well-formed for its channel: PFCP that decodes on N4, GTP-U
/// that parses on N3.
pub fn check_transmit(t: &Transmit) {
    match t.channel {
        Channel::N4 => {
            let version_not_supported = |p: &[u8]| matches!(p, [0x20, 11, 0, 4, _, _, _, 0]);
            if TOLERATE_VERSION_NOT_SUPPORTED && version_not_supported(&t.payload) {
                return;
            }
            if let Err(e) = decode(&t.payload) {
                panic!(
                    "UPF sent undecodable PFCP to {}: {e:?} {:02x?}",
                    t.dst, t.payload
                );
            }
        }
        Channel::N3 => {
            if let Err(e) = ferrocore_gtpu::decap(&t.payload) {
                panic!(
                    "UPF sent unparsable GTP-U to {}: {e:?} {:02x?}",
                    t.dst, t.payload
                );
            }
        }
    }
}

/// The remote F-TEIDs (peer address, TEID) a session's FARs tunnel to.
pub fn remote_fteids(s: &SessionState) -> Vec<(IpAddr, u32)> {
    s.fars
        .iter()
        .filter_map(|f| f.outer_header)
        .map(|o| (o.peer.ip(), o.teid))
        .collect()
}

/// A remote F-TEID of an Error Indication Report (TS 29.244 §8.2.21).
pub fn reported_fteid(f: &Fteid) -> Option<(IpAddr, u32)> {
    match *f {
        Fteid::Assigned {
            teid,
            ipv4: Some(a),
            ipv6: None,
        } => Some((IpAddr::V4(a), teid)),
        Fteid::Assigned {
            teid,
            ipv4: None,
            ipv6: Some(a),
        } => Some((IpAddr::V6(a), teid)),
        _ => None,
    }
}

/// Checks a Session Report Request (TS 29.244 §7.5.8) the UPF just sent for session `s`
/// (found by the CP SEID of its header): its Report Type announces exactly the reports
/// it carries; each usage report is for one of the session's URRs; an Error Indication
/// Report names one remote F-TEID, one the session's FARs tunnel to.
pub fn check_report(s: &SessionState, r: &SessionReportRequest) {
    let has = |bit: u8| r.report_type & bit != 0;
    assert_eq!(
        has(SessionReportRequest::DLDR),
        r.downlink_data_report.is_some(),
        "DLDR flag and Downlink Data Report disagree: {r:?}"
    );
    assert_eq!(
        has(SessionReportRequest::USAR),
        !r.usage_reports.is_empty(),
        "USAR flag and Usage Reports disagree: {r:?}"
    );
    assert_eq!(
        has(SessionReportRequest::ERIR),
        r.error_indication_report.is_some(),
        "ERIR flag and Error Indication Report disagree: {r:?}"
    );
    for u in &r.usage_reports {
        assert!(
            s.urrs.iter().any(|x| x.id == u.urr_id),
            "usage report for URR {} the session {} does not have",
            u.urr_id,
            s.up_seid
        );
    }
    if let Some(e) = &r.error_indication_report {
        assert_eq!(e.remote_fteids.len(), 1, "one F-TEID per report: {e:?}");
        let f = reported_fteid(&e.remote_fteids[0]).expect("an F-TEID with one address");
        assert!(
            remote_fteids(s).contains(&f),
            "ERIR names {f:?}, not a tunnel of session {}",
            s.up_seid
        );
    }
}

/// What holds a UPF control part and the virtual clock the targets move.
pub trait Clocked {
    fn control(&mut self) -> &mut UpfControl;
    fn clock(&mut self) -> &mut Instant;
    /// Takes what the control part sent after a `handle_timeout`.
    fn after_timeout(&mut self);

    /// Moves the clock on by `d`: with `each_instant`, the control part's timers run at
    /// every instant one falls due on the way, else once at the end (an N4 task that
    /// stalled).
    fn advance(&mut self, d: Duration, each_instant: bool) {
        let end = *self.clock() + d;
        if each_instant {
            while let Some(t) = self.control().poll_timeout().filter(|&t| t <= end) {
                let now = self.clock();
                *now = (*now).max(t);
                self.run_timers();
            }
        }
        *self.clock() = end;
        self.run_timers();
    }

    /// `handle_timeout` until nothing is due at the current time: no timer stays due.
    fn run_timers(&mut self) {
        for _ in 0..64 {
            let now = *self.clock();
            if !self.control().poll_timeout().is_some_and(|t| t <= now) {
                return;
            }
            self.control().handle_timeout(now);
            self.after_timeout();
        }
        panic!("timers still due after 64 rounds at the same instant");
    }
}

/// `UPF_FUZZ_DEBUG=1`: print what each input did (for triage).
pub fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("UPF_FUZZ_DEBUG").is_some())
}

/// Writes `name` into `dir` (seed generation).
pub fn write_seed(dir: &str, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("seed directory");
    std::fs::write(format!("{dir}/{name}"), bytes).expect("seed written");
}
