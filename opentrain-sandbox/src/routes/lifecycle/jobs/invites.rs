//! `POST /jobs/{id}/invites`: invite a trainer to an open job (an invited proposal, or the
//! trainer's existing one).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::{ErrorReason, JobInvite, JobStatus, ProposalStatus, Scope};
use serde_json::Value;

use crate::Feature;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::lifecycle::{ProposalRec, owned_job, parse};
use crate::routes::{object, ok, with_status};

/// `POST /jobs/{id}/invites`: an invited proposal (201), or the existing proposal of that
/// trainer on the job (200 `alreadyInvited`). 409 `job_not_published` unless the job is OPEN,
/// `not_a_freelancer` for the employer's own user id, `freelancer_unavailable` for a trainer
/// not taking work. No `proposal.received` fires: the trainer has not answered yet.
pub(crate) async fn invite(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::ProposalsWrite)?;
    st.require_feature(Feature::Hiring)?;
    p.require_claimed("invite AI trainers")?;
    let body = object(&body, false)?;
    let freelancer_id = match body.get("freelancerId") {
        // Any string is an ID: the docs state no format, and one that names nobody is a 404 below.
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(ApiError::issues(
                "freelancerId is required: the AI trainer's user ID.",
                vec![serde_json::json!({
                    "code": "invalid_type",
                    "expected": "string",
                    "path": ["freelancerId"],
                    "message": "Required",
                })],
            )
            .with(|d| d.field = Some("freelancerId".to_owned())));
        }
    };
    let job = owned_job(&st.market, &id, &p.account_id)?.clone();
    let own_user = st.account(&p.account_id).map(|a| a.user_id.clone());
    if own_user.as_deref() == Some(freelancer_id.as_str()) {
        return Err(ApiError::conflict(
            ErrorReason::NotAFreelancer,
            "That user is not an AI trainer.",
        ));
    }
    let freelancer = st
        .market
        .freelancer(&freelancer_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found("users", "No such user.").with(|d| d.job_id = Some(id.clone()))
        })?;
    if job.status != JobStatus::Open {
        return Err(ApiError::conflict(
            ErrorReason::JobNotPublished,
            "Publish the job before inviting AI trainers.",
        )
        .with(|d| d.job_id = Some(id.clone())));
    }
    let existing = st
        .market
        .proposals
        .iter()
        .find(|pr| pr.job_id == id && pr.freelancer_id == freelancer.id)
        .map(|pr| pr.id.clone());
    if let Some(proposal_id) = existing {
        return ok(&JobInvite::try_from(
            JobInvite::builder()
                .already_invited(Some(true))
                .freelancer_id(Some(freelancer.id.to_owned()))
                .job_id(Some(id))
                .ok(Some(true))
                .proposal_id(proposal_id),
        )?);
    }
    if !freelancer.available {
        return Err(ApiError::conflict(
            ErrorReason::FreelancerUnavailable,
            "This AI trainer is not taking new work.",
        ));
    }
    let proposal_id = st.next_id("prop");
    let (bid_amount, bid_unit) = parse::bid_for(&job, &freelancer);
    st.market.proposals.push(ProposalRec {
        id: proposal_id.clone(),
        job_id: id.clone(),
        account_id: p.account_id.clone(),
        freelancer_id: freelancer.id.to_owned(),
        status: ProposalStatus::Unreviewed,
        created_at: now,
        updated_at: now,
        bid_amount,
        bid_unit,
        invited: true,
        conversation_id: None,
        contract_id: None,
    });
    with_status(
        StatusCode::CREATED,
        &JobInvite::try_from(
            JobInvite::builder()
                .already_invited(Some(false))
                .freelancer_id(Some(freelancer.id.to_owned()))
                .job_id(Some(id))
                .ok(Some(true))
                .proposal_id(proposal_id),
        )?,
    )
}
