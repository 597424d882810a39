//! Following the feed: [`Client::follow_updates`] makes a
//! [`Follow`] stream of [`FeedEvent`]s, each with the means to commit it, driven by a state
//! machine that loads the cursor, drains the feed page by page and polls again after the
//! backoff delay. The stream yields the crate's one [`Error`] when a poll or the store fails.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};

use super::{Backoff, CursorStore, CursorStoreError, Event, FEED_BACKOFF};
use crate::paging::Paginator;
use crate::paging::sealed::FetchPage as _;
use crate::types::PlatformEvent;
use crate::{Client, Error};

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
    pub async fn commit(&self) -> Result<(), Error> {
        (self.committer)(self.event.raw.id.clone())
            .await
            .map_err(Error::CursorStore)
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

impl Client {
    /// Follows the feed (`GET /updates`) forever from the cursor in `store`: a [`Follow`]
    /// stream of typed events, oldest first, that polls again with [`Backoff`] when the feed is
    /// caught up. Set [`Follow::page_size`], [`Follow::start_at`] (where to begin when the
    /// store holds no cursor yet; a stored cursor wins) and [`Follow::backoff`] before
    /// polling it.
    ///
    /// Events are yielded before anything is saved: see the [module docs](crate::updates) for
    /// the commit protocol. Errors:
    /// - a poll that still fails after the client's own retries is yielded as
    ///   its [`Error`]; when the error [is retryable](Error::is_retryable) (a 503, a
    ///   timeout, a dropped connection) the stream goes on, polling again from the same position
    ///   after the backoff delay, otherwise (401, 403, a malformed page...) it ends;
    /// - a failed [`CursorStore::load`] is yielded as [`Error::CursorStore`] and ends the
    ///   stream.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use opentrain::Backoff;
    /// use opentrain::updates::MemoryCursorStore;
    /// use std::time::Duration;
    /// # async fn demo(client: opentrain::Client) {
    /// let feed = client
    ///     .follow_updates(MemoryCursorStore::new())
    ///     .page_size(200)
    ///     .backoff(Backoff::new(Duration::from_secs(2), Duration::from_secs(60)));
    /// let first_ten: Vec<_> = feed.take(10).collect().await;
    /// # let _ = first_ten; }
    /// ```
    pub fn follow_updates<S: CursorStore>(&self, store: S) -> Follow<S> {
        let client = self.clone();
        let paginator = Paginator::from_fn(move |request| {
            let client = client.clone();
            async move { client.poll_updates().fetch_page(request).await }
        });
        Follow {
            paginator,
            store: Arc::new(store),
            backoff: FEED_BACKOFF,
            inner: None,
        }
    }
}

/// The boxed stream a [`Follow`] drives once started.
type FeedStream = Pin<Box<dyn Stream<Item = Result<FeedEvent, Error>> + Send>>;

/// The endless stream of [`FeedEvent`]s made by [`Client::follow_updates`].
///
/// Set [`backoff`](Self::backoff) before polling it; the stream starts (loads the cursor) on
/// the first poll.
#[must_use = "a follower does nothing until streamed"]
pub struct Follow<S> {
    paginator: Paginator<'static, PlatformEvent>,
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
    /// The page size of every poll (the server's default when unset).
    pub fn page_size(mut self, limit: u32) -> Self {
        self.paginator = self.paginator.limit(limit);
        self
    }

    /// Where to begin when the store holds no cursor yet (a stored cursor wins).
    pub fn start_at(mut self, cursor: impl Into<String>) -> Self {
        self.paginator = self.paginator.start_at(cursor);
        self
    }

    /// How long to wait between polls of a caught-up feed (default: 1 s doubling to 30 s).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The cursor store the stream loads from and commits to.
    pub fn store(&self) -> &S {
        &self.store
    }

    fn start(&self) -> Pin<Box<dyn Stream<Item = Result<FeedEvent, Error>> + Send>> {
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
    type Item = Result<FeedEvent, Error>;

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
    paginator: Paginator<'static, PlatformEvent>,
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
    async fn step(mut self) -> Option<(Result<FeedEvent, Error>, Self)> {
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
                crate::backoff::pause(wait).await;
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
                        return Some((Err(e), self));
                    }
                    // Surface it, then poll again from the same position after the backoff.
                    self.sleep_first = Some(self.next_wait(false));
                    return Some((Err(e), self));
                }
                None => {
                    // Caught up: wait before polling again.
                    self.pages = None;
                    let wait = self.next_wait(self.run_had_events);
                    crate::backoff::pause(wait).await;
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
        self.backoff.delay(self.waits - 1)
    }
}
