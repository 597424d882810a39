//! `opentrain auth …`: the runs of the table's registration and claim ceremony (start, one
//! poll or a live wait), and login with a checked token and logout (`auth status`, also
//! `whoami`, is a plain table command). The tokens themselves are never printed; the claim's
//! verification link and code are, since the human needs them.

use std::time::Duration;

use serde_json::{Map, Value, json};

use opentrain::Client;
use opentrain::agent::{self, ClaimStatus};
use opentrain::config::Overwrite;
use opentrain_tools::{Tool, clock, workflow};

use super::workflows::{print_summary, switch, whole};
use crate::cli::AuthCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, or_dash};
use crate::progress::{Indicator, NextPoll};
use crate::{note, out};

/// Runs `opentrain auth login` and `logout` (the table's workflows run the rest).
pub async fn run(ctx: &Ctx, command: AuthCommand) -> Result<(), CliError> {
    match command {
        AuthCommand::Login { api_key } => login(ctx, api_key).await,
        AuthCommand::Logout => logout(ctx),
    }
}

/// `auth register`: a new agent account, its tokens saved and never printed.
pub async fn register(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let registration = workflow::registration(ctx.agent_config()?, arguments);
    let agent = agent::register(&registration).await?;
    let facts = workflow::registered_facts(&agent);
    if ctx.json {
        return output::json(&facts);
    }
    print_summary(tool, &facts, arguments);
    Ok(())
}

/// `auth claim`: the owner gets a link and a code, which are printed for them.
pub async fn claim(ctx: &Ctx, tool: &Tool, arguments: &Map<String, Value>) -> Result<(), CliError> {
    let email = workflow::text(arguments, "email").unwrap_or_default();
    let agent = workflow::agent(&ctx.agent_config()?, arguments)?;
    let ceremony = agent.start_claim(email).await?;
    let facts = workflow::claim_facts(&ceremony);
    if ctx.json {
        return output::json(&facts);
    }
    print_summary(tool, &facts, arguments);
    Ok(())
}

/// `auth claim-status [--wait]`: one check, or a live wait for the owner's confirmation.
pub async fn claim_status(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let wait = switch(arguments, "wait");
    // `--timeout` has its default on the command line; without one the wait has no limit.
    let timeout = whole(arguments, "timeout").map(Duration::from_secs);
    let agent = workflow::agent(&ctx.agent_config()?, arguments)?;
    let path = agent.credentials_file().path().display().to_string();
    let ceremony = agent.resume_claim();
    if !wait {
        return match ceremony.poll().await? {
            ClaimStatus::Claimed(client) => claimed(ctx, tool, arguments, &client, &path),
            ClaimStatus::SlowDown => pending(ctx, tool, arguments, "slow_down"),
            _ => pending(ctx, tool, arguments, "pending"),
        };
    }
    // The facade's wait: its `interval` and `slow_down` handling, transient failures sat out,
    // the token saved before it returns; the indicator only draws.
    let indicator = Indicator::new("Waiting for the owner to confirm the claim", ctx.json);
    let next = NextPoll::default();
    let ceremony = match timeout {
        Some(timeout) => ceremony.max_wait(timeout),
        None => ceremony,
    };
    match indicator
        .drive(&next, ceremony.wait_with_progress(next.hook()))
        .await
    {
        Ok(client) => claimed(ctx, tool, arguments, &client, &path),
        Err(opentrain::Error::ClaimExpired) => Err(CliError::TimedOut(format!(
            "the owner did not confirm the claim{}, or the claim attempt expired; run \
             `opentrain auth claim-status` again, or start a new claim with `opentrain auth claim`",
            timeout
                .map(|t| format!(" within {}", clock(t)))
                .unwrap_or_default()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// A claim still waiting on the owner: `status` is `pending`, or `slow_down` when checked too
/// soon.
fn pending(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
    status: &str,
) -> Result<(), CliError> {
    let facts = json!({ "status": status });
    if ctx.json {
        return output::json(&facts);
    }
    print_summary(tool, &facts, arguments);
    Ok(())
}

fn claimed(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
    client: &Client,
    path: &str,
) -> Result<(), CliError> {
    let facts = json!({
        "status": "claimed",
        "baseUrl": client.base_url(),
        "credentialsFile": path,
    });
    if ctx.json {
        return output::json(&facts);
    }
    print_summary(tool, &facts, arguments);
    Ok(())
}

async fn login(ctx: &Ctx, api_key: String) -> Result<(), CliError> {
    let resolved =
        opentrain::config::resolve_from_process_env(Some(&api_key), ctx.base_url.as_deref())?;
    let Some(token) = resolved.token.clone() else {
        return Err(CliError::usage("--api-key is empty"));
    };
    let client = Client::builder()
        .token(token.expose())
        .base_url(&resolved.base_url)
        .build()?;
    let me = client.get_me().send().await?.into_inner();
    let file = ctx.credentials_file()?;
    let mut credentials = file.load_optional()?.unwrap_or_default();
    credentials.api_token = Some(token);
    credentials.base_url = Some(resolved.base_url.clone());
    credentials.claim_token = None;
    file.save(&credentials, Overwrite::Allow)?;
    if ctx.json {
        return output::json(&me);
    }
    let who = me
        .actor
        .as_ref()
        .and_then(|a| a.email.clone().or_else(|| a.full_name.clone()));
    out!(
        "Logged in as {} at {}; the token is saved in {}.",
        or_dash(who),
        resolved.base_url,
        file.path().display()
    );
    Ok(())
}

fn logout(ctx: &Ctx) -> Result<(), CliError> {
    let file = ctx.credentials_file()?;
    let removed = file.remove()?;
    let path = file.path().display().to_string();
    if ctx.json {
        return output::json(&json!({ "removed": removed, "credentialsFile": path }));
    }
    if removed {
        out!("Logged out: removed {path}.");
        out!("The token itself still works until revoked (`opentrain tokens revoke <id>`).");
    } else {
        out!("Not logged in: there is no {path}.");
    }
    if opentrain::config::TOKEN_ENV_VARS
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|t| !t.is_empty()))
    {
        note!(
            "Note: a token is still set in the environment (OT_API_TOKEN / OPENTRAIN_API_TOKEN)."
        );
    }
    Ok(())
}
