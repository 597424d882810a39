//! What a confirmed approval does: a hire creates the contract, its first milestone funded
//! into escrow, the invoice and the post-hire conversation; a fund moves a milestone to
//! `ACTIVE_FUNDED`; an approve releases it (`PAID`); an end ends the contract. Each records its
//! documented events. Only [`super::approvals::resolve`] calls [`execute`].

use chrono::{DateTime, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    ApprovalResult, ApprovalType, ContractPaymentType, ContractStatus, EventType, MilestoneStatus,
    PaymentType, PlatformEventData, ProposalStatus,
};

use super::contracts::end_now;
use super::{PAID, cents};
use crate::ControlError;
use crate::app::State as AppState;
use crate::routes::lifecycle::{
    ApprovalRec, ContractRec, Conversation, InvoiceRec, JobRec, MilestoneRec,
};

/// Records `milestone.status_changed`.
fn milestone_event(
    st: &mut AppState,
    account_id: &str,
    job_id: Option<&str>,
    milestone_id: &str,
    contract_id: &str,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), ConversionError> {
    st.record_event(
        account_id,
        EventType::MilestoneStatusChanged,
        milestone_id,
        job_id,
        PlatformEventData::builder()
            .milestone_id(Some(milestone_id.to_owned()))
            .contract_id(Some(contract_id.to_owned()))
            .status(Some(status.to_owned())),
        now,
    )?;
    Ok(())
}

/// Runs a confirmed action; returns the approval's `result` and its (possibly new) contract
/// and milestone ids.
pub(super) fn execute(
    st: &mut AppState,
    a: &ApprovalRec,
    now: DateTime<Utc>,
) -> Result<(ApprovalResult, Option<String>, Option<String>), ControlError> {
    let invalid = |m: String| ControlError::InvalidState(m);
    match &a.type_ {
        ApprovalType::ProposalHire => {
            let proposal_id = a.proposal_id.clone().unwrap_or_default();
            let proposal = st
                .market
                .proposal(&proposal_id)
                .cloned()
                .ok_or_else(|| invalid(format!("proposal {proposal_id} is gone")))?;
            if proposal.status == ProposalStatus::Hired {
                return Err(invalid(format!("proposal {proposal_id} is already hired")));
            }
            let terms = a
                .hire
                .clone()
                .ok_or_else(|| invalid("the hire approval has no terms".to_owned()))?;
            let job = st.market.job(&proposal.job_id).cloned();
            let payment_type = match job
                .as_ref()
                .and_then(|j| j.text("paymentType"))
                .map(PaymentType::from)
            {
                Some(PaymentType::PayPerHour) => ContractPaymentType::PayPerHour,
                Some(PaymentType::PayPerLabel) => ContractPaymentType::PayPerLabel,
                _ => ContractPaymentType::FixedPrice,
            };
            let rate = if payment_type == ContractPaymentType::FixedPrice {
                Some(terms.amount)
            } else {
                proposal.bid_amount
            };
            let volume = (payment_type != ContractPaymentType::FixedPrice)
                .then(|| rate.filter(|r| *r > 0.0).map(|r| cents(terms.amount / r)))
                .flatten();
            let contract_id = st.next_id("ctr");
            let milestone_id = st.next_id("ms");
            let invoice_id = st.next_id("inv");
            let conversation_id = st.next_id("conv");
            st.market.invoice_number += 1;
            let number = st.market.invoice_number;
            let title = format!(
                "{} Contract",
                job.as_ref().map_or_else(|| "Job".to_owned(), JobRec::title)
            );
            st.market.contracts.push(ContractRec {
                id: contract_id.clone(),
                account_id: a.account_id.clone(),
                job_id: proposal.job_id.clone(),
                proposal_id: proposal_id.clone(),
                freelancer_id: proposal.freelancer_id.clone(),
                title,
                status: ContractStatus::Active,
                payment_type,
                rate_usd: rate,
                created_at: now,
                updated_at: now,
                end_date: None,
                conversation_id: conversation_id.clone(),
            });
            st.market.milestones.push(MilestoneRec {
                id: milestone_id.clone(),
                contract_id: contract_id.clone(),
                number: 1,
                name: terms.name.clone(),
                description: terms.description.clone(),
                status: MilestoneStatus::ActiveFunded,
                amount_usd: terms.amount,
                volume,
                due_date: terms.due_date,
                invoice_id: Some(invoice_id.clone()),
                created_at: now,
            });
            st.market.invoices.push(InvoiceRec {
                id: invoice_id,
                number,
                account_id: a.account_id.clone(),
                contract_id: contract_id.clone(),
                milestone_id: milestone_id.clone(),
                amount_usd: terms.amount,
                created_at: now,
                pending: false,
            });
            st.market.conversations.push(Conversation {
                id: conversation_id,
                account_id: a.account_id.clone(),
                bucket: "job",
                job_id: proposal.job_id.clone(),
                proposal_id: Some(proposal_id.clone()),
                freelancer_id: proposal.freelancer_id.clone(),
                updated_at: now,
            });
            if let Some(p) = st.market.proposal_mut(&proposal_id) {
                p.status = ProposalStatus::Hired;
                p.contract_id = Some(contract_id.clone());
                p.updated_at = now;
            }
            let job_id = proposal.job_id.as_str();
            st.record_event(
                &a.account_id,
                EventType::ProposalStatusChanged,
                &proposal_id,
                Some(job_id),
                PlatformEventData::builder()
                    .proposal_id(Some(proposal_id.clone()))
                    .status(Some("HIRED".to_owned())),
                now,
            )?;
            st.record_event(
                &a.account_id,
                EventType::ContractCreated,
                &contract_id,
                Some(job_id),
                PlatformEventData::builder()
                    .contract_id(Some(contract_id.clone()))
                    .job_id(Some(job_id.to_owned()))
                    .proposal_id(Some(proposal_id.clone())),
                now,
            )?;
            milestone_event(
                st,
                &a.account_id,
                Some(job_id),
                &milestone_id,
                &contract_id,
                "ACTIVE_FUNDED",
                now,
            )?;
            Ok((
                ApprovalResult::try_from(
                    ApprovalResult::builder()
                        .contract_id(Some(contract_id.clone()))
                        .freelancer_user_id(Some(proposal.freelancer_id.clone()))
                        .hired(Some(true))
                        .job_id(Some(proposal.job_id.clone())),
                )?,
                Some(contract_id),
                Some(milestone_id),
            ))
        }
        ApprovalType::MilestoneFund => {
            let milestone_id = a.milestone_id.clone().unwrap_or_default();
            let milestone = st
                .market
                .milestone(&milestone_id)
                .cloned()
                .filter(|m| m.status == MilestoneStatus::NotFunded)
                .ok_or_else(|| invalid(format!("milestone {milestone_id} is not fundable")))?;
            let invoice_id = a.invoice_id.clone();
            if let Some(m) = st
                .market
                .milestones
                .iter_mut()
                .find(|m| m.id == milestone_id)
            {
                m.status = MilestoneStatus::ActiveFunded;
                m.invoice_id = invoice_id.clone();
            }
            if let Some(i) = st
                .market
                .invoices
                .iter_mut()
                .find(|i| Some(&i.id) == invoice_id.as_ref())
            {
                i.pending = false;
            }
            milestone_event(
                st,
                &a.account_id,
                a.job_id.as_deref(),
                &milestone_id,
                &milestone.contract_id,
                "ACTIVE_FUNDED",
                now,
            )?;
            let intent = st.next_id("pi");
            Ok((
                ApprovalResult::try_from(
                    ApprovalResult::builder()
                        .invoice_id(invoice_id)
                        .payment_intent_id(Some(intent)),
                )?,
                a.contract_id.clone(),
                a.milestone_id.clone(),
            ))
        }
        ApprovalType::MilestoneApprove => {
            let milestone_id = a.milestone_id.clone().unwrap_or_default();
            let milestone = st
                .market
                .milestone(&milestone_id)
                .cloned()
                .filter(|m| m.status == MilestoneStatus::ActiveFunded)
                .ok_or_else(|| invalid(format!("milestone {milestone_id} is not funded")))?;
            if let Some(m) = st
                .market
                .milestones
                .iter_mut()
                .find(|m| m.id == milestone_id)
            {
                m.status = MilestoneStatus::Unknown(PAID.to_owned());
            }
            milestone_event(
                st,
                &a.account_id,
                a.job_id.as_deref(),
                &milestone_id,
                &milestone.contract_id,
                PAID,
                now,
            )?;
            let payout = st.next_id("po");
            Ok((
                ApprovalResult::try_from(
                    ApprovalResult::builder()
                        .invoice_id(milestone.invoice_id)
                        .payout_transaction_id(Some(payout)),
                )?,
                a.contract_id.clone(),
                a.milestone_id.clone(),
            ))
        }
        ApprovalType::ContractEnd => {
            let contract_id = a.contract_id.clone().unwrap_or_default();
            if st
                .market
                .contract(&contract_id)
                .is_none_or(|c| c.status == ContractStatus::Ended)
            {
                return Err(invalid(format!("contract {contract_id} is not active")));
            }
            end_now(st, &contract_id, now);
            Ok((
                ApprovalResult::try_from(ApprovalResult::builder().contract_ended(Some(true)))?,
                a.contract_id.clone(),
                None,
            ))
        }
        other => Err(invalid(format!("unknown approval type {other}"))),
    }
}
