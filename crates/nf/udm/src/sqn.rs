//! SQN management of the UDM (TS 33.102 §6.3.2, Annex C): blocks of SQNs reserved in the
//! UDR and handed out from memory.
//!
//! **Reservation over Nudr.** The UDR's `sequenceNumber.sqn` is the next SQN to hand out.
//! To reserve `n` SQNs the UDM sends the JSON Patch (RFC 6902, TS 29.505 §5.2.2.3.2)
//!
//! ```json
//! [{"op": "test",    "path": "/sequenceNumber/sqn", "value": "<current>"},
//!  {"op": "replace", "path": "/sequenceNumber/sqn", "value": "<current + n>"}]
//! ```
//!
//! which the UDR applies atomically; a failed `test` (another UDM instance got there
//! first) is answered 409 and the UDM re-reads and retries. The block is ours only once
//! the UDR has committed the new value, so no SQN is ever handed out twice: not to two
//! tasks, not to two UDM instances, not after a crash (a crash loses at most the unused
//! rest of a block, which the UE's window Δ absorbs).
//!
//! **Re-synchronisation** (TS 33.102 §6.3.5): after a verified AUTS the UDM drops its
//! in-memory block and sends `[{"op": "replace", "path": "/sequenceNumber/sqn", "value":
//! SQN_MS + 1}]`; the UDR raises its value to at least that (it never moves back), and
//! the next block starts above SQN_MS.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use ferrocore_sbi::SbiError;
use ferrocore_sbi::common::{PatchItem, PatchOperation};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::nudr_dr::DataRepositoryService;

use crate::credentials::{sqn_from_bytes, sqn_to_bytes};

/// The JSON pointer of the SQN in `AuthenticationSubscription`.
pub const SQN_PATH: &str = "/sequenceNumber/sqn";

/// How often a reservation is retried after a failed `test`.
const MAX_ATTEMPTS: usize = 32;

type Slot = Arc<tokio::sync::Mutex<Range<u64>>>;

/// Per-subscriber blocks of reserved SQNs.
pub struct SqnBlocks {
    block: u64,
    slots: Mutex<HashMap<String, Slot>>,
}

impl SqnBlocks {
    /// Blocks of `block` SQNs (at least 1).
    pub fn new(block: u64) -> Self {
        Self {
            block: block.max(1),
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, supi: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(supi.to_owned()).or_default().clone()
    }

    /// The next SQN for `supi`, reserving a new block in the UDR when the current one
    /// is used up. SQN 0 is never handed out (no USIM would accept it). `known_next` is the UDR's value if the caller has just read it.
    pub async fn next(
        &self,
        dr: &dyn DataRepositoryService,
        supi: &str,
        known_next: Option<u64>,
    ) -> Result<u64, SbiError> {
        let slot = self.slot(supi);
        let mut range = slot.lock().await;
        let mut known_next = known_next;
        loop {
            if range.is_empty() {
                *range = self.reserve(dr, supi, known_next.take()).await?;
            }
            let sqn = range.start;
            range.start += 1;
            // A new USIM starts with SQN_MS = 0 and accepts only larger SQNs.
            if sqn != 0 {
                return Ok(sqn);
            }
        }
    }

    /// Re-synchronisation to the UE's `sqn_ms`: forgets the in-memory block and raises
    /// the UDR's next SQN to at least `sqn_ms + 1`.
    pub async fn resync(
        &self,
        dr: &dyn DataRepositoryService,
        supi: &str,
        sqn_ms: u64,
    ) -> Result<(), SbiError> {
        let slot = self.slot(supi);
        let mut range = slot.lock().await;
        *range = 0..0;
        let patch = vec![item(PatchOperation::Replace, sqn_ms + 1)];
        if let Some(report) = dr.modify_authentication_subscription(supi, patch).await? {
            return Err(SbiError::system_failure(format!(
                "the UDR refused the SQN re-synchronisation: {report:?}"
            )));
        }
        Ok(())
    }

    async fn reserve(
        &self,
        dr: &dyn DataRepositoryService,
        supi: &str,
        mut known: Option<u64>,
    ) -> Result<Range<u64>, SbiError> {
        for attempt in 0..MAX_ATTEMPTS {
            let current = match known.take() {
                Some(c) => c,
                None => current_sqn(dr, supi).await?,
            };
            let end = current + self.block;
            let patch = vec![
                item(PatchOperation::Test, current),
                item(PatchOperation::Replace, end),
            ];
            match dr.modify_authentication_subscription(supi, patch).await {
                Ok(None) => {
                    tracing::debug!(supi, start = current, end, "reserved an SQN block");
                    return Ok(current..end);
                }
                Ok(Some(report)) => {
                    tracing::debug!(supi, attempt, ?report, "SQN reservation reported, retrying");
                }
                Err(e) if e.status == 409 || e.status == 412 => {
                    tracing::debug!(supi, attempt, "SQN changed under us, retrying");
                }
                Err(e) => return Err(e),
            }
        }
        Err(SbiError::system_failure(
            "could not reserve an SQN block: too much contention",
        ))
    }
}

async fn current_sqn(dr: &dyn DataRepositoryService, supi: &str) -> Result<u64, SbiError> {
    let sub = dr.query_authentication_subscription(supi).await?;
    sub.sequence_number
        .and_then(|s| s.sqn)
        .map(|h| sqn_from_bytes(&h.0))
        .ok_or_else(|| SbiError::system_failure("the authentication subscription has no SQN"))
}

fn item(op: PatchOperation, sqn: u64) -> PatchItem {
    PatchItem {
        op,
        path: SQN_PATH.to_owned(),
        from: None,
        value: Some(serde_json::Value::String(
            Hex::<6>(sqn_to_bytes(sqn)).to_string(),
        )),
    }
}
