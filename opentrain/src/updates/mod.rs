//! Following the account's event feed (`GET /updates`): typed events, a stored cursor, polling
//! with backoff, and at-least-once delivery.
//!
//! [`Client::follow_updates`] turns `GET /updates` (the `poll_updates` operation) into an
//! endless [`Stream`] of [`FeedEvent`]s, oldest first. It starts after the cursor kept in a
//! [`CursorStore`] ([`FileCursorStore`], [`MemoryCursorStore`] or your own), drains the feed
//! page by page, and when the feed is caught up polls it again after a [`crate::Backoff`] delay
//! (1 s doubling to 30 s by default, back to 1 s whenever events arrive).
//!
//! **At least once.** An event is yielded *before* its cursor is saved. Nothing is saved until
//! you call [`FeedEvent::commit`] (or save a [`Checkpoint`] yourself), so a crash between
//! receiving an event and committing it replays that event on the next start; it is never
//! skipped. Commit in the order events arrive, after the work is done, and make the work
//! idempotent (event [`id`](Event::id)s are unique, so they make good de-duplication keys).
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use opentrain::updates::FileCursorStore;
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
//! let store = FileCursorStore::new("/var/lib/my-agent/opentrain-updates.cursor");
//! let mut feed = client.follow_updates(store).page_size(100);
//! while let Some(item) = feed.try_next().await? {
//!     if let Some(proposal) = item.proposal_id() {
//!         println!("{}: proposal {proposal}", item.event_type());
//!     } else if let Some(approval) = item.approval_id() {
//!         println!("{}: approval {approval}", item.event_type());
//!     }
//!     // Only now is the event done. Crash before this line and it is delivered again.
//!     item.commit().await?;
//! }
//! # Ok(()) }
//! ```
//!
//! Payloads carry IDs only (the API never puts content in an event): fetch details from the
//! matching read endpoint. Every documented key of a payload is optional here, as in the spec;
//! an event type this version does not know arrives as [`EventData::Unknown`] with its record
//! kept whole in [`Event::raw`]. Webhook deliveries carry the same records; see
//! [`crate::webhooks`].

mod cursor;
mod events;
mod follow;

use crate::Backoff;

/// The follower's default idle schedule ([`Follow::backoff`] changes it): 1 s, 2 s, 4 s, ...
/// 30 s, without jitter. After a poll that brought events the next poll waits the schedule's
/// first wait; every poll that finds nothing doubles it, up to the maximum.
const FEED_BACKOFF: Backoff = Backoff::new(
    std::time::Duration::from_secs(1),
    std::time::Duration::from_secs(30),
);
pub use cursor::{Checkpoint, CursorStore, CursorStoreError, FileCursorStore, MemoryCursorStore};
pub use events::{
    ApprovalConfirmed, ContractBudgetStateChanged, ContractCreated, Event, EventData,
    MessageReceived, MilestoneStatusChanged, PaymentPending, ProposalReceived,
    ProposalStatusChanged,
};
pub use follow::{FeedEvent, Follow};

#[cfg(doc)]
use crate::Client;
#[cfg(doc)]
use futures::Stream;
