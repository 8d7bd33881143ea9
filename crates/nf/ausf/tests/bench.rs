//! Authentication vectors per second through AUSF -> UDM -> UDR -> SQLite: the full
//! POST ue-authentications (SUPI given, 5G HE AV, HXRES*, context stored), in-process and
//! over HTTP/2 on loopback. Ignored by default; run with
//! `cargo test -p ferrocore-ausf --release --test bench -- --ignored --nocapture`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Wiring, core, snn, store, subscriber};
use ferrocore_sbi::nausf_ueau::AuthenticationInfo;
use ferrocore_udm::UdmConfig;

const SUBSCRIBERS: usize = 100;
const CONCURRENCY: usize = 32;
const DURATION: Duration = Duration::from_secs(5);

fn imsi(i: usize) -> String {
    format!("00101{i:010}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn authentication_vectors_per_second() {
    for wiring in [Wiring::InProcess, Wiring::Http] {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let subs: Vec<_> = (0..SUBSCRIBERS).map(|i| subscriber(&imsi(i), 0)).collect();
        store.import(&subs).await.unwrap();
        let core = core(wiring, store, UdmConfig::default()).await;
        let done = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for t in 0..CONCURRENCY {
            let (ausf, done) = (core.ausf.clone(), done.clone());
            tasks.push(tokio::spawn(async move {
                let mut i = t;
                while start.elapsed() < DURATION {
                    let info = AuthenticationInfo {
                        supi_or_suci: format!("imsi-{}", imsi(i % SUBSCRIBERS)),
                        serving_network_name: snn(),
                        resynchronization_info: None,
                        pei: None,
                        routing_indicator: None,
                        supported_features: None,
                    };
                    ausf.authenticate(info).await.expect("201");
                    done.fetch_add(1, Ordering::Relaxed);
                    i += CONCURRENCY;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        let n = done.load(Ordering::Relaxed);
        println!(
            "{wiring:?}: {n} authentications in {secs:.2} s = {:.0} vectors/s \
             ({CONCURRENCY} concurrent, {SUBSCRIBERS} subscribers, SQN block 32, SQLite)",
            n as f64 / secs
        );
    }
}
