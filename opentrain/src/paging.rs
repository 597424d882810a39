//! The one cursor paginator, for every list of the API, and [`Paginate`], which hangs it off
//! each list operation's builder (`client.list_my_jobs().status(..).items()`).
//!
//! Every OpenTrain list answers `{<items>, nextCursor}` (`/updates` adds `hasMore`) and takes
//! `cursor` and `limit`. A [`Paginator`] wraps one such operation: [`Paginator::pages`] and
//! [`Paginator::items`] are lazy `futures::Stream`s that fetch one page at a time (only the
//! current page is held), stop on a null cursor or `hasMore: false`, honour
//! [`Paginator::max_items`], and end with [`Error::RepeatedCursor`] instead of looping when a
//! server hands back a cursor it already gave. Each page is one request through the client's
//! [pipeline](crate::pipeline), so it gets the retry policy (a 503 mid-way is retried; the cursor does not move, so no item is
//! repeated or skipped).

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt, TryStreamExt, stream};

use crate::Error;
use crate::builder;
use crate::types;
pub(crate) use sealed::PageRequest;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page, in server order.
    pub items: Vec<T>,
    /// The cursor of the next page (`None` or empty at the end).
    pub next_cursor: Option<String>,
    /// `hasMore`, on the lists that send it.
    pub has_more: Option<bool>,
}

impl<T> Page<T> {
    /// A page from its parts (an empty cursor counts as none).
    pub(crate) fn new(items: Vec<T>, next_cursor: Option<String>, has_more: Option<bool>) -> Self {
        Self {
            items,
            next_cursor: next_cursor.filter(|c| !c.is_empty()),
            has_more,
        }
    }

    /// Whether the list goes on after this page.
    pub fn has_next(&self) -> bool {
        self.has_more != Some(false) && self.next_cursor.is_some()
    }
}

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type Fetch<'a, T> =
    Arc<dyn Fn(PageRequest) -> BoxFuture<'a, Result<Page<T>, Error>> + Send + Sync + 'a>;

/// A lazily paged list. Made from a list operation's builder by [`Paginate::paginate`];
/// configure it, then stream [`Paginator::pages`] or [`Paginator::items`].
///
/// ```no_run
/// # use futures::TryStreamExt;
/// use opentrain::paging::Paginate;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let mut entries = client.list_credit_ledger().limit(50).paginate().max_items(500).items();
/// while let Some(entry) = entries.try_next().await? {
///     println!("{entry:?}");
/// }
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until streamed"]
pub struct Paginator<'a, T> {
    fetch: Fetch<'a, T>,
    limit: Option<u32>,
    max_items: Option<u64>,
    start: Option<String>,
}

impl<T> Clone for Paginator<'_, T> {
    fn clone(&self) -> Self {
        Self {
            fetch: Arc::clone(&self.fetch),
            limit: self.limit,
            max_items: self.max_items,
            start: self.start.clone(),
        }
    }
}

impl<T> std::fmt::Debug for Paginator<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("limit", &self.limit)
            .field("max_items", &self.max_items)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Send + 'a> Paginator<'a, T> {
    /// A paginator over any async page source: each list operation's builder
    /// ([`Paginate`]), the feed follower, and tests.
    pub(crate) fn from_fn<F, Fut>(fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'a,
        Fut: Future<Output = Result<Page<T>, Error>> + Send + 'a,
    {
        Self {
            fetch: Arc::new(move |r| Box::pin(fetch(r))),
            limit: None,
            max_items: None,
            start: None,
        }
    }

    /// The page size to ask the server for (the feed follower's setting; a list operation's
    /// builder has its own `limit`).
    pub(crate) fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Stop after this many items in all (the last page is cut short).
    pub fn max_items(mut self, max: u64) -> Self {
        self.max_items = Some(max);
        self
    }

    /// Start from a cursor saved earlier instead of the first page.
    pub fn start_at(mut self, cursor: impl Into<String>) -> Self {
        self.start = Some(cursor.into());
        self
    }

    /// The pages, fetched one at a time as the stream is polled.
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>, Error>> + Send + Unpin + 'a {
        struct State<'a, T> {
            fetch: Fetch<'a, T>,
            limit: Option<u32>,
            cursor: Option<String>,
            seen: HashSet<String>,
            remaining: Option<u64>,
            done: bool,
        }
        let state = State {
            fetch: self.fetch,
            limit: self.limit,
            seen: self.start.iter().cloned().collect(),
            cursor: self.start,
            remaining: self.max_items,
            done: false,
        };
        Box::pin(stream::try_unfold(state, |mut s| async move {
            if s.done || s.remaining == Some(0) {
                return Ok(None);
            }
            let limit = match (s.limit, s.remaining) {
                (Some(l), Some(r)) => Some(l.min(u32::try_from(r).unwrap_or(u32::MAX))),
                (l, _) => l,
            };
            let request = PageRequest {
                cursor: s.cursor.clone(),
                limit,
            };
            let mut page = (s.fetch)(request).await?;
            if let Some(remaining) = s.remaining.as_mut() {
                let keep = usize::try_from(*remaining).unwrap_or(usize::MAX);
                if page.items.len() >= keep {
                    page.items.truncate(keep);
                    s.done = true;
                }
                *remaining -= page.items.len() as u64;
            }
            if !page.has_next() {
                s.done = true;
            } else if let Some(next) = &page.next_cursor
                && !s.done
            {
                if !s.seen.insert(next.clone()) {
                    return Err(Error::RepeatedCursor {
                        cursor: next.clone(),
                    });
                }
                s.cursor = Some(next.clone());
            }
            Ok(Some((page, s)))
        }))
    }

    /// The items of every page, in order, fetched lazily.
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every item, collected (mind the memory on long lists; prefer [`Paginator::items`]).
    pub async fn collect_all(self) -> Result<Vec<T>, Error> {
        self.items().try_collect().await
    }
}

/// The paging of a list operation: every builder of an operation that pages by cursor has it,
/// so a list is paged from the operation itself, with the operation's own filters and `limit`
/// (the page size) set on the builder first.
///
/// [`items`](Paginate::items) and [`pages`](Paginate::pages) are lazy `futures::Stream`s
/// that fetch one page at a time; [`paginate`](Paginate::paginate) gives the [`Paginator`] to
/// set [`max_items`](Paginator::max_items) or [`start_at`](Paginator::start_at) first. The
/// streams borrow the client, as the builder does.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use opentrain::paging::Paginate;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let mut proposals = client
///     .list_job_proposals()
///     .id("job_123")
///     .status(opentrain::types::ProposalStatus::Unreviewed)
///     .limit(50)
///     .items();
/// while let Some(proposal) = proposals.try_next().await? {
///     println!("{}", proposal.id);
/// }
/// let jobs = client.search_jobs().q("audio").paginate().max_items(20).collect_all().await?;
/// # let _ = jobs; Ok(()) }
/// ```
pub trait Paginate<'a>: sealed::FetchPage<'a> {
    /// This list as a [`Paginator`], to configure before streaming.
    fn paginate(self) -> Paginator<'a, Self::Item> {
        Paginator::from_fn(move |request| self.clone().fetch_page(request))
    }

    /// The pages, fetched one at a time as the stream is polled.
    fn pages(self) -> impl Stream<Item = Result<Page<Self::Item>, Error>> + Send + Unpin + 'a {
        self.paginate().pages()
    }

    /// The items of every page, in order, fetched lazily.
    fn items(self) -> impl Stream<Item = Result<Self::Item, Error>> + Send + Unpin + 'a {
        self.paginate().items()
    }

    /// Every item, collected (mind the memory on long lists; prefer [`Paginate::items`]).
    fn collect_all(self) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send + 'a {
        self.paginate().collect_all()
    }
}

impl<'a, B: sealed::FetchPage<'a>> Paginate<'a> for B {}

/// The sealed half of [`Paginate`]: how one page of each list operation is fetched. Private, so
/// the set of pageable builders is this crate's to keep in step with the spec.
pub(crate) mod sealed {
    use super::{BoxFuture, Error, Page};

    /// What a page request asks for.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct PageRequest {
        /// The cursor of the page (none for the first page).
        pub cursor: Option<String>,
        /// The page size to ask for, when the paginator sets one.
        pub limit: Option<u32>,
    }

    /// One page of a list operation.
    pub trait FetchPage<'a>: Clone + Send + Sync + 'a {
        /// What the list holds.
        type Item: Send + 'a;
        /// Sends the operation for one page.
        fn fetch_page(self, request: PageRequest)
        -> BoxFuture<'a, Result<Page<Self::Item>, Error>>;
    }
}

/// Implements [`sealed::FetchPage`] for a list operation's builder: its page type's item array
/// and cursor (and `hasMore`, where the list sends it) make the [`Page`].
macro_rules! pages_of {
    ($builder:ident => $item:ty, |$page:ident| $make:expr) => {
        impl<'a> sealed::FetchPage<'a> for builder::$builder<'a> {
            type Item = $item;
            fn fetch_page(self, request: PageRequest) -> BoxFuture<'a, Result<Page<$item>, Error>> {
                let mut call = self;
                if let Some(cursor) = request.cursor {
                    call = call.cursor(cursor);
                }
                if let Some(limit) = request.limit {
                    call = call.limit(u64::from(limit));
                }
                Box::pin(async move {
                    let $page = call.send().await?.into_inner();
                    Ok($make)
                })
            }
        }
    };
}

pages_of!(SearchJobs => types::JobSummary, |page| Page::new(page.jobs, page.next_cursor, None));
pages_of!(ListMyJobs => types::MyJob, |page| Page::new(page.jobs, page.next_cursor, None));
pages_of!(ListJobProposals => types::JobProposal, |page| Page::new(
    page.proposals,
    page.next_cursor,
    None
));
pages_of!(ListCreditLedger => types::CreditLedgerEntry, |page| Page::new(
    page.entries,
    page.next_cursor,
    None
));
// An empty page echoes the cursor it was sent; without `hasMore` (optional in the spec) that
// echo means "caught up", not a repeated cursor.
pages_of!(PollUpdates => types::PlatformEvent, |page| {
    let has_more = page
        .has_more
        .or_else(|| page.events.is_empty().then_some(false));
    Page::new(page.events, page.next_cursor, has_more)
});
// `GET /messages` without `conversationId` (list mode): your conversations.
pages_of!(ListMessages => types::ConversationSummary, |page| Page::new(
    page.conversations,
    page.next_cursor,
    None
));

/// Message mode of `GET /messages` (`conversationId` set): one conversation's messages, paged
/// `older` (default) or `newer` from the cursor. The same operation's list mode pages
/// conversations through [`Paginate`].
///
/// The docs do not name the array key of message mode (only list mode has an example), so the
/// messages are read from a `messages` key when present, else from the one array-valued key
/// that is not `conversations`; each entry decodes as [`types::Message`]. An entry that does not
/// is an [`Error::Decode`], never silently dropped.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use opentrain::paging::MessagePages;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let thread = client.list_messages().conversation_id("conv_1").messages().collect_all().await?;
/// # let _ = thread; Ok(()) }
/// ```
pub trait MessagePages<'a> {
    /// The messages of the conversation the builder names.
    fn messages(self) -> Paginator<'a, types::Message>;
}

impl<'a> MessagePages<'a> for builder::ListMessages<'a> {
    fn messages(self) -> Paginator<'a, types::Message> {
        Paginator::from_fn(move |request: PageRequest| {
            let mut call = self.clone();
            if let Some(cursor) = request.cursor {
                call = call.cursor(cursor);
            }
            if let Some(limit) = request.limit {
                call = call.limit(u64::from(limit));
            }
            async move {
                let page = call.send().await?.into_inner();
                let items = message_mode_entries(&page)?;
                Ok(Page::new(items, page.next_cursor, None))
            }
        })
    }
}

/// The message entries of a message-mode page (see [`MessagePages`]).
fn message_mode_entries(page: &types::MessagesPage) -> Result<Vec<types::Message>, Error> {
    let entries = page.extra.get("messages").or_else(|| {
        let mut arrays = page.extra.values().filter(|v| v.is_array());
        match (arrays.next(), arrays.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    });
    let Some(serde_json::Value::Array(entries)) = entries else {
        return if page.conversations.is_empty() && page.extra.is_empty() {
            Ok(Vec::new())
        } else {
            Err(Error::Decode {
                status: None,
                request_id: None,
                content_type: None,
                message: format!(
                    "message mode answered without one message array (keys: {:?})",
                    page.extra.keys().collect::<Vec<_>>()
                ),
                body_snippet: String::new(),
            })
        };
    };
    entries
        .iter()
        .map(|entry| {
            serde_json::from_value(entry.clone()).map_err(|e| Error::Decode {
                status: None,
                request_id: None,
                content_type: None,
                message: format!("a message entry does not match the documented shape: {e}"),
                body_snippet: crate::error::snippet(entry.to_string().as_bytes()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A fake list of `total` numbers served `per_page` at a time; records every request.
    fn numbers(
        total: u32,
        per_page: u32,
    ) -> (Paginator<'static, u32>, Arc<Mutex<Vec<PageRequest>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        let p = Paginator::from_fn(move |req: PageRequest| {
            seen.lock().unwrap().push(req.clone());
            async move {
                let start: u32 = req.cursor.as_deref().map_or(0, |c| c.parse().unwrap());
                let size = req.limit.unwrap_or(per_page).min(per_page);
                let end = (start + size).min(total);
                let next = (end < total).then(|| end.to_string());
                Ok(Page::new((start..end).collect(), next, None))
            }
        });
        (p, log)
    }

    #[tokio::test]
    async fn items_cross_three_pages_in_order() {
        let (p, log) = numbers(7, 3);
        let all = p.collect_all().await.unwrap();
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        let cursors: Vec<_> = log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.cursor.clone())
            .collect();
        assert_eq!(cursors, vec![None, Some("3".into()), Some("6".into())]);
    }

    #[tokio::test]
    async fn an_empty_first_page_ends_the_stream() {
        let (p, log) = numbers(0, 3);
        assert!(p.collect_all().await.unwrap().is_empty());
        assert_eq!(log.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn max_items_cuts_the_last_page_and_asks_for_no_more_than_needed() {
        let (p, log) = numbers(100, 10);
        let got = p.limit(10).max_items(25).collect_all().await.unwrap();
        assert_eq!(got, (0..25).collect::<Vec<_>>());
        let limits: Vec<_> = log.lock().unwrap().iter().map(|r| r.limit).collect();
        assert_eq!(limits, vec![Some(10), Some(10), Some(5)]);
    }

    #[tokio::test]
    async fn a_repeated_cursor_is_an_error_not_a_loop() {
        let p = Paginator::from_fn(|req: PageRequest| async move {
            // A→B→A: a cycle two pages long.
            let next = if req.cursor.as_deref() == Some("B") {
                "A"
            } else {
                "B"
            };
            Ok(Page::new(vec![1u8], Some(next.to_owned()), None))
        })
        .start_at("A");
        let err = p.collect_all().await.unwrap_err();
        assert!(
            matches!(err, Error::RepeatedCursor { ref cursor } if cursor == "A"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn has_more_false_stops_even_with_a_cursor() {
        let p = Paginator::from_fn(|req: PageRequest| async move {
            // /updates echoes the cursor on an empty page and says hasMore: false.
            Ok(Page::new(
                Vec::<u8>::new(),
                req.cursor.or(Some("9".into())),
                Some(false),
            ))
        });
        assert!(p.collect_all().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_error_mid_way_ends_the_stream_after_the_items_before_it() {
        let p = Paginator::from_fn(|req: PageRequest| async move {
            match req.cursor.as_deref() {
                None => Ok(Page::new(vec![1, 2], Some("x".into()), None)),
                _ => Err(Error::InvalidRequest("boom".into())),
            }
        });
        let mut items = p.items();
        assert_eq!(items.try_next().await.unwrap(), Some(1));
        assert_eq!(items.try_next().await.unwrap(), Some(2));
        assert!(items.try_next().await.is_err());
    }
}

#[cfg(test)]
mod send_checks {
    use super::Paginate;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn facade_futures_and_streams_are_send() {
        let client = crate::Client::builder().build().unwrap();
        let call = client.get_me().send();
        assert_send(&call);
        assert_send(&client.list_credit_ledger().pages());
        assert_send(&client.search_jobs().q("x").items());
        assert_send(&client.poll_updates().collect_all());
    }
}
