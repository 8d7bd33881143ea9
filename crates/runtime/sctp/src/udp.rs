//! UDP encapsulation (RFC 6951): each UDP datagram carries one SCTP packet; the peer's
//! UDP port is part of its transport address.

use crate::error::Error;
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;
use tokio::net::UdpSocket;

/// Socket buffers asked of the kernel (it may grant less).
const SOCKET_BUFFER: usize = 4 << 20;

pub(crate) struct UdpIo {
    sock: UdpSocket,
}

impl UdpIo {
    pub(crate) fn bind(addr: SocketAddr) -> Result<Self, Error> {
        let ctx = |what: &str| format!("UDP encapsulation socket {addr}: {what}");
        let sock = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
            .map_err(|e| Error::io(ctx("socket"), e))?;
        if addr.is_ipv6() {
            sock.set_only_v6(false)
                .map_err(|e| Error::io(ctx("IPV6_V6ONLY"), e))?;
        }
        // Larger buffers absorb bursts from many peers; failures here are harmless.
        let _ = sock.set_recv_buffer_size(SOCKET_BUFFER);
        let _ = sock.set_send_buffer_size(SOCKET_BUFFER);
        sock.set_nonblocking(true)
            .map_err(|e| Error::io(ctx("nonblocking"), e))?;
        sock.bind(&addr.into())
            .map_err(|e| Error::io(ctx("bind"), e))?;
        let sock = UdpSocket::from_std(sock.into()).map_err(|e| Error::io(ctx("register"), e))?;
        Ok(Self { sock })
    }

    pub(crate) fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.sock
            .local_addr()
            .map_err(|e| Error::io("UDP encapsulation socket: local address", e))
    }

    pub(crate) async fn readable(&self) -> io::Result<()> {
        self.sock.readable().await
    }

    pub(crate) fn try_recv(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.sock.try_recv_from(buf)
    }

    pub(crate) async fn send(&self, payload: &[u8], to: SocketAddr) -> io::Result<()> {
        match self.sock.try_send_to(payload, to) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.sock.send_to(payload, to).await.map(drop)
            }
            Err(e) => Err(e),
        }
    }
}
