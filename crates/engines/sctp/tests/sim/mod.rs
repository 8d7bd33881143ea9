//! A deterministic virtual network for pumping endpoints against each other: seeded
//! loss, duplication, delay and reordering on a virtual clock.
#![allow(dead_code)]

use ferrocore_sctp::{AssocId, Config, Endpoint, EndpointConfig, Event};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// SplitMix64: small, seedable, good enough for fault injection.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Fault model of the virtual network.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub loss: f64,
    pub duplicate: f64,
    pub delay: Duration,
    /// Extra random delay in 0..jitter, which reorders packets.
    pub jitter: Duration,
}

impl Faults {
    pub fn perfect() -> Self {
        Self {
            loss: 0.0,
            duplicate: 0.0,
            delay: Duration::from_millis(10),
            jitter: Duration::ZERO,
        }
    }
}

pub struct Node {
    pub addr: SocketAddr,
    pub ep: Endpoint,
    pub events: Vec<(AssocId, Event)>,
    /// Whether the node is up: a node that is down neither sends nor receives.
    pub up: bool,
}

pub struct Net {
    pub rng: Rng,
    pub start: Instant,
    pub now: Instant,
    pub faults: Faults,
    pub nodes: Vec<Node>,
    by_addr: HashMap<SocketAddr, usize>,
    /// (deliver at, sequence) -> (to, from, bytes)
    in_flight: BTreeMap<(Instant, u64), (usize, SocketAddr, Vec<u8>)>,
    seq: u64,
    pub delivered_packets: u64,
}

pub fn secret(n: u64) -> [u8; 32] {
    let mut s = [0u8; 32];
    s[..8].copy_from_slice(&n.to_be_bytes());
    s
}

pub fn addr(i: u32) -> SocketAddr {
    let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i);
    SocketAddr::new(ip.into(), ferrocore_sctp::UDP_ENCAPSULATION_PORT)
}

impl Net {
    pub fn new(seed: u64, faults: Faults) -> Self {
        let now = Instant::now();
        Self {
            rng: Rng::new(seed),
            start: now,
            now,
            faults,
            nodes: Vec::new(),
            by_addr: HashMap::new(),
            in_flight: BTreeMap::new(),
            seq: 0,
            delivered_packets: 0,
        }
    }

    pub fn add(&mut self, addr: SocketAddr, ecfg: EndpointConfig, cfg: Config) -> usize {
        let i = self.nodes.len();
        self.nodes.push(Node {
            addr,
            ep: Endpoint::new(ecfg, cfg),
            events: Vec::new(),
            up: true,
        });
        self.by_addr.insert(addr, i);
        i
    }

    /// Replaces a node's endpoint (a crash and restart of the process).
    pub fn replace(&mut self, i: usize, ecfg: EndpointConfig, cfg: Config) {
        self.nodes[i].ep = Endpoint::new(ecfg, cfg);
        self.nodes[i].events.clear();
        self.nodes[i].up = true;
    }

    pub fn connect(&mut self, from: usize, to: usize, port: u16) -> AssocId {
        let remote = self.nodes[to].addr;
        let now = self.now;
        let id = self.nodes[from].ep.connect(now, remote, port);
        self.flush();
        id
    }

    /// Moves every pending transmit into the network and every event into its node.
    pub fn flush(&mut self) {
        for i in 0..self.nodes.len() {
            while let Some(t) = self.nodes[i].ep.poll_transmit() {
                if !self.nodes[i].up {
                    continue;
                }
                let Some(&to) = self.by_addr.get(&t.remote) else {
                    continue;
                };
                let from = self.nodes[i].addr;
                let copies = if self.rng.chance(self.faults.loss) {
                    0
                } else if self.rng.chance(self.faults.duplicate) {
                    2
                } else {
                    1
                };
                for _ in 0..copies {
                    let j = self.faults.jitter.as_micros() as u64;
                    let extra = Duration::from_micros(if j > 0 { self.rng.below(j) } else { 0 });
                    let at = self.now + self.faults.delay + extra;
                    self.seq += 1;
                    self.in_flight
                        .insert((at, self.seq), (to, from, t.payload.clone()));
                }
            }
            while let Some(e) = self.nodes[i].ep.poll_event() {
                self.nodes[i].events.push(e);
            }
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        let pkt = self.in_flight.keys().next().map(|k| k.0);
        let tmr = self.nodes.iter().filter_map(|n| n.ep.poll_timeout()).min();
        match (pkt, tmr) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Advances to the next packet or timer and processes everything due then.
    /// Returns false when nothing is left to do.
    pub fn step(&mut self) -> bool {
        self.step_before(None)
    }

    /// Like [`Net::step`], but never moves the clock past `limit`.
    pub fn step_before(&mut self, limit: Option<Instant>) -> bool {
        self.flush();
        let Some(t) = self.next_deadline() else {
            if let Some(l) = limit {
                self.now = self.now.max(l);
            }
            return false;
        };
        if let Some(l) = limit
            && t > l
        {
            self.now = self.now.max(l);
            return true;
        }
        self.now = self.now.max(t);
        let now = self.now;
        while let Some(entry) = self.in_flight.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (to, from, bytes) = entry.remove();
            if self.nodes[to].up {
                if std::env::var("SIM_TRACE").is_ok() {
                    let r = ferrocore_sctp::wire::Repr::parse(&bytes);
                    let desc = match &r {
                        Ok(r) => format!(
                            "vtag={:08x} {:?}",
                            r.header.verification_tag,
                            r.chunks
                                .iter()
                                .map(|c| format!("{:?}", c).chars().take(60).collect::<String>())
                                .collect::<Vec<_>>()
                        ),
                        Err(e) => format!("{e}"),
                    };
                    eprintln!(
                        "{:>8.3} {} -> {}: {}",
                        (now - self.start).as_secs_f64(),
                        from,
                        self.nodes[to].addr,
                        desc
                    );
                }
                self.delivered_packets += 1;
                self.nodes[to].ep.handle_packet(now, from, &bytes);
            }
        }
        for n in &mut self.nodes {
            if n.ep.poll_timeout().is_some_and(|d| d <= now) {
                n.ep.handle_timeout(now);
            }
        }
        self.flush();
        true
    }

    /// Steps until `done` holds or `limit` of virtual time passes; returns `done`.
    pub fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&mut Net) -> bool) -> bool {
        let end = self.now + limit;
        loop {
            if done(self) {
                return true;
            }
            if self.now >= end || !self.step_before(Some(end)) {
                return done(self);
            }
        }
    }

    /// Steps for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end {
            if !self.step_before(Some(end)) {
                break;
            }
        }
    }

    pub fn take_events(&mut self, i: usize) -> Vec<(AssocId, Event)> {
        std::mem::take(&mut self.nodes[i].events)
    }
}

pub fn connected(events: &[(AssocId, Event)]) -> Option<AssocId> {
    events
        .iter()
        .find(|(_, e)| matches!(e, Event::Connected { .. }))
        .map(|(a, _)| *a)
}
