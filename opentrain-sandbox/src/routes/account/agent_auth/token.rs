//! `POST /api/agent/oauth/token` (the claim grant's poll) and `POST /api/agent/oauth/revoke`.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::claim::complete_claim;
use super::{CLAIM_GRANT_TYPE, bad, form_fields};
use crate::app::{App, POST_CLAIM_SCOPES};
use crate::errors::{OAuthError, json};

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
