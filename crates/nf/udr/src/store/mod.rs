//! The subscriber store: one repository trait, [`SubscriberStore`], and its two
//! implementations, SQLite (embedded, the default) and PostgreSQL (shared, for scale-out).

mod migrate;
mod postgres;
mod record;
mod sql;
mod sqlite;
mod sqlite_sqn;
mod statements;

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::error::StoreError;
use crate::model::{Subscriber, Supi};

/// Largest SQN block one reservation may take (2^32). The UDM takes far smaller blocks:
/// a block must stay well below the UE's SQN window Δ (TS 33.102 Annex C.2.1, 2^28).
pub const MAX_SQN_BLOCK: u64 = 1 << 32;

/// Rows written per INSERT statement during a bulk import.
pub(crate) const IMPORT_BATCH_ROWS: usize = 500;

/// One page of [`SubscriberStore::list`], in SUPI order.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub subscribers: Vec<Subscriber>,
    /// Pass as `after` to get the next page; `None` when this was the last one.
    pub next: Option<Supi>,
}

/// Where subscriber data lives. Every method is atomic: it either happens whole or not at
/// all, and once it returns `Ok` it is durable (survives a process crash).
///
/// Object safe: hold it as `Arc<dyn SubscriberStore>` (see [`open`]).
#[async_trait]
pub trait SubscriberStore: Send + Sync {
    /// Adds a subscriber. [`StoreError::Duplicate`] if the SUPI is already there.
    async fn create(&self, subscriber: &Subscriber) -> Result<(), StoreError>;

    /// Reads a subscriber. [`StoreError::NotFound`] if unknown.
    async fn get(&self, supi: &Supi) -> Result<Subscriber, StoreError>;

    /// Up to `limit` subscribers with SUPI greater than `after` (from the start if `None`),
    /// in SUPI order.
    async fn list(&self, after: Option<&Supi>, limit: u32) -> Result<Page, StoreError>;

    /// How many subscribers there are.
    async fn count(&self) -> Result<u64, StoreError>;

    /// Replaces a subscriber's data. [`StoreError::NotFound`] if unknown. The stored SQN
    /// only ever moves forward: it becomes `max(stored, subscriber.sqn)`, so that an update
    /// never makes an already handed-out SQN reusable (to start a new SIM at a lower SQN,
    /// delete and create).
    async fn update(&self, subscriber: &Subscriber) -> Result<(), StoreError>;

    /// Removes a subscriber. [`StoreError::NotFound`] if unknown.
    async fn delete(&self, supi: &Supi) -> Result<(), StoreError>;

    /// Adds many subscribers in one transaction: all of them or none. Fails with
    /// [`StoreError::Duplicate`] naming a SUPI that exists already or appears twice.
    /// Returns how many were written.
    async fn import(&self, subscribers: &[Subscriber]) -> Result<u64, StoreError>;

    /// Reserves `n` consecutive SQNs for the UDM to hand out without touching the store:
    /// atomically advances the stored next-SQN by `n` and returns the reserved range
    /// `old..old + n`. Parallel reservations never overlap, and since the new value is
    /// committed before the range is returned, a crash afterwards loses at most the unused
    /// rest of the block, never reuses it. [`StoreError::SqnExhausted`] if the block would
    /// pass 2^48; [`StoreError::BadBlockSize`] unless `1 <= n <= MAX_SQN_BLOCK`.
    async fn reserve_sqn_block(&self, supi: &Supi, n: u64) -> Result<Range<u64>, StoreError>;

    /// Compare-and-set form of [`SubscriberStore::reserve_sqn_block`] (the Nudr JSON Patch
    /// `test` + `replace`): reserves `expected..expected + n` only if the stored next-SQN is
    /// still `expected`, atomically; `Ok(None)` when it has moved (nothing written).
    async fn reserve_sqn_block_at(
        &self,
        supi: &Supi,
        expected: u64,
        n: u64,
    ) -> Result<Option<Range<u64>>, StoreError>;

    /// Re-synchronisation after an AUTS (TS 33.102 §6.3.5): records the UE's `sqn_ms` so
    /// that the next block starts strictly above it. Never moves the stored SQN backwards.
    async fn resync_sqn(&self, supi: &Supi, sqn_ms: u64) -> Result<(), StoreError>;
}

/// Opens (and creates and migrates, where needed) the store a `--db` value names:
/// `postgres://...` or `postgresql://...` selects PostgreSQL; `sqlite::memory:`, `sqlite://PATH`,
/// `sqlite:PATH` or a plain file path selects SQLite.
pub async fn open(db: &str) -> Result<Arc<dyn SubscriberStore>, StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(db).await?))
    } else if db.starts_with("sqlite:") || !db.contains("://") {
        Ok(Arc::new(SqliteStore::open(db).await?))
    } else {
        Err(StoreError::UnsupportedUrl(db.to_owned()))
    }
}

/// Checks a block size.
pub(crate) fn check_block(n: u64) -> Result<(), StoreError> {
    if (1..=MAX_SQN_BLOCK).contains(&n) {
        Ok(())
    } else {
        Err(StoreError::BadBlockSize(n))
    }
}

/// Finds the first SUPI that appears twice in an import.
pub(crate) fn first_repeat(subscribers: &[Subscriber]) -> Option<&Supi> {
    let mut seen = std::collections::HashSet::with_capacity(subscribers.len());
    subscribers
        .iter()
        .map(|s| &s.supi)
        .find(|supi| !seen.insert(*supi))
}

/// Why a compare-and-set reservation changed nothing: the subscriber is unknown, the block
/// would pass 2^48, or the stored SQN has moved (`Ok(None)`).
async fn sqn_not_reserved<S: SubscriberStore + ?Sized>(
    store: &S,
    supi: &Supi,
    expected: u64,
    n: u64,
) -> Result<Option<Range<u64>>, StoreError> {
    let stored = store.get(supi).await?.sqn;
    if stored == expected && expected + n > crate::model::SQN_LIMIT {
        return Err(StoreError::SqnExhausted(supi.clone()));
    }
    Ok(None)
}
