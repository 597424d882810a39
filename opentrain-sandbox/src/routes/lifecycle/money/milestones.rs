//! Milestone writes: fund (`milestone_fund` approval plus a pending funding invoice), approve
//! (`milestone_approve` approval, releasing a funded milestone) and create (a `NOT_FUNDED`
//! milestone on an active contract, priced by amount or by rate x volume).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::{
    ApprovalType, ContractPaymentType, ErrorReason, EventType, MilestoneResponse, MilestoneStatus,
    PlatformEventData,
};
use serde_json::Value;

use super::approvals::{NewApproval, live_approval, open_approval, pending};
use super::cents;
use super::fields::{due_date, opt_text, required_text};
use super::guards::{
    money_write, my_contract, my_milestone, require_active, require_payment_method,
};
use super::views::milestone_view;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::lifecycle::{InvoiceRec, MilestoneRec};
use crate::routes::{object, with_status};

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
    let description = required_text(&body, "description")?;
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
