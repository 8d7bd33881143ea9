//! Shared test harness: the same store suite runs against SQLite (a temporary file) and
//! against a real PostgreSQL named by `FERROCORE_TEST_PG_URL` (see `.ci/postgres`).

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ferrocore_udr::model::{Key128, OperatorKey, Subscriber, Supi};
use ferrocore_udr::store::{PgStore, SqliteStore, SubscriberStore};

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One test's database: open it, drop it (a "crash"), open it again.
pub struct Db {
    backend: Backend,
    _dir: Option<tempfile::TempDir>,
    url: String,
    schema: String,
}

impl Db {
    /// A fresh, empty database for `test`, or `None` if PostgreSQL is skipped explicitly.
    pub async fn fresh(backend: Backend, test: &str) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("subscribers.db").display());
                Some(Self {
                    backend,
                    _dir: Some(dir),
                    url,
                    schema: String::new(),
                })
            }
            Backend::Postgres => {
                let url = match std::env::var("FERROCORE_TEST_PG_URL") {
                    Ok(u) if !u.is_empty() => u,
                    _ if std::env::var("FERROCORE_SKIP_PG").as_deref() == Ok("1") => {
                        eprintln!("PostgreSQL skipped: FERROCORE_SKIP_PG=1");
                        return None;
                    }
                    _ => panic!(
                        "FERROCORE_TEST_PG_URL is not set: start a server with \
                         `export FERROCORE_TEST_PG_URL=$(bash .ci/postgres)`, or set FERROCORE_SKIP_PG=1 to skip PostgreSQL"
                    ),
                };
                static N: AtomicU32 = AtomicU32::new(0);
                let schema = format!(
                    "t_{test}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                );
                let admin = sqlx::PgPool::connect(&url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .execute(&admin)
                    .await
                    .expect("drop schema");
                admin.close().await;
                Some(Self {
                    backend,
                    _dir: None,
                    url,
                    schema,
                })
            }
        }
    }

    pub async fn open(&self) -> Arc<dyn SubscriberStore> {
        match self.backend {
            Backend::Sqlite => Arc::new(SqliteStore::open(&self.url).await.expect("open sqlite")),
            Backend::Postgres => Arc::new(
                PgStore::connect_in_schema(&self.url, &self.schema)
                    .await
                    .expect("open postgres"),
            ),
        }
    }
}

/// A fresh database for `test`, opened (keep the [`Db`]: it holds the SQLite file), or
/// `None` if PostgreSQL is skipped explicitly.
pub async fn fresh_store(backend: Backend, test: &str) -> Option<(Db, Arc<dyn SubscriberStore>)> {
    let db = Db::fresh(backend, test).await?;
    let store = db.open().await;
    Some((db, store))
}

pub fn supi(n: u64) -> Supi {
    Supi::parse(&format!("00101{n:010}")).unwrap()
}

pub fn subscriber(n: u64) -> Subscriber {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&n.to_be_bytes());
    Subscriber::new(
        supi(n),
        Key128::new(k),
        OperatorKey::Opc(Key128::new([0x5a; 16])),
    )
}
