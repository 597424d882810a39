//! Waiting for many approvals with one feed: [`wait_many`].

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;

use crate::backoff::pause;
use crate::paging::Paginate;

use super::wait::Polling;
use super::{Outcome, WaitForApproval, read_approval};
use crate::types::{self, ApprovalStatus, EventType};
use crate::{Client, Error};

/// How [`wait_many`] waits.
///
/// ```
/// use std::time::Duration;
/// let options = opentrain::approvals::WaitManyOptions::default()
///     .start_at("1042")
///     .max_wait(Duration::from_secs(900));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct WaitManyOptions {
    polling: Polling,
    start_at: Option<String>,
}

impl WaitManyOptions {
    /// Reads the feed from this `/updates` cursor (the `nextCursor` you stored before making
    /// the money requests). Without one the feed is read from the start of the account's
    /// history.
    pub fn start_at(mut self, cursor: impl Into<String>) -> Self {
        self.start_at = Some(cursor.into());
        self
    }

    polling_setters!(
        "The longest time to wait (default one hour); approvals still pending then are \
         reported in [`ManyOutcomes::still_pending`]."
    );
}

/// What [`wait_many`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct ManyOutcomes {
    /// The outcome of every approval that left `pending`, by approval id.
    pub outcomes: BTreeMap<String, Outcome>,
    /// The ids still pending when `max_wait` ran out, in the order given.
    pub still_pending: Vec<String>,
    /// The `/updates` cursor after the last event read (the start cursor if none was read):
    /// store it to resume the feed from there.
    pub cursor: Option<String>,
    /// How long the wait lasted.
    pub waited: Duration,
}

impl ManyOutcomes {
    /// The outcome of one approval, if it resolved.
    pub fn get(&self, approval_id: &str) -> Option<&Outcome> {
        self.outcomes.get(approval_id)
    }

    /// Whether every approval resolved.
    pub fn is_complete(&self) -> bool {
        self.still_pending.is_empty()
    }

    /// Every outcome, or [`Error::ApprovalTimeout`] naming the first approval still pending.
    pub fn into_complete(self) -> Result<BTreeMap<String, Outcome>, Error> {
        match self.still_pending.into_iter().next() {
            None => Ok(self.outcomes),
            Some(approval_id) => Err(Error::ApprovalTimeout {
                approval_id,
                waited: self.waited,
            }),
        }
    }
}

/// Waits for many approvals with one feed: follows `GET /updates` (from
/// [`WaitManyOptions::start_at`]) for `approval.confirmed` events, which fire for every
/// terminal state, and re-reads each approval an event names (`GET /approvals/{id}`; event
/// payloads carry ids only) to report its [`Outcome`].
///
/// The feed is read at once, then again after 2 s, 4 s, ... up to 60 s. Approvals given
/// already resolved are reported without a request. When `max_wait` runs out, each approval
/// still pending is read once more (an unanswered approval past its `expiresAt` turns
/// `expired` only when read, so its event may never come otherwise); those still pending are
/// listed in [`ManyOutcomes::still_pending`]. A feed or read failure that outlasts the
/// client's retry policy ends the wait with that error. Only reads are sent.
///
/// ```no_run
/// # use std::time::Duration;
/// # use opentrain::approvals::{wait_many, WaitManyOptions};
/// # async fn demo(client: opentrain::Client, cursor: String) -> Result<(), opentrain::Error> {
/// let fund = client.fund_milestone().milestone_id("ms_1").send().await?;
/// let release = client.approve_milestone().milestone_id("ms_0").send().await?;
/// let done = wait_many(&client, [&fund, &release], WaitManyOptions::default().start_at(cursor)).await?;
/// for (id, outcome) in &done.outcomes {
///     println!("{id}: {}", outcome.status());
/// }
/// # Ok(()) }
/// ```
pub async fn wait_many<I>(
    client: &Client,
    approvals: I,
    options: WaitManyOptions,
) -> Result<ManyOutcomes, Error>
where
    I: IntoIterator,
    I::Item: WaitForApproval,
{
    let WaitManyOptions { polling, start_at } = options;
    let deadline = polling.start();
    let mut outcomes = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    for approval in approvals {
        let approval = approval.pending_approval();
        if outcomes.contains_key(&approval.id) || pending.contains(&approval.id) {
            continue;
        }
        match Outcome::try_from(approval.clone()) {
            Ok(outcome) => {
                outcomes.insert(approval.id.clone(), outcome);
            }
            Err(_) => pending.push(approval.id.clone()),
        }
    }

    let mut cursor = start_at;
    // Ids the feed says resolved; re-read until the read agrees (a lagging read stays here).
    let mut resolved_by_feed: Vec<String> = Vec::new();
    let mut poll = 1;
    while !pending.is_empty() {
        let mut feed = client.poll_updates().paginate();
        if let Some(c) = &cursor {
            feed = feed.start_at(c.clone());
        }
        let mut pages = feed.pages();
        while let Some(page) = pages.try_next().await? {
            if page.next_cursor.is_some() {
                cursor = page.next_cursor.clone();
            }
            for id in page.items.iter().filter_map(resolved_approval_id) {
                if pending.iter().any(|p| p == id) && !resolved_by_feed.iter().any(|r| r == id) {
                    resolved_by_feed.push(id.to_owned());
                }
            }
        }
        for id in std::mem::take(&mut resolved_by_feed) {
            if !settle(client, &id, &mut pending, &mut outcomes).await? {
                resolved_by_feed.push(id);
            }
        }
        if pending.is_empty() {
            break;
        }
        let remaining = deadline.remaining();
        if remaining.is_zero() {
            for id in pending.clone() {
                settle(client, &id, &mut pending, &mut outcomes).await?;
            }
            break;
        }
        pause(polling.interval(poll).min(remaining)).await;
        poll = poll.saturating_add(1);
    }
    Ok(ManyOutcomes {
        outcomes,
        still_pending: pending,
        cursor,
        waited: deadline.waited(),
    })
}

/// The approval an `approval.confirmed` event reports resolved, unless its `data.status`
/// says it is still `pending`.
pub(super) fn resolved_approval_id(event: &types::PlatformEvent) -> Option<&str> {
    if event.type_ != EventType::ApprovalConfirmed {
        return None;
    }
    let data = event.data.as_ref();
    if data
        .and_then(|d| d.status.as_deref())
        .is_some_and(|s| ApprovalStatus::from(s) == ApprovalStatus::Pending)
    {
        return None;
    }
    data.and_then(|d| d.approval_id.as_deref())
        .or(event.resource_id.as_deref())
}

/// Reads one approval; if it is terminal, moves it from `pending` to `outcomes`. Returns
/// whether it did.
async fn settle(
    client: &Client,
    id: &str,
    pending: &mut Vec<String>,
    outcomes: &mut BTreeMap<String, Outcome>,
) -> Result<bool, Error> {
    let approval = read_approval(client, id).await?;
    match Outcome::try_from(approval) {
        Ok(outcome) => {
            pending.retain(|p| p != id);
            outcomes.insert(id.to_owned(), outcome);
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}
