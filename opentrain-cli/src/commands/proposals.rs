//! `opentrain proposals …` (list, get with the AI interview, hire) and
//! `opentrain freelancers get`.

use serde_json::json;

use opentrain::paging::Paginate;
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
            let mut call = client.list_job_proposals().id(&job_id);
            if let Some(status) = status {
                call = call.status(types::ProposalStatus::from(status.as_str()));
            }
            let first = call.clone();
            list(
                ctx,
                &paging,
                |limit, cursor| async move {
                    let mut call = first;
                    if let Some(l) = limit {
                        call = call.limit(page_size(l));
                    }
                    if let Some(cursor) = cursor {
                        call = call.cursor(cursor);
                    }
                    Ok(call.send().await?.into_inner())
                },
                |page: &types::JobProposalPage| {
                    (page.proposals.iter().collect(), page.next_cursor.as_deref())
                },
                |limit| match limit {
                    Some(l) => call.limit(page_size(l)).paginate(),
                    None => call.paginate(),
                },
                |p: &types::JobProposal| {
                    columns(
                        p,
                        &["/id", "/status", "/candidate/displayName", "/bid/amountUsd"],
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
            let milestone = types::HireMilestone::builder()
                .amount(amount)
                .name(name)
                .description(description)
                .due_date(due_date);
            let body = types::HireRequest::builder()
                .milestone(milestone)
                .confirm_not_fit_override(confirm_not_fit_override.then_some(true));
            let client = ctx.authed()?;
            let pending = client
                .hire_from_proposal()
                .proposal_id(&id)
                .body(body)
                .send()
                .await?;
            if ctx.json {
                return output::sent(ctx, &*pending);
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
            let profile = ctx
                .authed()?
                .get_freelancer()
                .id_or_slug(&id_or_slug)
                .send()
                .await?
                .into_inner()
                .freelancer;
            if ctx.json {
                return output::sent(ctx, &profile);
            }
            record(
                &profile,
                &[
                    ("AI trainer", "/id"),
                    ("Name", "/displayName"),
                    ("Title", "/title"),
                    ("Country", "/country"),
                    ("Hourly rate (USD)", "/hourlyRateUsd"),
                    ("Availability", "/availability"),
                    ("Identity verified", "/identityVerified"),
                    ("Profile", "/profilePath"),
                ],
            );
            Ok(())
        }
    }
}
