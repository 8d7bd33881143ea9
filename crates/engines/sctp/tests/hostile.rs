//! Hostile input: INIT floods, out-of-the-blue packets, bad checksums, stale or forged
//! cookies, and a misbehaving association next to a healthy one.

mod sim;

use ferrocore_sctp::wire::{Cause, Chunk, Data, GapBlock, Header, Init, Param, Repr, Sack};
use ferrocore_sctp::{CloseReason, Config, Endpoint, EndpointConfig, Event, NGAP_PORT, NGAP_PPID};
use sim::{Faults, Net, addr, connected, secret};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn packet(src_port: u16, vtag: u32, chunks: Vec<Chunk>) -> Vec<u8> {
    Repr {
        header: Header {
            src_port,
            dst_port: NGAP_PORT,
            verification_tag: vtag,
        },
        chunks,
    }
    .emit()
}

fn init(tag: u32) -> Chunk {
    Chunk::Init(Init {
        initiate_tag: tag,
        a_rwnd: 65535,
        outbound_streams: 2,
        inbound_streams: 2,
        initial_tsn: 77,
        params: vec![Param::Ipv4("198.51.100.7".parse().unwrap())],
    })
}

fn server() -> Endpoint {
    Endpoint::new(
        EndpointConfig::server(NGAP_PORT, secret(9)),
        Config::default(),
    )
}

fn drain(ep: &mut Endpoint) -> Vec<Repr> {
    std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| Repr::parse(&t.payload).expect("own packets parse"))
        .collect()
}

#[test]
fn init_flood_leaves_no_state() {
    let mut ep = server();
    let now = Instant::now();
    for i in 0..5000u32 {
        let from: SocketAddr = addr(i + 10);
        ep.handle_packet(
            now,
            from,
            &packet(1000 + (i % 60000) as u16, 0, vec![init(i + 1)]),
        );
    }
    assert_eq!(ep.association_count(), 0);
    assert_eq!(ep.per_peer_state(), 0);
    assert_eq!(ep.poll_timeout(), None);
    let replies = drain(&mut ep);
    // Bounded reply queue: the rest were dropped and counted.
    assert_eq!(replies.len(), 4096);
    assert_eq!(ep.stats().replies_dropped, 5000 - 4096);
    for r in &replies {
        assert!(matches!(r.chunks[..], [Chunk::InitAck(_)]));
    }
    assert_eq!(ep.per_peer_state(), 0);
}

#[test]
fn init_ack_answers_init_with_address_parameters_and_reports_unknown_ones() {
    let mut ep = server();
    let now = Instant::now();
    let mut i = init(42);
    if let Chunk::Init(x) = &mut i {
        x.params.push(Param::Ipv6("2001:db8::1".parse().unwrap()));
        x.params.push(Param::Unknown {
            param_type: 0xC123,
            value: vec![1, 2, 3],
        });
        x.params.push(Param::Unknown {
            param_type: 0x8001,
            value: vec![],
        });
    }
    ep.handle_packet(now, addr(5), &packet(5000, 0, vec![i]));
    let r = drain(&mut ep);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].header.verification_tag, 42);
    let Chunk::InitAck(ack) = &r[0].chunks[0] else {
        panic!()
    };
    assert!(
        ack.params
            .iter()
            .any(|p| matches!(p, Param::StateCookie(_)))
    );
    let reported: Vec<_> = ack
        .params
        .iter()
        .filter_map(|p| match p {
            Param::Unrecognized(tlv) => Some(tlv.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reported, vec![vec![0xC1, 0x23, 0x00, 0x07, 1, 2, 3, 0]]);
    assert_eq!(ep.per_peer_state(), 0);
}

#[test]
fn out_of_the_blue_packets_leave_no_state() {
    let mut ep = server();
    let now = Instant::now();
    let data = Chunk::Data(Data {
        tsn: 1,
        stream: 0,
        ssn: 0,
        ppid: 60,
        unordered: false,
        begin: true,
        end: true,
        immediate: false,
        payload: vec![1, 2, 3],
    });
    let cases: Vec<(Vec<Chunk>, Option<&str>)> = vec![
        (vec![data.clone()], Some("abort")),
        (vec![Chunk::Sack(Sack::default())], Some("abort")),
        (vec![Chunk::Heartbeat(vec![1; 8])], Some("abort")),
        (vec![Chunk::Shutdown(5)], Some("abort")),
        (vec![Chunk::ShutdownAck], Some("complete")),
        (
            vec![Chunk::Abort {
                t: false,
                causes: vec![],
            }],
            None,
        ),
        (vec![Chunk::ShutdownComplete { t: false }], None),
        (vec![Chunk::CookieAck], None),
        (vec![Chunk::Error(vec![Cause::StaleCookie(10)])], None),
        (vec![Chunk::CookieEcho(vec![0; 100])], None),
        (
            vec![
                data.clone(),
                Chunk::Abort {
                    t: false,
                    causes: vec![],
                },
            ],
            None,
        ),
        (
            vec![Chunk::Unknown {
                chunk_type: 0xC0,
                flags: 0,
                value: vec![9; 5],
            }],
            Some("abort"),
        ),
    ];
    for (k, (chunks, reply)) in cases.into_iter().enumerate() {
        let vtag = 0xDEAD_0000 + k as u32;
        ep.handle_packet(now, addr(7), &packet(6000, vtag, chunks));
        let out = drain(&mut ep);
        match reply {
            None => assert!(out.is_empty(), "case {k}: {out:?}"),
            Some(kind) => {
                assert_eq!(out.len(), 1, "case {k}");
                assert_eq!(
                    out[0].header.verification_tag, vtag,
                    "case {k}: tag reflected"
                );
                let want_t = match kind {
                    "abort" => matches!(out[0].chunks[..], [Chunk::Abort { t: true, .. }]),
                    _ => matches!(out[0].chunks[..], [Chunk::ShutdownComplete { t: true }]),
                };
                assert!(want_t, "case {k}: {:?}", out[0]);
            }
        }
        assert_eq!(ep.per_peer_state(), 0, "case {k}");
    }
    // INIT bundled with another chunk, or with a nonzero tag: silently dropped.
    ep.handle_packet(
        now,
        addr(7),
        &packet(6000, 0, vec![init(5), Chunk::CookieAck]),
    );
    ep.handle_packet(now, addr(7), &packet(6000, 7, vec![init(5)]));
    assert!(drain(&mut ep).is_empty());
    assert_eq!(ep.per_peer_state(), 0);
}

#[test]
fn corrupted_checksum_is_dropped() {
    let mut ep = server();
    let mut p = packet(7000, 0, vec![init(3)]);
    let last = p.len() - 1;
    p[last] ^= 0x01;
    ep.handle_packet(Instant::now(), addr(3), &p);
    assert!(ep.poll_transmit().is_none());
    assert_eq!(ep.stats().bad_checksum, 1);
    // Random junk of every short length, too.
    for n in 0..64 {
        ep.handle_packet(Instant::now(), addr(3), &vec![0xA5; n]);
    }
    assert!(ep.poll_transmit().is_none());
    assert_eq!(ep.per_peer_state(), 0);
}

#[test]
fn forged_stale_and_misaddressed_cookies_are_refused() {
    let mut ep = server();
    let t0 = Instant::now();
    ep.handle_packet(t0, addr(3), &packet(7000, 0, vec![init(1234)]));
    let r = drain(&mut ep);
    let Chunk::InitAck(ack) = &r[0].chunks[0] else {
        panic!()
    };
    let cookie = ack
        .params
        .iter()
        .find_map(|p| match p {
            Param::StateCookie(c) => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    let tag = ack.initiate_tag;
    // Forged: one bit flipped.
    let mut forged = cookie.clone();
    forged[20] ^= 0x80;
    ep.handle_packet(
        t0,
        addr(3),
        &packet(7000, tag, vec![Chunk::CookieEcho(forged)]),
    );
    // Right cookie from another address.
    ep.handle_packet(
        t0,
        addr(4),
        &packet(7000, tag, vec![Chunk::CookieEcho(cookie.clone())]),
    );
    // Right cookie with a wrong tag.
    ep.handle_packet(
        t0,
        addr(3),
        &packet(7000, tag ^ 1, vec![Chunk::CookieEcho(cookie.clone())]),
    );
    assert!(drain(&mut ep).is_empty());
    assert_eq!(ep.per_peer_state(), 0);
    // Stale: answered with a Stale Cookie error, still no state.
    let late = t0 + Duration::from_secs(61);
    ep.handle_packet(
        late,
        addr(3),
        &packet(7000, tag, vec![Chunk::CookieEcho(cookie.clone())]),
    );
    let r = drain(&mut ep);
    assert!(
        matches!(&r[0].chunks[..], [Chunk::Error(c)] if matches!(c[..], [Cause::StaleCookie(_)]))
    );
    assert_eq!(r[0].header.verification_tag, 1234);
    assert_eq!(ep.per_peer_state(), 0);
    // In time and from the right place: an association.
    ep.handle_packet(
        t0 + Duration::from_secs(1),
        addr(3),
        &packet(7000, tag, vec![Chunk::CookieEcho(cookie)]),
    );
    assert_eq!(ep.association_count(), 1);
    assert!(matches!(
        ep.poll_event(),
        Some((_, Event::Connected { .. }))
    ));
}

#[test]
fn a_misbehaving_association_does_not_disturb_a_healthy_one() {
    let mut net = Net::new(5, Faults::perfect());
    let s = net.add(
        addr(1),
        EndpointConfig::server(NGAP_PORT, secret(1)),
        Config::default(),
    );
    let good = net.add(
        addr(2),
        EndpointConfig::client(41000, secret(2)),
        Config::default(),
    );
    let bad = net.add(
        addr(3),
        EndpointConfig::client(42000, secret(3)),
        Config::default(),
    );
    net.connect(good, s, NGAP_PORT);
    net.connect(bad, s, NGAP_PORT);
    assert!(net.run_until(Duration::from_secs(10), |n| {
        connected(&n.nodes[good].events).is_some() && connected(&n.nodes[bad].events).is_some()
    }));
    let ga = connected(&net.nodes[good].events).unwrap();
    let ba = connected(&net.nodes[bad].events).unwrap();
    let server_tag = net.nodes[bad]
        .ep
        .association(ba)
        .unwrap()
        .peer_verification_tag;
    let bad_addr = net.nodes[bad].addr;
    let bad_port = 42000;

    // Garbage chunks of every unknown-type class, malformed lengths, bogus SACK gaps.
    let mut garbage: Vec<Vec<u8>> = Vec::new();
    for ct in [0x3Fu8, 0x7F, 0xBF, 0xFF, 0x0C, 0x80] {
        garbage.push(packet(
            bad_port,
            server_tag,
            vec![Chunk::Unknown {
                chunk_type: ct,
                flags: 0xFF,
                value: vec![0xEE; 9],
            }],
        ));
    }
    garbage.push(packet(
        bad_port,
        server_tag,
        vec![Chunk::Sack(Sack {
            cum_tsn_ack: 0,
            a_rwnd: 0,
            gaps: vec![
                GapBlock { start: 9, end: 3 },
                GapBlock {
                    start: 1,
                    end: 65535,
                },
            ],
            dups: vec![1, 2, 3],
        })],
    ));
    let mut lying = packet(bad_port, server_tag, vec![Chunk::CookieAck]);
    lying[14..16].copy_from_slice(&0xFFFFu16.to_be_bytes());
    fix_checksum(&mut lying);
    garbage.push(lying);
    let now = net.now;
    for g in &garbage {
        net.nodes[s].ep.handle_packet(now, bad_addr, g);
    }
    // Finally a SACK acknowledging data never sent: the server aborts that association.
    let bogus = packet(
        bad_port,
        server_tag,
        vec![Chunk::Sack(Sack {
            cum_tsn_ack: 0x7FFF_FFFF,
            a_rwnd: 1,
            gaps: vec![],
            dups: vec![],
        })],
    );
    net.nodes[s].ep.handle_packet(now, bad_addr, &bogus);

    for k in 0..50u32 {
        net.nodes[good]
            .ep
            .send(
                ga,
                (k % 3) as u16,
                NGAP_PPID,
                false,
                k.to_be_bytes().to_vec(),
            )
            .unwrap();
    }
    assert!(net.run_until(Duration::from_secs(30), |n| {
        n.nodes[s]
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Message { .. }))
            .count()
            == 50
    }));
    let server_events = &net.nodes[s].events;
    let closed: Vec<_> = server_events
        .iter()
        .filter_map(|(a, e)| match e {
            Event::Closed { reason } => Some((*a, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        closed.len(),
        1,
        "only the misbehaving association ends: {closed:?}"
    );
    assert!(matches!(closed[0].1, CloseReason::ProtocolViolation(_)));
    assert_eq!(net.nodes[s].ep.association_count(), 1);
    assert!(net.nodes[good].ep.association(ga).is_some());
    // The misbehaving peer was told why.
    assert!(net.nodes[bad].events.iter().any(|(_, e)| matches!(
        e,
        Event::Closed {
            reason: CloseReason::PeerAbort(_)
        }
    )));
}

/// Recomputes the checksum of a hand-edited packet.
fn fix_checksum(p: &mut [u8]) {
    ferrocore_sctp::wire::Packet::new_unchecked(p).fill_checksum();
}
