//! The one retry policy: which failures are retried, how often, and how long to wait between.
//!
//! It follows the official CLI and the documented idempotency rules: reads are retried on
//! 408/429/502/503/504 and on transport failures; a write is retried only when the server never
//! saw it (the connection failed) or the operation is documented idempotent (publish, close,
//! invite, start conversation; a draft create that carries an idempotency key is marked by its
//! caller). Waits grow exponentially with jitter up to a cap, and a server's
//! `details.retryAfterSeconds` / `Retry-After` is honoured. The daily publish limit is never
//! retried: nothing changes within its window.

use std::time::Duration;

use opentrain_gen::operations::Operation;

use crate::backoff::Backoff;
use crate::error::Error;

/// Operations the docs call idempotent: repeating them returns the first result
/// (`alreadyPublished`, `alreadyClosed`, `alreadyInvited`, `created: false`).
pub(crate) const IDEMPOTENT_WRITES: [&str; 4] =
    ["publishJob", "closeJob", "inviteToJob", "startConversation"];

/// Whether `request` of `operation` may be sent again after the server may have seen it: a
/// read, a documented idempotent write, or a draft create whose body carries an
/// `idempotencyKey` (top level or in `source`; the docs say a retry then returns the existing
/// draft). Money requests are none of these, so they are never repeated.
pub(crate) fn safe_to_repeat(operation: &Operation, request: &reqwest::Request) -> bool {
    if operation.is_read() || IDEMPOTENT_WRITES.contains(&operation.operation_id) {
        return true;
    }
    operation.operation_id == "createJobDraft"
        && request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
            .is_some_and(|body| {
                let keyed = |v: Option<&serde_json::Value>| {
                    v.and_then(serde_json::Value::as_str)
                        .is_some_and(|k| !k.is_empty())
                };
                keyed(body.get("idempotencyKey")) || keyed(body.pointer("/source/idempotencyKey"))
            })
}

/// How failed requests are retried.
///
/// ```
/// use std::time::Duration;
/// let policy = opentrain::RetryPolicy::default()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(200));
/// assert_eq!(policy.attempts(), 5);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff: Backoff,
    max_server_wait: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 500 ms doubling to at most 8 s, jitter on, and a server-requested wait of up
    /// to 60 s honoured (a longer one is returned to the caller instead of slept through).
    fn default() -> Self {
        Self {
            max_attempts: 3,
            backoff: Backoff::new(Duration::from_millis(500), Duration::from_secs(8)).jitter(true),
            max_server_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: one attempt.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.backoff = Backoff::new(wait, self.backoff.max()).jitter(self.backoff.has_jitter());
        self
    }

    /// The longest computed wait between attempts.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.backoff = Backoff::new(self.backoff.first(), wait).jitter(self.backoff.has_jitter());
        self
    }

    /// The longest server-requested wait (`retryAfterSeconds`, `Retry-After`) the client sleeps
    /// through; a longer request ends the retries and returns the error.
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// Whether waits are randomised (between half and all of the computed wait), so many clients
    /// do not retry in step. On by default.
    pub fn jitter(mut self, on: bool) -> Self {
        self.backoff = self.backoff.jitter(on);
        self
    }

    /// Total attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The schedule of waits between attempts.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// Whether a request that failed with `error` may be sent again, given what kind of
    /// operation it was. `safe_to_repeat` is true for reads and idempotent writes.
    pub(crate) fn should_retry(&self, error: &Error, safe_to_repeat: bool) -> bool {
        if error.never_reached_server() {
            return matches!(error, Error::Transport { .. });
        }
        if let Error::Api(api) = error
            && api.is_daily_limit()
        {
            return false;
        }
        safe_to_repeat && error.is_retryable()
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1): what the server asked
    /// for (`details.retryAfterSeconds` or a `Retry-After` header in seconds), else the
    /// [`backoff`](Self::backoff) schedule; `None` when the server asked for longer than
    /// [`RetryPolicy::max_server_wait`].
    pub(crate) fn wait_before_next(
        &self,
        attempt: u32,
        server_asked: Option<Duration>,
    ) -> Option<Duration> {
        if let Some(server) = server_asked {
            return (server <= self.max_server_wait).then_some(server);
        }
        Some(self.backoff.delay(attempt.saturating_sub(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, details: serde_json::Value) -> Error {
        let body = serde_json::json!({"error": "x", "code": "RATE_LIMITED", "details": details});
        Error::Api(Box::new(
            crate::error::ApiError::from_envelope(status, &body, None).expect("envelope"),
        ))
    }

    #[test]
    fn server_wait_is_honoured_up_to_the_limit() {
        let p = RetryPolicy::default().max_server_wait(Duration::from_secs(30));
        assert_eq!(
            p.wait_before_next(
                1,
                api(429, serde_json::json!({"retryAfterSeconds": 7})).retry_after()
            ),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            p.wait_before_next(
                1,
                api(429, serde_json::json!({"retryAfterSeconds": 31})).retry_after()
            ),
            None
        );
    }

    #[test]
    fn daily_publish_limit_is_never_retried() {
        let p = RetryPolicy::default();
        let e = api(429, serde_json::json!({"limit": 3, "windowHours": 24}));
        assert!(!p.should_retry(&e, true));
        assert!(p.should_retry(&api(429, serde_json::json!({})), true));
    }

    #[test]
    fn writes_the_server_may_have_seen_are_not_retried() {
        let p = RetryPolicy::default();
        assert!(!p.should_retry(&api(503, serde_json::json!({})), false));
        let never_sent = Error::Transport {
            connect: true,
            message: "refused".into(),
            source: None,
        };
        assert!(p.should_retry(&never_sent, false));
        let maybe_sent = Error::Transport {
            connect: false,
            message: "reset".into(),
            source: None,
        };
        assert!(!p.should_retry(&maybe_sent, false));
        assert!(p.should_retry(&maybe_sent, true));
    }
}
