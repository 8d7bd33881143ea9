//! The 100k-subscriber import, timed. Ignored by default (it is a measurement):
//!
//! ```sh
//! cargo test -p ferrocore-udr --release --test import_bench -- --ignored --nocapture
//! ```
//!
//! Figures are recorded in `docs/subscribers.md`.

use std::fmt::Write as _;
use std::time::Instant;

use ferrocore_udr::provision::parse_csv;
use ferrocore_udr::store::{SqliteStore, SubscriberStore};

const N: u64 = 100_000;

fn csv_file(n: u64) -> String {
    let mut s = String::with_capacity(n as usize * 120);
    s.push_str("imsi,k,opc,op,amf,sqn,msisdn,sst,sd,dnn\n");
    for i in 0..n {
        writeln!(
            s,
            "00101{i:010},{i:032x},cd63cb71954a9f4e48a5994e37a02baf,,8000,0,49170{i:07},1,000001,internet"
        )
        .unwrap();
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: run with --ignored --nocapture"]
async fn import_100k_subscribers_from_csv_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv_file(N);

    let t0 = Instant::now();
    let subs = parse_csv(&text).unwrap();
    let parse = t0.elapsed();

    let store = SqliteStore::open(&dir.path().join("bench.db").display().to_string())
        .await
        .unwrap();
    let t1 = Instant::now();
    assert_eq!(store.import(&subs).await.unwrap(), N);
    let import = t1.elapsed();
    assert_eq!(store.count().await.unwrap(), N);
    store.close().await;

    let total = parse + import;
    println!(
        "100k subscribers: CSV parse {:.2} s, SQLite import {:.2} s, total {:.2} s ({:.0} subscribers/s)",
        parse.as_secs_f64(),
        import.as_secs_f64(),
        total.as_secs_f64(),
        N as f64 / total.as_secs_f64()
    );
}
