//! Self-registered agents: anonymous registration, the claim ceremony that hands the account to
//! a human, and token revocation — the four OAuth-style endpoints under `/api/agent/...`.
//!
//! These endpoints are not part of the `/v1` contract (`openapi.json`): they take JSON
//! (registration, claim start) or form bodies (token poll, revocation), answer errors in the
//! OAuth shape `{"error", "error_description"}` (decoded by the crate's one error decoder into
//! [`Error::OAuth`]), and never take a bearer token. This module speaks them by hand over the
//! [`Client`]'s connection pool.
//!
//! The flow, as the official CLI and MCP server run it:
//!
//! 1. [`register`] creates an unclaimed account and returns an [`Agent`]: a ready [`Client`]
//!    with the pre-claim `ot_pat_` token, and the `ot_clm_` claim token. Both are saved to the
//!    credentials file in the official CLI's layout (`apiToken`, `baseUrl`, `claimToken`), so
//!    the CLI, the MCP server and [`Client::from_env`] pick them up.
//! 2. [`Agent::start_claim`] sends the owner's email and returns a [`ClaimCeremony`]: show its
//!    `verification_uri` and `user_code` to the human.
//! 3. [`ClaimCeremony::wait`] polls the token endpoint until the human confirms. The post-claim
//!    token is delivered exactly once and the claim revokes every pre-claim token, so it is
//!    written to the credentials file (atomically, mode `0600`, `claimToken` dropped) before
//!    anything else happens, and only then returned as a ready [`Client`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain::Error> {
//! use opentrain::agent::{self, Registration};
//! let agent = agent::register(&Registration::default().agent_name("Claude Code")).await?;
//! let me = agent.client().get_me().send().await?; // works at once, with the pre-claim scopes
//! # let _ = me;
//! let claim = agent.start_claim("owner@example.com").await?;
//! if let (Some(uri), Some(code)) = (&claim.verification_uri, &claim.user_code) {
//!     println!("Open {} and enter {}", uri.expose(), code.expose());
//! }
//! let client = claim.wait().await?; // the post-claim token is already saved
//! # let _ = client; Ok(()) }
//! ```
//!
//! Base URL, credentials file and HTTP client are set with [`AgentConfig`]; by default they are
//! the official ones (`OT_API_BASE_URL` / `OPENTRAIN_API_BASE_URL`, else
//! `https://app.opentrain.ai`; `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`).

use std::time::Duration;

mod account;
mod claim;
mod config;
mod registration;
mod revoke;
mod wire;

pub use account::Agent;
pub use claim::{ClaimCeremony, ClaimStatus};
pub use config::AgentConfig;
pub use registration::{Registered, Registration, register};
pub use revoke::revoke_token;

#[cfg(doc)]
use crate::{Client, Error};

/// The `grant_type` of the claim grant, sent when polling the token endpoint.
pub const CLAIM_GRANT_TYPE: &str = "urn:opentrain:agent-auth:grant-type:claim";

/// Where the agent-auth endpoints live under the base URL (outside `/api/public/v1`).
pub(crate) const AGENT_API_PATH: &str = "/api/agent";

/// How much [`ClaimCeremony::wait`] adds to its poll interval on every `slow_down`.
pub(crate) const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The poll interval used when the claim-start response names none (the OAuth device-flow
/// default, and the value of the documented example).
pub(crate) const DEFAULT_POLL_INTERVAL: u64 = 5;
