//! Waiting for one approval ([`Wait`]) and the polling schedule it shares with
//! [`wait_many`](super::wait_many).

use std::future::IntoFuture;
use std::time::Duration;

use tokio::time::Instant;

use super::{
    BoxFuture, DEFAULT_MAX_WAIT, FIRST_POLL_INTERVAL, MAX_POLL_INTERVAL, Outcome, read_approval,
};
use crate::backoff::{Backoff, OnPoll, PollProgress, pause};
use crate::types;
use crate::{Client, Error};

/// The polling schedule shared by [`Wait`] and [`wait_many`]. The intervals come from the
/// crate's one [`Backoff`].
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Polling {
    pub(super) max_wait: Duration,
    pub(super) first: Duration,
    pub(super) cap: Duration,
    pub(super) jitter: bool,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            max_wait: DEFAULT_MAX_WAIT,
            first: FIRST_POLL_INTERVAL,
            cap: MAX_POLL_INTERVAL,
            jitter: true,
        }
    }
}

impl Polling {
    /// The wait before poll `n` (from 1).
    pub(super) fn interval(&self, n: u32) -> Duration {
        Backoff::new(self.first, self.cap)
            .jitter(self.jitter)
            .delay(n.saturating_sub(1))
    }

    pub(super) fn start(&self) -> Deadline {
        let started = Instant::now();
        Deadline {
            started,
            at: started.checked_add(self.max_wait),
        }
    }
}

/// When a wait started and when it must stop.
pub(super) struct Deadline {
    started: Instant,
    /// `None` when `max_wait` is too large to represent (waits without a bound).
    at: Option<Instant>,
}

impl Deadline {
    pub(super) fn remaining(&self) -> Duration {
        self.at.map_or(Duration::MAX, |at| {
            at.saturating_duration_since(Instant::now())
        })
    }

    pub(super) fn waited(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Waits for one approval to leave `pending`; made by
/// [`WaitForApproval::wait`](super::WaitForApproval::wait). Awaiting it
/// polls `GET /approvals/{id}` after 2 s, 4 s, 8 s, ... up to 60 s between polls (each wait
/// randomised to between half and all of that), and ends with:
///
/// - `Ok(`[`Outcome`]`)` once the approval is confirmed, declined or expired;
/// - [`Error::ApprovalTimeout`] when `max_wait` (default one hour) ran out while
///   it was pending. The last poll happens at the deadline. A status this client does not
///   know counts as pending;
/// - the error of a poll that failed after the client's [`RetryPolicy`](crate::RetryPolicy) (polls are reads, so
///   transient failures are retried first).
///
/// Waiting only reads: no money request is ever sent again.
#[must_use = "a wait does nothing until awaited"]
#[derive(Debug)]
pub struct Wait<'a> {
    client: &'a Client,
    approval: types::Approval,
    polling: Polling,
    on_poll: OnPoll<'a>,
}

impl<'a> Wait<'a> {
    pub(super) fn new(client: &'a Client, approval: types::Approval) -> Self {
        Wait {
            client,
            approval,
            polling: Polling::default(),
            on_poll: OnPoll::none(),
        }
    }

    polling_setters!(
        "The longest time to wait (default one hour). At most this long after the wait started, \
         a still-pending approval ends the wait with [`Error::ApprovalTimeout`]."
    );

    /// Calls `progress` before each pause with the polls made, the time waited and the pause
    /// ahead (for a live status line; the wait itself is unchanged).
    ///
    /// ```no_run
    /// # use opentrain::approvals::WaitForApproval;
    /// # async fn demo(client: opentrain::Client, pending: opentrain::types::ApprovalPending) -> Result<(), opentrain::Error> {
    /// let outcome = pending
    ///     .wait(&client)
    ///     .on_poll(|p| eprintln!("waited {:?}, next poll in {:?}", p.waited, p.next_poll_in))
    ///     .await?;
    /// # let _ = outcome; Ok(()) }
    /// ```
    pub fn on_poll(mut self, progress: impl FnMut(PollProgress) + Send + 'a) -> Self {
        self.on_poll = OnPoll::new(progress);
        self
    }

    async fn run(self) -> Result<Outcome, Error> {
        let Wait {
            client,
            approval,
            polling,
            mut on_poll,
        } = self;
        let deadline = polling.start();
        let id = approval.id.clone();
        let mut current = approval;
        let mut poll = 1;
        loop {
            if let Ok(outcome) = Outcome::try_from(current) {
                return Ok(outcome);
            }
            let remaining = deadline.remaining();
            if remaining.is_zero() {
                return Err(Error::ApprovalTimeout {
                    approval_id: id,
                    waited: deadline.waited(),
                });
            }
            let next = polling.interval(poll).min(remaining);
            on_poll.report(PollProgress {
                polls: poll.saturating_sub(1),
                waited: deadline.waited(),
                next_poll_in: next,
            });
            pause(next).await;
            poll = poll.saturating_add(1);
            current = read_approval(client, &id).await?;
        }
    }
}

impl<'a> IntoFuture for Wait<'a> {
    type Output = Result<Outcome, Error>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
