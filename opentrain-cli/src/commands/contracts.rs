//! The money side: `opentrain contracts end` (list and get come from the shared table of
//! tools), `opentrain milestones …`
//! (create, fund, approve) and `opentrain approvals …` (get, and a live wait). Every money
//! request prints the approval URL a person must confirm; waiting only reads.

use std::time::Duration;

use std::future::IntoFuture;

use opentrain::approvals::WaitForApproval;
use opentrain::types;

use crate::cli::{ApprovalsCommand, ContractsCommand, MilestonesCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::out;
use crate::output::{self, columns, record};
use crate::progress::{Indicator, NextPoll, clock};

/// Runs `opentrain contracts …`.
pub async fn run(ctx: &Ctx, command: ContractsCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        ContractsCommand::End { id } => match client
            .end_contract()
            .contract_id(&id)
            .send()
            .await?
            .into_inner()
        {
            types::EndContractResult::ContractEnded(ended) => {
                if ctx.json {
                    return output::sent(ctx, &ended);
                }
                out!("Contract {} ended.", ended.contract_id);
                Ok(())
            }
            types::EndContractResult::ApprovalPending(pending) => {
                if ctx.json {
                    return output::sent(ctx, &pending);
                }
                out!(
                    "Contract {id} has funded milestones, so ending it needs a person's approval."
                );
                output::approval_notice(&pending);
                Ok(())
            }
        },
    }
}

/// Runs `opentrain milestones …`.
pub async fn milestones(ctx: &Ctx, command: MilestonesCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    let pending = match command {
        MilestonesCommand::Create {
            contract_id,
            description,
            name,
            amount_usd,
            volume,
            due_date,
        } => {
            let request = types::CreateMilestoneRequest::builder()
                .description(description)
                .name(name)
                .amount_usd(amount_usd)
                .volume(volume)
                .due_date(due_date);
            let created = client
                .create_milestone()
                .contract_id(&contract_id)
                .body(request)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &created);
            }
            let m = &created.milestone;
            out!(
                "Created milestone {} on contract {contract_id}: {}",
                m.id,
                columns(m, &["/status", "/name", "/amountUsd"])
            );
            out!("Fund it with `opentrain milestones fund {}`.", m.id);
            return Ok(());
        }
        MilestonesCommand::Fund { id } => client.fund_milestone().milestone_id(&id).send().await?,
        MilestonesCommand::Approve { id } => {
            client.approve_milestone().milestone_id(&id).send().await?
        }
    };
    if ctx.json {
        return output::sent(ctx, &*pending);
    }
    output::approval_notice(&pending);
    Ok(())
}

/// Runs `opentrain approvals …`.
pub async fn approvals(ctx: &Ctx, command: ApprovalsCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        ApprovalsCommand::Get { id } => {
            let response = client
                .get_approval()
                .approval_id(&id)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &response);
            }
            print_approval(&response.approval);
            Ok(())
        }
        ApprovalsCommand::Wait {
            id,
            timeout,
            poll_interval,
        } => {
            if !(poll_interval.is_finite() && poll_interval > 0.0) {
                return Err(CliError::usage(
                    "--poll-interval must be a positive number of seconds",
                ));
            }
            let first = Duration::from_secs_f64(poll_interval);
            wait(ctx, &client, &id, Duration::from_secs(timeout), first).await
        }
    }
}

fn print_approval(approval: &types::Approval) {
    record(
        approval,
        &[
            ("Approval", "/id"),
            ("Type", "/type"),
            ("Status", "/status"),
            ("Confirm at", "/approvalUrl"),
            ("Expires", "/expiresAt"),
            ("Resolved", "/resolvedAt"),
            ("Contract", "/contractId"),
            ("Milestone", "/milestoneId"),
            ("Proposal", "/proposalId"),
        ],
    );
}

/// Waits for the approval with the facade's wait (`GET /approvals/{id}` on its backoff
/// schedule: the first interval doubling up to a minute, jittered) and a live indicator, until
/// it leaves `pending`.
async fn wait(
    ctx: &Ctx,
    client: &opentrain::Client,
    id: &str,
    timeout: Duration,
    first: Duration,
) -> Result<(), CliError> {
    let indicator = Indicator::new(format!("Waiting for approval {id}"), ctx.json);
    let next = NextPoll::default();
    let approval = client
        .get_approval()
        .approval_id(id)
        .send()
        .await?
        .into_inner()
        .approval;
    let url = columns(&approval, &["/approvalUrl"]);
    // The facade's schedule caps the wait between polls at a minute; a longer first interval
    // asked for on the command line raises the cap with it.
    let waiting = approval
        .wait(client)
        .max_wait(timeout)
        .poll_interval(first)
        .max_poll_interval(first.max(Duration::from_secs(60)))
        .on_poll(next.hook())
        .into_future();
    let outcome = match indicator.drive(&next, waiting).await {
        Ok(outcome) => outcome,
        Err(opentrain::Error::ApprovalTimeout { .. }) => {
            return Err(CliError::TimedOut(format!(
                "approval {id} is still pending after {}; a person can still confirm it at {url}",
                clock(timeout)
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let confirmed = outcome.is_confirmed();
    if ctx.json {
        output::json(&outcome)?;
    } else {
        match outcome.confirmation() {
            Some(result) => {
                let what = output::present_fields(result, "kind");
                out!(
                    "Confirmed ({}){}{what}",
                    columns(result, &["/kind"]).replace('_', " "),
                    if what.is_empty() { "" } else { ": " }
                );
            }
            None => out!("Approval {id} was {}; nothing ran.", outcome.status()),
        }
    }
    if confirmed {
        Ok(())
    } else {
        Err(CliError::NotConfirmed(format!(
            "approval {id} was {}",
            outcome.status()
        )))
    }
}
