//! An embedded, stateful stand-in for the OpenTrain Public API, for examples and tests.
//!
//! [`Sandbox::start`] binds `127.0.0.1` on a free port and serves, on the current tokio
//! runtime, the `/v1` API under `/api/public/v1` and the four agent-auth endpoints under
//! `/api/agent/...`. It keeps state like the real service does (accounts, tokens, claims,
//! drafts, jobs, proposals, approvals, contracts, messages, credits, the `/updates` feed,
//! webhooks) and applies the documented rules: scopes, claim requirements, feature flags,
//! validation, moderation, daily limits, co-signed approvals. Every response body is a
//! serialized `opentrain_gen::types` value, so the sandbox speaks exactly the wire format of
//! `openapi.json`. Dropping the handle stops the server.
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
//! Time: the sandbox has its own clock (wall time at start + tokio's elapsed time + manual
//! advances), so claim windows, poll intervals, approval expiry and daily limits can be driven
//! with [`Sandbox::advance_clock`] or, in `#[tokio::test(start_paused = true)]` tests, with
//! tokio's paused clock.

mod app;
mod clock;
mod errors;
mod events;
mod faults;
mod routes;
mod sandbox;
mod serve;

pub use faults::{Fault, RecordedRequest};
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

/// Every route the sandbox serves (the same table builds its router).
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
