//! Money: hire requests, milestone funding and release, ending contracts (all co-signed: each
//! records a pending approval and answers 202), approvals with lazy expiry, contracts,
//! milestones and pending payments. [`resolve`] is the one place an approval leaves `pending`
//! (confirmed, declined or expired) and where a confirmed action executes and records its
//! events.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    Approval, ApprovalPending, ApprovalResponse, ApprovalResult, ApprovalStatus, ApprovalType,
    Contract, ContractBudget, ContractBudgetActiveMilestone, ContractBudgetConsumed,
    ContractBudgetState, ContractEnded, ContractFreelancer, ContractList, ContractPaymentType,
    ContractResponse, ContractStatus, ErrorReason, EventType, Milestone, MilestoneResponse,
    MilestoneStatus, PendingPayment, PendingPaymentJob, PendingPaymentList,
    PendingPaymentMilestone, PendingPaymentStatus, PlatformEventData, ProposalStatus, Scope,
};
use serde_json::{Map, Value};

use super::proposals::my_proposal;
use super::{
    ApprovalRec, ContractRec, Conversation, HireTerms, InvoiceRec, Market, MilestoneRec,
    approval_expiry, job_not_found, settle_expiry,
};
use crate::app::{App, Principal, State as AppState};
use crate::errors::ApiError;
use crate::routes::{Params, object, ok, params, with_status};
use crate::{ControlError, Feature};

/// The wire status of a released milestone. Only `NOT_FUNDED` and `ACTIVE_FUNDED` are
/// documented; the employer UI calls the released state "Paid", so the sandbox answers `PAID`.
pub(crate) const PAID: &str = "PAID";

/// How an approval leaves `pending`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The human confirmed: the action executes.
    Confirm,
    /// The human declined: nothing runs.
    Decline,
    /// Nobody acted in time (or a newer hire request superseded it): nothing runs.
    Expire,
}

/// Rounds to cents.
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The wire form of a milestone.
pub(crate) fn milestone_view(
    market: &Market,
    m: &MilestoneRec,
) -> Result<Milestone, ConversionError> {
    Milestone::try_from(
        Milestone::builder()
            .amount_usd(Some(m.amount_usd))
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
                            .amount_usd(Some(m.amount_usd))
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

/// A 202 with a pending approval. With auto-confirm on, the scripted human confirms it right
/// after the answer is built (the 202 shows it pending; every later read shows the outcome).
fn pending(
    app: &App,
    st: &mut AppState,
    a: &ApprovalRec,
    message: &str,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let body = approval_view(app, a).and_then(|approval| {
        ApprovalPending::try_from(
            ApprovalPending::builder()
                .approval(approval)
                .message(message.to_owned()),
        )
    });
    auto_confirm(app, st, &a.id, now);
    with_status(StatusCode::ACCEPTED, &body?)
}

/// With [`crate::SandboxBuilder::auto_confirm`] on, the scripted human confirms the approval
/// `id` if it is still pending (after lazy expiry). An action that cannot run (e.g. the
/// proposal was hired meanwhile) leaves it pending, as a refused confirm would.
pub(crate) fn auto_confirm(app: &App, st: &mut AppState, id: &str, now: DateTime<Utc>) {
    if !app.inner.config.auto_confirm_approvals {
        return;
    }
    settle_expiry(st, id, now);
    let pending = st
        .market
        .approval(id)
        .is_some_and(|a| a.status == ApprovalStatus::Pending);
    if pending {
        let _ = resolve(st, id, Outcome::Confirm, now);
    }
}

/// The pending approval of `type_` that matches `matches`, after lazy expiry.
fn live_approval(
    st: &mut AppState,
    type_: &ApprovalType,
    matches: impl Fn(&ApprovalRec) -> bool,
    now: DateTime<Utc>,
) -> Option<ApprovalRec> {
    let candidates: Vec<String> = st
        .market
        .approvals
        .iter()
        .filter(|a| a.type_ == *type_ && a.status == ApprovalStatus::Pending && matches(a))
        .map(|a| a.id.clone())
        .collect();
    for id in &candidates {
        settle_expiry(st, id, now);
    }
    st.market
        .approvals
        .iter()
        .find(|a| a.type_ == *type_ && a.status == ApprovalStatus::Pending && matches(a))
        .cloned()
}

/// A new pending approval.
struct NewApproval {
    type_: ApprovalType,
    contract_id: Option<String>,
    milestone_id: Option<String>,
    job_id: Option<String>,
    proposal_id: Option<String>,
    hire: Option<HireTerms>,
    invoice_id: Option<String>,
}

/// Stores a new pending approval and returns it.
fn open_approval(
    st: &mut AppState,
    account_id: &str,
    new: NewApproval,
    now: DateTime<Utc>,
) -> ApprovalRec {
    let approval = ApprovalRec {
        id: st.next_id("apr"),
        account_id: account_id.to_owned(),
        type_: new.type_,
        status: ApprovalStatus::Pending,
        contract_id: new.contract_id,
        milestone_id: new.milestone_id,
        job_id: new.job_id,
        proposal_id: new.proposal_id,
        created_at: now,
        expires_at: approval_expiry(now),
        resolved_at: None,
        result: None,
        hire: new.hire,
        invoice_id: new.invoice_id,
    };
    st.market.approvals.push(approval.clone());
    approval
}

/// 409 `payment_method_required` unless the account has a payment method.
fn require_payment_method(st: &AppState, app: &App, p: &Principal) -> Result<(), ApiError> {
    if st.account(&p.account_id).is_some_and(|a| a.payment_method) {
        Ok(())
    } else {
        let billing = app.url("/settings/billing");
        Err(ApiError::conflict(
            ErrorReason::PaymentMethodRequired,
            "Add a payment method (or credits covering the charge) before money can move.",
        )
        .with(|d| d.billing_url = Some(billing)))
    }
}

/// A date-only (`2026-07-01`, midnight UTC) or RFC 3339 due date.
fn due_date(value: Option<&Value>, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let bad = || ApiError::bad_field(field, format!("{field} must be a date (YYYY-MM-DD)."));
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(raw)) => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .or_else(|| {
                DateTime::parse_from_rfc3339(raw.trim())
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            })
            .map(Some)
            .ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// An optional non-empty string member.
fn opt_text(map: &Map<String, Value>, key: &str, field: &str) -> Result<Option<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        Some(_) => Err(ApiError::bad_field(
            field,
            format!("{field} must be a string."),
        )),
    }
}

/// Reads the hire body: `milestone {name, description, amount, dueDate}` and
/// `confirmNotFitOverride`.
fn hire_terms(body: &Map<String, Value>) -> Result<(HireTerms, bool), ApiError> {
    let milestone = body
        .get("milestone")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            ApiError::bad_field(
                "milestone",
                "milestone is required: {name, description, amount, dueDate}.",
            )
        })?;
    let amount = milestone
        .get("amount")
        .and_then(Value::as_f64)
        .filter(|a| *a > 0.0)
        .ok_or_else(|| {
            ApiError::bad_field(
                "milestone.amount",
                "milestone.amount must be a number above 0.",
            )
        })?;
    let name = opt_text(milestone, "name", "milestone.name")?;
    let description = opt_text(milestone, "description", "milestone.description")?;
    if name.is_none() && description.is_none() {
        return Err(ApiError::bad_field(
            "milestone.name",
            "Give the milestone a name or a description.",
        ));
    }
    let due = due_date(milestone.get("dueDate"), "milestone.dueDate")?;
    let override_not_fit = match body.get("confirmNotFitOverride") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::bad_field(
                "confirmNotFitOverride",
                "confirmNotFitOverride must be a boolean.",
            ));
        }
    };
    Ok((
        HireTerms {
            name,
            description,
            amount,
            due_date: due,
        },
        override_not_fit,
    ))
}

/// `POST /proposals/{proposalId}/hire`: 202 with a `proposal_hire` approval. The same terms
/// while one is pending return it; different terms supersede it (the old one turns `expired`:
/// the docs do not say which terminal state a superseded approval takes).
pub(crate) async fn hire(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::ProposalsWrite)?;
    st.require_feature(Feature::Hiring)?;
    p.require_claimed("hire AI trainers")?;
    let body = object(&body, false)?;
    let (terms, override_not_fit) = hire_terms(&body)?;
    let proposal = my_proposal(&st.market, &id, &p.account_id)?.clone();
    require_payment_method(&st, &app, &p)?;
    if proposal.status == ProposalStatus::Hired {
        return Err(ApiError::conflict(
            ErrorReason::AlreadyAccepted,
            "This proposal was already hired.",
        )
        .with(|d| d.proposal_id = Some(id.clone())));
    }
    if proposal.status == ProposalStatus::NotAFit && !override_not_fit {
        return Err(ApiError::conflict(
            ErrorReason::NotFitConfirmationRequired,
            "You marked this proposal Not a fit; send confirmNotFitOverride: true to hire anyway.",
        )
        .with(|d| d.proposal_id = Some(id.clone())));
    }
    let existing = live_approval(
        &mut st,
        &ApprovalType::ProposalHire,
        |a| a.proposal_id.as_deref() == Some(&id),
        now,
    );
    const MESSAGE: &str = "Hire request recorded. A signed-in human must confirm this approval in the OpenTrain app before the freelancer is hired and any money moves.";
    if let Some(existing) = existing {
        if existing.hire.as_ref() == Some(&terms) {
            return pending(&app, &mut st, &existing, MESSAGE, now);
        }
        // Superseded: the human only ever sees one live hire request per proposal.
        let _ = resolve(&mut st, &existing.id, Outcome::Expire, now);
    }
    let approval = open_approval(
        &mut st,
        &p.account_id,
        NewApproval {
            type_: ApprovalType::ProposalHire,
            contract_id: None,
            milestone_id: None,
            job_id: Some(proposal.job_id.clone()),
            proposal_id: Some(id),
            hire: Some(terms),
            invoice_id: None,
        },
        now,
    );
    pending(&app, &mut st, &approval, MESSAGE, now)
}

/// The milestone `id` and its contract, both `account_id`'s (404 otherwise).
fn my_milestone(
    market: &Market,
    id: &str,
    account_id: &str,
) -> Result<(MilestoneRec, ContractRec), ApiError> {
    let milestone = market.milestone(id);
    let contract = milestone.and_then(|m| market.contract(&m.contract_id));
    match (milestone, contract) {
        (Some(m), Some(c)) if c.account_id == account_id => Ok((m.clone(), c.clone())),
        _ => Err(ApiError::not_found(
            "milestones",
            "No such milestone, or its contract is not yours.",
        )),
    }
}

/// 409 `contract_ended` when the contract is over.
fn require_active(c: &ContractRec) -> Result<(), ApiError> {
    if c.status == ContractStatus::Ended {
        Err(ApiError::conflict(
            ErrorReason::ContractEnded,
            "The contract has ended.",
        ))
    } else {
        Ok(())
    }
}

/// The checks every money write shares: scope, feature, claim.
fn money_write(st: &AppState, p: &Principal, action: &str) -> Result<(), ApiError> {
    p.require(Scope::PaymentsWrite)?;
    st.require_feature(Feature::PaymentsWrite)?;
    // The endpoint pages require a claimed account; the scopes page says milestone writes do
    // not (they pause for co-sign). The sandbox follows the endpoint pages.
    p.require_claimed(action)
}

/// `POST /milestones/{milestoneId}/fund`: 202 with a `milestone_fund` approval and a pending
/// funding invoice (recorded as `payment.pending`).
pub(crate) async fn fund(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    money_write(&st, &p, "fund milestones")?;
    require_payment_method(&st, &app, &p)?;
    let (milestone, contract) = my_milestone(&st.market, &id, &p.account_id)?;
    require_active(&contract)?;
    const MESSAGE: &str = "Funding request recorded. A signed-in human must confirm this approval in the OpenTrain app before any money moves.";
    let existing = live_approval(
        &mut st,
        &ApprovalType::MilestoneFund,
        |a| a.milestone_id.as_deref() == Some(&id),
        now,
    );
    if let Some(existing) = existing {
        return pending(&app, &mut st, &existing, MESSAGE, now);
    }
    if milestone.status != MilestoneStatus::NotFunded {
        return Err(ApiError::conflict(
            ErrorReason::MilestoneNotFundable,
            format!("Milestone {id} is {}, not NOT_FUNDED.", milestone.status),
        )
        .with(|d| d.status = Some(milestone.status.to_string())));
    }
    let invoice_id = st.next_id("inv");
    st.market.invoice_number += 1;
    let number = st.market.invoice_number;
    st.market.invoices.push(InvoiceRec {
        id: invoice_id.clone(),
        number,
        account_id: p.account_id.clone(),
        contract_id: contract.id.clone(),
        milestone_id: id.clone(),
        amount_usd: milestone.amount_usd,
        created_at: now,
        pending: true,
    });
    st.record_event(
        &p.account_id,
        EventType::PaymentPending,
        &invoice_id,
        Some(&contract.job_id),
        PlatformEventData::builder()
            .invoice_id(Some(invoice_id.clone()))
            .milestone_id(Some(id.clone()))
            .contract_id(Some(contract.id.clone())),
        now,
    )?;
    let approval = open_approval(
        &mut st,
        &p.account_id,
        NewApproval {
            type_: ApprovalType::MilestoneFund,
            contract_id: Some(contract.id.clone()),
            milestone_id: Some(id),
            job_id: Some(contract.job_id.clone()),
            proposal_id: None,
            hire: None,
            invoice_id: Some(invoice_id),
        },
        now,
    );
    pending(&app, &mut st, &approval, MESSAGE, now)
}

/// `POST /milestones/{milestoneId}/approve`: 202 with a `milestone_approve` approval; 409
/// `milestone_not_funded` for a NOT_FUNDED milestone.
pub(crate) async fn approve(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    money_write(&st, &p, "release milestone payments")?;
    let (milestone, contract) = my_milestone(&st.market, &id, &p.account_id)?;
    require_active(&contract)?;
    const MESSAGE: &str = "Release request recorded. A signed-in human must confirm this approval in the OpenTrain app before any money moves.";
    let existing = live_approval(
        &mut st,
        &ApprovalType::MilestoneApprove,
        |a| a.milestone_id.as_deref() == Some(&id),
        now,
    );
    if let Some(existing) = existing {
        return pending(&app, &mut st, &existing, MESSAGE, now);
    }
    match &milestone.status {
        MilestoneStatus::ActiveFunded => {}
        MilestoneStatus::NotFunded => {
            return Err(ApiError::conflict(
                ErrorReason::MilestoneNotFunded,
                format!("Milestone {id} is NOT_FUNDED; fund it first."),
            )
            .with(|d| d.status = Some("NOT_FUNDED".to_owned())));
        }
        other => {
            return Err(ApiError::conflict_plain(format!(
                "Milestone {id} is {other}; there is nothing left to release."
            ))
            .with(|d| d.status = Some(other.to_string())));
        }
    }
    let approval = open_approval(
        &mut st,
        &p.account_id,
        NewApproval {
            type_: ApprovalType::MilestoneApprove,
            contract_id: Some(contract.id.clone()),
            milestone_id: Some(id),
            job_id: Some(contract.job_id.clone()),
            proposal_id: None,
            hire: None,
            invoice_id: None,
        },
        now,
    );
    pending(&app, &mut st, &approval, MESSAGE, now)
}

/// The contract `id` of `account_id` (404 otherwise).
fn my_contract(market: &Market, id: &str, account_id: &str) -> Result<ContractRec, ApiError> {
    market
        .contract(id)
        .filter(|c| c.account_id == account_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("contracts", "No such contract, or it is not yours."))
}

/// `POST /contracts/{contractId}/end`: 200 ended when nothing is funded, else 202 with a
/// `contract_end` approval.
pub(crate) async fn end_contract(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    money_write(&st, &p, "end contracts")?;
    let contract = my_contract(&st.market, &id, &p.account_id)?;
    require_active(&contract)?;
    const MESSAGE: &str = "This contract has funded milestones, so a signed-in human must confirm ending it in the OpenTrain app.";
    let existing = live_approval(
        &mut st,
        &ApprovalType::ContractEnd,
        |a| a.contract_id.as_deref() == Some(&id),
        now,
    );
    if let Some(existing) = existing {
        return pending(&app, &mut st, &existing, MESSAGE, now);
    }
    let funded = st
        .market
        .milestones
        .iter()
        .any(|m| m.contract_id == id && m.status == MilestoneStatus::ActiveFunded);
    if funded {
        let approval = open_approval(
            &mut st,
            &p.account_id,
            NewApproval {
                type_: ApprovalType::ContractEnd,
                contract_id: Some(id),
                milestone_id: None,
                job_id: Some(contract.job_id.clone()),
                proposal_id: None,
                hire: None,
                invoice_id: None,
            },
            now,
        );
        return pending(&app, &mut st, &approval, MESSAGE, now);
    }
    end_now(&mut st, &id, now);
    ok(&ContractEnded::try_from(
        ContractEnded::builder()
            .contract_id(id)
            .ok(true)
            .status(ContractStatus::Ended),
    )?)
}

/// Marks a contract ended.
fn end_now(st: &mut AppState, id: &str, now: DateTime<Utc>) {
    if let Some(c) = st.market.contracts.iter_mut().find(|c| c.id == id) {
        c.status = ContractStatus::Ended;
        c.end_date = Some(now);
        c.updated_at = now;
    }
}

/// `GET /approvals/{approvalId}`: a pending approval past `expiresAt` reads as `expired` (and
/// its event is recorded then); with auto-confirm on, a pending one is confirmed first.
pub(crate) async fn get_approval(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    let not_found = || {
        ApiError::not_found("approvals", "No such approval.")
            .with(|d| d.approval_id = Some(id.clone()))
    };
    if st
        .market
        .approval(&id)
        .is_none_or(|a| a.account_id != p.account_id)
    {
        return Err(not_found());
    }
    settle_expiry(&mut st, &id, now);
    auto_confirm(&app, &mut st, &id, now);
    let approval = st.market.approval(&id).ok_or_else(not_found)?;
    ok(&ApprovalResponse::try_from(
        ApprovalResponse::builder().approval(approval_view(&app, approval)?),
    )?)
}

/// `GET /contracts`: newest first; `jobId` (403 when another account's, 404 when unknown) and
/// `status` (`active` | `ended`) filter. Not paginated.
pub(crate) async fn list_contracts(
    State(app): State<App>,
    headers: HeaderMap,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    let status = match params.get("status").map(String::as_str) {
        None | Some("") => None,
        Some("active") => Some(ContractStatus::Active),
        Some("ended") => Some(ContractStatus::Ended),
        Some(_) => {
            return Err(ApiError::bad_field(
                "status",
                "status must be active or ended.",
            ));
        }
    };
    let job_id = params.get("jobId").filter(|j| !j.is_empty());
    if let Some(job_id) = job_id {
        let job = st.market.job(job_id).ok_or_else(|| job_not_found(job_id))?;
        if job.account_id != p.account_id {
            return Err(ApiError::forbidden("This job belongs to another account.")
                .with(|d| d.job_id = Some(job_id.clone())));
        }
    }
    let contracts = st
        .market
        .contracts
        .iter()
        .rev()
        .filter(|c| c.account_id == p.account_id)
        .filter(|c| job_id.is_none_or(|j| c.job_id == *j))
        .filter(|c| status.as_ref().is_none_or(|s| c.status == *s))
        .map(|c| contract_view(&st.market, c, false))
        .collect::<Result<Vec<_>, _>>()?;
    ok(&ContractList::try_from(
        ContractList::builder().contracts(contracts),
    )?)
}

/// `GET /contracts/{contractId}` (404 for unknown or another account's contracts; the docs do
/// not list that row, the sandbox answers it by analogy with the other contract calls).
pub(crate) async fn get_contract(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    let contract = my_contract(&st.market, &id, &p.account_id)?;
    ok(&ContractResponse::try_from(
        ContractResponse::builder().contract(contract_view(&st.market, &contract, true)?),
    )?)
}

/// `POST /contracts/{contractId}/milestones`: a NOT_FUNDED milestone (201). Fixed-price
/// contracts need `amountUsd`; hourly and per-label ones need `volume` (the amount is then
/// rate x volume, and a given `amountUsd` must match it).
pub(crate) async fn create_milestone(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    money_write(&st, &p, "create milestones")?;
    let body = object(&body, false)?;
    let contract = my_contract(&st.market, &id, &p.account_id)?;
    require_active(&contract)?;
    let description = opt_text(&body, "description", "description")?
        .ok_or_else(|| ApiError::bad_field("description", "description is required."))?;
    let name = opt_text(&body, "name", "name")?;
    let positive = |key: &str| -> Result<Option<f64>, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_f64().filter(|n| *n > 0.0).map(Some).ok_or_else(|| {
                ApiError::bad_field(key, format!("{key} must be a number above 0."))
            }),
        }
    };
    let amount = positive("amountUsd")?;
    let volume = positive("volume")?;
    let due = due_date(body.get("dueDate"), "dueDate")?;
    let amount_usd = if contract.payment_type == ContractPaymentType::FixedPrice {
        amount.ok_or_else(|| {
            ApiError::bad_field(
                "amountUsd",
                "amountUsd is required on a fixed-price contract.",
            )
        })?
    } else {
        let volume = volume.ok_or_else(|| {
            ApiError::bad_field(
                "volume",
                "volume is required on an hourly or per-label contract.",
            )
        })?;
        let rate = contract.rate_usd.filter(|r| *r > 0.0).ok_or_else(|| {
            ApiError::conflict(
                ErrorReason::ContractRateMissing,
                "The contract has no rate to price the volume with.",
            )
        })?;
        let expected = cents(rate * volume);
        match amount {
            Some(a) if (a - expected).abs() > 0.005 => {
                return Err(ApiError::bad_field(
                    "amountUsd",
                    format!("amountUsd must equal rate x volume ({rate} x {volume} = {expected})."),
                ));
            }
            _ => expected,
        }
    };
    let number = st
        .market
        .milestones
        .iter()
        .filter(|m| m.contract_id == id)
        .count() as i64
        + 1;
    let milestone = MilestoneRec {
        id: st.next_id("ms"),
        contract_id: id.clone(),
        number,
        name,
        description: Some(description),
        status: MilestoneStatus::NotFunded,
        amount_usd,
        volume,
        due_date: due,
        invoice_id: None,
        created_at: now,
    };
    st.market.milestones.push(milestone.clone());
    if let Some(c) = st.market.contracts.iter_mut().find(|c| c.id == id) {
        c.updated_at = now;
    }
    st.record_event(
        &p.account_id,
        EventType::MilestoneStatusChanged,
        &milestone.id,
        Some(&contract.job_id),
        PlatformEventData::builder()
            .milestone_id(Some(milestone.id.clone()))
            .contract_id(Some(id))
            .status(Some("NOT_FUNDED".to_owned())),
        now,
    )?;
    with_status(
        StatusCode::CREATED,
        &MilestoneResponse::try_from(
            MilestoneResponse::builder().milestone(milestone_view(&st.market, &milestone)?),
        )?,
    )
}

/// `GET /payments/pending`: funding invoices still waiting for their co-sign, newest first.
pub(crate) async fn pending_payments(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    let market = &st.market;
    let payments = market
        .invoices
        .iter()
        .rev()
        .filter(|i| i.account_id == p.account_id && i.pending)
        .map(|i| {
            let job = market
                .contract(&i.contract_id)
                .and_then(|c| market.job(&c.job_id));
            let job = job
                .map(|j| {
                    PendingPaymentJob::try_from(
                        PendingPaymentJob::builder()
                            .id(Some(j.id.clone()))
                            .title(Some(j.title())),
                    )
                })
                .transpose()?;
            let milestone = market
                .milestone(&i.milestone_id)
                .map(|m| {
                    PendingPaymentMilestone::try_from(
                        PendingPaymentMilestone::builder()
                            .id(Some(m.id.clone()))
                            .name(m.name.clone()),
                    )
                })
                .transpose()?;
            PendingPayment::try_from(
                PendingPayment::builder()
                    .amount_usd(Some(i.amount_usd))
                    .created_at(Some(i.created_at))
                    .id(i.id.clone())
                    .invoice_kind(Some("FUNDING".to_owned()))
                    .invoice_number(Some(i.number))
                    .job(job)
                    .milestone(milestone)
                    .status(Some(PendingPaymentStatus::PendingFunding))
                    .viewer_role(Some("EMPLOYER".to_owned())),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&PendingPaymentList::try_from(
        PendingPaymentList::builder().payments(payments),
    )?)
}

/// Moves an approval out of `pending`. Confirming executes the action (hire: contract, first
/// milestone funded into escrow, post-hire conversation; fund: milestone ACTIVE_FUNDED; approve:
/// milestone PAID; end: contract ended) and records its events; every outcome records
/// `approval.confirmed` with `data.status`. Declined or expired funding requests void their
/// pending invoice.
pub(crate) fn resolve(
    st: &mut AppState,
    id: &str,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), ControlError> {
    let approval = st
        .market
        .approval(id)
        .cloned()
        .ok_or_else(|| ControlError::NotFound {
            kind: "approval",
            id: id.to_owned(),
        })?;
    if approval.status != ApprovalStatus::Pending {
        return Err(ControlError::InvalidState(format!(
            "approval {id} is already {}",
            approval.status
        )));
    }
    let (status, result, contract_id, milestone_id) = match outcome {
        Outcome::Confirm => {
            let (result, contract_id, milestone_id) = execute(st, &approval, now)?;
            (
                ApprovalStatus::Confirmed,
                Some(result),
                contract_id,
                milestone_id,
            )
        }
        Outcome::Decline | Outcome::Expire => {
            if let Some(i) = st
                .market
                .invoices
                .iter_mut()
                .find(|i| Some(i.id.as_str()) == approval.invoice_id.as_deref())
            {
                i.pending = false;
            }
            let status = if outcome == Outcome::Decline {
                ApprovalStatus::Declined
            } else {
                ApprovalStatus::Expired
            };
            (
                status,
                None,
                approval.contract_id.clone(),
                approval.milestone_id.clone(),
            )
        }
    };
    if let Some(a) = st.market.approvals.iter_mut().find(|a| a.id == id) {
        a.status = status.clone();
        a.resolved_at = Some(now);
        a.result = result;
        a.contract_id = contract_id;
        a.milestone_id = milestone_id;
    }
    st.record_event(
        &approval.account_id,
        EventType::ApprovalConfirmed,
        id,
        approval.job_id.as_deref(),
        PlatformEventData::builder()
            .approval_id(Some(id.to_owned()))
            .status(Some(status.to_string())),
        now,
    )?;
    Ok(())
}

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
fn execute(
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
            let payment_type = match job.as_ref().and_then(|j| j.text("paymentType")) {
                Some("PAY_PER_HOUR") => ContractPaymentType::PayPerHour,
                Some("PAY_PER_LABEL") => ContractPaymentType::PayPerLabel,
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
                job.as_ref()
                    .map_or_else(|| "Job".to_owned(), super::JobRec::title)
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
