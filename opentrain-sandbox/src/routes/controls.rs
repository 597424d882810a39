//! The other sides of the marketplace, over HTTP: the control routes under `/sandbox/` that let
//! any program (the `opentrain sandbox …` commands, an agent written in another language, a
//! test) play the trainers, the human who co-signs approvals and the moderation service. Each
//! runs the same code as the matching [`crate::Sandbox`] method and page button, so it records
//! the same `/updates` events and webhook deliveries the real service would.
//!
//! They answer JSON (`{"error": "..."}` with 400, 404 or 409 on failure), are not API routes
//! (no `openapi.json` operation, no token, no fault injection or request log), and refuse a
//! request another site's page sent, like the pages' forms.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Route;
use super::lifecycle::{Outcome, settle};
use crate::ControlError;
use crate::app::App;
use crate::errors::json as respond;

/// The control routes (method, path template, handler).
pub(crate) fn routes() -> Vec<Route> {
    vec![
        ("POST", "/sandbox/trainer/proposals", post(propose)),
        ("POST", "/sandbox/trainer/replies", post(reply)),
        (
            "POST",
            "/sandbox/approvals/{approvalId}/{decision}",
            post(decide),
        ),
        ("POST", "/sandbox/moderation/blocked-words", post(block)),
    ]
}

/// The router of the control routes, behind the same-origin guard of the pages' forms.
pub(crate) fn router() -> Router<App> {
    let mut router = Router::new();
    for (_, path, handler) in routes() {
        router = router.route(path, handler);
    }
    router.layer(axum::middleware::from_fn(super::pages::same_origin_only))
}

/// A failure as `{"error": message}` with `status`.
fn failure(status: StatusCode, message: impl Into<String>) -> Response {
    respond(status, &json!({ "error": message.into() }))
}

impl ControlError {
    fn response(&self) -> Response {
        let status = match self {
            ControlError::NotFound { .. } => StatusCode::NOT_FOUND,
            ControlError::InvalidState(_) => StatusCode::CONFLICT,
        };
        failure(status, self.to_string())
    }
}

/// The JSON body, or the 400 message naming what the route expects.
fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes, expected: &str) -> Result<T, String> {
    serde_json::from_slice(bytes)
        .map_err(|e| format!("the body must be a JSON object {expected} ({e})"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Propose {
    job_id: String,
}

/// `POST /sandbox/trainer/proposals` `{"jobId"}`: a seeded trainer applies to the open job;
/// answers 201 `{"proposalId"}`.
async fn propose(State(app): State<App>, bytes: Bytes) -> Response {
    let Propose { job_id } = match body(&bytes, r#"{"jobId": "job_..."}"#) {
        Ok(body) => body,
        Err(message) => return failure(StatusCode::BAD_REQUEST, message),
    };
    match app.add_proposal(&job_id) {
        Ok(id) => respond(StatusCode::CREATED, &json!({ "proposalId": id })),
        Err(e) => e.response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    conversation_id: String,
    text: String,
}

/// `POST /sandbox/trainer/replies` `{"conversationId", "text"}`: the conversation's trainer
/// replies; answers 201 `{"messageId"}`.
async fn reply(State(app): State<App>, bytes: Bytes) -> Response {
    let Reply {
        conversation_id,
        text,
    } = match body(&bytes, r#"{"conversationId": "conv_...", "text": "..."}"#) {
        Ok(body) => body,
        Err(message) => return failure(StatusCode::BAD_REQUEST, message),
    };
    if text.trim().is_empty() {
        return failure(StatusCode::BAD_REQUEST, "the reply's text is empty");
    }
    match app.freelancer_reply(&conversation_id, &text) {
        Ok(id) => respond(StatusCode::CREATED, &json!({ "messageId": id })),
        Err(e) => e.response(),
    }
}

/// `POST /sandbox/approvals/{approvalId}/confirm|decline|expire`: the human decides (or the
/// approval runs out); answers 200 `{"approvalId", "status"}`.
async fn decide(
    State(app): State<App>,
    Path((approval_id, decision)): Path<(String, String)>,
) -> Response {
    let outcome = match decision.as_str() {
        "confirm" => Outcome::Confirm,
        "decline" => Outcome::Decline,
        "expire" => Outcome::Expire,
        other => {
            return failure(
                StatusCode::NOT_FOUND,
                format!("{other} is not a decision: use confirm, decline or expire"),
            );
        }
    };
    if let Err(e) = settle(&app, &approval_id, outcome) {
        return e.response();
    }
    let status = app
        .state()
        .market
        .approvals
        .iter()
        .find(|a| a.id == approval_id)
        .map(|a| a.status.to_string());
    respond(
        StatusCode::OK,
        &json!({ "approvalId": approval_id, "status": status }),
    )
}

#[derive(Deserialize)]
struct Block {
    word: String,
}

/// `POST /sandbox/moderation/blocked-words` `{"word"}`: moderation blocks jobs containing the
/// word from now on; answers 200 `{"blockedWords": [...]}`.
async fn block(State(app): State<App>, bytes: Bytes) -> Response {
    let Block { word } = match body(&bytes, r#"{"word": "..."}"#) {
        Ok(body) => body,
        Err(message) => return failure(StatusCode::BAD_REQUEST, message),
    };
    if word.trim().is_empty() {
        return failure(StatusCode::BAD_REQUEST, "the word is empty");
    }
    app.block_words(&[word.as_str()]);
    let words: Vec<Value> = app
        .state()
        .market
        .blocked_words
        .iter()
        .map(|w| Value::from(w.as_str()))
        .collect();
    respond(StatusCode::OK, &json!({ "blockedWords": words }))
}
