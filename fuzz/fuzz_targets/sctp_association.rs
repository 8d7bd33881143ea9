//! Fuzzes an *established* association: a client and a server endpoint complete the
//! handshake in memory, then each input becomes the chunk area of a packet that carries
//! the association's real ports and verification tag (checksum filled), so it reaches
//! the DATA / SACK / HEARTBEAT / SHUTDOWN / ERROR handling of RFC 9260 rather than the
//! out-of-the-blue path. The server must not panic, and afterwards it must still either
//! deliver a fresh message from the client or report the association closed, whenever
//! the forged packet held only chunks that must not end or hijack an association
//! (HEARTBEAT, HEARTBEAT ACK, SACK, ERROR): forged DATA with the next TSN, SHUTDOWN or
//! INIT legitimately change what the real peer's next message means.
#![no_main]

use ferrocore_sctp::wire::{Chunk, Packet, Repr};
use ferrocore_sctp::{AssocId, Config, Endpoint, EndpointConfig, Event};
use libfuzzer_sys::fuzz_target;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const SERVER_PORT: u16 = 38412;

struct Pair {
    client: Endpoint,
    server: Endpoint,
    client_addr: SocketAddr,
    server_addr: SocketAddr,
    now: Instant,
}

impl Pair {
    /// Moves every pending packet between the two endpoints until both are quiet,
    /// returning the last packet the client sent (a template for forged ones).
    fn pump(&mut self) -> Option<Vec<u8>> {
        let mut last_client_packet = None;
        for _ in 0..64 {
            let mut moved = false;
            while let Some(t) = self.client.poll_transmit() {
                last_client_packet = Some(t.payload.clone());
                self.server.handle_packet(self.now, self.client_addr, &t.payload);
                moved = true;
            }
            while let Some(t) = self.server.poll_transmit() {
                self.client.handle_packet(self.now, self.server_addr, &t.payload);
                moved = true;
            }
            if !moved {
                break;
            }
        }
        last_client_packet
    }

    fn server_events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.server.poll_event()).map(|(_, e)| e).collect()
    }
}

fn established() -> (Pair, AssocId, Vec<u8>) {
    let now = Instant::now();
    let mut pair = Pair {
        client: Endpoint::new(EndpointConfig::client(40000, [1; 32]), Config::default()),
        server: Endpoint::new(EndpointConfig::server(SERVER_PORT, [2; 32]), Config::default()),
        client_addr: "192.0.2.1:9899".parse().expect("address"),
        server_addr: "192.0.2.2:9899".parse().expect("address"),
        now,
    };
    let assoc = pair.client.connect(now, pair.server_addr, SERVER_PORT);
    pair.pump();
    while pair.client.poll_event().is_some() {}
    pair.client.send(assoc, 0, 60, false, vec![0x55; 32]).expect("send on a new association");
    let template = pair.pump().expect("the client sent a DATA packet");
    pair.server_events();
    (pair, assoc, template)
}

fuzz_target!(|data: &[u8]| {
    let (mut pair, assoc, template) = established();
    let mut forged = template[..12].to_vec();
    forged.extend_from_slice(data);
    Packet::new_unchecked(&mut forged[..]).fill_checksum();
    let harmless = Repr::parse(&forged).is_ok_and(|r| {
        r.chunks.iter().all(|c| {
            matches!(
                c,
                Chunk::Heartbeat(_) | Chunk::HeartbeatAck(_) | Chunk::Sack(_) | Chunk::Error(_)
            )
        })
    });
    pair.server.handle_packet(pair.now, pair.client_addr, &forged);
    pair.pump();
    pair.now += Duration::from_secs(1);
    pair.server.handle_timeout(pair.now);
    pair.client.handle_timeout(pair.now);
    pair.pump();
    let closed_early = pair
        .server_events()
        .iter()
        .any(|e| matches!(e, Event::Closed { .. }));

    // The association either survived, and still carries a fresh message, or was closed
    // and said so; it never silently stops.
    if harmless && !closed_early && pair.client.send(assoc, 1, 60, false, b"after".to_vec()).is_ok() {
        for _ in 0..8 {
            pair.pump();
            pair.now += Duration::from_secs(1);
            pair.server.handle_timeout(pair.now);
            pair.client.handle_timeout(pair.now);
        }
        pair.pump();
        let events = pair.server_events();
        let delivered = events.iter().any(|e| matches!(e, Event::Message { data, .. } if data == b"after"));
        let closed = events.iter().any(|e| matches!(e, Event::Closed { .. }));
        assert!(delivered || closed, "association neither delivers nor closes: {events:?}");
    }
});
