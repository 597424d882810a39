//! The HTML pages a person opens from the links the API hands out: the overview at `/` (what
//! every agent did, with the request journal), the job page behind every `jobUrl` and
//! `draftUrl` (`/jobs/{id}`, `/job-post?jobId=`), the pages of proposals, conversations and
//! contracts, the claim page behind a claim's `verification_uri` (`/claim?token=ot_cat_...`),
//! the approval page behind every `approvalUrl` (`/approvals/{approvalId}`), the billing page
//! behind a `billingUrl` and the checkout behind a top-up's `checkoutUrl`. They stand in for the OpenTrain app's own pages:
//! the claim page confirms a claim exactly as [`crate::Sandbox::confirm_claim`] does, the
//! approval page's buttons do what [`crate::Sandbox::confirm_approval`] and
//! [`crate::Sandbox::decline_approval`] do. They are not API routes (no `openapi.json`
//! operation, no bearer token, no fault injection or request log) and answer HTML only, also
//! for their errors: a bad form body is a 400 page, an unknown record a 404 page.

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use super::Route;
use crate::app::App;

mod account;
mod approval;
mod claim;
pub(crate) mod html;
mod job;
mod origin;
mod overview;
mod records;

pub(crate) use origin::same_origin_only;

/// The page routes (method, path template, handler), listed apart from the API's.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        ("GET", "/", get(overview::show)),
        ("POST", "/settings/moderation", post(overview::block_word)),
        ("GET", "/jobs/{id}", get(job::show)),
        ("POST", "/jobs/{id}", post(job::act)),
        ("GET", "/job-post", get(job::draft)),
        ("GET", "/proposals/{id}", get(records::proposal)),
        ("GET", "/conversations/{id}", get(records::conversation)),
        ("POST", "/conversations/{id}", post(records::reply)),
        ("GET", "/contracts/{id}", get(records::contract)),
        ("GET", "/settings/billing", get(account::billing)),
        ("POST", "/settings/billing", post(account::add_card)),
        ("GET", "/checkout/{id}", get(account::checkout)),
        ("POST", "/checkout/{id}", post(account::pay)),
        ("GET", "/claim", get(claim::show)),
        ("POST", "/claim", post(claim::submit)),
        ("GET", "/approvals/{approvalId}", get(approval::show)),
        ("POST", "/approvals/{approvalId}", post(approval::decide)),
    ]
}

/// The router of the pages: no fault or recording middleware, HTML answers for a wrong method,
/// and state-changing requests from another origin refused ([`origin`]).
pub(crate) fn router() -> Router<App> {
    let mut router = Router::new();
    for (_, path, handler) in routes() {
        router = router.route(path, handler);
    }
    router
        .method_not_allowed_fallback(no_method)
        .layer(axum::middleware::from_fn(origin::same_origin_only))
}

/// A page saying why the request could not be served.
pub(crate) fn problem(status: StatusCode, title: &str, message: &str) -> Response {
    html::respond(status, title, html::notice(html::Tone::Error, message))
}

async fn no_method(method: Method) -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        &format!("This page does not answer {method}; open it in a browser."),
    )
}
