//! `POST /api/agent/identity`: anonymous registration of an agent account.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::super::iso;
use super::{
    CLAIM_GRANT_TYPE, CLAIM_WINDOW_HOURS, Registration, bad, json_object, not_enabled,
    optional_string,
};
use crate::app::{App, PRE_CLAIM_SCOPES, random_hex};
use crate::clock::hours;
use crate::errors::{OAuthError, json};

/// The success body of `POST /api/agent/identity`.
#[derive(Serialize)]
struct RegisteredBody {
    identity_type: &'static str,
    registration_id: String,
    access_token: String,
    token_type: &'static str,
    scopes: Vec<String>,
    claim_token: String,
    claim_token_expires_at: String,
    claim_endpoint: String,
    token_endpoint: String,
    grant_type: &'static str,
}

/// `POST /api/agent/identity`: creates an unclaimed account with a pre-claim token and a claim
/// token. Every body field is optional (`{}` and an empty body are accepted). The docs do not
/// state the success status; the sandbox answers 200. Without `organization_name` the account
/// is named "Agent organization" (the docs state no default).
pub(crate) async fn register(State(app): State<App>, body: Bytes) -> Result<Response, OAuthError> {
    if !app.inner.config.anonymous_registration {
        return Err(not_enabled());
    }
    let body = json_object(&body)?;
    if let Some(kind) = optional_string(&body, "identity_type")?
        && kind != "anonymous"
    {
        return Err(bad(
            "unsupported_identity_type",
            format!("identity_type `{kind}` is not supported; only `anonymous` is."),
        ));
    }
    let agent_name = optional_string(&body, "agent_name")?;
    let organization_name = optional_string(&body, "organization_name")?
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "Agent organization".to_owned());
    let now = app.now();
    let mut st = app.state();
    let account_id = st.add_account(&organization_name, false);
    let token_name = agent_name
        .clone()
        .unwrap_or_else(|| "Agent token".to_owned());
    let access_token = st.mint_token(
        &account_id,
        &token_name,
        PRE_CLAIM_SCOPES.to_vec(),
        None,
        now,
    );
    let registration_id = st.next_id("reg");
    let claim_token = format!("ot_clm_{}", random_hex(24));
    let window_ends = now + hours(CLAIM_WINDOW_HOURS);
    st.agents.registrations.push(Registration {
        id: registration_id.clone(),
        account_id,
        agent_name,
        claim_token: claim_token.clone(),
        window_ends,
        attempt: None,
        issued: None,
        delivered: false,
        superseded: Vec::new(),
    });
    drop(st);
    Ok(json(
        StatusCode::OK,
        &RegisteredBody {
            identity_type: "anonymous",
            registration_id,
            access_token,
            token_type: "bearer",
            scopes: PRE_CLAIM_SCOPES
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            claim_token,
            claim_token_expires_at: iso(window_ends),
            claim_endpoint: app.url("/api/agent/identity/claim"),
            token_endpoint: app.url("/api/agent/oauth/token"),
            grant_type: CLAIM_GRANT_TYPE,
        },
    ))
}
