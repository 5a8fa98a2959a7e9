//! A value loaded from the database and kept for a short while.
//!
//! For reference data that pages read on almost every request and admins change rarely
//! (regions, topics). The instance that makes a change forgets its copy at once; other
//! instances see the change when their copy expires.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A cached value with a time to live.
pub struct Cached<T> {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<T>)>>,
}

impl<T> Cached<T> {
    /// An empty cache whose values live for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Cached {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached value, or a freshly loaded one when there is none or it expired.
    ///
    /// Two requests that miss at once both load; the later one's value wins. That costs a
    /// query, never a wrong answer, and keeps the lock out of the await.
    pub async fn get_or_load<E, F, Fut>(&self, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.fresh() {
            return Ok(value);
        }
        let value = Arc::new(load().await?);
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((Instant::now(), Arc::clone(&value)));
        }
        Ok(value)
    }

    /// Forgets the value, after a change.
    pub fn invalidate(&self) {
        if let Ok(mut slot) = self.slot.write() {
            *slot = None;
        }
    }

    fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.read().ok()?;
        let (loaded, value) = slot.as_ref()?;
        (loaded.elapsed() < self.ttl).then(|| Arc::clone(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_is_loaded_once_until_invalidated_or_expired() {
        let cache = Cached::new(Duration::from_secs(60));
        let mut loads = 0;

        for _ in 0..3 {
            let value = cache
                .get_or_load(|| {
                    loads += 1;
                    async { Ok::<_, ()>(7) }
                })
                .await;
            assert_eq!(value.map(|v| *v), Ok(7));
        }
        cache.invalidate();
        cache.get_or_load(|| async { Ok::<_, ()>(8) }).await.ok();

        assert_eq!(loads, 1);
        assert_eq!(cache.fresh().map(|v| *v), Some(8));
        let expired = Cached::new(Duration::ZERO);
        expired.get_or_load(|| async { Ok::<_, ()>(1) }).await.ok();
        assert!(expired.fresh().is_none());
    }
}
