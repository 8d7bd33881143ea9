//! Deterministic simulations: two endpoints pumped against each other through a lossy,
//! duplicating, reordering virtual network, over many seeds.

mod sim;

use ferrocore_sctp::{AssocId, CloseReason, Config, EndpointConfig, Event, NGAP_PORT, NGAP_PPID};
use sim::{Faults, Net, addr, connected, secret};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const CLIENT_PORT: u16 = 40000;

fn faults_for(seed: u64) -> Faults {
    Faults {
        loss: (seed % 5) as f64 * 0.03, // 0 .. 12 %
        duplicate: 0.05,
        delay: Duration::from_millis(20),
        jitter: Duration::from_millis(30),
    }
}

fn pair(seed: u64, faults: Faults, cfg: Config) -> (Net, usize, usize) {
    let mut net = Net::new(seed, faults);
    let s = net.add(
        addr(1),
        EndpointConfig::server(NGAP_PORT, secret(1)),
        cfg.clone(),
    );
    let c = net.add(
        addr(2),
        EndpointConfig::client(CLIENT_PORT, secret(2 + seed)),
        cfg,
    );
    (net, s, c)
}

fn establish(net: &mut Net, s: usize, c: usize) -> (AssocId, AssocId) {
    net.connect(c, s, NGAP_PORT);
    let ok = net.run_until(Duration::from_secs(120), |n| {
        connected(&n.nodes[s].events).is_some() && connected(&n.nodes[c].events).is_some()
    });
    assert!(ok, "handshake did not complete");
    let sa = connected(&net.take_events(s)).unwrap();
    let ca = connected(&net.take_events(c)).unwrap();
    (sa, ca)
}

/// A message that names itself: sequence number, stream, ordering, then filler.
fn message(seq: u32, stream: u16, unordered: bool, len: usize) -> Vec<u8> {
    let mut m = Vec::with_capacity(len.max(8));
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(&stream.to_be_bytes());
    m.push(unordered as u8);
    m.push(0xA5);
    while m.len() < len {
        m.push((seq as u8).wrapping_add(m.len() as u8));
    }
    m
}

fn check_message(data: &[u8]) -> (u32, u16, bool) {
    let seq = u32::from_be_bytes(data[0..4].try_into().unwrap());
    let stream = u16::from_be_bytes(data[4..6].try_into().unwrap());
    let unordered = data[6] == 1;
    for (i, &b) in data.iter().enumerate().skip(8) {
        assert_eq!(b, (seq as u8).wrapping_add(i as u8), "corrupted payload");
    }
    (seq, stream, unordered)
}

/// Sends `n` messages from `from` on `assoc`; returns what was sent per seq.
fn send_batch(
    net: &mut Net,
    from: usize,
    assoc: AssocId,
    n: u32,
    base: u32,
) -> HashMap<u32, (u16, bool)> {
    let mut sent = HashMap::new();
    for k in 0..n {
        let seq = base + k;
        let stream = (net.rng.below(4)) as u16;
        let unordered = net.rng.chance(0.2);
        let len = match net.rng.below(10) {
            0 => 2000 + net.rng.below(6000) as usize, // fragmented
            _ => 8 + net.rng.below(300) as usize,
        };
        net.nodes[from]
            .ep
            .send(
                assoc,
                stream,
                NGAP_PPID,
                unordered,
                message(seq, stream, unordered, len),
            )
            .expect("send");
        sent.insert(seq, (stream, unordered));
    }
    sent
}

/// Checks exactly-once delivery and per-stream order of ordered messages.
fn check_delivery(
    events: &[(AssocId, Event)],
    assoc: AssocId,
    sent: &HashMap<u32, (u16, bool)>,
) -> usize {
    let mut seen = HashSet::new();
    let mut last_ordered: HashMap<u16, u32> = HashMap::new();
    for (a, e) in events {
        if let Event::Message {
            stream,
            ppid,
            unordered,
            data,
        } = e
        {
            assert_eq!(*a, assoc);
            assert_eq!(*ppid, NGAP_PPID);
            let (seq, st, un) = check_message(data);
            assert_eq!((st, un), (*stream, *unordered));
            assert_eq!(sent.get(&seq), Some(&(st, un)), "unexpected message {seq}");
            assert!(seen.insert(seq), "message {seq} delivered twice");
            if !un && let Some(prev) = last_ordered.insert(st, seq) {
                assert!(prev < seq, "stream {st}: {seq} after {prev}");
            }
        }
    }
    seen.len()
}

fn count_messages(events: &[(AssocId, Event)]) -> usize {
    events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Message { .. }))
        .count()
}

#[test]
fn many_seeds_exactly_once_in_order_then_shutdown() {
    for seed in 0..60u64 {
        let (mut net, s, c) = pair(seed, faults_for(seed), Config::default());
        let (sa, ca) = establish(&mut net, s, c);
        let up = send_batch(&mut net, c, ca, 60, 0);
        let down = send_batch(&mut net, s, sa, 60, 1000);
        let ok = net.run_until(Duration::from_secs(600), |n| {
            count_messages(&n.nodes[s].events) >= up.len()
                && count_messages(&n.nodes[c].events) >= down.len()
        });
        assert!(ok, "seed {seed}: not everything arrived");
        assert_eq!(
            check_delivery(&net.nodes[s].events, sa, &up),
            up.len(),
            "seed {seed}"
        );
        assert_eq!(
            check_delivery(&net.nodes[c].events, ca, &down),
            down.len(),
            "seed {seed}"
        );
        for n in [s, c] {
            assert!(
                !net.nodes[n]
                    .events
                    .iter()
                    .any(|(_, e)| matches!(e, Event::Closed { .. })),
                "seed {seed}: association died"
            );
        }
        net.take_events(s);
        net.take_events(c);

        net.nodes[c].ep.shutdown(ca).unwrap();
        let closed = |ev: &[(AssocId, Event)]| {
            ev.iter().any(|(_, e)| {
                matches!(
                    e,
                    Event::Closed {
                        reason: CloseReason::Shutdown
                    }
                )
            })
        };
        let ok = net.run_until(Duration::from_secs(600), |n| {
            closed(&n.nodes[s].events) && closed(&n.nodes[c].events)
        });
        assert!(
            ok,
            "seed {seed}: shutdown did not complete: {:?} {:?}",
            net.nodes[s].events, net.nodes[c].events
        );
        assert_eq!(net.nodes[s].ep.per_peer_state(), 0);
        assert_eq!(net.nodes[c].ep.per_peer_state(), 0);
    }
}

#[test]
fn large_messages_are_fragmented_and_reassembled() {
    let cfg = Config {
        max_message_size: 200_000,
        ..Config::default()
    };
    for seed in 0..4u64 {
        let (mut net, s, c) = pair(seed, faults_for(seed), cfg.clone());
        let (sa, ca) = establish(&mut net, s, c);
        let sizes = [65_000usize, 150_000, 1, 1171, 1172, 1173, 30_000];
        let mut sent = HashMap::new();
        for (k, &len) in sizes.iter().enumerate() {
            let len = len.max(8);
            let unordered = k % 3 == 2;
            net.nodes[c]
                .ep
                .send(
                    ca,
                    1,
                    NGAP_PPID,
                    unordered,
                    message(k as u32, 1, unordered, len),
                )
                .unwrap();
            sent.insert(k as u32, (1u16, unordered));
        }
        let ok = net.run_until(Duration::from_secs(900), |n| {
            count_messages(&n.nodes[s].events) >= sizes.len()
        });
        assert!(ok, "seed {seed}: large messages did not arrive");
        assert_eq!(check_delivery(&net.nodes[s].events, sa, &sent), sizes.len());
        let lens: Vec<usize> = net.nodes[s]
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Message { data, .. } => Some(data.len()),
                _ => None,
            })
            .collect();
        let mut want: Vec<usize> = sizes.iter().map(|&l| l.max(8)).collect();
        let mut got = lens.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want);
    }
}

#[test]
fn peer_restart_is_reported_and_nothing_is_delivered_twice() {
    for seed in 0..10u64 {
        let faults = Faults {
            loss: 0.05,
            ..faults_for(seed)
        };
        // Anything the server sends to the restarted peer before its INIT arrives draws
        // an ABORT (§8.4) and ends the association instead: keep heartbeats out of the
        // way so that the test exercises the restart itself.
        let cfg = Config {
            heartbeat_interval: Duration::from_secs(3600),
            ..Config::default()
        };
        let (mut net, s, c) = pair(seed, faults, cfg.clone());
        let (sa, ca) = establish(&mut net, s, c);
        let before = send_batch(&mut net, c, ca, 20, 0);
        let ok = net.run_until(Duration::from_secs(300), |n| {
            count_messages(&n.nodes[s].events) >= 20
        });
        assert!(ok);
        // Let acknowledgements settle so that nothing is in flight towards the old peer.
        net.run_for(Duration::from_secs(5));
        assert_eq!(check_delivery(&net.nodes[s].events, sa, &before), 20);
        net.take_events(s);

        // The client process crashes and comes back on the same address and port.
        net.replace(
            c,
            EndpointConfig::client(CLIENT_PORT, secret(1000 + seed)),
            cfg,
        );
        net.connect(c, s, NGAP_PORT);
        let ok = net.run_until(Duration::from_secs(300), |n| {
            connected(&n.nodes[c].events).is_some()
                && n.nodes[s]
                    .events
                    .iter()
                    .any(|(_, e)| matches!(e, Event::PeerRestarted { .. }))
        });
        assert!(
            ok,
            "seed {seed}: restart not reported: {:?}",
            net.nodes[s].events
        );
        let restarted: Vec<_> = net.nodes[s]
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::PeerRestarted { .. }))
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(restarted, vec![sa], "restart keeps the association id");
        assert!(
            !net.nodes[s]
                .events
                .iter()
                .any(|(_, e)| matches!(e, Event::Closed { .. }))
        );
        let ca2 = connected(&net.nodes[c].events).unwrap();
        net.take_events(s);
        net.take_events(c);

        let after = send_batch(&mut net, c, ca2, 20, 100);
        let down = send_batch(&mut net, s, sa, 10, 500);
        let ok = net.run_until(Duration::from_secs(300), |n| {
            count_messages(&n.nodes[s].events) >= 20 && count_messages(&n.nodes[c].events) >= 10
        });
        assert!(ok, "seed {seed}: traffic after restart");
        net.run_for(Duration::from_secs(5));
        // Only the new messages: none of the 20 from before the restart again.
        assert_eq!(check_delivery(&net.nodes[s].events, sa, &after), 20);
        assert_eq!(check_delivery(&net.nodes[c].events, ca2, &down), 10);
    }
}

#[test]
fn heartbeat_timeout_closes_when_the_peer_vanishes() {
    for seed in 0..3u64 {
        let (mut net, s, c) = pair(seed, faults_for(seed), Config::default());
        let (sa, _ca) = establish(&mut net, s, c);
        net.nodes[c].up = false;
        let ok = net.run_until(Duration::from_secs(6 * 3600), |n| {
            n.nodes[s].events.iter().any(|(a, e)| {
                *a == sa
                    && matches!(
                        e,
                        Event::Closed {
                            reason: CloseReason::Timeout
                        }
                    )
            })
        });
        assert!(ok, "seed {seed}: vanished peer not detected");
        assert_eq!(net.nodes[s].ep.association_count(), 0);
        assert_eq!(net.nodes[s].ep.per_peer_state(), 0);
    }
}

#[test]
fn retransmission_limit_closes_when_the_peer_vanishes_mid_transfer() {
    let (mut net, s, c) = pair(7, Faults::perfect(), Config::default());
    let (_sa, ca) = establish(&mut net, s, c);
    net.nodes[s].up = false;
    net.nodes[c]
        .ep
        .send(ca, 0, NGAP_PPID, false, vec![1; 100])
        .unwrap();
    let ok = net.run_until(Duration::from_secs(6 * 3600), |n| {
        n.nodes[c].events.iter().any(|(_, e)| {
            matches!(
                e,
                Event::Closed {
                    reason: CloseReason::Timeout
                }
            )
        })
    });
    assert!(ok);
}

#[test]
fn abort_reaches_the_peer() {
    let (mut net, s, c) = pair(3, Faults::perfect(), Config::default());
    let (sa, ca) = establish(&mut net, s, c);
    net.nodes[c].ep.abort(ca);
    net.run_for(Duration::from_secs(1));
    assert!(net.nodes[s].events.iter().any(|(a, e)| *a == sa
        && matches!(
            e,
            Event::Closed {
                reason: CloseReason::PeerAbort(_)
            }
        )));
    assert!(net.nodes[c].events.iter().any(|(_, e)| matches!(
        e,
        Event::Closed {
            reason: CloseReason::LocalAbort
        }
    )));
    assert_eq!(net.nodes[s].ep.per_peer_state(), 0);
}

#[test]
fn connect_to_nobody_fails_after_init_retransmissions() {
    let (mut net, s, c) = pair(1, Faults::perfect(), Config::default());
    net.nodes[s].up = false;
    net.connect(c, s, NGAP_PORT);
    let ok = net.run_until(Duration::from_secs(3600), |n| {
        n.nodes[c].events.iter().any(|(_, e)| {
            matches!(
                e,
                Event::Closed {
                    reason: CloseReason::InitFailed
                }
            )
        })
    });
    assert!(ok);
}
