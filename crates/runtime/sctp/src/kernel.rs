//! The kernel's SCTP, for hosts that have it: one one-to-many (`SOCK_SEQPACKET`)
//! socket per listener / connector, messages sent and received with `sendmsg` /
//! `recvmsg` and an `SCTP_SNDRCV` control message (stream, PPID, association id),
//! association changes from `SCTP_ASSOC_CHANGE` notifications.
//!
//! **Untested here**: the build and CI machines have no kernel SCTP; it compiles and
//! follows RFC 6458 as Linux implements it (see `docs/sctp.md`).

use crate::api::{AssocEvent, Message, PeerAddr};
use crate::config::{SctpConfig, Transport};
use crate::driver::{Bound, Command, Core, Pending, Verdict};
use crate::error::Error;
use ferrocore_sctp::CloseReason;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::collections::HashMap;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::sync::{mpsc, oneshot};

const SOL_SCTP: libc::c_int = 132;
const SCTP_INITMSG: libc::c_int = 2;
const SCTP_EVENTS: libc::c_int = 11;
const SCTP_SNDRCV: libc::c_int = 1;
const SCTP_UNORDERED: u16 = 1;
const SCTP_ABORT: u16 = 4;
const SCTP_EOF: u16 = libc::MSG_FIN as u16;
const MSG_NOTIFICATION: libc::c_int = 0x8000;
const SCTP_ASSOC_CHANGE: u16 = 0x8002;
const SCTP_REMOTE_ERROR: u16 = 0x8004;
const COMM_UP: u16 = 0;
const COMM_LOST: u16 = 1;
const RESTART: u16 = 2;
const SHUTDOWN_COMP: u16 = 3;
const CANT_STR_ASSOC: u16 = 4;

#[repr(C)]
#[derive(Default, Clone, Copy)]
struct SndRcvInfo {
    stream: u16,
    ssn: u16,
    flags: u16,
    ppid: u32,
    context: u32,
    timetolive: u32,
    tsn: u32,
    cumtsn: u32,
    assoc_id: i32,
}

#[repr(C)]
struct InitMsg {
    num_ostreams: u16,
    max_instreams: u16,
    max_attempts: u16,
    max_init_timeo: u16,
}

/// Receive buffer (one message, or a piece of a larger one).
const RECV_BUF: usize = 65536;

pub(crate) fn spawn(
    config: SctpConfig,
    listen: bool,
    core: Core,
    cmds: mpsc::Receiver<Command>,
) -> Result<Bound, Error> {
    let local = SocketAddr::new(config.local_ip, config.port);
    let ctx = |what: &str| format!("kernel SCTP socket {local}: {what}");
    let sock = Socket::new(
        Domain::for_address(local),
        Type::SEQPACKET,
        Some(Protocol::from(crate::raw::IPPROTO_SCTP)),
    )
    .map_err(|e| Error::io(ctx("socket"), e))?;
    let init = InitMsg {
        num_ostreams: config.engine.outbound_streams,
        max_instreams: config.engine.inbound_streams,
        max_attempts: config.engine.max_init_retrans as u16,
        max_init_timeo: config.engine.rto_max.as_millis().min(u16::MAX.into()) as u16,
    };
    setsockopt(&sock, SCTP_INITMSG, &init).map_err(|e| Error::io(ctx("SCTP_INITMSG"), e))?;
    // data_io, association, address, send failure, peer error, shutdown.
    let events: [u8; 6] = [1, 1, 0, 0, 1, 0];
    setsockopt(&sock, SCTP_EVENTS, &events).map_err(|e| Error::io(ctx("SCTP_EVENTS"), e))?;
    sock.set_nonblocking(true)
        .map_err(|e| Error::io(ctx("nonblocking"), e))?;
    sock.bind(&local.into())
        .map_err(|e| Error::io(ctx("bind"), e))?;
    if listen {
        sock.listen(config.accept_backlog.min(4096) as i32)
            .map_err(|e| Error::io(ctx("listen"), e))?;
    }
    let port = sock
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map_or(config.port, |a| a.port());
    // SAFETY: the socket owns its descriptor for as long as the AsyncFd lives.
    let fd =
        unsafe { AsyncFd::register(sock) }.map_err(|e| Error::io(ctx("register"), e.into()))?;
    tracing::info!(port, %local, listen, "SCTP endpoint (kernel SCTP) started");
    let driver = KernelDriver {
        fd,
        core,
        cmds,
        connecting: Vec::new(),
        partial: HashMap::new(),
        buf: vec![0; RECV_BUF],
        max_message: config.engine.max_message_size,
    };
    tokio::spawn(driver.run());
    Ok(Bound {
        transports: vec![Transport::Kernel],
        udp_addr: None,
        port,
    })
}

fn setsockopt<T>(sock: &Socket, opt: libc::c_int, val: &T) -> io::Result<()> {
    // SAFETY: `val` points to a live value of the size given.
    let r = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            SOL_SCTP,
            opt,
            (val as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

enum Received {
    Data {
        assoc: i32,
        info: SndRcvInfo,
        len: usize,
        eor: bool,
    },
    Notification {
        len: usize,
        from: Option<SocketAddr>,
    },
}

struct KernelDriver {
    fd: AsyncFd<Socket>,
    core: Core,
    cmds: mpsc::Receiver<Command>,
    connecting: Vec<(
        PeerAddr,
        oneshot::Sender<Result<crate::SctpAssociation, Error>>,
    )>,
    partial: HashMap<i32, Vec<u8>>,
    buf: Vec<u8>,
    max_message: usize,
}

impl KernelDriver {
    async fn run(mut self) {
        let room = self.core.room();
        loop {
            let blocked = !self.core.blocked().is_empty();
            tokio::select! {
                () = room.notified() => self.core.drain_held(),
                r = self.fd.readable() => {
                    if let Ok(mut g) = r {
                        g.retain_ready();
                    }
                    self.read_all();
                }
                r = self.fd.writable(), if blocked => {
                    if let Ok(mut g) = r {
                        g.retain_ready();
                    }
                    self.retry_pending();
                }
                c = self.cmds.recv() => match c {
                    None => break,
                    Some(c) => self.command(c),
                },
            }
        }
        for key in self.core.keys() {
            let _ = self.send_raw(key as i32, SCTP_ABORT, 0, 0, &[]);
        }
    }

    fn read_all(&mut self) {
        for _ in 0..64 {
            match self.recv() {
                Ok(Received::Data {
                    assoc,
                    info,
                    len,
                    eor,
                }) => {
                    let mut data = self.partial.remove(&assoc).unwrap_or_default();
                    data.extend_from_slice(&self.buf[..len]);
                    if data.len() > self.max_message {
                        tracing::warn!(assoc, "SCTP message too large; aborting association");
                        let _ = self.send_raw(assoc, SCTP_ABORT, 0, 0, &[]);
                        continue;
                    }
                    if !eor {
                        self.partial.insert(assoc, data);
                        continue;
                    }
                    let m = Message {
                        stream: info.stream,
                        ppid: u32::from_be(info.ppid),
                        unordered: info.flags & SCTP_UNORDERED != 0,
                        data,
                    };
                    if let Verdict::Abort = self.core.deliver(assoc as u64, AssocEvent::Message(m))
                    {
                        let _ = self.send_raw(assoc, SCTP_ABORT, 0, 0, &[]);
                    }
                }
                Ok(Received::Notification { len, from }) => self.notification(len, from),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    tracing::debug!("kernel SCTP receive: {e}");
                    break;
                }
            }
        }
    }

    fn notification(&mut self, len: usize, from: Option<SocketAddr>) {
        let b = &self.buf[..len];
        if b.len() < 8 {
            return;
        }
        let ty = u16::from_ne_bytes([b[0], b[1]]);
        if ty == SCTP_REMOTE_ERROR && b.len() >= 12 {
            let assoc = i32::from_ne_bytes([b[8], b[9], b[10], b[11]]);
            let _ = self.core.deliver(
                assoc as u64,
                AssocEvent::PeerError(format!("{:02x?}", &b[12..])),
            );
            return;
        }
        if ty != SCTP_ASSOC_CHANGE || b.len() < 20 {
            return;
        }
        let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        let (state, error, outbound, inbound) = (u16_at(8), u16_at(10), u16_at(12), u16_at(14));
        let assoc = i32::from_ne_bytes([b[16], b[17], b[18], b[19]]);
        let key = assoc as u64;
        match state {
            COMM_UP => {
                let peer_ip = from.map(|a| (a.ip(), a.port()));
                let pending = self
                    .connecting
                    .iter()
                    .position(|(p, _)| Some((p.ip, p.sctp_port)) == peer_ip);
                let peer = match pending {
                    Some(i) => {
                        let (peer, reply) = self.connecting.swap_remove(i);
                        self.core.connecting(key, reply);
                        peer
                    }
                    None => {
                        let a = from.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
                        PeerAddr {
                            ip: a.ip(),
                            sctp_port: a.port(),
                            udp_port: None,
                        }
                    }
                };
                if let Verdict::Abort = self.core.up(key, peer, outbound, inbound) {
                    let _ = self.send_raw(assoc, SCTP_ABORT, 0, 0, &[]);
                }
            }
            RESTART => {
                let _ = self.core.deliver(
                    key,
                    AssocEvent::Restarted {
                        outbound_streams: outbound,
                        inbound_streams: inbound,
                    },
                );
            }
            COMM_LOST | SHUTDOWN_COMP | CANT_STR_ASSOC => {
                let reason = match state {
                    SHUTDOWN_COMP => CloseReason::Shutdown,
                    CANT_STR_ASSOC => CloseReason::InitFailed,
                    _ if error != 0 => CloseReason::PeerAbort(Vec::new()),
                    _ => CloseReason::Timeout,
                };
                self.partial.remove(&assoc);
                if state == CANT_STR_ASSOC
                    && let Some(i) = self.connecting.iter().position(|(p, _)| {
                        from.is_some_and(|a| a.ip() == p.ip && a.port() == p.sctp_port)
                    })
                {
                    let (_, reply) = self.connecting.swap_remove(i);
                    let _ = reply.send(Err(Error::ConnectFailed(reason.clone())));
                }
                self.core.closed(key, reason);
            }
            _ => {}
        }
    }

    fn recv(&mut self) -> io::Result<Received> {
        // SAFETY: every pointer given to recvmsg points into live, large-enough buffers
        // owned by this frame or `self.buf`; the kernel writes at most their lengths.
        unsafe {
            let mut name = socket2::SockAddrStorage::zeroed();
            let mut cmsg = [0u64; 16];
            let mut iov = libc::iovec {
                iov_base: self.buf.as_mut_ptr().cast(),
                iov_len: self.buf.len(),
            };
            let mut msg: libc::msghdr = zeroed();
            msg.msg_name = (&mut name as *mut socket2::SockAddrStorage).cast();
            msg.msg_namelen = size_of::<socket2::SockAddrStorage>() as libc::socklen_t;
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = cmsg.as_mut_ptr().cast();
            msg.msg_controllen = size_of::<[u64; 16]>() as _;
            // try_io clears the readiness on WouldBlock, so `readable` waits again.
            let n = self.fd.try_io(Interest::READABLE, |s| {
                let n = libc::recvmsg(s.as_raw_fd(), &mut msg, 0);
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(n)
                }
            })?;
            let len = n as usize;
            let eor = msg.msg_flags & libc::MSG_EOR != 0;
            if msg.msg_flags & MSG_NOTIFICATION != 0 {
                let from = SockAddr::new(name, msg.msg_namelen).as_socket();
                return Ok(Received::Notification { len, from });
            }
            let mut info = SndRcvInfo::default();
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == SOL_SCTP && (*c).cmsg_type == SCTP_SNDRCV {
                    info = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<SndRcvInfo>());
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
            Ok(Received::Data {
                assoc: info.assoc_id,
                info,
                len,
                eor,
            })
        }
    }

    fn send_raw(
        &self,
        assoc: i32,
        flags: u16,
        stream: u16,
        ppid: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let info = SndRcvInfo {
            stream,
            flags,
            ppid: ppid.to_be(),
            assoc_id: assoc,
            ..SndRcvInfo::default()
        };
        // SAFETY: the control buffer is large and aligned enough for one cmsghdr with a
        // SndRcvInfo; `data` outlives the call and is only read.
        unsafe {
            let mut cmsg = [0u64; 8];
            let mut iov = libc::iovec {
                iov_base: data.as_ptr() as *mut libc::c_void,
                iov_len: data.len(),
            };
            let mut msg: libc::msghdr = zeroed();
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = cmsg.as_mut_ptr().cast();
            msg.msg_controllen = libc::CMSG_SPACE(size_of::<SndRcvInfo>() as u32) as _;
            let c = libc::CMSG_FIRSTHDR(&msg);
            (*c).cmsg_level = SOL_SCTP;
            (*c).cmsg_type = SCTP_SNDRCV;
            (*c).cmsg_len = libc::CMSG_LEN(size_of::<SndRcvInfo>() as u32) as _;
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<SndRcvInfo>(), info);
            self.fd.try_io(Interest::WRITABLE, |s| {
                if libc::sendmsg(s.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(())
                }
            })?;
        }
        Ok(())
    }

    fn try_send(&mut self, key: u64, p: Pending) {
        let flags = if p.unordered { SCTP_UNORDERED } else { 0 };
        match self.send_raw(key as i32, flags, p.stream, p.ppid, &p.data) {
            Ok(()) => self.core.sent(key, p.data.len()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.core.defer(key, p),
            Err(e) => {
                tracing::debug!(key, "kernel SCTP send dropped: {e}");
                self.core.sent(key, p.data.len());
            }
        }
    }

    fn retry_pending(&mut self) {
        for key in self.core.blocked() {
            while let Some(p) = self.core.next_pending(key) {
                self.try_send(key, p);
                if self.core.blocked().contains(&key) {
                    break;
                }
            }
        }
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::Send {
                key,
                stream,
                ppid,
                unordered,
                data,
            } => {
                let p = Pending {
                    stream,
                    ppid,
                    unordered,
                    data,
                };
                if let Some(p) = self.core.take_send(key, p) {
                    self.try_send(key, p);
                }
            }
            Command::Close { key } => {
                self.core.closing(key);
                let _ = self.send_raw(key as i32, SCTP_EOF, 0, 0, &[]);
            }
            Command::Abort { key } => {
                let _ = self.send_raw(key as i32, SCTP_ABORT, 0, 0, &[]);
            }
            Command::Connect { peer, reply } => {
                let addr: SockAddr = SocketAddr::new(peer.ip, peer.sctp_port).into();
                match self.fd.get_ref().connect(&addr) {
                    Ok(()) => {}
                    Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
                    Err(e) => {
                        let _ = reply.send(Err(Error::io(format!("SCTP connect {addr:?}"), e)));
                        return;
                    }
                }
                self.connecting.push((peer, reply));
            }
        }
    }
}
