//! UPF throughput through real UDP sockets and the TUN device, beside the ceiling of a
//! trivial UDP forwarder with the same batching (`recvmmsg` -> `sendmmsg` unchanged)
//! measured in the same run, case by case. Figures only: nothing is asserted.
//!
//! Everything runs in a network namespace of its own (root needed):
//!
//! ```text
//! uplink:   gen (127.0.0.9) --G-PDU--> UPF N3 127.0.0.2:2152 --TUN upf0--> sink 10.99.0.1:9000 (on lo)
//! downlink: gen (10.99.0.1) --UDP to 10.45.x.y--> route -> upf0 -> UPF --G-PDU--> sink 127.0.0.9:2152
//! ceiling:  gen --> forwarder 127.0.0.5:3000 --sendmmsg--> sink 127.0.0.6:3001, same datagram sizes
//! ```
//!
//! `cargo run --release -p ferrocore-upf-io --example upf_bench -- [seconds] [workers]`
//! Sizes are inner IP packet sizes (64 and 1,400 octets); the generator sends as fast
//! as it can, the rate is what reaches the sink.

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use ferrocore_pfcp::ie::ApplyAction;
use ferrocore_upf::UpfConfig;
use ferrocore_upf_io::batch::{RecvBatch, SendBatch, Slots, wait_readable};
use ferrocore_upf_io::{UpfHandle, UpfIoConfig, recovery_time_stamp_now};

const BATCH: usize = 64;
const N3: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const GNB: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 9);
const DN: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 1);
const FWD: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)), 3000);
const FWD_SINK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 6)), 3001);

fn ue(i: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(UE_POOL.0) + 1 + i as u32)
}

fn big_buffers(s: &UdpSocket) {
    let v: libc::c_int = 8 << 20;
    for opt in [libc::SO_RCVBUFFORCE, libc::SO_SNDBUFFORCE] {
        // SAFETY: a valid socket and an int option value.
        unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                opt,
                (&v as *const libc::c_int).cast(),
                size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}

fn bind(a: impl std::net::ToSocketAddrs) -> UdpSocket {
    let s = UdpSocket::bind(a).expect("bind");
    big_buffers(&s);
    s
}

/// Packets to send: each a slot's prefix, with its destination.
struct Traffic {
    slots: Slots,
    lens: Vec<usize>,
    dsts: Vec<SocketAddr>,
}

/// Sends `t` round robin in batches of [`BATCH`] until `stop`.
fn generator(sock: UdpSocket, t: Traffic, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut tx = SendBatch::new(BATCH);
        let n = t.lens.len();
        let mut i = 0;
        while !stop.load(Ordering::Relaxed) {
            for _ in 0..BATCH {
                let k = i % n;
                let slot = k % t.slots.count();
                tx.push(slot, 0..t.lens[k], t.dsts[k]);
                i += 1;
            }
            tx.flush(sock.as_raw_fd(), &t.slots);
        }
    })
}

/// Counts what arrives on `sock` until `stop`.
fn sink(
    sock: UdpSocket,
    count: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut rx = RecvBatch::new(BATCH, 2048, 0);
        let fd = sock.as_raw_fd();
        while !stop.load(Ordering::Relaxed) {
            match rx.recv(fd) {
                Ok(0) | Err(_) => {
                    wait_readable([fd], 10);
                }
                Ok(n) => {
                    count.fetch_add(n as u64, Ordering::Relaxed);
                }
            }
        }
    })
}

/// The ceiling: recvmmsg -> sendmmsg unchanged, same batch, same idle handling as a
/// UPF worker.
fn forwarder(
    sock: UdpSocket,
    to: SocketAddr,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut rx = RecvBatch::new(BATCH, 2048, 0);
        let mut tx = SendBatch::new(BATCH);
        let fd = sock.as_raw_fd();
        let mut busy = false;
        while !stop.load(Ordering::Relaxed) {
            if !busy && wait_readable([fd], 20) == [false] {
                continue;
            }
            let n = rx.recv(fd).unwrap_or(0);
            for i in 0..n {
                tx.push(i, 0..rx.len(i), to);
            }
            tx.flush(fd, rx.slots());
            busy = n == BATCH;
        }
    })
}

/// Packets per second reaching `sink_sock` while `traffic` is sent from `gen_sock`.
fn measure(gen_sock: UdpSocket, traffic: Traffic, sink_sock: UdpSocket, secs: f64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let s = sink(sink_sock, count.clone(), stop.clone());
    let g = generator(gen_sock, traffic, stop.clone());
    std::thread::sleep(Duration::from_millis(300));
    let (c0, t0) = (count.load(Ordering::Relaxed), Instant::now());
    std::thread::sleep(Duration::from_secs_f64(secs));
    let (c1, t1) = (count.load(Ordering::Relaxed), Instant::now());
    stop.store(true, Ordering::Relaxed);
    g.join().unwrap();
    s.join().unwrap();
    (c1 - c0) as f64 / (t1 - t0).as_secs_f64()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn fmt_rate(pps: f64) -> String {
    if pps >= 1e6 {
        format!("{:.2} Mpps", pps / 1e6)
    } else {
        format!("{:.0} kpps", pps / 1e3)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Up,
    Down,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2.0);
    let workers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    if skip() {
        return;
    }
    let ns = Namespaces::new("bench", &["core"]);
    enter(ns.name(0));
    let sh = |c: &[&str]| ip(c);
    // The DN host is a local address (any interface delivers to it).
    sh(&["addr", "add", "10.99.0.1/32", "dev", "lo"]);
    sysctl(ns.name(0), "net.ipv4.conf.all.rp_filter=0");
    sysctl(ns.name(0), "net.ipv4.conf.default.rp_filter=0");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let _g = rt.enter();
    let upf_cfg = UpfConfig::new(IpAddr::V4(N3), N3, recovery_time_stamp_now());
    let mut cfg = UpfIoConfig::new(upf_cfg);
    cfg.tun.routes = vec![(IpAddr::V4(UE_POOL.0), UE_POOL.1)];
    cfg.workers = workers;
    cfg.batch = BATCH;
    let upf = UpfHandle::start(cfg).expect("UPF starts");
    let mut smf = Smf::new("127.0.0.3:8805".parse().unwrap(), upf.n4_addr());
    smf.associate();

    println!(
        "ferrocore UPF benchmark: {} worker(s), batch {BATCH}, {secs} s per case, {} CPUs",
        workers,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:>8} {:>6} {:>5} {:>12} {:>12} {:>7} {:>9} {:>10}  load",
        "sessions", "size", "dir", "upf", "forwarder", "ratio", "Gbit/s", "upf drops"
    );
    let mut teids: Vec<u32> = Vec::new();
    for sessions in [1usize, 10_000] {
        let t0 = Instant::now();
        while teids.len() < sessions {
            let i = teids.len();
            let (_, teid) = smf.establish(
                0x1000 + i as u64,
                ue(i),
                GNB,
                0x10_0000 + i as u32,
                ApplyAction::FORW,
            );
            teids.push(teid);
        }
        if sessions > 1 {
            eprintln!(
                "({} sessions set up over N4 in {:.2} s)",
                sessions,
                t0.elapsed().as_secs_f64()
            );
        }
        for size in [64usize, 1400] {
            for dir in [Dir::Up, Dir::Down] {
                let payload = vec![0xA5u8; size - 28];
                // The UPF's traffic and the forwarder's: same count, same datagram sizes.
                let (upf_t, fwd_t, upf_gen, upf_sink) = match dir {
                    Dir::Up => {
                        let pkts: Vec<Vec<u8>> = (0..sessions)
                            .map(|i| gpdu_ul(teids[i], QFI, &udp(ue(i), DN, 9000, 9000, &payload)))
                            .collect();
                        let mk = |dst: SocketAddr| {
                            let mut slots = Slots::new(pkts.len(), 2048);
                            for (i, p) in pkts.iter().enumerate() {
                                slots.get_mut(i)[..p.len()].copy_from_slice(p);
                            }
                            Traffic {
                                slots,
                                lens: pkts.iter().map(|p| p.len()).collect(),
                                dsts: vec![dst; pkts.len()],
                            }
                        };
                        (mk(upf.n3_addr()), mk(FWD), bind((GNB, 0)), bind((DN, 9000)))
                    }
                    Dir::Down => {
                        let mk = |dst: &dyn Fn(usize) -> SocketAddr| {
                            let mut slots = Slots::new(1, 2048);
                            slots.get_mut(0)[..payload.len()].copy_from_slice(&payload);
                            Traffic {
                                slots,
                                lens: vec![payload.len(); sessions],
                                dsts: (0..sessions).map(dst).collect(),
                            }
                        };
                        (
                            mk(&|i| SocketAddr::new(IpAddr::V4(ue(i)), 9000)),
                            mk(&|_| FWD),
                            bind((DN, 0)),
                            bind((GNB, 2152)),
                        )
                    }
                };
                let drops0: u64 = upf_drops(&upf);
                let upf_pps = measure(upf_gen, upf_t, upf_sink, secs);
                let drops = upf_drops(&upf) - drops0;

                let stop = Arc::new(AtomicBool::new(false));
                let fwd = forwarder(bind(FWD), FWD_SINK, stop.clone());
                let fwd_pps = measure(bind((GNB, 0)), fwd_t, bind(FWD_SINK), secs);
                stop.store(true, Ordering::Relaxed);
                fwd.join().unwrap();

                println!(
                    "{:>8} {:>6} {:>5} {:>12} {:>12} {:>6.1}% {:>9.2} {:>10}  {}",
                    sessions,
                    size,
                    if dir == Dir::Up { "UL" } else { "DL" },
                    fmt_rate(upf_pps),
                    fmt_rate(fwd_pps),
                    100.0 * upf_pps / fwd_pps.max(1.0),
                    upf_pps * size as f64 * 8.0 / 1e9,
                    drops,
                    loadavg()
                );
            }
        }
    }
    let m = upf.metrics();
    eprintln!(
        "totals: n3 rx {} tx {}, n6 rx {} tx {}",
        m.n3_rx_packets.get(),
        m.n3_tx_packets.get(),
        m.n6_rx_packets.get(),
        m.n6_tx_packets.get()
    );
    rt.block_on(upf.stop());
    drop(ns);
}

/// Packets the UPF dropped for any reason (the generator outrunning it shows up at the
/// sockets and the TUN queue, not here).
fn upf_drops(upf: &UpfHandle) -> u64 {
    let m = upf.metrics();
    ferrocore_upf::DropReason::ALL
        .iter()
        .map(|d| m.dropped(d.name()))
        .chain(
            ferrocore_upf_io::IoDrop::ALL
                .iter()
                .map(|d| m.dropped(d.name())),
        )
        .sum()
}
