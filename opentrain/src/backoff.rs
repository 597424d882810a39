//! The one polling engine: [`Backoff`], the schedule of every wait the crate makes, and
//! [`pause_until`], the one place it sleeps.
//!
//! Request retries ([`RetryPolicy`](crate::RetryPolicy)), the claim poll, approval waits,
//! `wait_many`, the `/updates` follower and the `/jobs/changes` follower all compute their next
//! wait with a [`Backoff`] and sleep through [`pause`] / [`pause_until`], on tokio's clock (so
//! tests run them on a paused clock without sleeping for real).

use std::time::Duration;

use tokio::time::Instant;

/// A schedule of waits: the first wait, multiplied by `factor` after each step, capped at a
/// maximum, optionally randomised.
///
/// ```
/// use std::time::Duration;
/// use opentrain::Backoff;
///
/// let approvals = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
/// let waits: Vec<u64> = (0..7).map(|step| approvals.delay(step).as_secs()).collect();
/// assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
///
/// let claim = Backoff::fixed(Duration::from_secs(5));
/// assert_eq!(claim.delay(3), Duration::from_secs(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    factor: u32,
    jitter: bool,
}

impl Backoff {
    /// Starts at `first` and doubles after each step up to `max` (a `max` below `first` is
    /// raised to it). No jitter.
    pub const fn new(first: Duration, max: Duration) -> Self {
        let max = if max.as_nanos() < first.as_nanos() {
            first
        } else {
            max
        };
        Self {
            first,
            max,
            factor: 2,
            jitter: false,
        }
    }

    /// The same wait at every step.
    pub const fn fixed(every: Duration) -> Self {
        Self {
            first: every,
            max: every,
            factor: 1,
            jitter: false,
        }
    }

    /// Whether each wait is randomised between half and all of its computed length, so many
    /// clients do not poll in step.
    #[must_use]
    pub const fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The same schedule with `by` added to the first wait and the cap (the claim poll's
    /// `slow_down`: "increase the interval by 5 seconds").
    #[must_use]
    pub(crate) fn lengthen(mut self, by: Duration) -> Self {
        self.first = self.first.saturating_add(by);
        self.max = self.max.saturating_add(by).max(self.first);
        self
    }

    /// The first wait.
    pub const fn first(&self) -> Duration {
        self.first
    }

    /// The longest wait.
    pub const fn max(&self) -> Duration {
        self.max
    }

    /// Whether waits are randomised.
    pub const fn has_jitter(&self) -> bool {
        self.jitter
    }

    /// The wait at `step` (0 for the first wait): `first × factorˢᵗᵉᵖ`, capped at the maximum,
    /// then, with jitter, a random length between half of it and all of it.
    pub fn delay(&self, step: u32) -> Duration {
        let grown = self
            .first
            .saturating_mul(self.factor.saturating_pow(step.min(32)));
        let capped = grown.min(self.max);
        if self.jitter {
            capped.mul_f64(0.5 + 0.5 * unit_random())
        } else {
            capped
        }
    }
}

/// A random `u64`, for the jitter of waits and the names of scratch files (never for a
/// secret). std's `RandomState` is seeded from the operating system's randomness once per
/// thread and moves on with every `new`; a counter makes two calls differ even on one thread.
/// It saves a random-number crate in every consumer's build.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// A random number in `[0, 1)`, from the 53 high bits of [`random_u64`].
fn unit_random() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// What a wait knows just before it pauses, handed to the waits' progress hooks
/// ([`Wait::on_poll`](crate::approvals::Wait::on_poll),
/// [`ClaimCeremony::wait_with_progress`](crate::agent::ClaimCeremony::wait_with_progress)) so a
/// front end can show a live status without running a poll loop of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollProgress {
    /// Polls made so far.
    pub polls: u32,
    /// How long the wait has lasted.
    pub waited: std::time::Duration,
    /// The pause before the next poll.
    pub next_poll_in: std::time::Duration,
}

/// A wait's progress hook (boxed, so the waits stay one type).
pub(crate) struct OnPoll<'a>(Option<Box<dyn FnMut(PollProgress) + Send + 'a>>);

impl<'a> OnPoll<'a> {
    pub(crate) fn none() -> Self {
        Self(None)
    }

    pub(crate) fn new(f: impl FnMut(PollProgress) + Send + 'a) -> Self {
        Self(Some(Box::new(f)))
    }

    pub(crate) fn report(&mut self, progress: PollProgress) {
        if let Some(f) = self.0.as_mut() {
            f(progress);
        }
    }
}

impl std::fmt::Debug for OnPoll<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "OnPoll(set)"
        } else {
            "OnPoll(none)"
        })
    }
}

/// Sleeps for `wait` on tokio's clock.
pub(crate) async fn pause(wait: Duration) {
    pause_until(Instant::now() + wait).await;
}

/// Sleeps until `at` on tokio's clock: the one place the crate sleeps.
pub(crate) async fn pause_until(at: Instant) {
    tokio::time::sleep_until(at).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_stops_at_the_cap() {
        let b = Backoff::new(Duration::from_millis(500), Duration::from_secs(2));
        let waits: Vec<_> = (0..4).map(|s| b.delay(s)).collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 2000].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_wait() {
        let b = Backoff::new(Duration::from_secs(4), Duration::from_secs(4)).jitter(true);
        for _ in 0..200 {
            let w = b.delay(0);
            assert!(
                w >= Duration::from_secs(2) && w <= Duration::from_secs(4),
                "{w:?}"
            );
        }
    }

    #[test]
    fn a_fixed_schedule_lengthened_twice_waits_ten_seconds_more() {
        let b = Backoff::fixed(Duration::from_secs(5))
            .lengthen(Duration::from_secs(5))
            .lengthen(Duration::from_secs(5));
        assert_eq!(b.delay(0), Duration::from_secs(15));
        assert_eq!(b.delay(9), Duration::from_secs(15));
    }

    #[test]
    fn huge_steps_saturate_instead_of_overflowing() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn pause_waits_on_the_tokio_clock() {
        let start = Instant::now();
        pause(Duration::from_secs(90)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(90));
    }
}
