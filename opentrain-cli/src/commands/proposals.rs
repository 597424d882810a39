//! `opentrain proposals get`, with the AI interview on request (list and hire, and
//! `freelancers get`, come from the shared table of tools).

use serde_json::json;

use crate::cli::ProposalsCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, record};

/// Runs `opentrain proposals …`.
pub async fn run(ctx: &Ctx, command: ProposalsCommand) -> Result<(), CliError> {
    match command {
        ProposalsCommand::Get {
            id,
            include_interview,
        } => {
            let client = ctx.authed()?;
            let proposal = client
                .get_proposal()
                .proposal_id(&id)
                .send()
                .await?
                .into_inner()
                .proposal;
            let interview = if include_interview {
                Some(
                    client
                        .get_interview()
                        .proposal_id(&id)
                        .send()
                        .await?
                        .into_inner()
                        .interview,
                )
            } else {
                None
            };
            if ctx.json {
                return match interview {
                    Some(interview) => {
                        output::json(&json!({ "proposal": proposal, "interview": interview }))
                    }
                    None => output::sent(ctx, &proposal),
                };
            }
            record(
                &proposal,
                &[
                    ("Proposal", "/id"),
                    ("Status", "/status"),
                    ("Job", "/jobId"),
                    ("Candidate", "/candidate/displayName"),
                    ("Candidate id", "/candidate/id"),
                    ("Bid (USD)", "/bid/amountUsd"),
                    ("Unit", "/bid/unit"),
                    ("Created", "/createdAt"),
                ],
            );
            if let Some(interview) = interview {
                record(
                    &interview,
                    &[
                        ("Interview score", "/score"),
                        ("Interview summary", "/summary"),
                    ],
                );
            }
            Ok(())
        }
    }
}
