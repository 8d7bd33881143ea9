//! The packet path (TS 29.244 §5.2.1 packet forwarding model), per worker thread.
//!
//! - Uplink / N9 ([`Dataplane::handle_n3`]): a GTP-U datagram in `buf[..len]`. G-PDU:
//!   session by local TEID (one hash lookup), then the first of its Access PDRs by
//!   precedence whose PDI matches (TEID, QFI, SDF filters on the inner 5-tuple); its FAR
//!   forwards the inner packet to N6 (or re-encapsulates it towards an N9 peer), drops or
//!   buffers it; its QERs gate and police it (MBR); its URRs count it, and drop it once
//!   one of them has spent a quota ([`crate::urr`]). Echo Request is answered in the
//!   same buffer (TS 29.281 §7.2.2); a G-PDU for an unknown TEID gets an Error
//!   Indication (TS 29.281 §7.3.1), and a received Error Indication goes to the control
//!   part ([`Notification::ErrorIndication`]). A Router Solicitation of an IPv6 session is
//!   answered with the session's Router Advertisement ([`crate::ra`]), written in the
//!   same buffer and sent down the session's tunnel.
//! - Downlink ([`Dataplane::handle_n6`]): an IP packet in `frame[DL_HEADROOM..]`:
//!   session by UE address (one hash lookup), PDR, QER, URR as above; the FAR's Outer
//!   Header Creation (TS 29.244 §8.2.56) prepends the G-PDU header with a PDU Session
//!   Container carrying the QER's QFI (TS 38.415 §5.5.2.1) in the headroom, in place.
//!   A buffering FAR keeps a copy of the packet (bounded per session) and, with NOCP,
//!   raises one [`Notification::DownlinkData`] per buffering period.
//!
//! Nothing is allocated and nothing is logged per packet on the forwarding path; the
//! result is a [`Verdict`] naming the output and the byte range of the caller's buffer
//! to send. Notifications for the control part queue in the worker
//! ([`Dataplane::poll_notification`]); the runtime hands them to
//! [`crate::control::UpfControl::handle_notification`].

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::sync::atomic::Ordering;
use std::time::Instant;

use ferrocore_gtpu::message::{ECHO_REQUEST, ECHO_RESPONSE, END_MARKER, ERROR_INDICATION, G_PDU};
use ferrocore_gtpu::{
    ENCAP_HEADROOM, Message, Qfi, Repr, decap, encap_in_place, encap_repr_in_place,
};

use crate::ra;
use crate::sdf::{Direction, FiveTuple, five_tuple};
use crate::table::{FarAction, ForwardingTable, Hot, Pdr, SessionRules};

/// Packets whose lookups [`Dataplane::handle_n3_batch`] overlaps.
pub const BATCH: usize = 32;

/// One datagram of a [`Dataplane::handle_n3_batch`]: as the arguments of
/// [`Dataplane::handle_n3`], and the verdict.
#[derive(Debug)]
pub struct N3Packet<'a> {
    pub src: SocketAddr,
    pub buf: &'a mut [u8],
    pub len: usize,
    /// Set by the call.
    pub verdict: Verdict,
}

impl<'a> N3Packet<'a> {
    pub fn new(src: SocketAddr, buf: &'a mut [u8], len: usize) -> Self {
        N3Packet {
            src,
            buf,
            len,
            verdict: Verdict::Drop(DropReason::Malformed),
        }
    }
}

/// One packet of a [`Dataplane::handle_n6_batch`]: the frame of
/// [`Dataplane::handle_n6`], and the verdict.
#[derive(Debug)]
pub struct N6Packet<'a> {
    pub frame: &'a mut [u8],
    /// Set by the call.
    pub verdict: Verdict,
}

impl<'a> N6Packet<'a> {
    pub fn new(frame: &'a mut [u8]) -> Self {
        N6Packet {
            frame,
            verdict: Verdict::Drop(DropReason::Malformed),
        }
    }
}

/// Free octets the runtime leaves in front of a downlink IP packet ([`Dataplane::handle_n6`]):
/// room for the G-PDU header with a PDU Session Container.
pub const DL_HEADROOM: usize = ENCAP_HEADROOM;

/// The GTP-U port (TS 29.281 §4.4.2).
pub const GTPU_PORT: u16 = ferrocore_gtpu::UDP_PORT;

/// What to do with a packet: which interface, and which octets of the caller's buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Send `buf[range]`, the inner IP packet, out of N6.
    N6 { range: Range<usize> },
    /// Send `buf[range]`, a G-PDU, to `dst` over UDP on N3 / N9.
    N3 {
        dst: SocketAddr,
        range: Range<usize>,
    },
    /// Send `buf[range]` (an Echo Response or Error Indication written over the
    /// received packet) to `dst` on N3.
    Reply {
        dst: SocketAddr,
        range: Range<usize>,
    },
    /// Kept in the session's downlink buffer.
    Buffered,
    /// GTP-U signalling addressed to the runtime's path management.
    Signal(Signal),
    /// Dropped, and why (counted in [`DataplaneStats`]).
    Drop(DropReason),
}

/// GTP-U signalling the data plane does not answer itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Echo Response (TS 29.281 §7.2.2) from `from`, for path supervision.
    EchoResponse {
        from: SocketAddr,
        sequence: Option<u16>,
    },
    /// Error Indication (TS 29.281 §7.3.1): the peer has no context for `teid`.
    ErrorIndication {
        from: SocketAddr,
        teid: u32,
        peer: IpAddr,
    },
    /// End Marker (TS 29.281 §7.3.2) on `teid`.
    EndMarker { from: SocketAddr, teid: u32 },
}

macro_rules! reasons {
    ($($name:ident, $doc:literal;)*) => {
        /// Why a packet was dropped.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum DropReason {
            $(#[doc = $doc] $name,)*
        }
        impl DropReason {
            /// Every reason, in [`DataplaneStats::drops`] order.
            pub const ALL: &[DropReason] = &[$(DropReason::$name,)*];
            /// A name for metrics labels.
            pub fn name(self) -> &'static str {
                match self { $(DropReason::$name => stringify!($name),)* }
            }
        }
    };
}

reasons! {
    Malformed, "Not a valid GTP-U packet, or not IPv4 / IPv6 on N6.";
    UnknownTeid, "G-PDU for a TEID no session holds (an Error Indication may be sent).";
    UnknownUe, "Downlink packet for an address no session holds.";
    NoPdr, "No PDR of the session matched.";
    NoFar, "The matching PDR has no FAR.";
    FarDrop, "The FAR says drop.";
    GateClosed, "A QER gate is closed (TS 29.244 §8.2.27).";
    Mbr, "Over a QER's MBR.";
    BufferFull, "The session's downlink buffer is full.";
    NoOuterHeader, "A FAR towards N3 / N9 without usable Outer Header Creation.";
    Unsupported, "A message type or action this data plane does not handle (e.g. uplink buffering).";
    BufferTooSmall, "The caller's buffer has no room for the reply or headroom.";
    RateLimited, "An Error Indication was due but over the rate limit.";
    QuotaExhausted, "A URR of the PDR has used up its volume or time quota (TS 29.244 §5.2.2.2).";
}

/// Per-worker counters (plain integers: one writer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataplaneStats {
    pub ul_packets: u64,
    pub ul_octets: u64,
    pub dl_packets: u64,
    pub dl_octets: u64,
    pub buffered: u64,
    pub echo_replies: u64,
    pub error_indications: u64,
    /// Router Advertisements sent in answer to Router Solicitations ([`crate::ra`]).
    pub router_advertisements: u64,
    /// Indexed by `DropReason as usize`.
    pub drops: [u64; DropReason::ALL.len()],
}

impl DataplaneStats {
    /// Packets dropped for `r`.
    pub fn dropped(&self, r: DropReason) -> u64 {
        self.drops[r as usize]
    }
}

/// Something the control part must act on (send a Session Report Request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notification {
    /// First downlink packet buffered for a FAR with NOCP (TS 29.244 §5.2.3.1 DLDR).
    DownlinkData { up_seid: u64, pdr_id: u16 },
    /// A URR's volume threshold was reached (TS 29.244 §5.2.2.2.1 VOLTH).
    VolumeThreshold { up_seid: u64, urr_id: u32 },
    /// A URR's volume quota is used up (TS 29.244 §5.2.2.2.1 VOLQU): the data plane
    /// drops its packets from now on.
    VolumeQuota { up_seid: u64, urr_id: u32 },
    /// The first packet of a URR whose time metering starts with traffic (TS 29.244
    /// §8.2.68 without ISTM): time thresholds and quotas count from here.
    FirstPacket { up_seid: u64, urr_id: u32 },
    /// A GTP-U Error Indication (TS 29.281 §7.3.1) from `from`: the peer at `peer` has
    /// no context for TEID `teid` that we sent to; the control part reports it to the
    /// SMF of each session tunnelling to that F-TEID (TS 29.244 §7.5.8.4).
    ErrorIndication {
        from: SocketAddr,
        teid: u32,
        peer: IpAddr,
    },
}

/// Distinct Error Indications a worker hands to the control part per forwarding table
/// generation (a peer repeats them for every packet it cannot place).
const EI_SEEN: usize = 256;

/// Data plane settings.
#[derive(Clone, Debug)]
pub struct DataplaneConfig {
    /// Our N3 address: the GTP-U Peer Address of Error Indications we send.
    pub n3_addr: IpAddr,
    /// Error Indications per second per worker (TS 29.281 §7.3.1 leaves the rate to the
    /// implementation; unbounded ones would amplify a flood of stale packets).
    pub error_indications_per_sec: u32,
    /// Link MTU in the Router Advertisements of IPv6 sessions ([`crate::ra`]).
    pub ipv6_link_mtu: u32,
}

/// One packet worker: counters, a notification queue, the Error Indication limiter.
#[derive(Debug)]
pub struct Dataplane {
    cfg: DataplaneConfig,
    stats: DataplaneStats,
    notifications: VecDeque<Notification>,
    ei_tokens: u64,
    ei_last_ns: u64,
    ei_seq: u16,
    /// Error Indications notified under table generation `ei_generation`.
    /// Allocated once with room for [`EI_SEEN`] entries; never grows past it.
    ei_seen: Vec<(IpAddr, u32)>,
    ei_generation: u64,
}

impl Dataplane {
    pub fn new(cfg: DataplaneConfig) -> Self {
        Dataplane {
            ei_tokens: u64::from(cfg.error_indications_per_sec),
            cfg,
            stats: DataplaneStats::default(),
            notifications: VecDeque::with_capacity(64),
            ei_last_ns: 0,
            ei_seq: 0,
            ei_seen: Vec::with_capacity(EI_SEEN),
            ei_generation: 0,
        }
    }

    pub fn stats(&self) -> &DataplaneStats {
        &self.stats
    }

    /// The next notification for the control part.
    pub fn poll_notification(&mut self) -> Option<Notification> {
        self.notifications.pop_front()
    }

    #[inline]
    fn drop(&mut self, r: DropReason) -> Verdict {
        self.stats.drops[r as usize] += 1;
        Verdict::Drop(r)
    }

    /// A GTP-U datagram from `src` received on N3 / N9, in `buf[..len]`. `buf` may be
    /// longer: replies are written from `buf[0]` on.
    #[inline]
    pub fn handle_n3(
        &mut self,
        table: &ForwardingTable,
        now: Instant,
        src: SocketAddr,
        buf: &mut [u8],
        len: usize,
    ) -> Verdict {
        let Some(pkt) = buf.get(..len) else {
            return self.drop(DropReason::BufferTooSmall);
        };
        let d = match decap(pkt) {
            Ok(d) => d,
            Err(_) => return self.drop(DropReason::Malformed),
        };
        if d.message_type != G_PDU {
            let v = self.signalling(src, buf, len, d.message_type, d.sequence_number);
            if let Verdict::Signal(Signal::ErrorIndication { from, teid, peer }) = v {
                self.error_indication(table.generation(), from, teid, peer);
            }
            return v;
        }
        let Some(hot) = table.hot_teid(d.teid) else {
            return self.unknown_teid(table.clock(now), src, buf, d.teid);
        };
        let payload = d.payload.clone();
        // One octet read for other traffic: IPv6 sessions' Router Solicitations are
        // answered here (TS 23.501 §5.8.2.2.2, see `crate::ra`).
        if buf.get(payload.start).is_some_and(|v| v >> 4 == 6)
            && hot.rules.ue_ipv6.is_some()
            && ra::is_router_solicitation(&buf[payload.clone()])
        {
            return self.router_advertisement(&hot.rules, buf, payload);
        }
        let qfi = d.qfi.map(|q| q.value());
        if hot.has(Hot::FAST) && (hot.qfi_req == Hot::ANY_QFI || qfi == Some(hot.qfi_req)) {
            return self.uplink_fast(hot, table, now, buf, payload);
        }
        let rules = &hot.rules;
        let Some(pdr) = match_pdr(
            &rules.uplink,
            Some(d.teid),
            qfi,
            &buf[payload.clone()],
            Direction::Uplink,
        ) else {
            return self.drop(DropReason::NoPdr);
        };
        let octets = payload.len();
        let Some(action) = pdr.action else {
            return self.drop(DropReason::NoFar);
        };
        match action {
            FarAction::Drop => return self.drop(DropReason::FarDrop),
            // Uplink buffering (e.g. during an N9 path switch) is not done here.
            FarAction::Buffer => return self.drop(DropReason::Unsupported),
            FarAction::Forward => {}
        }
        if quota_spent(pdr) {
            return self.drop(DropReason::QuotaExhausted);
        }
        if let Err(r) = police(pdr, Direction::Uplink, table.clock(now), octets) {
            return self.drop(r);
        }
        self.count(rules, pdr, Direction::Uplink, octets);
        self.stats.ul_packets += 1;
        self.stats.ul_octets += octets as u64;
        match pdr.outer {
            // N9: re-encapsulate towards the next UPF in the room of the old header.
            Some(oh) => {
                let frame = &mut buf[..payload.end];
                match encap(pdr.qfi, frame, payload.start, oh.teid) {
                    Some(start) => Verdict::N3 {
                        dst: oh.peer,
                        range: start..payload.end,
                    },
                    None => self.drop(DropReason::NoOuterHeader),
                }
            }
            None => Verdict::N6 { range: payload },
        }
    }

    /// Answers the Router Solicitation `buf[rs]` of an IPv6 session ([`crate::ra`]): the
    /// RA is written at `buf[DL_HEADROOM..]` over the solicitation and leaves as a
    /// downlink packet of the session's default downlink PDR ([`default_downlink`]):
    /// its FAR and QER gates apply (not MBR: it is signalling), and it is encapsulated in
    /// place. Not counted by URRs (the UE's link, not the data network).
    #[cold]
    fn router_advertisement(
        &mut self,
        rules: &SessionRules,
        buf: &mut [u8],
        rs: Range<usize>,
    ) -> Verdict {
        let Some(prefix) = rules.ue_ipv6 else {
            return self.drop(DropReason::Unsupported);
        };
        let dst = ra::answer_destination(&buf[rs]);
        let Some(pdr) = default_downlink(rules) else {
            return self.drop(DropReason::NoPdr);
        };
        let Some(frame) = buf.get_mut(..DL_HEADROOM + ra::RA_LEN) else {
            return self.drop(DropReason::BufferTooSmall);
        };
        if ra::write_router_advertisement(
            &mut frame[DL_HEADROOM..],
            &dst,
            prefix,
            self.cfg.ipv6_link_mtu,
        )
        .is_none()
        {
            return self.drop(DropReason::BufferTooSmall);
        }
        match downlink(pdr, frame, None) {
            Downlink::Sent(v) => {
                self.stats.router_advertisements += 1;
                v
            }
            Downlink::Buffer => self.buffer(rules, pdr, frame),
            Downlink::Dropped(r) => self.drop(r),
        }
    }

    /// The uplink pipeline on the TEID's hot record alone (see [`Hot`]): the same
    /// decisions as the full match, in the same order.
    #[inline(always)]
    fn uplink_fast(
        &mut self,
        hot: &Hot,
        table: &ForwardingTable,
        now: Instant,
        buf: &mut [u8],
        payload: Range<usize>,
    ) -> Verdict {
        let octets = payload.len();
        match hot.action {
            Some(FarAction::Forward) => {}
            Some(FarAction::Drop) => return self.drop(DropReason::FarDrop),
            Some(FarAction::Buffer) => return self.drop(DropReason::Unsupported),
            None => return self.drop(DropReason::NoFar),
        }
        if hot_quota_spent(hot) {
            return self.drop(DropReason::QuotaExhausted);
        }
        if !hot.has(Hot::GATE_OPEN) {
            return self.drop(DropReason::GateClosed);
        }
        if let Some(q) = &hot.bucket
            && let Some(b) = &q.ul
            && !b.allow(table.clock(now), octets)
        {
            return self.drop(DropReason::Mbr);
        }
        self.count_hot(hot, Direction::Uplink, octets);
        self.stats.ul_packets += 1;
        self.stats.ul_octets += octets as u64;
        if hot.has(Hot::OUTER) {
            let frame = &mut buf[..payload.end];
            match encap(hot.qfi, frame, payload.start, hot.out_teid) {
                Some(start) => Verdict::N3 {
                    dst: hot.out_peer(),
                    range: start..payload.end,
                },
                None => self.drop(DropReason::NoOuterHeader),
            }
        } else {
            Verdict::N6 { range: payload }
        }
    }

    /// A batch of datagrams received on N3 / N9, each as [`Dataplane::handle_n3`]
    /// would treat it (same verdicts, same order of side effects), its verdict left in
    /// [`N3Packet::verdict`].
    ///
    /// The sessions of the whole batch are looked up first (each packet's TEID, its hot
    /// record, then the record's URR counters, one pass each), so that their cache
    /// misses overlap instead of following one another; then the packets are
    /// processed, from the cache. Batches of 16 to 64 suit; larger ones are split.
    pub fn handle_n3_batch(
        &mut self,
        table: &ForwardingTable,
        now: Instant,
        pkts: &mut [N3Packet<'_>],
    ) {
        for group in pkts.chunks_mut(BATCH) {
            let mut teids = [0u32; BATCH];
            // Pass 1: the TEIDs (the packets' first line) and the records' home slots.
            let mut sink = 0u32;
            for (t, p) in teids.iter_mut().zip(group.iter()) {
                *t = match p.buf.get(..p.len.min(8)) {
                    Some(&[_, G_PDU, _, _, a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
                    _ => 0,
                };
                sink ^= table.touch_teid(*t);
            }
            // Pass 2: the URR counters of the records found.
            let mut sink2 = 0u64;
            for &t in teids[..group.len()].iter() {
                if let Some(h) = table.hot_teid(t)
                    && let Some(u) = &h.urr
                {
                    sink2 ^= u.ul_octets.load(Ordering::Relaxed);
                }
            }
            std::hint::black_box((sink, sink2));
            for p in group.iter_mut() {
                p.verdict = self.handle_n3(table, now, p.src, p.buf, p.len);
            }
        }
    }

    /// A downlink IP packet from N6 in `frame[DL_HEADROOM..]` (the slice ends where the
    /// packet ends). On [`Verdict::N3`] the G-PDU is `frame[range]`.
    #[inline]
    pub fn handle_n6(
        &mut self,
        table: &ForwardingTable,
        now: Instant,
        frame: &mut [u8],
    ) -> Verdict {
        let Some(ip) = frame.get(DL_HEADROOM..) else {
            return self.drop(DropReason::BufferTooSmall);
        };
        let rules = match (ip.first().map(|b| b >> 4), ip.len()) {
            (Some(4), 20..) => {
                let a = u32::from_be_bytes([ip[16], ip[17], ip[18], ip[19]]);
                let Some(hot) = table.hot_ue4(a) else {
                    return self.drop(DropReason::UnknownUe);
                };
                if hot.has(Hot::FAST) {
                    return self.downlink_fast(hot, table, now, frame);
                }
                Some(&hot.rules)
            }
            (Some(6), 40..) => table.by_ue_ipv6(u128::from_be_bytes(
                ip[24..40].try_into().unwrap_or_default(),
            )),
            _ => return self.drop(DropReason::Malformed),
        };
        let Some(rules) = rules else {
            return self.drop(DropReason::UnknownUe);
        };
        let Some(pi) = match_pdr_index(&rules.downlink, None, None, ip, Direction::Downlink) else {
            return self.drop(DropReason::NoPdr);
        };
        let pdr = &rules.downlink[pi];
        match downlink(pdr, frame, Some(table.clock(now))) {
            Downlink::Sent(v) => {
                self.count(rules, pdr, Direction::Downlink, frame.len() - DL_HEADROOM);
                self.stats.dl_packets += 1;
                self.stats.dl_octets += (frame.len() - DL_HEADROOM) as u64;
                v
            }
            Downlink::Buffer => self.buffer(rules, pdr, frame),
            Downlink::Dropped(r) => self.drop(r),
        }
    }

    /// The downlink pipeline on the UE address's hot record alone: the same decisions
    /// as [`downlink`] on the record's PDR.
    #[inline(always)]
    fn downlink_fast(
        &mut self,
        hot: &Hot,
        table: &ForwardingTable,
        now: Instant,
        frame: &mut [u8],
    ) -> Verdict {
        match hot.action {
            Some(FarAction::Forward) => {}
            Some(FarAction::Drop) => return self.drop(DropReason::FarDrop),
            Some(FarAction::Buffer) => {
                let pdr = &hot.rules.downlink[usize::from(hot.pdr)];
                return self.buffer(&hot.rules, pdr, frame);
            }
            None => return self.drop(DropReason::NoFar),
        }
        if !hot.has(Hot::OUTER) {
            return self.drop(DropReason::NoOuterHeader);
        }
        if hot_quota_spent(hot) {
            return self.drop(DropReason::QuotaExhausted);
        }
        let octets = frame.len() - DL_HEADROOM;
        if !hot.has(Hot::GATE_OPEN) {
            return self.drop(DropReason::GateClosed);
        }
        if let Some(q) = &hot.bucket
            && let Some(b) = &q.dl
            && !b.allow(table.clock(now), octets)
        {
            return self.drop(DropReason::Mbr);
        }
        let Some(start) = encap(hot.qfi, frame, DL_HEADROOM, hot.out_teid) else {
            return self.drop(DropReason::BufferTooSmall);
        };
        self.count_hot(hot, Direction::Downlink, octets);
        self.stats.dl_packets += 1;
        self.stats.dl_octets += octets as u64;
        Verdict::N3 {
            dst: hot.out_peer(),
            range: start..frame.len(),
        }
    }

    /// A batch of downlink IP packets, each as [`Dataplane::handle_n6`] would treat it,
    /// with the lookups of the batch first (see [`Dataplane::handle_n3_batch`]).
    pub fn handle_n6_batch(
        &mut self,
        table: &ForwardingTable,
        now: Instant,
        pkts: &mut [N6Packet<'_>],
    ) {
        for group in pkts.chunks_mut(BATCH) {
            let mut ues = [0u32; BATCH];
            let mut sink = 0u32;
            for (u, p) in ues.iter_mut().zip(group.iter()) {
                *u = match p.frame.get(DL_HEADROOM..DL_HEADROOM + 20) {
                    Some(ip) if ip[0] >> 4 == 4 => {
                        u32::from_be_bytes([ip[16], ip[17], ip[18], ip[19]])
                    }
                    _ => 0,
                };
                sink ^= table.touch_ue4(*u);
            }
            let mut sink2 = 0u64;
            for &u in ues[..group.len()].iter() {
                if let Some(h) = table.hot_ue4(u)
                    && let Some(c) = &h.urr
                {
                    sink2 ^= c.dl_octets.load(Ordering::Relaxed);
                }
            }
            std::hint::black_box((sink, sink2));
            for p in group.iter_mut() {
                p.verdict = self.handle_n6(table, now, p.frame);
            }
        }
    }

    fn buffer(&mut self, rules: &SessionRules, pdr: &Pdr, frame: &[u8]) -> Verdict {
        let ip = &frame[DL_HEADROOM..];
        {
            let mut b = rules
                .shared
                .buffer
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if b.packets.len() >= rules.buffer_limit.0 || b.octets + ip.len() > rules.buffer_limit.1
            {
                drop(b);
                rules.shared.buffer_dropped.fetch_add(1, Ordering::Relaxed);
                return self.drop(DropReason::BufferFull);
            }
            // Buffering copies the packet (the idle-UE path, not the forwarding path).
            let mut v = Vec::with_capacity(frame.len());
            v.extend_from_slice(frame);
            b.octets += ip.len();
            b.packets.push_back((pdr.id, v));
        }
        self.stats.buffered += 1;
        if pdr.notify_cp && !rules.shared.dl_reported.swap(true, Ordering::AcqRel) {
            self.notifications.push_back(Notification::DownlinkData {
                up_seid: rules.up_seid,
                pdr_id: pdr.id,
            });
        }
        Verdict::Buffered
    }

    /// URR counting (TS 29.244 §5.2.2.2): volume, the threshold and quota checks.
    #[inline]
    fn count(&mut self, rules: &SessionRules, pdr: &Pdr, dir: Direction, octets: usize) {
        for urr in pdr.urrs() {
            let ev = urr
                .counters
                .account(dir, octets as u64, urr.limits(dir), urr.watch);
            if ev != 0 {
                self.usage_event(rules.up_seid, urr.id, ev);
            }
        }
    }

    /// [`Dataplane::count`] for the hot record's one URR.
    #[inline(always)]
    fn count_hot(&mut self, hot: &Hot, dir: Direction, octets: usize) {
        let Some(c) = &hot.urr else { return };
        let limits = (hot.dir_limit, hot.total_limit);
        let ev = c.account(dir, octets as u64, limits, hot.has(Hot::WATCH));
        if ev != 0 {
            let pdrs = match dir {
                Direction::Uplink => &hot.rules.uplink,
                Direction::Downlink => &hot.rules.downlink,
            };
            if let Some(urr) = pdrs[usize::from(hot.pdr)].urr0.as_ref() {
                self.usage_event(hot.rules.up_seid, urr.id, ev);
            }
        }
    }

    /// The notifications for [`crate::urr::UrrCounters::account`]'s result bits.
    #[cold]
    fn usage_event(&mut self, up_seid: u64, urr_id: u32, ev: u8) {
        for n in usage_notifications(up_seid, urr_id, ev)
            .into_iter()
            .flatten()
        {
            self.notifications.push_back(n);
        }
    }

    /// Hands a received Error Indication to the control part, once per peer F-TEID and
    /// table generation, at most [`EI_SEEN`] distinct ones (the rest wait for the next
    /// generation: after the SMF acted on the first ones).
    #[cold]
    fn error_indication(&mut self, generation: u64, from: SocketAddr, teid: u32, peer: IpAddr) {
        if generation != self.ei_generation {
            self.ei_generation = generation;
            self.ei_seen.clear();
        }
        if self.ei_seen.len() == EI_SEEN || self.ei_seen.contains(&(peer, teid)) {
            return;
        }
        self.ei_seen.push((peer, teid));
        self.notifications
            .push_back(Notification::ErrorIndication { from, teid, peer });
    }

    fn signalling(
        &mut self,
        src: SocketAddr,
        buf: &mut [u8],
        len: usize,
        message_type: u8,
        sequence: Option<u16>,
    ) -> Verdict {
        match message_type {
            ECHO_REQUEST => {
                // TS 29.281 §7.2.2: same sequence number, Recovery 0 (§8.2).
                let resp = Repr::echo_response(sequence.unwrap_or(0));
                let n = resp.buffer_len(0);
                match buf.get_mut(..n).map(|b| resp.emit(b)) {
                    Some(Ok(())) => {
                        self.stats.echo_replies += 1;
                        Verdict::Reply {
                            dst: src,
                            range: 0..n,
                        }
                    }
                    _ => self.drop(DropReason::BufferTooSmall),
                }
            }
            ECHO_RESPONSE => Verdict::Signal(Signal::EchoResponse {
                from: src,
                sequence,
            }),
            ERROR_INDICATION | END_MARKER => match Repr::parse_bytes(&buf[..len]) {
                Ok(Repr {
                    message:
                        Message::ErrorIndication {
                            teid_data_i,
                            peer_address,
                        },
                    ..
                }) => Verdict::Signal(Signal::ErrorIndication {
                    from: src,
                    teid: teid_data_i,
                    peer: peer_address,
                }),
                Ok(r) if r.message == Message::EndMarker => Verdict::Signal(Signal::EndMarker {
                    from: src,
                    teid: r.teid,
                }),
                _ => self.drop(DropReason::Malformed),
            },
            _ => self.drop(DropReason::Unsupported),
        }
    }

    /// TS 29.281 §7.3.1: a G-PDU for which no PDU session exists is discarded and,
    /// unless its TEID is 0, answered with an Error Indication to the sender's GTP-U
    /// port carrying the TEID and our address.
    fn unknown_teid(&mut self, now_ns: u64, src: SocketAddr, buf: &mut [u8], teid: u32) -> Verdict {
        self.stats.drops[DropReason::UnknownTeid as usize] += 1;
        if teid == 0 {
            return Verdict::Drop(DropReason::UnknownTeid);
        }
        // A per-worker bucket: `error_indications_per_sec`, one second of burst.
        let rate = u64::from(self.cfg.error_indications_per_sec);
        let elapsed = now_ns.saturating_sub(self.ei_last_ns);
        let refill = elapsed.saturating_mul(rate) / 1_000_000_000;
        if refill > 0 {
            self.ei_tokens = (self.ei_tokens + refill).min(rate);
            self.ei_last_ns = now_ns;
        }
        if self.ei_tokens == 0 {
            return self.drop(DropReason::RateLimited);
        }
        self.ei_tokens -= 1;
        self.ei_seq = self.ei_seq.wrapping_add(1);
        // TS 29.281 §5.1: the S flag is set in an Error Indication.
        let repr = Repr {
            sequence_number: Some(self.ei_seq),
            ..Repr::error_indication(teid, self.cfg.n3_addr)
        };
        let n = repr.buffer_len(0);
        match buf.get_mut(..n).map(|b| repr.emit(b)) {
            Some(Ok(())) => {
                self.stats.error_indications += 1;
                Verdict::Reply {
                    dst: SocketAddr::new(src.ip(), GTPU_PORT),
                    range: 0..n,
                }
            }
            _ => self.drop(DropReason::BufferTooSmall),
        }
    }
}

/// What the downlink pipeline decided after the PDR.
pub(crate) enum Downlink {
    Sent(Verdict),
    Buffer,
    Dropped(DropReason),
}

/// FAR, QER and encapsulation for a downlink packet in `frame[DL_HEADROOM..]`.
/// `now_ns: None` skips MBR policing (buffered packets being released).
#[inline]
pub(crate) fn downlink(pdr: &Pdr, frame: &mut [u8], now_ns: Option<u64>) -> Downlink {
    let Some(action) = pdr.action else {
        return Downlink::Dropped(DropReason::NoFar);
    };
    match action {
        FarAction::Drop => return Downlink::Dropped(DropReason::FarDrop),
        FarAction::Buffer => return Downlink::Buffer,
        FarAction::Forward => {}
    }
    let Some(oh) = pdr.outer else {
        return Downlink::Dropped(DropReason::NoOuterHeader);
    };
    if quota_spent(pdr) {
        return Downlink::Dropped(DropReason::QuotaExhausted);
    }
    let octets = frame.len() - DL_HEADROOM;
    let polic = match now_ns {
        Some(t) => police(pdr, Direction::Downlink, t, octets),
        None => gates(pdr, Direction::Downlink),
    };
    if let Err(r) = polic {
        return Downlink::Dropped(r);
    }
    match encap(pdr.qfi, frame, DL_HEADROOM, oh.teid) {
        Some(start) => Downlink::Sent(Verdict::N3 {
            dst: oh.peer,
            range: start..frame.len(),
        }),
        None => Downlink::Dropped(DropReason::BufferTooSmall),
    }
}

/// The downlink PDR that carries a session's link-local signalling (the Router
/// Advertisement): the first by precedence without SDF filters (the default QoS flow's),
/// else the last one.
pub(crate) fn default_downlink(rules: &SessionRules) -> Option<&Pdr> {
    rules
        .downlink
        .iter()
        .find(|p| p.filters.is_empty())
        .or(rules.downlink.last())
}

/// An unsolicited Router Advertisement for an IPv6 session (RFC 4861 §6.2.4), to
/// all-nodes, as a G-PDU down the default downlink PDR's tunnel: `(peer, datagram)`.
/// For the control part when the session's downlink tunnel comes up (off the packet
/// path: it allocates).
pub(crate) fn unsolicited_ra(rules: &SessionRules, mtu: u32) -> Option<(SocketAddr, Vec<u8>)> {
    let prefix = rules.ue_ipv6?;
    let pdr = default_downlink(rules)?;
    let mut frame = vec![0u8; DL_HEADROOM + ra::RA_LEN];
    ra::write_router_advertisement(
        &mut frame[DL_HEADROOM..],
        &ra::ALL_NODES.octets(),
        prefix,
        mtu,
    )?;
    match downlink(pdr, &mut frame, None) {
        Downlink::Sent(Verdict::N3 { dst, range }) => {
            frame.truncate(range.end);
            frame.drain(..range.start);
            Some((dst, frame))
        }
        _ => None,
    }
}

/// Writes the G-PDU header in front of `frame[at..]`; the QFI of the PDR's first QER
/// with one goes in a DL PDU Session Container (TS 29.281 §5.2.2.7).
#[inline]
fn encap(qfi: Option<Qfi>, frame: &mut [u8], at: usize, teid: u32) -> Option<usize> {
    match qfi {
        Some(q) => encap_in_place(frame, at, teid, q).ok(),
        None => encap_repr_in_place(frame, at, &Repr::g_pdu(teid, None)).ok(),
    }
}

/// QER gates (TS 29.244 §8.2.27), all of the PDR's QERs ANDed at compile time.
#[inline]
fn gates(pdr: &Pdr, dir: Direction) -> Result<(), DropReason> {
    let open = match dir {
        Direction::Uplink => pdr.gate_ul,
        Direction::Downlink => pdr.gate_dl,
    };
    if open {
        Ok(())
    } else {
        Err(DropReason::GateClosed)
    }
}

/// Whether a URR of the PDR has used up a quota (TS 29.244 §5.2.2.2): its packets are
/// dropped until the SMF provisions a new one.
#[inline]
fn quota_spent(pdr: &Pdr) -> bool {
    pdr.urrs().any(|u| u.watch && u.counters.blocked())
}

/// [`quota_spent`] for a hot record's one URR.
#[inline(always)]
fn hot_quota_spent(hot: &Hot) -> bool {
    hot.has(Hot::WATCH) && hot.urr.as_ref().is_some_and(|c| c.blocked())
}

/// The notifications for [`crate::urr::UrrCounters::account`]'s result bits, in a fixed
/// order: first packet, threshold, quota.
fn usage_notifications(up_seid: u64, urr_id: u32, ev: u8) -> [Option<Notification>; 3] {
    use crate::urr::{EV_FIRST, EV_QUOTA, EV_THRESHOLD};
    [
        (ev & EV_FIRST != 0).then_some(Notification::FirstPacket { up_seid, urr_id }),
        (ev & EV_THRESHOLD != 0).then_some(Notification::VolumeThreshold { up_seid, urr_id }),
        (ev & EV_QUOTA != 0).then_some(Notification::VolumeQuota { up_seid, urr_id }),
    ]
}

/// QER gates and MBR buckets, in the PDR's QER order (a flow QER then the session's
/// AMBR QER, typically). A packet dropped by a later QER stays charged to earlier ones.
#[inline]
fn police(pdr: &Pdr, dir: Direction, now_ns: u64, octets: usize) -> Result<(), DropReason> {
    gates(pdr, dir)?;
    for rt in pdr.buckets.iter() {
        let bucket = match dir {
            Direction::Uplink => &rt.ul,
            Direction::Downlink => &rt.dl,
        };
        if let Some(b) = bucket
            && !b.allow(now_ns, octets)
        {
            return Err(DropReason::Mbr);
        }
    }
    Ok(())
}

#[inline]
fn match_pdr<'a>(
    pdrs: &'a [Pdr],
    teid: Option<u32>,
    qfi: Option<u8>,
    ip: &[u8],
    dir: Direction,
) -> Option<&'a Pdr> {
    match_pdr_index(pdrs, teid, qfi, ip, dir).map(|i| &pdrs[i])
}

/// The first PDR (they are sorted by precedence) whose PDI matches (TS 29.244 §5.2.1).
/// The inner 5-tuple is read only if a candidate has SDF filters.
#[inline]
fn match_pdr_index(
    pdrs: &[Pdr],
    teid: Option<u32>,
    qfi: Option<u8>,
    ip: &[u8],
    dir: Direction,
) -> Option<usize> {
    let mut tuple: Option<Option<FiveTuple>> = None;
    for (i, p) in pdrs.iter().enumerate() {
        if teid.is_some() && p.teid != teid {
            continue;
        }
        if p.qfi_mask != 0 {
            match qfi {
                Some(q) if p.qfi_mask & (1u64 << (q & 0x3f)) != 0 => {}
                _ => continue,
            }
        }
        if !p.filters.is_empty() {
            let t = *tuple.get_or_insert_with(|| five_tuple(ip));
            match t {
                Some(t) if p.filters.iter().any(|f| f.matches(&t, dir)) => {}
                _ => continue,
            }
        }
        return Some(i);
    }
    None
}

/// Runs one released buffered packet (`frame[DL_HEADROOM..]`) through its PDR's FAR
/// again, for the control part, which gets the URR notifications it raises. MBR is not
/// applied to a released burst, nor volume thresholds (the next packet checks them).
pub(crate) fn release(
    rules: &SessionRules,
    pdr_id: u16,
    frame: &mut [u8],
    notify: &mut impl FnMut(Notification),
) -> Downlink {
    let Some(pdr) = rules.downlink.iter().find(|p| p.id == pdr_id) else {
        return Downlink::Dropped(DropReason::NoPdr);
    };
    let d = downlink(pdr, frame, None);
    if let Downlink::Sent(_) = d {
        let octets = (frame.len() - DL_HEADROOM) as u64;
        for urr in pdr.urrs() {
            let ev =
                urr.counters
                    .account(Direction::Downlink, octets, (u64::MAX, u64::MAX), urr.watch);
            for n in usage_notifications(rules.up_seid, urr.id, ev)
                .into_iter()
                .flatten()
            {
                notify(n);
            }
        }
    }
    d
}
