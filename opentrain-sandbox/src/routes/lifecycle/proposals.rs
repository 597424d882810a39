//! Proposals: the per-job list (status filter, cursor paging, newest first), one proposal in
//! full, the AI-interview transcript, and the get-or-create pre-hire conversation.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    Interview, InterviewMessage, InterviewResponse, JobProposal, JobProposalBid,
    JobProposalCandidate, JobProposalMetrics, JobProposalPage, JobProposalStatusValue, Proposal,
    ProposalAiInterview, ProposalConversation, ProposalDetailBid, ProposalDetailCandidate,
    ProposalDetailMetrics, ProposalDetailStatus, ProposalIdentityVerification,
    ProposalLocationVerification, ProposalResponse, ProposalStatus, ProposalVerification, Scope,
};

use super::{Conversation, Freelancer, Market, ProposalRec, job_not_found};
use crate::Feature;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::{Params, limit, ok, page, params, with_status};

/// The status values the proposal filter accepts: the documented values of the generated
/// [`ProposalStatus`].
const PROPOSAL_STATUSES: &[&str] = ProposalStatus::DOCUMENTED;

/// The display label of a proposal status.
pub(crate) fn status_label(status: &ProposalStatus) -> String {
    match status {
        ProposalStatus::Unreviewed => "Unreviewed".into(),
        ProposalStatus::Shortlisted => "Shortlisted".into(),
        ProposalStatus::Maybe => "Maybe".into(),
        ProposalStatus::Hired => "Hired".into(),
        ProposalStatus::Declined => "Declined".into(),
        ProposalStatus::NotAFit => "Not a fit".into(),
        ProposalStatus::ResumeSent => "Resume sent".into(),
        other => other.to_string(),
    }
}

/// The proposal `id` on one of `account_id`'s jobs: 404 when unknown, 403 when the job is
/// another account's.
pub(crate) fn my_proposal<'a>(
    market: &'a Market,
    id: &str,
    account_id: &str,
) -> Result<&'a ProposalRec, ApiError> {
    let proposal = market.proposal(id).ok_or_else(|| {
        ApiError::not_found("proposals", "No such proposal.")
            .with(|d| d.proposal_id = Some(id.to_owned()))
    })?;
    if proposal.account_id != account_id {
        return Err(ApiError::forbidden(
            "This proposal is on another account's job.",
        ));
    }
    Ok(proposal)
}

/// The trainer behind a proposal (seeded, so always present; a fallback keeps it total).
fn trainer<'a>(market: &'a Market, proposal: &ProposalRec) -> Option<&'a Freelancer> {
    market.freelancer(&proposal.freelancer_id)
}

/// A list entry.
fn list_entry(app: &App, market: &Market, p: &ProposalRec) -> Result<JobProposal, ConversionError> {
    let f = trainer(market, p);
    let bid = JobProposalBid::try_from(
        JobProposalBid::builder()
            .amount_usd(p.bid_amount)
            .labeler_hourly_rate_usd(
                (p.bid_unit == Some("PER_HOUR"))
                    .then_some(p.bid_amount)
                    .flatten(),
            )
            .unit(p.bid_unit.map(str::to_owned)),
    )?;
    let candidate = f
        .map(|f| {
            JobProposalCandidate::try_from(
                JobProposalCandidate::builder()
                    .country(Some(f.country.to_owned()))
                    .country_code(Some(f.country_code.to_owned()))
                    .display_name(Some(f.display_name()))
                    .first_name(Some(f.first_name.to_owned()))
                    .highest_earnings_usd(Some(f.earned_usd))
                    .id(Some(f.id.to_owned()))
                    .last_name_initial(Some(f.last_initial.to_owned()))
                    .profile_photo_url(Some(app.url(&format!("/photos/{}.jpg", f.slug))))
                    .profile_slug(Some(f.slug.to_owned()))
                    .profile_title(Some(f.title.to_owned()))
                    .review_count(Some(f.review_count))
                    .talent_type(Some("FREELANCER".to_owned())),
            )
        })
        .transpose()?;
    let metrics = f
        .map(|f| {
            JobProposalMetrics::try_from(
                JobProposalMetrics::builder()
                    .interview_score((!p.invited).then_some(f.interview_score))
                    .match_score(Some(f.match_score)),
            )
        })
        .transpose()?;
    let status = JobProposalStatusValue::try_from(
        JobProposalStatusValue::builder()
            .label(Some(status_label(&p.status)))
            .raw(Some(p.status.clone())),
    )?;
    JobProposal::try_from(
        JobProposal::builder()
            .bid(Some(bid))
            .candidate(candidate)
            .created_at(Some(p.created_at))
            .id(p.id.clone())
            .job_id(Some(p.job_id.clone()))
            .job_title(market.job(&p.job_id).map(super::JobRec::title))
            .metrics(metrics)
            .status(Some(status))
            .updated_at(Some(p.updated_at)),
    )
}

/// `GET /jobs/{id}/proposals`: newest first; `status` is case-insensitive with spaces and
/// hyphens read as underscores; the cursor is a proposal id; 25 per page by default.
pub(crate) async fn list(
    State(app): State<App>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, principal, _) = app.signed_in(&headers)?;
    principal.require(Scope::ProposalsRead)?;
    let limit = limit(&params, 25, 100)?;
    let status = match params.get("status").filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(raw) => {
            let normalized = raw.trim().to_uppercase().replace([' ', '-'], "_");
            if !PROPOSAL_STATUSES.contains(&normalized.as_str()) {
                return Err(
                    ApiError::bad_request(format!("Unsupported proposal status '{raw}'.")).with(
                        |d| {
                            d.field = Some("status".to_owned());
                            d.supported_statuses =
                                PROPOSAL_STATUSES.iter().map(|s| (*s).to_owned()).collect();
                        },
                    ),
                );
            }
            Some(ProposalStatus::from(normalized.as_str()))
        }
    };
    let job = st
        .market
        .job(&job_id)
        .ok_or_else(|| job_not_found(&job_id))?;
    if job.account_id != principal.account_id {
        return Err(ApiError::forbidden("This job belongs to another account.")
            .with(|d| d.job_id = Some(job_id.clone())));
    }
    let items: Vec<(String, JobProposal)> = st
        .market
        .proposals
        .iter()
        .rev()
        .filter(|p| p.job_id == job_id)
        .filter(|p| status.as_ref().is_none_or(|s| *s == p.status))
        .map(|p| Ok((p.id.clone(), list_entry(&app, &st.market, p)?)))
        .collect::<Result<_, ConversionError>>()?;
    let (proposals, next_cursor) = page(items, params.get("cursor").map(String::as_str), limit)?;
    ok(&JobProposalPage::try_from(
        JobProposalPage::builder()
            .next_cursor(next_cursor)
            .proposals(proposals),
    )?)
}

/// `GET /proposals/{proposalId}`: the list entry plus interview, verification and, once hired,
/// the contract (in the `GET /contracts/{id}` shape).
pub(crate) async fn get_proposal(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (st, principal, _) = app.signed_in(&headers)?;
    principal.require(Scope::ProposalsRead)?;
    let p = my_proposal(&st.market, &id, &principal.account_id)?;
    let entry = list_entry(&app, &st.market, p)?;
    let f = trainer(&st.market, p);
    let contract = p
        .contract_id
        .as_deref()
        .and_then(|cid| st.market.contract(cid))
        .map(|c| super::money::contract_view(&st.market, c, true))
        .transpose()?
        .and_then(|c| match serde_json::to_value(c) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        });
    let ai_interview = f
        .map(|f| {
            ProposalAiInterview::try_from(
                ProposalAiInterview::builder()
                    .score((!p.invited).then_some(f.interview_score))
                    .summary((!p.invited).then(|| interview_summary(f)))
                    .transcript_available(Some(!p.invited)),
            )
        })
        .transpose()?;
    let bid = entry
        .bid
        .map(|b| {
            ProposalDetailBid::try_from(
                ProposalDetailBid::builder()
                    .amount_usd(b.amount_usd)
                    .labeler_hourly_rate_usd(b.labeler_hourly_rate_usd)
                    .unit(b.unit),
            )
        })
        .transpose()?;
    let candidate = entry
        .candidate
        .map(|c| {
            ProposalDetailCandidate::try_from(
                ProposalDetailCandidate::builder()
                    .country(c.country)
                    .country_code(c.country_code)
                    .display_name(c.display_name)
                    .first_name(c.first_name)
                    .highest_earnings_usd(c.highest_earnings_usd)
                    .id(c.id.unwrap_or_default())
                    .last_name_initial(c.last_name_initial)
                    .profile_photo_url(c.profile_photo_url)
                    .profile_slug(c.profile_slug)
                    .profile_title(c.profile_title)
                    .review_count(c.review_count)
                    .talent_type(c.talent_type),
            )
        })
        .transpose()?;
    let metrics = entry
        .metrics
        .map(|m| {
            ProposalDetailMetrics::try_from(
                ProposalDetailMetrics::builder()
                    .interview_score(m.interview_score)
                    .match_score(m.match_score),
            )
        })
        .transpose()?;
    let status = entry
        .status
        .map(|s| {
            ProposalDetailStatus::try_from(
                ProposalDetailStatus::builder().label(s.label).raw(s.raw),
            )
        })
        .transpose()?;
    let verification = ProposalVerification::try_from(
        ProposalVerification::builder()
            .identity(Some(ProposalIdentityVerification::try_from(
                ProposalIdentityVerification::builder().verified(Some(true)),
            )?))
            .location(Some(ProposalLocationVerification::try_from(
                ProposalLocationVerification::builder()
                    .checked_at(Some(p.created_at))
                    .method(Some("GPS".to_owned()))
                    .status(Some("PASSED".to_owned())),
            )?)),
    )?;
    let proposal = Proposal::try_from(
        Proposal::builder()
            .ai_interview(ai_interview)
            .bid(bid)
            .candidate(candidate)
            .contract(contract)
            .created_at(entry.created_at)
            .id(entry.id)
            .job_id(entry.job_id)
            .job_title(entry.job_title)
            .metrics(metrics)
            .status(status)
            .updated_at(entry.updated_at)
            .verification(Some(verification)),
    )?;
    ok(&ProposalResponse::try_from(
        ProposalResponse::builder().proposal(proposal),
    )?)
}

/// The summary of a trainer's screening interview.
fn interview_summary(f: &Freelancer) -> String {
    format!(
        "{} explained their {} experience clearly and handled the edge-case questions well.",
        f.display_name(),
        f.title.to_lowercase()
    )
}

/// `GET /proposals/{proposalId}/interview`: 404 (with `details.proposalId`) for an invited
/// proposal, which has no interview yet.
pub(crate) async fn interview(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (st, principal, _) = app.signed_in(&headers)?;
    principal.require(Scope::ProposalsRead)?;
    let p = my_proposal(&st.market, &id, &principal.account_id)?;
    let f = trainer(&st.market, p)
        .filter(|_| !p.invited)
        .ok_or_else(|| {
            ApiError::not_found(
                "interviews",
                "No AI interview is recorded for this proposal.",
            )
            .with(|d| d.proposal_id = Some(id.clone()))
        })?;
    let start = p.created_at - chrono::Duration::minutes(20);
    let lines = [
        (
            "interviewer",
            "Tell me about your most relevant annotation experience.".to_owned(),
        ),
        ("candidate", f.bio.to_owned()),
        (
            "interviewer",
            "How do you handle an item the guidelines do not cover?".to_owned(),
        ),
        (
            "candidate",
            "I flag it, label it with my best reading, and ask for a guideline update so the team stays consistent.".to_owned(),
        ),
    ];
    let messages = lines
        .into_iter()
        .enumerate()
        .map(|(i, (role, content))| {
            InterviewMessage::try_from(
                InterviewMessage::builder()
                    .content(Some(content))
                    .id(format!("{id}_im{}", i + 1))
                    .role(Some(role.to_owned()))
                    .sent_at(Some(start + chrono::Duration::minutes(i as i64))),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let interview = Interview::try_from(
        Interview::builder()
            .interview_id(Some(format!("int_{id}")))
            .messages(messages)
            .proposal_id(Some(id.clone()))
            .score(Some(f.interview_score))
            .summary(Some(interview_summary(f))),
    )?;
    ok(&InterviewResponse::try_from(
        InterviewResponse::builder().interview(interview),
    )?)
}

/// `POST /proposals/{proposalId}/conversation`: get-or-create the pre-hire thread (201 when
/// created, 200 with `created: false` when it existed).
pub(crate) async fn conversation(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, principal, now) = app.signed_in(&headers)?;
    principal.require(Scope::MessagesWrite)?;
    st.require_feature(Feature::MessagingWrites)?;
    principal.require_claimed("message AI trainers")?;
    let p = my_proposal(&st.market, &id, &principal.account_id)?.clone();
    if let Some(existing) = &p.conversation_id {
        return ok(&ProposalConversation::try_from(
            ProposalConversation::builder()
                .conversation_id(existing.clone())
                .created(false)
                .job_id(Some(p.job_id.clone()))
                .ok(true)
                .proposal_id(Some(id)),
        )?);
    }
    let conversation_id = st.next_id("conv");
    st.market.conversations.push(Conversation {
        id: conversation_id.clone(),
        account_id: principal.account_id.clone(),
        bucket: "proposal",
        job_id: p.job_id.clone(),
        proposal_id: Some(id.clone()),
        freelancer_id: p.freelancer_id.clone(),
        updated_at: now,
    });
    if let Some(proposal) = st.market.proposal_mut(&id) {
        proposal.conversation_id = Some(conversation_id.clone());
    }
    with_status(
        StatusCode::CREATED,
        &ProposalConversation::try_from(
            ProposalConversation::builder()
                .conversation_id(conversation_id)
                .created(true)
                .job_id(Some(p.job_id))
                .ok(true)
                .proposal_id(Some(id)),
        )?,
    )
}
