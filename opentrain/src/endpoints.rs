//! The facade's named reads: the identity check, single reads by id (each unwraps its
//! one-field wrapper: `proposal()` gives the `Proposal`, `contract()` the `Contract`), one
//! [`Paginator`] per cursor list of the API (with its documented filters), and the
//! `/jobs/changes` window follower ([`JobChanges`]).
//!
//! Each is a few lines over the generated builder of its operation, so it runs through the
//! same [pipeline](crate::pipeline) as `client.<operation>().send()`. The crate docs' table
//! maps every name here to its operation.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::{FutureExt as _, Stream};
use serde_json::Value;

use crate::paging::{Page, PageRequest, Paginator};
use crate::{Client, Error, types};

/// Applies a [`PageRequest`] to a generated list builder (every list takes `cursor` + `limit`).
macro_rules! with_page {
    ($call:expr, $req:expr) => {{
        let mut call = $call;
        if let Some(cursor) = $req.cursor {
            call = call.cursor(cursor);
        }
        if let Some(limit) = $req.limit {
            call = call.limit(u64::from(limit));
        }
        call
    }};
}

/// Gives a filtered list query the paginator's knobs, so filters come first and paging after:
/// `client.proposals(id).status(..).limit(50).items()`.
macro_rules! paged_query {
    ($query:ident => $item:ty) => {
        impl $query {
            /// This query as the facade's one [`Paginator`].
            pub fn paginate(self) -> Paginator<$item> {
                self.into()
            }
            /// See [`Paginator::limit`].
            pub fn limit(self, limit: u32) -> Paginator<$item> {
                self.paginate().limit(limit)
            }
            /// See [`Paginator::max_items`].
            pub fn max_items(self, max: u64) -> Paginator<$item> {
                self.paginate().max_items(max)
            }
            /// See [`Paginator::start_at`].
            pub fn start_at(self, cursor: impl Into<String>) -> Paginator<$item> {
                self.paginate().start_at(cursor)
            }
            /// See [`Paginator::pages`].
            pub fn pages(
                self,
            ) -> impl Stream<Item = Result<Page<$item>, Error>> + Send + Unpin + 'static {
                self.paginate().pages()
            }
            /// See [`Paginator::items`].
            pub fn items(
                self,
            ) -> impl Stream<Item = Result<$item, Error>> + Send + Unpin + 'static {
                self.paginate().items()
            }
            /// See [`Paginator::collect_all`].
            pub async fn collect_all(self) -> Result<Vec<$item>, Error> {
                self.paginate().collect_all().await
            }
        }
    };
}

/// `GET /jobs`: the public marketplace, tokenless. Built by [`Client::search`].
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until paged"]
pub struct JobSearch {
    client: Client,
    q: Option<String>,
    category: Option<String>,
    language: Option<String>,
    country: Option<String>,
    pay_type: Option<types::PaymentType>,
}

impl JobSearch {
    /// Free-text query.
    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.q = Some(q.into());
        self
    }
    /// Category filter (a value from [`Client::job_facets`]).
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }
    /// Language filter.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }
    /// Country filter.
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = Some(country.into());
        self
    }
    /// Pay type filter.
    pub fn pay_type(mut self, pay_type: impl Into<types::PaymentType>) -> Self {
        self.pay_type = Some(pay_type.into());
        self
    }
}

impl From<JobSearch> for Paginator<types::JobSummary> {
    fn from(q: JobSearch) -> Self {
        let client = q.client.clone();
        Paginator::new(
            &client,
            move |client, req: PageRequest| {
                let q = q.clone();
                async move {
                    let mut call = with_page!(client.search_jobs(), req);
                    if let Some(v) = q.q {
                        call = call.q(v);
                    }
                    if let Some(v) = q.category {
                        call = call.category(v);
                    }
                    if let Some(v) = q.language {
                        call = call.language(v);
                    }
                    if let Some(v) = q.country {
                        call = call.country(v);
                    }
                    if let Some(v) = q.pay_type {
                        call = call.pay_type(v);
                    }
                    call.send().await
                }
            },
            |page: types::JobSearchPage| Page::new(page.jobs, page.next_cursor, None),
        )
    }
}
paged_query!(JobSearch => types::JobSummary);

/// `GET /jobs/mine`: your own jobs. Built by [`Client::my_jobs`].
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until paged"]
pub struct MyJobs {
    client: Client,
    status: Option<types::JobStatus>,
}

impl MyJobs {
    /// Only jobs in this status (`DRAFT`, `OPEN`, ...).
    pub fn status(mut self, status: impl Into<types::JobStatus>) -> Self {
        self.status = Some(status.into());
        self
    }
}

impl From<MyJobs> for Paginator<types::MyJob> {
    fn from(q: MyJobs) -> Self {
        let client = q.client.clone();
        Paginator::new(
            &client,
            move |client, req: PageRequest| {
                let status = q.status.clone();
                async move {
                    let mut call = with_page!(client.list_my_jobs(), req);
                    if let Some(v) = status {
                        call = call.status(v);
                    }
                    call.send().await
                }
            },
            |page: types::MyJobPage| Page::new(page.jobs, page.next_cursor, None),
        )
    }
}
paged_query!(MyJobs => types::MyJob);

/// `GET /jobs/{id}/proposals`: proposals on one of your jobs. Built by [`Client::proposals`].
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until paged"]
pub struct JobProposals {
    client: Client,
    job_id: String,
    status: Option<types::ProposalStatus>,
}

impl JobProposals {
    /// Only proposals in this status (`UNREVIEWED`, `SHORTLISTED`, ...).
    pub fn status(mut self, status: impl Into<types::ProposalStatus>) -> Self {
        self.status = Some(status.into());
        self
    }
}

impl From<JobProposals> for Paginator<types::JobProposal> {
    fn from(q: JobProposals) -> Self {
        let client = q.client.clone();
        Paginator::new(
            &client,
            move |client, req: PageRequest| {
                let (job_id, status) = (q.job_id.clone(), q.status.clone());
                async move {
                    let mut call = with_page!(client.list_job_proposals().id(job_id), req);
                    if let Some(v) = status {
                        call = call.status(v);
                    }
                    call.send().await
                }
            },
            |page: types::JobProposalPage| Page::new(page.proposals, page.next_cursor, None),
        )
    }
}
paged_query!(JobProposals => types::JobProposal);

/// `GET /messages` in list mode: your conversations, newest activity first. Built by
/// [`Client::conversations`].
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until paged"]
pub struct Conversations {
    client: Client,
    filter: Option<types::ConversationFilter>,
    unread_only: Option<bool>,
}

impl Conversations {
    /// `all` (default), `job` (post-hire threads and channels) or `proposal` (pre-hire threads).
    pub fn filter(mut self, filter: impl Into<types::ConversationFilter>) -> Self {
        self.filter = Some(filter.into());
        self
    }
    /// Only conversations with unread messages.
    pub fn unread_only(mut self, unread_only: bool) -> Self {
        self.unread_only = Some(unread_only);
        self
    }
}

impl From<Conversations> for Paginator<types::ConversationSummary> {
    fn from(q: Conversations) -> Self {
        let client = q.client.clone();
        Paginator::new(
            &client,
            move |client, req: PageRequest| {
                let (filter, unread_only) = (q.filter.clone(), q.unread_only);
                async move {
                    let mut call = with_page!(client.list_messages(), req);
                    if let Some(v) = filter {
                        call = call.filter(v);
                    }
                    if let Some(v) = unread_only {
                        call = call.unread_only(v);
                    }
                    call.send().await
                }
            },
            |page: types::MessagesPage| Page::new(page.conversations, page.next_cursor, None),
        )
    }
}
paged_query!(Conversations => types::ConversationSummary);

/// `GET /messages?conversationId=...` (message mode): one conversation's messages, paged
/// `older` (default) or `newer` from the cursor. Built by [`Client::messages`].
///
/// The docs do not name the array key of message mode (only list mode has an example), so the
/// messages are read from a `messages` key when present, else from the one array-valued key
/// that is not `conversations`; each entry decodes as [`types::Message`]. An entry that does not
/// is a [`Error::Decode`], never silently dropped.
#[derive(Clone, Debug)]
#[must_use = "a query does nothing until paged"]
pub struct ConversationMessages {
    client: Client,
    conversation_id: String,
    direction: Option<types::MessageDirection>,
}

impl ConversationMessages {
    /// `older` (back in time, default) or `newer` (forward, e.g. tailing a thread). Following
    /// `nextCursor` keeps the same direction, as the docs require.
    pub fn direction(mut self, direction: impl Into<types::MessageDirection>) -> Self {
        self.direction = Some(direction.into());
        self
    }
}

/// The message entries of a message-mode page (see [`ConversationMessages`]).
fn message_mode_entries(page: &types::MessagesPage) -> Result<Vec<types::Message>, Error> {
    let entries = page.extra.get("messages").or_else(|| {
        let mut arrays = page.extra.values().filter(|v| v.is_array());
        match (arrays.next(), arrays.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    });
    let Some(Value::Array(entries)) = entries else {
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

impl From<ConversationMessages> for Paginator<types::Message> {
    fn from(q: ConversationMessages) -> Self {
        let client = q.client.clone();
        Paginator::from_fn(move |req: PageRequest| {
            let (client, q) = (client.clone(), q.clone());
            async move {
                let mut call = with_page!(
                    client
                        .list_messages()
                        .conversation_id(q.conversation_id.clone()),
                    req
                );
                if let Some(v) = q.direction.clone() {
                    call = call.direction(v);
                }
                let page = call.send().await?.into_inner();
                let items = message_mode_entries(&page)?;
                Ok(Page::new(items, page.next_cursor, None))
            }
        })
    }
}
paged_query!(ConversationMessages => types::Message);

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
/// let mut changes = client.job_changes(since).catch_up();
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
pub const JOB_CHANGES_CAP: usize = 5_000;

impl JobChanges {
    /// Where the next window starts: persist it to resume later with [`Client::job_changes`].
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

/// The future of a named read: the generated operation's own future, its value (or the one
/// field `unwrap` takes out of it) handed on and its failure turned into [`Error`].
///
/// A combinator rather than an `async fn`: an `async fn` around the operation's future keeps it
/// in a state of its own and copies it, and its result, once more on the way; a named read then
/// costs measurably more than the operation it names (see the facade bench).
pub(crate) fn named_read<W, T, E: serde::Serialize>(
    send: impl Future<Output = Result<opentrain_gen::ResponseValue<W>, opentrain_gen::Error<E>>> + Send,
    unwrap: impl FnOnce(W) -> T + Send,
) -> impl Future<Output = Result<T, Error>> + Send {
    send.map(|sent| match sent {
        Ok(value) => Ok(unwrap(value.into_inner())),
        Err(e) => Err(Error::from(e)),
    })
}

impl Client {
    /// Who the token belongs to: `GET /auth/me` (actor, token scopes, account kind).
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let me = client.me().await?;
    /// if let Some(token) = &me.token {
    ///     println!("token scopes: {:?}", token.scopes);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn me(&self) -> impl Future<Output = Result<types::Me, Error>> + Send {
        named_read(self.get_me().send(), |me| me)
    }

    /// One public job (tokenless): `GET /jobs/{id}`. A job that exists but is no longer listed
    /// (closed, archived) is [`Error::JobNotListed`]; one that never existed an [`Error::Api`]
    /// 404.
    pub fn job(
        &self,
        job_id: &str,
    ) -> impl Future<Output = Result<types::JobSummary, Error>> + Send {
        named_read(self.get_job().id(job_id).send(), |job| job)
    }

    /// Marketplace filter counts (tokenless): `GET /jobs/facets`.
    pub fn job_facets(&self) -> impl Future<Output = Result<types::JobFacets, Error>> + Send {
        named_read(self.get_job_facets().send(), |facets| facets)
    }

    /// Searches the public marketplace (tokenless): `GET /jobs`, paged.
    ///
    /// ```no_run
    /// # use futures::TryStreamExt;
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let jobs = client.search().query("audio transcription").max_items(20).collect_all().await?;
    /// # let _ = jobs; Ok(()) }
    /// ```
    pub fn search(&self) -> JobSearch {
        JobSearch {
            client: self.clone(),
            q: None,
            category: None,
            language: None,
            country: None,
            pay_type: None,
        }
    }

    /// Marketplace changes since a time, window by window: `GET /jobs/changes` (tokenless).
    pub fn job_changes(&self, since: DateTime<Utc>) -> JobChanges {
        JobChanges {
            client: self.clone(),
            since,
        }
    }

    /// Your own jobs, drafts included: `GET /jobs/mine`, paged.
    pub fn my_jobs(&self) -> MyJobs {
        MyJobs {
            client: self.clone(),
            status: None,
        }
    }

    /// Proposals on one of your jobs: `GET /jobs/{id}/proposals`, paged.
    ///
    /// ```no_run
    /// # use futures::TryStreamExt;
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let mut proposals = client.proposals("job_1").status("UNREVIEWED").items();
    /// while let Some(p) = proposals.try_next().await? {
    ///     println!("{:?}", p.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn proposals(&self, job_id: impl Into<String>) -> JobProposals {
        JobProposals {
            client: self.clone(),
            job_id: job_id.into(),
            status: None,
        }
    }

    /// One proposal in full (bid, candidate, interview, verification): `GET /proposals/{id}`.
    pub fn proposal(
        &self,
        proposal_id: &str,
    ) -> impl Future<Output = Result<types::Proposal, Error>> + Send {
        named_read(
            self.get_proposal().proposal_id(proposal_id).send(),
            |wrapper| wrapper.proposal,
        )
    }

    /// Your conversations, newest activity first: `GET /messages` (list mode), paged.
    pub fn conversations(&self) -> Conversations {
        Conversations {
            client: self.clone(),
            filter: None,
            unread_only: None,
        }
    }

    /// One conversation's messages: `GET /messages?conversationId=...` (message mode), paged.
    pub fn messages(&self, conversation_id: impl Into<String>) -> ConversationMessages {
        ConversationMessages {
            client: self.clone(),
            conversation_id: conversation_id.into(),
            direction: None,
        }
    }

    /// Your contracts: `GET /contracts` (one unpaged list).
    pub fn contracts(&self) -> impl Future<Output = Result<Vec<types::Contract>, Error>> + Send {
        named_read(self.list_contracts().send(), |list| list.contracts)
    }

    /// One contract with its milestones: `GET /contracts/{id}`.
    pub fn contract(
        &self,
        contract_id: &str,
    ) -> impl Future<Output = Result<types::Contract, Error>> + Send {
        named_read(
            self.get_contract().contract_id(contract_id).send(),
            |wrapper| wrapper.contract,
        )
    }

    /// A masked public trainer profile: `GET /freelancers/{idOrSlug}`.
    pub fn freelancer(
        &self,
        id_or_slug: &str,
    ) -> impl Future<Output = Result<types::FreelancerProfile, Error>> + Send {
        named_read(
            self.get_freelancer().id_or_slug(id_or_slug).send(),
            |wrapper| wrapper.freelancer,
        )
    }

    /// The credit balance with recent ledger entries: `GET /credits`.
    pub fn credits(&self) -> impl Future<Output = Result<types::CreditsOverview, Error>> + Send {
        named_read(self.get_credits().send(), |credits| credits)
    }

    /// Every credit ledger entry, newest first: `GET /credits/ledger`, paged.
    ///
    /// ```no_run
    /// # use futures::TryStreamExt;
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let entries = client.credit_ledger().limit(100).max_items(1_000).collect_all().await?;
    /// println!("{} entries", entries.len());
    /// # Ok(()) }
    /// ```
    pub fn credit_ledger(&self) -> Paginator<types::CreditLedgerEntry> {
        Paginator::new(
            self,
            |client, req: PageRequest| async move {
                with_page!(client.list_credit_ledger(), req).send().await
            },
            |page: types::CreditLedgerPage| Page::new(page.entries, page.next_cursor, None),
        )
    }

    /// The account's event feed, oldest first: `GET /updates`, paged until `hasMore: false`.
    ///
    /// Start after a stored cursor with [`Paginator::start_at`]. An empty page echoes the cursor
    /// it was sent and says `hasMore: false`, so the stream ends instead of spinning.
    pub fn updates(&self) -> Paginator<types::PlatformEvent> {
        Paginator::new(
            self,
            |client, req: PageRequest| async move {
                with_page!(client.poll_updates(), req).send().await
            },
            |page: types::UpdatesPage| {
                // An empty page echoes the cursor it was sent; without `hasMore` (optional in
                // the spec) that echo means "caught up", not a repeated cursor.
                let has_more = page
                    .has_more
                    .or_else(|| page.events.is_empty().then_some(false));
                Page::new(page.events, page.next_cursor, has_more)
            },
        )
    }
}

#[cfg(test)]
mod send_checks {
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn named_methods_give_send_futures_and_streams() {
        let client = crate::Client::builder().build().unwrap();
        assert_send(&client.me());
        assert_send(&client.job("job_1"));
        assert_send(&client.proposal("p_1"));
        assert_send(&client.search().query("x").items());
        assert_send(&client.proposals("job_1").status("HIRED").pages());
        assert_send(&client.messages("c_1").items());
        let mut changes = client.job_changes(chrono::Utc::now());
        assert_send(&changes.next_window());
        assert_send(&changes.clone().catch_up());
    }

    #[test]
    fn workflow_calls_give_send_futures() {
        let client = crate::Client::builder().build().unwrap();
        assert_send(&client.create_draft("Label 1,000 images."));
        assert_send(&client.update_draft("job_1", crate::types::JobFieldsPatch::default()));
        assert_send(&client.publish_job("job_1"));
        assert_send(&client.capabilities());
        assert_send(
            &client
                .hire_from_proposal("p_1", crate::approvals::Milestone::usd(10.0))
                .send(),
        );
        assert_send(&client.fund_milestone("m_1"));
        assert_send(&client.approve_milestone("m_1"));
        assert_send(&client.end_contract("c_1"));
        assert_send(&client.approval("a_1"));
        assert_send(&client.follow_updates(crate::updates::MemoryCursorStore::new()));
    }
}
