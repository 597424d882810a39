//! Contracts: the list (newest first, filtered by job and status), one contract in detail, and
//! ending one (at once when nothing is funded, else through a `contract_end` approval).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use opentrain_gen::types::{
    ApprovalType, ContractEnded, ContractList, ContractResponse, ContractStatus, MilestoneStatus,
    Scope,
};

use super::approvals::{NewApproval, live_approval, open_approval, pending};
use super::guards::{money_write, my_contract, require_active};
use super::views::contract_view;
use crate::app::{App, State as AppState};
use crate::errors::ApiError;
use crate::routes::lifecycle::job_not_found;
use crate::routes::{Params, ok, params};

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
    let status = match params.get("status").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match ContractStatus::from(raw) {
            unknown if unknown.is_unknown() => {
                return Err(ApiError::bad_field(
                    "status",
                    format!(
                        "status must be {}.",
                        ContractStatus::DOCUMENTED.join(" or ")
                    ),
                ));
            }
            known => Some(known),
        },
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
pub(super) fn end_now(st: &mut AppState, id: &str, now: DateTime<Utc>) {
    if let Some(c) = st.market.contracts.iter_mut().find(|c| c.id == id) {
        c.status = ContractStatus::Ended;
        c.end_date = Some(now);
        c.updated_at = now;
    }
}
