//! The pages of the records an agent's work leaves behind, each linked from the overview and
//! from one another: a proposal (`/proposals/{id}`), a conversation with its messages and a form
//! where the trainer replies (`/conversations/{id}`), and a contract with its milestones and
//! approvals (`/contracts/{id}`). Rendered with maud (every value escaped); an unknown id is a
//! 404 page.

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::html::{self, Tone};
use super::problem;
use crate::app::App;

/// A record id as a link to its page.
pub(crate) fn link(kind: &str, id: &str) -> Markup {
    html! { a href={ "/" (kind) "/" (id) } { code { (id) } } }
}

fn missing(kind: &str, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Not found",
        &format!("The sandbox has no {kind} {id}. The overview at / lists every record."),
    )
}

/// `GET /proposals/{id}`.
pub(crate) async fn proposal(State(app): State<App>, Path(id): Path<String>) -> Response {
    let st = app.state();
    let market = &st.market;
    let Some(p) = market.proposals.iter().find(|p| p.id == id) else {
        return missing("proposal", &id);
    };
    let trainer = market.freelancers.iter().find(|f| f.id == p.freelancer_id);
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        dl.facts {
            dt { "Proposal" } dd { code { (p.id) } }
            dt { "Job" } dd { a href={ "/jobs/" (p.job_id) } { code { (p.job_id) } } }
            dt { "Trainer" } dd {
                @match trainer {
                    Some(t) => { (t.first_name) " " (t.last_initial) ". · " (t.title) },
                    None => { code { (p.freelancer_id) } },
                }
            }
            dt { "Status" } dd { (p.status) }
            @if let Some(amount) = p.bid_amount {
                dt { "Bid" } dd { "$" (format!("{amount:.2}")) @if let Some(unit) = p.bid_unit { " " (unit) } }
            }
            dt { "Invited" } dd { (if p.invited { "yes" } else { "no" }) }
            dt { "Arrived" } dd { (p.created_at.to_rfc3339()) }
            @if let Some(c) = &p.conversation_id { dt { "Conversation" } dd { (link("conversations", c)) } }
            @if let Some(c) = &p.contract_id { dt { "Contract" } dd { (link("contracts", c)) } }
        }
    };
    html::respond(StatusCode::OK, "Proposal", body)
}

/// `GET /conversations/{id}`.
pub(crate) async fn conversation(State(app): State<App>, Path(id): Path<String>) -> Response {
    render_conversation(&app, &id, StatusCode::OK, None)
}

/// `POST /conversations/{id}` with `text`: the conversation's trainer replies (what
/// `opentrain sandbox trainer reply` does); 409 when the employer has not written first in a
/// pre-hire thread, 400 for an empty text.
pub(crate) async fn reply(
    State(app): State<App>,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let text = form
        .ok()
        .and_then(|Form(fields)| fields.get("text").cloned())
        .unwrap_or_default();
    if text.trim().is_empty() {
        return render_conversation(
            &app,
            &id,
            StatusCode::BAD_REQUEST,
            Some((
                Tone::Error,
                "Write something for the trainer to say.".to_owned(),
            )),
        );
    }
    match app.freelancer_reply(&id, &text) {
        Ok(message) => render_conversation(
            &app,
            &id,
            StatusCode::OK,
            Some((
                Tone::Success,
                format!("The trainer replied: message {message}."),
            )),
        ),
        Err(e) => render_conversation(
            &app,
            &id,
            StatusCode::CONFLICT,
            Some((Tone::Error, e.to_string())),
        ),
    }
}

fn render_conversation(
    app: &App,
    id: &str,
    status: StatusCode,
    notice: Option<(Tone, String)>,
) -> Response {
    let st = app.state();
    let market = &st.market;
    let Some(c) = market.conversations.iter().find(|c| c.id == id) else {
        return missing("conversation", id);
    };
    let trainer = market
        .freelancers
        .iter()
        .find(|f| f.id == c.freelancer_id)
        .map(|t| format!("{} {}.", t.first_name, t.last_initial))
        .unwrap_or_else(|| "The trainer".to_owned());
    let messages: Vec<_> = market
        .messages
        .iter()
        .filter(|m| m.conversation_id == id)
        .collect();
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        @if let Some((tone, message)) = &notice { (html::notice(*tone, message)) }
        dl.facts {
            dt { "Conversation" } dd { code { (c.id) } }
            dt { "Kind" } dd { (if c.bucket == "proposal" { "pre-hire (proposal)" } else { "post-hire (job)" }) }
            dt { "Job" } dd { a href={ "/jobs/" (c.job_id) } { code { (c.job_id) } } }
            @if let Some(p) = &c.proposal_id { dt { "Proposal" } dd { (link("proposals", p)) } }
            dt { "Trainer" } dd { (trainer) }
        }
        h2 { "Messages (" (messages.len()) ")" }
        @if messages.is_empty() { p.muted { "No message yet. In a pre-hire thread the employer writes first." } }
        ul.records {
            @for m in &messages {
                li {
                    strong { (if m.from_employer { "Employer" } else { trainer.as_str() }) }
                    " " span.muted { (m.created_at.format("%Y-%m-%d %H:%M")) }
                    br;
                    (m.content)
                }
            }
        }
        h2 { "Reply as the trainer" }
        form method="post" action={ "/conversations/" (c.id) } {
            label for="text" { "Message" }
            textarea id="text" name="text" rows="3" {}
            div.actions { button.primary type="submit" { "Send as " (trainer) } }
        }
    };
    html::respond(status, "Conversation", body)
}

/// `GET /contracts/{id}`.
pub(crate) async fn contract(State(app): State<App>, Path(id): Path<String>) -> Response {
    let st = app.state();
    let market = &st.market;
    let Some(c) = market.contracts.iter().find(|c| c.id == id) else {
        return missing("contract", &id);
    };
    let milestones: Vec<_> = market
        .milestones
        .iter()
        .filter(|m| m.contract_id == id)
        .collect();
    let approvals: Vec<_> = market
        .approvals
        .iter()
        .filter(|a| a.contract_id.as_deref() == Some(id.as_str()))
        .collect();
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        dl.facts {
            dt { "Contract" } dd { code { (c.id) } }
            dt { "Status" } dd { (c.status) }
            dt { "Job" } dd { a href={ "/jobs/" (c.job_id) } { code { (c.job_id) } } }
            dt { "Proposal" } dd { (link("proposals", &c.proposal_id)) }
            dt { "Payment" } dd { (c.payment_type) @if let Some(rate) = c.rate_usd { " · $" (format!("{rate:.2}")) } }
            dt { "Started" } dd { (c.created_at.to_rfc3339()) }
        }
        h2 { "Milestones (" (milestones.len()) ")" }
        ul.records {
            @for m in &milestones {
                li {
                    strong { "#" (m.number) " " (m.name.as_deref().unwrap_or("(unnamed)")) }
                    " · " (m.status) " · $" (format!("{:.2}", m.amount_usd))
                    " " span.muted { code { (m.id) } }
                }
            }
        }
        h2 { "Approvals (" (approvals.len()) ")" }
        ul.records {
            @for a in &approvals {
                li { a href={ "/approvals/" (a.id) } { (a.type_) } " · " (a.status) " " span.muted { code { (a.id) } } }
            }
        }
    };
    html::respond(StatusCode::OK, &c.title, body)
}
