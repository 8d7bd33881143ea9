//! Loopback tests over UDP encapsulation (RFC 6951): our connector against our listener.

use ferrocore_sctp_io::{
    AssocEvent, CloseReason, Error, NGAP_PPID, SctpAssociation, SctpConfig, SctpConnector,
    SctpListener, SendError, Transport,
};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tokio::time::timeout;

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn listener_config(port: u16) -> SctpConfig {
    SctpConfig {
        udp_port: 0,
        ..SctpConfig::listener(Transport::Udp, LO, port)
    }
}

async fn pair(
    port: u16,
) -> (
    SctpListener,
    SctpConnector,
    SctpAssociation,
    SctpAssociation,
) {
    let mut listener = SctpListener::bind(listener_config(port)).await.unwrap();
    assert_eq!(listener.transports(), [Transport::Udp]);
    let connector = SctpConnector::bind(SctpConfig::connector(Transport::Udp, LO))
        .await
        .unwrap();
    let udp = listener.udp_local_addr().unwrap();
    let (client, server) = tokio::join!(connector.connect_udp(udp, port), listener.accept());
    let (client, server) = (client.unwrap(), server.unwrap());
    assert_eq!(
        server.peer().udp_port,
        connector.udp_local_addr().map(|a| a.port())
    );
    assert_eq!(server.peer().sctp_port, connector.port());
    assert_eq!(client.peer().sctp_port, port);
    (listener, connector, client, server)
}

/// An NGAP-sized message: `len` octets derived from `seed`.
fn payload(seed: u32, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (seed as usize * 31 + i * 7) as u8)
        .collect()
}

#[tokio::test]
async fn ngap_sized_messages_both_ways_on_several_streams() {
    let (_l, _c, mut client, mut server) = pair(38412).await;
    assert!(client.outbound_streams() >= 8);
    let sizes = [1usize, 60, 300, 1200, 1500, 4000, 9000];
    let streams = [0u16, 1, 5, 7];
    let mut sent = Vec::new();
    for (i, &len) in sizes.iter().cycle().take(40).enumerate() {
        let stream = streams[i % streams.len()];
        let data = payload(i as u32, len);
        client.send(stream, NGAP_PPID, data.clone()).await.unwrap();
        sent.push((stream, data));
    }
    for (stream, data) in &sent {
        let m = timeout(Duration::from_secs(5), server.recv())
            .await
            .unwrap()
            .unwrap();
        // One association, ordered streams: per stream in order; across streams in
        // send order here because each message is whole before the next starts.
        assert_eq!((m.stream, m.ppid, &m.data), (*stream, NGAP_PPID, data));
        assert!(!m.unordered);
        server.send(m.stream, m.ppid, m.data).await.unwrap();
    }
    for (stream, data) in &sent {
        let m = timeout(Duration::from_secs(5), client.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((m.stream, m.ppid, &m.data), (*stream, NGAP_PPID, data));
    }
    // Unordered messages arrive too.
    client
        .send_with(3, NGAP_PPID, true, payload(9, 200))
        .await
        .unwrap();
    let m = timeout(Duration::from_secs(5), server.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(m.unordered);
    assert_eq!(m.data, payload(9, 200));
}

#[tokio::test]
async fn send_errors_and_graceful_close() {
    let (_l, _c, mut client, mut server) = pair(38413).await;
    assert_eq!(
        client.send(0, NGAP_PPID, Vec::new()).await,
        Err(SendError::Empty)
    );
    let n = client.outbound_streams();
    assert_eq!(
        client.send(n, NGAP_PPID, vec![1]).await,
        Err(SendError::InvalidStream(n))
    );
    client.send(0, NGAP_PPID, vec![1, 2, 3]).await.unwrap();
    client.close().await;
    assert_eq!(
        client.send(0, NGAP_PPID, vec![1]).await,
        Err(SendError::Closed)
    );
    let m = timeout(Duration::from_secs(5), server.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.data, [1, 2, 3]);
    match timeout(Duration::from_secs(5), server.recv())
        .await
        .unwrap()
    {
        Err(Error::Closed(CloseReason::Shutdown)) => {}
        other => panic!("expected a shutdown, got {other:?}"),
    }
    let ev = timeout(Duration::from_secs(5), client.next_event())
        .await
        .unwrap();
    assert_eq!(ev, Some(AssocEvent::Closed(CloseReason::Shutdown)));
    assert_eq!(client.next_event().await, None);
}

#[tokio::test]
async fn abort_reaches_the_peer() {
    let (_l, _c, client, mut server) = pair(38414).await;
    client.abort().await;
    match timeout(Duration::from_secs(5), server.recv())
        .await
        .unwrap()
    {
        Err(Error::Closed(CloseReason::PeerAbort(_))) => {}
        other => panic!("expected an abort, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_to_nobody_fails() {
    let connector = SctpConnector::bind(SctpConfig {
        engine: ferrocore_sctp_io::EngineConfig {
            rto_initial: Duration::from_millis(20),
            rto_min: Duration::from_millis(20),
            rto_max: Duration::from_millis(40),
            max_init_retrans: 2,
            ..Default::default()
        },
        ..SctpConfig::connector(Transport::Udp, LO)
    })
    .await
    .unwrap();
    // A UDP port nobody listens on.
    let dead = std::net::UdpSocket::bind((LO, 0))
        .unwrap()
        .local_addr()
        .unwrap();
    let r = timeout(Duration::from_secs(5), connector.connect_udp(dead, 38412))
        .await
        .unwrap();
    assert!(
        matches!(r, Err(Error::ConnectFailed(CloseReason::InitFailed))),
        "{r:?}"
    );
}

/// A reader that stops reading is aborted once its queue is full; a second
/// association on the same listener is not affected.
#[tokio::test]
async fn a_stalled_reader_does_not_starve_others() {
    let mut listener = SctpListener::bind(SctpConfig {
        recv_queue: 16,
        recv_queue_bytes: 64 << 10,
        ..listener_config(38415)
    })
    .await
    .unwrap();
    let udp = listener.udp_local_addr().unwrap();
    let c1 = SctpConnector::bind(SctpConfig::connector(Transport::Udp, LO))
        .await
        .unwrap();
    let c2 = SctpConnector::bind(SctpConfig::connector(Transport::Udp, LO))
        .await
        .unwrap();
    let (flood, s1) = tokio::join!(c1.connect_udp(udp, 38415), listener.accept());
    let (mut flood, _stalled) = (flood.unwrap(), s1.unwrap());
    let (good, s2) = tokio::join!(c2.connect_udp(udp, 38415), listener.accept());
    let (good, mut s2) = (good.unwrap(), s2.unwrap());
    // The flooding peer sends far more than the stalled reader's queue holds.
    let flooder = tokio::spawn(async move {
        for i in 0..400u32 {
            if flood.send(1, NGAP_PPID, payload(i, 1000)).await.is_err() {
                break;
            }
        }
        timeout(Duration::from_secs(10), async {
            loop {
                match flood.next_event().await {
                    Some(AssocEvent::Closed(r)) => return r,
                    None => return CloseReason::LocalAbort,
                    _ => {}
                }
            }
        })
        .await
        .unwrap()
    });
    for i in 0..50u32 {
        good.send(0, NGAP_PPID, payload(i, 500)).await.unwrap();
        let m = timeout(Duration::from_secs(5), s2.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.data, payload(i, 500));
    }
    let reason = flooder.await.unwrap();
    assert!(matches!(reason, CloseReason::PeerAbort(_)), "{reason:?}");
}

/// Many associations to one listener, each exchanging a message both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_associations_to_one_listener() {
    const N: usize = 1000;
    let mut listener = SctpListener::bind(listener_config(38416)).await.unwrap();
    let udp = listener.udp_local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut tasks = Vec::new();
        for _ in 0..N {
            let mut a = listener.accept().await.unwrap();
            tasks.push(tokio::spawn(async move {
                let m = a.recv().await.unwrap();
                a.send(m.stream, m.ppid, m.data).await.unwrap();
                // Keep the association until the peer closes it.
                let _ = a.recv().await;
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    let start = std::time::Instant::now();
    let mut clients = Vec::new();
    for i in 0..N {
        clients.push(tokio::spawn(async move {
            let c = SctpConnector::bind(SctpConfig::connector(Transport::Udp, LO))
                .await
                .unwrap();
            let mut a = c.connect_udp(udp, 38416).await.unwrap();
            let data = payload(i as u32, 100 + i % 400);
            a.send((i % 8) as u16, NGAP_PPID, data.clone())
                .await
                .unwrap();
            let m = a.recv().await.unwrap();
            assert_eq!((m.stream, m.data), ((i % 8) as u16, data));
            a.close().await;
            while a.next_event().await.is_some() {}
        }));
    }
    timeout(Duration::from_secs(60), async {
        for c in clients {
            c.await.unwrap();
        }
        server.await.unwrap();
    })
    .await
    .expect("1000 associations within 60 s");
    eprintln!(
        "{N} associations set up, echoed and shut down in {:?}",
        start.elapsed()
    );
}

/// Without kernel SCTP (this CI machine): `kernel` is refused, `auto` runs our engine
/// over UDP encapsulation (and raw IP too when it may open a raw socket).
#[tokio::test]
async fn transport_selection_without_kernel_sctp() {
    if ferrocore_sctp_io::select::kernel_sctp_available() {
        // A host with kernel SCTP: raw must be refused instead.
        let r = SctpListener::bind(SctpConfig::listener(Transport::Raw, LO, 38419)).await;
        assert!(matches!(r, Err(Error::Unavailable(_))), "{r:?}");
        return;
    }
    let r = SctpListener::bind(SctpConfig::listener(Transport::Kernel, LO, 38419)).await;
    assert!(matches!(r, Err(Error::Unavailable(_))), "{r:?}");
    let l = SctpListener::bind(listener_config_auto(38419))
        .await
        .unwrap();
    assert!(l.transports().contains(&Transport::Udp));
    assert_eq!(
        l.transports().contains(&Transport::Raw),
        ferrocore_sctp_io::select::raw_socket_allowed()
    );
}

fn listener_config_auto(port: u16) -> SctpConfig {
    SctpConfig {
        udp_port: 0,
        ..SctpConfig::listener(Transport::Auto, LO, port)
    }
}
