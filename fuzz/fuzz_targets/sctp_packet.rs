//! Parses arbitrary bytes as an SCTP packet (whatever parses must re-emit and re-parse
//! to the same representation), then feeds them, with and without a repaired checksum,
//! to a listening endpoint and drives it: it must neither panic nor keep state.
#![no_main]

use ferrocore_sctp::wire::{Packet, Repr};
use ferrocore_sctp::{Config, Endpoint, EndpointConfig};
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

fuzz_target!(|data: &[u8]| {
    if let Ok(repr) = Repr::parse(data) {
        let again = repr.emit();
        assert_eq!(Repr::parse(&again).expect("re-emitted packet parses"), repr);
    }

    let mut ep = Endpoint::new(EndpointConfig::server(38412, [7; 32]), Config::default());
    let now = Instant::now();
    let remote = "192.0.2.1:9899".parse().expect("address");
    ep.handle_packet(now, remote, data);
    let mut fixed = data.to_vec();
    if fixed.len() >= 12 {
        fixed[2..4].copy_from_slice(&38412u16.to_be_bytes());
        Packet::new_unchecked(&mut fixed[..]).fill_checksum();
    }
    ep.handle_packet(now, remote, &fixed);
    while ep.poll_transmit().is_some() {}
    while ep.poll_event().is_some() {}
    ep.handle_timeout(now + Duration::from_secs(3600));
    while ep.poll_transmit().is_some() {}
    // A forged cookie cannot open an association; anything else leaves no state.
    assert_eq!(ep.per_peer_state(), 0);
});
