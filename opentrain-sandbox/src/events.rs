//! The account event log: every `PlatformEvent` the sandbox records, the `GET /updates` feed
//! that reads it, and the hook webhook delivery follows.
//!
//! Handlers call [`State::record_event`] whenever the documented events would fire (a proposal
//! lands, a hire completes, an approval reaches a terminal state, ...). Ids are numeric strings
//! that only grow, so they double as the `/updates` cursor, exactly as the docs describe.

use axum::extract::State as AxumState;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    EventType, PlatformEvent, PlatformEventData, Scope, UpdatesPage, builder,
};

use crate::app::{App, State, covers};
use crate::errors::ApiError;
use crate::routes::{Params, limit, ok, params};

/// The first event id (ids are numeric strings that only grow, like the real feed's).
const FIRST_EVENT_ID: u64 = 1001;

/// One recorded event and the account it belongs to.
#[derive(Clone, Debug)]
pub(crate) struct Logged {
    pub(crate) account_id: String,
    pub(crate) event: PlatformEvent,
}

/// The event log of every account, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Events {
    pub(crate) log: Vec<Logged>,
}

impl Events {
    /// The numeric value of an event id or cursor.
    fn position(id: &str) -> Option<u64> {
        id.trim().parse().ok()
    }
}

/// The scope a token needs to see events of `event_type` (the catalog's "Required scope").
pub(crate) fn scope_of(event_type: &EventType) -> Scope {
    match event_type {
        EventType::ProposalReceived | EventType::ProposalStatusChanged => Scope::ProposalsRead,
        EventType::MessageReceived => Scope::MessagesRead,
        _ => Scope::PaymentsRead,
    }
}

impl State {
    /// Records an event for `account_id` and returns its id. `data` carries ids only, as the
    /// catalog documents per type. Errors only if building the generated event type fails (it
    /// has every required key here), in which case nothing is recorded.
    pub(crate) fn record_event(
        &mut self,
        account_id: &str,
        event_type: EventType,
        resource_id: &str,
        job_id: Option<&str>,
        data: builder::PlatformEventData,
        now: DateTime<Utc>,
    ) -> Result<String, ConversionError> {
        let id = (FIRST_EVENT_ID + self.events.log.len() as u64).to_string();
        let event = PlatformEvent::try_from(
            PlatformEvent::builder()
                .api_version(Some("v1".to_owned()))
                .created_at(Some(now))
                .data(Some(PlatformEventData::try_from(data)?))
                .id(id.clone())
                .job_id(job_id.map(str::to_owned))
                .resource_id(Some(resource_id.to_owned()))
                .type_(event_type),
        )?;
        self.events.log.push(Logged {
            account_id: account_id.to_owned(),
            event,
        });
        Ok(id)
    }
}

/// `GET /updates`: the account's events after `cursor`, oldest first, filtered to the types
/// the token's scopes can read (the rest are dropped silently, as documented). A token with
/// none of `proposals:read`, `messages:read`, `payments:read` gets 403.
pub(crate) async fn poll_updates(
    AxumState(app): AxumState<App>,
    headers: HeaderMap,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, principal, _) = app.signed_in(&headers)?;
    let readable = [
        Scope::ProposalsRead,
        Scope::MessagesRead,
        Scope::PaymentsRead,
    ];
    if !readable.iter().any(|s| covers(&principal.scopes, s)) {
        return Err(ApiError::missing_scope(&readable, &principal.scopes));
    }
    let limit = limit(&params, 50, 200)?;
    let cursor = params
        .get("cursor")
        .filter(|c| !c.trim().is_empty())
        .cloned();
    let after = match &cursor {
        None => 0,
        Some(c) => Events::position(c).ok_or_else(|| {
            ApiError::bad_field("cursor", "The cursor must be a numeric event id.")
        })?,
    };
    let mut visible = st.events.log.iter().filter(|logged| {
        logged.account_id == principal.account_id
            && Events::position(&logged.event.id).is_some_and(|p| p > after)
            && covers(&principal.scopes, &scope_of(&logged.event.type_))
    });
    let events: Vec<PlatformEvent> = visible
        .by_ref()
        .take(limit)
        .map(|l| l.event.clone())
        .collect();
    let has_more = visible.next().is_some();
    // An empty page echoes the cursor it was given.
    let next_cursor = events.last().map(|e| e.id.clone()).or(cursor);
    ok(&UpdatesPage::try_from(
        UpdatesPage::builder()
            .events(events)
            .has_more(Some(has_more))
            .next_cursor(next_cursor),
    )?)
}
