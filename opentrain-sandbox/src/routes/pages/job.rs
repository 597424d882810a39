//! The job page behind every `jobUrl`, `draftUrl` and `reviewUrl` the sandbox hands out
//! (`/jobs/{id}`): the job's status and fields as the drafting loop left them, and the
//! proposals on it with their trainer, status and bid, and a button that makes a seeded
//! trainer apply to an open job (what `opentrain sandbox trainer propose` and
//! [`crate::Sandbox::add_proposal`] do). Rendered with maud (every value escaped); a job that
//! does not exist is a 404 page.

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use opentrain_gen::types::JobStatus;

use super::html::{self, Tone};
use super::problem;
use crate::app::App;

/// `GET /jobs/{id}`: one job and its proposals. A marketplace listing's URL puts a slug before
/// the id (`/jobs/spanish-sentiment-labeling-job_00003`): the id is what follows the last `-`.
pub(crate) async fn show(State(app): State<App>, Path(id): Path<String>) -> Response {
    render(&app, &id, StatusCode::OK, None)
}

/// `GET /job-post?jobId=…`: the draft's page (a draft's `draftUrl` and `reviewUrl`).
pub(crate) async fn draft(
    State(app): State<App>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match query.get("jobId") {
        Some(id) => render(&app, id, StatusCode::OK, None),
        None => problem(
            StatusCode::BAD_REQUEST,
            "Which draft?",
            "This page needs the draft's id: /job-post?jobId=job_…",
        ),
    }
}

/// `POST /jobs/{id}` with `action=propose`: a seeded trainer applies to the open job; the page
/// shows the new proposal (409 when the job is not open or no trainer is left).
pub(crate) async fn act(
    State(app): State<App>,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let action = form
        .ok()
        .and_then(|Form(fields)| fields.get("action").cloned());
    if action.as_deref() != Some("propose") {
        return problem(
            StatusCode::BAD_REQUEST,
            "Unknown action",
            "This form only knows action=propose. Use the button on the job's page.",
        );
    }
    match app.add_proposal(&id) {
        Ok(proposal) => render(
            &app,
            &id,
            StatusCode::OK,
            Some((
                Tone::Success,
                format!("A trainer applied: proposal {proposal}."),
            )),
        ),
        Err(e) => render(
            &app,
            &id,
            StatusCode::CONFLICT,
            Some((Tone::Error, e.to_string())),
        ),
    }
}

/// The job page with an optional notice on top.
fn render(app: &App, id: &str, status: StatusCode, notice: Option<(Tone, String)>) -> Response {
    let st = app.state();
    let market = &st.market;
    let find = |id: &str| market.jobs.iter().find(|j| j.id == id);
    let found = find(id).or_else(|| id.rsplit_once('-').and_then(|(_, tail)| find(tail)));
    let Some(job) = found else {
        return problem(
            StatusCode::NOT_FOUND,
            "Job not found",
            &format!("The sandbox has no job {id}. The overview at / lists every job."),
        );
    };
    let proposals: Vec<_> = market
        .proposals
        .iter()
        .filter(|p| p.job_id == job.id)
        .collect();
    let notice: Option<Markup> = notice.map(|(tone, message)| html::notice(tone, &message));
    let title = job.text("jobTitle").unwrap_or("Untitled draft").to_owned();
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        @if let Some(notice) = notice { (notice) }
        dl.facts {
            dt { "Job" } dd { code { (job.id) } }
            dt { "Status" } dd { (job.status) }
            @if let Some(company) = &job.company { dt { "Company" } dd { (company) } }
            dt { "Created" } dd { (job.created_at.to_rfc3339()) }
            @if let Some(at) = job.published_at { dt { "Published" } dd { (at.to_rfc3339()) } }
        }
        h2 { "Fields" }
        @if job.fields.is_empty() { p.muted { "No field is set yet." } }
        dl.facts {
            @for (key, value) in &job.fields {
                dt { (key) }
                dd {
                    @match value {
                        serde_json::Value::String(text) => (text),
                        other => code { (other) },
                    }
                }
            }
        }
        h2 { "Proposals (" (proposals.len()) ")" }
        @if job.status == JobStatus::Open {
            form method="post" action={ "/jobs/" (job.id) } {
                button.primary type="submit" name="action" value="propose" { "Make a trainer apply" }
            }
        }
        @if proposals.is_empty() { p.muted { "No proposal yet." } }
        ul.records {
            @for proposal in &proposals {
                @let trainer = market.freelancers.iter().find(|f| f.id == proposal.freelancer_id);
                li {
                    strong {
                        @match trainer {
                            Some(t) => { (t.first_name) " " (t.last_initial) "." },
                            None => { "A trainer" },
                        }
                    }
                    " · " (proposal.status)
                    @if let Some(amount) = proposal.bid_amount {
                        " · $" (format!("{amount:.2}"))
                        @if let Some(unit) = proposal.bid_unit { " " (unit) }
                    }
                    " " span.muted {
                        (super::records::link("proposals", &proposal.id))
                        @if let Some(c) = &proposal.conversation_id { " · " (super::records::link("conversations", c)) }
                        @if let Some(c) = &proposal.contract_id { " · contract " (super::records::link("contracts", c)) }
                    }
                }
            }
        }
    };
    html::respond(status, &title, body)
}
