//! 10,000 associations on one listening endpoint, in memory, each exchanging a message.

mod sim;

use ferrocore_sctp::{Config, EndpointConfig, Event, NGAP_PORT, NGAP_PPID};
use sim::{Faults, Net, addr, secret};
use std::time::Duration;

const N: u32 = 10_000;

#[test]
fn ten_thousand_associations_on_one_endpoint() {
    let mut net = Net::new(1, Faults::perfect());
    let s = net.add(
        addr(0),
        EndpointConfig::server(NGAP_PORT, secret(1)),
        Config::default(),
    );
    let clients: Vec<usize> = (1..=N)
        .map(|i| {
            net.add(
                addr(i),
                EndpointConfig::client(40000, secret(1000 + i as u64)),
                Config::default(),
            )
        })
        .collect();
    let assocs: Vec<_> = clients
        .iter()
        .map(|&c| net.connect(c, s, NGAP_PORT))
        .collect();

    let server_connected = |n: &Net| {
        n.nodes[s]
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Connected { .. }))
            .count()
    };
    assert!(net.run_until(Duration::from_secs(10), |n| {
        server_connected(n) == N as usize
            && clients
                .iter()
                .all(|&c| sim::connected(&n.nodes[c].events).is_some())
    }));
    assert_eq!(net.nodes[s].ep.association_count(), N as usize);

    // Each gNB sends an NG Setup-sized request on stream 0; the AMF answers each one.
    for (k, (&c, &a)) in clients.iter().zip(&assocs).enumerate() {
        let req = (k as u32).to_be_bytes().repeat(25);
        net.nodes[c].ep.send(a, 0, NGAP_PPID, false, req).unwrap();
    }
    assert!(net.run_until(Duration::from_secs(10), |n| {
        n.nodes[s]
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::Message { .. }))
            .count()
            == N as usize
    }));
    let requests: Vec<_> = net.take_events(s);
    for (id, e) in requests {
        if let Event::Message { stream, data, .. } = e {
            net.nodes[s]
                .ep
                .send(id, stream, NGAP_PPID, false, data)
                .unwrap();
        }
    }
    assert!(net.run_until(Duration::from_secs(10), |n| {
        clients.iter().all(|&c| {
            n.nodes[c]
                .events
                .iter()
                .any(|(_, e)| matches!(e, Event::Message { .. }))
        })
    }));
    for (k, &c) in clients.iter().enumerate() {
        let got: Vec<_> = net.nodes[c]
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Message { data, .. } => Some(data.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![(k as u32).to_be_bytes().repeat(25)]);
    }
    assert_eq!(net.nodes[s].ep.association_count(), N as usize);
}
