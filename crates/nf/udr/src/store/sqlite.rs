//! The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so that a
//! transaction that has returned survives a crash of the process or of the machine.
//!
//! Writers are serialised by SQLite itself: every write transaction starts with
//! `BEGIN IMMEDIATE`, taking the database's write lock before it reads, so two SQN
//! reservations can never read the same value. Waiting writers retry for up to 30 s.
//! SQN reservations, the write of every first authentication, are group-committed
//! ([`super::sqlite_sqn`]).

use std::ops::Range;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row as _, Sqlite};

use super::migrate::{CREATE_SCHEMA_TABLE, SQLITE};
use super::record::Row;
use super::sqlite_sqn::{self, SqnWriter};
use super::{IMPORT_BATCH_ROWS, Page, SubscriberStore, check_block, first_repeat};
use crate::error::StoreError;
use crate::model::{Subscriber, Supi, check_sqn};

const COLUMNS: &str = "supi, k, opc, op, amf, sqn, auth_method, msisdn, profile";

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
        let store = Self { pool, sqn };
        store.migrate().await?;
        Ok(store)
    }

    /// Waits for every connection to close (checkpoints the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(CREATE_SCHEMA_TABLE).execute(&mut *tx).await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM ferrocore_schema")
            .fetch_all(&mut *tx)
            .await?;
        for m in SQLITE.iter().filter(|m| !applied.contains(&m.version)) {
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO ferrocore_schema (version) VALUES (?)")
                .bind(m.version)
                .execute(&mut *tx)
                .await?;
            tracing::info!(version = m.version, "sqlite subscriber store migrated");
        }
        tx.commit().await?;
        Ok(())
    }

    async fn exists(&self, supi: &Supi) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE supi = ?")
            .bind(supi.imsi())
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// After a failed batch: the first SUPI of `rows` that is already stored.
    async fn first_existing(&self, rows: &[Row]) -> Result<Option<String>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT supi FROM subscribers WHERE supi IN (");
        let mut sep = q.separated(", ");
        for r in rows {
            sep.push_bind(r.supi.as_str());
        }
        q.push(") ORDER BY supi LIMIT 1");
        Ok(q.build_query_scalar().fetch_optional(&self.pool).await?)
    }
}

fn decode(row: &SqliteRow) -> Result<Subscriber, StoreError> {
    Row::into_subscriber(
        row.try_get("supi")?,
        row.try_get("k")?,
        row.try_get("opc")?,
        row.try_get("op")?,
        row.try_get("amf")?,
        row.try_get("sqn")?,
        row.try_get("auth_method")?,
        row.try_get("msisdn")?,
        row.try_get("profile")?,
    )
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

fn supi_of(imsi: &str) -> Supi {
    Supi::parse(imsi).unwrap_or_else(|_| unreachable!("only validated SUPIs are stored"))
}

#[async_trait]
impl SubscriberStore for SqliteStore {
    async fn create(&self, s: &Subscriber) -> Result<(), StoreError> {
        let r = Row::from_subscriber(s)?;
        let sql = format!("INSERT INTO subscribers ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        let res = sqlx::query(&sql)
            .bind(&r.supi)
            .bind(&r.k)
            .bind(&r.opc)
            .bind(&r.op)
            .bind(r.amf)
            .bind(r.sqn)
            .bind(r.auth_method)
            .bind(&r.msisdn)
            .bind(&r.profile)
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate(s.supi.clone())),
            Err(e) => Err(e.into()),
        }
    }

    async fn get(&self, supi: &Supi) -> Result<Subscriber, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM subscribers WHERE supi = ?");
        match sqlx::query(&sql)
            .bind(supi.imsi())
            .fetch_optional(&self.pool)
            .await?
        {
            Some(row) => decode(&row),
            None => Err(StoreError::NotFound(supi.clone())),
        }
    }

    async fn list(&self, after: Option<&Supi>, limit: u32) -> Result<Page, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM subscribers WHERE supi > ? ORDER BY supi LIMIT ?");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |s| s.imsi()))
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut subscribers = rows
            .iter()
            .take(limit as usize)
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let next = (rows.len() > limit as usize)
            .then(|| subscribers.last().map(|s| s.supi.clone()))
            .flatten();
        subscribers.shrink_to_fit();
        Ok(Page { subscribers, next })
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    async fn update(&self, s: &Subscriber) -> Result<(), StoreError> {
        let r = Row::from_subscriber(s)?;
        let done = sqlx::query(
            "UPDATE subscribers SET k = ?, opc = ?, op = ?, amf = ?, sqn = MAX(sqn, ?), \
             auth_method = ?, msisdn = ?, profile = ? WHERE supi = ?",
        )
        .bind(&r.k)
        .bind(&r.opc)
        .bind(&r.op)
        .bind(r.amf)
        .bind(r.sqn)
        .bind(r.auth_method)
        .bind(&r.msisdn)
        .bind(&r.profile)
        .bind(&r.supi)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(s.supi.clone()));
        }
        Ok(())
    }

    async fn delete(&self, supi: &Supi) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM subscribers WHERE supi = ?")
            .bind(supi.imsi())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(supi.clone()));
        }
        Ok(())
    }

    async fn import(&self, subscribers: &[Subscriber]) -> Result<u64, StoreError> {
        if let Some(dup) = first_repeat(subscribers) {
            return Err(StoreError::Duplicate(dup.clone()));
        }
        let rows = subscribers
            .iter()
            .map(Row::from_subscriber)
            .collect::<Result<Vec<_>, _>>()?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for chunk in rows.chunks(IMPORT_BATCH_ROWS) {
            let mut q =
                QueryBuilder::<Sqlite>::new(format!("INSERT INTO subscribers ({COLUMNS}) "));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.supi.as_str())
                    .push_bind(r.k.as_slice())
                    .push_bind(r.opc.as_deref())
                    .push_bind(r.op.as_deref())
                    .push_bind(r.amf)
                    .push_bind(r.sqn)
                    .push_bind(r.auth_method)
                    .push_bind(r.msisdn.as_deref())
                    .push_bind(r.profile.as_str());
            });
            if let Err(e) = q.build().execute(&mut *tx).await {
                tx.rollback().await?;
                if is_unique_violation(&e)
                    && let Some(imsi) = self.first_existing(chunk).await?
                {
                    return Err(StoreError::Duplicate(supi_of(&imsi)));
                }
                return Err(e.into());
            }
        }
        tx.commit().await?;
        tracing::info!(count = rows.len(), "subscribers imported");
        Ok(rows.len() as u64)
    }

    async fn reserve_sqn_block(&self, supi: &Supi, n: u64) -> Result<Range<u64>, StoreError> {
        check_block(n)?;
        match self.sqn.reserve(supi, None, n).await? {
            Some(end) => Ok(sqlite_sqn::block(end, n)),
            None if self.exists(supi).await? => Err(StoreError::SqnExhausted(supi.clone())),
            None => Err(StoreError::NotFound(supi.clone())),
        }
    }

    async fn reserve_sqn_block_at(
        &self,
        supi: &Supi,
        expected: u64,
        n: u64,
    ) -> Result<Option<Range<u64>>, StoreError> {
        check_block(n)?;
        match self.sqn.reserve(supi, Some(expected), n).await? {
            Some(end) => Ok(Some(sqlite_sqn::block(end, n))),
            None => super::sqn_not_reserved(self, supi, expected, n).await,
        }
    }

    async fn resync_sqn(&self, supi: &Supi, sqn_ms: u64) -> Result<(), StoreError> {
        check_sqn(sqn_ms)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let done = sqlx::query("UPDATE subscribers SET sqn = MAX(sqn, ?) WHERE supi = ?")
            .bind(sqn_ms as i64 + 1)
            .bind(supi.imsi())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(supi.clone()));
        }
        Ok(())
    }
}
