//! Pending authentication contexts: XRES* and K_AUSF under an `authCtxId`, until the
//! confirmation arrives, the context expires, or room is needed for newer ones.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ferrocore_crypto::secret::Kausf;

/// One 5G AKA in progress (TS 33.501 §6.1.3.2.0 step 4: the AUSF stores XRES* and
/// K_AUSF). `Debug` is not implemented: it holds secrets.
pub(crate) struct AuthContext {
    pub(crate) supi: String,
    pub(crate) serving_network_name: String,
    pub(crate) xres_star: [u8; 16],
    pub(crate) kausf: Kausf,
    created: Instant,
}

impl AuthContext {
    pub(crate) fn new(
        supi: String,
        serving_network_name: String,
        xres_star: [u8; 16],
        kausf: Kausf,
    ) -> Self {
        Self {
            supi,
            serving_network_name,
            xres_star,
            kausf,
            created: Instant::now(),
        }
    }
}

struct Inner {
    by_id: HashMap<String, AuthContext>,
    /// Insertion order, for expiry and eviction (ids already taken are skipped).
    order: VecDeque<String>,
}

/// A bounded map of contexts with a time to live.
pub(crate) struct Contexts {
    max: usize,
    ttl: Duration,
    inner: Mutex<Inner>,
}

impl Contexts {
    pub(crate) fn new(max: usize, ttl: Duration) -> Self {
        Self {
            max: max.max(1),
            ttl,
            inner: Mutex::new(Inner {
                by_id: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `ctx` under `id`, dropping expired contexts and, when full, the oldest.
    pub(crate) fn insert(&self, id: String, ctx: AuthContext) {
        let mut inner = self.lock();
        let now = Instant::now();
        while let Some(front) = inner.order.front() {
            let expired = inner
                .by_id
                .get(front)
                .is_none_or(|c| now.duration_since(c.created) > self.ttl);
            if !expired && inner.by_id.len() < self.max {
                break;
            }
            if let Some(old) = inner.order.pop_front() {
                inner.by_id.remove(&old);
            }
        }
        if inner.order.len() > 2 * self.max {
            let Inner { by_id, order } = &mut *inner;
            order.retain(|id| by_id.contains_key(id));
        }
        inner.order.push_back(id.clone());
        inner.by_id.insert(id, ctx);
    }

    /// Takes the context out (a context confirms once); `None` if unknown or expired.
    pub(crate) fn take(&self, id: &str) -> Option<AuthContext> {
        let ctx = self.lock().by_id.remove(id)?;
        (ctx.created.elapsed() <= self.ttl).then_some(ctx)
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().by_id.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> AuthContext {
        AuthContext::new("imsi-1".into(), "snn".into(), [0; 16], Kausf::new([0; 32]))
    }

    #[test]
    fn bounded_and_one_shot() {
        let c = Contexts::new(2, Duration::from_secs(60));
        c.insert("a".into(), ctx());
        c.insert("b".into(), ctx());
        c.insert("c".into(), ctx());
        assert_eq!(c.len(), 2);
        assert!(c.take("a").is_none());
        assert!(c.take("b").is_some());
        assert!(c.take("b").is_none());
    }

    #[test]
    fn expired_contexts_are_refused() {
        let c = Contexts::new(10, Duration::ZERO);
        c.insert("a".into(), ctx());
        std::thread::sleep(Duration::from_millis(2));
        assert!(c.take("a").is_none());
    }
}
