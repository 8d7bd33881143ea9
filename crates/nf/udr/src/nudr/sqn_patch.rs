//! The one modification the UDR accepts on `authentication-subscription`: the SQN
//! (TS 29.505 §5.2.2.3.2, JSON Patch of RFC 6902 applied atomically).
//!
//! Two shapes, each mapped onto the store's atomic SQN operations:
//!
//! - **Block reservation** (compare-and-set):
//!   `[{test /sequenceNumber/sqn = c}, {replace /sequenceNumber/sqn = c + n}]`.
//!   The UDR advances the stored next SQN from `c` to `c + n` with
//!   [`SubscriberStore::reserve_sqn_block_at`], one atomic, durable compare-and-set. If
//!   the stored value is no longer `c` nothing is written and it answers **409 Conflict**
//!   (problem+json, cause `MODIFICATION_NOT_ALLOWED`, detail naming the failed test); the
//!   UDM re-reads and retries. SQNs stay unique and none is skipped.
//! - **Re-synchronisation floor**: `[{replace /sequenceNumber/sqn = v}]` without `test`
//!   raises the stored value to at least `v` ([`SubscriberStore::resync_sqn`] with
//!   `v - 1`); the SQN never moves backwards, so a lower `v` changes nothing.
//!
//! A lone `test` only checks. Anything else (another path or operation, a decreasing
//! replace after a test) is 403 `MODIFICATION_NOT_ALLOWED`.

use ferrocore_sbi::common::{PatchItem, PatchOperation};
use ferrocore_sbi::hex::Hex;
use ferrocore_sbi::{SbiError, cause};

use super::store_error;
use crate::model::{SQN_LIMIT, Supi};
use crate::store::{MAX_SQN_BLOCK, SubscriberStore};

/// The JSON pointer of the SQN.
pub const SQN_PATH: &str = "/sequenceNumber/sqn";

/// A parsed SQN patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqnChange {
    /// `test c` then `replace to`: reserve `c..to`.
    Reserve { expected: u64, to: u64 },
    /// `replace v` alone: raise to at least `v`.
    Floor(u64),
    /// `test c` alone.
    Check(u64),
}

impl SqnChange {
    /// Reads the patch; 403 `MODIFICATION_NOT_ALLOWED` for anything but the shapes above,
    /// 400 `MANDATORY_IE_INCORRECT` for a value that is not 12 hex digits.
    pub fn parse(patch: &[PatchItem]) -> Result<Self, SbiError> {
        let values = patch
            .iter()
            .enumerate()
            .map(|(i, item)| {
                if item.path != SQN_PATH {
                    return Err(not_allowed(format!("only {SQN_PATH} may be modified")));
                }
                Ok((item.op.clone(), sqn_value(i, item)?))
            })
            .collect::<Result<Vec<_>, _>>()?;
        match values[..] {
            [
                (PatchOperation::Test, expected),
                (PatchOperation::Replace, to),
            ] if to >= expected => Ok(Self::Reserve { expected, to }),
            [(PatchOperation::Replace, v)] => Ok(Self::Floor(v)),
            [(PatchOperation::Test, v)] => Ok(Self::Check(v)),
            _ => Err(not_allowed(format!(
                "{SQN_PATH} accepts [test, replace upwards], [replace] or [test]"
            ))),
        }
    }

    /// Applies the change to `supi` in `store`.
    pub async fn apply(self, store: &dyn SubscriberStore, supi: &Supi) -> Result<(), SbiError> {
        match self {
            Self::Check(expected) => check(store, supi, expected).await.map(|_| ()),
            Self::Floor(v) => {
                if v > 0 {
                    store.resync_sqn(supi, v - 1).await.map_err(store_error)?;
                }
                Ok(())
            }
            Self::Reserve { expected, to } => {
                let n = to - expected;
                if n == 0 {
                    return check(store, supi, expected).await.map(|_| ());
                }
                if n > MAX_SQN_BLOCK {
                    return Err(not_allowed(format!(
                        "an SQN step of {n} is larger than {MAX_SQN_BLOCK}"
                    )));
                }
                match store
                    .reserve_sqn_block_at(supi, expected, n)
                    .await
                    .map_err(store_error)?
                {
                    Some(_) => Ok(()),
                    // The `test` failed and nothing was written: report what is stored.
                    None => match check(store, supi, expected).await {
                        Err(e) => Err(e),
                        Ok(stored) => Err(conflict(expected, stored)),
                    },
                }
            }
        }
    }
}

async fn check(store: &dyn SubscriberStore, supi: &Supi, expected: u64) -> Result<u64, SbiError> {
    let stored = store.get(supi).await.map_err(store_error)?.sqn;
    if stored == expected {
        Ok(stored)
    } else {
        Err(conflict(expected, stored))
    }
}

fn sqn_value(i: usize, item: &PatchItem) -> Result<u64, SbiError> {
    let param = format!("/{i}/value");
    let s = item
        .value
        .as_ref()
        .and_then(|v| v.as_str())
        .ok_or_else(|| SbiError::mandatory_ie_incorrect(&param, "an SQN: 12 hex digits"))?;
    let h = Hex::<6>::parse(s).map_err(|e| SbiError::mandatory_ie_incorrect(&param, e))?;
    let v = h.0.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    debug_assert!(v < SQN_LIMIT);
    Ok(v)
}

fn not_allowed(detail: String) -> SbiError {
    SbiError::modification_not_allowed(detail)
}

/// 409: the `test` failed; the caller should re-read and retry.
fn conflict(expected: u64, stored: u64) -> SbiError {
    SbiError::new(
        409,
        cause::MODIFICATION_NOT_ALLOWED,
        format!("test failed: {SQN_PATH} is {stored:012x}, not {expected:012x}"),
    )
    .with_invalid_param("/0", Some("test failed".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(op: PatchOperation, path: &str, v: &str) -> PatchItem {
        PatchItem {
            op,
            path: path.to_owned(),
            from: None,
            value: Some(serde_json::Value::String(v.to_owned())),
        }
    }

    #[test]
    fn shapes() {
        let t = |v| item(PatchOperation::Test, SQN_PATH, v);
        let r = |v| item(PatchOperation::Replace, SQN_PATH, v);
        assert_eq!(
            SqnChange::parse(&[t("000000000010"), r("000000000030")]).unwrap(),
            SqnChange::Reserve {
                expected: 16,
                to: 48
            }
        );
        assert_eq!(
            SqnChange::parse(&[r("0000000000ff")]).unwrap(),
            SqnChange::Floor(255)
        );
        assert_eq!(
            SqnChange::parse(&[t("000000000030"), r("000000000010")])
                .unwrap_err()
                .status,
            403
        );
        let other = item(PatchOperation::Replace, "/encPermanentKey", "000000000000");
        assert_eq!(SqnChange::parse(&[other]).unwrap_err().status, 403);
        assert_eq!(SqnChange::parse(&[r("12")]).unwrap_err().status, 400);
    }

    #[tokio::test]
    async fn compare_and_set_against_the_store() {
        use crate::model::{Key128, OperatorKey, Subscriber};
        let store = crate::store::open("sqlite::memory:").await.unwrap();
        let supi = Supi::parse("001010000000001").unwrap();
        let mut sub = Subscriber::new(
            supi.clone(),
            Key128::new([1; 16]),
            OperatorKey::Opc(Key128::new([2; 16])),
        );
        sub.sqn = 16;
        store.create(&sub).await.unwrap();
        let reserve = |expected, to| SqnChange::Reserve { expected, to };
        reserve(16, 48).apply(&*store, &supi).await.unwrap();
        assert_eq!(store.get(&supi).await.unwrap().sqn, 48);
        // A stale test: 409, nothing written.
        let e = reserve(16, 48).apply(&*store, &supi).await.unwrap_err();
        assert_eq!(e.status, 409);
        assert_eq!(store.get(&supi).await.unwrap().sqn, 48);
        // Floors never move the SQN back.
        SqnChange::Floor(10).apply(&*store, &supi).await.unwrap();
        assert_eq!(store.get(&supi).await.unwrap().sqn, 48);
        SqnChange::Floor(1000).apply(&*store, &supi).await.unwrap();
        assert_eq!(store.get(&supi).await.unwrap().sqn, 1000);
        let unknown = Supi::parse("001019999999999").unwrap();
        let e = reserve(0, 8).apply(&*store, &unknown).await.unwrap_err();
        assert_eq!(e.status, 404);
    }
}
