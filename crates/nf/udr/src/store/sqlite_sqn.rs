//! Group commit of SQN reservations on SQLite.
//!
//! Every new subscriber's first authentication reserves an SQN block, and with
//! `synchronous = FULL` each commit waits for the disk. Reservations that arrive while one
//! commit is in flight are therefore queued and applied together in the next transaction:
//! one `BEGIN IMMEDIATE ... COMMIT` (one disk flush) for up to [`MAX_BATCH`] of them. Each
//! caller still gets its answer only after the commit that holds its reservation has
//! returned, so durability is unchanged.

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::statements::Syntax;
use crate::error::StoreError;
use crate::model::{SQN_LIMIT, Supi};

/// Reservations applied in one transaction at most.
pub(super) const MAX_BATCH: usize = 512;

/// The end of the reserved block, `None` when the subscriber is unknown or exhausted.
type Reply = oneshot::Sender<Result<Option<u64>, String>>;

struct Job {
    supi: String,
    /// Compare-and-set: only if the stored next-SQN is this.
    expected: Option<u64>,
    n: u64,
    reply: Reply,
}

/// A handle on the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub(super) struct SqnWriter {
    jobs: mpsc::Sender<Job>,
}

impl SqnWriter {
    /// Starts the writer task on the current tokio runtime.
    pub(super) fn spawn(pool: SqlitePool) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, rx));
        Self { jobs }
    }

    /// Adds `n` to the subscriber's SQN if it stays below the limit (and, with
    /// `expected`, only if it equals that); the new value (the block's end), or `None` if
    /// no row changed.
    pub(super) async fn reserve(
        &self,
        supi: &Supi,
        expected: Option<u64>,
        n: u64,
    ) -> Result<Option<u64>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            supi: supi.imsi().to_string(),
            expected,
            n,
            reply,
        };
        self.jobs.send(job).await.map_err(|_| closed())?;
        answer
            .await
            .map_err(|_| closed())?
            .map_err(StoreError::Backend)
    }
}

fn closed() -> StoreError {
    StoreError::Backend("the SQN writer has stopped".into())
}

async fn run(pool: SqlitePool, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match apply(&pool, &batch).await {
            Ok(ends) => {
                for (job, end) in batch.drain(..).zip(ends) {
                    let _ = job.reply.send(Ok(end));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(message.clone()));
                }
            }
        }
    }
}

/// One transaction for the whole batch; nothing of it is visible unless all of it commits.
async fn apply(pool: &SqlitePool, batch: &[Job]) -> Result<Vec<Option<u64>>, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut ends = Vec::with_capacity(batch.len());
    for job in batch {
        let end: Option<i64> = sqlx::query_scalar(&Syntax::Sqlite.statements().reserve)
            .bind(job.n as i64)
            .bind(&job.supi)
            .bind(SQN_LIMIT as i64)
            .bind(job.expected.map(|e| e as i64))
            .fetch_optional(&mut *tx)
            .await?;
        ends.push(end.map(|e| e as u64));
    }
    tx.commit().await?;
    Ok(ends)
}
