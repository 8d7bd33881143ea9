//! The shared store for scale-out: PostgreSQL. Several UDR/UDM instances may use one
//! database; every SQN reservation is one atomic `UPDATE ... RETURNING`, which takes the
//! row lock, so reservations from any number of instances never overlap.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgQueryResult};
use sqlx::{Postgres, Transaction};

use super::sql::{self, Dialect};
use super::statements::Syntax;
use crate::error::StoreError;
use crate::model::{SQN_LIMIT, Supi};

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
        sql::migrated(Self { pool }).await
    }

    /// Waits for every connection to close.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Dialect for PgStore {
    type Db = Postgres;
    const SYNTAX: Syntax = Syntax::Postgres;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Takes the advisory lock that serialises migrations across instances.
    async fn begin_migration(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }

    /// One `UPDATE ... RETURNING`: its row lock orders concurrent reservations.
    async fn advance_sqn(
        &self,
        supi: &Supi,
        expected: Option<u64>,
        n: u64,
    ) -> Result<Option<u64>, StoreError> {
        let end: Option<i64> = sqlx::query_scalar(&Syntax::Postgres.statements().reserve)
            .bind(n as i64)
            .bind(supi.imsi())
            .bind(SQN_LIMIT as i64)
            .bind(expected.map(|e| e as i64))
            .fetch_optional(&self.pool)
            .await?;
        Ok(end.map(|e| e as u64))
    }
}
