//! Interop with usrsctp (another SCTP implementation) over UDP encapsulation on
//! loopback, using its example programs from Debian's `libusrsctp-examples`
//! (installed by `.ci/sctp-interop`). Missing programs fail the tests.

use ferrocore_sctp_io::{NGAP_PPID, SctpConfig, SctpConnector, SctpListener, Transport};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const USRSCTP: &str = "/usr/lib/usrsctp";

fn program(name: &str) -> String {
    let p = format!("{USRSCTP}/{name}");
    assert!(
        Path::new(&p).exists(),
        "{p} is missing: install usrsctp's examples with `bash .ci/sctp-interop` (Debian libusrsctp-examples)"
    );
    p
}

/// A child process killed when the test ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

fn payload(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seed * 13 + i * 7 + 1) as u8).collect()
}

/// Our connector -> usrsctp's `echo_server` (SCTP port 7). Usage:
/// `echo_server [local_encaps_port] [remote_encaps_port]`; it echoes each complete
/// message (up to 10240 octets, its buffer) on the same stream with the same PPID.
#[tokio::test]
async fn our_client_to_usrsctp_echo_server() {
    let (their_udp, our_udp) = (29101u16, 29102u16);
    let _server = Guard(
        Command::new(program("echo_server"))
            .args([their_udp.to_string(), our_udp.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap(),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let connector = SctpConnector::bind(SctpConfig {
        udp_port: our_udp,
        ..SctpConfig::connector(Transport::Udp, LO)
    })
    .await
    .unwrap();
    let mut a = timeout(
        Duration::from_secs(10),
        connector.connect_udp(SocketAddr::new(LO, their_udp), 7),
    )
    .await
    .expect("usrsctp answered the INIT")
    .unwrap();
    let cases: Vec<(u16, usize)> = [0u16, 3, 0, 1]
        .iter()
        .cycle()
        .zip([40usize, 200, 1000, 1400, 3000, 8000, 10000, 1, 600, 5000])
        .map(|(s, l)| (*s, l))
        .collect();
    for (i, &(stream, len)) in cases.iter().enumerate() {
        a.send(stream, NGAP_PPID, payload(i, len)).await.unwrap();
    }
    // SCTP orders messages within a stream only (RFC 9260 §6.6): across streams the echoes
    // may come back in any order, so each stream's sequence is checked on its own.
    let mut got: Vec<Vec<(u16, u32, Vec<u8>)>> = vec![Vec::new(); 4];
    for _ in &cases {
        let m = timeout(Duration::from_secs(10), a.recv())
            .await
            .expect("echo")
            .unwrap();
        got[usize::from(m.stream).min(3)].push((m.stream, m.ppid, m.data));
    }
    for stream in 0..4u16 {
        let expected: Vec<(u16, u32, Vec<u8>)> = cases
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s == stream)
            .map(|(i, &(s, len))| (s, NGAP_PPID, payload(i, len)))
            .collect();
        assert!(
            got[usize::from(stream)] == expected,
            "stream {stream}: the echoes differ from what was sent, in order"
        );
    }
    a.close().await;
}

/// usrsctp's `client` -> our listener. Usage: `client remote_addr remote_port
/// [local_port] [local_encaps_port] [remote_encaps_port]`; it sends each line of its
/// standard input (at most 79 octets: it reads with an 80-octet `fgets`) as one message
/// with PPID 0 on stream 0 (it cannot choose either), prints what comes back, and
/// shuts down at end of input. Our listener echoes.
#[tokio::test]
async fn usrsctp_client_to_our_listener() {
    let (our_udp, their_udp, port) = (29111u16, 29112u16, 38420u16);
    let mut listener = SctpListener::bind(SctpConfig {
        udp_port: our_udp,
        ..SctpConfig::listener(Transport::Udp, LO, port)
    })
    .await
    .unwrap();
    let mut child = Command::new(program("client"))
        .args([
            "127.0.0.1".to_string(),
            port.to_string(),
            "0".into(),
            their_udp.to_string(),
            our_udp.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let _child = Guard(child);
    let mut a = timeout(Duration::from_secs(10), listener.accept())
        .await
        .expect("usrsctp client connected")
        .unwrap();
    assert_eq!(a.peer().udp_port, Some(their_udp));
    let lines: Vec<String> = (0..20)
        .map(|i| format!("ngap-{i:02}-{}", "x".repeat(3 * i)))
        .collect();
    let echo = async {
        for l in &lines {
            let m = a.recv().await.unwrap();
            assert_eq!((m.stream, m.ppid), (0, 0));
            assert_eq!(m.data, format!("{l}\n").into_bytes());
            a.send(m.stream, m.ppid, m.data).await.unwrap();
        }
        a
    };
    let feed = async {
        for l in &lines {
            stdin.write_all(format!("{l}\n").as_bytes()).await.unwrap();
            stdin.flush().await.unwrap();
        }
        // Read the echoes back before closing stdin (which shuts the association down).
        let mut seen = Vec::new();
        while seen.len() < lines.len() {
            let line = stdout.next_line().await.unwrap().expect("client output");
            for l in &lines {
                // The client writes echoed bytes to stdout as they come.
                if line.contains(l.as_str()) && !seen.contains(l) {
                    seen.push(l.clone());
                }
            }
        }
        drop(stdin);
        seen
    };
    let (mut a, seen) = timeout(Duration::from_secs(20), async { tokio::join!(echo, feed) })
        .await
        .expect("echoes within 20 s");
    assert_eq!(seen.len(), lines.len());
    // End of input: the client shuts the association down.
    let closed = timeout(Duration::from_secs(10), a.recv()).await.unwrap();
    assert!(
        matches!(
            closed,
            Err(ferrocore_sctp_io::Error::Closed(
                ferrocore_sctp_io::CloseReason::Shutdown
            ))
        ),
        "{closed:?}"
    );
}
