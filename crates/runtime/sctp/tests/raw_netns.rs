//! The raw-IP driver (protocol 132) between two network namespaces joined by a veth
//! pair, captured with tshark and checked by Wireshark's SCTP dissector (CRC32c
//! checksums Good, PPID 60, nothing malformed). Needs root (CAP_SYS_ADMIN, CAP_NET_RAW),
//! `ip` and `tshark`: it fails without them, unless `FERROCORE_SKIP_NETNS=1`.

use ferrocore_sctp_io::{NGAP_PPID, SctpConfig, SctpConnector, SctpListener, Transport};
use ferrocore_testkit::netns::{self, Namespace};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const A_IP: Ipv4Addr = Ipv4Addr::new(10, 213, 7, 1);
const B_IP: Ipv4Addr = Ipv4Addr::new(10, 213, 7, 2);

/// Two namespaces joined by a veth pair; deleted on drop.
struct Netns {
    a: Namespace,
    b: Namespace,
    veth_a: String,
}

impl Netns {
    fn new(tag: &str) -> Self {
        let id = std::process::id() % 100_000;
        let a = Namespace::new(format!("fc{tag}a{id}"));
        let b = Namespace::new(format!("fc{tag}b{id}"));
        let (va, vb) = (format!("v{tag}a{id}"), format!("v{tag}b{id}"));
        netns::veth(
            &a,
            &va,
            &format!("{A_IP}/30"),
            &b,
            &vb,
            &format!("{B_IP}/30"),
        );
        Netns { a, b, veth_a: va }
    }
}

/// Runs `f` on a fresh thread inside namespace `ns`, on its own tokio runtime.
fn in_netns<T: Send + 'static>(
    ns: &str,
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let ns = ns.to_string();
    std::thread::spawn(move || {
        netns::enter(&ns);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f())
    })
}

fn payload(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seed * 17 + i * 3) as u8).collect()
}

/// Reading the capture: verify CRC32c; our payloads are opaque test octets, not NGAP
/// PDUs, so the NGAP dissector (which PPID 60 selects) is turned off.
const TSHARK_READ: [&str; 6] = [
    "-n",
    "-o",
    "sctp.checksum:CRC 32c",
    "--disable-protocol",
    "ngap",
    "-r",
];

const SIZES: [usize; 8] = [30, 120, 400, 1000, 1400, 2500, 6000, 12000];

#[test]
fn raw_ip_between_namespaces_checked_by_tshark() {
    if netns::skip_unless_root("the raw SCTP netns test") {
        return;
    }
    let net = Netns::new("r");
    let pcap = ferrocore_testkit::temp_path("sctp-raw", "pcap");
    let mut tshark = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.a,
            "tshark",
            "-n",
            "-q",
            "-i",
            &net.veth_a,
            "-f",
            "ip proto 132",
            "-w",
        ])
        .arg(&pcap)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tshark (bash .ci/setup)");
    // Wait until tshark says it is capturing.
    {
        use std::io::{BufRead, BufReader};
        let mut err = BufReader::new(tshark.stderr.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                err.read_line(&mut line).unwrap() > 0,
                "tshark ended before capturing"
            );
            if line.contains("Capturing on") {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        // tshark reports before dumpcap's capture is fully open; give it a moment.
        std::thread::sleep(Duration::from_millis(1500));
    }

    let (ready_tx, ready_rx) = mpsc::channel();
    let server = in_netns(&net.a, move || {
        Box::pin(async move {
            let mut l = SctpListener::bind(SctpConfig::listener(
                Transport::Raw,
                IpAddr::V4(A_IP),
                38412,
            ))
            .await
            .unwrap();
            assert_eq!(l.transports(), [Transport::Raw]);
            ready_tx.send(()).unwrap();
            let mut a = tokio::time::timeout(Duration::from_secs(10), l.accept())
                .await
                .expect("association from the other namespace")
                .unwrap();
            assert_eq!(a.peer().ip, IpAddr::V4(B_IP));
            assert_eq!(a.peer().udp_port, None);
            let mut n = 0;
            while let Ok(m) = a.recv().await {
                assert_eq!(m.ppid, NGAP_PPID);
                assert_eq!(m.data, payload(n, SIZES[n % SIZES.len()]));
                a.send(m.stream, m.ppid, m.data).await.unwrap();
                n += 1;
            }
            n
        })
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let client = in_netns(&net.b, || {
        Box::pin(async move {
            let c = SctpConnector::bind(SctpConfig::connector(Transport::Raw, IpAddr::V4(B_IP)))
                .await
                .unwrap();
            let mut a = tokio::time::timeout(
                Duration::from_secs(10),
                c.connect(SocketAddr::new(IpAddr::V4(A_IP), 38412)),
            )
            .await
            .expect("handshake over raw IP")
            .unwrap();
            const N: usize = 40;
            for i in 0..N {
                a.send(
                    (i % 4) as u16,
                    NGAP_PPID,
                    payload(i, SIZES[i % SIZES.len()]),
                )
                .await
                .unwrap();
            }
            for i in 0..N {
                let m = tokio::time::timeout(Duration::from_secs(10), a.recv())
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!((m.stream, m.ppid), ((i % 4) as u16, NGAP_PPID));
                assert_eq!(m.data, payload(i, SIZES[i % SIZES.len()]));
            }
            a.close().await;
            while a.next_event().await.is_some() {}
            N
        })
    });
    let sent = client.join().expect("client");
    let echoed = server.join().expect("server");
    assert_eq!((sent, echoed), (40, 40));

    // Stop the capture (SIGINT to our own tshark child) and dissect it.
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling a child process we started.
    unsafe { libc::kill(tshark.id() as i32, libc::SIGINT) };
    let _ = tshark.wait();
    let fields = Command::new("tshark")
        .args(TSHARK_READ)
        .arg(&pcap)
        .args([
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=,",
            "-e",
            "sctp.checksum.status",
            "-e",
            "sctp.chunk_type",
            "-e",
            "sctp.data_payload_proto_id",
            "-e",
            "_ws.malformed",
            "-e",
            "_ws.expert.severity",
        ])
        .output()
        .expect("tshark -r");
    assert!(
        fields.status.success(),
        "{}",
        String::from_utf8_lossy(&fields.stderr)
    );
    let text = String::from_utf8(fields.stdout).unwrap();
    let mut packets = 0;
    let mut data_chunks = 0;
    let mut chunk_types = std::collections::BTreeSet::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        packets += 1;
        // Wireshark: 0 = Bad, 1 = Good, 2 = Unverified.
        assert_eq!(
            cols[0], "1",
            "checksum status not Good in packet {packets}: {line}"
        );
        for t in cols[1].split(',').filter(|s| !s.is_empty()) {
            chunk_types.insert(t.to_string());
        }
        for p in cols[2].split(',').filter(|s| !s.is_empty()) {
            assert_eq!(p, "60", "PPID in packet {packets}");
            data_chunks += 1;
        }
        assert!(cols[3].is_empty(), "malformed packet {packets}: {line}");
        // Expert severity 8388608 = error.
        assert!(
            !cols.get(4).unwrap_or(&"").contains("8388608"),
            "expert error {packets}: {line}"
        );
    }
    eprintln!(
        "tshark: {packets} packets, {data_chunks} DATA chunks, chunk types {chunk_types:?}, all checksums Good"
    );
    assert!(
        packets >= 10 && data_chunks >= 80,
        "{packets} packets / {data_chunks} DATA chunks captured"
    );
    // INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA, SACK, SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE.
    for t in ["0", "1", "2", "3", "7", "8", "10", "11", "14"] {
        assert!(
            chunk_types.contains(t),
            "chunk type {t} missing from the capture: {chunk_types:?}"
        );
    }
    let problems = Command::new("tshark")
        .args(TSHARK_READ)
        .arg(&pcap)
        .args(["-Y", ferrocore_testkit::tshark::PROBLEM_FILTER])
        .output()
        .unwrap();
    assert!(
        problems.stdout.is_empty(),
        "tshark problems: {}",
        String::from_utf8_lossy(&problems.stdout)
    );
    let _ = std::fs::remove_file(&pcap);
}
