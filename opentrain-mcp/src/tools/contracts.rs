//! Contracts and milestones: reading contracts, adding milestones, the money requests a human
//! confirms (funding, release, ending with funded escrow), and reading an approval.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::proposals::approval_output;
use super::{Ctx, id, json_of, shown, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_create_milestone" => create_milestone(CreateMilestone), Write, CREATE_MILESTONE;
    "opentrain_request_milestone_funding" => request_milestone_funding(MilestoneId), Write, REQUEST_MILESTONE_FUNDING;
    "opentrain_request_milestone_approval" => request_milestone_approval(MilestoneId), Write, REQUEST_MILESTONE_APPROVAL;
    "opentrain_get_approval" => get_approval(ApprovalId), Read, GET_APPROVAL;
    "opentrain_end_contract" => end_contract(ContractId), Destructive, END_CONTRACT;
}

const CREATE_MILESTONE: &str = "Create a new unfunded milestone on a contract. No money moves: \
call opentrain_request_milestone_funding afterwards. Fixed-price contracts need amountUsd; hourly \
and per-label contracts need volume. Requires: payments:write, the public_api_payments_write \
feature and a claimed account. Wraps POST /contracts/{contractId}/milestones.";

const REQUEST_MILESTONE_FUNDING: &str = "Request escrow funding for a milestone. Moves no money: \
it returns a pending approval with an approvalUrl that a signed-in human must open and confirm \
(expires in about 72 h). Requires: payments:write, the public_api_payments_write feature, a \
claimed account and a payment method on file. Next: opentrain_get_approval or \
opentrain_poll_updates (approval.confirmed). Wraps POST /milestones/{milestoneId}/fund.";

const REQUEST_MILESTONE_APPROVAL: &str = "Request approval (payment release) of a funded \
(ACTIVE_FUNDED) milestone. Like funding, this only creates a pending approval with an approvalUrl \
(about 72 h to confirm); no money moves until a signed-in human confirms it. Requires: \
payments:write, the public_api_payments_write feature and a claimed account. Next: \
opentrain_get_approval. Wraps POST /milestones/{milestoneId}/approve.";

const GET_APPROVAL: &str = "Check a co-sign approval (hire, milestone funding or release, \
contract end): pending, confirmed, declined or expired, plus what it produced once confirmed (the \
contract id of a hire, ...). Requires: payments:read. Wraps GET /approvals/{approvalId}.";

const END_CONTRACT: &str = "End a contract. With no funded milestones it ends at once; if funded \
escrow is at stake it returns a pending approval with an approvalUrl a signed-in human must \
confirm, and no funds move until then. Requires: payments:write, the public_api_payments_write \
feature and a claimed account. Wraps POST /contracts/{contractId}/end.";

/// Parameters of the tools that take one contract id.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ContractId {
    /// The contract id
    contract_id: String,
}

/// Parameters of `opentrain_create_milestone`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateMilestone {
    /// Contract to add the milestone to
    contract_id: String,
    /// Description of the work to be delivered
    description: String,
    /// Short milestone name
    name: Option<String>,
    /// Milestone amount in USD
    amount_usd: Option<f64>,
    /// Unit volume (e.g. label count) for per-unit milestones
    volume: Option<f64>,
    /// Due date (ISO 8601)
    due_date: Option<String>,
}

/// Parameters of the milestone money requests.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MilestoneId {
    /// The milestone (to fund: NOT_FUNDED; to release: ACTIVE_FUNDED)
    milestone_id: String,
}

/// Parameters of `opentrain_get_approval`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ApprovalId {
    /// Approval id from a hire, fund, approve or end request
    approval_id: String,
}

async fn create_milestone(ctx: &Ctx, params: CreateMilestone) -> Outcome {
    let contract_id = id(&params.contract_id, "contractId")?;
    if params.description.trim().is_empty() {
        return Err(ToolFailure::argument("description must not be empty"));
    }
    for (name, value) in [("amountUsd", params.amount_usd), ("volume", params.volume)] {
        if value.is_some_and(|v| !v.is_finite() || v <= 0.0) {
            return Err(ToolFailure::argument(format!(
                "{name} must be greater than 0"
            )));
        }
    }
    let request: types::CreateMilestoneRequest = super::built(
        types::CreateMilestoneRequest::builder()
            .description(params.description)
            .name(params.name.filter(|n| !n.is_empty()))
            .amount_usd(params.amount_usd)
            .volume(params.volume)
            .due_date(params.due_date.filter(|d| !d.is_empty())),
        "milestone",
    )?;
    let client = ctx.session.client()?;
    let milestone = client
        .create_milestone()
        .contract_id(contract_id)
        .body(request)
        .send()
        .await?
        .into_inner();
    let value = json_of(&milestone);
    let id = text_at(&value, "/milestone/id").unwrap_or("(not stated)");
    ToolOutput::sent(
        &client,
        format!(
            "Created milestone {id} on contract {contract_id} (unfunded; no money moved). Next: \
             opentrain_request_milestone_funding with milestoneId {id}."
        ),
        &milestone,
    )
}

async fn request_milestone_funding(ctx: &Ctx, params: MilestoneId) -> Outcome {
    let milestone_id = id(&params.milestone_id, "milestoneId")?;
    let client = ctx.session.client()?;
    let pending = client
        .fund_milestone()
        .milestone_id(milestone_id)
        .send()
        .await?;
    approval_output(ctx, &client, "Funding requested", &pending)
}

async fn request_milestone_approval(ctx: &Ctx, params: MilestoneId) -> Outcome {
    let milestone_id = id(&params.milestone_id, "milestoneId")?;
    let client = ctx.session.client()?;
    let pending = client
        .approve_milestone()
        .milestone_id(milestone_id)
        .send()
        .await?;
    approval_output(ctx, &client, "Release requested", &pending)
}

async fn get_approval(ctx: &Ctx, params: ApprovalId) -> Outcome {
    let approval_id = id(&params.approval_id, "approvalId")?;
    let client = ctx.session.client()?;
    let confirmed_now = ctx
        .rehearsal
        .as_ref()
        .is_some_and(|r| r.confirm_if_pending(approval_id));
    let approval = client
        .get_approval()
        .approval_id(approval_id)
        .send()
        .await?
        .into_inner();
    let value = json_of(&approval);
    let status = shown(&value, "/approval/status").unwrap_or_else(|| "(not stated)".into());
    let kind = shown(&value, "/approval/type").unwrap_or_else(|| "approval".into());
    let mut summary = format!("Approval {approval_id} ({kind}) is {status}.");
    if confirmed_now {
        summary.push_str(" (Sandbox: the scripted human just confirmed it.)");
    }
    match status.as_str() {
        "pending" => {
            if let Some(url) = text_at(&value, "/approval/approvalUrl") {
                summary.push_str(&format!(
                    " A person must still open {url} and confirm it; check again later."
                ));
            }
        }
        "confirmed" => {
            if let Some(result) = value.pointer("/approval/result").filter(|r| !r.is_null()) {
                summary.push_str(&format!(" Result: {result}."));
            }
            summary.push_str(" Next: opentrain_list_contracts / opentrain_get_contract.");
        }
        _ => summary.push_str(" Nothing was executed."),
    }
    ToolOutput::sent(&client, summary, &approval)
}

async fn end_contract(ctx: &Ctx, params: ContractId) -> Outcome {
    let contract_id = id(&params.contract_id, "contractId")?;
    let client = ctx.session.client()?;
    match client
        .end_contract()
        .contract_id(contract_id)
        .send()
        .await?
        .into_inner()
    {
        types::EndContractResult::ContractEnded(ended) => ToolOutput::sent(
            &client,
            format!("Contract {contract_id} ended (no funded milestones were at stake)."),
            &ended,
        ),
        types::EndContractResult::ApprovalPending(pending) => {
            approval_output(ctx, &client, "Contract end requested", &pending)
        }
    }
}
