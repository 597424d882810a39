//! The account family: agent registration and the claim ceremony (`/api/agent/...`), the
//! employer team, credits (balance, ledger, top-ups) and webhook subscriptions with signed
//! deliveries. This module holds the family's records ([`Agents`], kept in `State.agents`), its
//! route table, the background delivery task, and small helpers the submodules share.

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::task::JoinHandle;

use super::Route;
use crate::app::App;

mod agent_auth;
mod credits;
mod delivery;
mod team;
mod webhooks;

pub use agent_auth::ClaimSummary;
pub(crate) use agent_auth::{ClaimRefusal, confirm_registration};
pub(crate) use credits::available_and_reserved;
pub use delivery::DeliveryAttempt;

/// The account family's records.
#[derive(Debug, Default)]
pub(crate) struct Agents {
    /// Anonymous registrations and their claims, oldest first.
    pub(crate) registrations: Vec<agent_auth::Registration>,
    /// Team members besides each account's owner, and pending invites.
    pub(crate) team: team::Teams,
    /// Credit ledgers and top-ups.
    pub(crate) credits: credits::Credits,
    /// Webhook subscriptions, oldest first.
    pub(crate) webhooks: Vec<webhooks::Subscription>,
    /// Webhook deliveries and the event-log position delivery has read up to.
    pub(crate) deliveries: delivery::Deliveries,
}

/// The account family's routes (full path templates, as `openapi.json` names them under
/// `/api/public/v1`).
pub(crate) fn routes() -> Vec<Route> {
    use axum::routing::{get, post};
    vec![
        ("POST", "/api/agent/identity", post(agent_auth::register)),
        (
            "POST",
            "/api/agent/identity/claim",
            post(agent_auth::start_claim),
        ),
        ("POST", "/api/agent/oauth/token", post(agent_auth::token)),
        ("POST", "/api/agent/oauth/revoke", post(agent_auth::revoke)),
        ("GET", "/api/public/v1/team", get(team::get_team)),
        ("POST", "/api/public/v1/team/invites", post(team::invite)),
        ("GET", "/api/public/v1/credits", get(credits::get_credits)),
        (
            "GET",
            "/api/public/v1/credits/ledger",
            get(credits::list_ledger),
        ),
        (
            "POST",
            "/api/public/v1/credits/top-ups",
            post(credits::create_top_up),
        ),
        (
            "GET",
            "/api/public/v1/credits/top-ups/{topUpId}",
            get(credits::get_top_up),
        ),
        (
            "GET",
            "/api/public/v1/webhooks",
            get(webhooks::list_webhooks),
        ),
        (
            "POST",
            "/api/public/v1/webhooks",
            post(webhooks::create_webhook),
        ),
        (
            "GET",
            "/api/public/v1/webhooks/{webhookId}",
            get(webhooks::get_webhook),
        ),
        (
            "DELETE",
            "/api/public/v1/webhooks/{webhookId}",
            axum::routing::delete(webhooks::delete_webhook),
        ),
    ]
}

/// Background tasks started with the server: the webhook delivery loop.
pub(crate) fn start_background(app: &App) -> Vec<JoinHandle<()>> {
    vec![tokio::spawn(delivery::run(app.clone()))]
}

/// An ISO 8601 timestamp with milliseconds and `Z`, as the docs print them.
pub(crate) fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
        && email.chars().count() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_email_accepts_plain_addresses_and_rejects_malformed_ones() {
        assert!(valid_email("owner@example.com"));
        assert!(valid_email("a.b+c@sub.example.co"));
        for bad in [
            "",
            "owner",
            "@example.com",
            "owner@",
            "owner@example",
            "a@b@c.com",
            "own er@example.com",
            "owner@example..com",
        ] {
            assert!(!valid_email(bad), "{bad:?} should be rejected");
        }
    }
}
