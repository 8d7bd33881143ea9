//! N4 over a real UDP socket: an SMF built from ferrocore-pfcp on loopback (inside a
//! namespace of its own) sets up an association and a session with a CH F-TEID; the
//! packet workers see the published table (an Echo Request and a G-PDU for an unknown
//! TEID on N3), and the metrics count it all.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use ferrocore_pfcp::Cause;
use ferrocore_pfcp::ie::{ApplyAction, NodeId};
use ferrocore_upf::UpfConfig;
use ferrocore_upf_io::{UpfHandle, UpfIoConfig, recovery_time_stamp_now};

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn association_and_session_over_udp() {
    if skip() {
        return;
    }
    let ns = Namespaces::new("n4", &["core"]);
    let name = ns.name(0).to_string();
    on(ns.name(0), move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let _g = rt.enter();
        let mut upf_cfg = UpfConfig::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            Ipv4Addr::new(127, 0, 0, 2),
            recovery_time_stamp_now(),
        );
        upf_cfg.ue_ipv4_pool = Some(UE_POOL);
        let cfg = UpfIoConfig::new(upf_cfg);
        let again = cfg.clone();
        let again_after_stop = cfg.clone();
        assert_eq!(
            cfg.n4_listen,
            "127.0.0.2:8805".parse().unwrap(),
            "default N4"
        );
        let upf = UpfHandle::start(cfg).expect("UPF starts");
        assert_eq!(upf.n3_addr(), "127.0.0.2:2152".parse().unwrap());
        assert_eq!(upf.tun_name(), "upf0");
        let routes = Command::new("ip")
            .args(["-n", &name, "route", "show", "10.45.0.0/16"])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&routes.stdout).contains("dev upf0"),
            "UE pool routed into the TUN: {routes:?}"
        );

        // A second UPF on the same addresses is refused before it touches the TUN.
        match UpfHandle::start(again) {
            Err(ferrocore_upf_io::Error::Io { what, .. }) => assert!(what.contains("N4"), "{what}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("second UPF started"),
        }
        let mut smf = Smf::new("127.0.0.3:8805".parse().unwrap(), upf.n4_addr());
        let a = smf.associate();
        assert_eq!(a.cause, Cause::REQUEST_ACCEPTED);
        assert_eq!(a.node_id, NodeId::Ipv4(Ipv4Addr::new(127, 0, 0, 2)));
        let features = a.up_function_features.expect("UP features").0;
        assert_ne!(features[0] & 0x10, 0, "FTUP advertised");
        assert_ne!(features[2] & 0x04, 0, "UEIP advertised");

        let ue = Ipv4Addr::new(10, 45, 0, 7);
        let gnb_ip = Ipv4Addr::new(127, 0, 0, 9);
        let (up_seid, teid) = smf.establish(0xC0FFEE, ue, gnb_ip, 0x100, ApplyAction::FORW);
        assert_ne!(up_seid, 0);
        assert_ne!(teid, 0);
        // Published before the response was sent.
        assert_eq!(upf.table().len(), (1, 1, 0), "one TEID, one UE address");

        // N3 on the worker: Echo Request answered, unknown TEID answered with an
        // Error Indication, our TEID forwarded to the TUN.
        let gnb = UdpSocket::bind(SocketAddr::new(IpAddr::V4(gnb_ip), 2152)).unwrap();
        gnb.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let echo = [0x32, 1, 0, 4, 0, 0, 0, 0, 0x12, 0x34, 0, 0];
        gnb.send_to(&echo, upf.n3_addr()).unwrap();
        let mut buf = [0u8; 2048];
        let (n, from) = gnb.recv_from(&mut buf).expect("Echo Response");
        assert_eq!(from, upf.n3_addr());
        let d = ferrocore_gtpu::decap(&buf[..n]).unwrap();
        assert_eq!((d.message_type, d.sequence_number), (2, Some(0x1234)));

        let inner = udp(ue, Ipv4Addr::new(192, 0, 2, 1), 4000, 9, b"hello");
        gnb.send_to(&gpdu_ul(teid ^ 0x5555, QFI, &inner), upf.n3_addr())
            .unwrap();
        let (n, _) = gnb.recv_from(&mut buf).expect("Error Indication");
        let d = ferrocore_gtpu::decap(&buf[..n]).unwrap();
        assert_eq!(d.message_type, 26, "Error Indication");
        gnb.send_to(&gpdu_ul(teid, QFI, &inner), upf.n3_addr())
            .unwrap();

        let m = upf.metrics().clone();
        wait_for("worker counters", || {
            m.n3_rx_packets.get() == 3 && m.n6_tx_packets.get() == 1
        });
        assert_eq!(m.n3_tx_packets.get(), 2);
        assert_eq!(m.n6_tx_bytes.get(), inner.len() as u64);
        assert_eq!(m.dropped("UnknownTeid"), 1);
        assert_eq!(m.echo_replies.get(), 1);
        assert_eq!(m.error_indications_sent.get(), 1);
        assert_eq!(m.pfcp_rx_messages.get(), 2);
        assert_eq!(m.pfcp_tx_messages.get(), 2);
        wait_for("gauges", || {
            m.sessions.get() == 1 && m.pfcp_associations.get() == 1
        });
        let text = m.render();
        for line in [
            "upf_n3_rx_packets_total 3",
            "upf_n6_tx_packets_total 1",
            "upf_drops_total{reason=\"UnknownTeid\"} 1",
            "upf_sessions 1",
            "upf_pfcp_associations 1",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        rt.block_on(upf.stop());

        // Stopped: the TUN device and its route are gone, the ports free again.
        let link = Command::new("ip")
            .args(["-n", &name, "link", "show", "upf0"])
            .output()
            .unwrap();
        assert!(!link.status.success(), "upf0 removed on stop");
        let upf = UpfHandle::start(again_after_stop).expect("restarts");
        rt.block_on(upf.stop());
    });
    drop(ns);
}
