//! The four agent-auth endpoints under `/api/agent/...`: anonymous registration, the claim
//! ceremony (claim start and the token poll of the claim grant) and revocation by value. They
//! are not part of `openapi.json`, so they answer the reference's exact snake_case wire JSON
//! with serde structs of their own, and their errors use the OAuth shape
//! `{"error", "error_description"}`. The scripted human who finishes a claim, and the test
//! controls over claims, live here too.

mod claim;
mod register;
mod token;

pub(crate) use claim::{confirm_registration, start_claim};
pub(crate) use register::register;
pub(crate) use token::{revoke, token};

use std::collections::HashMap;

use axum::Form;
use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::errors::OAuthError;
use crate::sandbox::{ControlError, Sandbox};

/// The grant type of the claim token exchange.
pub(crate) const CLAIM_GRANT_TYPE: &str = "urn:opentrain:agent-auth:grant-type:claim";

/// How long a claim token stays usable after registration (the docs' "~24 h" window).
const CLAIM_WINDOW_HOURS: i64 = 24;

/// How long one claim attempt (one `user_code`) lives: the documented `expires_in`.
const ATTEMPT_SECONDS: i64 = 1800;

/// One anonymous registration and its claim state.
#[derive(Clone, Debug)]
pub(crate) struct Registration {
    pub(crate) id: String,
    pub(crate) account_id: String,
    pub(crate) agent_name: Option<String>,
    pub(crate) claim_token: String,
    pub(crate) window_ends: DateTime<Utc>,
    pub(crate) attempt: Option<Attempt>,
    /// The post-claim token, minted when the human confirmed, until the agent picks it up.
    pub(crate) issued: Option<String>,
    /// Whether the post-claim token was handed out (it is delivered once).
    pub(crate) delivered: bool,
    /// The claim-attempt tokens of earlier attempts, replaced by a newer claim start (their
    /// claim page says so).
    pub(crate) superseded: Vec<String>,
}

impl Registration {
    /// Whether the human finished the claim.
    pub(crate) fn claimed(&self) -> bool {
        self.issued.is_some() || self.delivered
    }

    /// Whether the claim window or the current attempt's lifetime has passed at `now`.
    pub(crate) fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.window_ends || self.attempt.as_ref().is_some_and(|a| now >= a.expires_at)
    }
}

/// Why the human could not finish a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClaimRefusal {
    /// The claim is already finished.
    AlreadyClaimed,
    /// The attempt's 30 minutes or the 24-hour claim window have passed.
    Expired,
}

/// One claim attempt: what `POST /api/agent/identity/claim` started.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    /// The `ot_cat_` claim-attempt token inside `verification_uri` (it ties the claim page to
    /// this attempt).
    pub(crate) token: String,
    pub(crate) user_code: String,
    pub(crate) email: String,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) last_poll: Option<DateTime<Utc>>,
    pub(crate) pending_polls: u32,
}

/// A claim as the test controls see it ([`Sandbox::claims`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimSummary {
    /// The registration's `registration_id`.
    pub registration_id: String,
    /// The id of the account the registration created.
    pub account_id: String,
    /// The `agent_name` sent at registration, if any.
    pub agent_name: Option<String>,
    /// The 6-digit code of the latest claim attempt, if a claim was started.
    pub user_code: Option<String>,
    /// The email the latest claim attempt was started for.
    pub email: Option<String>,
    /// Whether the latest attempt's 30-minute lifetime or the 24-hour claim window has passed.
    pub expired: bool,
    /// How many token polls the latest attempt answered with `authorization_pending`.
    pub pending_polls: u32,
    /// Whether the human finished the claim (the account is claimed).
    pub claimed: bool,
    /// Whether the post-claim token was handed out.
    pub token_delivered: bool,
}

fn bad(error: &'static str, description: impl Into<String>) -> OAuthError {
    OAuthError::bad(error, description)
}

fn not_enabled() -> OAuthError {
    OAuthError {
        status: StatusCode::FORBIDDEN,
        error: "anonymous_not_enabled",
        description: Some(
            "Anonymous agent registration is not enabled in this environment.".into(),
        ),
    }
}

/// The JSON object of an agent-auth body (`{}` when empty), else `invalid_request`.
fn json_object(body: &Bytes) -> Result<serde_json::Map<String, serde_json::Value>, OAuthError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(bad(
            "invalid_request",
            "The request body must be a JSON object.",
        )),
    }
}

/// An optional string field: absent or null is `None`, a non-string is `invalid_request`.
fn optional_string(
    body: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<Option<String>, OAuthError> {
    match body.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(bad("invalid_request", format!("`{key}` must be a string."))),
    }
}

/// The fields of a form body (a missing or non-form body is `invalid_request`).
fn form_fields(
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<HashMap<String, String>, OAuthError> {
    form.map(|Form(fields)| fields).map_err(|e| {
        bad(
            "invalid_request",
            format!("The body must be application/x-www-form-urlencoded: {e}"),
        )
    })
}

impl Sandbox {
    /// The scripted human finishes the claim whose current attempt shows `user_code`: the
    /// account is claimed at once (its pre-claim tokens stop working) and the agent's next
    /// token poll receives the post-claim token.
    ///
    /// Errors: [`ControlError::NotFound`] for an unknown code, [`ControlError::InvalidState`]
    /// when the attempt or the claim window has expired or the claim is already finished.
    pub fn confirm_claim(&self, user_code: &str) -> Result<(), ControlError> {
        let now = self.app.now();
        let mut st = self.app.state();
        let index = st
            .agents
            .registrations
            .iter()
            .rposition(|r| r.attempt.as_ref().is_some_and(|a| a.user_code == user_code))
            .ok_or_else(|| ControlError::NotFound {
                kind: "claim",
                id: user_code.to_owned(),
            })?;
        confirm_registration(&mut st, index, now).map_err(|refusal| {
            ControlError::InvalidState(match refusal {
                ClaimRefusal::AlreadyClaimed => {
                    format!("the claim with code {user_code} is already finished")
                }
                ClaimRefusal::Expired => {
                    format!("the claim attempt with code {user_code} has expired")
                }
            })
        })
    }

    /// Every registration and the state of its claim, oldest first.
    pub fn claims(&self) -> Vec<ClaimSummary> {
        let now = self.app.now();
        let st = self.app.state();
        st.agents
            .registrations
            .iter()
            .map(|r| ClaimSummary {
                registration_id: r.id.clone(),
                account_id: r.account_id.clone(),
                agent_name: r.agent_name.clone(),
                user_code: r.attempt.as_ref().map(|a| a.user_code.clone()),
                email: r.attempt.as_ref().map(|a| a.email.clone()),
                expired: r.expired(now),
                pending_polls: r.attempt.as_ref().map_or(0, |a| a.pending_polls),
                claimed: r.claimed(),
                token_delivered: r.delivered,
            })
            .collect()
    }
}
