//! The wire forms of the money records: a milestone, a contract (with its budget on the detail
//! read) and an approval, each built from the stored record as the generated type.

use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    Approval, ApprovalStatus, Contract, ContractBudget, ContractBudgetActiveMilestone,
    ContractBudgetConsumed, ContractBudgetState, ContractFreelancer, Milestone, MilestoneStatus,
};

use super::cents;
use crate::app::App;
use crate::routes::lifecycle::{ApprovalRec, ContractRec, Market, MilestoneRec};

/// The wire form of a milestone.
pub(crate) fn milestone_view(
    market: &Market,
    m: &MilestoneRec,
) -> Result<Milestone, ConversionError> {
    Milestone::try_from(
        Milestone::builder()
            .amount_usd(Some(cents(m.amount_usd)))
            .created_at(Some(m.created_at))
            .description(m.description.clone())
            .due_date(m.due_date)
            .id(m.id.clone())
            .invoice_id(m.invoice_id.clone())
            .milestone_number(Some(m.number))
            .name(m.name.clone())
            .needs_review(Some(false))
            .pending_approval(Some(market.approvals.iter().any(|a| {
                a.status == ApprovalStatus::Pending && a.milestone_id.as_deref() == Some(&m.id)
            })))
            .status(Some(m.status.clone()))
            .volume(m.volume),
    )
}

/// The wire form of a contract; `detail` adds `jobDmConversationId` and `budget` (only
/// `GET /contracts/{id}` has them).
pub(crate) fn contract_view(
    market: &Market,
    c: &ContractRec,
    detail: bool,
) -> Result<Contract, ConversionError> {
    let milestones: Vec<&MilestoneRec> = market
        .milestones
        .iter()
        .filter(|m| m.contract_id == c.id)
        .collect();
    let funded: Vec<&&MilestoneRec> = milestones
        .iter()
        .filter(|m| m.status != MilestoneStatus::NotFunded)
        .collect();
    let active = milestones
        .iter()
        .find(|m| m.status == MilestoneStatus::ActiveFunded);
    let volumes: Vec<f64> = milestones.iter().filter_map(|m| m.volume).collect();
    let freelancer = market.freelancer(&c.freelancer_id);
    let budget = detail
        .then(|| {
            let funded_volume: f64 = funded.iter().filter_map(|m| m.volume).sum();
            let active_milestone = active
                .map(|m| {
                    ContractBudgetActiveMilestone::try_from(
                        ContractBudgetActiveMilestone::builder()
                            .amount_usd(Some(cents(m.amount_usd)))
                            .id(Some(m.id.clone()))
                            .name(m.name.clone())
                            .status(Some(m.status.clone()))
                            .volume(m.volume),
                    )
                })
                .transpose()?;
            let consumed = ContractBudgetConsumed::try_from(
                ContractBudgetConsumed::builder()
                    .hours(Some(0.0))
                    .labels(Some(0.0))
                    .seconds(Some(0.0))
                    .tasks(Some(0.0)),
            )?;
            ContractBudget::try_from(
                ContractBudget::builder()
                    .active_milestone(active_milestone)
                    .consumed(Some(consumed))
                    .consumed_fraction(Some(0.0))
                    .consumed_volume(Some(0.0))
                    .contract_id(Some(c.id.clone()))
                    .funded_amount_usd(Some(cents(funded.iter().map(|m| m.amount_usd).sum())))
                    .funded_volume(Some(funded_volume))
                    .payment_type(Some(c.payment_type.clone()))
                    .remaining_volume(Some(funded_volume))
                    .state(Some(ContractBudgetState::Ok)),
            )
        })
        .transpose()?;
    let freelancer = freelancer
        .map(|f| {
            ContractFreelancer::try_from(
                ContractFreelancer::builder()
                    .country(Some(f.country.to_owned()))
                    .display_name(Some(f.display_name()))
                    .profile_path(Some(format!("/profile/{}", f.slug)))
                    .user_id(Some(f.id.to_owned())),
            )
        })
        .transpose()?;
    let milestones_view = milestones
        .iter()
        .map(|m| milestone_view(market, m))
        .collect::<Result<Vec<_>, _>>()?;
    Contract::try_from(
        Contract::builder()
            .budget(budget)
            .created_at(Some(c.created_at))
            .end_date(c.end_date)
            .estimated_total_usd(Some(cents(milestones.iter().map(|m| m.amount_usd).sum())))
            .estimated_volume((!volumes.is_empty()).then(|| volumes.iter().sum()))
            .freelancer(freelancer)
            .has_active_milestone(Some(active.is_some()))
            .id(c.id.clone())
            .job_dm_conversation_id(detail.then(|| c.conversation_id.clone()))
            .job_id(Some(c.job_id.clone()))
            .milestones(milestones_view)
            .payment_type(Some(c.payment_type.clone()))
            .proposal_id(Some(c.proposal_id.clone()))
            .rate_usd(c.rate_usd)
            .start_date(Some(c.created_at))
            .status(Some(c.status.clone()))
            .title(Some(c.title.clone()))
            .updated_at(Some(c.updated_at)),
    )
}

/// The wire form of an approval.
pub(crate) fn approval_view(app: &App, a: &ApprovalRec) -> Result<Approval, ConversionError> {
    Approval::try_from(
        Approval::builder()
            .approval_url(app.url(&format!("/approvals/{}", a.id)))
            .contract_id(a.contract_id.clone())
            .created_at(Some(a.created_at))
            .expires_at(Some(a.expires_at))
            .id(a.id.clone())
            .job_id(a.job_id.clone())
            .milestone_id(a.milestone_id.clone())
            .proposal_id(a.proposal_id.clone())
            .resolved_at(a.resolved_at)
            .result(a.result.clone())
            .status(a.status.clone())
            .type_(a.type_.clone()),
    )
}
