//! A UPF to drive, with an SMF built from ferrocore-pfcp (`requests`, the file the PFCP
//! codec's tests and the UPF fuzz targets share) and packets built by hand (`packets`,
//! shared with the fuzz targets).
#![allow(dead_code)]

pub mod packets;
#[path = "../../../../wire/pfcp/tests/common/requests.rs"]
pub mod requests;

pub use packets::*;
pub use requests::*;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrocore_pfcp::ie::*;
use ferrocore_pfcp::message::*;
use ferrocore_pfcp::{Body, Message, decode, encode};
use ferrocore_upf::{Channel, Dataplane, ForwardingTable, Transmit, UpfConfig, UpfControl};

pub const SMF: &str = "10.0.0.1:8805";
pub const N3: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
pub const UPF_RTS: u32 = 3_900_000_100;

pub fn smf() -> SocketAddr {
    SMF.parse().unwrap()
}

/// The gNB's GTP-U address.
pub fn gnb() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(GNB), 2152)
}

pub fn config() -> UpfConfig {
    let mut c = UpfConfig::new("10.0.0.2".parse().unwrap(), N3, UPF_RTS);
    c.ue_ipv4_pool = Some((Ipv4Addr::new(10, 46, 0, 0), 16));
    c
}

/// A UPF, its data plane worker and the current snapshot.
pub struct Upf {
    pub cp: UpfControl,
    pub dp: Dataplane,
    pub table: Arc<ForwardingTable>,
    pub now: Instant,
    seq: u32,
    /// Session Report Requests answered by [`Upf::collect_reports`], not yet taken.
    reported: Vec<(u64, SessionReportRequest)>,
}

impl Upf {
    pub fn new() -> Self {
        Self::with(config())
    }

    pub fn with(cfg: UpfConfig) -> Self {
        let now = Instant::now();
        let dp = Dataplane::new(cfg.dataplane());
        let mut cp = UpfControl::new(cfg, now);
        let table = cp.publish().expect("first table");
        Upf {
            cp,
            dp,
            table,
            now,
            seq: 100,
            reported: Vec::new(),
        }
    }

    pub fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    /// Sends raw bytes from the SMF; returns what the UPF sent on N4 (decoded) and
    /// publishes the table.
    pub fn raw(&mut self, bytes: &[u8]) -> Vec<Transmit> {
        self.cp.handle_input(self.now, smf(), bytes);
        self.drain()
    }

    pub fn drain(&mut self) -> Vec<Transmit> {
        if let Some(t) = self.cp.publish() {
            self.table = t;
        }
        std::iter::from_fn(|| self.cp.poll_transmit()).collect()
    }

    /// Sends a message from the SMF and returns the one N4 answer.
    pub fn ask(&mut self, msg: Message) -> Message {
        let out = self.raw(&encode(&msg).unwrap());
        let n4: Vec<&Transmit> = out.iter().filter(|t| t.channel == Channel::N4).collect();
        assert_eq!(n4.len(), 1, "one response expected, got {out:?}");
        assert_eq!(n4[0].dst, smf());
        decode(&n4[0].payload).expect("our response decodes")
    }

    pub fn associate(&mut self) -> AssociationSetupResponse {
        let seq = self.next_seq();
        match self.ask(association_setup(seq, SMF_RTS)).body {
            Body::AssociationSetupResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    pub fn establish(
        &mut self,
        req: SessionEstablishmentRequest,
    ) -> (ferrocore_pfcp::Header, SessionEstablishmentResponse) {
        let seq = self.next_seq();
        let resp = self.ask(Message::session(0, seq, req));
        assert_eq!(resp.header.sequence, seq);
        match resp.body {
            Body::SessionEstablishmentResponse(r) => (resp.header, r),
            b => panic!("{b:?}"),
        }
    }

    /// Establishes `req`, which must be accepted; returns the UP SEID and the TEID the
    /// UPF chose for PDR 1.
    pub fn session(&mut self, req: SessionEstablishmentRequest) -> (u64, u32) {
        let (_, r) = self.establish(req);
        assert_eq!(r.cause, ferrocore_pfcp::Cause::REQUEST_ACCEPTED, "{r:?}");
        (
            r.up_fseid.as_ref().expect("UP F-SEID").seid,
            created_teid(&r, 1),
        )
    }

    pub fn modify(
        &mut self,
        up_seid: u64,
        req: SessionModificationRequest,
    ) -> (Vec<Transmit>, SessionModificationResponse) {
        let seq = self.next_seq();
        let out = self.raw(&encode(&Message::session(up_seid, seq, req)).unwrap());
        let resp = out
            .iter()
            .find(|t| t.channel == Channel::N4)
            .map(|t| decode(&t.payload).unwrap())
            .expect("a response");
        let n3 = out
            .into_iter()
            .filter(|t| t.channel == Channel::N3)
            .collect();
        match resp.body {
            Body::SessionModificationResponse(r) => (n3, r),
            b => panic!("{b:?}"),
        }
    }

    pub fn delete(&mut self, up_seid: u64) -> SessionDeletionResponse {
        let seq = self.next_seq();
        match self
            .ask(Message::session(up_seid, seq, SessionDeletionRequest))
            .body
        {
            Body::SessionDeletionResponse(r) => r,
            b => panic!("{b:?}"),
        }
    }

    /// Hands the data plane's notifications to the control part, as the runtime does.
    pub fn pump(&mut self) {
        while let Some(n) = self.dp.poll_notification() {
            self.cp.handle_notification(self.now, n);
        }
        self.collect_reports();
    }

    /// Moves the virtual clock on by `d`, running the control part's timers at the
    /// instants they fall due.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        for _ in 0..100_000 {
            match self.cp.poll_timeout() {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    self.cp.handle_timeout(self.now);
                    self.collect_reports();
                }
                _ => {
                    self.now = end;
                    return;
                }
            }
        }
        panic!("timers still due after 100,000 rounds");
    }

    /// The Session Report Requests the UPF sent since the last call, with the SEID of
    /// their header (the SMF's).
    pub fn reports(&mut self) -> Vec<(u64, SessionReportRequest)> {
        self.collect_reports();
        std::mem::take(&mut self.reported)
    }

    /// Takes what the UPF sent and answers each Session Report Request with Request
    /// Accepted, as an SMF does (so that none is retransmitted); keeps the requests
    /// for [`Upf::reports`]. Other datagrams are dropped.
    fn collect_reports(&mut self) {
        for t in self.drain() {
            let Ok(Message {
                header,
                body: Body::SessionReportRequest(r),
            }) = decode(&t.payload)
            else {
                continue;
            };
            let cp_seid = header.seid.expect("a session message");
            let up_seid = self
                .cp
                .sessions()
                .find(|s| s.cp_seid == cp_seid)
                .map_or(0, |s| s.up_seid);
            let answer = report_accepted(up_seid, header.sequence);
            self.cp
                .handle_input(self.now, smf(), &encode(&answer).unwrap());
            self.reported.push((cp_seid, r));
        }
    }

    /// An uplink G-PDU through the data plane; returns the verdict and the buffer.
    pub fn uplink(
        &mut self,
        teid: u32,
        qfi: u8,
        inner: &[u8],
    ) -> (ferrocore_upf::Verdict, Vec<u8>) {
        let mut buf = gpdu_ul(teid, qfi, inner);
        let len = buf.len();
        buf.resize(2048, 0);
        let v = self
            .dp
            .handle_n3(&self.table, self.now, gnb(), &mut buf, len);
        (v, buf)
    }

    /// A downlink IP packet through the data plane; returns the verdict and the frame.
    pub fn downlink(&mut self, ip: &[u8]) -> (ferrocore_upf::Verdict, Vec<u8>) {
        let mut frame = vec![0u8; ferrocore_upf::DL_HEADROOM];
        frame.extend_from_slice(ip);
        let v = self.dp.handle_n6(&self.table, self.now, &mut frame);
        (v, frame)
    }
}

/// Installs `n` sessions for the pipeline benchmarks (no volume threshold: counting
/// only) and publishes the table; returns each session's (local TEID, UE address).
/// `upf_teids`: the UPF chooses the TEIDs (CH, as the common SMF asks); otherwise the
/// SMF assigns random ones.
pub fn pipeline_sessions(
    upf: &mut Upf,
    n: u32,
    upf_teids: bool,
    rng: &mut Rng,
) -> Vec<(u32, Ipv4Addr)> {
    let mut seen = std::collections::HashSet::new();
    let mut sessions = Vec::with_capacity(n as usize);
    for i in 0..n {
        let ue = Ipv4Addr::from_bits(0x0a00_0000 + i);
        let mut req = with_ue(establishment(u64::from(i) + 1), ue);
        let assigned = (!upf_teids).then(|| {
            loop {
                let t = rng.next() as u32;
                if t != 0 && seen.insert(t) {
                    break t;
                }
            }
        });
        if let Some(teid) = assigned {
            req.create_pdrs[0].pdi.local_fteid = Some(Fteid::Assigned {
                teid,
                ipv4: Some(N3),
                ipv6: None,
            });
        }
        req.create_urrs[0].volume_threshold = None;
        let bytes = encode(&Message::session(0, 1000 + i, req)).expect("encode");
        upf.cp.handle_input(upf.now, smf(), &bytes);
        let mut teid = assigned;
        while let Some(t) = upf.cp.poll_transmit() {
            if teid.is_none()
                && let Ok(Message {
                    body: Body::SessionEstablishmentResponse(r),
                    ..
                }) = decode(&t.payload)
            {
                teid = Some(created_teid(&r, 1));
            }
        }
        sessions.push((teid.expect("a TEID"), ue));
    }
    upf.table = upf.cp.publish().expect("table");
    assert_eq!(upf.table.len().0, n as usize);
    sessions
}

/// A small xorshift generator (no dependency, deterministic).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
