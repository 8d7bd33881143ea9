//! The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so that a
//! transaction that has returned survives a crash of the process or of the machine.
//!
//! Writers are serialised by SQLite itself: every write transaction starts with
//! `BEGIN IMMEDIATE`, taking the database's write lock before it reads, so two SQN
//! reservations can never read the same value. Waiting writers retry for up to 30 s.
//! SQN reservations, the write of every first authentication, are group-committed
//! ([`super::sqlite_sqn`]).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::sql::{self, Dialect};
use super::sqlite_sqn::SqnWriter;
use super::statements::Syntax;
use crate::error::StoreError;
use crate::model::Supi;

/// Subscribers in a SQLite database file (or in memory, for tests).
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    sqn: SqnWriter,
}

impl SqliteStore {
    /// Opens `sqlite::memory:`, `sqlite://PATH`, `sqlite:PATH` or a plain path; a file is
    /// created and migrated if needed.
    pub async fn open(db: &str) -> Result<Self, StoreError> {
        let memory = matches!(db, "sqlite::memory:" | "sqlite://:memory:" | ":memory:");
        let opts = if memory {
            SqliteConnectOptions::from_str("sqlite::memory:")?
                .journal_mode(SqliteJournalMode::Memory)
        } else {
            let path = db
                .strip_prefix("sqlite://")
                .or_else(|| db.strip_prefix("sqlite:"))
                .unwrap_or(db);
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
        };
        let opts = opts
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30));
        // An in-memory database lives as long as its one connection: keep it forever.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            .connect_with(opts)
            .await?;
        let sqn = SqnWriter::spawn(pool.clone());
        sql::migrated(Self { pool, sqn }).await
    }

    /// Waits for every connection to close (checkpoints the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Dialect for SqliteStore {
    type Db = Sqlite;
    const SYNTAX: Syntax = Syntax::Sqlite;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// `BEGIN IMMEDIATE`: takes the write lock before the transaction reads.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    /// Group-committed by the SQN writer.
    async fn advance_sqn(
        &self,
        supi: &Supi,
        expected: Option<u64>,
        n: u64,
    ) -> Result<Option<u64>, StoreError> {
        self.sqn.reserve(supi, expected, n).await
    }
}
