//! The claim ceremony's start (`POST /api/agent/identity/claim`) and how a claim is
//! confirmed, by the scripted human or the test controls.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::super::valid_email;
use super::{
    ATTEMPT_SECONDS, Attempt, ClaimRefusal, bad, json_object, not_enabled, optional_string,
};
use crate::app::{App, POST_CLAIM_SCOPES, State as Records, random_hex};
use crate::clock::secs;
use crate::errors::{OAuthError, json};

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
pub(super) fn complete_claim(st: &mut Records, index: usize, now: DateTime<Utc>) {
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
