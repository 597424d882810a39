//! The claim page behind a claim's `verification_uri` (`/claim?token=ot_cat_...`): the person
//! reads which agent asks to be claimed, types the 6-digit code the agent showed, and submits.
//! The right code confirms the claim exactly as [`crate::Sandbox::confirm_claim`] does (the
//! agent's next token poll receives the post-claim token); a wrong code shows an error and
//! confirms nothing; an unknown, replaced or expired link says so. The form posts back to the
//! page's own URL, so the claim-attempt token travels only in the URL and is never written into
//! the page. Rendered with maud (every value escaped).

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::html;

use super::html::{self, Tone, facts, notice};
use super::problem;
use crate::app::{App, State as Records};
use crate::routes::account::{ClaimRefusal, confirm_registration};

/// What the page title says on every claim page.
const TITLE: &str = "Claim an agent account";

/// What the link's token points at.
enum Lookup {
    /// The current attempt of `registrations[index]`, still open.
    Open(usize),
    /// The claim is already finished.
    Claimed,
    /// The attempt's 30 minutes or the claim window have passed.
    Expired,
    /// A newer claim start replaced this attempt.
    Replaced,
    /// No attempt has this token.
    Unknown,
}

fn lookup(st: &Records, token: &str, now: DateTime<Utc>) -> Lookup {
    let registrations = &st.agents.registrations;
    let current = registrations
        .iter()
        .position(|r| r.attempt.as_ref().is_some_and(|a| a.token == token));
    if let Some(index) = current {
        let registration = &registrations[index];
        return if registration.claimed() {
            Lookup::Claimed
        } else if registration.expired(now) {
            Lookup::Expired
        } else {
            Lookup::Open(index)
        };
    }
    match registrations
        .iter()
        .find(|r| r.superseded.iter().any(|t| t == token))
    {
        Some(r) if r.claimed() => Lookup::Claimed,
        Some(_) => Lookup::Replaced,
        None => Lookup::Unknown,
    }
}

/// Why a claim link carries no usable token.
#[derive(Clone, Copy, Debug)]
enum BadLink {
    /// The query string could not be read.
    Malformed,
    /// There is no `token` parameter (or it is empty).
    NoToken,
}

impl BadLink {
    /// The 400 page saying so.
    fn page(self) -> Response {
        let message = match self {
            BadLink::Malformed => {
                "This claim link is malformed. Open the link the agent gave you exactly as it is."
            }
            BadLink::NoToken => {
                "This claim link has no claim token. Open the link the agent gave you exactly \
                 as it is."
            }
        };
        problem(StatusCode::BAD_REQUEST, TITLE, message)
    }
}

/// The `token` query parameter.
fn token(query: Result<Query<HashMap<String, String>>, QueryRejection>) -> Result<String, BadLink> {
    let Query(params) = query.map_err(|_| BadLink::Malformed)?;
    params
        .get("token")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(BadLink::NoToken)
}

/// The page of every state but an open attempt.
fn closed(found: &Lookup) -> Response {
    match found {
        Lookup::Claimed => html::respond(
            StatusCode::OK,
            TITLE,
            notice(
                Tone::Info,
                "This agent account is already claimed. Nothing is left to do here.",
            ),
        ),
        Lookup::Expired => problem(
            StatusCode::GONE,
            TITLE,
            "This claim link has expired. Ask the agent to start a new claim; it will show \
             you a new link and code.",
        ),
        Lookup::Replaced => problem(
            StatusCode::GONE,
            TITLE,
            "The agent started a newer claim, which replaced this link. Open the newest link \
             the agent gave you.",
        ),
        Lookup::Unknown | Lookup::Open(_) => problem(
            StatusCode::NOT_FOUND,
            TITLE,
            "This claim link is not known to the sandbox. Check that you opened the whole \
             link the agent gave you.",
        ),
    }
}

/// `15:43 UTC, 1 Dec 2026`.
pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC, %-d %b %Y").to_string()
}

/// The form page of the open attempt of `registrations[index]`, with `error` above the form.
fn form(st: &Records, index: usize, error: Option<&str>, status: StatusCode) -> Response {
    let Some(registration) = st.agents.registrations.get(index) else {
        return closed(&Lookup::Unknown);
    };
    let agent = registration
        .agent_name
        .clone()
        .unwrap_or_else(|| "An unnamed agent".to_owned());
    let organization = st
        .account(&registration.account_id)
        .map_or_else(String::new, |a| a.organization_name.clone());
    let attempt = registration.attempt.as_ref();
    let mut rows = vec![("Agent", agent.clone()), ("Organization", organization)];
    if let Some(attempt) = attempt {
        rows.push(("Your email", attempt.email.clone()));
        rows.push(("Code expires", when(attempt.expires_at)));
    }
    let body = html! {
        p {
            strong { (agent) }
            " asks you to claim its OpenTrain account. Claiming makes you the account's owner \
             and gives the agent a token that can hire, message and manage the team."
        }
        (facts(&rows))
        @if let Some(error) = error { (notice(Tone::Error, error)) }
        form method="post" {
            label for="user_code" { "Enter the 6-digit code the agent showed you" }
            input type="text" id="user_code" name="user_code" inputmode="numeric"
                autocomplete="one-time-code" maxlength="12" required autofocus;
            div.actions { button.primary type="submit" { "Claim the account" } }
        }
    };
    html::respond(status, TITLE, body)
}

/// `GET /claim?token=ot_cat_...`: the form, or why there is none.
pub(crate) async fn show(
    State(app): State<App>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let token = match token(query) {
        Ok(token) => token,
        Err(bad) => return bad.page(),
    };
    let now = app.now();
    let st = app.state();
    match lookup(&st, &token, now) {
        Lookup::Open(index) => form(&st, index, None, StatusCode::OK),
        other => closed(&other),
    }
}

/// `POST /claim?token=ot_cat_...` with the form field `user_code`: the right code confirms the
/// claim; a wrong one re-shows the form with an error (422); a body without `user_code` is a
/// 400 page.
pub(crate) async fn submit(
    State(app): State<App>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    form_body: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let token = match token(query) {
        Ok(token) => token,
        Err(bad) => return bad.page(),
    };
    let Ok(Form(fields)) = form_body else {
        return problem(
            StatusCode::BAD_REQUEST,
            TITLE,
            "The form could not be read. Go back to the claim link and submit the code again.",
        );
    };
    let Some(code) = fields.get("user_code") else {
        return problem(
            StatusCode::BAD_REQUEST,
            TITLE,
            "The form did not include a code. Go back to the claim link and enter the code.",
        );
    };
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = app.now();
    let mut st = app.state();
    let index = match lookup(&st, &token, now) {
        Lookup::Open(index) => index,
        other => return closed(&other),
    };
    let expected = st.agents.registrations[index]
        .attempt
        .as_ref()
        .map(|a| a.user_code.clone());
    if expected.as_deref() != Some(code.as_str()) {
        let message = if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            "That code is not right. Check the 6-digit code the agent showed you and try again."
        } else {
            "The code is 6 digits. Check the code the agent showed you and try again."
        };
        return form(&st, index, Some(message), StatusCode::UNPROCESSABLE_ENTITY);
    }
    match confirm_registration(&mut st, index, now) {
        Ok(()) => html::respond(
            StatusCode::OK,
            "Account claimed",
            notice(
                Tone::Success,
                "You claimed the agent account. The agent receives its new token on its next \
                 poll; you can close this page.",
            ),
        ),
        Err(ClaimRefusal::AlreadyClaimed) => closed(&Lookup::Claimed),
        Err(ClaimRefusal::Expired) => closed(&Lookup::Expired),
    }
}
