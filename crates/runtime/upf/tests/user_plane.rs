//! The user plane across namespaces:
//!
//! ```text
//!  ns ran: gNB (GTP-U built with ferrocore-gtpu)   10.201.1.2
//!     | veth
//!  ns core: the UPF (N3 10.201.1.1, N4 127.0.0.2, TUN upf0 <- 10.45.0.0/16), forwarding on
//!     | veth                                        10.202.0.1
//!  ns dn: a plain host (kernel ICMP, a UDP echo)    10.202.0.2
//! ```
//!
//! Needs root and iproute2; `FERROCORE_SKIP_NETNS=1` skips.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use ferrocore_pfcp::Body;
use ferrocore_pfcp::ie::ApplyAction;
use ferrocore_upf::UpfConfig;
use ferrocore_upf_io::{N6ReadMode, N6ReadPath, UpfHandle, UpfIoConfig, recovery_time_stamp_now};

const GNB: Ipv4Addr = Ipv4Addr::new(10, 201, 1, 2);
const N3: Ipv4Addr = Ipv4Addr::new(10, 201, 1, 1);
const CORE_DN: Ipv4Addr = Ipv4Addr::new(10, 202, 0, 1);
const DN: Ipv4Addr = Ipv4Addr::new(10, 202, 0, 2);
const UE: Ipv4Addr = Ipv4Addr::new(10, 45, 0, 7);
const ECHO_PORT: u16 = 7777;

struct Net {
    ns: Namespaces,
}

impl Net {
    fn new(tag: &str) -> Self {
        let ns = Namespaces::new(tag, &["ran", "core", "dn"]);
        ns.link(0, GNB, 1, N3, &format!("{tag}r"));
        ns.link(1, CORE_DN, 2, DN, &format!("{tag}d"));
        let core = ns.name(1).to_string();
        sysctl(&core, "net.ipv4.ip_forward=1");
        sysctl(&core, "net.ipv4.conf.all.rp_filter=0");
        sysctl(&core, "net.ipv4.conf.default.rp_filter=0");
        ip(&[
            "-n",
            ns.name(2),
            "route",
            "add",
            "10.45.0.0/16",
            "via",
            &CORE_DN.to_string(),
        ]);
        Net { ns }
    }

    fn ran(&self) -> &str {
        self.ns.name(0)
    }
    fn core(&self) -> String {
        self.ns.name(1).to_string()
    }
    fn dn(&self) -> &str {
        self.ns.name(2)
    }
}

fn upf_config(workers: usize) -> UpfIoConfig {
    let upf = UpfConfig::new(
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
        N3,
        recovery_time_stamp_now(),
    );
    let mut cfg = UpfIoConfig::new(upf);
    cfg.tun.routes = vec![(IpAddr::V4(UE_POOL.0), UE_POOL.1)];
    cfg.workers = workers;
    cfg
}

fn smf(upf: &UpfHandle) -> Smf {
    let mut smf = Smf::new("127.0.0.3:8805".parse().unwrap(), upf.n4_addr());
    smf.associate();
    smf
}

/// A G-PDU from the UPF: (TEID, QFI, inner packet).
fn recv_gpdu(gnb: &UdpSocket) -> (u32, Option<u8>, Vec<u8>) {
    let mut buf = [0u8; 4096];
    let (n, from) = gnb.recv_from(&mut buf).expect("a G-PDU from the UPF");
    assert_eq!(from, SocketAddr::new(IpAddr::V4(N3), 2152));
    let d = ferrocore_gtpu::decap(&buf[..n]).expect("valid GTP-U");
    assert_eq!(d.message_type, 255, "G-PDU");
    assert_eq!(d.pdu_type, Some(0), "DL PDU Session Container");
    (d.teid, d.qfi.map(|q| q.value()), buf[d.payload].to_vec())
}

/// A UDP echo server in namespace `dn` until `stop`.
fn udp_echo(net: &Net, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let sock = on(net.dn(), || UdpSocket::bind((DN, ECHO_PORT)).unwrap());
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while !stop.load(Ordering::Relaxed) {
            if let Ok((n, from)) = sock.recv_from(&mut buf) {
                let _ = sock.send_to(&buf[..n], from);
            }
        }
    })
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn uplink_icmp_and_udp_reach_the_dn_and_replies_come_back_encapsulated() {
    // Two workers: two N3 sockets (SO_REUSEPORT), a two-queue TUN; N6 read with
    // io_uring where the kernel has multishot reads.
    round_trips("ub", 2, N6ReadMode::Auto);
}

#[test]
fn the_read_fallback_carries_the_downlink_too() {
    // Where io_uring is missing the workers read the TUN with read(2): same traffic.
    round_trips("ur", 1, N6ReadMode::Read);
}

fn round_trips(tag: &str, workers: usize, mode: N6ReadMode) {
    if skip() {
        return;
    }
    let net = Net::new(tag);
    let gnb = on(net.ran(), || UdpSocket::bind((GNB, 2152)).unwrap());
    gnb.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let echo = udp_echo(&net, stop.clone());
    let core = net.core();
    on(&core, move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let _g = rt.enter();
        let mut cfg = upf_config(workers);
        cfg.n6_read = mode;
        let upf = UpfHandle::start(cfg).expect("UPF starts");
        if mode == N6ReadMode::Read {
            assert_eq!(upf.n6_read_path(), N6ReadPath::Read);
        }
        eprintln!("N6 read path: {}", upf.n6_read_path());
        let mut smf = smf(&upf);
        let (_, teid) = smf.establish(7, UE, GNB, 0xBEEF, ApplyAction::FORW);

        // ICMP echo: the DN host's kernel answers.
        let ping = icmp_echo(UE, DN, 0x4242, 1, b"ferrocore upf");
        gnb.send_to(&gpdu_ul(teid, QFI, &ping), (N3, 2152)).unwrap();
        let (t, qfi, inner) = recv_gpdu(&gnb);
        assert_eq!((t, qfi), (0xBEEF, Some(QFI)), "gNB TEID and QFI");
        assert_eq!(inner[9], 1, "ICMP");
        assert_eq!(&inner[12..16], &DN.octets());
        assert_eq!(&inner[16..20], &UE.octets());
        let ihl = usize::from(inner[0] & 0x0f) * 4;
        assert_eq!(inner[ihl], 0, "Echo Reply");
        assert_eq!(&inner[ihl + 4..ihl + 8], &[0x42, 0x42, 0, 1], "id and seq");
        assert_eq!(&inner[ihl + 8..], b"ferrocore upf");

        // UDP echo through the DN.
        for i in 0..5u8 {
            let data = [b'u', b'p', i];
            let p = udp(UE, DN, 5000 + u16::from(i), ECHO_PORT, &data);
            gnb.send_to(&gpdu_ul(teid, QFI, &p), (N3, 2152)).unwrap();
            let (t, qfi, inner) = recv_gpdu(&gnb);
            assert_eq!((t, qfi), (0xBEEF, Some(QFI)));
            assert_eq!(inner[9], 17, "UDP");
            assert_eq!(&inner[16..20], &UE.octets());
            assert_eq!(&inner[20..22], &ECHO_PORT.to_be_bytes());
            assert_eq!(&inner[22..24], &(5000 + u16::from(i)).to_be_bytes());
            assert_eq!(&inner[28..], &data);
        }

        let m = upf.metrics().clone();
        // (The TUN may also carry the kernel's own IPv6 chatter, dropped as UnknownUe.)
        wait_for("counters", || {
            m.n6_tx_packets.get() == 6 && m.n3_tx_packets.get() == 6 && m.n3_rx_packets.get() == 6
        });
        assert!(m.n6_rx_packets.get() >= 6);
        rt.block_on(upf.stop());
    });
    stop.store(true, Ordering::Relaxed);
    echo.join().unwrap();
}

#[test]
fn downlink_is_buffered_while_the_far_buffers_and_released_on_forward() {
    if skip() {
        return;
    }
    let net = Net::new("uc");
    let gnb = on(net.ran(), || UdpSocket::bind((GNB, 2152)).unwrap());
    gnb.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let server = on(net.dn(), || UdpSocket::bind((DN, 53)).unwrap());
    let core = net.core();
    on(&core, move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let _g = rt.enter();
        let upf = UpfHandle::start(upf_config(1)).expect("UPF starts");
        let mut smf = smf(&upf);
        let idle = ApplyAction(ApplyAction::BUFF.0 | ApplyAction::NOCP.0);
        let (up_seid, _) = smf.establish(9, UE, GNB, 0x1111, idle);

        // Downlink while the UE is idle: buffered, one downlink data report.
        let payloads: Vec<Vec<u8>> = (0..3u8).map(|i| vec![i; 40 + usize::from(i)]).collect();
        for p in &payloads {
            server.send_to(p, (UE, 4000)).unwrap();
        }
        let req = smf
            .next_request(Duration::from_secs(5))
            .expect("Session Report Request");
        let Body::SessionReportRequest(rr) = &req.body else {
            panic!("{req:?}")
        };
        assert_eq!(rr.report_type, 0x01, "DLDR");
        assert_eq!(
            rr.downlink_data_report.as_ref().unwrap().pdr_ids.as_slice(),
            &[2]
        );
        assert_eq!(req.header.seid, Some(9));
        smf.accept_report(&req, up_seid);
        let m = upf.metrics().clone();
        wait_for("3 buffered", || m.buffered_packets.get() == 3);
        let mut buf = [0u8; 2048];
        assert!(
            gnb.recv_from(&mut buf).is_err(),
            "nothing sent while buffering"
        );

        // Paging done: FAR 2 forwards to the gNB's new TEID; the buffer is released.
        let r = smf.modify(up_seid, vec![far_forward(GNB, 0x5678)]);
        assert_eq!(r.cause, ferrocore_pfcp::Cause::REQUEST_ACCEPTED);
        gnb.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        for p in &payloads {
            let (t, qfi, inner) = recv_gpdu(&gnb);
            assert_eq!((t, qfi), (0x5678, Some(QFI)));
            assert_eq!(&inner[12..16], &DN.octets());
            assert_eq!(&inner[28..], &p[..], "released in order");
        }
        wait_for("released counter", || m.released_packets.get() == 3);

        // New packets go straight through.
        server.send_to(b"direct", (UE, 4000)).unwrap();
        let (t, _, inner) = recv_gpdu(&gnb);
        assert_eq!(t, 0x5678);
        assert_eq!(&inner[28..], b"direct");
        assert_eq!(m.dropped("BufferFull"), 0);
        rt.block_on(upf.stop());
    });
}
