//! The one cursor paginator, for every list of the API.
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

use crate::{Client, Error};

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
    /// A page from its parts.
    pub fn new(items: Vec<T>, next_cursor: Option<String>, has_more: Option<bool>) -> Self {
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

/// What a page request asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The cursor of the page (none for the first page).
    pub cursor: Option<String>,
    /// The page size to ask for, if set.
    pub limit: Option<u32>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Fetch<T> = Arc<dyn Fn(PageRequest) -> BoxFuture<Result<Page<T>, Error>> + Send + Sync>;

/// A lazily paged list. Configure it, then stream [`Paginator::pages`] or [`Paginator::items`].
///
/// ```no_run
/// # use futures::TryStreamExt;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let mut entries = client.credit_ledger().limit(50).max_items(500).items();
/// while let Some(entry) = entries.try_next().await? {
///     println!("{entry:?}");
/// }
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until streamed"]
pub struct Paginator<T> {
    fetch: Fetch<T>,
    limit: Option<u32>,
    max_items: Option<u64>,
    start: Option<String>,
}

impl<T> Clone for Paginator<T> {
    fn clone(&self) -> Self {
        Self {
            fetch: Arc::clone(&self.fetch),
            limit: self.limit,
            max_items: self.max_items,
            start: self.start.clone(),
        }
    }
}

impl<T> std::fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("limit", &self.limit)
            .field("max_items", &self.max_items)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// A paginator over any cursor list: `fetch` runs one generated list operation for a
    /// [`PageRequest`] on the client it is handed (a cheap clone, so the future can own it)
    /// and returns its raw page; `extract` turns that into a [`Page`].
    ///
    /// This is how every named list of the facade is built; use it for a list it does not name.
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) {
    /// use opentrain::paging::{Page, Paginator};
    /// let ledger = Paginator::new(&client, |client, req| async move {
    ///     let mut call = client.list_credit_ledger();
    ///     if let Some(c) = req.cursor { call = call.cursor(c); }
    ///     if let Some(l) = req.limit { call = call.limit(u64::from(l)); }
    ///     call.send().await
    /// }, |page: opentrain::types::CreditLedgerPage| Page::new(page.entries, page.next_cursor, None));
    /// # let _ = ledger; }
    /// ```
    pub fn new<P, E, F, Fut, X>(client: &Client, fetch: F, extract: X) -> Self
    where
        F: Fn(Client, PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<opentrain_gen::ResponseValue<P>, opentrain_gen::Error<E>>>
            + Send
            + 'static,
        X: Fn(P) -> Page<T> + Send + Sync + 'static,
        P: Send + 'static,
        E: serde::Serialize + Send + 'static,
    {
        let client = client.clone();
        let fetch = Arc::new(fetch);
        let extract = Arc::new(extract);
        Self::from_fn(move |request| {
            let page = fetch(client.clone(), request);
            let extract = Arc::clone(&extract);
            async move { Ok(extract(page.await?.into_inner())) }
        })
    }

    /// A paginator over any async page source (used by tests and by lists served elsewhere).
    pub fn from_fn<F, Fut>(fetch: F) -> Self
    where
        F: Fn(PageRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    {
        Self {
            fetch: Arc::new(move |r| Box::pin(fetch(r))),
            limit: None,
            max_items: None,
            start: None,
        }
    }

    /// The page size to ask the server for (its documented range applies; out of range is a
    /// 400 from the server).
    pub fn limit(mut self, limit: u32) -> Self {
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
    pub fn pages(self) -> impl Stream<Item = Result<Page<T>, Error>> + Send + Unpin + 'static {
        struct State<T> {
            fetch: Fetch<T>,
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
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'static {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A fake list of `total` numbers served `per_page` at a time; records every request.
    fn numbers(total: u32, per_page: u32) -> (Paginator<u32>, Arc<Mutex<Vec<PageRequest>>>) {
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
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn facade_futures_and_streams_are_send() {
        let client = crate::Client::builder().build().unwrap();
        let call = client.get_me().send();
        assert_send(&call);
        let pages = super::Paginator::new(
            &client,
            |raw, req| async move {
                let mut call = raw.list_credit_ledger();
                if let Some(c) = req.cursor {
                    call = call.cursor(c);
                }
                call.send().await
            },
            |p: crate::types::CreditLedgerPage| super::Page::new(p.entries, p.next_cursor, None),
        )
        .pages();
        assert_send(&pages);
    }
}
