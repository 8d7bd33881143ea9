//! Raw IP, protocol 132: SCTP packets straight over IPv4 (IPv6: not yet), for hosts whose kernel
//! has no SCTP. A raw socket sees every SCTP packet the host receives; the driver keeps
//! only those for its own port. The kernel builds the IP header on send.

use crate::error::Error;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Range;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// IANA protocol number of SCTP.
pub(crate) const IPPROTO_SCTP: i32 = 132;
const SOCKET_BUFFER: usize = 4 << 20;

pub(crate) struct RawIo {
    fd: AsyncFd<Socket>,
}

impl RawIo {
    /// A raw SCTP socket bound to `local` (unspecified = every local address).
    pub(crate) fn bind(local: IpAddr) -> Result<Self, Error> {
        let ctx = |what: &str| format!("raw SCTP socket on {local}: {what}");
        if local.is_ipv6() {
            return Err(Error::Unavailable(
                "raw SCTP over IPv6 is not implemented; use UDP encapsulation".into(),
            ));
        }
        let sock = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(IPPROTO_SCTP)))
            .map_err(|e| Error::io(ctx("socket (needs CAP_NET_RAW)"), e))?;
        let _ = sock.set_recv_buffer_size(SOCKET_BUFFER);
        let _ = sock.set_send_buffer_size(SOCKET_BUFFER);
        sock.set_nonblocking(true)
            .map_err(|e| Error::io(ctx("nonblocking"), e))?;
        sock.bind(&SocketAddr::new(local, 0).into())
            .map_err(|e| Error::io(ctx("bind"), e))?;
        // SAFETY: the socket owns its descriptor, which stays open and unchanged for as
        // long as the AsyncFd (its owner) lives.
        let fd =
            unsafe { AsyncFd::register(sock) }.map_err(|e| Error::io(ctx("register"), e.into()))?;
        Ok(Self { fd })
    }

    pub(crate) async fn readable(&self) -> io::Result<()> {
        self.fd.readable().await.map(|mut g| g.retain_ready())
    }

    /// One received packet: the sender's IP address and where the SCTP packet lies in
    /// `buf`. `Ok(None)` for something that is not an SCTP packet.
    pub(crate) fn try_recv(&self, buf: &mut [u8]) -> io::Result<Option<(IpAddr, Range<usize>)>> {
        // try_io clears the readiness on WouldBlock, so `readable` waits again.
        let n = self.fd.try_io(Interest::READABLE, |s| (&*s).read(buf))?;
        Ok(parse_ipv4(&buf[..n]))
    }

    pub(crate) async fn send(&self, payload: &[u8], to: IpAddr) -> io::Result<()> {
        let addr: SockAddr = SocketAddr::new(to, 0).into();
        loop {
            match self
                .fd
                .try_io(Interest::WRITABLE, |s| s.send_to(payload, &addr))
            {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.fd.writable().await?.retain_ready();
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The SCTP packet inside an IPv4 datagram from a raw socket, with its source.
pub(crate) fn parse_ipv4(d: &[u8]) -> Option<(IpAddr, Range<usize>)> {
    if d.len() < 20 || d[0] >> 4 != 4 || i32::from(d[9]) != IPPROTO_SCTP {
        return None;
    }
    let ihl = usize::from(d[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([d[2], d[3]])).min(d.len());
    if ihl < 20 || total < ihl + 12 {
        return None;
    }
    let src = Ipv4Addr::new(d[12], d[13], d[14], d[15]);
    Some((IpAddr::V4(src), ihl..total))
}
