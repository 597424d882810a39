//! The four agent-auth endpoints under `/api/agent/...`: anonymous registration, the claim
//! ceremony (claim start and the token poll of the claim grant) and revocation by value. They
//! are not part of `openapi.json`, so they answer the reference's exact snake_case wire JSON
//! with serde structs of their own, and their errors use the OAuth shape
//! `{"error", "error_description"}`. The scripted human who finishes a claim, and the test
//! controls over claims, live here too.

use std::collections::HashMap;

use axum::Form;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{iso, valid_email};
use crate::app::{App, POST_CLAIM_SCOPES, PRE_CLAIM_SCOPES, State as Records, random_hex};
use crate::clock::{hours, secs};
use crate::errors::{OAuthError, json};
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

/// The success body of `POST /api/agent/identity`.
#[derive(Serialize)]
struct RegisteredBody {
    identity_type: &'static str,
    registration_id: String,
    access_token: String,
    token_type: &'static str,
    scopes: Vec<String>,
    claim_token: String,
    claim_token_expires_at: String,
    claim_endpoint: String,
    token_endpoint: String,
    grant_type: &'static str,
}

/// `POST /api/agent/identity`: creates an unclaimed account with a pre-claim token and a claim
/// token. Every body field is optional (`{}` and an empty body are accepted). The docs do not
/// state the success status; the sandbox answers 200. Without `organization_name` the account
/// is named "Agent organization" (the docs state no default).
pub(crate) async fn register(State(app): State<App>, body: Bytes) -> Result<Response, OAuthError> {
    if !app.inner.config.anonymous_registration {
        return Err(not_enabled());
    }
    let body = json_object(&body)?;
    if let Some(kind) = optional_string(&body, "identity_type")?
        && kind != "anonymous"
    {
        return Err(bad(
            "unsupported_identity_type",
            format!("identity_type `{kind}` is not supported; only `anonymous` is."),
        ));
    }
    let agent_name = optional_string(&body, "agent_name")?;
    let organization_name = optional_string(&body, "organization_name")?
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "Agent organization".to_owned());
    let now = app.now();
    let mut st = app.state();
    let account_id = st.add_account(&organization_name, false);
    let token_name = agent_name
        .clone()
        .unwrap_or_else(|| "Agent token".to_owned());
    let access_token = st.mint_token(
        &account_id,
        &token_name,
        PRE_CLAIM_SCOPES.to_vec(),
        None,
        now,
    );
    let registration_id = st.next_id("reg");
    let claim_token = format!("ot_clm_{}", random_hex(24));
    let window_ends = now + hours(CLAIM_WINDOW_HOURS);
    st.agents.registrations.push(Registration {
        id: registration_id.clone(),
        account_id,
        agent_name,
        claim_token: claim_token.clone(),
        window_ends,
        attempt: None,
        issued: None,
        delivered: false,
        superseded: Vec::new(),
    });
    drop(st);
    Ok(json(
        StatusCode::OK,
        &RegisteredBody {
            identity_type: "anonymous",
            registration_id,
            access_token,
            token_type: "bearer",
            scopes: PRE_CLAIM_SCOPES
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            claim_token,
            claim_token_expires_at: iso(window_ends),
            claim_endpoint: app.url("/api/agent/identity/claim"),
            token_endpoint: app.url("/api/agent/oauth/token"),
            grant_type: CLAIM_GRANT_TYPE,
        },
    ))
}

/// The success body of `POST /api/agent/identity/claim`.
#[derive(Serialize)]
struct ClaimStartedBody {
    user_code: String,
    verification_uri: String,
    expires_in: i64,
    interval: u64,
    email_sent: bool,
}

/// `POST /api/agent/identity/claim`: starts (or restarts, with a new code) the claim ceremony
/// for `{claim_token, email}`. Every failure is `invalid_request`, as documented; an email that
/// already belongs to an account says `email_already_registered` in `error_description`.
///
/// The sandbox sends no mail: `verification_uri` points at the sandbox's own claim page
/// (`/claim?token=ot_cat_...`, see `routes/pages/claim.rs`), where a person types the code, and
/// `email_sent` is `true` because that page, the scripted human or [`Sandbox::confirm_claim`]
/// stand in for the mailbox.
pub(crate) async fn start_claim(
    State(app): State<App>,
    body: Bytes,
) -> Result<Response, OAuthError> {
    if !app.inner.config.anonymous_registration {
        return Err(not_enabled());
    }
    let body = json_object(&body)?;
    let claim_token = optional_string(&body, "claim_token")?
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("invalid_request", "`claim_token` is required."))?;
    let email = optional_string(&body, "email")?
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| bad("invalid_request", "`email` is required."))?;
    if !valid_email(&email) {
        return Err(bad(
            "invalid_request",
            "`email` is not a valid email address.",
        ));
    }
    let now = app.now();
    let mut st = app.state();
    let taken = st.accounts.iter().any(|a| {
        a.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&email))
    });
    let registration = st
        .agents
        .registrations
        .iter()
        .position(|r| r.claim_token == claim_token)
        .ok_or_else(|| bad("invalid_request", "The claim token is not valid."))?;
    let registration = &st.agents.registrations[registration];
    if registration.claimed() {
        return Err(bad(
            "invalid_request",
            "This agent account is already claimed.",
        ));
    }
    if now >= registration.window_ends {
        return Err(bad(
            "invalid_request",
            "The claim window of this registration has expired; register again.",
        ));
    }
    if taken {
        return Err(bad(
            "invalid_request",
            "email_already_registered: this email already belongs to an OpenTrain account; \
             use another email.",
        ));
    }
    let user_code = loop {
        let code = format!("{:06}", rand::random_range(0..1_000_000u32));
        let in_use = st.agents.registrations.iter().any(|r| {
            r.attempt
                .as_ref()
                .is_some_and(|a| a.user_code == code && a.expires_at > now)
        });
        if !in_use {
            break code;
        }
    };
    let attempt_token = format!("ot_cat_{}", random_hex(16));
    let Some(registration) = st
        .agents
        .registrations
        .iter_mut()
        .find(|r| r.claim_token == claim_token)
    else {
        return Err(bad("invalid_request", "The claim token is not valid."));
    };
    if let Some(previous) = registration.attempt.take() {
        registration.superseded.push(previous.token);
    }
    registration.attempt = Some(Attempt {
        token: attempt_token.clone(),
        user_code: user_code.clone(),
        email,
        expires_at: now + secs(ATTEMPT_SECONDS),
        last_poll: None,
        pending_polls: 0,
    });
    drop(st);
    Ok(json(
        StatusCode::OK,
        &ClaimStartedBody {
            user_code,
            verification_uri: app.url(&format!("/claim?token={attempt_token}")),
            expires_in: ATTEMPT_SECONDS,
            interval: app.inner.config.claim_poll_interval.as_secs(),
            email_sent: true,
        },
    ))
}

/// The human finishes the claim of `registrations[index]`: the account becomes claimed (with
/// the attempt's email), every token it holds (all pre-claim) is revoked, and the post-claim
/// token is minted and kept for the agent's next poll.
fn complete_claim(st: &mut Records, index: usize, now: DateTime<Utc>) {
    let Some(registration) = st.agents.registrations.get(index) else {
        return;
    };
    let account_id = registration.account_id.clone();
    let email = registration.attempt.as_ref().map(|a| a.email.clone());
    let name = registration
        .agent_name
        .clone()
        .unwrap_or_else(|| "Agent token".to_owned());
    if let Some(account) = st.account_mut(&account_id) {
        account.claimed = true;
        if email.is_some() {
            account.email = email;
        }
    }
    for token in st
        .tokens
        .iter_mut()
        .filter(|t| t.account_id == account_id && t.revoked_at.is_none())
    {
        token.revoked_at = Some(now);
    }
    let secret = st.mint_token(
        &account_id,
        &format!("{name} (claimed)"),
        POST_CLAIM_SCOPES.to_vec(),
        None,
        now,
    );
    if let Some(registration) = st.agents.registrations.get_mut(index) {
        registration.issued = Some(secret);
    }
}

/// The human confirms the claim of `registrations[index]` (the claim page and
/// [`Sandbox::confirm_claim`] both end here): refused when it is already finished or expired,
/// else [`complete_claim`].
pub(crate) fn confirm_registration(
    st: &mut Records,
    index: usize,
    now: DateTime<Utc>,
) -> Result<(), ClaimRefusal> {
    let registration = st
        .agents
        .registrations
        .get(index)
        .ok_or(ClaimRefusal::Expired)?;
    if registration.claimed() {
        return Err(ClaimRefusal::AlreadyClaimed);
    }
    if registration.expired(now) {
        return Err(ClaimRefusal::Expired);
    }
    complete_claim(st, index, now);
    Ok(())
}

/// The success body of the token poll.
#[derive(Serialize)]
struct TokenBody {
    access_token: String,
    token_type: &'static str,
    scopes: Vec<String>,
}

/// `POST /api/agent/oauth/token` (form body, claim grant). Every error is a 400:
/// `invalid_request` (no `claim_token`, or no claim attempt started yet — the docs require one
/// but name no error for its absence), `unsupported_grant_type`, `invalid_grant` (unknown claim
/// token, or the one-shot token was already delivered), `expired_token` (the 24-hour claim
/// window closed, or — as in RFC 8628 — the 30-minute attempt lapsed; the description says
/// which), `slow_down` (polled sooner than `interval` after the previous poll) and
/// `authorization_pending`. The scripted human confirms after
/// `claim_confirm_after_polls` pending answers; polls answered `slow_down` do not count.
pub(crate) async fn token(
    State(app): State<App>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, OAuthError> {
    let fields = form_fields(form)?;
    let grant_type = fields
        .get("grant_type")
        .filter(|g| !g.is_empty())
        .ok_or_else(|| bad("invalid_request", "`grant_type` is required."))?;
    if grant_type != CLAIM_GRANT_TYPE {
        return Err(bad(
            "unsupported_grant_type",
            format!("Use grant_type={CLAIM_GRANT_TYPE}."),
        ));
    }
    let claim_token = fields
        .get("claim_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("invalid_request", "`claim_token` is required."))?;
    let now = app.now();
    let interval = chrono::Duration::from_std(app.inner.config.claim_poll_interval)
        .unwrap_or(chrono::TimeDelta::MAX);
    let confirm_after = app.inner.config.claim_confirm_after_polls;
    let mut st = app.state();
    let index = st
        .agents
        .registrations
        .iter()
        .position(|r| &r.claim_token == claim_token)
        .ok_or_else(|| bad("invalid_grant", "The claim token is not valid."))?;
    let registration = &mut st.agents.registrations[index];
    if registration.delivered {
        return Err(bad(
            "invalid_grant",
            "The post-claim token was already delivered; a human can mint a replacement in the app.",
        ));
    }
    if registration.issued.is_none() {
        if now >= registration.window_ends {
            return Err(bad(
                "expired_token",
                "The claim window has closed; register again.",
            ));
        }
        let attempt = registration.attempt.as_mut().ok_or_else(|| {
            bad(
                "invalid_request",
                "No claim was started for this claim token; call the claim endpoint first.",
            )
        })?;
        if now >= attempt.expires_at {
            return Err(bad(
                "expired_token",
                "This claim attempt has expired; start a new claim while the claim window lasts.",
            ));
        }
        let previous = attempt.last_poll.replace(now);
        if previous.is_some_and(|at| now - at < interval) {
            return Err(bad(
                "slow_down",
                "Polling too fast; wait at least `interval` seconds between polls.",
            ));
        }
        if confirm_after.is_none_or(|n| attempt.pending_polls < n) {
            attempt.pending_polls += 1;
            return Err(bad(
                "authorization_pending",
                "The human has not finished the claim yet.",
            ));
        }
        complete_claim(&mut st, index, now);
    }
    let registration = &mut st.agents.registrations[index];
    let access_token = registration.issued.take().ok_or_else(|| OAuthError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        error: "server_error",
        description: Some("The post-claim token could not be issued.".into()),
    })?;
    registration.delivered = true;
    drop(st);
    Ok(json(
        StatusCode::OK,
        &TokenBody {
            access_token,
            token_type: "bearer",
            scopes: POST_CLAIM_SCOPES
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        },
    ))
}

/// `POST /api/agent/oauth/revoke` (form body `token`, RFC 7009): revokes the personal API token
/// with that value and answers 200 `{}` whether or not it existed; a missing `token` is
/// `invalid_request`.
pub(crate) async fn revoke(
    State(app): State<App>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, OAuthError> {
    let fields = form_fields(form)?;
    let value = fields
        .get("token")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("invalid_request", "`token` is required."))?
        .to_owned();
    let now = app.now();
    let mut st = app.state();
    if let Some(token) = st
        .tokens
        .iter_mut()
        .find(|t| t.secret == value && t.revoked_at.is_none())
    {
        token.revoked_at = Some(now);
    }
    drop(st);
    Ok(json(StatusCode::OK, &serde_json::Map::new()))
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
