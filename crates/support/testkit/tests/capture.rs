//! A live capture holds the packets sent just before it is stopped (without the stop
//! marker, datagrams sent less than ~60 ms before SIGINT were missing from dumpcap's file
//! in most tries). Needs root (a network namespace) and dumpcap / tshark.

use std::net::UdpSocket;

use ferrocore_testkit::capture::Capture;
use ferrocore_testkit::netns::{self, Namespace};
use ferrocore_testkit::tshark::Dissection;

#[test]
fn datagrams_sent_right_before_stop_are_in_the_file() {
    if netns::skip_unless_root("the capture netns test") {
        return;
    }
    let ns = Namespace::new(format!("fccap{}", std::process::id() % 100_000));
    let path = ferrocore_testkit::temp_path("capture", "pcapng");
    let capture = Capture::any(&ns, &path);
    // A receiver and a sender inside the namespace; 25 datagrams, then stop at once.
    let name = ns.name().to_string();
    let (rx, tx) = std::thread::spawn(move || {
        netns::enter(&name);
        (
            UdpSocket::bind("127.0.0.1:0").unwrap(),
            UdpSocket::bind("127.0.0.1:0").unwrap(),
        )
    })
    .join()
    .unwrap();
    let port = rx.local_addr().unwrap().port();
    for i in 0..25u32 {
        tx.send_to(format!("datagram {i}").as_bytes(), rx.local_addr().unwrap())
            .unwrap();
    }
    let mut buf = [0u8; 64];
    for _ in 0..25 {
        rx.recv_from(&mut buf).unwrap();
    }
    let pcap = capture.stop();

    let d = Dissection::of_file(&pcap, &[]);
    let _ = std::fs::remove_file(&pcap);
    let ports: Vec<String> = d
        .fields(&["udp.dstport"])
        .into_iter()
        .flat_map(|mut r| r.remove("udp.dstport").unwrap_or_default())
        .collect();
    let to_rx = ports.iter().filter(|p| **p == port.to_string()).count();
    assert_eq!(
        to_rx, 25,
        "every datagram to port {port} captured: {ports:?}"
    );
}
