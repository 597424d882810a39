//! Thin named methods on [`Client`], only where a name adds meaning over [`Client::call`]:
//! the identity check, balances, and one [`Paginator`] per cursor list of the API.
//!
//! Everything here is a few lines over the raw client: each method runs through the same
//! request path (auth, retries, error decoding) as `call`, and each list is the one generic
//! [`Paginator`] configured for that endpoint. Operations without a method here stay one
//! `client.call(async |raw| raw.<operation>()...send().await)` away.

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
    pub async fn me(&self) -> Result<types::Me, Error> {
        self.call(async |raw| raw.get_me().send().await).await
    }

    /// The credit balance with recent ledger entries: `GET /credits`.
    pub async fn credits(&self) -> Result<types::CreditsOverview, Error> {
        self.call(async |raw| raw.get_credits().send().await).await
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
            |raw, req: PageRequest| async move {
                with_page!(raw.list_credit_ledger(), req).send().await
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
            |raw, req: PageRequest| async move { with_page!(raw.poll_updates(), req).send().await },
            |page: types::UpdatesPage| Page::new(page.events, page.next_cursor, page.has_more),
        )
    }
}
