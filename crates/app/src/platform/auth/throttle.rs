//! Throttling of sign-in attempts, per account and per client address.
//!
//! Counts live in memory, in a fixed window per key. With several instances each keeps its
//! own counts, so the effective limit is the limit times the number of instances (see
//! docs/limitations.md).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: at most `attempts` in each `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Attempts allowed per window.
    pub attempts: u32,
    /// The window's length.
    pub window: Duration,
}

/// Failed sign-ins allowed per account: far below NIST's ceiling of 100, far above what a
/// person who mistypes reaches.
pub const PER_ACCOUNT: Limit = Limit {
    attempts: 10,
    window: Duration::from_secs(15 * 60),
};
/// Sign-in, sign-up and reset requests allowed per client address.
pub const PER_ADDRESS: Limit = Limit {
    attempts: 30,
    window: Duration::from_secs(5 * 60),
};

/// Keeps the recent attempts of each key.
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// Counts an attempt for the key and answers how long to wait if it is over the limit.
    pub fn hit(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        self.check_and_count(key, limit, true)
    }

    /// Whether the key is over its limit, without counting an attempt.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        self.check_and_count(key, limit, false)
    }

    /// Forgets a key, after a successful sign-in.
    pub fn reset(&self, key: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(key);
        }
    }

    fn check_and_count(&self, key: &str, limit: Limit, count: bool) -> Result<(), Duration> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        // Expired windows are dropped as they are met, and all at once when the map grows,
        // so a flood of distinct keys cannot grow memory without bound.
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.window);
        }

        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= limit.attempts {
            return Err(limit.window.saturating_sub(now.duration_since(entry.0)));
        }
        if count {
            entry.1 += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_over_the_limit_is_refused_with_a_wait() {
        let throttle = Throttle::default();
        let limit = Limit {
            attempts: 2,
            window: Duration::from_secs(60),
        };

        assert!(throttle.hit("a", limit).is_ok());
        assert!(throttle.hit("a", limit).is_ok());
        let wait = throttle.hit("a", limit).expect_err("third attempt refused");

        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
        assert!(
            throttle.hit("b", limit).is_ok(),
            "other keys are unaffected"
        );
        throttle.reset("a");
        assert!(throttle.check("a", limit).is_ok());
    }
}
