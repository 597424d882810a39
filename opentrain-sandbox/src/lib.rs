//! An embedded, stateful stand-in for the OpenTrain Public API, for examples and tests.
//!
//! [`Sandbox::start`] binds `127.0.0.1` on a free port and serves, on the current tokio
//! runtime, the `/v1` API under `/api/public/v1` and the four agent-auth endpoints under
//! `/api/agent/...`. It keeps state like the real service does (accounts, tokens, claims,
//! drafts, jobs, proposals, approvals, contracts, messages, credits, the `/updates` feed,
//! webhooks) and applies the documented rules: scopes, claim requirements, feature flags,
//! validation, moderation, daily limits, co-signed approvals. Every response body is a
//! serialized `opentrain_gen::types` value, so the sandbox speaks exactly the wire format of
//! `openapi.json`. Dropping the handle stops the server; [`Sandbox::serve_until`] serves until
//! a shutdown future completes.
//!
//! Test controls are plain methods on the handle: confirm a claim or an approval, add a
//! proposal, block words, fail the next requests, delay responses, read what was received.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = opentrain_sandbox::Sandbox::start().await?;
//! let me = reqwest::Client::new()
//!     .get(format!("{}/api/public/v1/auth/me", sandbox.base_url()))
//!     .bearer_auth(sandbox.token())
//!     .send()
//!     .await;
//! # let _ = me;
//! # Ok(())
//! # }
//! ```
//!
//! # Clicking through it
//!
//! The links the API hands out open real pages on the sandbox, small self-contained HTML that
//! stands in for the OpenTrain app (no JavaScript; not API routes, so no bearer token, and
//! faults and the request log leave them alone):
//!
//! - a claim's `verification_uri` (`{base_url}/claim?token=ot_cat_...`): who asks to be
//!   claimed, and a field for the 6-digit `user_code`. The right code confirms the claim as
//!   [`Sandbox::confirm_claim`] does (the agent's next token poll gets the post-claim token); a
//!   wrong code shows an error and confirms nothing; an expired, replaced or unknown link says
//!   so.
//! - every `approvalUrl` (`{base_url}/approvals/{id}`): the approval's type, amount, job,
//!   trainer, milestone, expiry and status, with Confirm and Decline buttons while it is
//!   pending (they do what [`Sandbox::confirm_approval`] and [`Sandbox::decline_approval`] do);
//!   a finished approval shows its final status and no buttons.
//!
//! For a sandbox a person uses by hand (e.g. `opentrain sandbox serve [--port N]
//! [--auto-confirm]`), start it with [`SandboxBuilder::port`] and
//! [`SandboxBuilder::auto_confirm`], print [`Sandbox::base_url`], and run
//! [`Sandbox::serve_until`] with a Ctrl-C future:
//!
//! - with `auto_confirm(false)` nobody scripted confirms anything: the person opens the
//!   `verification_uri` and types the code the agent printed, then opens each `approvalUrl`
//!   and clicks Confirm or Decline; until then the claim poll answers
//!   `authorization_pending` and approvals stay `pending`.
//! - with `auto_confirm(true)` the scripted human does it all: a claim is confirmed after one
//!   `authorization_pending` poll and every approval as soon as it is created (the 202 still
//!   shows it `pending`), so an agent runs end to end unattended; the pages still open, and show
//!   the claim as already claimed and each approval as confirmed.
//!
//! Time: the sandbox has its own clock (wall time at start + tokio's elapsed time + manual
//! advances), so claim windows, poll intervals, approval expiry and daily limits can be driven
//! with [`Sandbox::advance_clock`] or, in `#[tokio::test(start_paused = true)]` tests, with
//! tokio's paused clock.

mod app;
mod clock;
mod errors;
mod events;
mod faults;
mod remote;
mod routes;
mod sandbox;
mod serve;

pub use faults::{Fault, RecordedRequest};
pub use remote::{Decision, Remote, RemoteError};
pub use routes::{ClaimSummary, DeliveryAttempt, NO_ROUTE_HEADER};
pub use sandbox::{ControlError, Sandbox, SandboxBuilder};
pub use serve::{ServeError, StartError};

/// One route the sandbox serves: the HTTP method and the full path template
/// (e.g. `GET /api/public/v1/jobs/{id}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServedRoute {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, with `{param}` placeholders as in `openapi.json`.
    pub path: &'static str,
}

/// Every route the sandbox serves (the same tables build its router): the API's routes, then
/// the four routes of the HTML pages (`GET`/`POST /claim` and `GET`/`POST
/// /approvals/{approvalId}`), which are not API routes.
pub fn routes() -> Vec<ServedRoute> {
    routes::served()
}

/// The path prefix of the Public API.
pub const API_PREFIX: &str = routes::API;

/// An account-level feature flag (reported by `GET /job-drafts/capabilities`; a disabled
/// feature makes its endpoints answer 403 with `details.featureKey`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Feature {
    /// `public_api_job_drafting`: drafts and the capabilities probe.
    JobDrafting,
    /// `public_api_job_publishing`: publish, live edits, close.
    JobPublishing,
    /// `public_api_hiring`: hire and invite.
    Hiring,
    /// `public_api_messaging_writes`: send messages, start conversations.
    MessagingWrites,
    /// `public_api_team`: the team endpoints.
    Team,
    /// `public_api_payments_write`: milestone and contract writes.
    PaymentsWrite,
    /// `public_api_credits`: credits.
    Credits,
    /// `public_api_webhooks`: webhook subscriptions.
    Webhooks,
}

impl Feature {
    /// The flag's key, e.g. `public_api_job_publishing`.
    pub fn key(self) -> &'static str {
        match self {
            Feature::JobDrafting => "public_api_job_drafting",
            Feature::JobPublishing => "public_api_job_publishing",
            Feature::Hiring => "public_api_hiring",
            Feature::MessagingWrites => "public_api_messaging_writes",
            Feature::Team => "public_api_team",
            Feature::PaymentsWrite => "public_api_payments_write",
            Feature::Credits => "public_api_credits",
            Feature::Webhooks => "public_api_webhooks",
        }
    }
}
