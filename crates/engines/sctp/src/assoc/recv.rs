//! Receive side: TSN tracking, SACK contents (§6.2, §6.7), reassembly (§6.9) and
//! per-stream ordered / unordered delivery (§6.5, §6.6).

use crate::seq::{widen16, widen32};
use crate::wire::{Data, GapBlock, Sack};
use std::collections::{BTreeMap, BTreeSet};

/// Accounting cost of a buffered chunk beyond its payload, so that floods of tiny
/// chunks are bounded as well as large ones.
const CHUNK_OVERHEAD: usize = 64;
/// Most duplicate TSNs reported in one SACK.
const MAX_DUPS: usize = 16;
/// Most gap ack blocks reported in one SACK.
const MAX_GAPS: usize = 64;

/// A complete user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub stream: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub data: Vec<u8>,
}

/// What became of one received DATA chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// New TSN, accepted.
    New,
    /// Already received.
    Duplicate,
    /// No room; not acknowledged, the peer retransmits.
    Dropped,
    /// The stream does not exist (§6.5): acknowledged and discarded.
    InvalidStream,
    /// Fragments that cannot form a message, or one larger than allowed.
    Violation,
}

#[derive(Debug)]
struct InStream {
    /// Widened SSN expected next (starts one wrap in, so that widening never underflows).
    next: u64,
    /// Complete messages waiting for an earlier SSN, with their accounting cost.
    waiting: BTreeMap<u64, (Message, usize)>,
}

impl Default for InStream {
    fn default() -> Self {
        Self {
            next: 1 << 16,
            waiting: BTreeMap::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Recv {
    /// Widened cumulative TSN: the highest TSN received with no gap below it.
    cum: u64,
    above: BTreeSet<u64>,
    dups: Vec<u32>,
    frags: BTreeMap<u64, Data>,
    streams: Vec<InStream>,
    buffered: usize,
    capacity: usize,
    max_message: usize,
    /// Packets with DATA since the last SACK.
    unacked_packets: u32,
    /// Something to acknowledge.
    pub(crate) sack_pending: bool,
    /// Acknowledge without delay.
    pub(crate) sack_now: bool,
}

impl Recv {
    pub(crate) fn new(
        peer_initial_tsn: u32,
        streams: u16,
        capacity: u32,
        max_message: usize,
    ) -> Self {
        Self {
            cum: (1u64 << 32) + peer_initial_tsn.wrapping_sub(1) as u64,
            above: BTreeSet::new(),
            dups: Vec::new(),
            frags: BTreeMap::new(),
            streams: (0..streams).map(|_| InStream::default()).collect(),
            buffered: 0,
            capacity: capacity as usize,
            max_message,
            unacked_packets: 0,
            sack_pending: false,
            sack_now: false,
        }
    }

    /// The cumulative TSN ack as carried on the wire.
    pub(crate) fn cum_tsn(&self) -> u32 {
        self.cum as u32
    }

    pub(crate) fn a_rwnd(&self) -> u32 {
        self.capacity.saturating_sub(self.buffered) as u32
    }

    /// Accepts one DATA chunk; complete messages are appended to `out`.
    pub(crate) fn on_data(&mut self, d: Data, out: &mut Vec<Message>) -> Outcome {
        let tsn = widen32(self.cum, d.tsn);
        if tsn <= self.cum || self.above.contains(&tsn) {
            if self.dups.len() < MAX_DUPS {
                self.dups.push(d.tsn);
            }
            self.sack_now = true;
            return Outcome::Duplicate;
        }
        // Gap ack blocks reach 65,535 TSNs past the cumulative ack, no further.
        if tsn - self.cum > u16::MAX as u64 {
            return Outcome::Dropped;
        }
        let cost = d.payload.len() + CHUNK_OVERHEAD;
        let limit = if tsn == self.cum + 1 {
            // The next in-order chunk may use headroom for one message, so that a full
            // buffer of out-of-order data can always be unblocked.
            self.capacity + self.max_message
        } else {
            self.capacity
        };
        if self.buffered + cost > limit {
            return Outcome::Dropped;
        }
        self.mark(tsn);
        if d.stream as usize >= self.streams.len() {
            return Outcome::InvalidStream;
        }
        if d.begin && d.end {
            self.buffered += cost;
            self.complete(
                Message {
                    stream: d.stream,
                    ppid: d.ppid,
                    unordered: d.unordered,
                    data: d.payload,
                },
                d.ssn,
                cost,
                out,
            );
            return Outcome::New;
        }
        self.buffered += cost;
        self.frags.insert(tsn, d);
        if self.reassemble(tsn, out) {
            Outcome::New
        } else {
            Outcome::Violation
        }
    }

    fn mark(&mut self, tsn: u64) {
        if tsn != self.cum + 1 {
            self.sack_now = true; // out of order: SACK at once (§6.7)
        }
        self.above.insert(tsn);
        while self.above.remove(&(self.cum + 1)) {
            self.cum += 1;
        }
        if !self.above.is_empty() {
            self.sack_now = true;
        }
    }

    /// Tries to complete the message containing fragment `tsn`. False on a violation.
    fn reassemble(&mut self, tsn: u64, out: &mut Vec<Message>) -> bool {
        let mut first = tsn;
        while !self.frags[&first].begin {
            if !self.frags.contains_key(&(first - 1)) {
                return self.check_size(first, tsn);
            }
            first -= 1;
        }
        let mut last = tsn;
        while !self.frags[&last].end {
            if !self.frags.contains_key(&(last + 1)) {
                return self.check_size(first, last);
            }
            last += 1;
        }
        let head = &self.frags[&first];
        let (stream, ssn, ppid, unordered) = (head.stream, head.ssn, head.ppid, head.unordered);
        let mut size = 0usize;
        let mut ok = true;
        for (t, f) in self.frags.range(first..=last) {
            ok &= f.stream == stream
                && f.unordered == unordered
                && (unordered || f.ssn == ssn)
                && (*t == last || !f.end);
            size += f.payload.len();
        }
        if !ok || size > self.max_message {
            return false;
        }
        let mut data = Vec::with_capacity(size);
        let mut cost = 0;
        for t in first..=last {
            if let Some(f) = self.frags.remove(&t) {
                cost += f.payload.len() + CHUNK_OVERHEAD;
                data.extend_from_slice(&f.payload);
            }
        }
        let msg = Message {
            stream,
            ppid,
            unordered,
            data,
        };
        self.complete(msg, ssn, cost, out);
        true
    }

    /// A partial message must not outgrow the message size limit.
    fn check_size(&self, first: u64, last: u64) -> bool {
        let size: usize = self
            .frags
            .range(first..=last)
            .map(|(_, f)| f.payload.len())
            .sum();
        size <= self.max_message
    }

    fn complete(&mut self, msg: Message, ssn: u16, cost: usize, out: &mut Vec<Message>) {
        if msg.unordered {
            self.buffered -= cost;
            out.push(msg);
            return;
        }
        let s = &mut self.streams[msg.stream as usize];
        let key = widen16(s.next, ssn);
        if key < s.next || s.waiting.contains_key(&key) {
            self.buffered -= cost;
            return; // the TSN was new but the SSN was not: the peer reused it; drop
        }
        s.waiting.insert(key, (msg, cost));
        while let Some((m, c)) = s.waiting.remove(&s.next) {
            self.buffered -= c;
            out.push(m);
            s.next += 1;
        }
    }

    /// Called once per received packet that carried DATA.
    pub(crate) fn on_packet_with_data(&mut self, immediate: bool) {
        self.sack_pending = true;
        self.unacked_packets += 1;
        if self.unacked_packets >= 2 || immediate {
            self.sack_now = true;
        }
    }

    /// Builds a SACK and resets the acknowledgement state.
    pub(crate) fn make_sack(&mut self) -> Sack {
        let mut gaps = Vec::new();
        let mut run: Option<(u64, u64)> = None;
        for &t in &self.above {
            match run {
                Some((s, e)) if t == e + 1 => run = Some((s, t)),
                Some((s, e)) => {
                    gaps.push((s, e));
                    run = Some((t, t));
                }
                None => run = Some((t, t)),
            }
            if gaps.len() >= MAX_GAPS {
                break;
            }
        }
        if let Some(r) = run
            && gaps.len() < MAX_GAPS
        {
            gaps.push(r);
        }
        let gaps = gaps
            .into_iter()
            .map(|(s, e)| GapBlock {
                start: (s - self.cum) as u16,
                end: (e - self.cum) as u16,
            })
            .collect();
        self.sack_pending = false;
        self.sack_now = false;
        self.unacked_packets = 0;
        Sack {
            cum_tsn_ack: self.cum_tsn(),
            a_rwnd: self.a_rwnd(),
            gaps,
            dups: std::mem::take(&mut self.dups),
        }
    }
}

impl Recv {
    /// Number of inbound streams.
    pub(crate) fn streams(&self) -> u16 {
        self.streams.len() as u16
    }
}
