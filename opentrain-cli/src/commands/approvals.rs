//! `opentrain approvals wait`: a live wait until a person confirms, declines or lets an
//! approval expire (the money requests themselves, `approvals get`, `contracts` and
//! `milestones` come from the shared table of tools). Waiting only reads.

use std::time::Duration;

use std::future::IntoFuture;

use opentrain::approvals::WaitForApproval;
use opentrain_tools::clock;

use crate::cli::ApprovalsCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::out;
use crate::output::{self, columns};
use crate::progress::{Indicator, NextPoll};

/// Runs `opentrain approvals …`.
pub async fn approvals(ctx: &Ctx, command: ApprovalsCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
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
