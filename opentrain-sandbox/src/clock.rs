//! The sandbox clock: one notion of "now" for every timestamp and every time-based rule
//! (claim windows, poll intervals, approval expiry, daily publish limits, top-up expiry).
//!
//! It is the wall time at start plus the elapsed time of tokio's clock plus a manual offset.
//! Because it follows `tokio::time::Instant`, a test running with a paused tokio clock
//! (`#[tokio::test(start_paused = true)]`) moves the sandbox forward with `tokio::time::sleep`
//! and `tokio::time::advance`; [`Clock::advance`] moves it forward by hand on any runtime.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};

/// Shared, cheaply cloned clock.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    wall_base: DateTime<Utc>,
    instant_base: tokio::time::Instant,
    offset: Mutex<Duration>,
}

impl Clock {
    /// A clock that starts at the current wall time.
    pub(crate) fn new() -> Self {
        Self {
            inner: Arc::new(ClockInner {
                wall_base: Utc::now().trunc_subsecs(3),
                instant_base: tokio::time::Instant::now(),
                offset: Mutex::new(Duration::ZERO),
            }),
        }
    }

    /// Now, with millisecond precision (the API's timestamps carry milliseconds).
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let elapsed =
            tokio::time::Instant::now().saturating_duration_since(self.inner.instant_base);
        let offset = *self.inner.offset.lock().unwrap_or_else(|e| e.into_inner());
        let total = chrono::Duration::from_std(elapsed + offset).unwrap_or(chrono::TimeDelta::MAX);
        (self.inner.wall_base + total).trunc_subsecs(3)
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.inner.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}

/// `chrono::Duration` from whole seconds.
pub(crate) fn secs(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

/// `chrono::Duration` from whole hours.
pub(crate) fn hours(n: i64) -> chrono::Duration {
    chrono::Duration::hours(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn follows_the_paused_tokio_clock_and_manual_advances() {
        let clock = Clock::new();
        let start = clock.now();
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(clock.now() - start, secs(5));
        clock.advance(Duration::from_secs(3600));
        assert_eq!(clock.now() - start, secs(3605));
    }
}
