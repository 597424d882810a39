//! `opentrain sandbox trainer|approvals|moderation …`: the other sides of the marketplace,
//! played against a running sandbox (`opentrain sandbox serve`) through its control routes, so
//! an agent under development sees a proposal arrive, a reply come in or a co-sign go through
//! with the events and webhook deliveries the real service would send.
//!
//! The sandbox is found at `--base-url`, else `OT_API_BASE_URL` / `OPENTRAIN_API_BASE_URL`;
//! never at the real service's default URL, which has no such routes.

use opentrain_sandbox::{Decision, Remote};
use serde_json::json;

use crate::cli::{ModerationCommand, SandboxApprovalsCommand, TrainerCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

/// The running sandbox the command drives.
fn remote(ctx: &Ctx) -> Result<Remote, CliError> {
    let from_env = || {
        opentrain::config::BASE_URL_ENV_VARS
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    };
    match ctx.base_url.clone().or_else(from_env) {
        Some(url) => Ok(Remote::new(url)),
        None => Err(CliError::usage(
            "give the sandbox's URL with --base-url (the first line `opentrain sandbox serve` \
             prints), or set OT_API_BASE_URL",
        )),
    }
}

/// A control's failure: the sandbox's refusal or why no sandbox answered.
fn failed(error: opentrain_sandbox::RemoteError) -> CliError {
    CliError::Check(error.to_string())
}

/// `opentrain sandbox trainer propose|reply`.
pub async fn trainer(ctx: &Ctx, command: TrainerCommand) -> Result<(), CliError> {
    let sandbox = remote(ctx)?;
    match command {
        TrainerCommand::Propose { job_id } => {
            let proposal = sandbox.propose(&job_id).await.map_err(failed)?;
            if ctx.json {
                return output::json(&json!({ "proposalId": proposal, "jobId": job_id }));
            }
            crate::out!(
                "A trainer applied to {job_id}: proposal {proposal} (proposal.received fired)."
            );
        }
        TrainerCommand::Reply {
            conversation_id,
            text,
        } => {
            let message = sandbox
                .reply(&conversation_id, &text)
                .await
                .map_err(failed)?;
            if ctx.json {
                return output::json(
                    &json!({ "messageId": message, "conversationId": conversation_id }),
                );
            }
            crate::out!(
                "The trainer replied in {conversation_id}: message {message} (message.received fired)."
            );
        }
    }
    Ok(())
}

/// `opentrain sandbox approvals confirm|decline|expire ID`.
pub async fn approvals(ctx: &Ctx, command: SandboxApprovalsCommand) -> Result<(), CliError> {
    let sandbox = remote(ctx)?;
    let (id, decision) = match command {
        SandboxApprovalsCommand::Confirm { id } => (id, Decision::Confirm),
        SandboxApprovalsCommand::Decline { id } => (id, Decision::Decline),
        SandboxApprovalsCommand::Expire { id } => (id, Decision::Expire),
    };
    let status = sandbox.decide(&id, decision).await.map_err(failed)?;
    if ctx.json {
        return output::json(&json!({ "approvalId": id, "status": status }));
    }
    crate::out!("Approval {id} is {status} (approval.confirmed fired).");
    Ok(())
}

/// `opentrain sandbox moderation block WORD`.
pub async fn moderation(ctx: &Ctx, command: ModerationCommand) -> Result<(), CliError> {
    let sandbox = remote(ctx)?;
    let ModerationCommand::Block { word } = command;
    let words = sandbox.block_word(&word).await.map_err(failed)?;
    if ctx.json {
        return output::json(&json!({ "blockedWords": words }));
    }
    crate::out!("Moderation now blocks: {}.", words.join(", "));
    Ok(())
}
