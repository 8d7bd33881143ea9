//! The subscriber store's contract, run against SQLite and PostgreSQL alike.

mod common;

use std::collections::HashSet;
use std::ops::Range;

use std::sync::Arc;

use common::{Backend, Db, fresh_store, subscriber, supi};
use ferrocore_udr::SubscriberStore;
use ferrocore_udr::model::{Key128, OperatorKey, SQN_LIMIT};
use ferrocore_udr::{StoreError, ValidationError};

async fn crud(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "crud").await else {
        return;
    };
    let mut s = subscriber(1);
    s.msisdn = Some(ferrocore_udr::model::Msisdn::parse("491701234567").unwrap());
    store.create(&s).await.unwrap();
    assert_eq!(store.get(&s.supi).await.unwrap(), s);
    assert!(matches!(store.create(&s).await, Err(StoreError::Duplicate(d)) if d == s.supi));

    s.operator_key = OperatorKey::Op(Key128::new([7; 16]));
    s.msisdn = None;
    store.update(&s).await.unwrap();
    assert_eq!(store.get(&s.supi).await.unwrap(), s);

    assert!(matches!(
        store.update(&subscriber(2)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get(&supi(2)).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete(&s.supi).await.unwrap();
    assert!(matches!(
        store.delete(&s.supi).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.count().await.unwrap(), 0);
}

async fn invalid_data_is_refused_before_writing(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "invalid").await else {
        return;
    };
    let mut s = subscriber(1);
    s.sqn = SQN_LIMIT;
    assert!(matches!(
        store.create(&s).await,
        Err(StoreError::Invalid(ValidationError::BadSqn(_)))
    ));
    let mut s = subscriber(1);
    s.slices[0].default = false;
    assert!(matches!(
        store.create(&s).await,
        Err(StoreError::Invalid(ValidationError::NoDefaultSnssai))
    ));
    assert_eq!(store.count().await.unwrap(), 0);
}

async fn list_pages_in_supi_order(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "list").await else {
        return;
    };
    let subs: Vec<_> = (0..25).rev().map(subscriber).collect();
    store.import(&subs).await.unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.list(after.as_ref(), 10).await.unwrap();
        assert!(page.subscribers.len() <= 10);
        seen.extend(page.subscribers.iter().map(|s| s.supi.clone()));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, (0..25).map(supi).collect::<Vec<_>>());
    assert_eq!(store.count().await.unwrap(), 25);
}

async fn import_is_all_or_nothing(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "import").await else {
        return;
    };
    store.create(&subscriber(1500)).await.unwrap();
    // 2000 subscribers, one of which (in the fourth batch) exists already.
    let subs: Vec<_> = (0..2000).map(subscriber).collect();
    match store.import(&subs).await {
        Err(StoreError::Duplicate(d)) => assert_eq!(d, supi(1500)),
        other => panic!("expected Duplicate, got {other:?}"),
    }
    assert_eq!(store.count().await.unwrap(), 1);
    // The same SUPI twice in one file.
    let twice = vec![subscriber(7), subscriber(8), subscriber(7)];
    assert!(matches!(store.import(&twice).await, Err(StoreError::Duplicate(d)) if d == supi(7)));
    assert_eq!(store.count().await.unwrap(), 1);
    let fresh: Vec<_> = (2000..3000).map(subscriber).collect();
    assert_eq!(store.import(&fresh).await.unwrap(), 1000);
    assert_eq!(store.count().await.unwrap(), 1001);
    assert_eq!(store.get(&supi(2999)).await.unwrap(), subscriber(2999));
}

async fn data_survives_reopening(b: Backend) {
    let Some(db) = Db::fresh(b, "reopen").await else {
        return;
    };
    {
        let store = db.open().await;
        store
            .import(&(0..10).map(subscriber).collect::<Vec<_>>())
            .await
            .unwrap();
        store.reserve_sqn_block(&supi(3), 32).await.unwrap();
    }
    let store = db.open().await;
    assert_eq!(store.count().await.unwrap(), 10);
    let mut expect = subscriber(3);
    expect.sqn = 32;
    assert_eq!(store.get(&supi(3)).await.unwrap(), expect);
}

async fn reservations_are_consecutive_and_checked(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "reserve").await else {
        return;
    };
    let mut s = subscriber(1);
    s.sqn = 100;
    store.create(&s).await.unwrap();
    assert_eq!(
        store.reserve_sqn_block(&s.supi, 10).await.unwrap(),
        100..110
    );
    assert_eq!(store.reserve_sqn_block(&s.supi, 1).await.unwrap(), 110..111);
    assert_eq!(store.get(&s.supi).await.unwrap().sqn, 111);
    assert!(matches!(
        store.reserve_sqn_block(&s.supi, 0).await,
        Err(StoreError::BadBlockSize(0))
    ));
    assert!(matches!(
        store.reserve_sqn_block(&supi(2), 1).await,
        Err(StoreError::NotFound(_))
    ));

    // An update never moves the SQN back.
    s.sqn = 5;
    store.update(&s).await.unwrap();
    assert_eq!(store.get(&s.supi).await.unwrap().sqn, 111);

    // The end of the 48-bit space.
    let mut e = subscriber(3);
    e.sqn = SQN_LIMIT - 4;
    store.create(&e).await.unwrap();
    assert_eq!(
        store.reserve_sqn_block(&e.supi, 4).await.unwrap(),
        SQN_LIMIT - 4..SQN_LIMIT
    );
    assert!(matches!(
        store.reserve_sqn_block(&e.supi, 1).await,
        Err(StoreError::SqnExhausted(_))
    ));
}

async fn resync_moves_forward_only(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "resync").await else {
        return;
    };
    store.create(&subscriber(1)).await.unwrap();
    let id = supi(1);
    store.resync_sqn(&id, 1000).await.unwrap();
    assert_eq!(store.reserve_sqn_block(&id, 5).await.unwrap(), 1001..1006);
    store.resync_sqn(&id, 10).await.unwrap();
    assert_eq!(store.reserve_sqn_block(&id, 5).await.unwrap(), 1006..1011);
    assert!(matches!(
        store.resync_sqn(&id, SQN_LIMIT).await,
        Err(StoreError::Invalid(ValidationError::BadSqn(_)))
    ));
    assert!(matches!(
        store.resync_sqn(&supi(9), 1).await,
        Err(StoreError::NotFound(_))
    ));
}

fn assert_disjoint(ranges: &[Range<u64>], n: u64) {
    let mut seen = HashSet::new();
    for r in ranges {
        assert_eq!(r.end - r.start, n);
        for sqn in r.clone() {
            assert!(seen.insert(sqn), "SQN {sqn} handed out twice");
        }
    }
}

/// `times` blocks of `n` SQNs of subscriber 1, one after the other.
async fn reserve_many(store: Arc<dyn SubscriberStore>, times: usize, n: u64) -> Vec<Range<u64>> {
    let mut got = Vec::new();
    for _ in 0..times {
        got.push(store.reserve_sqn_block(&supi(1), n).await.unwrap());
    }
    got
}

async fn parallel_reservations_never_overlap(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "parallel").await else {
        return;
    };
    store.create(&subscriber(1)).await.unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| tokio::spawn(reserve_many(store.clone(), 10, 8)))
        .collect();
    let mut ranges = Vec::new();
    for t in tasks {
        ranges.extend(t.await.unwrap());
    }
    assert_eq!(ranges.len(), 160);
    assert_disjoint(&ranges, 8);
    assert_eq!(store.get(&supi(1)).await.unwrap().sqn, 160 * 8);
}

async fn a_crash_never_leads_to_reuse(b: Backend) {
    let Some(db) = Db::fresh(b, "crash").await else {
        return;
    };
    let mut handed_out = Vec::new();
    {
        let store = db.open().await;
        store.create(&subscriber(1)).await.unwrap();
        handed_out.push(store.reserve_sqn_block(&supi(1), 32).await.unwrap());
        handed_out.push(store.reserve_sqn_block(&supi(1), 32).await.unwrap());
        // The UDM used one SQN of the last block, then the process dies: the store is
        // dropped without closing or recording anything else.
    }
    for _ in 0..3 {
        let store = db.open().await;
        handed_out.push(store.reserve_sqn_block(&supi(1), 32).await.unwrap());
    }
    assert_disjoint(&handed_out, 32);
    assert!(handed_out.windows(2).all(|w| w[1].start >= w[0].end));
}

async fn two_stores_on_one_database_never_overlap(b: Backend) {
    // Two UDR instances (two pools) on one database: scale-out.
    let Some(db) = Db::fresh(b, "twostores").await else {
        return;
    };
    let a = db.open().await;
    a.create(&subscriber(1)).await.unwrap();
    let c = db.open().await;
    let ta = tokio::spawn(reserve_many(a, 40, 4));
    let tc = tokio::spawn(reserve_many(c, 40, 4));
    let mut ranges = ta.await.unwrap();
    ranges.extend(tc.await.unwrap());
    assert_disjoint(&ranges, 4);
}

/// The Nudr compare-and-set: only from the stored value; nothing written otherwise; and
/// many racing on one subscriber never share a block (group commit on SQLite included).
async fn compare_and_set_reservations(b: Backend) {
    let Some((_db, store)) = fresh_store(b, "reserve_at").await else {
        return;
    };
    let mut s = subscriber(1);
    s.sqn = 64;
    store.create(&s).await.unwrap();
    assert_eq!(
        store.reserve_sqn_block_at(&s.supi, 64, 32).await.unwrap(),
        Some(64..96)
    );
    assert_eq!(
        store.reserve_sqn_block_at(&s.supi, 64, 32).await.unwrap(),
        None
    );
    assert_eq!(
        store.get(&s.supi).await.unwrap().sqn,
        96,
        "a failed test writes nothing"
    );
    assert!(matches!(
        store.reserve_sqn_block_at(&supi(2), 0, 1).await,
        Err(StoreError::NotFound(_))
    ));
    // 16 tasks each take 8 blocks by compare-and-set, retrying on a stale read.
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            let id = s.supi.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                while got.len() < 8 {
                    let at = store.get(&id).await.unwrap().sqn;
                    if let Some(r) = store.reserve_sqn_block_at(&id, at, 4).await.unwrap() {
                        got.push(r);
                    }
                }
                got
            })
        })
        .collect();
    let mut ranges = Vec::new();
    for t in tasks {
        ranges.extend(t.await.unwrap());
    }
    assert_disjoint(&ranges, 4);
    assert_eq!(
        store.get(&s.supi).await.unwrap().sqn,
        96 + 16 * 8 * 4,
        "no SQN skipped"
    );
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::Backend::Postgres).await
                }
            )*
        }
    };
}

suite!(
    crud,
    invalid_data_is_refused_before_writing,
    list_pages_in_supi_order,
    import_is_all_or_nothing,
    data_survives_reopening,
    reservations_are_consecutive_and_checked,
    resync_moves_forward_only,
    parallel_reservations_never_overlap,
    a_crash_never_leads_to_reuse,
    two_stores_on_one_database_never_overlap,
    compare_and_set_reservations,
);

#[tokio::test]
async fn open_picks_the_backend_from_the_url() {
    let mem = ferrocore_udr::open("sqlite::memory:").await.unwrap();
    mem.create(&subscriber(1)).await.unwrap();
    assert_eq!(mem.reserve_sqn_block(&supi(1), 3).await.unwrap(), 0..3);
    assert_eq!(mem.count().await.unwrap(), 1);
    assert!(matches!(
        ferrocore_udr::open("mysql://localhost/x").await,
        Err(StoreError::UnsupportedUrl(_))
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let store = ferrocore_udr::open(path.to_str().unwrap()).await.unwrap();
    store.create(&subscriber(2)).await.unwrap();
    drop(store);
    let again = ferrocore_udr::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    assert_eq!(again.get(&supi(2)).await.unwrap(), subscriber(2));
}
