//! One association's state machine (RFC 9260 §4): handshake from the connecting side,
//! data transfer, path supervision, shutdown and abort. The [`crate::Endpoint`] routes
//! packets here once their verification tag matched.

mod recv;
mod rto;
mod send;
mod timers;

use crate::config::Config;
use crate::cookie::Cookie;
use crate::event::{AssocId, CloseReason, Event};
use crate::prf::Prf;
use crate::wire::chunk::UnknownChunkAction;
use crate::wire::{Cause, Chunk, ChunkIter, Header, Init, Param, UnknownParamAction, packet};
use recv::{Outcome, Recv};
use rto::Rto;
use send::Send;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;
use timers::{Timer, Timers};

/// Association states (RFC 9260 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// INIT sent, waiting for INIT ACK.
    CookieWait,
    /// COOKIE ECHO sent, waiting for COOKIE ACK.
    CookieEchoed,
    /// Data flows both ways.
    Established,
    /// The user asked to shut down; outstanding data still drains.
    ShutdownPending,
    /// SHUTDOWN sent.
    ShutdownSent,
    /// SHUTDOWN received; our outstanding data still drains.
    ShutdownReceived,
    /// SHUTDOWN ACK sent.
    ShutdownAckSent,
    /// Gone.
    Closed,
}

/// What an association needs from its endpoint for one operation.
pub(crate) struct Ctx<'a> {
    pub now: Instant,
    pub cfg: &'a Config,
    pub events: &'a mut VecDeque<(AssocId, Event)>,
    pub prf: &'a mut Prf,
}

pub(crate) struct Association {
    pub id: AssocId,
    pub state: State,
    pub remote: SocketAddr,
    pub local_port: u16,
    pub peer_port: u16,
    pub local_tag: u32,
    pub peer_tag: u32,
    pub local_tsn: u32,
    pub peer_addrs: Vec<IpAddr>,
    rto: Rto,
    timers: Timers,
    tx: Send,
    rx: Recv,
    ctrl: VecDeque<Chunk>,
    init_pending: bool,
    init_retries: u32,
    error_count: u32,
    cookie: Option<Vec<u8>>,
    heartbeat: Option<(u64, Instant)>,
    /// Packets to send after the association closed (ABORT, SHUTDOWN COMPLETE).
    pub final_packets: Vec<Vec<u8>>,
    /// Registered deadline in the endpoint's timer index.
    pub registered: Option<Instant>,
    /// Queued in the endpoint's ready list.
    pub ready: bool,
}

impl Association {
    /// A new association from the connecting side: sends INIT.
    pub(crate) fn connect(
        id: AssocId,
        ctx: &mut Ctx<'_>,
        remote: SocketAddr,
        local_port: u16,
        peer_port: u16,
    ) -> Self {
        let local_tag = ctx.prf.tag();
        let local_tsn = ctx.prf.next_u32();
        let cfg = ctx.cfg;
        let mut a = Self {
            id,
            state: State::CookieWait,
            remote,
            local_port,
            peer_port,
            local_tag,
            peer_tag: 0,
            local_tsn,
            peer_addrs: Vec::new(),
            rto: Rto::new(cfg),
            timers: Timers::default(),
            tx: Send::new(local_tsn, 0, 0, cfg.initial_cwnd(), cfg.max_packet_size),
            rx: Recv::new(0, 0, cfg.receive_window, cfg.max_message_size),
            ctrl: VecDeque::new(),
            init_pending: true,
            init_retries: 0,
            error_count: 0,
            cookie: None,
            heartbeat: None,
            final_packets: Vec::new(),
            registered: None,
            ready: false,
        };
        a.timers.set(Timer::T1, ctx.now + a.rto.get());
        a
    }

    /// A new association from a valid COOKIE ECHO (the accepting side).
    pub(crate) fn accept(
        id: AssocId,
        ctx: &mut Ctx<'_>,
        remote: SocketAddr,
        c: &Cookie,
        peer_addrs: Vec<IpAddr>,
    ) -> Self {
        let cfg = ctx.cfg;
        let mut a = Self {
            id,
            state: State::Established,
            remote,
            local_port: c.local_port,
            peer_port: c.peer_port,
            local_tag: c.local_tag,
            peer_tag: c.peer_tag,
            local_tsn: c.local_tsn,
            peer_addrs,
            rto: Rto::new(cfg),
            timers: Timers::default(),
            tx: Send::new(
                c.local_tsn,
                c.outbound_streams,
                c.peer_rwnd,
                cfg.initial_cwnd(),
                cfg.max_packet_size,
            ),
            rx: Recv::new(
                c.peer_tsn,
                c.inbound_streams,
                cfg.receive_window,
                cfg.max_message_size,
            ),
            ctrl: VecDeque::new(),
            init_pending: false,
            init_retries: 0,
            error_count: 0,
            cookie: None,
            heartbeat: None,
            final_packets: Vec::new(),
            registered: None,
            ready: false,
        };
        a.ctrl.push_back(Chunk::CookieAck);
        a.connected(ctx);
        a
    }

    fn connected(&mut self, ctx: &mut Ctx<'_>) {
        self.state = State::Established;
        self.timers.stop(Timer::T1);
        self.init_retries = 0;
        self.cookie = None;
        self.schedule_heartbeat(ctx);
        ctx.events.push_back((
            self.id,
            Event::Connected {
                remote: self.remote,
                peer_port: self.peer_port,
                outbound_streams: self.tx.streams(),
                inbound_streams: self.in_streams(),
            },
        ));
    }

    fn in_streams(&self) -> u16 {
        self.rx.streams()
    }

    fn schedule_heartbeat(&mut self, ctx: &Ctx<'_>) {
        self.timers.set(
            Timer::Heartbeat,
            ctx.now + self.rto.get() + ctx.cfg.heartbeat_interval,
        );
    }

    /// The INIT ACK side's cookie produced a collision or duplicate (§5.2.4 B, D):
    /// adopt the cookie's peer parameters and become established.
    pub(crate) fn establish_from_cookie(&mut self, ctx: &mut Ctx<'_>, c: &Cookie) {
        let cfg = ctx.cfg;
        if self.peer_tag != c.peer_tag
            || matches!(self.state, State::CookieWait | State::CookieEchoed)
        {
            self.peer_tag = c.peer_tag;
            self.tx = Send::new(
                c.local_tsn,
                c.outbound_streams,
                c.peer_rwnd,
                cfg.initial_cwnd(),
                cfg.max_packet_size,
            );
            self.rx = Recv::new(
                c.peer_tsn,
                c.inbound_streams,
                cfg.receive_window,
                cfg.max_message_size,
            );
        }
        self.ctrl.push_back(Chunk::CookieAck);
        if matches!(self.state, State::CookieWait | State::CookieEchoed) {
            self.init_pending = false;
            self.connected(ctx);
        }
    }

    /// The peer restarted (§5.2.4 A): fresh tags and sequence numbers, same id.
    pub(crate) fn restart(&mut self, ctx: &mut Ctx<'_>, c: &Cookie, peer_addrs: Vec<IpAddr>) {
        let cfg = ctx.cfg;
        self.local_tag = c.local_tag;
        self.peer_tag = c.peer_tag;
        self.local_tsn = c.local_tsn;
        self.peer_addrs = peer_addrs;
        self.tx.discard_all();
        self.tx = Send::new(
            c.local_tsn,
            c.outbound_streams,
            c.peer_rwnd,
            cfg.initial_cwnd(),
            cfg.max_packet_size,
        );
        self.rx = Recv::new(
            c.peer_tsn,
            c.inbound_streams,
            cfg.receive_window,
            cfg.max_message_size,
        );
        self.rto = Rto::new(cfg);
        self.timers.clear();
        self.ctrl.clear();
        self.heartbeat = None;
        self.error_count = 0;
        self.state = State::Established;
        self.ctrl.push_back(Chunk::CookieAck);
        self.schedule_heartbeat(ctx);
        ctx.events.push_back((
            self.id,
            Event::PeerRestarted {
                outbound_streams: self.tx.streams(),
                inbound_streams: self.in_streams(),
            },
        ));
    }

    pub(crate) fn outbound_streams(&self) -> u16 {
        self.tx.streams()
    }

    pub(crate) fn queued_bytes(&self) -> usize {
        self.tx.queued_bytes()
    }

    pub(crate) fn push_message(
        &mut self,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: Vec<u8>,
        cfg: &Config,
    ) {
        self.tx
            .push(stream, ppid, unordered, data, cfg.max_fragment());
    }

    pub(crate) fn next_timeout(&self) -> Option<Instant> {
        if self.state == State::Closed {
            None
        } else {
            self.timers.next()
        }
    }

    pub(crate) fn rto(&self) -> std::time::Duration {
        self.rto.get()
    }

    pub(crate) fn srtt(&self) -> Option<std::time::Duration> {
        self.rto.srtt()
    }

    pub(crate) fn cwnd(&self) -> usize {
        self.tx.cwnd
    }

    // ---- input ------------------------------------------------------------------

    /// Processes the chunks of one packet whose verification tag is `vtag`.
    pub(crate) fn handle_chunks(
        &mut self,
        ctx: &mut Ctx<'_>,
        remote: SocketAddr,
        vtag: u32,
        chunks: ChunkIter<'_>,
    ) {
        let tag_ok = vtag == self.local_tag;
        if tag_ok && remote != self.remote {
            // UDP encapsulation: follow the peer's port (RFC 6951 §5.4).
            self.remote = remote;
        }
        let mut had_data = false;
        let mut immediate = false;
        let mut delivered = Vec::new();
        for raw in chunks {
            let Ok(raw) = raw else { break };
            let Ok(chunk) = Chunk::parse(&raw) else { break };
            match chunk {
                Chunk::Abort { t, causes } => {
                    if (t && vtag == self.peer_tag) || (!t && tag_ok) {
                        self.close(ctx, CloseReason::PeerAbort(causes), None);
                    }
                    break;
                }
                Chunk::ShutdownComplete { t } => {
                    if self.state == State::ShutdownAckSent
                        && ((t && vtag == self.peer_tag) || (!t && tag_ok))
                    {
                        self.close(ctx, CloseReason::Shutdown, None);
                    }
                    break;
                }
                _ if !tag_ok => break,
                Chunk::Data(d) => {
                    if !self.accepts_data() {
                        continue;
                    }
                    had_data = true;
                    immediate |= d.immediate;
                    if d.payload.is_empty() {
                        self.close(
                            ctx,
                            CloseReason::ProtocolViolation(Cause::NoUserData(d.tsn)),
                            Some(vec![Cause::NoUserData(d.tsn)]),
                        );
                        break;
                    }
                    let stream = d.stream;
                    match self.rx.on_data(d, &mut delivered) {
                        Outcome::New | Outcome::Duplicate | Outcome::Dropped => {}
                        Outcome::InvalidStream => self
                            .ctrl
                            .push_back(Chunk::Error(vec![Cause::InvalidStream(stream)])),
                        Outcome::Violation => {
                            let cause = Cause::ProtocolViolation(
                                b"bad fragment sequence or message too large".to_vec(),
                            );
                            self.close(
                                ctx,
                                CloseReason::ProtocolViolation(cause.clone()),
                                Some(vec![cause]),
                            );
                            break;
                        }
                    }
                }
                Chunk::InitAck(ia) => {
                    if self.state == State::CookieWait {
                        self.on_init_ack(ctx, ia);
                    }
                }
                Chunk::Sack(s) => {
                    if self.accepts_data() || self.state == State::ShutdownAckSent {
                        self.on_sack(ctx, &s);
                    }
                }
                Chunk::Heartbeat(info) => {
                    if !matches!(self.state, State::CookieWait | State::CookieEchoed) {
                        self.ctrl.push_back(Chunk::HeartbeatAck(info));
                    }
                }
                Chunk::HeartbeatAck(info) => self.on_heartbeat_ack(ctx, &info),
                Chunk::Shutdown(cum) => self.on_shutdown(ctx, cum),
                Chunk::ShutdownAck => {
                    if matches!(self.state, State::ShutdownSent | State::ShutdownAckSent) {
                        self.final_packets
                            .push(self.packet_with(Chunk::ShutdownComplete { t: false }));
                        self.close(ctx, CloseReason::Shutdown, None);
                        break;
                    }
                }
                Chunk::Error(causes) => self.on_error(ctx, causes),
                Chunk::CookieAck => {
                    if self.state == State::CookieEchoed {
                        self.connected(ctx);
                    }
                }
                Chunk::Init(_) | Chunk::CookieEcho(_) => {}
                Chunk::Unknown { chunk_type, .. } => {
                    let action = UnknownChunkAction::of(chunk_type);
                    if matches!(
                        action,
                        UnknownChunkAction::StopAndReport | UnknownChunkAction::SkipAndReport
                    ) && raw.bytes.len() + 32 <= ctx.cfg.max_packet_size
                    {
                        self.ctrl
                            .push_back(Chunk::Error(vec![Cause::UnrecognizedChunk(
                                raw.bytes.to_vec(),
                            )]));
                    }
                    if matches!(
                        action,
                        UnknownChunkAction::Stop | UnknownChunkAction::StopAndReport
                    ) {
                        break;
                    }
                }
            }
            if self.state == State::Closed {
                break;
            }
        }
        if self.state == State::Closed {
            return;
        }
        if had_data {
            self.rx.on_packet_with_data(immediate);
            if matches!(self.state, State::ShutdownSent | State::ShutdownReceived) {
                self.rx.sack_now = true;
            }
            if !self.rx.sack_now && !self.timers.is_running(Timer::DelayedAck) {
                self.timers
                    .set(Timer::DelayedAck, ctx.now + ctx.cfg.delayed_ack);
            }
        }
        for m in delivered {
            ctx.events.push_back((
                self.id,
                Event::Message {
                    stream: m.stream,
                    ppid: m.ppid,
                    unordered: m.unordered,
                    data: m.data,
                },
            ));
        }
        self.progress(ctx);
    }

    fn accepts_data(&self) -> bool {
        matches!(
            self.state,
            State::Established
                | State::ShutdownPending
                | State::ShutdownSent
                | State::ShutdownReceived
        )
    }

    fn on_init_ack(&mut self, ctx: &mut Ctx<'_>, ia: Init) {
        if ia.initiate_tag == 0 || ia.outbound_streams == 0 || ia.inbound_streams == 0 {
            let cause = Cause::InvalidMandatory;
            self.peer_tag = ia.initiate_tag;
            self.close(
                ctx,
                CloseReason::ProtocolViolation(cause.clone()),
                Some(vec![cause]),
            );
            return;
        }
        let mut cookie = None;
        let mut unrecognized = Vec::new();
        let mut addrs = Vec::new();
        for p in ia.params {
            match p {
                Param::StateCookie(c) => cookie = Some(c),
                Param::Ipv4(a) => addrs.push(IpAddr::V4(a)),
                Param::Ipv6(a) => addrs.push(IpAddr::V6(a)),
                Param::Unknown { param_type, value } => {
                    let action = UnknownParamAction::of(param_type);
                    if matches!(
                        action,
                        UnknownParamAction::StopAndReport | UnknownParamAction::SkipAndReport
                    ) {
                        Param::Unknown { param_type, value }.emit(&mut unrecognized);
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
        self.peer_tag = ia.initiate_tag;
        let Some(cookie) = cookie else {
            let cause = Cause::MissingMandatory(vec![crate::wire::param::ty::STATE_COOKIE]);
            self.close(
                ctx,
                CloseReason::ProtocolViolation(cause.clone()),
                Some(vec![cause]),
            );
            return;
        };
        let cfg = ctx.cfg;
        let out = cfg.outbound_streams.min(ia.inbound_streams);
        let inb = cfg.inbound_streams.min(ia.outbound_streams);
        self.peer_addrs = addrs;
        self.tx = Send::new(
            self.local_tsn,
            out,
            ia.a_rwnd,
            cfg.initial_cwnd(),
            cfg.max_packet_size,
        );
        self.rx = Recv::new(
            ia.initial_tsn,
            inb,
            cfg.receive_window,
            cfg.max_message_size,
        );
        self.state = State::CookieEchoed;
        self.init_retries = 0;
        self.ctrl.push_back(Chunk::CookieEcho(cookie.clone()));
        if !unrecognized.is_empty() && unrecognized.len() + cookie.len() + 40 <= cfg.max_packet_size
        {
            self.ctrl
                .push_back(Chunk::Error(vec![Cause::UnrecognizedParams(unrecognized)]));
        }
        self.cookie = Some(cookie);
        self.timers.set(Timer::T1, ctx.now + self.rto.get());
    }

    fn on_sack(&mut self, ctx: &mut Ctx<'_>, sack: &crate::wire::Sack) {
        let mut rtt = None;
        let r = self.tx.on_sack(sack, ctx.now, &mut rtt);
        if r.violation {
            let cause = Cause::ProtocolViolation(b"SACK acknowledges a TSN never sent".to_vec());
            self.close(
                ctx,
                CloseReason::ProtocolViolation(cause.clone()),
                Some(vec![cause]),
            );
            return;
        }
        if let Some(r) = rtt {
            self.rto.measure(r);
        }
        if r.advanced {
            self.error_count = 0;
        }
        if !self.tx.has_outstanding() {
            self.timers.stop(Timer::T3);
        } else if r.advanced || !self.timers.is_running(Timer::T3) {
            self.timers.set(Timer::T3, ctx.now + self.rto.get());
        }
    }

    fn on_heartbeat_ack(&mut self, ctx: &mut Ctx<'_>, info: &[u8]) {
        let Some((nonce, sent)) = self.heartbeat else {
            return;
        };
        if info != nonce.to_be_bytes() {
            return;
        }
        self.heartbeat = None;
        self.error_count = 0;
        self.rto.measure(ctx.now.saturating_duration_since(sent));
    }

    fn on_shutdown(&mut self, ctx: &mut Ctx<'_>, cum: u32) {
        match self.state {
            State::Established | State::ShutdownPending | State::ShutdownReceived => {
                // SHUTDOWN acknowledges like a SACK without gaps; the window stays.
                let sack = crate::wire::Sack {
                    cum_tsn_ack: cum,
                    a_rwnd: self.tx.peer_window(),
                    gaps: Vec::new(),
                    dups: Vec::new(),
                };
                self.on_sack(ctx, &sack);
                if self.state != State::Closed {
                    self.state = State::ShutdownReceived;
                }
            }
            State::ShutdownSent => {
                self.timers.stop(Timer::T2);
                self.state = State::ShutdownAckSent;
                self.ctrl.push_back(Chunk::ShutdownAck);
                self.timers.set(Timer::T2, ctx.now + self.rto.get());
            }
            _ => {}
        }
    }

    fn on_error(&mut self, ctx: &mut Ctx<'_>, causes: Vec<Cause>) {
        let stale = causes.iter().any(|c| matches!(c, Cause::StaleCookie(_)));
        if stale && self.state == State::CookieEchoed {
            // §5.2.6: start over with a fresh INIT.
            self.init_retries += 1;
            if self.init_retries > ctx.cfg.max_init_retrans {
                self.close(ctx, CloseReason::InitFailed, None);
                return;
            }
            self.state = State::CookieWait;
            self.peer_tag = 0;
            self.ctrl.clear();
            self.init_pending = true;
            self.timers.set(Timer::T1, ctx.now + self.rto.get());
            return;
        }
        ctx.events.push_back((self.id, Event::PeerError(causes)));
    }

    /// Moves the shutdown sequence forward once outstanding data has drained.
    fn progress(&mut self, ctx: &mut Ctx<'_>) {
        match self.state {
            State::ShutdownPending if self.tx.is_idle() => {
                self.state = State::ShutdownSent;
                self.ctrl.push_back(Chunk::Shutdown(self.rx.cum_tsn()));
                self.timers.set(Timer::T2, ctx.now + self.rto.get());
                self.timers.stop(Timer::T3);
            }
            State::ShutdownReceived if self.tx.is_idle() => {
                self.state = State::ShutdownAckSent;
                self.ctrl.push_back(Chunk::ShutdownAck);
                self.timers.set(Timer::T2, ctx.now + self.rto.get());
                self.timers.stop(Timer::T3);
            }
            _ => {}
        }
    }

    // ---- user requests ------------------------------------------------------------

    pub(crate) fn shutdown(&mut self, ctx: &mut Ctx<'_>) {
        match self.state {
            State::Established => {
                self.state = State::ShutdownPending;
                self.progress(ctx);
            }
            State::CookieWait | State::CookieEchoed => {
                self.close(ctx, CloseReason::LocalAbort, None)
            }
            _ => {}
        }
    }

    pub(crate) fn abort(&mut self, ctx: &mut Ctx<'_>) {
        let causes = if self.peer_tag != 0 {
            Some(vec![Cause::UserAbort(Vec::new())])
        } else {
            None
        };
        self.close(ctx, CloseReason::LocalAbort, causes);
    }

    fn close(&mut self, ctx: &mut Ctx<'_>, reason: CloseReason, abort: Option<Vec<Cause>>) {
        if self.state == State::Closed {
            return;
        }
        if let Some(causes) = abort {
            self.final_packets
                .push(self.packet_with(Chunk::Abort { t: false, causes }));
        }
        self.state = State::Closed;
        self.timers.clear();
        self.ctrl.clear();
        ctx.events.push_back((self.id, Event::Closed { reason }));
    }

    fn packet_with(&self, chunk: Chunk) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + chunk.buffer_len());
        self.header(self.peer_tag).start(&mut out);
        chunk.emit(&mut out);
        packet::finish(&mut out);
        out
    }

    fn header(&self, vtag: u32) -> Header {
        Header {
            src_port: self.local_port,
            dst_port: self.peer_port,
            verification_tag: vtag,
        }
    }

    // ---- timers -------------------------------------------------------------------

    pub(crate) fn handle_timeout(&mut self, ctx: &mut Ctx<'_>) {
        for t in self.timers.expired(ctx.now) {
            if self.state == State::Closed {
                return;
            }
            match t {
                Timer::T1 => self.on_t1(ctx),
                Timer::T2 => self.on_t2(ctx),
                Timer::T3 => self.on_t3(ctx),
                Timer::Heartbeat => self.on_heartbeat_timer(ctx),
                Timer::DelayedAck => {
                    if self.rx.sack_pending {
                        self.rx.sack_now = true;
                    }
                }
            }
        }
    }

    fn on_t1(&mut self, ctx: &mut Ctx<'_>) {
        self.init_retries += 1;
        if self.init_retries > ctx.cfg.max_init_retrans {
            self.close(ctx, CloseReason::InitFailed, None);
            return;
        }
        self.rto.back_off();
        match self.state {
            State::CookieWait => self.init_pending = true,
            State::CookieEchoed => {
                if let Some(c) = &self.cookie
                    && !self.ctrl.iter().any(|x| matches!(x, Chunk::CookieEcho(_)))
                {
                    self.ctrl.push_front(Chunk::CookieEcho(c.clone()));
                }
            }
            _ => return,
        }
        self.timers.set(Timer::T1, ctx.now + self.rto.get());
    }

    fn count_error(&mut self, ctx: &mut Ctx<'_>) -> bool {
        self.error_count += 1;
        if self.error_count > ctx.cfg.max_assoc_retrans {
            let abort = (self.state != State::ShutdownAckSent).then(Vec::new);
            self.close(ctx, CloseReason::Timeout, abort);
            return false;
        }
        self.rto.back_off();
        true
    }

    fn on_t2(&mut self, ctx: &mut Ctx<'_>) {
        if !self.count_error(ctx) {
            return;
        }
        let chunk = match self.state {
            State::ShutdownSent => Chunk::Shutdown(self.rx.cum_tsn()),
            State::ShutdownAckSent => Chunk::ShutdownAck,
            _ => return,
        };
        if !self.ctrl.contains(&chunk) {
            self.ctrl.push_back(chunk);
        }
        self.timers.set(Timer::T2, ctx.now + self.rto.get());
    }

    fn on_t3(&mut self, ctx: &mut Ctx<'_>) {
        if !self.tx.has_outstanding() {
            return;
        }
        if !self.count_error(ctx) {
            return;
        }
        self.tx.on_t3_expiry();
        self.timers.set(Timer::T3, ctx.now + self.rto.get());
    }

    fn on_heartbeat_timer(&mut self, ctx: &mut Ctx<'_>) {
        if !matches!(
            self.state,
            State::Established
                | State::ShutdownPending
                | State::ShutdownReceived
                | State::ShutdownSent
        ) {
            return;
        }
        if self.heartbeat.is_some() && !self.count_error(ctx) {
            return;
        }
        if self.tx.has_outstanding() {
            // The path is not idle: T3 supervises it.
            self.heartbeat = None;
        } else {
            let nonce = ctx.prf.next_u64();
            self.heartbeat = Some((nonce, ctx.now));
            self.ctrl
                .push_back(Chunk::Heartbeat(nonce.to_be_bytes().to_vec()));
        }
        self.schedule_heartbeat(ctx);
    }

    // ---- output -------------------------------------------------------------------

    fn init_chunk(&self, cfg: &Config) -> Chunk {
        Chunk::Init(Init {
            initiate_tag: self.local_tag,
            a_rwnd: cfg.receive_window,
            outbound_streams: cfg.outbound_streams,
            inbound_streams: cfg.inbound_streams,
            initial_tsn: self.local_tsn,
            params: vec![Param::SupportedAddressTypes(vec![
                crate::wire::param::ty::IPV4,
                crate::wire::param::ty::IPV6,
            ])],
        })
    }

    /// Builds the next packet, bundling control chunks, a SACK, retransmissions and new
    /// DATA in that order up to `max_packet_size`.
    pub(crate) fn poll_transmit(&mut self, now: Instant, cfg: &Config) -> Option<Vec<u8>> {
        if self.state == State::Closed {
            return None;
        }
        let max = cfg.max_packet_size;
        if self.init_pending {
            self.init_pending = false;
            let mut out = Vec::with_capacity(64);
            self.header(0).start(&mut out);
            self.init_chunk(cfg).emit(&mut out);
            packet::finish(&mut out);
            return Some(out);
        }
        if self.state == State::CookieWait {
            return None;
        }
        let mut out = Vec::with_capacity(max);
        self.header(self.peer_tag).start(&mut out);
        while let Some(c) = self.ctrl.front() {
            let l = c.buffer_len();
            if out.len() + l > max && out.len() > packet::HEADER_LEN {
                break;
            }
            let Some(c) = self.ctrl.pop_front() else {
                break;
            };
            if packet::HEADER_LEN + l <= max.max(packet::HEADER_LEN + 64) {
                c.emit(&mut out);
            }
        }
        if self.state == State::CookieEchoed {
            return self.finish(out);
        }
        let data_ok = matches!(
            self.state,
            State::Established | State::ShutdownPending | State::ShutdownReceived
        );
        let sending_data = data_ok && self.tx.wants_to_send();
        if self.rx.sack_now
            || (self.rx.sack_pending && (sending_data || out.len() > packet::HEADER_LEN))
        {
            let sack = Chunk::Sack(self.rx.make_sack());
            if out.len() + sack.buffer_len() <= max {
                sack.emit(&mut out);
                self.timers.stop(Timer::DelayedAck);
            } else {
                self.rx.sack_now = true;
            }
        }
        if data_ok && max > out.len() {
            let room = max - out.len();
            if self.tx.fill(&mut out, room, now) {
                if !self.timers.is_running(Timer::T3) {
                    self.timers.set(Timer::T3, now + self.rto.get());
                }
                self.heartbeat = None;
                self.timers.set(
                    Timer::Heartbeat,
                    now + self.rto.get() + cfg.heartbeat_interval,
                );
            }
        }
        self.finish(out)
    }

    fn finish(&self, mut out: Vec<u8>) -> Option<Vec<u8>> {
        if out.len() <= packet::HEADER_LEN {
            return None;
        }
        packet::finish(&mut out);
        Some(out)
    }

    /// Whether the association has anything it could put in a packet now.
    pub(crate) fn wants_transmit(&self) -> bool {
        self.state != State::Closed
            && (self.init_pending
                || !self.ctrl.is_empty()
                || self.rx.sack_now
                || self.tx.wants_to_send())
    }
}
