//! The employer lifecycle: drafts, jobs, the public marketplace, freelancers, proposals,
//! conversations and messages, hires, co-sign approvals, contracts, milestones and pending
//! payments. [`Market`] (in `records.rs`) holds every record of the family (inside the shared
//! `State`), the other submodules hold the handlers of one resource each, and [`routes`] lists
//! them for the router. The test controls of the family (`block_words`, `add_proposal`,
//! `confirm_approval`, ...) live in `controls.rs` as methods of [`crate::Sandbox`].

use axum::routing::{get, patch, post};
use chrono::{DateTime, Utc};
use opentrain_gen::types::ProposalStatus;
use opentrain_gen::types::error::ConversionError;

use super::Route;
use crate::app::State;
use crate::errors::ApiError;

mod controls;
mod drafts;
mod jobs;
mod messages;
mod money;
mod parse;
mod proposals;
mod records;
mod seed;

pub(crate) use controls::settle;
pub(crate) use money::{Outcome, auto_confirm, settle_expiry};
pub(crate) use records::{
    ApprovalRec, ContractRec, Conversation, Freelancer, HireTerms, InvoiceRec, JobChangeRec,
    JobRec, Market, MilestoneRec, Msg, ProposalRec,
};

/// The job `id` owned by `account_id` (404 otherwise, as the docs say: "no such job, or not
/// yours").
pub(crate) fn owned_job<'a>(
    market: &'a Market,
    id: &str,
    account_id: &str,
) -> Result<&'a JobRec, ApiError> {
    market
        .job(id)
        .filter(|j| j.account_id == account_id)
        .ok_or_else(|| job_not_found(id))
}

/// 404 for a job id.
pub(crate) fn job_not_found(id: &str) -> ApiError {
    ApiError::not_found("jobs", "No such job, or it is not yours.")
        .with(|d| d.job_id = Some(id.to_owned()))
}

/// Adds an applicant's proposal to `job_id` (the next seeded freelancer in turn) and records
/// `proposal.received`. Returns the proposal id, or `None` when the job does not exist or no
/// trainer is available; errors only if the event could not be built.
pub(crate) fn add_applicant(
    st: &mut State,
    job_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, ConversionError> {
    let Some(job) = st.market.job(job_id).cloned() else {
        return Ok(None);
    };
    let available: Vec<&Freelancer> = st
        .market
        .freelancers
        .iter()
        .filter(|f| f.available)
        .collect();
    let turn = st.market.next_applicant % available.len().max(1);
    let Some(freelancer) = available.get(turn).map(|f| (*f).clone()) else {
        return Ok(None);
    };
    st.market.next_applicant += 1;
    let id = st.next_id("prop");
    let (bid_amount, bid_unit) = parse::bid_for(&job, &freelancer);
    st.market.proposals.push(ProposalRec {
        id: id.clone(),
        job_id: job.id.clone(),
        account_id: job.account_id.clone(),
        freelancer_id: freelancer.id.to_owned(),
        status: ProposalStatus::Unreviewed,
        created_at: now,
        updated_at: now,
        bid_amount,
        bid_unit,
        invited: false,
        conversation_id: None,
        contract_id: None,
    });
    st.record_event(
        &job.account_id,
        opentrain_gen::types::EventType::ProposalReceived,
        &id,
        Some(&job.id),
        opentrain_gen::types::PlatformEventData::builder()
            .proposal_id(Some(id.clone()))
            .job_id(Some(job.id.clone())),
        now,
    )?;
    Ok(Some(id))
}

/// The lifecycle's routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        // Drafts.
        (
            "POST",
            "/api/public/v1/job-drafts",
            post(drafts::create_draft),
        ),
        (
            "GET",
            "/api/public/v1/job-drafts/capabilities",
            get(drafts::capabilities),
        ),
        (
            "PATCH",
            "/api/public/v1/job-drafts/{jobId}",
            patch(drafts::update_draft),
        ),
        // Jobs and the marketplace.
        ("GET", "/api/public/v1/jobs", get(jobs::search)),
        ("GET", "/api/public/v1/jobs/facets", get(jobs::facets)),
        ("GET", "/api/public/v1/jobs/changes", get(jobs::changes)),
        ("GET", "/api/public/v1/jobs/mine", get(jobs::mine)),
        ("GET", "/api/public/v1/jobs/{id}", get(jobs::get_job)),
        ("PATCH", "/api/public/v1/jobs/{id}", patch(jobs::update_job)),
        (
            "POST",
            "/api/public/v1/jobs/{id}/publish",
            post(jobs::publish),
        ),
        ("POST", "/api/public/v1/jobs/{id}/close", post(jobs::close)),
        (
            "POST",
            "/api/public/v1/jobs/{id}/invites",
            post(jobs::invite),
        ),
        (
            "GET",
            "/api/public/v1/freelancers/{idOrSlug}",
            get(jobs::freelancer),
        ),
        // Proposals.
        (
            "GET",
            "/api/public/v1/jobs/{id}/proposals",
            get(proposals::list),
        ),
        (
            "GET",
            "/api/public/v1/proposals/{proposalId}",
            get(proposals::get_proposal),
        ),
        (
            "GET",
            "/api/public/v1/proposals/{proposalId}/interview",
            get(proposals::interview),
        ),
        (
            "POST",
            "/api/public/v1/proposals/{proposalId}/conversation",
            post(proposals::conversation),
        ),
        (
            "POST",
            "/api/public/v1/proposals/{proposalId}/hire",
            post(money::hire),
        ),
        // Messages.
        ("GET", "/api/public/v1/messages", get(messages::list)),
        ("POST", "/api/public/v1/messages", post(messages::send)),
        // Money.
        (
            "POST",
            "/api/public/v1/milestones/{milestoneId}/fund",
            post(money::fund),
        ),
        (
            "POST",
            "/api/public/v1/milestones/{milestoneId}/approve",
            post(money::approve),
        ),
        (
            "GET",
            "/api/public/v1/approvals/{approvalId}",
            get(money::get_approval),
        ),
        (
            "GET",
            "/api/public/v1/contracts",
            get(money::list_contracts),
        ),
        (
            "GET",
            "/api/public/v1/contracts/{contractId}",
            get(money::get_contract),
        ),
        (
            "POST",
            "/api/public/v1/contracts/{contractId}/end",
            post(money::end_contract),
        ),
        (
            "POST",
            "/api/public/v1/contracts/{contractId}/milestones",
            post(money::create_milestone),
        ),
        (
            "GET",
            "/api/public/v1/payments/pending",
            get(money::pending_payments),
        ),
    ]
}
