//! What the two SQL backends share, written once over sqlx's [`Database`]: the binding of
//! a [`Row`] and the decoding of a result row, the migrations, and the whole
//! [`SubscriberStore`] logic.
//!
//! A backend says only what differs ([`Dialect`]): its sqlx database, its SQL [`Syntax`],
//! how a write transaction begins, and how an SQN block is reserved (one
//! `UPDATE ... RETURNING` on PostgreSQL, the group-committing writer on SQLite).

use std::ops::Range;

use async_trait::async_trait;
use sqlx::query::Query;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Transaction, Type,
};

use super::migrate::CREATE_SCHEMA_TABLE;
use super::record::Row;
use super::statements::{Statements, Syntax};
use super::{IMPORT_BATCH_ROWS, Page, SubscriberStore, check_block, first_repeat};
use crate::error::StoreError;
use crate::model::{Subscriber, Supi, check_sqn};

type SqlQuery<'q, DB> = Query<'q, DB, <DB as Database>::Arguments<'q>>;

/// A sqlx database that can hold a [`Row`]: binds one and decodes one.
pub(super) trait SqlDb: Database {
    /// Binds the columns of `r` in the order of the table's columns.
    fn bind_row<'q>(q: SqlQuery<'q, Self>, r: &'q Row) -> SqlQuery<'q, Self>;

    /// Rebuilds a subscriber from a row of all the table's columns.
    fn decode(row: &Self::Row) -> Result<Subscriber, StoreError>;
}

impl<DB: Database> SqlDb for DB
where
    for<'q> &'q str: Encode<'q, DB> + Type<DB> + Decode<'q, DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB> + Decode<'q, DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<&'q [u8]>: Encode<'q, DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB> + Decode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB> + Decode<'q, DB>,
    for<'q> &'q str: ColumnIndex<DB::Row>,
{
    fn bind_row<'q>(q: SqlQuery<'q, Self>, r: &'q Row) -> SqlQuery<'q, Self> {
        q.bind(r.supi.as_str())
            .bind(r.k.as_slice())
            .bind(r.opc.as_deref())
            .bind(r.op.as_deref())
            .bind(r.amf)
            .bind(r.sqn)
            .bind(r.auth_method)
            .bind(r.msisdn.as_deref())
            .bind(r.profile.as_str())
    }

    fn decode(row: &Self::Row) -> Result<Subscriber, StoreError> {
        use sqlx::Row as _;
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
}

/// What one SQL backend does its own way.
#[async_trait]
pub(super) trait Dialect: Send + Sync {
    type Db: SqlDb;

    const SYNTAX: Syntax;

    fn statements(&self) -> &'static Statements {
        Self::SYNTAX.statements()
    }

    fn pool(&self) -> &Pool<Self::Db>;

    /// Begins a transaction that writes.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;

    /// Begins the transaction of a migration, which no other migration runs beside.
    async fn begin_migration(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error> {
        self.begin_write().await
    }

    /// How many rows a statement changed.
    fn rows_affected(done: &<Self::Db as Database>::QueryResult) -> u64;

    /// Adds `n` to the subscriber's SQN if it stays at most 2^48 (and, with `expected`,
    /// only if it is that), atomically and durably; the new SQN (the block's end), or `None`
    /// if no row changed.
    async fn advance_sqn(
        &self,
        supi: &Supi,
        expected: Option<u64>,
        n: u64,
    ) -> Result<Option<u64>, StoreError>;
}

/// `store`, once the migrations it has not applied yet are (each with its version row,
/// in one transaction).
pub(super) async fn migrated<D: Dialect>(store: D) -> Result<D, StoreError>
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    (i64,): for<'r> sqlx::FromRow<'r, <D::Db as Database>::Row>,
    i64: for<'q> Encode<'q, D::Db> + Type<D::Db>,
{
    let mut tx = store.begin_migration().await?;
    sqlx::query(CREATE_SCHEMA_TABLE).execute(&mut *tx).await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM ferrocore_schema")
        .fetch_all(&mut *tx)
        .await?;
    let pending = D::SYNTAX.migrations().iter();
    for m in pending.filter(|m| !applied.contains(&m.version)) {
        sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
        sqlx::query(&store.statements().record_migration)
            .bind(m.version)
            .execute(&mut *tx)
            .await?;
        tracing::info!(
            version = m.version,
            "{} subscriber store migrated",
            D::SYNTAX.name()
        );
    }
    tx.commit().await?;
    Ok(store)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

fn supi_of(imsi: &str) -> Supi {
    Supi::parse(imsi).unwrap_or_else(|_| unreachable!("only validated SUPIs are stored"))
}

/// `Ok` if a statement changed a row, else [`StoreError::NotFound`].
fn found<D: Dialect>(
    done: &<D::Db as Database>::QueryResult,
    supi: &Supi,
) -> Result<(), StoreError> {
    if D::rows_affected(done) == 0 {
        return Err(StoreError::NotFound(supi.clone()));
    }
    Ok(())
}

#[async_trait]
impl<D: Dialect> SubscriberStore for D
where
    for<'c> &'c mut <D::Db as Database>::Connection: Executor<'c, Database = D::Db>,
    for<'q> <D::Db as Database>::Arguments<'q>: IntoArguments<'q, D::Db>,
    (i64,): for<'r> sqlx::FromRow<'r, <D::Db as Database>::Row>,
    (String,): for<'r> sqlx::FromRow<'r, <D::Db as Database>::Row>,
    i64: for<'q> Encode<'q, D::Db> + Type<D::Db>,
    for<'q> &'q str: Encode<'q, D::Db> + Type<D::Db>,
{
    async fn create(&self, s: &Subscriber) -> Result<(), StoreError> {
        let r = Row::from_subscriber(s)?;
        let sql = self.statements().insert(1);
        let res = D::Db::bind_row(sqlx::query(&sql), &r)
            .execute(self.pool())
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Duplicate(s.supi.clone())),
            Err(e) => Err(e.into()),
        }
    }

    async fn get(&self, supi: &Supi) -> Result<Subscriber, StoreError> {
        match sqlx::query(&self.statements().get)
            .bind(supi.imsi())
            .fetch_optional(self.pool())
            .await?
        {
            Some(row) => D::Db::decode(&row),
            None => Err(StoreError::NotFound(supi.clone())),
        }
    }

    async fn list(&self, after: Option<&Supi>, limit: u32) -> Result<Page, StoreError> {
        let rows = sqlx::query(&self.statements().list)
            .bind(after.map_or("", |s| s.imsi()))
            .bind(i64::from(limit) + 1)
            .fetch_all(self.pool())
            .await?;
        let mut subscribers = rows
            .iter()
            .take(limit as usize)
            .map(D::Db::decode)
            .collect::<Result<Vec<_>, _>>()?;
        let next = (rows.len() > limit as usize)
            .then(|| subscribers.last().map(|s| s.supi.clone()))
            .flatten();
        subscribers.shrink_to_fit();
        Ok(Page { subscribers, next })
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers")
            .fetch_one(self.pool())
            .await?;
        Ok(n as u64)
    }

    async fn update(&self, s: &Subscriber) -> Result<(), StoreError> {
        let r = Row::from_subscriber(s)?;
        let done = D::Db::bind_row(sqlx::query(&self.statements().update), &r)
            .execute(self.pool())
            .await?;
        found::<D>(&done, &s.supi)
    }

    async fn delete(&self, supi: &Supi) -> Result<(), StoreError> {
        let done = sqlx::query(&self.statements().delete)
            .bind(supi.imsi())
            .execute(self.pool())
            .await?;
        found::<D>(&done, supi)
    }

    async fn import(&self, subscribers: &[Subscriber]) -> Result<u64, StoreError> {
        if let Some(dup) = first_repeat(subscribers) {
            return Err(StoreError::Duplicate(dup.clone()));
        }
        let rows = subscribers
            .iter()
            .map(Row::from_subscriber)
            .collect::<Result<Vec<_>, _>>()?;
        let sql = self.statements();
        let mut tx = self.begin_write().await?;
        for chunk in rows.chunks(IMPORT_BATCH_ROWS) {
            let insert = sql.insert(chunk.len());
            let q = chunk.iter().fold(sqlx::query(&insert), D::Db::bind_row);
            let Err(e) = q.execute(&mut *tx).await else {
                continue;
            };
            tx.rollback().await?;
            if is_unique_violation(&e) {
                let select = sql.first_existing(chunk.len());
                let stored: Option<String> = chunk
                    .iter()
                    .fold(sqlx::query_scalar(&select), |q, r| q.bind(r.supi.as_str()))
                    .fetch_optional(self.pool())
                    .await?;
                if let Some(imsi) = stored {
                    return Err(StoreError::Duplicate(supi_of(&imsi)));
                }
            }
            return Err(e.into());
        }
        tx.commit().await?;
        tracing::info!(count = rows.len(), "subscribers imported");
        Ok(rows.len() as u64)
    }

    async fn reserve_sqn_block(&self, supi: &Supi, n: u64) -> Result<Range<u64>, StoreError> {
        check_block(n)?;
        if let Some(end) = self.advance_sqn(supi, None, n).await? {
            return Ok(end - n..end);
        }
        let stored: i64 = sqlx::query_scalar(&self.statements().exists)
            .bind(supi.imsi())
            .fetch_one(self.pool())
            .await?;
        if stored > 0 {
            Err(StoreError::SqnExhausted(supi.clone()))
        } else {
            Err(StoreError::NotFound(supi.clone()))
        }
    }

    async fn reserve_sqn_block_at(
        &self,
        supi: &Supi,
        expected: u64,
        n: u64,
    ) -> Result<Option<Range<u64>>, StoreError> {
        check_block(n)?;
        match self.advance_sqn(supi, Some(expected), n).await? {
            Some(end) => Ok(Some(end - n..end)),
            None => super::sqn_not_reserved(self, supi, expected, n).await,
        }
    }

    async fn resync_sqn(&self, supi: &Supi, sqn_ms: u64) -> Result<(), StoreError> {
        check_sqn(sqn_ms)?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&self.statements().resync)
            .bind(sqn_ms as i64 + 1)
            .bind(supi.imsi())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        found::<D>(&done, supi)
    }
}
