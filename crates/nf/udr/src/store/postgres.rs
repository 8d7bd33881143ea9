//! The shared store for scale-out: PostgreSQL. Several UDR/UDM instances may use one
//! database; every SQN reservation is one atomic `UPDATE ... RETURNING`, which takes the
//! row lock, so reservations from any number of instances never overlap.

use std::ops::Range;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, QueryBuilder, Row as _};

use super::migrate::{CREATE_SCHEMA_TABLE, POSTGRES};
use super::record::Row;
use super::{IMPORT_BATCH_ROWS, Page, SubscriberStore, check_block, first_repeat};
use crate::error::StoreError;
use crate::model::{SQN_LIMIT, Subscriber, Supi, check_sqn};

const COLUMNS: &str = "supi, k, opc, op, amf, sqn, auth_method, msisdn, profile";

/// Key of the advisory lock that serialises concurrent migrations.
const MIGRATION_LOCK: i64 = 0x6665_7272_6f75_6472; // "ferroudr"

/// Subscribers in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `postgres://...` and migrates the schema if needed.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Like [`PgStore::connect`], but keeps the tables in the schema `schema` (created if
    /// missing; letters, digits and `_` only). Lets tests and tenants share a database.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        if schema.is_empty()
            || !schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::UnsupportedUrl(format!(
                "{url} (schema {schema:?})"
            )));
        }
        let opts = PgConnectOptions::from_str(url)?;
        let setup = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&setup)
            .await?;
        setup.close().await;
        Self::connect_with(opts.options([("search_path", schema)])).await
    }

    async fn connect_with(opts: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Waits for every connection to close.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query(CREATE_SCHEMA_TABLE).execute(&mut *tx).await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM ferrocore_schema")
            .fetch_all(&mut *tx)
            .await?;
        for m in POSTGRES.iter().filter(|m| !applied.contains(&m.version)) {
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO ferrocore_schema (version) VALUES ($1)")
                .bind(m.version)
                .execute(&mut *tx)
                .await?;
            tracing::info!(version = m.version, "postgres subscriber store migrated");
        }
        tx.commit().await?;
        Ok(())
    }

    async fn exists(&self, supi: &Supi) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE supi = $1")
            .bind(supi.imsi())
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// After a failed batch: the first SUPI of `rows` that is already stored.
    async fn first_existing(&self, rows: &[Row]) -> Result<Option<String>, StoreError> {
        let mut q = QueryBuilder::<Postgres>::new("SELECT supi FROM subscribers WHERE supi IN (");
        let mut sep = q.separated(", ");
        for r in rows {
            sep.push_bind(r.supi.as_str());
        }
        q.push(") ORDER BY supi LIMIT 1");
        Ok(q.build_query_scalar().fetch_optional(&self.pool).await?)
    }
}

fn decode(row: &PgRow) -> Result<Subscriber, StoreError> {
    let amf: i32 = row.try_get("amf")?;
    Row::into_subscriber(
        row.try_get("supi")?,
        row.try_get("k")?,
        row.try_get("opc")?,
        row.try_get("op")?,
        i64::from(amf),
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
impl SubscriberStore for PgStore {
    async fn create(&self, s: &Subscriber) -> Result<(), StoreError> {
        let r = Row::from_subscriber(s)?;
        let sql = format!(
            "INSERT INTO subscribers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
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
        let sql = format!("SELECT {COLUMNS} FROM subscribers WHERE supi = $1");
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
        let sql =
            format!("SELECT {COLUMNS} FROM subscribers WHERE supi > $1 ORDER BY supi LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", |s| s.imsi()))
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let subscribers = rows
            .iter()
            .take(limit as usize)
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let next = (rows.len() > limit as usize)
            .then(|| subscribers.last().map(|s| s.supi.clone()))
            .flatten();
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
            "UPDATE subscribers SET k = $1, opc = $2, op = $3, amf = $4, sqn = GREATEST(sqn, $5), \
             auth_method = $6, msisdn = $7, profile = $8 WHERE supi = $9",
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
        let done = sqlx::query("DELETE FROM subscribers WHERE supi = $1")
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
        let mut tx = self.pool.begin().await?;
        for chunk in rows.chunks(IMPORT_BATCH_ROWS) {
            let mut q =
                QueryBuilder::<Postgres>::new(format!("INSERT INTO subscribers ({COLUMNS}) "));
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
        let new: Option<i64> = sqlx::query_scalar(
            "UPDATE subscribers SET sqn = sqn + $1 WHERE supi = $2 AND sqn + $1 <= $3 RETURNING sqn",
        )
        .bind(n as i64)
        .bind(supi.imsi())
        .bind(SQN_LIMIT as i64)
        .fetch_optional(&self.pool)
        .await?;
        match new {
            Some(end) => Ok(end as u64 - n..end as u64),
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
        let new: Option<i64> = sqlx::query_scalar(
            "UPDATE subscribers SET sqn = sqn + $1 WHERE supi = $2 AND sqn = $4 AND sqn + $1 <= $3 RETURNING sqn",
        )
        .bind(n as i64)
        .bind(supi.imsi())
        .bind(SQN_LIMIT as i64)
        .bind(expected as i64)
        .fetch_optional(&self.pool)
        .await?;
        match new {
            Some(end) => Ok(Some(end as u64 - n..end as u64)),
            None => super::sqn_not_reserved(self, supi, expected, n).await,
        }
    }

    async fn resync_sqn(&self, supi: &Supi, sqn_ms: u64) -> Result<(), StoreError> {
        check_sqn(sqn_ms)?;
        let done = sqlx::query("UPDATE subscribers SET sqn = GREATEST(sqn, $1) WHERE supi = $2")
            .bind(sqn_ms as i64 + 1)
            .bind(supi.imsi())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(supi.clone()));
        }
        Ok(())
    }
}
