//! Proposals and candidates: listing and reading proposals (with the AI interview), trainer
//! profiles, invites, and the hire request (a money request a human confirms).

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Ctx, id, json_of, shown, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_get_proposal" => get_proposal(GetProposal), Read, GET_PROPOSAL;
    "opentrain_hire_proposal" => hire_proposal(HireProposal), Write, HIRE_PROPOSAL;
}

const GET_PROPOSAL: &str = "Read a full proposal evaluation: status, bid, masked candidate, \
AI-interview score and summary, location/identity verification, labeling assessment and contract \
state; with includeInterview also the sanitized AI-interview transcript. Requires: \
proposals:read; the proposal must be on a job you own. Wraps GET /proposals/{proposalId} (and GET \
/proposals/{proposalId}/interview).";

const HIRE_PROPOSAL: &str = "Request a hire from a proposal. This never hires anyone or moves \
money by itself: it records a pending approval (type proposal_hire) with an approvalUrl that a \
signed-in human must open and confirm in the OpenTrain app; on confirmation OpenTrain creates the \
contract and funds the first escrow milestone. A 409 payment_method_required carries a \
billingUrl; not_fit_confirmation_required means retry with confirmNotFitOverride: true if \
intentional; already_accepted means it was already hired. Re-requesting with the same terms \
returns the same approval. Requires: proposals:write, the public_api_hiring feature, a claimed \
account and a payment method or covering credit balance. Next: opentrain_get_approval or \
opentrain_poll_updates (approval.confirmed), then opentrain_list_contracts. Wraps POST \
/proposals/{proposalId}/hire.";

/// Parameters of `opentrain_get_proposal`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct GetProposal {
    /// Proposal id to read
    proposal_id: String,
    /// Also fetch the sanitized AI-interview transcript
    include_interview: Option<bool>,
}

/// The first escrow milestone of a hire.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars", inline)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct HireMilestone {
    /// Milestone name (give a name or a description)
    name: Option<String>,
    /// What is to be delivered (give a name or a description)
    description: Option<String>,
    /// Amount in USD
    amount: f64,
    /// Due date, e.g. 2026-07-01
    due_date: Option<String>,
}

/// Parameters of `opentrain_hire_proposal`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct HireProposal {
    /// Proposal id to hire from
    proposal_id: String,
    /// First escrow milestone: {name?, description?, amount (USD, required), dueDate?}
    milestone: HireMilestone,
    /// Confirm hiring a proposal previously marked "Not a fit"
    confirm_not_fit_override: Option<bool>,
}

async fn get_proposal(ctx: &Ctx, params: GetProposal) -> Outcome {
    let proposal_id = id(&params.proposal_id, "proposalId")?;
    let client = ctx.session.client()?;
    let proposal = client
        .get_proposal()
        .proposal_id(proposal_id)
        .send()
        .await?
        .into_inner();
    // The proposal as sent (what `structuredContent` carries), and as typed for the summary.
    let sent = crate::results::sent_body(&client, &proposal)?;
    let value = json_of(&proposal);
    let mut summary = format!("Proposal {proposal_id}");
    if let Some(status) = shown(&value, "/proposal/status/raw") {
        summary.push_str(&format!(", status {status}"));
    }
    if let Some(title) = text_at(&value, "/proposal/jobTitle") {
        summary.push_str(&format!(", on \"{title}\""));
    }
    summary.push('.');
    if !params.include_interview.unwrap_or(false) {
        summary
            .push_str(" Details in structuredContent; includeInterview: true adds the transcript.");
        return ToolOutput::sent(&client, summary, &proposal);
    }
    let mut structured = sent;
    match client.get_interview().proposal_id(proposal_id).send().await {
        Ok(interview) => {
            structured["interview"] = json_of(&interview.into_inner())
                .get("interview")
                .cloned()
                .unwrap_or(Value::Null);
            summary.push_str(" The AI-interview transcript is under interview.");
        }
        Err(error) => {
            let failure = ToolFailure::from(opentrain::Error::from(error));
            summary.push_str(&format!(
                " The interview could not be read: {}",
                failure.summary
            ));
            structured["interviewError"] = failure.structured;
        }
    }
    // Two responses in one object: the proposal as sent, with the interview added.
    ToolOutput::new(summary, &structured)
}

async fn hire_proposal(ctx: &Ctx, params: HireProposal) -> Outcome {
    let proposal_id = id(&params.proposal_id, "proposalId")?;
    let m = params.milestone;
    if !m.amount.is_finite() || m.amount <= 0.0 {
        return Err(ToolFailure::argument(
            "milestone.amount must be a positive amount in USD",
        ));
    }
    let named = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !named(&m.name) && !named(&m.description) {
        return Err(ToolFailure::argument(
            "milestone needs a name or a description (at least one non-empty)",
        ));
    }
    let milestone = types::HireMilestone::builder()
        .amount(m.amount)
        .name(m.name)
        .description(m.description)
        .due_date(m.due_date.filter(|d| !d.is_empty()));
    let body = types::HireRequest::builder()
        .milestone(milestone)
        .confirm_not_fit_override(params.confirm_not_fit_override.filter(|o| *o));
    let client = ctx.session.client()?;
    let pending = client
        .hire_from_proposal()
        .proposal_id(proposal_id)
        .body(body)
        .send()
        .await?;
    approval_output(ctx, &client, "Hire requested", &pending)
}

/// The result of a money request: the pending approval (`{approval, message}`, the 202 body)
/// and who must confirm it where.
fn approval_output(
    ctx: &Ctx,
    client: &opentrain::Client,
    what: &str,
    pending: &types::ApprovalPending,
) -> Outcome {
    let typed = super::json_of(pending);
    let mut summary = format!("{what}: nothing has happened yet. ");
    summary.push_str(
        &opentrain_tools::approval_notice(&typed, opentrain_tools::Surface::Mcp).join("\n"),
    );
    if let Some(note) = ctx.rehearsal.as_ref().and_then(|r| r.after(&typed)) {
        summary.push(' ');
        summary.push_str(note);
    }
    ToolOutput::sent(client, summary, pending)
}
