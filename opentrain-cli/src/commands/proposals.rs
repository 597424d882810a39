//! `opentrain proposals …` (list, get with the AI interview, hire) and
//! `opentrain freelancers get`.

use serde_json::json;

use opentrain::approvals::Milestone;
use opentrain::types;

use super::{list, page_size};
use crate::cli::{FreelancersCommand, ProposalsCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, columns, record};

/// Runs `opentrain proposals …`.
pub async fn run(ctx: &Ctx, command: ProposalsCommand) -> Result<(), CliError> {
    match command {
        ProposalsCommand::List {
            job_id,
            status,
            paging,
        } => {
            let client = ctx.authed()?;
            let status = status.map(|s| types::ProposalStatus::from(s.as_str()));
            let (c, s, j) = (client.clone(), status.clone(), job_id.clone());
            list(
                ctx,
                &paging,
                |limit, cursor| async move {
                    let mut call = c.list_job_proposals().id(j);
                    if let Some(l) = limit {
                        call = call.limit(page_size(l));
                    }
                    if let Some(cursor) = cursor {
                        call = call.cursor(cursor);
                    }
                    if let Some(s) = s {
                        call = call.status(s);
                    }
                    Ok(call.send().await?.into_inner())
                },
                |page: &types::JobProposalPage| {
                    (page.proposals.iter().collect(), page.next_cursor.as_deref())
                },
                || {
                    let mut proposals = client.proposals(job_id);
                    if let Some(s) = status {
                        proposals = proposals.status(s);
                    }
                    proposals.paginate()
                },
                |p: &types::JobProposal| {
                    columns(
                        p,
                        &["id", "status", "candidate.displayName", "bid.amountUsd"],
                    )
                },
            )
            .await
        }
        ProposalsCommand::Get {
            id,
            include_interview,
        } => {
            let client = ctx.authed()?;
            let proposal = client.proposal(&id).await?;
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
                    None => output::json(&proposal),
                };
            }
            record(
                &proposal,
                &[
                    ("Proposal", "id"),
                    ("Status", "status"),
                    ("Job", "jobId"),
                    ("Candidate", "candidate.displayName"),
                    ("Candidate id", "candidate.id"),
                    ("Bid (USD)", "bid.amountUsd"),
                    ("Unit", "bid.unit"),
                    ("Created", "createdAt"),
                ],
            );
            if let Some(interview) = interview {
                record(
                    &interview,
                    &[
                        ("Interview score", "score"),
                        ("Interview summary", "summary"),
                    ],
                );
            }
            Ok(())
        }
        ProposalsCommand::Hire {
            id,
            amount,
            name,
            description,
            due_date,
            confirm_not_fit_override,
        } => {
            if !(amount.is_finite() && amount > 0.0) {
                return Err(CliError::usage("--amount must be a positive number of USD"));
            }
            let mut milestone = Milestone::usd(amount);
            if let Some(name) = name {
                milestone = milestone.name(name);
            }
            if let Some(description) = description {
                milestone = milestone.description(description);
            }
            if let Some(date) = due_date {
                milestone = milestone.due_date(date);
            }
            let client = ctx.authed()?;
            let mut hire = client.hire_from_proposal(&id, milestone);
            if confirm_not_fit_override {
                hire = hire.confirm_not_fit_override();
            }
            let pending = hire.send().await?;
            if ctx.json {
                return output::json(pending.approval());
            }
            output::approval_notice(&pending);
            Ok(())
        }
    }
}

/// Runs `opentrain freelancers …`.
pub async fn freelancers(ctx: &Ctx, command: FreelancersCommand) -> Result<(), CliError> {
    match command {
        FreelancersCommand::Get { id_or_slug } => {
            let profile = ctx.authed()?.freelancer(&id_or_slug).await?;
            if ctx.json {
                return output::json(&profile);
            }
            record(
                &profile,
                &[
                    ("AI trainer", "id"),
                    ("Name", "displayName"),
                    ("Title", "title"),
                    ("Country", "country"),
                    ("Hourly rate (USD)", "hourlyRateUsd"),
                    ("Availability", "availability"),
                    ("Identity verified", "identityVerified"),
                    ("Profile", "profilePath"),
                ],
            );
            Ok(())
        }
    }
}
