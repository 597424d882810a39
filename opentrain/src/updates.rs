//! Following the account's event feed (`GET /updates`): typed events, a stored cursor, polling
//! with backoff, and at-least-once delivery.
//!
//! [`Paginator::follow`] turns the `/updates` paginator of [`Client::updates`] into an endless
//! [`Stream`] of [`FeedEvent`]s, oldest first. It starts after the cursor kept in a
//! [`CursorStore`] ([`FileCursorStore`], [`MemoryCursorStore`] or your own), drains the feed
//! page by page, and when the feed is caught up polls it again after a [`Backoff`] delay
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
//! use opentrain::updates::{EventData, FileCursorStore};
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), opentrain::updates::FollowError> {
//! let store = FileCursorStore::new("/var/lib/my-agent/opentrain-updates.cursor");
//! let mut feed = client.updates().limit(100).follow(store);
//! while let Some(item) = feed.try_next().await? {
//!     match &item.data {
//!         EventData::ProposalReceived(p) => println!("new proposal {:?}", p.proposal_id),
//!         EventData::ApprovalConfirmed(a) => println!("approval {:?}: {:?}", a.approval_id, a.status),
//!         other => println!("{} {other:?}", item.event_type()),
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

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::io;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};

use crate::paging::Paginator;
use crate::types::{
    ApprovalStatus, ContractBudgetState, ContractPaymentType, EventType, PlatformEvent,
    PlatformEventData, ProposalStatus,
};
use crate::{Client, Error};

// ---------------------------------------------------------------------------------------------
// Typed events
// ---------------------------------------------------------------------------------------------

/// One event record (from `/updates` or a webhook delivery) with its payload typed by `type`.
///
/// The record as received stays in [`raw`](Self::raw), so nothing the typed view leaves out
/// is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The payload, typed by the event's `type`.
    pub data: EventData,
    /// The record as received.
    pub raw: PlatformEvent,
}

impl Event {
    /// Types a record. Never fails: an unknown type becomes [`EventData::Unknown`], a missing
    /// payload an all-`None` one.
    pub fn from_raw(raw: PlatformEvent) -> Self {
        let data = EventData::from_parts(&raw.type_, raw.data.as_ref());
        Self { data, raw }
    }

    /// The event ID (a numeric value sent as a string, e.g. `"1042"`); it is also the `/updates`
    /// cursor that resumes right after this event.
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// The event type (an open enum: unknown types are kept as `EventType::Unknown`).
    pub fn event_type(&self) -> &EventType {
        &self.raw.type_
    }

    /// When the event happened, if sent.
    pub fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.raw.created_at
    }

    /// The ID of the event's main resource (proposal, approval, ...), if sent.
    pub fn resource_id(&self) -> Option<&str> {
        self.raw.resource_id.as_deref()
    }

    /// The related job, if sent.
    pub fn job_id(&self) -> Option<&str> {
        self.raw.job_id.as_deref()
    }

    /// The position right after this event, to save once it is handled.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            cursor: self.raw.id.clone(),
        }
    }
}

impl From<PlatformEvent> for Event {
    fn from(raw: PlatformEvent) -> Self {
        Self::from_raw(raw)
    }
}

/// An event's payload, one variant per documented type (IDs only, never content).
///
/// Every key is optional, as in the spec: the docs list only the "key" fields of each type.
/// Status fields use the API's open enums where the docs tie them to one (approval status,
/// budget state, payment type, proposal status); a value outside an enum is kept in its
/// `Unknown` variant.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `proposal.received`: a new proposal landed on one of your jobs.
    ProposalReceived(ProposalReceived),
    /// `proposal.status_changed`: a proposal changed status.
    ProposalStatusChanged(ProposalStatusChanged),
    /// `message.received`: someone sent a message in one of your conversations.
    MessageReceived(MessageReceived),
    /// `contract.created`: a hire completed and the contract exists.
    ContractCreated(ContractCreated),
    /// `milestone.status_changed`: a milestone changed status.
    MilestoneStatusChanged(MilestoneStatusChanged),
    /// `payment.pending`: an invoice is waiting on action.
    PaymentPending(PaymentPending),
    /// `approval.confirmed`: a co-sign approval reached a terminal state (confirmed, declined
    /// *or expired*: read [`ApprovalConfirmed::status`]).
    ApprovalConfirmed(ApprovalConfirmed),
    /// `contract.budget_state_changed`: a contract's budget moved between OK, LOW and DEPLETED.
    ContractBudgetStateChanged(ContractBudgetStateChanged),
    /// A type this version of the client does not know; the payload is in [`Event::raw`].
    Unknown {
        /// The type as sent.
        event_type: String,
    },
}

impl EventData {
    fn from_parts(event_type: &EventType, data: Option<&PlatformEventData>) -> Self {
        let empty = PlatformEventData::default();
        let d = data.unwrap_or(&empty);
        match event_type {
            EventType::ProposalReceived => Self::ProposalReceived(ProposalReceived {
                proposal_id: d.proposal_id.clone(),
                job_id: d.job_id.clone(),
            }),
            EventType::ProposalStatusChanged => {
                Self::ProposalStatusChanged(ProposalStatusChanged {
                    proposal_id: d.proposal_id.clone(),
                    status: d.status.as_deref().map(ProposalStatus::from),
                })
            }
            EventType::MessageReceived => Self::MessageReceived(MessageReceived {
                conversation_id: d.conversation_id.clone(),
                message_id: d.message_id.clone(),
            }),
            EventType::ContractCreated => Self::ContractCreated(ContractCreated {
                contract_id: d.contract_id.clone(),
                job_id: d.job_id.clone(),
                proposal_id: d.proposal_id.clone(),
            }),
            EventType::MilestoneStatusChanged => {
                Self::MilestoneStatusChanged(MilestoneStatusChanged {
                    milestone_id: d.milestone_id.clone(),
                    contract_id: d.contract_id.clone(),
                    status: d.status.clone(),
                })
            }
            EventType::PaymentPending => Self::PaymentPending(PaymentPending {
                invoice_id: d.invoice_id.clone(),
                milestone_id: d.milestone_id.clone(),
                contract_id: d.contract_id.clone(),
            }),
            EventType::ApprovalConfirmed => Self::ApprovalConfirmed(ApprovalConfirmed {
                approval_id: d.approval_id.clone(),
                status: d.status.as_deref().map(ApprovalStatus::from),
            }),
            EventType::ContractBudgetStateChanged => {
                Self::ContractBudgetStateChanged(ContractBudgetStateChanged {
                    contract_id: d.contract_id.clone(),
                    previous_state: d.previous_state.as_deref().map(ContractBudgetState::from),
                    state: d.state.as_deref().map(ContractBudgetState::from),
                    payment_type: d.payment_type.as_deref().map(ContractPaymentType::from),
                    funded_volume: d.funded_volume,
                    consumed_volume: d.consumed_volume,
                    remaining_volume: d.remaining_volume,
                    consumed_fraction: d.consumed_fraction,
                })
            }
            EventType::Unknown(other) => Self::Unknown {
                event_type: other.clone(),
            },
        }
    }
}

/// Payload of `proposal.received` (read it with `GET /proposals/{proposalId}`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProposalReceived {
    /// The new proposal.
    pub proposal_id: Option<String>,
    /// The job it is on.
    pub job_id: Option<String>,
}

/// Payload of `proposal.status_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProposalStatusChanged {
    /// The proposal.
    pub proposal_id: Option<String>,
    /// Its new status. The docs describe it in prose ("shortlisted, hired, declined…") without
    /// showing the wire value; it is read as the API's proposal status, and a value outside that
    /// enum stays in `ProposalStatus::Unknown`.
    pub status: Option<ProposalStatus>,
}

/// Payload of `message.received` (read it with `GET /messages?conversationId=…`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct MessageReceived {
    /// The conversation.
    pub conversation_id: Option<String>,
    /// The new message.
    pub message_id: Option<String>,
}

/// Payload of `contract.created`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ContractCreated {
    /// The new contract.
    pub contract_id: Option<String>,
    /// Its job.
    pub job_id: Option<String>,
    /// The hired proposal.
    pub proposal_id: Option<String>,
}

/// Payload of `milestone.status_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct MilestoneStatusChanged {
    /// The milestone.
    pub milestone_id: Option<String>,
    /// Its contract.
    pub contract_id: Option<String>,
    /// The new status as sent. A plain string: the docs name the changes (created, funded,
    /// paid, cancelled) but not their wire values, which differ from the milestone object's
    /// documented statuses.
    pub status: Option<String>,
}

/// Payload of `payment.pending`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct PaymentPending {
    /// The invoice waiting on action.
    pub invoice_id: Option<String>,
    /// Its milestone.
    pub milestone_id: Option<String>,
    /// Its contract.
    pub contract_id: Option<String>,
}

/// Payload of `approval.confirmed`, sent when an approval reaches *any* terminal state.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ApprovalConfirmed {
    /// The approval.
    pub approval_id: Option<String>,
    /// How it ended: `confirmed`, `declined` or `expired`.
    pub status: Option<ApprovalStatus>,
}

/// Payload of `contract.budget_state_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ContractBudgetStateChanged {
    /// The contract.
    pub contract_id: Option<String>,
    /// The budget state before the change (`OK`, `LOW`, `DEPLETED`).
    pub previous_state: Option<ContractBudgetState>,
    /// The budget state now.
    pub state: Option<ContractBudgetState>,
    /// The contract's payment type.
    pub payment_type: Option<ContractPaymentType>,
    /// Sum of the funded milestones' volume.
    pub funded_volume: Option<f64>,
    /// Volume consumed.
    pub consumed_volume: Option<f64>,
    /// Volume remaining.
    pub remaining_volume: Option<f64>,
    /// Consumed / funded.
    pub consumed_fraction: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Cursor stores
// ---------------------------------------------------------------------------------------------

/// A position in the feed: the `/updates` cursor that resumes right after an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    cursor: String,
}

impl Checkpoint {
    /// The cursor to save (the event's ID).
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    /// Saves this position in `store` (what [`FeedEvent::commit`] does with the follower's
    /// store).
    pub async fn commit_to<S: CursorStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<(), CursorStoreError> {
        store.save(&self.cursor).await
    }
}

/// Where a follower keeps its feed position between runs.
///
/// `load` is called once when a [`Follow`] stream starts; `save` each time an event is
/// committed. Implement it for a database row, a key-value store, ...; wrap a failure of your
/// own in [`CursorStoreError::Other`].
///
/// ```
/// use opentrain::updates::{CursorStore, CursorStoreError};
/// use std::sync::Mutex;
///
/// struct Logged(Mutex<Vec<String>>);
///
/// impl CursorStore for Logged {
///     async fn load(&self) -> Result<Option<String>, CursorStoreError> {
///         Ok(self.0.lock().unwrap().last().cloned())
///     }
///     async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
///         self.0.lock().unwrap().push(cursor.to_owned());
///         Ok(())
///     }
/// }
/// ```
pub trait CursorStore: Send + Sync + 'static {
    /// The saved cursor, or `None` when nothing was saved yet (start at the beginning of the
    /// account's history, or at the paginator's [`start_at`](Paginator::start_at)).
    fn load(&self) -> impl Future<Output = Result<Option<String>, CursorStoreError>> + Send;

    /// Saves `cursor` durably; once this returns `Ok`, a restart resumes after it.
    fn save(&self, cursor: &str) -> impl Future<Output = Result<(), CursorStoreError>> + Send;
}

impl<S: CursorStore + ?Sized> CursorStore for Arc<S> {
    fn load(&self) -> impl Future<Output = Result<Option<String>, CursorStoreError>> + Send {
        (**self).load()
    }

    fn save(&self, cursor: &str) -> impl Future<Output = Result<(), CursorStoreError>> + Send {
        (**self).save(cursor)
    }
}

/// Why a [`CursorStore`] could not load or save. Never contains anything but the cursor
/// file's path and the kind of failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CursorStoreError {
    /// The cursor file exists but cannot be read.
    #[error("cannot read the cursor file {} ({})", path.display(), source.kind())]
    Read {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// The cursor file (or its directory) cannot be written; the previous file is unchanged.
    #[error(
        "cannot write the cursor file {} ({}); check that its directory exists or can be \
         created, is writable, and that the disk is not full",
        path.display(),
        source.kind()
    )]
    Write {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// The cursor file is not what [`FileCursorStore`] writes (`{"cursor": "<id>"}`).
    #[error(
        "the cursor file {} {problem}; fix it or delete it (the feed then starts from the \
         beginning of the account's history)",
        path.display()
    )]
    Malformed {
        /// The file's path.
        path: PathBuf,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// A failure of a custom store.
    #[error("cursor store failed: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A cursor kept in memory: for tests, and for followers that may start over from the
/// beginning (or from [`start_at`](Paginator::start_at)) on every run.
///
/// Clones share one cursor, so a clone kept aside sees what the follower commits.
#[derive(Clone, Debug, Default)]
pub struct MemoryCursorStore {
    cursor: Arc<Mutex<Option<String>>>,
}

impl MemoryCursorStore {
    /// An empty store (the feed starts at the beginning).
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that already holds `cursor`.
    pub fn with_cursor(cursor: impl Into<String>) -> Self {
        Self {
            cursor: Arc::new(Mutex::new(Some(cursor.into()))),
        }
    }

    /// The cursor saved last, if any.
    pub fn cursor(&self) -> Option<String> {
        self.cursor
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl CursorStore for MemoryCursorStore {
    async fn load(&self) -> Result<Option<String>, CursorStoreError> {
        Ok(self.cursor())
    }

    async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
        *self.cursor.lock().unwrap_or_else(PoisonError::into_inner) = Some(cursor.to_owned());
        Ok(())
    }
}

/// A cursor kept in a small JSON file (`{"cursor": "1043"}`), written atomically: a temporary
/// file in the same directory is written and flushed to disk, then renamed over the file, then
/// the directory is flushed (best effort). A crash mid-save leaves the previous cursor intact,
/// never a torn file. A missing file means "no cursor yet"; a missing directory is created on
/// the first save. File work runs on tokio's blocking pool.
///
/// ```no_run
/// use opentrain::updates::{CursorStore, FileCursorStore};
/// # async fn demo() -> Result<(), opentrain::updates::CursorStoreError> {
/// let store = FileCursorStore::new("state/opentrain.cursor");
/// store.save("1043").await?;
/// assert_eq!(store.load().await?.as_deref(), Some("1043"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCursorStore {
    path: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CursorFile {
    cursor: String,
}

impl FileCursorStore {
    /// A store in the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load_blocking(path: &Path) -> Result<Option<String>, CursorStoreError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(CursorStoreError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let file: CursorFile =
            serde_json::from_slice(&bytes).map_err(|e| CursorStoreError::Malformed {
                path: path.to_path_buf(),
                problem: match e.classify() {
                    serde_json::error::Category::Data => {
                        "is JSON but not an object with a string `cursor`"
                    }
                    _ => "is not valid JSON (empty, truncated or not JSON)",
                },
            })?;
        if file.cursor.is_empty() {
            return Err(CursorStoreError::Malformed {
                path: path.to_path_buf(),
                problem: "holds an empty cursor",
            });
        }
        Ok(Some(file.cursor))
    }

    fn save_blocking(path: &Path, cursor: &str) -> io::Result<()> {
        let mut json = serde_json::to_vec(&CursorFile {
            cursor: cursor.to_owned(),
        })
        .map_err(io::Error::other)?;
        json.push(b'\n');
        crate::config::write_file_atomically(path, &json)
    }
}

impl CursorStore for FileCursorStore {
    async fn load(&self) -> Result<Option<String>, CursorStoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || Self::load_blocking(&path))
            .await
            .map_err(|e| CursorStoreError::Read {
                path: self.path.clone(),
                source: io::Error::other(e.to_string()),
            })?
    }

    async fn save(&self, cursor: &str) -> Result<(), CursorStoreError> {
        let path = self.path.clone();
        let cursor = cursor.to_owned();
        let result = tokio::task::spawn_blocking(move || Self::save_blocking(&path, &cursor))
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e.to_string())));
        result.map_err(|source| CursorStoreError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Backoff
// ---------------------------------------------------------------------------------------------

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
    fn nth(&self, n: u32) -> Duration {
        crate::RetryPolicy::default()
            .initial_backoff(self.initial)
            .max_backoff(self.max)
            .jitter(false)
            .wait_before_next(n, None)
            .unwrap_or(self.max)
    }
}

// ---------------------------------------------------------------------------------------------
// Following
// ---------------------------------------------------------------------------------------------

/// Why a [`Follow`] stream yielded an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FollowError {
    /// A poll of the feed failed after the client's retries ([`Error::is_retryable`] tells
    /// whether the stream goes on).
    #[error(transparent)]
    Feed(#[from] Error),
    /// The cursor store could not load (the stream ends) or save (from a commit).
    #[error(transparent)]
    Store(#[from] CursorStoreError),
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Committer = Arc<dyn Fn(String) -> BoxFuture<Result<(), CursorStoreError>> + Send + Sync>;
type PageStream =
    Pin<Box<dyn Stream<Item = Result<crate::paging::Page<PlatformEvent>, Error>> + Send + 'static>>;

/// One event from a [`Follow`] stream, with the means to commit it.
///
/// Dereferences to the [`Event`], so `item.data`, `item.id()` and the rest read directly.
#[derive(Clone)]
pub struct FeedEvent {
    event: Event,
    committer: Committer,
}

impl FeedEvent {
    /// The event.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// The event, without the commit handle (save [`Event::checkpoint`] yourself).
    pub fn into_event(self) -> Event {
        self.event
    }

    /// Saves this event's position in the follower's store: a restart resumes after it. Call
    /// it once the event is handled, in the order events arrived. Until it returns `Ok`, the
    /// event counts as not delivered and comes again after a restart.
    pub async fn commit(&self) -> Result<(), CursorStoreError> {
        (self.committer)(self.event.raw.id.clone()).await
    }
}

impl Deref for FeedEvent {
    type Target = Event;

    fn deref(&self) -> &Event {
        &self.event
    }
}

impl fmt::Debug for FeedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FeedEvent").field(&self.event).finish()
    }
}

impl Paginator<PlatformEvent> {
    /// Follows the feed forever from the cursor in `store`: a [`Follow`] stream of typed
    /// events, oldest first, that polls again with [`Backoff`] when the feed is caught up.
    ///
    /// It is a method of the `/updates` paginator (rather than of [`Client`]) so the
    /// paginator's settings carry over: [`limit`](Paginator::limit) sets the page size of every
    /// poll, and [`start_at`](Paginator::start_at) is where to begin when the store holds no
    /// cursor yet (a stored cursor wins). [`max_items`](Paginator::max_items) would apply to
    /// each poll; to stop after some events use `StreamExt::take` instead.
    ///
    /// Events are yielded before anything is saved: see the [module docs](crate::updates) for
    /// the commit protocol. Errors:
    /// - a poll that still fails after the client's own retries is yielded as
    ///   [`FollowError::Feed`]; when the error [is retryable](Error::is_retryable) (a 503, a
    ///   timeout, a dropped connection) the stream goes on, polling again from the same position
    ///   after the backoff delay, otherwise (401, 403, a malformed page...) it ends;
    /// - a failed [`CursorStore::load`] is yielded as [`FollowError::Store`] and ends the
    ///   stream.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use opentrain::updates::{Backoff, MemoryCursorStore};
    /// use std::time::Duration;
    /// # async fn demo(client: opentrain::Client) {
    /// let feed = client
    ///     .updates()
    ///     .limit(200)
    ///     .follow(MemoryCursorStore::new())
    ///     .backoff(Backoff::new(Duration::from_secs(2), Duration::from_secs(60)));
    /// let first_ten: Vec<_> = feed.take(10).collect().await;
    /// # let _ = first_ten; }
    /// ```
    pub fn follow<S: CursorStore>(self, store: S) -> Follow<S> {
        Follow {
            paginator: self,
            store: Arc::new(store),
            backoff: Backoff::default(),
            inner: None,
        }
    }
}

impl Client {
    /// Shorthand for `client.updates().follow(store)`: see [`Paginator::follow`].
    pub fn follow_updates<S: CursorStore>(&self, store: S) -> Follow<S> {
        self.updates().follow(store)
    }
}

/// The boxed stream a [`Follow`] drives once started.
type FeedStream = Pin<Box<dyn Stream<Item = Result<FeedEvent, FollowError>> + Send>>;

/// The endless stream of [`FeedEvent`]s made by [`Paginator::follow`].
///
/// Set [`backoff`](Self::backoff) before polling it; the stream starts (loads the cursor) on
/// the first poll.
#[must_use = "a follower does nothing until streamed"]
pub struct Follow<S> {
    paginator: Paginator<PlatformEvent>,
    store: Arc<S>,
    backoff: Backoff,
    inner: Option<FeedStream>,
}

impl<S> fmt::Debug for Follow<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follow")
            .field("paginator", &self.paginator)
            .field("backoff", &self.backoff)
            .field("started", &self.inner.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: CursorStore> Follow<S> {
    /// How long to wait between polls of a caught-up feed (default: 1 s doubling to 30 s).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The cursor store the stream loads from and commits to.
    pub fn store(&self) -> &S {
        &self.store
    }

    fn start(&self) -> Pin<Box<dyn Stream<Item = Result<FeedEvent, FollowError>> + Send>> {
        let for_commits = Arc::clone(&self.store);
        let committer: Committer = Arc::new(move |cursor: String| {
            let store = Arc::clone(&for_commits);
            Box::pin(async move { store.save(&cursor).await })
        });
        let state = FollowState {
            paginator: self.paginator.clone(),
            store: Arc::clone(&self.store),
            committer,
            backoff: self.backoff,
            waits: 0,
            loaded: false,
            position: None,
            pages: None,
            run_had_events: false,
            buffer: VecDeque::new(),
            sleep_first: None,
            finished: false,
        };
        futures::stream::unfold(state, FollowState::step).boxed()
    }
}

impl<S: CursorStore> Stream for Follow<S> {
    type Item = Result<FeedEvent, FollowError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.inner.is_none() {
            this.inner = Some(this.start());
        }
        match this.inner.as_mut() {
            Some(inner) => inner.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

struct FollowState<S> {
    paginator: Paginator<PlatformEvent>,
    store: Arc<S>,
    committer: Committer,
    backoff: Backoff,
    /// How many waits the current run of caught-up polls has had.
    waits: u32,
    loaded: bool,
    /// Where the next poll starts: the last event yielded, or the cursor an empty page echoed.
    position: Option<String>,
    /// The pages of the current poll (one run of the paginator, until `hasMore: false`).
    pages: Option<PageStream>,
    run_had_events: bool,
    buffer: VecDeque<PlatformEvent>,
    /// A wait owed before the next poll (after a surfaced retryable error).
    sleep_first: Option<Duration>,
    finished: bool,
}

impl<S: CursorStore> FollowState<S> {
    async fn step(mut self) -> Option<(Result<FeedEvent, FollowError>, Self)> {
        loop {
            if self.finished {
                return None;
            }
            if let Some(raw) = self.buffer.pop_front() {
                self.position = Some(raw.id.clone());
                let item = FeedEvent {
                    event: Event::from_raw(raw),
                    committer: Arc::clone(&self.committer),
                };
                return Some((Ok(item), self));
            }
            if !self.loaded {
                match self.store.load().await {
                    Ok(cursor) => {
                        self.position = cursor.filter(|c| !c.is_empty());
                        self.loaded = true;
                    }
                    Err(e) => {
                        self.finished = true;
                        return Some((Err(e.into()), self));
                    }
                }
            }
            if let Some(wait) = self.sleep_first.take() {
                tokio::time::sleep(wait).await;
            }
            let pages = match &mut self.pages {
                Some(pages) => pages,
                None => {
                    let run = match &self.position {
                        Some(cursor) => self.paginator.clone().start_at(cursor.clone()),
                        None => self.paginator.clone(),
                    };
                    self.run_had_events = false;
                    self.pages.insert(Box::pin(run.pages()))
                }
            };
            match pages.next().await {
                Some(Ok(page)) => {
                    if page.items.is_empty() {
                        // An empty page echoes the cursor it was sent (or names a first one).
                        if let Some(cursor) = page.next_cursor {
                            self.position = Some(cursor);
                        }
                    } else {
                        self.run_had_events = true;
                        self.buffer.extend(page.items);
                    }
                }
                Some(Err(e)) => {
                    self.pages = None;
                    if !e.is_retryable() {
                        self.finished = true;
                        return Some((Err(e.into()), self));
                    }
                    // Surface it, then poll again from the same position after the backoff.
                    self.sleep_first = Some(self.next_wait(false));
                    return Some((Err(e.into()), self));
                }
                None => {
                    // Caught up: wait before polling again.
                    self.pages = None;
                    let wait = self.next_wait(self.run_had_events);
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The wait before the next poll, growing it for the poll after.
    fn next_wait(&mut self, had_events: bool) -> Duration {
        if had_events {
            self.waits = 0;
        }
        self.waits = self.waits.saturating_add(1);
        self.backoff.nth(self.waits)
    }
}
