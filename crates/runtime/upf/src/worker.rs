//! One packet worker: a plain thread owning an N3 socket, a TUN queue, a
//! [`Dataplane`] and preallocated buffer rings.
//!
//! Each turn: one forwarding table snapshot (an `arc_swap::Cache`: a pointer compare
//! when nothing changed), then up to a batch from N3 (`recvmmsg`) through
//! [`Dataplane::handle_n3_batch`], inner packets written to the TUN, replies / N9
//! packets sent with one `sendmmsg`; then up to a batch read from the TUN
//! ([`TunReader`]: io_uring multishot or `read(2)`) through
//! [`Dataplane::handle_n6_batch`], encapsulated in place in each buffer's headroom,
//! sent with one `sendmmsg` straight from those buffers. When both sides are drained
//! the thread sleeps ([`TunReader::wait`]: in `io_uring_enter` or `poll(2)`).

use std::io;
use std::net::UdpSocket;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, Cache};
use ferrocore_upf::{
    DL_HEADROOM, Dataplane, DataplaneStats, DropReason, ForwardingTable, N3Packet, N6Packet,
    Notification, Signal, Verdict,
};
use prometheus_client::metrics::counter::Counter;
use tokio::sync::mpsc;
use tun_rs::SyncDevice;

use crate::batch::{RecvBatch, SendBatch};
use crate::metrics::{IoDrop, KindLabel, Metrics};
use crate::n6_read::{N6ReadMode, N6ReadPath, TunReader};

/// How long an idle worker sleeps before looking at the stop flag again.
const IDLE_POLL_MS: i32 = 20;
/// How often a busy worker adds its counters to the shared metrics.
const METRICS_EVERY: Duration = Duration::from_millis(10);

pub(crate) struct WorkerParts {
    pub id: usize,
    pub dp: Dataplane,
    pub table: Arc<ArcSwap<ForwardingTable>>,
    pub n3: UdpSocket,
    pub tun: SyncDevice,
    pub n6_read: N6ReadMode,
    /// Where the worker says which N6 read path it got (or why it has none).
    pub ready: std::sync::mpsc::Sender<io::Result<N6ReadPath>>,
    pub batch: usize,
    pub slot_len: usize,
    pub notify: mpsc::Sender<Notification>,
    pub metrics: Metrics,
    pub stop: Arc<AtomicBool>,
    pub cpu: Option<usize>,
}

/// This worker's own counters, and what was already added to the shared ones.
#[derive(Default, Clone, Copy)]
struct Io {
    n3_rx: (u64, u64),
    n3_tx: (u64, u64),
    n6_rx: (u64, u64),
    n6_tx: (u64, u64),
    io_drops: [u64; 3],
    signals: [u64; 3],
    notifications_dropped: u64,
}

struct Exporter {
    m: Metrics,
    drops: Vec<Counter>,
    io_drops: Vec<Counter>,
    signals: Vec<Counter>,
    last_io: Io,
    last_dp: DataplaneStats,
    last_at: Instant,
}

impl Exporter {
    fn new(m: Metrics) -> Self {
        Exporter {
            drops: DropReason::ALL
                .iter()
                .map(|d| m.drop_counter(d.name()))
                .collect(),
            io_drops: IoDrop::ALL
                .iter()
                .map(|d| m.drop_counter(d.name()))
                .collect(),
            signals: ["EchoResponse", "ErrorIndication", "EndMarker"]
                .into_iter()
                .map(|kind| m.gtpu_signals.get_or_create(&KindLabel { kind }).clone())
                .collect(),
            m,
            last_io: Io::default(),
            last_dp: DataplaneStats::default(),
            last_at: Instant::now(),
        }
    }

    fn export(&mut self, io: &Io, dp: &DataplaneStats, now: Instant) {
        self.last_at = now;
        let l = &self.last_io;
        let add = |c: &Counter, new: u64, old: u64| {
            if new > old {
                c.inc_by(new - old);
            }
        };
        let m = &self.m;
        add(&m.n3_rx_packets, io.n3_rx.0, l.n3_rx.0);
        add(&m.n3_rx_bytes, io.n3_rx.1, l.n3_rx.1);
        add(&m.n3_tx_packets, io.n3_tx.0, l.n3_tx.0);
        add(&m.n3_tx_bytes, io.n3_tx.1, l.n3_tx.1);
        add(&m.n6_rx_packets, io.n6_rx.0, l.n6_rx.0);
        add(&m.n6_rx_bytes, io.n6_rx.1, l.n6_rx.1);
        add(&m.n6_tx_packets, io.n6_tx.0, l.n6_tx.0);
        add(&m.n6_tx_bytes, io.n6_tx.1, l.n6_tx.1);
        add(
            &m.notifications_dropped,
            io.notifications_dropped,
            l.notifications_dropped,
        );
        for (i, c) in self.io_drops.iter().enumerate() {
            add(c, io.io_drops[i], l.io_drops[i]);
        }
        for (i, c) in self.signals.iter().enumerate() {
            add(c, io.signals[i], l.signals[i]);
        }
        let d = &self.last_dp;
        for (i, c) in self.drops.iter().enumerate() {
            add(
                c,
                dp.drops.get(i).copied().unwrap_or(0),
                d.drops.get(i).copied().unwrap_or(0),
            );
        }
        add(&m.buffered_packets, dp.buffered, d.buffered);
        add(&m.echo_replies, dp.echo_replies, d.echo_replies);
        add(
            &m.router_advertisements,
            dp.router_advertisements,
            d.router_advertisements,
        );
        add(
            &m.error_indications_sent,
            dp.error_indications,
            d.error_indications,
        );
        self.last_io = *io;
        self.last_dp = dp.clone();
    }
}

pub(crate) fn run(p: WorkerParts) {
    let WorkerParts {
        id,
        mut dp,
        table,
        n3,
        tun,
        n6_read,
        ready,
        batch,
        slot_len,
        notify,
        metrics,
        stop,
        cpu,
    } = p;
    if let Some(cpu) = cpu {
        pin(cpu);
    }
    let span = tracing::info_span!("upf_worker", id);
    let _enter = span.enter();
    let reader = tun
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| TunReader::new(fd, n6_read, batch, slot_len, DL_HEADROOM));
    let mut n6 = match reader {
        Ok(r) => {
            tracing::info!(path = %r.path(), "N6 read path");
            let _ = ready.send(Ok(r.path()));
            r
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    drop(ready);
    let mut cache = Cache::new(table);
    let n3_fd = n3.as_raw_fd();
    let mut ul = RecvBatch::new(batch, slot_len, 0);
    let mut ul_tx = SendBatch::new(batch);
    let mut dl_slot: Vec<usize> = Vec::with_capacity(batch);
    let mut dl_tx = SendBatch::new(batch);
    let mut io = Io::default();
    let mut exporter = Exporter::new(metrics);
    let mut busy = false;
    // The batch descriptors' storage, kept across batches (see `recycle`).
    let mut n3_pkts: Vec<N3Packet<'static>> = Vec::with_capacity(batch);
    let mut n6_pkts: Vec<N6Packet<'static>> = Vec::with_capacity(batch);
    let mut n3_slot: Vec<usize> = Vec::with_capacity(batch);
    tracing::debug!("started");
    while !stop.load(Ordering::Relaxed) {
        // While a side filled its last batch both are tried again at once; otherwise
        // the thread sleeps in poll(2) and then reads only the side that is readable.
        let ready = if busy {
            [true, true]
        } else {
            n6.wait(n3_fd, IDLE_POLL_MS)
        };
        if ready == [false, false] {
            exporter.export(&io, dp.stats(), Instant::now());
            continue;
        }
        let now = Instant::now();
        let table = cache.load();

        // Uplink (and N3 signalling, N9): the whole batch through the data plane
        // (sessions looked up for the batch first), then the verdicts carried out.
        let n = match if ready[0] { ul.recv(n3_fd) } else { Ok(0) } {
            Ok(n) => n,
            Err(e) => {
                tracing::debug!(error = %e, "N3 recvmmsg");
                0
            }
        };
        if n > 0 {
            let mut pkts = recycle(std::mem::take(&mut n3_pkts));
            n3_slot.clear();
            for r in ul.received_mut() {
                io.n3_rx.0 += 1;
                io.n3_rx.1 += r.len as u64;
                if r.truncated {
                    io.io_drops[0] += 1;
                    continue;
                }
                let Some(src) = r.src else { continue };
                n3_slot.push(r.slot);
                pkts.push(N3Packet::new(src, r.buf, r.len));
            }
            dp.handle_n3_batch(table, now, &mut pkts);
            for (p, &slot) in pkts.iter().zip(n3_slot.iter()) {
                match &p.verdict {
                    Verdict::N6 { range } => {
                        let pkt = p.buf.get(range.clone()).unwrap_or_default();
                        match tun.send(pkt) {
                            Ok(_) => {
                                io.n6_tx.0 += 1;
                                io.n6_tx.1 += pkt.len() as u64;
                            }
                            Err(_) => io.io_drops[2] += 1,
                        }
                    }
                    Verdict::N3 { dst, range } | Verdict::Reply { dst, range } => {
                        ul_tx.push(slot, range.clone(), *dst);
                    }
                    Verdict::Signal(s) => {
                        let k = match s {
                            Signal::EchoResponse { .. } => 0,
                            Signal::ErrorIndication { .. } => 1,
                            Signal::EndMarker { .. } => 2,
                        };
                        io.signals[k] += 1;
                        tracing::debug!(signal = ?s, "GTP-U signalling");
                    }
                    Verdict::Buffered | Verdict::Drop(_) => {}
                }
            }
            n3_pkts = recycle(pkts);
        }
        if !ul_tx.is_empty() {
            let s = ul_tx.flush(n3_fd, ul.slots());
            io.n3_tx.0 += s.packets;
            io.n3_tx.1 += s.bytes;
            io.io_drops[1] += s.failed;
        }

        // Downlink: up to a batch from the TUN, then the batch through the data plane,
        // encapsulated in each buffer's headroom, then one sendmmsg from those buffers.
        let m = match if ready[1] { n6.read_batch() } else { Ok(0) } {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!(error = %e, "TUN read");
                0
            }
        };
        if m > 0 {
            let mut pkts = recycle(std::mem::take(&mut n6_pkts));
            dl_slot.clear();
            for (slot, buf) in n6.packets_mut() {
                io.n6_rx.0 += 1;
                io.n6_rx.1 += (buf.len() - DL_HEADROOM) as u64;
                dl_slot.push(slot);
                pkts.push(N6Packet::new(buf));
            }
            dp.handle_n6_batch(table, now, &mut pkts);
            for (p, &slot) in pkts.iter().zip(dl_slot.iter()) {
                if let Verdict::N3 { dst, range } = &p.verdict {
                    dl_tx.push(slot, range.clone(), *dst);
                }
            }
            n6_pkts = recycle(pkts);
        }
        if !dl_tx.is_empty() {
            let s = dl_tx.flush(n3_fd, &n6);
            io.n3_tx.0 += s.packets;
            io.n3_tx.1 += s.bytes;
            io.io_drops[1] += s.failed;
        }

        while let Some(note) = dp.poll_notification() {
            if notify.try_send(note).is_err() {
                io.notifications_dropped += 1;
            }
        }
        busy = n == batch || m == batch;
        if !busy || now.duration_since(exporter.last_at) >= METRICS_EVERY {
            exporter.export(&io, dp.stats(), now);
        }
    }
    exporter.export(&io, dp.stats(), Instant::now());
    tracing::debug!("stopped");
}

/// An emptied vector of batch descriptors with another lifetime, in the same
/// allocation: the descriptors borrow the receive slots for one batch only, while the
/// storage is reused for the next (collecting from an empty `IntoIter` of a type of the
/// same layout is done in place; see the test).
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

fn pin(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is empty; CPU_SET with an index below CPU_SETSIZE
    // only sets a bit in it; sched_setaffinity(0, ...) applies to this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if cpu < libc::CPU_SETSIZE as usize {
            libc::CPU_SET(cpu, &mut set);
            if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                tracing::warn!(cpu, error = %io::Error::last_os_error(), "could not pin worker");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycle_keeps_the_allocation() {
        let mut a = [0u8; 64];
        let mut v: Vec<N6Packet<'static>> = Vec::with_capacity(64);
        let cap = v.capacity();
        let ptr = v.as_ptr() as usize;
        let mut w: Vec<N6Packet<'_>> = recycle(std::mem::take(&mut v));
        w.push(N6Packet::new(&mut a[..]));
        assert_eq!((w.capacity(), w.as_ptr() as usize), (cap, ptr));
        v = recycle(w);
        assert_eq!((v.capacity(), v.as_ptr() as usize), (cap, ptr));
    }
}
