//! Proposals and candidates: listing and reading proposals (with the AI interview), trainer
//! profiles, invites, and the hire request (a money request a human confirms).

use rmcp::schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{Ctx, id, json_of, shown, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_get_proposal" => get_proposal(GetProposal), Read, GET_PROPOSAL;
}

const GET_PROPOSAL: &str = "Read a full proposal evaluation: status, bid, masked candidate, \
AI-interview score and summary, location/identity verification, labeling assessment and contract \
state; with includeInterview also the sanitized AI-interview transcript. Requires: \
proposals:read; the proposal must be on a job you own. Wraps GET /proposals/{proposalId} (and GET \
/proposals/{proposalId}/interview).";

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
