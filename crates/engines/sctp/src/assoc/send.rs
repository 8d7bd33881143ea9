//! Send side: the queue of user data, outstanding chunks, SACK processing (§6.2.1),
//! retransmission marking (§6.3.3, §7.2.4) and congestion control (§7.2).

use crate::seq::tsn_lt;
use crate::wire::chunk::{DATA_HEADER_LEN, ty};
use crate::wire::{GapBlock, Sack};
use std::collections::VecDeque;
use std::time::Instant;

/// A DATA chunk waiting for, or holding, a TSN.
#[derive(Debug, Clone)]
pub(crate) struct TxChunk {
    pub stream: u16,
    pub ssn: u16,
    pub ppid: u32,
    pub unordered: bool,
    pub begin: bool,
    pub end: bool,
    pub payload: Vec<u8>,
}

impl TxChunk {
    fn wire_len(&self) -> usize {
        DATA_HEADER_LEN + self.payload.len() + crate::wire::chunk_padding(self.payload.len())
    }

    fn emit(&self, tsn: u32, out: &mut Vec<u8>) {
        let flags = (self.unordered as u8) << 2 | (self.begin as u8) << 1 | self.end as u8;
        out.push(ty::DATA);
        out.push(flags);
        out.extend_from_slice(&((DATA_HEADER_LEN + self.payload.len()) as u16).to_be_bytes());
        out.extend_from_slice(&tsn.to_be_bytes());
        out.extend_from_slice(&self.stream.to_be_bytes());
        out.extend_from_slice(&self.ssn.to_be_bytes());
        out.extend_from_slice(&self.ppid.to_be_bytes());
        out.extend_from_slice(&self.payload);
        out.resize(
            out.len() + crate::wire::chunk_padding(self.payload.len()),
            0,
        );
    }
}

#[derive(Debug)]
struct Sent {
    chunk: TxChunk,
    sent_at: Instant,
    tx_count: u32,
    /// Reported in a gap ack block by the latest SACK.
    acked: bool,
    /// Counted in the flight size.
    in_flight: bool,
    /// Marked for retransmission.
    rtx: bool,
    /// Miss indications (§7.2.4).
    misses: u8,
    /// Already fast-retransmitted once.
    fast_done: bool,
}

/// What a SACK did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SackResult {
    /// The cumulative ack advanced.
    pub advanced: bool,
    /// The SACK acknowledged a TSN that was never sent.
    pub violation: bool,
}

#[derive(Debug)]
pub(crate) struct Send {
    queue: VecDeque<TxChunk>,
    queued_bytes: usize,
    /// Chunks with TSNs, in TSN order; the first has TSN `cum_ack + 1`.
    sent: VecDeque<Sent>,
    next_tsn: u32,
    cum_ack: u32,
    flight: usize,
    pub(crate) cwnd: usize,
    ssthresh: usize,
    partial_acked: usize,
    peer_rwnd: usize,
    fast_recovery_exit: Option<u32>,
    rtt_probe: Option<u32>,
    rtx_marked: usize,
    /// One packet of fast retransmissions may go regardless of cwnd.
    fast_burst: bool,
    out_ssn: Vec<u16>,
    mtu: usize,
}

impl Send {
    pub(crate) fn new(
        initial_tsn: u32,
        streams: u16,
        peer_rwnd: u32,
        cwnd: usize,
        mtu: usize,
    ) -> Self {
        Self {
            queue: VecDeque::new(),
            queued_bytes: 0,
            sent: VecDeque::new(),
            next_tsn: initial_tsn,
            cum_ack: initial_tsn.wrapping_sub(1),
            flight: 0,
            cwnd,
            ssthresh: peer_rwnd as usize,
            partial_acked: 0,
            peer_rwnd: peer_rwnd as usize,
            fast_recovery_exit: None,
            rtt_probe: None,
            rtx_marked: 0,
            fast_burst: false,
            out_ssn: vec![0; streams as usize],
            mtu,
        }
    }

    pub(crate) fn streams(&self) -> u16 {
        self.out_ssn.len() as u16
    }

    pub(crate) fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Nothing queued and nothing unacknowledged.
    pub(crate) fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.sent.is_empty()
    }

    /// The peer's last advertised window, as a SACK would carry it.
    pub(crate) fn peer_window(&self) -> u32 {
        (self.peer_rwnd + self.flight).min(u32::MAX as usize) as u32
    }

    pub(crate) fn has_outstanding(&self) -> bool {
        !self.sent.is_empty()
    }

    /// Queues one message, fragmented to `max_fragment` octets per chunk.
    pub(crate) fn push(
        &mut self,
        stream: u16,
        ppid: u32,
        unordered: bool,
        data: Vec<u8>,
        max_fragment: usize,
    ) {
        let ssn = if unordered {
            0
        } else {
            let s = &mut self.out_ssn[stream as usize];
            let v = *s;
            *s = s.wrapping_add(1);
            v
        };
        self.queued_bytes += data.len();
        let chunk = |payload: Vec<u8>, begin: bool, end: bool| TxChunk {
            stream,
            ssn,
            ppid,
            unordered,
            begin,
            end,
            payload,
        };
        if data.len() <= max_fragment {
            self.queue.push_back(chunk(data, true, true));
            return;
        }
        let n = data.len().div_ceil(max_fragment);
        for (i, part) in data.chunks(max_fragment).enumerate() {
            self.queue
                .push_back(chunk(part.to_vec(), i == 0, i + 1 == n));
        }
    }

    /// Whether a packet built now would carry DATA.
    pub(crate) fn wants_to_send(&self) -> bool {
        (self.rtx_marked > 0 && (self.fast_burst || self.flight < self.cwnd))
            || (!self.queue.is_empty()
                && self.flight < self.cwnd
                && (self.flight == 0 || self.peer_rwnd >= self.queue[0].payload.len()))
    }

    /// Appends retransmissions, then new DATA, while they fit in `room` octets and the
    /// windows allow. Returns whether any DATA was written.
    pub(crate) fn fill(&mut self, out: &mut Vec<u8>, room: usize, now: Instant) -> bool {
        let start = out.len();
        let mut wrote = false;
        if self.rtx_marked > 0 && (self.fast_burst || self.flight < self.cwnd) {
            for (i, s) in self.sent.iter_mut().enumerate() {
                if self.rtx_marked == 0 {
                    break;
                }
                if !s.rtx {
                    continue;
                }
                if out.len() - start + s.chunk.wire_len() > room {
                    break;
                }
                let tsn = self.cum_ack.wrapping_add(1 + i as u32);
                s.chunk.emit(tsn, out);
                s.rtx = false;
                s.tx_count += 1;
                s.sent_at = now;
                s.in_flight = true;
                self.flight += s.chunk.payload.len();
                self.rtx_marked -= 1;
                if self.rtt_probe == Some(tsn) {
                    self.rtt_probe = None; // Karn: no RTT from retransmitted chunks
                }
                wrote = true;
            }
            self.fast_burst = false;
        }
        while self.rtx_marked == 0 {
            let Some(c) = self.queue.front() else { break };
            let len = c.payload.len();
            if self.flight >= self.cwnd
                || (self.flight > 0 && self.peer_rwnd < len)
                || out.len() - start + c.wire_len() > room
            {
                break;
            }
            let Some(c) = self.queue.pop_front() else {
                break;
            };
            let tsn = self.next_tsn;
            self.next_tsn = self.next_tsn.wrapping_add(1);
            c.emit(tsn, out);
            self.queued_bytes -= len;
            self.flight += len;
            self.peer_rwnd = self.peer_rwnd.saturating_sub(len);
            if self.rtt_probe.is_none() {
                self.rtt_probe = Some(tsn);
            }
            self.sent.push_back(Sent {
                chunk: c,
                sent_at: now,
                tx_count: 1,
                acked: false,
                in_flight: true,
                rtx: false,
                misses: 0,
                fast_done: false,
            });
            wrote = true;
        }
        wrote
    }

    /// Processes a SACK's cumulative ack, gap blocks and window. `rtt` receives an RTT
    /// sample when one is available.
    pub(crate) fn on_sack(
        &mut self,
        sack: &Sack,
        now: Instant,
        rtt: &mut Option<std::time::Duration>,
    ) -> SackResult {
        let mut res = SackResult::default();
        let cum = sack.cum_tsn_ack;
        if tsn_lt(cum, self.cum_ack) {
            return res; // an old SACK, reordered (§6.2.1 D i)
        }
        let outstanding = self.sent.len() as u32;
        let advance = cum.wrapping_sub(self.cum_ack);
        if advance > outstanding {
            res.violation = true;
            return res;
        }
        let was_limited = self.flight + self.mtu >= self.cwnd;
        let mut bytes_acked = 0usize;
        for _ in 0..advance {
            let Some(s) = self.sent.pop_front() else {
                break;
            };
            self.cum_ack = self.cum_ack.wrapping_add(1);
            let len = s.chunk.payload.len();
            if s.in_flight {
                self.flight -= len;
            }
            if s.rtx {
                self.rtx_marked -= 1;
            }
            if !s.acked {
                bytes_acked += len;
            }
            if self.rtt_probe == Some(self.cum_ack) {
                self.rtt_probe = None;
                if s.tx_count == 1 {
                    *rtt = Some(now.saturating_duration_since(s.sent_at));
                }
            }
        }
        res.advanced = advance > 0;

        // Gap blocks, validated against what is outstanding.
        let n = self.sent.len() as u32;
        let in_block = |gaps: &[GapBlock], off: u32| {
            gaps.iter()
                .any(|g| g.start <= g.end && off >= g.start as u32 && off <= g.end as u32)
        };
        let mut highest_acked: Option<u32> = None;
        if !sack.gaps.is_empty() {
            for (i, s) in self.sent.iter_mut().enumerate() {
                let off = i as u32 + 1;
                let now_acked = in_block(&sack.gaps, off);
                if now_acked {
                    highest_acked = Some(off);
                    if !s.acked {
                        bytes_acked += s.chunk.payload.len();
                        if s.in_flight {
                            s.in_flight = false;
                            self.flight -= s.chunk.payload.len();
                        }
                        if s.rtx {
                            s.rtx = false;
                            self.rtx_marked -= 1;
                        }
                    }
                }
                s.acked = now_acked;
            }
        } else {
            for s in self.sent.iter_mut() {
                s.acked = false; // renege (§6.2.1): will go again on T3
            }
        }
        let _ = n;

        // Fast retransmit (§7.2.4): TSNs below the highest gap-acked TSN were missed.
        if let Some(high) = highest_acked {
            let in_recovery = self.fast_recovery_exit.is_some();
            let mut newly_marked = false;
            for (i, s) in self.sent.iter_mut().enumerate() {
                if i as u32 + 1 >= high {
                    break;
                }
                if s.acked || s.fast_done || s.rtx || in_recovery && !res.advanced {
                    continue;
                }
                s.misses += 1;
                if s.misses >= 3 {
                    s.misses = 0;
                    s.fast_done = true;
                    s.rtx = true;
                    if s.in_flight {
                        s.in_flight = false;
                        self.flight -= s.chunk.payload.len();
                    }
                    self.rtx_marked += 1;
                    newly_marked = true;
                }
            }
            if newly_marked {
                self.fast_burst = true;
                if !in_recovery {
                    self.ssthresh = (self.cwnd / 2).max(4 * self.mtu);
                    self.cwnd = self.ssthresh;
                    self.partial_acked = 0;
                    self.fast_recovery_exit = Some(self.next_tsn.wrapping_sub(1));
                }
            }
        }
        if let Some(exit) = self.fast_recovery_exit
            && !tsn_lt(self.cum_ack, exit)
        {
            self.fast_recovery_exit = None;
        }

        // Congestion window growth (§7.2.1, §7.2.2), only when the cum ack advances.
        if res.advanced && self.fast_recovery_exit.is_none() && was_limited {
            if self.cwnd <= self.ssthresh {
                self.cwnd += bytes_acked.min(self.mtu);
            } else {
                self.partial_acked += bytes_acked;
                if self.partial_acked >= self.cwnd {
                    self.partial_acked -= self.cwnd;
                    self.cwnd += self.mtu;
                }
            }
        }
        if self.flight == 0 {
            self.partial_acked = 0;
        }
        self.peer_rwnd = (sack.a_rwnd as usize).saturating_sub(self.flight);
        res
    }

    /// T3-rtx expired (§6.3.3): everything unacknowledged goes again, one MTU at a time.
    pub(crate) fn on_t3_expiry(&mut self) {
        self.ssthresh = (self.cwnd / 2).max(4 * self.mtu);
        self.cwnd = self.mtu;
        self.partial_acked = 0;
        self.fast_recovery_exit = None;
        self.rtt_probe = None;
        for s in self.sent.iter_mut() {
            if s.in_flight {
                s.in_flight = false;
                self.flight -= s.chunk.payload.len();
            }
            if !s.acked && !s.rtx {
                s.rtx = true;
                self.rtx_marked += 1;
            }
        }
    }

    /// Drops everything (peer restart).
    pub(crate) fn discard_all(&mut self) {
        self.queue.clear();
        self.queued_bytes = 0;
        self.sent.clear();
        self.flight = 0;
        self.rtx_marked = 0;
    }
}
