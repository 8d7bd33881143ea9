//! `--tun`: one TUN device for all UEs (Linux), so that ordinary programs can send
//! traffic through a simulated UE.
//!
//! Why one device and not one per UE: a thousand UEs would be a thousand interfaces,
//! file descriptors and reader tasks; one device scales to any number of UEs with one
//! reader. Each session's IPv4 address is added to the device (`/32`) with a
//! source-address routing rule (`ip rule add from <address> lookup 2152`, table 2152
//! routing everything into the device); likewise an IPv6 session's address (`/128`,
//! prefix from the Router Advertisement + interface identifier) with an `ip -6 rule`. A program that binds the UE's address —
//! `curl --interface 10.45.0.2 ...`, `iperf3 -B 10.45.0.2 -c ...`, `ping -I 10.45.0.2` —
//! sends through the TUN; the reader maps the packet's source address to its gNB and UE,
//! and the gNB task encapsulates it on N3. Downlink T-PDUs are written to the device,
//! where the kernel delivers them to the bound socket.
//!
//! The device is made with the TUNSETIFF ioctl (through `libc`; no crate needed for
//! that one call) and configured with iproute2 (`ip`), which routing rules need anyway.
//! Needs root or CAP_NET_ADMIN.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::{Arc, Mutex, RwLock};

use ferrocore_sim::{UPLINK_HEADROOM, UeId};
use tokio::sync::mpsc;
use tracing::{debug, warn};

/// Uplink packets for a gNB task: the UE and the packet behind its headroom.
pub(crate) type UplinkTx = mpsc::Sender<(UeId, Vec<u8>)>;
/// The receiving end of [`UplinkTx`].
pub(crate) type UplinkRx = mpsc::Receiver<(UeId, Vec<u8>)>;

/// The routing table of the UEs' addresses (TS 29.281's port, for want of a better one).
const TABLE: &str = "2152";
/// Uplink packets queued per gNB before the reader drops.
const QUEUE: usize = 4096;

/// The shared device: the gNB tasks write downlink packets to it and register the UEs'
/// addresses; a reader thread hands uplink packets to the owning gNB task.
pub(crate) struct TunShared {
    name: String,
    file: File,
    routes: Routes,
    config: Mutex<std::sync::mpsc::Sender<IpAddr>>,
    added: Arc<Mutex<Vec<IpAddr>>>,
}

/// UE addresses to (gNB index, UE).
type Routes = Arc<RwLock<HashMap<IpAddr, (usize, UeId)>>>;

#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

const IFF_TUN: libc::c_short = 0x0001;
const IFF_NO_PI: libc::c_short = 0x1000;
const TUNSETIFF: libc::c_ulong = 0x4004_54ca;

fn ip(args: &[&str]) -> std::io::Result<()> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| std::io::Error::new(e.kind(), format!("running `ip` (iproute2): {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

impl TunShared {
    /// Creates the device `name`, up, MTU 1400, table 2152 routing into it; starts the
    /// reader (uplink to `gnbs[i]` for gNB `i`) and the address configurer.
    pub(crate) fn create(name: &str, gnbs: Vec<UplinkTx>) -> std::io::Result<Arc<Self>> {
        if name.is_empty() || name.len() >= libc::IFNAMSIZ {
            return Err(std::io::Error::other(format!("bad TUN name {name:?}")));
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/net/tun")
            .map_err(|e| need_admin(e, "opening /dev/net/tun"))?;
        let mut req = IfReq {
            name: [0; libc::IFNAMSIZ],
            flags: IFF_TUN | IFF_NO_PI,
            _pad: [0; 22],
        };
        req.name[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: TUNSETIFF reads and writes one `struct ifreq`, which `IfReq` lays out
        // (name, then the flags of the union, padded to its size); the fd is open.
        let rc = unsafe { libc::ioctl(file.as_raw_fd(), TUNSETIFF as _, &mut req) };
        if rc < 0 {
            return Err(need_admin(std::io::Error::last_os_error(), "TUNSETIFF"));
        }
        ip(&["link", "set", "dev", name, "up", "mtu", "1400"])?;
        ip(&["route", "replace", "default", "dev", name, "table", TABLE])?;
        if let Err(e) = ip(&[
            "-6", "route", "replace", "default", "dev", name, "table", TABLE,
        ]) {
            warn!("TUN: no IPv6 routing for the UEs: {e}");
        }
        let routes: Routes = Arc::default();
        let added: Arc<Mutex<Vec<IpAddr>>> = Arc::default();
        let reader = file.try_clone()?;
        let r = routes.clone();
        std::thread::Builder::new()
            .name("sim-tun-reader".into())
            .spawn(move || read_loop(reader, r, gnbs))?;
        let (tx, rx) = std::sync::mpsc::channel::<IpAddr>();
        let dev = name.to_owned();
        let a = added.clone();
        std::thread::Builder::new()
            .name("sim-tun-config".into())
            .spawn(move || {
                for addr in rx {
                    let (family, cidr) = host(addr);
                    // No duplicate address detection for IPv6: the /64 is the session's own.
                    let nodad: &[&str] = if addr.is_ipv6() { &["nodad"] } else { &[] };
                    let r = ip(&[&[family, "addr", "add", &cidr, "dev", &dev][..], nodad].concat())
                        .and_then(|()| {
                            ip(&[
                                family, "rule", "add", "from", &cidr, "lookup", TABLE, "priority",
                                TABLE,
                            ])
                        });
                    match r {
                        Ok(()) => a.lock().unwrap_or_else(|e| e.into_inner()).push(addr),
                        Err(e) => warn!("TUN address {addr}: {e}"),
                    }
                }
            })?;
        Ok(Arc::new(Self {
            name: name.to_owned(),
            file,
            routes,
            config: Mutex::new(tx),
            added,
        }))
    }

    /// Routes `addr` (a session's IPv4 or IPv6 address) to gNB `gnb`'s UE `ue`.
    pub(crate) fn route(&self, addr: IpAddr, gnb: usize, ue: UeId) {
        self.routes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(addr, (gnb, ue));
        let _ = self
            .config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(addr);
    }

    /// Writes a downlink IP packet to the device.
    pub(crate) fn write(&self, packet: &[u8]) {
        if let Err(e) = (&self.file).write(packet) {
            debug!("TUN write: {e}");
        }
    }
}

impl Drop for TunShared {
    fn drop(&mut self) {
        let added = std::mem::take(&mut *self.added.lock().unwrap_or_else(|e| e.into_inner()));
        for addr in added {
            let (family, cidr) = host(addr);
            let _ = ip(&[family, "rule", "del", "from", &cidr, "lookup", TABLE]);
        }
        let _ = ip(&["link", "set", "dev", &self.name, "down"]);
    }
}

/// The `ip` family flag and host prefix (`/32`, `/128`) of a session address.
fn host(addr: IpAddr) -> (&'static str, String) {
    match addr {
        IpAddr::V4(_) => ("-4", format!("{addr}/32")),
        IpAddr::V6(_) => ("-6", format!("{addr}/128")),
    }
}

fn need_admin(e: std::io::Error, what: &str) -> std::io::Error {
    match e.raw_os_error() {
        Some(libc::EPERM) | Some(libc::EACCES) => std::io::Error::new(
            e.kind(),
            format!("{what}: {e}; --tun needs root or CAP_NET_ADMIN (Linux)"),
        ),
        _ => std::io::Error::new(e.kind(), format!("{what}: {e}")),
    }
}

/// Reads uplink packets and hands each to the gNB task of its source address.
fn read_loop(mut file: File, routes: Routes, gnbs: Vec<UplinkTx>) {
    let mut buf = vec![0u8; UPLINK_HEADROOM + 65536];
    loop {
        let n = match file.read(&mut buf[UPLINK_HEADROOM..]) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                debug!("TUN read: {e}");
                return;
            }
        };
        let Some(src) = source(&buf[UPLINK_HEADROOM..UPLINK_HEADROOM + n]) else {
            continue;
        };
        let Some(&(gnb, ue)) = routes.read().unwrap_or_else(|e| e.into_inner()).get(&src) else {
            continue;
        };
        if let Some(tx) = gnbs.get(gnb) {
            let _ = tx.try_send((ue, buf[..UPLINK_HEADROOM + n].to_vec()));
        }
    }
}

/// The source address of an IPv4 or IPv6 packet.
pub(crate) fn source(p: &[u8]) -> Option<IpAddr> {
    match p.first()? >> 4 {
        4 if p.len() >= 20 => Some(IpAddr::V4(Ipv4Addr::new(p[12], p[13], p[14], p[15]))),
        6 if p.len() >= 40 => Some(IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(&p[8..24]).ok()?,
        ))),
        _ => None,
    }
}

/// The per-gNB uplink channels of a TUN.
pub(crate) fn channels(gnbs: usize) -> (Vec<UplinkTx>, Vec<UplinkRx>) {
    (0..gnbs).map(|_| mpsc::channel(QUEUE)).unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uplink_packets_are_routed_by_their_ipv4_or_ipv6_source() {
        let mut v4 = [0u8; 20];
        v4[0] = 0x45;
        v4[12..16].copy_from_slice(&[10, 45, 0, 2]);
        assert_eq!(source(&v4), Some(IpAddr::V4(Ipv4Addr::new(10, 45, 0, 2))));
        let mut v6 = [0u8; 40];
        v6[0] = 0x60;
        let a: Ipv6Addr = "2001:db8:45:1::2".parse().unwrap();
        v6[8..24].copy_from_slice(&a.octets());
        assert_eq!(source(&v6), Some(IpAddr::V6(a)));
        assert_eq!(source(&v4[..19]), None, "truncated");
        assert_eq!(source(&v6[..39]), None, "truncated");
        assert_eq!(source(&[]), None);
        v4[0] = 0x55;
        assert_eq!(source(&v4), None, "neither IPv4 nor IPv6");
    }
}
