//! The overview at `/`: what every agent did against this sandbox, on one page — the accounts
//! with their claim state and credits, jobs by status, pending approvals, contracts, the last
//! events of the feed, webhook deliveries with their status and signature header, and the
//! request journal (newest first), each record linking to its page where it has one. Rendered with maud, which escapes every interpolated value; no token, claim token or
//! webhook secret is ever shown (the journal names a token by its id only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use opentrain_gen::types::{ApprovalStatus, JobStatus};

use super::html;
use crate::RecordedRequest;
use crate::app::App;

/// How many journal entries and feed events the overview shows.
const SHOWN: usize = 50;

/// `POST /settings/moderation` with `word`: moderation blocks jobs containing the word (what
/// `opentrain sandbox moderation block` does); shows the overview again.
pub(crate) async fn block_word(
    State(app): State<App>,
    form: Result<
        axum::Form<std::collections::HashMap<String, String>>,
        axum::extract::rejection::FormRejection,
    >,
) -> Response {
    let word = form
        .ok()
        .and_then(|axum::Form(fields)| fields.get("word").cloned())
        .unwrap_or_default();
    if word.trim().is_empty() {
        return super::problem(
            StatusCode::BAD_REQUEST,
            "Which word?",
            "Type the word to block.",
        );
    }
    app.block_words(&[word.as_str()]);
    show(State(app)).await
}

/// `GET /`: the overview.
pub(crate) async fn show(State(app): State<App>) -> Response {
    // The journal has its own lock; take a copy before locking the state.
    let journal: Vec<RecordedRequest> = {
        let recorded = app.inner.recorded.lock().unwrap_or_else(|e| e.into_inner());
        recorded.iter().rev().take(SHOWN).cloned().collect()
    };
    let st = app.state();
    let market = &st.market;
    // The agents' own jobs (seeded marketplace listings name a company), grouped by status
    // in the order the statuses first appear.
    let own: Vec<_> = market.jobs.iter().filter(|j| j.company.is_none()).collect();
    let mut statuses: Vec<&JobStatus> = Vec::new();
    for job in &own {
        if !statuses.contains(&&job.status) {
            statuses.push(&job.status);
        }
    }
    let pending: Vec<_> = market
        .approvals
        .iter()
        .filter(|a| a.status == ApprovalStatus::Pending)
        .collect();
    let events: Vec<_> = st.events.log.iter().rev().take(SHOWN).collect();
    let body = html! {
        p.muted { "Everything the agents did against this sandbox. Links open each record's page." }
        h2 { "Accounts" }
        @if st.accounts.is_empty() { p.muted { "No account yet." } }
        ul.records {
            @for account in &st.accounts {
                @let (available, reserved) = crate::routes::account::available_and_reserved(&st, &account.id);
                li {
                    strong { (account.organization_name) }
                    " · " (if account.claimed { "claimed" } else { "not claimed" })
                    @if let Some(email) = &account.email { " · " (email) }
                    " · " (if account.payment_method { "payment method on file" } else { "no payment method" })
                    " · credits $" (dollars(available)) " available, $" (dollars(reserved)) " reserved"
                }
            }
        }
        h2 { "Jobs (" (own.len()) ")" }
        @if own.is_empty() { p.muted { "No job yet: drafts appear here as soon as an agent creates one." } }
        @for status in &statuses {
            @let jobs = own.iter().filter(|j| &&j.status == status).collect::<Vec<_>>();
            h2 { (status) " (" (jobs.len()) ")" }
            ul.records {
                @for job in jobs {
                    li {
                        a href={ "/jobs/" (job.id) } { (job.text("jobTitle").unwrap_or("(untitled draft)")) }
                        " " span.muted { code { (job.id) } }
                    }
                }
            }
        }
        h2 { "Pending approvals (" (pending.len()) ")" }
        @if pending.is_empty() { p.muted { "None waits for a person." } }
        ul.records {
            @for approval in &pending {
                li {
                    a href={ "/approvals/" (approval.id) } { (approval.type_) }
                    " " span.muted { code { (approval.id) } " · expires " (approval.expires_at.to_rfc3339()) }
                }
            }
        }
        h2 { "Contracts (" (market.contracts.len()) ")" }
        ul.records {
            @for contract in &market.contracts {
                @let milestones = market.milestones.iter().filter(|m| m.contract_id == contract.id).collect::<Vec<_>>();
                li {
                    a href={ "/contracts/" (contract.id) } { (contract.title) } " · " (contract.status)
                    " " span.muted {
                        code { (contract.id) } " · job "
                        a href={ "/jobs/" (contract.job_id) } { code { (contract.job_id) } }
                        " · " (milestones.len()) " milestone(s)"
                        @for m in &milestones { " · " (m.status) " $" (format!("{:.2}", m.amount_usd)) }
                    }
                }
            }
        }
        h2 { "Last events of the feed" }
        @if events.is_empty() { p.muted { "No event yet." } }
        ul.records {
            @for logged in &events {
                li {
                    code { (logged.event.id) } " " (logged.event.type_)
                    @if let Some(resource) = &logged.event.resource_id {
                        " " span.muted { (link_to(resource)) }
                    }
                }
            }
        }
        h2 { "Webhook deliveries" }
        @let deliveries = st.agents.deliveries.attempts().iter().rev().take(SHOWN).collect::<Vec<_>>();
        @if deliveries.is_empty() { p.muted { "No delivery yet (subscribe with POST /webhooks)." } }
        ul.records {
            @for d in &deliveries {
                li {
                    code { (d.event_type) } " → " (d.webhook_id) " · attempt " (d.attempt) " · "
                    @match (d.status, &d.error) {
                        (Some(status), _) => strong { (status) },
                        (None, Some(error)) => strong { (error) },
                        (None, None) => "no answer",
                    }
                    br;
                    span.muted { code { (d.signature) } }
                }
            }
        }
        h2 { "Moderation" }
        p.muted {
            "Blocked words: "
            @if market.blocked_words.is_empty() { "none" } @else { (market.blocked_words.join(", ")) }
            ". A job containing one is refused on publish."
        }
        form method="post" action="/settings/moderation" {
            label for="word" { "Block a word" }
            input type="text" id="word" name="word";
            div.actions { button.primary type="submit" { "Block" } }
        }
        h2 { "Request journal" }
        p.muted { "The API requests the sandbox answered, newest first." }
        ul.records {
            @for request in &journal {
                li {
                    code { (request.method) " " (request.path) }
                    " → " strong { (request.status) }
                    " " span.muted {
                        (request.at.format("%H:%M:%S"))
                        @if let Some(id) = &request.request_id { " · " code { (id) } }
                        @if let Some(page) = page_of_api_path(&request.path) { " · " a href=(page) { "page" } }
                    }
                }
            }
        }
    };
    html::respond(StatusCode::OK, "Overview", body)
}

/// Cents as `12.34`.
fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

/// A record id as a link to its page when it has one (jobs and approvals), else as text.
fn link_to(id: &str) -> Markup {
    match page_of_id(id) {
        Some(page) => html! { a href=(page) { code { (id) } } },
        None => html! { code { (id) } },
    }
}

/// The page of a record id, by its prefix.
fn page_of_id(id: &str) -> Option<String> {
    let kind = [
        ("job_", "jobs"),
        ("apr_", "approvals"),
        ("prop_", "proposals"),
        ("ctr_", "contracts"),
        ("conv_", "conversations"),
    ]
    .into_iter()
    .find(|(prefix, _)| id.starts_with(prefix))?
    .1;
    Some(format!("/{kind}/{id}"))
}

/// The page of the record an API path names (`/api/public/v1/jobs/{id}/...`, `/job-drafts/{id}`,
/// `/approvals/{id}`), if it has one.
fn page_of_api_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix(crate::routes::API)?;
    let mut segments = rest.trim_start_matches('/').split('/');
    match (segments.next()?, segments.next()) {
        ("jobs" | "job-drafts" | "approvals" | "proposals" | "contracts", Some(id)) => {
            page_of_id(id)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_of_jobs_drafts_and_approvals_link_to_their_pages() {
        assert_eq!(
            page_of_api_path("/api/public/v1/jobs/job_00009/publish").as_deref(),
            Some("/jobs/job_00009")
        );
        assert_eq!(
            page_of_api_path("/api/public/v1/job-drafts/job_1").as_deref(),
            Some("/jobs/job_1")
        );
        assert_eq!(
            page_of_api_path("/api/public/v1/approvals/apr_3").as_deref(),
            Some("/approvals/apr_3")
        );
        assert_eq!(page_of_api_path("/api/public/v1/jobs/mine"), None);
        assert_eq!(page_of_api_path("/api/public/v1/auth/me"), None);
        assert_eq!(page_of_api_path("/claim"), None);
    }
}
