//! Auth and identity: `opentrain_register_agent`, `opentrain_claim_account`,
//! `opentrain_claim_status` (the onboarding tools, which work without a token),
//! `opentrain_auth_status` and `opentrain_capabilities`.

use opentrain::Secret;
use opentrain::agent::{Agent, ClaimStatus as Poll, Registration};
use opentrain::config::ConfigError;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::Ctx;
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_register_agent" => register_agent(RegisterAgent), Write, REGISTER_AGENT;
    "opentrain_claim_account" => claim_account(ClaimAccount), Write, CLAIM_ACCOUNT;
    "opentrain_claim_status" => claim_status(ClaimStatusParams), Read, CLAIM_STATUS;
}

const REGISTER_AGENT: &str = "Register a brand-new anonymous OpenTrain agent account; no \
credentials needed. The new ot_pat_ API token and the claim token are saved to the shared \
credentials file (cli.json), so every other tool works immediately afterwards with the \
pre-claim scopes. Refuses to overwrite saved credentials unless force is true (force creates a \
new account and the old saved login is lost). Next: ask the human for their email and call \
opentrain_claim_account. Wraps POST /api/agent/identity.";

const CLAIM_ACCOUNT: &str = "Send the human owner a claim invite for the agent-registered \
account: the start of the claim ceremony. OpenTrain emails them a verification link; the result \
also holds the verification URL and user code to show them directly (the email may land in \
spam). Once they accept, they own the account and can add billing; hiring, messaging, payments \
and team invites need a claimed account. The email must not already have an OpenTrain account. \
Next: call opentrain_claim_status every `interval` seconds. Wraps POST \
/api/agent/identity/claim.";

const CLAIM_STATUS: &str = "Check once whether the human has completed the claim. When it has, \
the saved API token is replaced by the claimed account's token (delivered once, saved \
immediately) and every tool uses it from then on. authorization_pending means ask again after \
the poll interval; slow_down means you are polling too fast, wait longer. Wraps POST \
/api/agent/oauth/token.";

/// Parameters of `opentrain_register_agent`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RegisterAgent {
    /// Display name for the agent identity (e.g. "Claude Code")
    agent_name: Option<String>,
    /// Name for the employer organization created with the account
    organization_name: Option<String>,
    /// Overwrite existing saved credentials with a brand-new account
    force: Option<bool>,
}

/// Parameters of `opentrain_claim_account`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ClaimAccount {
    /// The human owner's email address
    email: String,
    /// Claim token from registration; defaults to the saved one
    claim_token: Option<String>,
}

/// Parameters of `opentrain_claim_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ClaimStatusParams {
    /// Claim token to check; defaults to the saved one
    claim_token: Option<String>,
}

async fn register_agent(ctx: &Ctx, params: RegisterAgent) -> Outcome {
    let mut registration = Registration::default()
        .config(ctx.session.agent_config()?)
        .force(params.force.unwrap_or(false));
    if let Some(name) = params.agent_name.filter(|n| !n.trim().is_empty()) {
        registration = registration.agent_name(name);
    }
    if let Some(name) = params.organization_name.filter(|n| !n.trim().is_empty()) {
        registration = registration.organization_name(name);
    }
    let agent = match opentrain::agent::register(&registration).await {
        Ok(agent) => agent,
        Err(opentrain::Error::Config(ConfigError::CredentialsExist { path })) => {
            return Err(ToolFailure::local(
                "credentials_exist",
                format!(
                    "Credentials are already saved in {}; nothing was registered. The saved \
                     login keeps working (check it with opentrain_auth_status). To replace it \
                     with a brand-new account, call again with force: true (the old saved login \
                     is then lost).",
                    path.display()
                ),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let file = agent.credentials_file().path().display().to_string();
    let registered = agent.registration().cloned().unwrap_or_default();
    let structured = json!({
        "registration_id": registered.registration_id,
        "identity_type": registered.identity_type,
        "token_type": registered.token_type,
        "scopes": registered.scopes,
        "claim_token_expires_at": registered.claim_token_expires_at,
        "grant_type": registered.grant_type,
        "credentialsFile": file,
        "saved": ["apiToken", "claimToken", "baseUrl"],
    });
    let mut summary = format!(
        "Registered a new unclaimed agent account; its API token and claim token are saved in \
         {file}. Scopes before the claim: {}.",
        if registered.scopes.is_empty() {
            "(not stated)".to_owned()
        } else {
            registered.scopes.join(", ")
        }
    );
    if let Some(expires) = &registered.claim_token_expires_at {
        summary.push_str(&format!(" The claim window ends at {expires}."));
    }
    if ctx.session.token_from_env() {
        summary.push_str(&format!(
            " Note: {} is set, so API calls keep using that token, not the saved one.",
            crate::credentials::TOKEN_ENV_VAR
        ));
    }
    summary.push_str(
        " Next: ask the human for their email and call opentrain_claim_account; drafting \
         (opentrain_create_job_draft) already works.",
    );
    ToolOutput::new(summary, &structured)
}

/// The agent whose claim to start or poll: from the explicit claim token, else the saved one.
fn agent(ctx: &Ctx, claim_token: Option<String>) -> Result<Agent, ToolFailure> {
    let config = ctx.session.agent_config()?;
    let agent = match claim_token.filter(|t| !t.trim().is_empty()) {
        Some(token) => Agent::with_claim_token(&config, Secret::new(token.trim())),
        None => Agent::load(&config),
    };
    agent.map_err(|e| match e {
        opentrain::Error::Config(ConfigError::MissingCredentialsFile { path }) => {
            ToolFailure::local(
                "no_credentials",
                format!(
                    "No saved agent registration ({} does not exist): call \
                     opentrain_register_agent first, or pass claimToken.",
                    path.display()
                ),
            )
        }
        other => other.into(),
    })
}

async fn claim_account(ctx: &Ctx, params: ClaimAccount) -> Outcome {
    let email = super::id(&params.email, "email")?.to_owned();
    let ceremony = agent(ctx, params.claim_token)?.start_claim(&email).await?;
    let user_code = ceremony.user_code.as_ref().map(|c| c.expose().to_owned());
    let uri = ceremony
        .verification_uri
        .as_ref()
        .map(|u| u.expose().to_owned());
    let structured = json!({
        "user_code": user_code,
        "verification_uri": uri,
        "expires_in": ceremony.expires_in,
        "interval": ceremony.interval,
        "email_sent": ceremony.email_sent,
    });
    let mut summary = format!(
        "Claim started: OpenTrain {} {email} a verification link.",
        match ceremony.email_sent {
            Some(false) => "did not email",
            _ => "emailed",
        }
    );
    if let (Some(uri), Some(code)) = (&uri, &user_code) {
        summary.push_str(&format!(
            " Show the human: open {uri} and enter the code {code}."
        ));
    }
    if let Some(seconds) = ceremony.expires_in {
        summary.push_str(&format!(" The code expires in {seconds} s."));
    }
    summary.push_str(&format!(
        " Next: call opentrain_claim_status every {} s until it reports claimed.",
        ceremony.interval.max(1)
    ));
    if ctx.rehearsal.is_some() {
        summary.push_str(" (Sandbox: the scripted human confirms after the first check.)");
    }
    ToolOutput::new(summary, &structured)
}

async fn claim_status(ctx: &Ctx, params: ClaimStatusParams) -> Outcome {
    let ceremony = agent(ctx, params.claim_token)?.resume_claim();
    let file = ceremony
        .agent()
        .credentials_file()
        .path()
        .display()
        .to_string();
    match ceremony.poll().await? {
        Poll::Claimed(client) => {
            let me = client.get_me().send().await.ok().map(|me| me.into_inner());
            let structured = json!({
                "status": "claimed",
                "credentialsFile": file,
                "me": me,
            });
            let mut summary = format!(
                "Claimed: the human now owns the account. The claimed API token is saved in \
                 {file} and used from now on."
            );
            if ctx.session.token_from_env() {
                summary = format!(
                    "Claimed: the human now owns the account and the claimed token is saved in \
                     {file}, but API calls keep using {} (unset it to use the saved token).",
                    crate::credentials::TOKEN_ENV_VAR
                );
            }
            summary.push_str(
                " Next: opentrain_auth_status to see the new scopes; hiring, messaging and \
                 payments are now possible.",
            );
            ToolOutput::new(summary, &structured)
        }
        Poll::SlowDown => ToolOutput::new(
            "slow_down: polling too fast. Wait longer than the poll interval before calling \
             opentrain_claim_status again.",
            &json!({ "status": "slow_down" }),
        ),
        _ => ToolOutput::new(
            "authorization_pending: the human has not confirmed yet. Call \
             opentrain_claim_status again after the poll interval.",
            &json!({ "status": "authorization_pending" }),
        ),
    }
}
