//! The N6 receive path: packets read from a TUN queue in batches, each into its own
//! buffer behind `headroom` free octets (where the downlink G-PDU header is written in
//! place), without allocating per packet.
//!
//! Two ways to read, chosen when the reader is made ([`N6ReadMode`]) and reported by
//! [`TunReader::path`]:
//!
//! - [`N6ReadPath::IoUring`]: one `IORING_OP_READ_MULTISHOT` request on the queue (Linux
//!   6.7+) picks its buffers from a ring of provided buffers (`IORING_REGISTER_PBUF_RING`,
//!   5.19+) and posts one completion per packet; a whole batch costs one
//!   `io_uring_enter(2)`, not one `read(2)` per packet (see [`crate::uring`]).
//! - [`N6ReadPath::Read`]: one non-blocking `read(2)` per packet, where io_uring is
//!   missing, disabled (`kernel.io_uring_disabled`, seccomp) or refuses the queue.
//!
//! Either way [`TunReader::read_batch`] hands out up to a batch of packets, in the order
//! the queue delivered them, until the next call takes their buffers back.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::batch::{SlotSource, wait_readable};
use crate::buffers::Buffers;
use crate::uring::UringReader;

/// How [`TunReader::new`] reads the queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum N6ReadMode {
    /// io_uring multishot reads where the kernel allows them, else `read(2)`.
    #[default]
    Auto,
    /// One `read(2)` per packet.
    Read,
    /// io_uring multishot reads, or an error.
    IoUring,
}

/// How a [`TunReader`] actually reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum N6ReadPath {
    /// io_uring multishot reads into provided buffers.
    IoUring,
    /// One `read(2)` per packet.
    Read,
}

impl N6ReadPath {
    pub fn name(self) -> &'static str {
        match self {
            N6ReadPath::IoUring => "io_uring",
            N6ReadPath::Read => "read",
        }
    }
}

impl fmt::Display for N6ReadPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

enum Backend {
    Read,
    Uring(Box<UringReader>),
}

/// Batched reads from one TUN queue (or any file of datagrams: a packet per read).
pub struct TunReader {
    // Field order is drop order: the ring, then the buffers, then the descriptor.
    backend: Backend,
    bufs: Buffers,
    fd: OwnedFd,
    headroom: usize,
    room: usize,
    batch: usize,
    /// The packets handed out by the last [`TunReader::read_batch`]: (buffer, length).
    got: Vec<(u32, u32)>,
}

impl TunReader {
    /// A reader of `fd` (its own descriptor of the queue, non-blocking) handing out up
    /// to `batch` packets of up to `room` octets each, every one behind `headroom` free
    /// octets. [`N6ReadMode::Auto`] tries io_uring first and logs why it fell back.
    /// The io_uring ring belongs to the calling thread: make the reader on the thread
    /// that uses it (it is not `Send`).
    pub fn new(
        fd: OwnedFd,
        mode: N6ReadMode,
        batch: usize,
        room: usize,
        headroom: usize,
    ) -> io::Result<Self> {
        let batch = batch.max(1);
        let mut backend = Backend::Read;
        let mut bufs = None;
        if mode != N6ReadMode::Read {
            match UringReader::new(fd.as_raw_fd(), batch, room, headroom) {
                Ok((uring, b)) => {
                    backend = Backend::Uring(Box::new(uring));
                    bufs = Some(b);
                }
                Err(e) if mode == N6ReadMode::IoUring => return Err(e),
                Err(e) => {
                    tracing::info!(error = %e, "io_uring multishot reads unavailable on N6: read(2) per packet");
                }
            }
        }
        Ok(TunReader {
            backend,
            bufs: bufs.unwrap_or_else(|| Buffers::new(batch, headroom + room)),
            fd,
            headroom,
            room,
            batch,
            got: Vec::with_capacity(batch),
        })
    }

    pub fn path(&self) -> N6ReadPath {
        match self.backend {
            Backend::Read => N6ReadPath::Read,
            Backend::Uring(_) => N6ReadPath::IoUring,
        }
    }

    pub fn headroom(&self) -> usize {
        self.headroom
    }

    /// Takes back the buffers of the last batch, then reads up to a batch without
    /// blocking; `Ok(0)` when nothing is waiting.
    pub fn read_batch(&mut self) -> io::Result<usize> {
        match &mut self.backend {
            Backend::Uring(u) => {
                u.recycle(&mut self.bufs, &self.got);
                self.got.clear();
                u.collect(&mut self.bufs, &mut self.got, self.batch)?;
            }
            Backend::Read => {
                self.got.clear();
                let fd = self.fd.as_raw_fd();
                while self.got.len() < self.batch {
                    let i = self.got.len();
                    let buf = self.bufs.slot_mut(i);
                    let Some(room) = buf.get_mut(self.headroom..) else {
                        break;
                    };
                    // SAFETY: `room` is a live, exclusively borrowed buffer of that length.
                    let r = unsafe { libc::read(fd, room.as_mut_ptr().cast(), room.len()) };
                    if r > 0 {
                        let len = (r as usize).min(self.room);
                        self.got.push((i as u32, len as u32));
                        continue;
                    }
                    if r == 0 {
                        break;
                    }
                    let e = io::Error::last_os_error();
                    match e.kind() {
                        io::ErrorKind::Interrupted => {}
                        io::ErrorKind::WouldBlock => break,
                        _ if self.got.is_empty() => return Err(e),
                        _ => break,
                    }
                }
            }
        }
        Ok(self.got.len())
    }

    /// Packets of the last batch.
    pub fn len(&self) -> usize {
        self.got.len()
    }

    pub fn is_empty(&self) -> bool {
        self.got.is_empty()
    }

    /// The packets of the last batch in order, each as (buffer index for
    /// [`SlotSource::slot`], the buffer from its start to the packet's end: `headroom`
    /// octets, then the packet).
    pub fn packets_mut(&mut self) -> impl Iterator<Item = (usize, &mut [u8])> + '_ {
        let headroom = self.headroom;
        // Each buffer appears at most once in `got` (see `Buffers::disjoint_mut`).
        self.bufs
            .disjoint_mut(&self.got)
            .map(move |(i, b, len)| (i, &mut b[..headroom + len]))
    }

    /// Waits up to `timeout_ms` until the queue or `other` (e.g. the N3 socket) may be
    /// readable; returns `[other, queue]` (both `true` when the io_uring path cannot
    /// tell them apart).
    pub fn wait(&mut self, other: RawFd, timeout_ms: i32) -> [bool; 2] {
        match &mut self.backend {
            Backend::Read => wait_readable([other, self.fd.as_raw_fd()], timeout_ms),
            Backend::Uring(u) => {
                if u.wait(other, timeout_ms) {
                    [true, true]
                } else {
                    [false, false]
                }
            }
        }
    }
}

impl Drop for TunReader {
    fn drop(&mut self) {
        if let Backend::Uring(u) = &mut self.backend
            && !u.shutdown()
        {
            // The kernel might still write into them: better lost than reused.
            self.bufs.leak();
        }
    }
}

impl SlotSource for TunReader {
    /// Buffer `i` while it holds a packet of the current batch (from its start, headroom
    /// included); empty otherwise.
    fn slot(&self, i: usize) -> &[u8] {
        self.bufs.owned(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::FromRawFd;

    /// A connected pair of SOCK_SEQPACKET sockets: reads keep message boundaries, like a
    /// TUN queue, and need no privileges.
    fn seqpacket() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: a valid array of two ints for the new descriptors.
        let r = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        };
        assert_eq!(r, 0, "{}", io::Error::last_os_error());
        // SAFETY: both descriptors were just created and are owned by nobody else.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    /// Sends one datagram; `false` when the socket is full.
    fn try_send(fd: &OwnedFd, data: &[u8]) -> bool {
        // SAFETY: a valid descriptor and buffer.
        let r = unsafe { libc::send(fd.as_raw_fd(), data.as_ptr().cast(), data.len(), 0) };
        if r < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock {
            return false;
        }
        assert_eq!(r, data.len() as isize, "{}", io::Error::last_os_error());
        true
    }

    fn send(fd: &OwnedFd, data: &[u8]) {
        assert!(try_send(fd, data), "socket full");
    }

    fn packet(n: u32) -> Vec<u8> {
        // Lengths vary so that a packet in the wrong buffer or with the wrong length shows.
        let len = 20 + (n as usize * 7) % 300;
        let mut p = vec![(n % 251) as u8; len];
        p[..4].copy_from_slice(&n.to_be_bytes());
        p
    }

    /// Everything written comes out once, in order, behind the headroom, over many more
    /// packets than the reader has buffers (every buffer handed back and reused), in
    /// bursts below and above a batch and above the io_uring buffer count (as far as
    /// the socket holds them: the writer goes on when the reader has made room).
    fn reads_in_order(mode: N6ReadMode, expect: N6ReadPath) {
        let (ours, theirs) = seqpacket();
        let mut r = TunReader::new(ours, mode, 8, 512, 16).expect("reader");
        assert_eq!(r.path(), expect);
        let mut next_sent = 0u32;
        let mut next_read = 0u32;
        let mut biggest = 0;
        for burst in [1u32, 3, 8, 20, 70, 5, 300, 2] {
            let target = next_sent + burst;
            let mut idle = 0;
            while next_read < target {
                while next_sent < target && try_send(&theirs, &packet(next_sent)) {
                    next_sent += 1;
                }
                biggest = biggest.max(next_sent - next_read);
                let n = r.read_batch().expect("read");
                assert!(n <= 8, "at most a batch");
                if n == 0 {
                    idle += 1;
                    assert!(idle < 1000, "packets lost: {next_read} of {next_sent} read");
                    r.wait(theirs.as_raw_fd(), 10);
                    continue;
                }
                let mut slots = Vec::new();
                for (slot, buf) in r.packets_mut() {
                    let want = packet(next_read);
                    assert_eq!(buf.len(), 16 + want.len(), "packet {next_read}");
                    assert_eq!(&buf[16..], &want[..], "packet {next_read}");
                    // The headroom is ours to write (the G-PDU header goes there).
                    buf[..16].fill(0xEE);
                    slots.push(slot);
                    next_read += 1;
                }
                for s in slots {
                    let b = r.slot(s);
                    assert_eq!(&b[..16], &[0xEE; 16], "slot() shows the same buffer");
                }
            }
        }
        assert!(
            biggest > 64,
            "a burst beyond the io_uring buffers ({biggest})"
        );
        assert_eq!(r.read_batch().unwrap(), 0, "nothing more");
    }

    #[test]
    fn read_path_reads_every_packet_in_order() {
        reads_in_order(N6ReadMode::Read, N6ReadPath::Read);
    }

    #[test]
    fn io_uring_path_reads_every_packet_in_order() {
        // Where the kernel has no multishot reads (before 6.7) or io_uring is disabled,
        // `Auto` must fall back instead.
        match TunReader::new(seqpacket().0, N6ReadMode::IoUring, 8, 512, 16) {
            Ok(_) => reads_in_order(N6ReadMode::IoUring, N6ReadPath::IoUring),
            Err(e) => {
                eprintln!("io_uring unavailable here ({e}): checking the fallback");
                reads_in_order(N6ReadMode::Auto, N6ReadPath::Read);
            }
        }
    }

    #[test]
    fn auto_falls_back_to_read_on_a_file_io_uring_cannot_poll() {
        // A regular file cannot be polled, so multishot reads refuse it (EBADFD); `Auto`
        // detects that at start and reads with read(2); `IoUring` reports the error.
        let path = std::env::temp_dir().join(format!("ferrocore-n6-{}", std::process::id()));
        std::fs::write(&path, b"0123456789").unwrap();
        let open = || OwnedFd::from(std::fs::File::open(&path).unwrap());
        assert!(TunReader::new(open(), N6ReadMode::IoUring, 4, 64, 8).is_err());
        let mut r = TunReader::new(open(), N6ReadMode::Auto, 4, 64, 8).unwrap();
        assert_eq!(r.path(), N6ReadPath::Read);
        assert_eq!(
            r.read_batch().unwrap(),
            1,
            "one read, then the end of the file"
        );
        let (_, first) = r.packets_mut().next().unwrap();
        assert_eq!(&first[8..], b"0123456789");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn dropping_the_reader_lets_go_of_the_file_at_once() {
        // The armed multishot read holds the file; the reader reaps its cancellation
        // before closing, so the queue (a TUN device) goes away with the reader, as the
        // UPF's stop promises.
        let (ours, theirs) = seqpacket();
        let Ok(mut r) = TunReader::new(ours, N6ReadMode::IoUring, 4, 64, 8) else {
            eprintln!("io_uring unavailable here");
            return;
        };
        assert_eq!(r.read_batch().unwrap(), 0);
        drop(r);
        // SAFETY: a valid descriptor and buffer.
        let n = unsafe {
            libc::send(
                theirs.as_raw_fd(),
                b"x".as_ptr().cast(),
                1,
                libc::MSG_NOSIGNAL,
            )
        };
        assert_eq!(n, -1);
        assert_eq!(io::Error::last_os_error().raw_os_error(), Some(libc::EPIPE));
    }

    #[test]
    fn slots_outside_the_batch_are_empty() {
        let (ours, theirs) = seqpacket();
        let mut r = TunReader::new(ours, N6ReadMode::Auto, 4, 256, 8).unwrap();
        send(&theirs, b"one");
        let mut tries = 0;
        while r.read_batch().unwrap() == 0 {
            tries += 1;
            assert!(tries < 100);
            r.wait(theirs.as_raw_fd(), 10);
        }
        let (slot, _) = r.packets_mut().next().unwrap();
        assert_eq!(&r.slot(slot)[8..11], b"one");
        assert!(r.slot(usize::MAX).is_empty());
        if r.path() == N6ReadPath::IoUring {
            // Handed back to the kernel: no longer ours to send from.
            assert_eq!(r.read_batch().unwrap(), 0);
            assert!(r.slot(slot).is_empty());
        }
    }
}
