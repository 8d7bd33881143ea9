//! In-memory throughput of 100-octet messages between two engines (no loss), one
//! ordered stream, PPID 60. Bundling policy: each packet carries as many chunks as fit
//! in `max_packet_size` (control chunks, then a SACK, then retransmissions, then new
//! DATA); measured at the default 1200 (IPv6 + UDP encapsulation safe) and at 1480
//! (raw SCTP over IPv4 on a 1500-octet link).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferrocore_sctp::{AssocId, Config, Endpoint, EndpointConfig, Event};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const BATCH: usize = 1000;

struct Pair {
    client: Endpoint,
    server: Endpoint,
    assoc: AssocId,
    now: Instant,
    c_addr: SocketAddr,
    s_addr: SocketAddr,
    received: usize,
}

impl Pair {
    fn new(max_packet_size: usize) -> Self {
        let cfg = Config {
            max_packet_size,
            ..Config::default()
        };
        let mut p = Pair {
            client: Endpoint::new(EndpointConfig::client(40000, [1; 32]), cfg.clone()),
            server: Endpoint::new(EndpointConfig::server(38412, [2; 32]), cfg),
            assoc: AssocId(0),
            now: Instant::now(),
            c_addr: "10.0.0.2:9899".parse().unwrap(),
            s_addr: "10.0.0.1:9899".parse().unwrap(),
            received: 0,
        };
        p.assoc = p.client.connect(p.now, p.s_addr, 38412);
        p.pump_until(|p| p.connected());
        p
    }

    fn connected(&mut self) -> bool {
        let mut up = false;
        while let Some((_, e)) = self.client.poll_event() {
            up |= matches!(e, Event::Connected { .. });
        }
        up
    }

    /// Moves packets both ways; when idle, jumps the virtual clock to the next timer.
    fn pump_until(&mut self, mut done: impl FnMut(&mut Self) -> bool) {
        while !done(self) {
            let mut moved = false;
            while let Some(t) = self.client.poll_transmit() {
                self.server.handle_packet(self.now, self.c_addr, &t.payload);
                moved = true;
            }
            while let Some(t) = self.server.poll_transmit() {
                self.client.handle_packet(self.now, self.s_addr, &t.payload);
                moved = true;
            }
            while let Some((_, e)) = self.server.poll_event() {
                if let Event::Message { data, .. } = e {
                    self.received += 1;
                    std::hint::black_box(data);
                }
            }
            if !moved {
                let next = [self.client.poll_timeout(), self.server.poll_timeout()]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(self.now + Duration::from_millis(1));
                self.now = self.now.max(next);
                self.client.handle_timeout(self.now);
                self.server.handle_timeout(self.now);
            }
        }
    }

    fn batch(&mut self) {
        let target = self.received + BATCH;
        for _ in 0..BATCH {
            self.client
                .send(self.assoc, 1, 60, false, vec![0x5a; 100])
                .expect("send");
        }
        self.pump_until(|p| p.received >= target);
    }
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("sctp");
    group.throughput(Throughput::Elements(BATCH as u64));
    for mtu in [1200usize, 1480] {
        let mut pair = Pair::new(mtu);
        group.bench_function(BenchmarkId::new("100B-messages", mtu), |b| {
            b.iter(|| pair.batch())
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
