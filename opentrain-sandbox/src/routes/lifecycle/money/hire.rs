//! The hire request: `POST /proposals/{proposalId}/hire` reads the milestone terms, checks the
//! proposal, and opens (or returns, or supersedes) the `proposal_hire` approval. The hire
//! itself happens when the approval is confirmed (`execute.rs`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use opentrain_gen::types::{ApprovalType, ErrorReason, ProposalStatus, Scope};
use serde_json::{Map, Value};

use super::approvals::{NewApproval, Outcome, live_approval, open_approval, pending, resolve};
use super::fields::{due_date, opt_text};
use super::guards::require_payment_method;
use crate::Feature;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::lifecycle::HireTerms;
use crate::routes::lifecycle::proposals::my_proposal;
use crate::routes::object;

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
        // The docs state no minimum or maximum for the hire's amount (unlike a later
        // milestone's `amountUsd`, "> 0"): any number is taken, and the human sees it.
        .ok_or_else(|| {
            ApiError::bad_field("milestone.amount", "milestone.amount must be a number.")
        })?;
    let name = opt_text(milestone, "name", "milestone.name")?;
    let description = opt_text(milestone, "description", "milestone.description")?;
    if name.is_none() && description.is_none() {
        return Err(ApiError::bad_field(
            "milestone.name",
            "Give the milestone a name or a description.",
        ));
    }
    // The docs state no format for the hire's dueDate ("format rules not stated"): a string
    // that reads as no date leaves the milestone without one instead of being refused.
    let due = match milestone.get("dueDate") {
        Some(Value::String(_)) => {
            due_date(milestone.get("dueDate"), "milestone.dueDate").unwrap_or(None)
        }
        other => due_date(other, "milestone.dueDate")?,
    };
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

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::hire_terms;
    use crate::routes::lifecycle::HireTerms;

    /// A hire body from a JSON object literal.
    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// The `details.field` of a refused body.
    fn refused_field(value: Value) -> Option<String> {
        hire_terms(&body(value))
            .err()
            .and_then(|e| e.details)
            .and_then(|d| d.field)
    }

    #[test]
    fn hire_terms_reads_the_milestone_and_the_not_fit_override() {
        let terms = hire_terms(&body(json!({
            "milestone": {"name": " First batch ", "amount": 250.5},
            "confirmNotFitOverride": true,
        })));
        assert_eq!(
            terms.ok(),
            Some((
                HireTerms {
                    name: Some("First batch".to_owned()),
                    description: None,
                    amount: 250.5,
                    due_date: None,
                },
                true
            ))
        );
        let plain = hire_terms(&body(
            json!({"milestone": {"description": "d", "amount": 1}}),
        ));
        assert_eq!(plain.ok().map(|(_, over)| over), Some(false));
    }

    #[test]
    fn hire_terms_refuses_each_bad_member_naming_it() {
        assert_eq!(refused_field(json!({})).as_deref(), Some("milestone"));
        assert_eq!(
            refused_field(json!({"milestone": {"name": "n", "amount": "10"}})).as_deref(),
            Some("milestone.amount")
        );
        assert_eq!(
            refused_field(json!({"milestone": {"amount": 10}})).as_deref(),
            Some("milestone.name")
        );
        assert_eq!(
            refused_field(json!({"milestone": {"name": "n", "amount": 10, "dueDate": 7}}))
                .as_deref(),
            Some("milestone.dueDate")
        );
        assert_eq!(
            refused_field(json!({"milestone": {"name": "n", "amount": 0, "dueDate": "soon"}})),
            None
        );
        assert_eq!(
            refused_field(json!({
                "milestone": {"name": "n", "amount": 10},
                "confirmNotFitOverride": "yes",
            }))
            .as_deref(),
            Some("confirmNotFitOverride")
        );
    }
}
