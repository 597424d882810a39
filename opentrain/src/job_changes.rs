//! Following the marketplace's changes: [`JobChanges`] reads `GET /jobs/changes` window by
//! window (time windows, not cursors) and [`Client::follow_job_changes`] starts it. The
//! operation itself stays `client.get_job_changes()`; this is the workflow over it.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::Stream;

use crate::{Client, Error, types};

/// The `/jobs/changes` follower: time windows instead of cursors. Each window starts at the
/// previous window's `until`, so nothing is read twice or skipped.
///
/// The server returns only the latest event per job in a window and at most 5,000 per call;
/// [`JobChanges::catch_up`] keeps asking while windows come back full. The endpoint allows 120
/// requests a minute per IP: [`JobChanges::follow`] never polls more often than its interval
/// (at least one second).
///
/// ```no_run
/// # use futures::TryStreamExt;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let since = chrono::Utc::now() - chrono::Duration::hours(1);
/// let mut changes = client.follow_job_changes(since).catch_up();
/// while let Some(change) = changes.try_next().await? {
///     println!("{:?} {:?}", change.job_id, change.event_type);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct JobChanges {
    client: Client,
    since: DateTime<Utc>,
}

/// The documented cap of changes in one `/jobs/changes` answer.
const JOB_CHANGES_CAP: usize = 5_000;

impl JobChanges {
    /// Where the next window starts: persist it to resume later with [`Client::follow_job_changes`].
    pub fn since(&self) -> DateTime<Utc> {
        self.since
    }

    /// Fetches the window from [`JobChanges::since`] to now and moves `since` to its `until`.
    pub async fn next_window(&mut self) -> Result<types::JobChangesPage, Error> {
        let since = self.since;
        let page = self
            .client
            .get_job_changes()
            .since(since)
            .send()
            .await?
            .into_inner();
        // A window that ends before it starts would re-read the past; keep the later bound.
        self.since = page.until.max(since);
        Ok(page)
    }

    /// Every change from `since` up to now, window after window while windows come back full,
    /// then the stream ends.
    pub fn catch_up(
        self,
    ) -> impl Stream<Item = Result<types::JobChange, Error>> + Send + Unpin + 'static {
        self.stream(None)
    }

    /// Every change from `since`, forever: after catching up, polls a new window every
    /// `every` (at least one second, to stay inside the rate limit).
    pub fn follow(
        self,
        every: Duration,
    ) -> impl Stream<Item = Result<types::JobChange, Error>> + Send + Unpin + 'static {
        self.stream(Some(every.max(Duration::from_secs(1))))
    }

    fn stream(
        self,
        every: Option<Duration>,
    ) -> impl Stream<Item = Result<types::JobChange, Error>> + Send + Unpin + 'static {
        let state = (self, VecDeque::new(), false, false);
        Box::pin(futures::stream::unfold(
            state,
            move |(mut follower, mut buffered, mut polled, done)| async move {
                loop {
                    if let Some(change) = buffered.pop_front() {
                        return Some((Ok(change), (follower, buffered, polled, done)));
                    }
                    if done {
                        return None;
                    }
                    if polled {
                        match every {
                            Some(every) => crate::backoff::pause(every).await,
                            None => return None,
                        }
                    }
                    match follower.next_window().await {
                        Ok(page) => {
                            // A full window means more may be waiting: ask again at once.
                            polled = page.changes.len() < JOB_CHANGES_CAP;
                            buffered.extend(page.changes);
                        }
                        Err(e) => return Some((Err(e), (follower, buffered, polled, true))),
                    }
                }
            },
        ))
    }
}

impl Client {
    /// Marketplace changes since a time, window by window, over `GET /jobs/changes`
    /// (tokenless): [`JobChanges::catch_up`] or [`JobChanges::follow`].
    pub fn follow_job_changes(&self, since: DateTime<Utc>) -> JobChanges {
        JobChanges {
            client: self.clone(),
            since,
        }
    }
}
