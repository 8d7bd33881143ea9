//! io_uring multishot reads of one file of datagrams (a TUN queue) into provided
//! buffers.
//!
//! One `IORING_OP_READ_MULTISHOT` request (Linux 6.7+) stays armed on the queue; each
//! time it is readable the kernel reads packet after packet, each into the next buffer
//! of a ring the program provides (`IORING_REGISTER_PBUF_RING`, 5.19+, buffer group
//! [`BGID`]) and posts one completion per packet naming the buffer. The ring is
//! `DEFER_TASKRUN | SINGLE_ISSUER`: those reads run only inside this thread's
//! `io_uring_enter(2)` with `GETEVENTS`, so one system call per batch replaces one
//! `read(2)` per packet, and no read happens while the program works on its buffers.
//! When the provided buffers run out the request ends (`ENOBUFS`) and is armed again
//! once the batch's buffers are handed back; every completion is consumed in order, so
//! packets keep the queue's order.
//!
//! To wait while idle, a one-shot `POLL_ADD` on another descriptor (the N3 socket)
//! shares the ring, and the thread sleeps in `io_uring_enter` until either has news.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicU16, Ordering};

use io_uring::types::BufRingEntry;
use io_uring::{IoUring, Probe, cqueue, opcode, squeue, types};

use crate::buffers::Buffers;

/// The provided-buffer group of the read.
pub(crate) const BGID: u16 = 0;
const UD_READ: u64 = 1;
const UD_POLL: u64 = 2;
const UD_CANCEL: u64 = 3;
/// `IORING_ENTER_GETEVENTS`: run deferred work, reap completions.
const ENTER_GETEVENTS: u32 = 1;

/// The ring of buffer descriptors shared with the kernel: `entries` (a power of two)
/// `io_uring_buf` in page-aligned anonymous memory; the kernel consumes from its head,
/// the program adds at `tail`.
struct BufRing {
    base: *mut BufRingEntry,
    bytes: usize,
    entries: u16,
    tail: u16,
}

impl BufRing {
    fn new(entries: u16) -> io::Result<Self> {
        let bytes = usize::from(entries) * std::mem::size_of::<BufRingEntry>();
        // SAFETY: an anonymous private mapping; checked below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(BufRing {
            base: p.cast(),
            bytes,
            entries,
            tail: 0,
        })
    }

    /// Queues buffer `bid` at `addr` of `len` octets (seen by the kernel on `publish`).
    fn push(&mut self, addr: u64, len: u32, bid: u16) {
        let i = usize::from(self.tail & (self.entries - 1));
        // SAFETY: `i < entries`, inside the mapping; the kernel only reads entries
        // between its head and the published tail, and this one is beyond the tail.
        let e = unsafe { &mut *self.base.add(i) };
        e.set_addr(addr);
        e.set_len(len);
        e.set_bid(bid);
        self.tail = self.tail.wrapping_add(1);
    }

    /// Makes the pushed buffers visible to the kernel.
    fn publish(&self) {
        // SAFETY: the tail field of the ring (the `resv` of entry 0, 2-aligned) is only
        // written by the program; the kernel reads it with acquire semantics.
        unsafe {
            let tail = BufRingEntry::tail(self.base) as *const AtomicU16;
            (*tail).store(self.tail, Ordering::Release);
        }
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, unmapped once (after the ring let go).
        unsafe { libc::munmap(self.base.cast(), self.bytes) };
    }
}

/// The io_uring side of a [`crate::n6_read::TunReader`]; the buffers are the reader's.
pub(crate) struct UringReader {
    // Dropped first: closing the ring before the buffer ring's memory goes away.
    ring: IoUring,
    br: BufRing,
    fd: RawFd,
    /// Octets each buffer offers the kernel (after the headroom).
    room: u32,
    headroom: usize,
    read_armed: bool,
    poll_armed: bool,
    /// Packets read while checking the request at start-up, handed out first.
    stash: Vec<(u32, u32)>,
}

fn unsupported(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, what.to_string())
}

impl UringReader {
    /// A ring reading `fd`, with its buffers (`headroom + room` octets each, at least
    /// four batches of them); checks at once that the kernel accepts the multishot
    /// read on `fd`.
    pub fn new(
        fd: RawFd,
        batch: usize,
        room: usize,
        headroom: usize,
    ) -> io::Result<(Self, Buffers)> {
        let nbufs = (batch * 4).clamp(64, 1 << 15).next_power_of_two() as u16;
        let ring: IoUring = IoUring::builder()
            .setup_single_issuer()
            .setup_defer_taskrun()
            .setup_taskrun_flag()
            .setup_cqsize(2 * u32::from(nbufs))
            .build(8)?;
        let mut probe = Probe::new();
        ring.submitter().register_probe(&mut probe)?;
        if !probe.is_supported(opcode::ReadMulti::CODE) {
            return Err(unsupported("IORING_OP_READ_MULTISHOT"));
        }
        let mut bufs = Buffers::new(usize::from(nbufs), headroom + room);
        let mut br = BufRing::new(nbufs)?;
        // SAFETY: `br` maps `nbufs` entries and is unmapped only after the ring is
        // closed (field order) or the group unregistered (`shutdown`).
        unsafe {
            ring.submitter()
                .register_buf_ring_with_flags(br.base as u64, nbufs, BGID, 0)?
        };
        for bid in 0..nbufs {
            br.push(bufs.addr(usize::from(bid), headroom), room as u32, bid);
            bufs.set_owned(usize::from(bid), false);
        }
        br.publish();
        let mut u = UringReader {
            ring,
            br,
            fd,
            room: room as u32,
            headroom,
            read_armed: false,
            poll_armed: false,
            stash: Vec::with_capacity(usize::from(nbufs)),
        };
        // Refused requests (a file that cannot be polled, an unknown opcode) fail at
        // once; whatever was already queued is kept for the first batch.
        let mut first = Vec::with_capacity(usize::from(nbufs));
        u.collect(&mut bufs, &mut first, usize::from(nbufs))?;
        u.stash = first;
        Ok((u, bufs))
    }

    fn arm_read(&mut self) {
        if self.read_armed {
            return;
        }
        let sqe = opcode::ReadMulti::new(types::Fd(self.fd), 0, BGID)
            .build()
            .user_data(UD_READ);
        // SAFETY: the request names only the descriptor and the registered buffer
        // group, both alive as long as the ring. The queue has room: at most three
        // entries are ever pending between submissions.
        if unsafe { self.ring.submission().push(&sqe) }.is_ok() {
            self.read_armed = true;
        }
    }

    /// Hands the buffers of `done` back to the kernel.
    pub fn recycle(&mut self, bufs: &mut Buffers, done: &[(u32, u32)]) {
        if done.is_empty() {
            return;
        }
        for &(bid, _) in done {
            let i = bid as usize;
            if bufs.is_owned(i) && i < bufs.count() {
                self.br
                    .push(bufs.addr(i, self.headroom), self.room, bid as u16);
                bufs.set_owned(i, false);
            }
        }
        self.br.publish();
    }

    /// Adds up to `max - got.len()` packets to `got` as (buffer, length), each buffer
    /// now owned by the program. Runs the kernel's deferred reads only when there is
    /// something to run.
    pub fn collect(
        &mut self,
        bufs: &mut Buffers,
        got: &mut Vec<(u32, u32)>,
        max: usize,
    ) -> io::Result<()> {
        if !self.stash.is_empty() {
            let n = (max - got.len().min(max)).min(self.stash.len());
            got.extend(self.stash.drain(..n));
            if got.len() >= max {
                return Ok(());
            }
        }
        self.arm_read();
        let want = max - got.len();
        let (pending_sq, taskrun) = {
            let sq = self.ring.submission();
            (sq.len(), sq.taskrun())
        };
        if pending_sq > 0 || (taskrun && self.ring.completion().len() < want) {
            // SAFETY: no argument pointer; the queued entries are valid (arm_read,
            // wait).
            let r = unsafe {
                self.ring.submitter().enter::<libc::sigset_t>(
                    pending_sq as u32,
                    0,
                    ENTER_GETEVENTS,
                    None,
                )
            };
            if let Err(e) = r
                && !matches!(
                    e.raw_os_error(),
                    Some(libc::EINTR | libc::EAGAIN | libc::EBUSY)
                )
            {
                return Err(e);
            }
        }
        let mut error = None;
        let mut cq = self.ring.completion();
        while got.len() < max {
            let Some(cqe) = cq.next() else { break };
            match cqe.user_data() {
                UD_READ => {
                    if !cqueue::more(cqe.flags()) {
                        self.read_armed = false;
                    }
                    let res = cqe.result();
                    if res > 0 {
                        if let Some(bid) = cqueue::buffer_select(cqe.flags()) {
                            let i = usize::from(bid);
                            // A buffer the program already holds would be a kernel
                            // bug: never hand it out twice.
                            if i < bufs.count() && !bufs.is_owned(i) {
                                bufs.set_owned(i, true);
                                got.push((u32::from(bid), (res as u32).min(self.room)));
                            }
                        }
                    } else if res < 0 && res != -libc::ENOBUFS {
                        error = Some(io::Error::from_raw_os_error(-res));
                    } else if res == 0 && !self.read_armed {
                        error = Some(io::Error::from(io::ErrorKind::UnexpectedEof));
                    }
                }
                UD_POLL => self.poll_armed = false,
                _ => {}
            }
        }
        drop(cq);
        match error {
            Some(e) if got.is_empty() => Err(e),
            Some(e) => {
                tracing::debug!(error = %e, "N6 multishot read ended");
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Sleeps up to `timeout_ms` until a packet is read or `other` is readable; `true`
    /// when something happened.
    pub fn wait(&mut self, other: RawFd, timeout_ms: i32) -> bool {
        if !self.stash.is_empty() || !self.ring.completion().is_empty() {
            return true;
        }
        self.arm_read();
        if !self.poll_armed {
            let sqe = opcode::PollAdd::new(types::Fd(other), libc::POLLIN as u32)
                .build()
                .user_data(UD_POLL);
            // SAFETY: the request names only a descriptor the caller keeps open.
            if unsafe { self.ring.submission().push(&sqe) }.is_ok() {
                self.poll_armed = true;
            }
        }
        let ms = timeout_ms.max(0) as u64;
        let ts = types::Timespec::new()
            .sec(ms / 1000)
            .nsec(((ms % 1000) * 1_000_000) as u32);
        let args = types::SubmitArgs::new().timespec(&ts);
        let _ = self.ring.submitter().submit_with_args(1, &args);
        !self.ring.completion().is_empty()
    }

    /// Ends the read and the poll (their completions reaped here, so that they let go
    /// of the queue's and the socket's files now, not whenever the kernel tears the
    /// ring down) and takes the buffers away from the kernel; `true` when it can no
    /// longer write into them.
    pub fn shutdown(&mut self) -> bool {
        for (armed, target) in [(self.read_armed, UD_READ), (self.poll_armed, UD_POLL)] {
            if armed {
                let cancel = opcode::AsyncCancel::new(target)
                    .build()
                    .user_data(UD_CANCEL)
                    .flags(squeue::Flags::SKIP_SUCCESS);
                // SAFETY: a cancel request carries no pointer.
                let _ = unsafe { self.ring.submission().push(&cancel) };
            }
        }
        let ts = types::Timespec::new().nsec(10_000_000);
        for _ in 0..100 {
            if !self.read_armed && !self.poll_armed {
                break;
            }
            let args = types::SubmitArgs::new().timespec(&ts);
            let _ = self.ring.submitter().submit_with_args(1, &args);
            for cqe in self.ring.completion() {
                match cqe.user_data() {
                    UD_READ if !cqueue::more(cqe.flags()) => self.read_armed = false,
                    UD_POLL => self.poll_armed = false,
                    _ => {}
                }
            }
        }
        self.ring.submitter().unregister_buf_ring(BGID).is_ok() && !self.read_armed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_ring_publishes_its_tail() {
        let mut br = BufRing::new(4).unwrap();
        for bid in 0..6u16 {
            br.push(0x1000 + u64::from(bid), 100, bid);
        }
        br.publish();
        // SAFETY: reading back what was written, in the mapping.
        let (tail, e1) = unsafe { (*BufRingEntry::tail(br.base), (*br.base.add(1)).addr()) };
        assert_eq!(tail, 6);
        assert_eq!(e1, 0x1005, "entries wrap at the ring size");
    }
}
