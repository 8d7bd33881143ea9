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
//! pass-through: gen --> 127.0.0.7:3000 --> TUN fwd0 --> sink (UL);
//!               gen --UDP to 10.46.x.y--> fwd0 --> 127.0.0.7 --sendmmsg--> 127.0.0.6:3001 (DL)
//! ```
//!
//! The UPF worker and both ceilings are threads that live for the whole run and sleep
//! while another one is measured, so that all three meet the scheduler alike.
//!
//! `cargo run --release -p ferrocore-upf-io --example upf_bench -- [seconds] [workers]
//! [auto|read|io_uring] [pin]`
//! Sizes are inner IP packet sizes (64 and 1,400 octets); the generator sends as fast
//! as it can, the rate is what reaches the sink. The third argument is how the UPF and
//! the pass-through read their TUN (the same for both); `pin` puts the system under
//! test (UPF worker, forwarder, pass-through alike) on CPU 1 and the generator and
//! the sink on CPU 0. Beside each rate, the CPU time the system under test's thread spent
//! per packet delivered and the share of time it slept with nothing to do (from its
//! schedstat): the first moves less with the machine's load than the rates do, the
//! second shows when the generator, not the system under test, was the limit.
//! `FERROCORE_BENCH_DIR=UL|DL` measures one direction, `FERROCORE_BENCH_SESSIONS=N`
//! one session count, `FERROCORE_BENCH_TUN_QUEUE=N` another TUN queue length (both TUNs).

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use ferrocore_pfcp::ie::ApplyAction;
use ferrocore_upf::UpfConfig;
use ferrocore_upf_io::batch::{RecvBatch, SendBatch, Slots, wait_readable};
use ferrocore_upf_io::n6_read::TunReader;
use ferrocore_upf_io::{N6ReadMode, UpfHandle, UpfIoConfig, recovery_time_stamp_now};

const BATCH: usize = 64;
/// Each variant is measured in `ROUNDS` interleaved slices (UPF, UDP forwarder,
/// pass-through, UPF, ...), so that a change of the machine's load hits all three;
/// the figures are medians, the ratios medians of the per-round ratios.
const ROUNDS: usize = 10;
const WARMUP_MS: u64 = 150;
const N3: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
const GNB: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 9);
const DN: Ipv4Addr = Ipv4Addr::new(10, 99, 0, 1);
const FWD: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)), 3000);
/// The pass-through's UDP side.
const PT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 7)), 3000);
const FWD_SINK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 6)), 3001);

/// CPU of the system under test and of the generator and sink, when pinned.
const SUT_CPU: usize = 1;
const LOAD_CPU: usize = 0;
static PIN: AtomicBool = AtomicBool::new(false);

fn pin_to(cpu: usize) {
    if !PIN.load(Ordering::Relaxed) {
        return;
    }
    // SAFETY: a zeroed cpu_set_t with one bit set below CPU_SETSIZE; applies to the
    // calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Nanoseconds so far that this process's thread named `name` spent on a CPU and
/// waiting for one (its schedstat); the rest of the time it slept, with nothing to do.
fn thread_sched_ns(name: &str) -> Option<(u64, u64)> {
    for t in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if comm.trim_end() == name {
            let s = std::fs::read_to_string(t.path().join("schedstat")).ok()?;
            let mut f = s.split_whitespace().map(|x| x.parse::<u64>().ok());
            return Some((f.next()??, f.next()??));
        }
    }
    None
}

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
fn generator(
    sock: UdpSocket,
    t: Arc<Traffic>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        pin_to(LOAD_CPU);
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
        pin_to(LOAD_CPU);
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
    named(SUT_FWD, move || {
        pin_to(SUT_CPU);
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

const SUT_FWD: &str = "bench-udp-fwd";
const SUT_TUN: &str = "bench-tun-fwd";
const SUT_UPF: &str = "upf-worker-0";

fn named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .expect("thread")
}

/// A second ceiling with the UPF's own I/O shape and no UPF logic: uplink, `recvmmsg`
/// on `sock` then each datagram written unchanged (an IP packet) to the TUN `tun`;
/// downlink, a batch from the TUN read the UPF's way ([`TunReader`], same mode) then
/// one `sendmmsg` of them unchanged to `to`.
fn tun_forwarder(
    sock: UdpSocket,
    tun: tun_rs::SyncDevice,
    mode: N6ReadMode,
    to: SocketAddr,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<tun_rs::SyncDevice> {
    named(SUT_TUN, move || {
        pin_to(SUT_CPU);
        let mut rx = RecvBatch::new(BATCH, 2048, 0);
        let fd_copy = tun.as_fd().try_clone_to_owned().expect("dup");
        let mut dl = TunReader::new(fd_copy, mode, BATCH, 2048, 0).expect("TUN reader");
        let mut tx = SendBatch::new(BATCH);
        let fd = sock.as_raw_fd();
        let mut busy = false;
        while !stop.load(Ordering::Relaxed) {
            // The same readiness handling as a UPF worker.
            let ready = if busy { [true, true] } else { dl.wait(fd, 20) };
            let n = if ready[0] {
                rx.recv(fd).unwrap_or(0)
            } else {
                0
            };
            for i in 0..n {
                let _ = tun.send(&rx.slots().get(i)[..rx.len(i)]);
            }
            let m = if ready[1] {
                dl.read_batch().unwrap_or(0)
            } else {
                0
            };
            for (slot, buf) in dl.packets_mut() {
                tx.push(slot, 0..buf.len(), to);
            }
            tx.flush(fd, &dl);
            busy = n == BATCH || m == BATCH;
        }
        drop(dl);
        tun
    })
}

/// What one slice measured.
#[derive(Clone, Copy)]
struct Slice {
    /// Packets per second reaching the sink.
    pps: f64,
    /// Nanoseconds of CPU the system under test's thread spent per packet delivered.
    cpu_ns: f64,
    /// Share of the time that thread slept (nothing to do), in percent.
    idle: f64,
}

/// Packets per second reaching `sink_sock` while `traffic` is sent from `gen_sock`, and
/// what the thread `sut` did meanwhile.
fn measure(
    gen_sock: UdpSocket,
    traffic: Arc<Traffic>,
    sink_sock: UdpSocket,
    secs: f64,
    sut: &str,
) -> Slice {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let s = sink(sink_sock, count.clone(), stop.clone());
    let g = generator(gen_sock, traffic, stop.clone());
    std::thread::sleep(Duration::from_millis(WARMUP_MS));
    let (c0, t0, n0) = (
        count.load(Ordering::Relaxed),
        Instant::now(),
        thread_sched_ns(sut),
    );
    std::thread::sleep(Duration::from_secs_f64(secs));
    let (c1, t1, n1) = (
        count.load(Ordering::Relaxed),
        Instant::now(),
        thread_sched_ns(sut),
    );
    stop.store(true, Ordering::Relaxed);
    g.join().unwrap();
    s.join().unwrap();
    let pkts = (c1 - c0) as f64;
    let dt = (t1 - t0).as_secs_f64();
    let (cpu_ns, idle) = match (n0, n1) {
        (Some(a), Some(b)) => (
            (b.0 - a.0) as f64 / pkts.max(1.0),
            100.0 * (1.0 - ((b.0 - a.0) + (b.1 - a.1)) as f64 / 1e9 / dt).max(0.0),
        ),
        _ => (f64::NAN, f64::NAN),
    };
    Slice {
        pps: pkts / dt,
        cpu_ns,
        idle,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
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
    let mode = match args.next().as_deref() {
        Some("read") => N6ReadMode::Read,
        Some("io_uring") => N6ReadMode::IoUring,
        _ => N6ReadMode::Auto,
    };
    PIN.store(args.next().as_deref() == Some("pin"), Ordering::Relaxed);
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
    cfg.n6_read = mode;
    if PIN.load(Ordering::Relaxed) {
        cfg.cpu_affinity = vec![SUT_CPU];
    }
    // FERROCORE_BENCH_TUN_QUEUE=N: another TUN queue length (for the UPF and the
    // pass-through alike).
    if let Some(q) = std::env::var("FERROCORE_BENCH_TUN_QUEUE")
        .ok()
        .and_then(|q| q.parse().ok())
    {
        cfg.tun.queue_len = Some(q);
    }
    let queue_len = cfg.tun.queue_len;
    let upf = UpfHandle::start(cfg).expect("UPF starts");
    // The pass-through ceiling's own TUN, for a second pool, with the same queue.
    let mut fwd_tun = tun_rs::DeviceBuilder::new()
        .name("fwd0")
        .mtu(1500)
        .packet_information(false)
        .enable(true);
    if let Some(q) = queue_len {
        fwd_tun = fwd_tun.tx_queue_len(q);
    }
    let fwd_tun = fwd_tun.build_sync().expect("fwd0");
    fwd_tun.set_nonblocking(true).unwrap();
    sh(&["route", "replace", "10.46.0.0/16", "dev", "fwd0"]);

    let fwd_ue = |i: usize| Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 46, 0, 1)) + i as u32);
    // Both ceilings live as long as the UPF and, like its worker, sleep while another
    // is measured: the three systems under test are threads of the same kind.
    let stop_ceilings = Arc::new(AtomicBool::new(false));
    let fwd = forwarder(bind(FWD), FWD_SINK, stop_ceilings.clone());
    let pt = tun_forwarder(bind(PT), fwd_tun, mode, FWD_SINK, stop_ceilings.clone());
    let mut smf = Smf::new("127.0.0.3:8805".parse().unwrap(), upf.n4_addr());
    smf.associate();

    println!(
        "ferrocore UPF benchmark: {} worker(s), batch {BATCH}, {secs} s per case, {} CPUs, N6 read: {}, TUN queue {}, {}",
        workers,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        upf.n6_read_path(),
        queue_len.map_or("default".to_string(), |q| q.to_string()),
        if PIN.load(Ordering::Relaxed) {
            "system under test on CPU 1, generator and sink on CPU 0"
        } else {
            "not pinned"
        }
    );
    println!(
        "{:>8} {:>6} {:>5} {:>12} {:>12} {:>7} {:>12} {:>7} {:>9} {:>6} {:>20} {:>15} {:>12}  load",
        "sessions",
        "size",
        "dir",
        "upf",
        "udp fwd",
        "ratio",
        "udp<>tun fwd",
        "ratio",
        "upf Gb/s",
        "drops",
        "us cpu/pkt u/f/t",
        "spread u/f/t %",
        "idle u/f/t %"
    );
    let mut teids: Vec<u32> = Vec::new();
    // FERROCORE_BENCH_SESSIONS=N: one session count instead of 1 and 10,000.
    let counts: Vec<usize> = match std::env::var("FERROCORE_BENCH_SESSIONS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        Some(n) => vec![n],
        None => vec![1, 10_000],
    };
    for sessions in counts {
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
                // FERROCORE_BENCH_DIR=UL or DL measures one direction only.
                let only = std::env::var("FERROCORE_BENCH_DIR").unwrap_or_default();
                if (only == "UL" && dir == Dir::Down) || (only == "DL" && dir == Dir::Up) {
                    continue;
                }
                let payload = vec![0xA5u8; size - 28];
                // The UPF's traffic and the forwarder's: same count, same datagram sizes.
                let (upf_t, fwd_t) = match dir {
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
                        (mk(upf.n3_addr()), mk(FWD))
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
                        )
                    }
                };
                // Pass-through: the inner packets themselves (UL), or UDP to 10.46.x.y (DL).
                let tun_t = match dir {
                    Dir::Up => {
                        let pkts: Vec<Vec<u8>> = (0..sessions)
                            .map(|i| udp(fwd_ue(i), DN, 9000, 9001, &payload))
                            .collect();
                        let mut slots = Slots::new(pkts.len(), 2048);
                        for (i, p) in pkts.iter().enumerate() {
                            slots.get_mut(i)[..p.len()].copy_from_slice(p);
                        }
                        Traffic {
                            slots,
                            lens: pkts.iter().map(|p| p.len()).collect(),
                            dsts: vec![PT; pkts.len()],
                        }
                    }
                    Dir::Down => {
                        let mut slots = Slots::new(1, 2048);
                        slots.get_mut(0)[..payload.len()].copy_from_slice(&payload);
                        Traffic {
                            slots,
                            lens: vec![payload.len(); sessions],
                            dsts: (0..sessions)
                                .map(|i| SocketAddr::new(IpAddr::V4(fwd_ue(i)), 9000))
                                .collect(),
                        }
                    }
                };
                let (upf_t, fwd_t, tun_t) = (Arc::new(upf_t), Arc::new(fwd_t), Arc::new(tun_t));
                let (upf_g, upf_k): (SocketAddr, SocketAddr) = match dir {
                    Dir::Up => ((GNB, 0).into(), (DN, 9000).into()),
                    Dir::Down => ((DN, 0).into(), (GNB, 2152).into()),
                };
                let (tun_g, tun_k): (SocketAddr, SocketAddr) = match dir {
                    Dir::Up => ((GNB, 0).into(), (DN, 9001).into()),
                    Dir::Down => ((DN, 0).into(), FWD_SINK),
                };
                let drops0: u64 = upf_drops(&upf);
                let slice = secs / ROUNDS as f64;
                let (mut upf_s, mut fwd_s, mut tun_s) = (vec![], vec![], vec![]);
                for _ in 0..ROUNDS {
                    upf_s.push(measure(
                        bind(upf_g),
                        upf_t.clone(),
                        bind(upf_k),
                        slice,
                        SUT_UPF,
                    ));
                    fwd_s.push(measure(
                        bind((GNB, 0)),
                        fwd_t.clone(),
                        bind(FWD_SINK),
                        slice,
                        SUT_FWD,
                    ));
                    tun_s.push(measure(
                        bind(tun_g),
                        tun_t.clone(),
                        bind(tun_k),
                        slice,
                        SUT_TUN,
                    ));
                }
                let drops = upf_drops(&upf) - drops0;
                let field =
                    |v: &[Slice], f: fn(&Slice) -> f64| v.iter().map(f).collect::<Vec<f64>>();
                let (upf_v, fwd_v, tun_v) = (
                    field(&upf_s, |s| s.pps),
                    field(&fwd_s, |s| s.pps),
                    field(&tun_s, |s| s.pps),
                );
                let cpus = format!(
                    "{:.2}/{:.2}/{:.2}",
                    median(field(&upf_s, |s| s.cpu_ns)) / 1e3,
                    median(field(&fwd_s, |s| s.cpu_ns)) / 1e3,
                    median(field(&tun_s, |s| s.cpu_ns)) / 1e3
                );
                let idles = format!(
                    "{:.0}/{:.0}/{:.0}",
                    median(field(&upf_s, |s| s.idle)),
                    median(field(&fwd_s, |s| s.idle)),
                    median(field(&tun_s, |s| s.idle))
                );
                let ratio = |a: &[f64], b: &[f64]| {
                    median(a.iter().zip(b).map(|(x, y)| x / y.max(1.0)).collect())
                };
                let (fwd_r, tun_r) = (ratio(&upf_v, &fwd_v), ratio(&upf_v, &tun_v));
                let spread = |v: &[f64]| {
                    let m = median(v.to_vec()).max(1.0);
                    let (lo, hi) = v
                        .iter()
                        .fold((f64::MAX, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
                    100.0 * (hi - lo) / m
                };
                let spreads = format!(
                    "{:.0}/{:.0}/{:.0}",
                    spread(&upf_v),
                    spread(&fwd_v),
                    spread(&tun_v)
                );
                let (upf_pps, fwd_pps, tun_pps) = (median(upf_v), median(fwd_v), median(tun_v));

                println!(
                    "{:>8} {:>6} {:>5} {:>12} {:>12} {:>6.1}% {:>12} {:>6.1}% {:>9.2} {:>6} {:>20} {:>15} {:>12}  {}",
                    sessions,
                    size,
                    if dir == Dir::Up { "UL" } else { "DL" },
                    fmt_rate(upf_pps),
                    fmt_rate(fwd_pps),
                    100.0 * fwd_r,
                    fmt_rate(tun_pps),
                    100.0 * tun_r,
                    upf_pps * size as f64 * 8.0 / 1e9,
                    drops,
                    cpus,
                    spreads,
                    idles,
                    loadavg()
                );
            }
        }
    }
    stop_ceilings.store(true, Ordering::Relaxed);
    fwd.join().unwrap();
    drop(pt.join().unwrap());
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
