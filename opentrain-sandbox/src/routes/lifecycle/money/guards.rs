//! The checks the money writes share before anything is recorded: scope, feature and claim, a
//! payment method on file, an active contract, and ownership of the milestone or contract named
//! in the path (404 for another account's, as for an unknown id).

use opentrain_gen::types::{ContractStatus, ErrorReason, Scope};

use crate::Feature;
use crate::app::{App, Principal, State as AppState};
use crate::errors::ApiError;
use crate::routes::lifecycle::{ContractRec, Market, MilestoneRec};

/// The checks every money write shares: scope, feature, claim.
pub(super) fn money_write(st: &AppState, p: &Principal, action: &str) -> Result<(), ApiError> {
    p.require(Scope::PaymentsWrite)?;
    st.require_feature(Feature::PaymentsWrite)?;
    // The endpoint pages require a claimed account; the scopes page says milestone writes do
    // not (they pause for co-sign). The sandbox follows the endpoint pages.
    p.require_claimed(action)
}

/// 409 `payment_method_required` unless the account has a payment method.
pub(super) fn require_payment_method(
    st: &AppState,
    app: &App,
    p: &Principal,
) -> Result<(), ApiError> {
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

/// 409 `contract_ended` when the contract is over.
pub(super) fn require_active(c: &ContractRec) -> Result<(), ApiError> {
    if c.status == ContractStatus::Ended {
        Err(ApiError::conflict(
            ErrorReason::ContractEnded,
            "The contract has ended.",
        ))
    } else {
        Ok(())
    }
}

/// The milestone `id` and its contract, both `account_id`'s (404 otherwise).
pub(super) fn my_milestone(
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

/// The contract `id` of `account_id` (404 otherwise).
pub(super) fn my_contract(
    market: &Market,
    id: &str,
    account_id: &str,
) -> Result<ContractRec, ApiError> {
    market
        .contract(id)
        .filter(|c| c.account_id == account_id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("contracts", "No such contract, or it is not yours."))
}
