//! The endpoint: one local SCTP port, many associations. Demultiplexes packets by
//! verification tag and ports, answers INITs statelessly with signed cookies, handles
//! out-of-the-blue packets (RFC 9260 §8.4) without creating state, and merges the
//! associations' timers, transmissions and events.

use crate::assoc::{Association, Ctx, State};
use crate::config::{Config, EndpointConfig};
use crate::cookie::Cookie;
use crate::event::{AssocId, Event, SendError, Transmit};
use crate::prf::Prf;
use crate::wire::chunk::ty;
use crate::wire::{
    Cause, Chunk, ChunkIter, Header, Init, Packet, Param, RawChunk, UnknownParamAction, packet,
};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Counters of what the endpoint dropped or answered on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Packets shorter than a common header, or with no parsable first chunk.
    pub malformed: u64,
    /// Packets whose CRC32c did not match.
    pub bad_checksum: u64,
    /// Packets to another port.
    pub wrong_port: u64,
    /// Out-of-the-blue packets (§8.4).
    pub out_of_the_blue: u64,
    /// INITs answered with an INIT ACK.
    pub init_acks_sent: u64,
    /// COOKIE ECHOs refused (bad signature, wrong address, stale, collision).
    pub cookies_refused: u64,
    /// Replies dropped because the endpoint's transmit queue was full.
    pub replies_dropped: u64,
}

/// A snapshot of one association, for drivers and operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationInfo {
    /// Protocol state.
    pub state: State,
    /// The peer's transport address.
    pub remote: SocketAddr,
    /// The peer's SCTP port.
    pub peer_port: u16,
    /// Addresses the peer listed in its INIT / INIT ACK.
    pub peer_addresses: Vec<IpAddr>,
    /// Streams this side may send on.
    pub outbound_streams: u16,
    /// Current retransmission timeout.
    pub rto: Duration,
    /// Smoothed RTT, once measured.
    pub srtt: Option<Duration>,
    /// Congestion window, octets.
    pub cwnd: usize,
    /// Octets of user data queued and not yet sent.
    pub queued_bytes: usize,
    /// The verification tag the peer puts in packets to this side.
    pub local_verification_tag: u32,
    /// The verification tag this side puts in packets to the peer.
    pub peer_verification_tag: u32,
}

/// A sans-IO SCTP endpoint. See the crate documentation for the driver loop.
pub struct Endpoint {
    ecfg: EndpointConfig,
    cfg: Config,
    prf: Prf,
    epoch: Option<Instant>,
    now: Option<Instant>,
    next_id: u64,
    assocs: HashMap<AssocId, Association>,
    by_tag: HashMap<u32, AssocId>,
    by_peer: HashMap<(IpAddr, u16), AssocId>,
    deadlines: BTreeSet<(Instant, AssocId)>,
    ready: VecDeque<AssocId>,
    out: VecDeque<Transmit>,
    events: VecDeque<(AssocId, Event)>,
    stats: Stats,
}

impl Endpoint {
    /// A new endpoint. `config` applies to every association it creates.
    pub fn new(endpoint: EndpointConfig, config: Config) -> Self {
        Self {
            prf: Prf::new(&endpoint.secret),
            ecfg: endpoint,
            cfg: config,
            epoch: None,
            now: None,
            next_id: 1,
            assocs: HashMap::new(),
            by_tag: HashMap::new(),
            by_peer: HashMap::new(),
            deadlines: BTreeSet::new(),
            ready: VecDeque::new(),
            out: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
        }
    }

    /// The local SCTP port.
    pub fn port(&self) -> u16 {
        self.ecfg.port
    }

    /// Counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Number of live associations.
    pub fn association_count(&self) -> usize {
        self.assocs.len()
    }

    /// Entries held per peer across all of the endpoint's tables (associations, tag and
    /// address indexes, timers). Zero when no association exists: INITs and
    /// out-of-the-blue packets never add to it.
    pub fn per_peer_state(&self) -> usize {
        self.assocs.len()
            + self.by_tag.len()
            + self.by_peer.len()
            + self.deadlines.len()
            + self.ready.len()
    }

    /// A snapshot of an association.
    pub fn association(&self, id: AssocId) -> Option<AssociationInfo> {
        let a = self.assocs.get(&id)?;
        Some(AssociationInfo {
            state: a.state,
            remote: a.remote,
            peer_port: a.peer_port,
            peer_addresses: a.peer_addrs.clone(),
            outbound_streams: a.outbound_streams(),
            rto: a.rto(),
            srtt: a.srtt(),
            cwnd: a.cwnd(),
            queued_bytes: a.queued_bytes(),
            local_verification_tag: a.local_tag,
            peer_verification_tag: a.peer_tag,
        })
    }

    fn tick(&mut self, now: Instant) {
        self.epoch.get_or_insert(now);
        self.now = Some(self.now.map_or(now, |n| n.max(now)));
    }

    fn now_ms(&self, now: Instant) -> u64 {
        self.epoch
            .map_or(0, |e| now.saturating_duration_since(e).as_millis() as u64)
    }

    // ---- the driver surface --------------------------------------------------------

    /// Opens an association to `remote` (transport address) and the peer's SCTP
    /// `peer_port`. [`Event::Connected`] follows when the handshake completes.
    pub fn connect(&mut self, now: Instant, remote: SocketAddr, peer_port: u16) -> AssocId {
        self.tick(now);
        let id = self.alloc_id();
        let mut ctx = Ctx {
            now,
            cfg: &self.cfg,
            events: &mut self.events,
            prf: &mut self.prf,
        };
        let mut a = Association::connect(id, &mut ctx, remote, self.ecfg.port, peer_port);
        while self.by_tag.contains_key(&a.local_tag) {
            a.local_tag = self.prf.tag();
        }
        self.by_tag.insert(a.local_tag, id);
        self.by_peer.insert((remote.ip(), peer_port), id);
        self.assocs.insert(id, a);
        self.after(id);
        id
    }

    /// Feeds one received SCTP packet (common header first) from `remote`.
    pub fn handle_packet(&mut self, now: Instant, remote: SocketAddr, bytes: &[u8]) {
        self.tick(now);
        let Ok(pkt) = Packet::new_checked(bytes) else {
            self.stats.malformed += 1;
            return;
        };
        if pkt.verify_checksum().is_err() {
            self.stats.bad_checksum += 1;
            return;
        }
        if pkt.dst_port() != self.ecfg.port {
            self.stats.wrong_port += 1;
            return;
        }
        let hdr = pkt.header();
        let mut chunks = pkt.chunks();
        let Some(Ok(first)) = chunks.clone().next() else {
            self.stats.malformed += 1;
            return;
        };
        match first.chunk_type {
            ty::INIT => {
                // §8.5.1 A: vtag 0, and INIT is alone in its packet (§6.10).
                if hdr.verification_tag == 0 && chunks.clone().count() == 1 {
                    self.on_init(now, remote, hdr, &first);
                }
                return;
            }
            ty::COOKIE_ECHO => {
                chunks.next();
                self.on_cookie_echo(now, remote, hdr, &first, chunks);
                return;
            }
            _ => {}
        }
        if let Some(id) = self.route(remote, &hdr, &first) {
            self.with_assoc(id, now, |a, ctx| {
                a.handle_chunks(ctx, remote, hdr.verification_tag, chunks)
            });
        } else {
            self.out_of_the_blue(remote, &hdr, chunks);
        }
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.tick(now);
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            if let Some(a) = self.assocs.get_mut(&id) {
                a.registered = None;
            }
            self.with_assoc(id, now, |a, ctx| a.handle_timeout(ctx));
        }
    }

    /// The next packet to send. Packets are built here, using the latest `now` given
    /// to the endpoint, so that all chunks queued since then can be bundled.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        if let Some(t) = self.out.pop_front() {
            return Some(t);
        }
        let now = self.now?;
        while let Some(&id) = self.ready.front() {
            let Some(a) = self.assocs.get_mut(&id) else {
                self.ready.pop_front();
                continue;
            };
            if let Some(payload) = a.poll_transmit(now, &self.cfg) {
                let remote = a.remote;
                self.reschedule(id);
                return Some(Transmit { remote, payload });
            }
            a.ready = false;
            self.ready.pop_front();
            self.reschedule(id);
        }
        None
    }

    /// When [`Endpoint::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(t, _)| t)
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<(AssocId, Event)> {
        self.events.pop_front()
    }

    /// Queues a message on `stream` with payload protocol identifier `ppid`, passed to
    /// the peer untouched. For NGAP (TS 38.412 §7): PPID 60, and stream 0 is reserved
    /// for non-UE-associated signalling; UE-associated signalling uses the other
    /// streams, one stream per UE at a time.
    pub fn send(
        &mut self,
        assoc: AssocId,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: Vec<u8>,
    ) -> Result<(), SendError> {
        let a = self
            .assocs
            .get_mut(&assoc)
            .ok_or(SendError::UnknownAssociation)?;
        match a.state {
            State::Established => {}
            State::CookieWait | State::CookieEchoed => return Err(SendError::NotConnected),
            _ => return Err(SendError::ShuttingDown),
        }
        if stream >= a.outbound_streams() {
            return Err(SendError::InvalidStream(stream));
        }
        if data.is_empty() {
            return Err(SendError::Empty);
        }
        if a.queued_bytes() + data.len() > self.cfg.send_buffer {
            return Err(SendError::BufferFull);
        }
        a.push_message(stream, ppid, unordered, data, &self.cfg);
        self.mark_ready(assoc);
        Ok(())
    }

    /// Starts a graceful shutdown: queued data is delivered, then SHUTDOWN.
    pub fn shutdown(&mut self, assoc: AssocId) -> Result<(), SendError> {
        let now = self.now.ok_or(SendError::UnknownAssociation)?;
        if !self.assocs.contains_key(&assoc) {
            return Err(SendError::UnknownAssociation);
        }
        self.with_assoc(assoc, now, |a, ctx| a.shutdown(ctx));
        Ok(())
    }

    /// Aborts an association at once (ABORT with a User-Initiated Abort cause).
    pub fn abort(&mut self, assoc: AssocId) {
        let Some(now) = self.now else { return };
        if self.assocs.contains_key(&assoc) {
            self.with_assoc(assoc, now, |a, ctx| a.abort(ctx));
        }
    }

    // ---- internals -------------------------------------------------------------------

    fn alloc_id(&mut self) -> AssocId {
        let id = AssocId(self.next_id);
        self.next_id += 1;
        id
    }

    fn with_assoc(
        &mut self,
        id: AssocId,
        now: Instant,
        f: impl FnOnce(&mut Association, &mut Ctx<'_>),
    ) {
        let Some(a) = self.assocs.get_mut(&id) else {
            return;
        };
        let mut ctx = Ctx {
            now,
            cfg: &self.cfg,
            events: &mut self.events,
            prf: &mut self.prf,
        };
        f(a, &mut ctx);
        self.after(id);
    }

    /// Bookkeeping after an association was touched: reap it if closed, else refresh
    /// its deadline and readiness.
    fn after(&mut self, id: AssocId) {
        let Some(a) = self.assocs.get_mut(&id) else {
            return;
        };
        if a.state == State::Closed {
            let remote = a.remote;
            for payload in std::mem::take(&mut a.final_packets) {
                self.out.push_back(Transmit { remote, payload });
            }
            self.remove(id);
            return;
        }
        if a.wants_transmit() {
            self.mark_ready(id);
        }
        self.reschedule(id);
    }

    fn mark_ready(&mut self, id: AssocId) {
        if let Some(a) = self.assocs.get_mut(&id)
            && !a.ready
        {
            a.ready = true;
            self.ready.push_back(id);
        }
    }

    fn reschedule(&mut self, id: AssocId) {
        let Some(a) = self.assocs.get_mut(&id) else {
            return;
        };
        let next = a.next_timeout();
        if next == a.registered {
            return;
        }
        if let Some(old) = a.registered.take() {
            self.deadlines.remove(&(old, id));
        }
        if let Some(t) = next {
            self.deadlines.insert((t, id));
            a.registered = Some(t);
        }
    }

    fn remove(&mut self, id: AssocId) {
        let Some(a) = self.assocs.remove(&id) else {
            return;
        };
        if self.by_tag.get(&a.local_tag) == Some(&id) {
            self.by_tag.remove(&a.local_tag);
        }
        let key = (a.remote.ip(), a.peer_port);
        if self.by_peer.get(&key) == Some(&id) {
            self.by_peer.remove(&key);
        }
        if let Some(t) = a.registered {
            self.deadlines.remove(&(t, id));
        }
        if a.ready {
            self.ready.retain(|&x| x != id);
        }
    }

    /// Finds the association a non-INIT, non-COOKIE-ECHO packet belongs to (§8.5).
    fn route(&self, remote: SocketAddr, hdr: &Header, first: &RawChunk<'_>) -> Option<AssocId> {
        let peer_ok = |a: &Association| {
            a.peer_port == hdr.src_port
                && (a.remote.ip() == remote.ip() || a.peer_addrs.contains(&remote.ip()))
        };
        if let Some(&id) = self.by_tag.get(&hdr.verification_tag)
            && self.assocs.get(&id).is_some_and(peer_ok)
        {
            return Some(id);
        }
        // ABORT and SHUTDOWN COMPLETE with the T bit carry the peer's own tag (§8.5.1).
        let reflected =
            matches!(first.chunk_type, ty::ABORT | ty::SHUTDOWN_COMPLETE) && first.flags & 1 != 0;
        if reflected {
            let &id = self.by_peer.get(&(remote.ip(), hdr.src_port))?;
            let a = self.assocs.get(&id)?;
            return (a.peer_tag == hdr.verification_tag).then_some(id);
        }
        None
    }

    fn queue_reply(&mut self, remote: SocketAddr, hdr: Header, chunk: Chunk) {
        if self.out.len() >= self.ecfg.max_endpoint_transmits {
            self.stats.replies_dropped += 1;
            return;
        }
        let mut payload = Vec::with_capacity(packet::HEADER_LEN + chunk.buffer_len());
        hdr.start(&mut payload);
        chunk.emit(&mut payload);
        packet::finish(&mut payload);
        self.out.push_back(Transmit { remote, payload });
    }

    fn reply_header(&self, hdr: &Header, vtag: u32) -> Header {
        Header {
            src_port: self.ecfg.port,
            dst_port: hdr.src_port,
            verification_tag: vtag,
        }
    }

    /// §8.4: out-of-the-blue packets get at most one small reply and leave no state.
    fn out_of_the_blue(&mut self, remote: SocketAddr, hdr: &Header, chunks: ChunkIter<'_>) {
        self.stats.out_of_the_blue += 1;
        let mut shutdown_ack = false;
        for raw in chunks.take(64) {
            let Ok(raw) = raw else { return };
            match raw.chunk_type {
                ty::ABORT | ty::SHUTDOWN_COMPLETE | ty::COOKIE_ACK => return,
                ty::ERROR => {
                    let stale = Cause::parse_all(raw.value)
                        .map(|c| c.iter().any(|c| matches!(c, Cause::StaleCookie(_))))
                        .unwrap_or(false);
                    if stale {
                        return;
                    }
                }
                ty::SHUTDOWN_ACK => shutdown_ack = true,
                _ => {}
            }
        }
        let reply = if shutdown_ack {
            Chunk::ShutdownComplete { t: true }
        } else {
            Chunk::Abort {
                t: true,
                causes: Vec::new(),
            }
        };
        let h = self.reply_header(hdr, hdr.verification_tag);
        self.queue_reply(remote, h, reply);
    }

    /// §5.1 B / §5.2: answer an INIT with an INIT ACK carrying a signed cookie. Reads,
    /// but never creates, association state.
    fn on_init(&mut self, now: Instant, remote: SocketAddr, hdr: Header, raw: &RawChunk<'_>) {
        let Ok(Chunk::Init(init)) = Chunk::parse(raw) else {
            self.stats.malformed += 1;
            return;
        };
        if init.initiate_tag == 0 {
            return; // §3.3.2: silently discard
        }
        if init.outbound_streams == 0 || init.inbound_streams == 0 {
            let h = self.reply_header(&hdr, init.initiate_tag);
            self.queue_reply(
                remote,
                h,
                Chunk::Abort {
                    t: false,
                    causes: vec![Cause::InvalidMandatory],
                },
            );
            return;
        }
        let existing = self
            .by_peer
            .get(&(remote.ip(), hdr.src_port))
            .and_then(|id| self.assocs.get(id));
        let (local_tag, local_tsn, local_tie, peer_tie) = match existing {
            None if !self.ecfg.listen => {
                let h = self.reply_header(&hdr, init.initiate_tag);
                self.queue_reply(
                    remote,
                    h,
                    Chunk::Abort {
                        t: false,
                        causes: Vec::new(),
                    },
                );
                return;
            }
            None => (self.prf.tag(), self.prf.next_u32(), 0, 0),
            // §5.2.1: INIT collision: answer with our own INIT's tag and TSN.
            Some(a) if a.state == State::CookieWait => (a.local_tag, a.local_tsn, 0, 0),
            Some(a) if a.state == State::CookieEchoed => (a.local_tag, a.local_tsn, a.local_tag, 0),
            Some(a) if a.state == State::ShutdownAckSent => return,
            // §5.2.2: unexpected INIT: fresh tag, tie-tags name the existing association.
            Some(a) => {
                let (lt, pt) = (a.local_tag, a.peer_tag);
                (self.prf.tag(), self.prf.next_u32(), lt, pt)
            }
        };
        let mut unrecognized = Vec::new();
        let mut preserve_ms = 0u32;
        for p in &init.params {
            match p {
                Param::CookiePreservative(ms) => preserve_ms = *ms,
                Param::Unknown { param_type, .. } => {
                    let action = UnknownParamAction::of(*param_type);
                    if matches!(
                        action,
                        UnknownParamAction::StopAndReport | UnknownParamAction::SkipAndReport
                    ) && unrecognized.len() < 8
                    {
                        unrecognized.push(p.clone());
                    }
                    if matches!(
                        action,
                        UnknownParamAction::Stop | UnknownParamAction::StopAndReport
                    ) {
                        break;
                    }
                }
                _ => {}
            }
        }
        let life = self.cfg.valid_cookie_life.as_millis().min(u32::MAX as u128) as u32;
        let cookie = Cookie {
            created_ms: self.now_ms(now),
            lifespan_ms: life.saturating_add(preserve_ms.min(life)),
            local_tag,
            peer_tag: init.initiate_tag,
            local_tsn,
            peer_tsn: init.initial_tsn,
            peer_rwnd: init.a_rwnd,
            local_tie,
            peer_tie,
            outbound_streams: self.cfg.outbound_streams.min(init.inbound_streams),
            inbound_streams: self.cfg.inbound_streams.min(init.outbound_streams),
            local_port: self.ecfg.port,
            peer_port: hdr.src_port,
            peer_ip: remote.ip(),
        };
        let mut params = vec![Param::StateCookie(cookie.seal(&self.ecfg.secret))];
        for u in unrecognized {
            let mut tlv = Vec::new();
            u.emit(&mut tlv);
            params.push(Param::Unrecognized(tlv));
        }
        let ack = Chunk::InitAck(Init {
            initiate_tag: local_tag,
            a_rwnd: self.cfg.receive_window,
            outbound_streams: self.cfg.outbound_streams,
            inbound_streams: self.cfg.inbound_streams,
            initial_tsn: local_tsn,
            params,
        });
        let h = self.reply_header(&hdr, init.initiate_tag);
        self.stats.init_acks_sent += 1;
        self.queue_reply(remote, h, ack);
        // INIT's own addresses are recorded from the COOKIE ECHO's association; the
        // cookie binds the source address, which is what packets are sent to.
    }

    /// §5.1 D, §5.2.4: a COOKIE ECHO opens (or reconciles) an association.
    fn on_cookie_echo(
        &mut self,
        now: Instant,
        remote: SocketAddr,
        hdr: Header,
        raw: &RawChunk<'_>,
        rest: ChunkIter<'_>,
    ) {
        let Some(c) = Cookie::open(&self.ecfg.secret, raw.value, remote) else {
            self.stats.cookies_refused += 1;
            return;
        };
        if hdr.verification_tag != c.local_tag
            || hdr.src_port != c.peer_port
            || c.local_port != self.ecfg.port
        {
            self.stats.cookies_refused += 1;
            return;
        }
        if let Some(late_ms) = c.staleness_ms(self.now_ms(now)) {
            self.stats.cookies_refused += 1;
            let h = self.reply_header(&hdr, c.peer_tag);
            let us = late_ms.saturating_mul(1000).min(u32::MAX as u64) as u32;
            self.queue_reply(remote, h, Chunk::Error(vec![Cause::StaleCookie(us)]));
            return;
        }
        let existing = self.by_peer.get(&(remote.ip(), hdr.src_port)).copied();
        let id = match existing {
            None => {
                if !self.ecfg.listen || self.by_tag.contains_key(&c.local_tag) {
                    self.stats.cookies_refused += 1;
                    return;
                }
                let id = self.alloc_id();
                let mut ctx = Ctx {
                    now,
                    cfg: &self.cfg,
                    events: &mut self.events,
                    prf: &mut self.prf,
                };
                let a = Association::accept(id, &mut ctx, remote, &c, Vec::new());
                self.by_tag.insert(c.local_tag, id);
                self.by_peer.insert((remote.ip(), hdr.src_port), id);
                self.assocs.insert(id, a);
                id
            }
            Some(id) => {
                let Some(a) = self.assocs.get(&id) else {
                    return;
                };
                let (lt, pt) = (a.local_tag, a.peer_tag);
                if c.local_tag != lt && c.peer_tag != pt && c.local_tie == lt && c.peer_tie == pt {
                    // A: the peer restarted.
                    if a.state == State::ShutdownAckSent || self.by_tag.contains_key(&c.local_tag) {
                        self.stats.cookies_refused += 1;
                        return;
                    }
                    self.by_tag.remove(&lt);
                    self.by_tag.insert(c.local_tag, id);
                    self.with_assoc(id, now, |a, ctx| a.restart(ctx, &c, Vec::new()));
                } else if c.local_tag == lt {
                    // B (collision) or D (duplicate COOKIE ECHO).
                    self.with_assoc(id, now, |a, ctx| a.establish_from_cookie(ctx, &c));
                } else {
                    // C, or anything else: silently discard.
                    self.stats.cookies_refused += 1;
                    return;
                }
                id
            }
        };
        let vtag = c.local_tag;
        self.with_assoc(id, now, |a, ctx| a.handle_chunks(ctx, remote, vtag, rest));
    }
}
