//! How long a follower waits between polls of a caught-up feed: [`Backoff`], doubling from
//! an initial wait to a maximum and back to the initial wait whenever events arrive.

use std::time::Duration;

/// How long a follower waits between polls of a caught-up feed.
///
/// After a poll that brought events, the next poll of the (now caught-up) feed waits
/// [`initial`](Self::initial); every poll that finds nothing doubles the wait, up to
/// [`max`](Self::max). Default: 1 s, 2 s, 4 s, ... 30 s. The schedule is the crate's one
/// backoff computation ([`RetryPolicy`](crate::RetryPolicy)), without jitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(30))
    }
}

impl Backoff {
    /// Starts at `initial`, doubles up to `max` (a `max` below `initial` is raised to it).
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self {
            initial,
            max: max.max(initial),
        }
    }

    /// The same wait every time.
    pub fn fixed(every: Duration) -> Self {
        Self::new(every, every)
    }

    /// The first wait, and the wait after a poll that brought events.
    pub fn initial(&self) -> Duration {
        self.initial
    }

    /// The longest wait.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The wait before poll `n` (from 1) of a run of empty polls.
    pub(super) fn nth(&self, n: u32) -> Duration {
        crate::RetryPolicy::default()
            .initial_backoff(self.initial)
            .max_backoff(self.max)
            .jitter(false)
            .wait_before_next(n, None)
            .unwrap_or(self.max)
    }
}
