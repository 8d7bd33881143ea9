//! Batched UDP I/O over preallocated buffers: `recvmmsg(2)` into a ring of fixed-size
//! slots, `sendmmsg(2)` of byte ranges of those slots. Nothing is allocated per packet
//! or per batch: the message headers, iovecs and addresses are built in place in
//! vectors sized once.
//!
//! The API is safe: a [`SendBatch`] records `(slot, range, destination)` and only turns
//! them into pointers inside [`SendBatch::flush`], while it borrows the [`Slots`].

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ops::Range;
use std::os::fd::RawFd;

/// `count` buffers of `len` octets each, in one allocation.
pub struct Slots {
    mem: Box<[u8]>,
    len: usize,
    count: usize,
}

impl Slots {
    pub fn new(count: usize, len: usize) -> Self {
        Slots {
            mem: vec![0u8; count * len].into_boxed_slice(),
            len,
            count,
        }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn slot_len(&self) -> usize {
        self.len
    }

    /// Slot `i` (panics only on an index beyond `count`, a caller bug).
    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        &self.mem[i * self.len..(i + 1) * self.len]
    }

    #[inline]
    pub fn get_mut(&mut self, i: usize) -> &mut [u8] {
        &mut self.mem[i * self.len..(i + 1) * self.len]
    }

    /// Every slot, in order, each borrowed on its own.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut [u8]> {
        self.mem.chunks_mut(self.len.max(1))
    }
}

/// Buffers a [`SendBatch`] sends from, by slot index.
pub trait SlotSource {
    /// Slot `i`, or an empty slice when there is no such slot to send from.
    fn slot(&self, i: usize) -> &[u8];
}

impl SlotSource for Slots {
    #[inline]
    fn slot(&self, i: usize) -> &[u8] {
        i.checked_mul(self.len)
            .and_then(|a| self.mem.get(a..a + self.len))
            .unwrap_or(&[])
    }
}

/// One datagram of a [`RecvBatch`], with its slot borrowed mutably.
pub struct Received<'a> {
    pub slot: usize,
    pub src: Option<SocketAddr>,
    pub len: usize,
    pub truncated: bool,
    /// The whole slot; the datagram is at [`RecvBatch::offset`].
    pub buf: &'a mut [u8],
}

/// libc's message header arrays hold raw pointers, which makes them `!Send`; they are
/// rewritten from the owning buffers before every system call, so moving them to
/// another thread between calls is sound.
struct Headers {
    hdrs: Vec<libc::mmsghdr>,
    iovs: Vec<libc::iovec>,
    addrs: Vec<libc::sockaddr_storage>,
}

// SAFETY: see the type's comment: no pointer in these vectors is dereferenced except
// during a system call made right after the pointers were set from live borrows.
unsafe impl Send for Headers {}

impl Headers {
    fn new(n: usize) -> Self {
        // SAFETY: all-zero is a valid value of these plain C structs.
        let (h, v, a) = unsafe {
            (
                zeroed::<libc::mmsghdr>(),
                zeroed::<libc::iovec>(),
                zeroed::<libc::sockaddr_storage>(),
            )
        };
        Headers {
            hdrs: vec![h; n],
            iovs: vec![v; n],
            addrs: vec![a; n],
        }
    }
}

/// A `recvmmsg` batch: each datagram lands in its own slot, at `offset`.
pub struct RecvBatch {
    slots: Slots,
    offset: usize,
    h: Headers,
    lens: Vec<usize>,
    truncated: Vec<bool>,
    received: usize,
}

impl RecvBatch {
    /// Room for `batch` datagrams of up to `slot_len - offset` octets.
    pub fn new(batch: usize, slot_len: usize, offset: usize) -> Self {
        RecvBatch {
            slots: Slots::new(batch, slot_len),
            offset,
            h: Headers::new(batch),
            lens: vec![0; batch],
            truncated: vec![false; batch],
            received: 0,
        }
    }

    /// Receives up to a batch without blocking (`MSG_DONTWAIT`); `Ok(0)` when nothing
    /// is waiting.
    pub fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        self.recv_up_to(fd, self.slots.count())
    }

    pub fn recv_up_to(&mut self, fd: RawFd, max: usize) -> io::Result<usize> {
        let n = max.min(self.slots.count());
        self.received = 0;
        let room = self.slots.slot_len() - self.offset;
        for i in 0..n {
            let base = self.slots.get_mut(i)[self.offset..].as_mut_ptr();
            self.h.iovs[i] = libc::iovec {
                iov_base: base.cast(),
                iov_len: room,
            };
            let hdr = &mut self.h.hdrs[i];
            hdr.msg_hdr.msg_name = (&mut self.h.addrs[i] as *mut libc::sockaddr_storage).cast();
            hdr.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            hdr.msg_hdr.msg_iov = &mut self.h.iovs[i];
            hdr.msg_hdr.msg_iovlen = 1;
            hdr.msg_hdr.msg_control = std::ptr::null_mut();
            hdr.msg_hdr.msg_controllen = 0;
            hdr.msg_hdr.msg_flags = 0;
            hdr.msg_len = 0;
        }
        loop {
            // SAFETY: `hdrs[..n]` point into `self.slots`, `self.h.iovs` and
            // `self.h.addrs`, all alive and exclusively borrowed for this call.
            let r = unsafe {
                libc::recvmmsg(
                    fd,
                    self.h.hdrs.as_mut_ptr(),
                    n as libc::c_uint,
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            if r >= 0 {
                let r = r as usize;
                for i in 0..r {
                    let h = &self.h.hdrs[i];
                    self.lens[i] = h.msg_len as usize;
                    self.truncated[i] = h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0;
                }
                self.received = r;
                return Ok(r);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => return Ok(0),
                _ => return Err(e),
            }
        }
    }

    /// Datagrams of the last [`RecvBatch::recv`].
    pub fn received(&self) -> usize {
        self.received
    }

    /// Length of datagram `i` (from `offset` in its slot).
    #[inline]
    pub fn len(&self, i: usize) -> usize {
        self.lens[i]
    }

    /// Whether datagram `i` was longer than its slot.
    #[inline]
    pub fn truncated(&self, i: usize) -> bool {
        self.truncated[i]
    }

    /// Source of datagram `i`.
    #[inline]
    pub fn src(&self, i: usize) -> Option<SocketAddr> {
        from_storage(&self.h.addrs[i])
    }

    /// The datagrams of the last receive, each with its slot.
    pub fn received_mut(&mut self) -> impl Iterator<Item = Received<'_>> {
        let n = self.received;
        let (lens, truncated, addrs) = (&self.lens, &self.truncated, &self.h.addrs);
        self.slots
            .iter_mut()
            .take(n)
            .enumerate()
            .map(move |(i, buf)| Received {
                slot: i,
                src: from_storage(&addrs[i]),
                len: lens[i],
                truncated: truncated[i],
                buf,
            })
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn slots(&self) -> &Slots {
        &self.slots
    }

    pub fn slots_mut(&mut self) -> &mut Slots {
        &mut self.slots
    }
}

/// What a [`SendBatch::flush`] achieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub packets: u64,
    pub bytes: u64,
    /// Datagrams the kernel refused (e.g. no route), or still blocked after retrying.
    pub failed: u64,
}

#[derive(Clone, Copy)]
struct Entry {
    slot: u32,
    start: u32,
    end: u32,
    dst: SocketAddr,
}

/// A `sendmmsg` batch of ranges of [`Slots`].
pub struct SendBatch {
    entries: Vec<Entry>,
    cap: usize,
    h: Headers,
    addr_lens: Vec<libc::socklen_t>,
}

/// How often a batch the socket cannot take (EAGAIN) waits for room before the rest
/// is dropped.
const SEND_RETRIES: u32 = 64;

impl SendBatch {
    pub fn new(batch: usize) -> Self {
        SendBatch {
            entries: Vec::with_capacity(batch),
            cap: batch,
            h: Headers::new(batch),
            addr_lens: vec![0; batch],
        }
    }

    pub fn is_full(&self) -> bool {
        self.entries.len() >= self.cap
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Queues `slots.get(slot)[range]` for `dst`; `false` (nothing queued) when full.
    #[inline]
    pub fn push(&mut self, slot: usize, range: Range<usize>, dst: SocketAddr) -> bool {
        if self.is_full() {
            return false;
        }
        self.entries.push(Entry {
            slot: slot as u32,
            start: range.start as u32,
            end: range.end as u32,
            dst,
        });
        true
    }

    /// Sends everything queued, from `slots`, and empties the batch. A datagram the
    /// kernel rejects is skipped (counted in [`Sent::failed`]); when the socket buffer
    /// is full the call waits for room (backpressure), a bounded number of times.
    pub fn flush<S: SlotSource + ?Sized>(&mut self, fd: RawFd, slots: &S) -> Sent {
        let n = self.entries.len();
        let mut out = Sent::default();
        if n == 0 {
            return out;
        }
        for (i, e) in self.entries.iter().enumerate() {
            let s = slots.slot(e.slot as usize);
            let range = (e.start as usize).min(s.len())..(e.end as usize).min(s.len());
            let data = &s[range];
            self.h.iovs[i] = libc::iovec {
                iov_base: data.as_ptr() as *mut libc::c_void,
                iov_len: data.len(),
            };
            self.addr_lens[i] = to_storage(e.dst, &mut self.h.addrs[i]);
            let hdr = &mut self.h.hdrs[i];
            hdr.msg_hdr.msg_name = (&mut self.h.addrs[i] as *mut libc::sockaddr_storage).cast();
            hdr.msg_hdr.msg_namelen = self.addr_lens[i];
            hdr.msg_hdr.msg_iov = &mut self.h.iovs[i];
            hdr.msg_hdr.msg_iovlen = 1;
            hdr.msg_hdr.msg_control = std::ptr::null_mut();
            hdr.msg_hdr.msg_controllen = 0;
            hdr.msg_hdr.msg_flags = 0;
            hdr.msg_len = 0;
        }
        let mut at = 0;
        let mut retries = 0;
        while at < n {
            // SAFETY: `hdrs[at..n]` point into `slots` (borrowed for this call) and into
            // `self.h`, all alive; the kernel only reads them.
            let r = unsafe {
                libc::sendmmsg(
                    fd,
                    self.h.hdrs[at..].as_mut_ptr(),
                    (n - at) as libc::c_uint,
                    libc::MSG_DONTWAIT,
                )
            };
            if r > 0 {
                for i in at..at + r as usize {
                    out.packets += 1;
                    out.bytes += self.h.iovs[i].iov_len as u64;
                }
                at += r as usize;
                continue;
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => {}
                io::ErrorKind::WouldBlock if retries < SEND_RETRIES => {
                    retries += 1;
                    wait_writable(fd, 1);
                }
                _ => {
                    // The first datagram is refused: skip it.
                    out.failed += 1;
                    at += 1;
                }
            }
        }
        self.entries.clear();
        out
    }

    /// Drops everything queued.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Waits up to `ms` milliseconds for `fd` to be writable.
fn wait_writable(fd: RawFd, ms: i32) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, ms) };
}

/// Waits up to `timeout_ms` for any of `fds` to be readable; returns which are.
pub fn wait_readable<const N: usize>(fds: [RawFd; N], timeout_ms: i32) -> [bool; N] {
    let mut p = fds.map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    // SAFETY: N valid pollfds in a local array.
    let r = unsafe { libc::poll(p.as_mut_ptr(), N as libc::nfds_t, timeout_ms) };
    if r <= 0 {
        return [false; N];
    }
    p.map(|p| p.revents & (libc::POLLIN | libc::POLLERR | libc::POLLHUP) != 0)
}

/// A socket address from the kernel's form.
pub fn from_storage(s: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match i32::from(s.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says this storage holds a sockaddr_in; storage is
            // large and aligned enough for it.
            let a = unsafe { &*(s as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                u16::from_be(a.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let a = unsafe { &*(s as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(a.sin6_addr.s6_addr),
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

/// Writes `a` in the kernel's form; returns its length.
pub fn to_storage(a: SocketAddr, s: &mut libc::sockaddr_storage) -> libc::socklen_t {
    match a {
        SocketAddr::V4(v4) => {
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in.
            let sin =
                unsafe { &mut *(s as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = v4.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from(*v4.ip()).to_be(),
            };
            sin.sin_zero = [0; 8];
            size_of::<libc::sockaddr_in>() as libc::socklen_t
        }
        SocketAddr::V6(v6) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 =
                unsafe { &mut *(s as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = v6.port().to_be();
            sin6.sin6_flowinfo = v6.flowinfo();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: v6.ip().octets(),
            };
            sin6.sin6_scope_id = v6.scope_id();
            size_of::<libc::sockaddr_in6>() as libc::socklen_t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;
    use std::os::fd::AsRawFd;

    #[test]
    fn addresses_round_trip() {
        // SAFETY: all-zero sockaddr_storage is valid.
        let mut s: libc::sockaddr_storage = unsafe { zeroed() };
        for a in ["10.1.2.3:2152", "[2001:db8::1]:8805"] {
            let a: SocketAddr = a.parse().unwrap();
            to_storage(a, &mut s);
            assert_eq!(from_storage(&s), Some(a));
        }
    }

    #[test]
    fn recvmmsg_then_sendmmsg_on_loopback() {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        b.set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        for i in 0..5u8 {
            a.send_to(&[i; 100], b.local_addr().unwrap()).unwrap();
        }
        let mut rx = RecvBatch::new(8, 256, 16);
        std::thread::sleep(std::time::Duration::from_millis(50));
        let got = rx.recv(b.as_raw_fd()).unwrap();
        assert_eq!(got, 5);
        assert_eq!(rx.len(0), 100);
        assert_eq!(rx.src(0), Some(a.local_addr().unwrap()));
        let mut tx = SendBatch::new(8);
        for i in 0..rx.received() {
            assert!(tx.push(i, 16..16 + rx.len(i), a.local_addr().unwrap()));
        }
        let sent = tx.flush(b.as_raw_fd(), rx.slots());
        assert_eq!(sent.packets, rx.received() as u64);
        let mut buf = [0u8; 200];
        a.set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        let (n, _) = a.recv_from(&mut buf).unwrap();
        assert_eq!(n, 100);
    }
}
