//! The approval page behind every `approvalUrl` (`/approvals/{approvalId}`): what the agent asks
//! the human to co-sign (type, amount, job, trainer, milestone, expiry, status) and, while it is
//! pending, a Confirm and a Decline button (one plain form posting `decision=confirm|decline`
//! back to the page). The buttons resolve the approval through the same code as
//! [`crate::Sandbox::confirm_approval`] and [`crate::Sandbox::decline_approval`]; an approval
//! that is no longer pending shows its final status and no buttons. Reading the page applies
//! lazy expiry, and auto-confirm when it is on, as `GET /approvals/{approvalId}` does.
//! Rendered with maud (every value escaped).

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use opentrain_gen::types::{ApprovalStatus, ApprovalType, MilestoneStatus};

use super::claim::when;
use super::html::{self, Tone, facts, notice};
use super::problem;
use crate::ControlError;
use crate::app::{App, State as Records};
use crate::routes::lifecycle::{Outcome, auto_confirm, settle, settle_expiry};

/// `$1,234.50`.
fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 {
        ("-", -cents)
    } else {
        ("", cents)
    };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// What a person reads about one approval.
struct View {
    status: ApprovalStatus,
    /// A sentence saying what confirming does.
    lead: String,
    rows: Vec<(&'static str, String)>,
}

/// The approval `id` as the page shows it, or `None` when there is no such approval.
fn view(st: &Records, id: &str) -> Option<View> {
    let market = &st.market;
    let a = market.approval(id)?;
    let job = a.job_id.as_deref().and_then(|j| market.job(j));
    let job_title = job.map_or_else(|| "a job".to_owned(), |j| j.title());
    let contract = a.contract_id.as_deref().and_then(|c| market.contract(c));
    let milestone = a.milestone_id.as_deref().and_then(|m| market.milestone(m));
    let trainer_id = a
        .proposal_id
        .as_deref()
        .and_then(|p| market.proposal(p))
        .map(|p| p.freelancer_id.clone())
        .or_else(|| contract.map(|c| c.freelancer_id.clone()));
    let trainer = trainer_id
        .as_deref()
        .and_then(|f| market.freelancer(f))
        .map(|f| f.display_name());
    let milestone_name = milestone
        .and_then(|m| m.name.clone().or_else(|| m.description.clone()))
        .or_else(|| {
            a.hire
                .as_ref()
                .and_then(|h| h.name.clone().or_else(|| h.description.clone()))
        });
    let (label, amount) = match &a.type_ {
        ApprovalType::ProposalHire => ("Hire an AI trainer", a.hire.as_ref().map(|h| h.amount)),
        ApprovalType::MilestoneFund => ("Fund a milestone", milestone.map(|m| m.amount_usd)),
        ApprovalType::MilestoneApprove => (
            "Release a milestone payment",
            milestone.map(|m| m.amount_usd),
        ),
        ApprovalType::ContractEnd => (
            "End a contract",
            contract.map(|c| {
                market
                    .milestones
                    .iter()
                    .filter(|m| m.contract_id == c.id && m.status == MilestoneStatus::ActiveFunded)
                    .map(|m| m.amount_usd)
                    .sum()
            }),
        ),
        _ => ("Co-sign an action", None),
    };
    let who = trainer
        .clone()
        .unwrap_or_else(|| "the AI trainer".to_owned());
    let money = amount.map_or_else(|| "the amount shown".to_owned(), usd);
    let lead = match &a.type_ {
        ApprovalType::ProposalHire => format!(
            "The agent asks to hire {who} for “{job_title}”. Confirming creates the contract and \
             funds its first milestone with {money} into escrow."
        ),
        ApprovalType::MilestoneFund => format!(
            "The agent asks to fund a milestone of “{job_title}” with {money}. Confirming moves \
             the money into escrow."
        ),
        ApprovalType::MilestoneApprove => format!(
            "The agent asks to release {money} from escrow to {who} for a milestone of \
             “{job_title}”."
        ),
        ApprovalType::ContractEnd => format!(
            "The agent asks to end the contract with {who} for “{job_title}”, which still \
             holds {money} in funded milestones."
        ),
        other => format!("The agent asks you to co-sign “{other}”."),
    };
    // A finished approval tells what was asked.
    let lead = if a.status == ApprovalStatus::Pending {
        lead
    } else {
        lead.replacen("The agent asks", "The agent asked", 1)
    };
    let mut rows = vec![("Type", format!("{label} ({})", a.type_))];
    if let Some(amount) = amount {
        rows.push(("Amount", usd(amount)));
    }
    if let Some(job_id) = &a.job_id {
        rows.push(("Job", format!("{job_title} ({job_id})")));
    }
    if let Some(trainer) = trainer {
        rows.push(("AI trainer", trainer));
    }
    if let Some(name) = milestone_name {
        rows.push(("Milestone", name));
    }
    if let Some(contract) = contract {
        rows.push(("Contract", format!("{} ({})", contract.title, contract.id)));
    }
    rows.push(("Requested", when(a.created_at)));
    rows.push(("Expires", when(a.expires_at)));
    rows.push(("Status", a.status.to_string()));
    if let Some(resolved) = a.resolved_at {
        rows.push(("Resolved", when(resolved)));
    }
    Some(View {
        status: a.status.clone(),
        lead,
        rows,
    })
}

/// What the page says about an approval that is no longer pending.
fn settled(status: &ApprovalStatus) -> &'static str {
    match status {
        ApprovalStatus::Confirmed => {
            "This approval is confirmed: the action ran. Nothing is left to do."
        }
        ApprovalStatus::Declined => {
            "This approval was declined: nothing ran. Nothing is left to do."
        }
        ApprovalStatus::Expired => {
            "This approval expired before anyone acted: nothing ran. The agent can ask again."
        }
        _ => "This approval is no longer pending.",
    }
}

/// The page of `view`, with `flash` (an outcome or an error) above the facts; without one, a
/// finished approval says how it ended.
fn render(status: StatusCode, id: &str, view: &View, flash: Option<(Tone, &str)>) -> Response {
    let pending = view.status == ApprovalStatus::Pending;
    let body = html! {
        @if let Some((tone, message)) = flash { (notice(tone, message)) }
        p { (view.lead) }
        (facts(&view.rows))
        @if pending {
            form method="post" {
                div.actions {
                    button.primary type="submit" name="decision" value="confirm" { "Confirm" }
                    button.secondary type="submit" name="decision" value="decline" { "Decline" }
                }
            }
        } @else if flash.is_none() {
            (notice(Tone::Info, settled(&view.status)))
        }
    };
    html::respond(status, &format!("Approval {id}"), body)
}

fn not_found(id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Approval not found",
        &format!("The sandbox has no approval {id}. Check the link the agent gave you."),
    )
}

/// `GET /approvals/{approvalId}`: the approval, with the buttons while it is pending.
pub(crate) async fn show(State(app): State<App>, Path(id): Path<String>) -> Response {
    let now = app.now();
    let mut st = app.state();
    settle_expiry(&mut st, &id, now);
    auto_confirm(&app, &mut st, &id, now);
    match view(&st, &id) {
        Some(view) => render(StatusCode::OK, &id, &view, None),
        None => not_found(&id),
    }
}

/// `POST /approvals/{approvalId}` with `decision=confirm` or `decision=decline`: resolves the
/// approval as the controls do and shows the outcome (409 when it was no longer pending or
/// the action could not run; 400 for a body without a known decision).
pub(crate) async fn decide(
    State(app): State<App>,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let decision = form
        .ok()
        .and_then(|Form(fields)| fields.get("decision").cloned());
    let (outcome, done) = match decision.as_deref() {
        Some("confirm") => (
            Outcome::Confirm,
            "You confirmed this approval: the action ran.",
        ),
        Some("decline") => (Outcome::Decline, "You declined this approval: nothing ran."),
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "The form must say decision=confirm or decision=decline. Use the buttons on \
                 the approval page.",
            );
        }
    };
    let result = settle(&app, &id, outcome);
    let st = app.state();
    let Some(view) = view(&st, &id) else {
        return not_found(&id);
    };
    match result {
        Ok(()) => render(StatusCode::OK, &id, &view, Some((Tone::Success, done))),
        Err(ControlError::NotFound { .. }) => not_found(&id),
        Err(ControlError::InvalidState(message)) => {
            let message = format!("Nothing was changed: {message}.");
            render(
                StatusCode::CONFLICT,
                &id,
                &view,
                Some((Tone::Error, &message)),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::usd;

    #[test]
    fn usd_groups_thousands_and_rounds_to_cents() {
        assert_eq!(usd(300.0), "$300.00");
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(1_000_000.004), "$1,000,000.00");
        assert_eq!(usd(0.06), "$0.06");
    }
}
