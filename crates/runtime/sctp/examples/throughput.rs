//! 100-octet messages per second over one association, per driver, beside usrsctp's
//! `tsctp` in the same run:
//!
//! ```sh
//! cargo run --profile bench -p ferrocore-sctp-io --example throughput [-- MESSAGES]
//! ```
//!
//! - `udp`: our connector -> our listener, UDP encapsulation on loopback;
//! - `tsctp`: `tsctp` -> `tsctp`, UDP encapsulation on loopback, same size and count;
//! - `raw`: our connector -> our listener over raw IP between two network namespaces
//!   joined by veth (root only; skipped otherwise).
//!
//! Bundling: our engine packs as many DATA chunks as fit in `max_packet_size` (1200):
//! 100-octet messages take 116 octets each as chunks, so up to 10 per packet.

use ferrocore_sctp_io::{NGAP_PPID, SctpConfig, SctpConnector, SctpListener, Transport};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const SIZE: usize = 100;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    println!("{n} messages of {SIZE} octets, one association, ordered, stream 0, PPID 60");
    let rt = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    };
    let udp = rt().block_on(ours(n, Transport::Udp, LO, LO, None));
    println!("ferrocore udp -> ferrocore  : {:>10.0} msgs/s", udp);
    match tsctp_pair(n) {
        Some(r) => println!(
            "tsctp udp -> tsctp          : {:>10.0} msgs/s (tsctp's count)",
            r
        ),
        None => println!("tsctp udp -> tsctp          : tsctp not available"),
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let r = raw_in_netns(n);
        println!(
            "ferrocore raw -> ferrocore  : {:>10.0} msgs/s (veth between namespaces)",
            r
        );
    } else {
        println!("ferrocore raw -> ferrocore  : skipped (needs root)");
    }
}

/// Our connector -> our listener; messages per second counted at the receiver.
async fn ours(
    n: usize,
    transport: Transport,
    server_ip: IpAddr,
    client_ip: IpAddr,
    _tag: Option<()>,
) -> f64 {
    let mut cfg = SctpConfig::listener(transport, server_ip, 38412);
    cfg.udp_port = 0;
    let mut l = SctpListener::bind(cfg).await.unwrap();
    let c = SctpConnector::bind(SctpConfig::connector(transport, client_ip))
        .await
        .unwrap();
    let a = match l.udp_local_addr() {
        Some(u) => c.connect_udp(u, 38412).await.unwrap(),
        None => c.connect(SocketAddr::new(server_ip, 38412)).await.unwrap(),
    };
    let mut s = l.accept().await.unwrap();
    let start = Instant::now();
    let sender = tokio::spawn(async move {
        let msg = vec![0x5a; SIZE];
        for _ in 0..n {
            a.send(0, NGAP_PPID, msg.clone()).await.unwrap();
        }
        a
    });
    for _ in 0..n {
        let m = s.recv().await.unwrap();
        debug_assert_eq!(m.data.len(), SIZE);
    }
    let secs = start.elapsed().as_secs_f64();
    drop(sender.await.unwrap());
    n as f64 / secs
}

const TSCTP: &str = "/usr/lib/usrsctp/tsctp";

/// Parses tsctp's receiver summary `length, sent, received, octets, seconds, octets/s, ...`.
fn tsctp_rate(out: &str) -> Option<f64> {
    out.lines().filter(|l| !l.starts_with('[')).find_map(|l| {
        let f: Vec<&str> = l.split(',').map(str::trim).collect();
        let received: f64 = f.get(2)?.parse().ok()?;
        let secs: f64 = f.get(4)?.parse().ok()?;
        (secs > 0.0).then(|| received / secs)
    })
}

/// Runs a tsctp receiver, `send(sctp_port, our_udp, their_udp)`, returns tsctp's rate.
fn tsctp_receiver(n: usize, send: impl FnOnce(u16, u16, u16)) -> Option<f64> {
    if !std::path::Path::new(TSCTP).exists() {
        return None;
    }
    let (their, ours) = (29301u16, 29302u16);
    let log = std::env::temp_dir().join(format!("ferrocore-tsctp-{}.log", std::process::id()));
    let mut server = Command::new(TSCTP)
        .args([
            "-E",
            &their.to_string(),
            "-U",
            &ours.to_string(),
            "-l",
            &SIZE.to_string(),
            "-n",
            &n.to_string(),
        ])
        .stdout(std::fs::File::create(&log).ok()?)
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(300));
    send(5001, ours, their);
    // tsctp prints its summary when the association ends.
    let mut rate = None;
    for _ in 0..100 {
        rate = tsctp_rate(&std::fs::read_to_string(&log).unwrap_or_default());
        if rate.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(&log);
    rate
}

/// tsctp -> tsctp over UDP encapsulation on loopback.
fn tsctp_pair(n: usize) -> Option<f64> {
    tsctp_receiver(n, |_port, ours, their| {
        let _ = Command::new(TSCTP)
            .args([
                "-E",
                &ours.to_string(),
                "-U",
                &their.to_string(),
                "-l",
                &SIZE.to_string(),
                "-n",
                &n.to_string(),
                "127.0.0.1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    })
}

/// Raw IP between two namespaces joined by veth (as in tests/raw_netns.rs).
fn raw_in_netns(n: usize) -> f64 {
    let id = std::process::id() % 100_000;
    let (a, b) = (format!("fcba{id}"), format!("fcbb{id}"));
    let (va, vb) = (format!("vba{id}"), format!("vbb{id}"));
    let ip = |args: &[&str]| {
        let ok = Command::new("ip")
            .args(args)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "ip {}", args.join(" "));
    };
    let (ipa, ipb) = (Ipv4Addr::new(10, 213, 8, 1), Ipv4Addr::new(10, 213, 8, 2));
    ip(&["netns", "add", &a]);
    ip(&["netns", "add", &b]);
    let cleanup = Cleanup(vec![a.clone(), b.clone()]);
    ip(&[
        "link", "add", &va, "netns", &a, "type", "veth", "peer", "name", &vb, "netns", &b,
    ]);
    for (ns, dev, addr) in [(&a, &va, ipa), (&b, &vb, ipb)] {
        ip(&["-n", ns, "addr", "add", &format!("{addr}/30"), "dev", dev]);
        ip(&["-n", ns, "link", "set", dev, "up"]);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let server = {
        let a = a.clone();
        std::thread::spawn(move || {
            enter(&a);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut l = SctpListener::bind(SctpConfig::listener(
                    Transport::Raw,
                    IpAddr::V4(ipa),
                    38412,
                ))
                .await
                .unwrap();
                tx.send(()).unwrap();
                let mut s = l.accept().await.unwrap();
                let start = Instant::now();
                for _ in 0..n {
                    s.recv().await.unwrap();
                }
                n as f64 / start.elapsed().as_secs_f64()
            })
        })
    };
    rx.recv().unwrap();
    let client = std::thread::spawn(move || {
        enter(&b);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let c = SctpConnector::bind(SctpConfig::connector(Transport::Raw, IpAddr::V4(ipb)))
                .await
                .unwrap();
            let a = c
                .connect(SocketAddr::new(IpAddr::V4(ipa), 38412))
                .await
                .unwrap();
            let msg = vec![0x5a; SIZE];
            for _ in 0..n {
                a.send(0, NGAP_PPID, msg.clone()).await.unwrap();
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        })
    });
    let r = server.join().unwrap();
    client.join().unwrap();
    drop(cleanup);
    r
}

struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for ns in &self.0 {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn enter(name: &str) {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(format!("/var/run/netns/{name}")).unwrap();
    // SAFETY: a valid namespace descriptor; only this thread changes namespace.
    assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
}
