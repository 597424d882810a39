//! Credits: `GET /credits` (balance and recent entries), `GET /credits/ledger` (cursor pages,
//! newest first), `POST /credits/top-ups` (dollars in, a PENDING top-up in cents out) and
//! `GET /credits/top-ups/{topUpId}` (lazily expiring). Also the ledger helper other families
//! can call to record holds and captures, and the controls that play the paying human.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    CreatedTopUp, CreditLedgerEntry, CreditLedgerEntryType, CreditLedgerPage, CreditTopUp,
    CreditTopUpResponse, CreditTopUpStatus, CreditsBalance, CreditsOverview, Scope, builder,
};

use crate::Feature;
use crate::app::{App, State as Records};
use crate::clock::hours;
use crate::errors::ApiError;
use crate::routes::{Params, limit, object, ok, page, params, with_status};
use crate::sandbox::{ControlError, Sandbox};

/// How many entries `GET /credits` shows in `recentEntries` (the docs do not say).
const RECENT_ENTRIES: usize = 5;

/// How long an unpaid checkout link lives (the docs' "about 24 h").
const TOP_UP_TTL_HOURS: i64 = 24;

/// The smallest and largest top-up, in dollars.
const TOP_UP_RANGE_USD: (f64, f64) = (10.0, 10_000.0);

/// The documented hand-off message of a new top-up.
const TOP_UP_MESSAGE: &str = "Top-up created. Show checkoutUrl to your human so they can \
complete the payment; then poll the top-up until it is COMPLETED.";

/// Credit records of every account.
#[derive(Debug, Default)]
pub(crate) struct Credits {
    /// Ledger entries, oldest first.
    pub(crate) ledger: Vec<(String, CreditLedgerEntry)>,
    /// Top-ups, oldest first, each with its account.
    pub(crate) top_ups: Vec<(String, CreditTopUp)>,
}

/// Appends `entry` to `account_id`'s ledger, giving it a fresh id and `createdAt = now` (the
/// id and time in `entry` are replaced). Returns the entry id; errors (recording nothing) only
/// if the entry lacks a required key.
pub(crate) fn add_ledger_entry(
    st: &mut Records,
    account_id: &str,
    entry: builder::CreditLedgerEntry,
    now: DateTime<Utc>,
) -> Result<String, ConversionError> {
    let id = st.next_id("cle");
    let entry = CreditLedgerEntry::try_from(entry.id(id.clone()).created_at(Some(now)))?;
    st.agents
        .credits
        .ledger
        .push((account_id.to_owned(), entry));
    Ok(id)
}

/// A ledger entry of `kind` and `amount_cents` with no links (its id and time are left to
/// [`add_ledger_entry`]).
pub(crate) fn plain_entry(
    kind: CreditLedgerEntryType,
    amount_cents: i64,
) -> builder::CreditLedgerEntry {
    CreditLedgerEntry::builder()
        .amount_cents(amount_cents)
        .type_(kind)
}

/// An account's available and reserved credits in cents. The docs give the meaning of each
/// entry type but not the arithmetic; the sandbox computes: available = the sum of every signed
/// `amountCents` except `CAPTURE` (held funds paid out leave escrow, not the available balance);
/// reserved = the held amounts (`-HOLD`) less released ones (`HOLD_RELEASE`) and captured ones
/// (`|CAPTURE|`), never below zero.
pub(crate) fn available_and_reserved(st: &Records, account_id: &str) -> (i64, i64) {
    let mut available = 0i64;
    let mut reserved = 0i64;
    let entries = st
        .agents
        .credits
        .ledger
        .iter()
        .filter(|(owner, _)| owner == account_id)
        .map(|(_, entry)| entry);
    for entry in entries {
        match entry.type_ {
            CreditLedgerEntryType::Capture => {
                reserved = reserved.saturating_sub(entry.amount_cents.saturating_abs());
            }
            CreditLedgerEntryType::Hold => {
                available = available.saturating_add(entry.amount_cents);
                reserved = reserved.saturating_add(entry.amount_cents.saturating_neg());
            }
            CreditLedgerEntryType::HoldRelease => {
                available = available.saturating_add(entry.amount_cents);
                reserved = reserved.saturating_sub(entry.amount_cents);
            }
            _ => available = available.saturating_add(entry.amount_cents),
        }
    }
    (available, reserved.max(0))
}

/// The balance of `account_id`, with its most recent ledger entries.
fn balance(st: &Records, account_id: &str) -> builder::CreditsBalance {
    let (available, reserved) = available_and_reserved(st, account_id);
    let recent_entries = st
        .agents
        .credits
        .ledger
        .iter()
        .rev()
        .filter(|(owner, _)| owner == account_id)
        .take(RECENT_ENTRIES)
        .map(|(_, entry)| entry.clone())
        .collect::<Vec<_>>();
    CreditsBalance::builder()
        .available_cents(available)
        .currency(Some("usd".to_owned()))
        .recent_entries(recent_entries)
        .reserved_cents(reserved)
}

/// `GET /credits`: `payments:read` + `public_api_credits`; all zeros for an account that never
/// used credits.
pub(crate) async fn get_credits(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    st.require_feature(Feature::Credits)?;
    ok(&CreditsOverview::try_from(
        CreditsOverview::builder().credits(balance(&st, &p.account_id)),
    )?)
}

/// `GET /credits/ledger?cursor&limit`: newest first, `limit` 1–100 (default 50); the cursor is
/// the id of the last entry of the previous page, `nextCursor` is absent at the end.
pub(crate) async fn list_ledger(
    State(app): State<App>,
    headers: HeaderMap,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    st.require_feature(Feature::Credits)?;
    let limit = limit(&params, 50, 100)?;
    let items: Vec<(String, CreditLedgerEntry)> = st
        .agents
        .credits
        .ledger
        .iter()
        .rev()
        .filter(|(owner, _)| *owner == p.account_id)
        .map(|(_, entry)| (entry.id.clone(), entry.clone()))
        .collect();
    let (entries, next_cursor) = page(items, params.get("cursor").map(String::as_str), limit)?;
    ok(&CreditLedgerPage::try_from(
        CreditLedgerPage::builder()
            .entries(entries)
            .next_cursor(next_cursor),
    )?)
}

/// The amount of a top-up body: `amountUsd` (or its alias `amount`), a number of dollars from
/// 10 to 10,000; else 400 `{field: "amountUsd"}`.
fn amount_usd(body: &serde_json::Map<String, serde_json::Value>) -> Result<f64, ApiError> {
    let invalid = || {
        ApiError::bad_field(
            "amountUsd",
            "amountUsd must be a number of US dollars from 10 to 10,000.",
        )
    };
    let value = body
        .get("amountUsd")
        .or_else(|| body.get("amount"))
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(invalid)?;
    let (min, max) = TOP_UP_RANGE_USD;
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(invalid())
    }
}

/// `POST /credits/top-ups` `{amountUsd}`: a claimed account (checked first, as for team
/// invites) + `payments:write` + `public_api_credits`. Creates a PENDING top-up (201) whose link expires in 24 h. Nothing is charged: the
/// sandbox's `checkoutUrl` points at an unserved sandbox path, and
/// [`Sandbox::complete_top_up`] plays the human who pays.
pub(crate) async fn create_top_up(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require_claimed("create credit top-ups")?;
    p.require(Scope::PaymentsWrite)?;
    st.require_feature(Feature::Credits)?;
    let body = object(&body, false)?;
    let usd = amount_usd(&body)?;
    let id = st.next_id("ctu");
    let expires_at = now + hours(TOP_UP_TTL_HOURS);
    let top_up = CreditTopUp::try_from(
        CreditTopUp::builder()
            .amount_cents(Some((usd * 100.0).round() as i64))
            .created_at(Some(now))
            .expires_at(Some(expires_at))
            .id(id.clone())
            .status(CreditTopUpStatus::Pending),
    )?;
    st.agents
        .credits
        .top_ups
        .push((p.account_id.clone(), top_up.clone()));
    drop(st);
    with_status(
        StatusCode::CREATED,
        &CreatedTopUp::try_from(
            CreatedTopUp::builder()
                .checkout_url(app.url(&format!("/checkout/{id}")))
                .expires_at(Some(expires_at))
                .message(Some(TOP_UP_MESSAGE.to_owned()))
                .top_up(top_up)
                .top_up_id(id),
        )?,
    )
}

/// Flips a PENDING top-up past its `expiresAt` to EXPIRED (the docs: it changes on read).
fn expire_if_due(top_up: &mut CreditTopUp, now: DateTime<Utc>) {
    if top_up.status == CreditTopUpStatus::Pending && top_up.expires_at.is_some_and(|at| now >= at)
    {
        top_up.status = CreditTopUpStatus::Expired;
    }
}

/// `GET /credits/top-ups/{topUpId}`: `payments:read` + `public_api_credits`; another
/// account's top-up is a 404.
pub(crate) async fn get_top_up(
    State(app): State<App>,
    headers: HeaderMap,
    Path(top_up_id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    st.require_feature(Feature::Credits)?;
    let top_up = st
        .agents
        .credits
        .top_ups
        .iter_mut()
        .find(|(owner, t)| *owner == p.account_id && t.id == top_up_id)
        .map(|(_, t)| t)
        .ok_or_else(|| {
            ApiError::not_found("credit-top-ups", "No such top-up.")
                .with(|d| d.top_up_id = Some(top_up_id.clone()))
        })?;
    expire_if_due(top_up, now);
    ok(&CreditTopUpResponse::try_from(
        CreditTopUpResponse::builder().top_up(top_up.clone()),
    )?)
}

impl Sandbox {
    /// The human pays top-up `top_up_id`: it becomes COMPLETED and a `TOP_UP` ledger entry
    /// adds its amount to the available balance.
    ///
    /// Errors: [`ControlError::NotFound`] for an unknown id, [`ControlError::InvalidState`]
    /// when the top-up is not PENDING (or its link has expired).
    pub fn complete_top_up(&self, top_up_id: &str) -> Result<(), ControlError> {
        self.app.complete_top_up(top_up_id)
    }

    /// Records an `ADJUSTMENT` of `amount_cents` (signed) on the seeded account's ledger, as
    /// a manual correction by OpenTrain would; returns the entry id.
    ///
    /// Errors: [`ControlError::InvalidState`] only if the sandbox could not build the entry (it
    /// sets every required key, so this does not happen in practice).
    pub fn adjust_credits(
        &self,
        amount_cents: i64,
        note: Option<&str>,
    ) -> Result<String, ControlError> {
        let now = self.app.now();
        let mut st = self.app.state();
        let entry = plain_entry(CreditLedgerEntryType::Adjustment, amount_cents)
            .note(note.map(str::to_owned));
        let owner = self.owner_account.clone();
        Ok(add_ledger_entry(&mut st, &owner, entry, now)?)
    }
}

/// The human paying at a top-up's `checkoutUrl`: shared by [`Sandbox::complete_top_up`] and the
/// checkout page.
impl App {
    /// Completes a PENDING top-up: the credits land on the account's ledger (`TOP_UP` entry).
    pub(crate) fn complete_top_up(&self, top_up_id: &str) -> Result<(), ControlError> {
        let now = self.now();
        let mut st = self.state();
        let (account_id, top_up) = st
            .agents
            .credits
            .top_ups
            .iter_mut()
            .find(|(_, t)| t.id == top_up_id)
            .ok_or_else(|| ControlError::NotFound {
                kind: "top-up",
                id: top_up_id.to_owned(),
            })?;
        expire_if_due(top_up, now);
        if top_up.status != CreditTopUpStatus::Pending {
            return Err(ControlError::InvalidState(format!(
                "top-up {top_up_id} is {}, not PENDING",
                top_up.status
            )));
        }
        top_up.status = CreditTopUpStatus::Completed;
        top_up.completed_at = Some(now);
        let account_id = account_id.clone();
        let entry = plain_entry(
            CreditLedgerEntryType::TopUp,
            top_up.amount_cents.unwrap_or(0),
        )
        .top_up_id(Some(top_up_id.to_owned()));
        add_ledger_entry(&mut st, &account_id, entry, now)?;
        Ok(())
    }
}
