//! The approval state machine. An approval is opened `pending` ([`open_approval`]) with a
//! window of [`APPROVAL_TTL_HOURS`]; it leaves `pending` exactly once, through [`resolve`]:
//! confirmed (the action runs, see `execute.rs`), declined or expired (nothing runs). Expiry is
//! lazy: nothing ticks, a pending approval past `expiresAt` is marked expired the next time it
//! is read ([`settle_expiry`], [`live_approval`]). With auto-confirm on, the scripted human
//! confirms each approval as it is created or read ([`auto_confirm`]). Also the 202 answer every
//! co-signed write gives and `GET /approvals/{approvalId}`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use opentrain_gen::types::{
    ApprovalPending, ApprovalResponse, ApprovalStatus, ApprovalType, EventType, PlatformEventData,
    Scope,
};

use super::execute::execute;
use super::views::approval_view;
use crate::ControlError;
use crate::app::{App, State as AppState};
use crate::errors::ApiError;
use crate::routes::lifecycle::{ApprovalRec, HireTerms};
use crate::routes::{ok, with_status};

/// How long a co-sign approval stays pending (the docs say about 72 hours).
const APPROVAL_TTL_HOURS: i64 = 72;

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

/// A 202 with a pending approval. With auto-confirm on, the scripted human confirms it right
/// after the answer is built (the 202 shows it pending; every later read shows the outcome).
pub(super) fn pending(
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
pub(super) fn live_approval(
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
pub(super) struct NewApproval {
    pub(super) type_: ApprovalType,
    pub(super) contract_id: Option<String>,
    pub(super) milestone_id: Option<String>,
    pub(super) job_id: Option<String>,
    pub(super) proposal_id: Option<String>,
    pub(super) hire: Option<HireTerms>,
    pub(super) invoice_id: Option<String>,
}

/// Stores a new pending approval and returns it.
pub(super) fn open_approval(
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

/// The approval window's end for an approval created at `now`.
fn approval_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(APPROVAL_TTL_HOURS)
}

/// When a pending approval's window has passed, marks it expired (the docs' lazy expiry) and
/// records its `approval.confirmed` event. Returns whether it changed.
pub(crate) fn settle_expiry(st: &mut AppState, approval_id: &str, now: DateTime<Utc>) -> bool {
    let due = st
        .market
        .approval(approval_id)
        .is_some_and(|a| a.status == ApprovalStatus::Pending && a.expires_at <= now);
    if due {
        resolve(st, approval_id, Outcome::Expire, now).is_ok()
    } else {
        false
    }
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

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use opentrain_gen::types::{
        ApprovalStatus, ApprovalType, ContractPaymentType, ContractStatus, EventType, JobStatus,
        MilestoneStatus, ProposalStatus,
    };
    use serde_json::json;

    use super::{NewApproval, Outcome, live_approval, open_approval, resolve, settle_expiry};
    use crate::ControlError;
    use crate::app::State as AppState;
    use crate::routes::lifecycle::{
        ApprovalRec, HireTerms, InvoiceRec, JobRec, MilestoneRec, add_applicant,
    };

    /// A fixed start time (the sandbox clock is not needed: the state machine takes `now`).
    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).expect("a valid timestamp")
    }

    /// A claimed account with one open job paid as `payment` (rate `rate`) and one applicant's
    /// proposal on it, built as the handlers build them. Returns (state, account, job, proposal).
    fn hiring_state(
        payment: &str,
        rate_key: &str,
        rate: f64,
    ) -> (AppState, String, String, String) {
        let now = t0();
        let mut st = AppState::default();
        let account = st.add_account("Acme Labs", true);
        let job_id = st.next_id("job");
        let mut fields = serde_json::Map::new();
        fields.insert("jobTitle".into(), json!("Spanish Sentiment Labeling"));
        fields.insert("paymentType".into(), json!(payment));
        fields.insert(rate_key.into(), json!(rate));
        st.market.jobs.push(JobRec {
            id: job_id.clone(),
            account_id: account.clone(),
            company: None,
            status: JobStatus::Open,
            fields,
            created_at: now,
            updated_at: now,
            published_at: Some(now),
            idempotency_key: None,
            unmapped: Vec::new(),
        });
        let proposal = add_applicant(&mut st, &job_id, now)
            .expect("the proposal.received event builds")
            .expect("a seeded trainer applies");
        (st, account, job_id, proposal)
    }

    /// Opens a `proposal_hire` approval for `amount` USD at `now`.
    fn open_hire(
        st: &mut AppState,
        account: &str,
        job_id: &str,
        proposal_id: &str,
        amount: f64,
        now: DateTime<Utc>,
    ) -> ApprovalRec {
        open_approval(
            st,
            account,
            NewApproval {
                type_: ApprovalType::ProposalHire,
                contract_id: None,
                milestone_id: None,
                job_id: Some(job_id.to_owned()),
                proposal_id: Some(proposal_id.to_owned()),
                hire: Some(HireTerms {
                    name: Some("First batch".to_owned()),
                    description: None,
                    amount,
                    due_date: None,
                }),
                invoice_id: None,
            },
            now,
        )
    }

    /// The approval `id` as stored now.
    fn stored(st: &AppState, id: &str) -> ApprovalRec {
        st.market
            .approval(id)
            .cloned()
            .expect("the approval exists")
    }

    /// The (type, data.status) of the events recorded after the first `from`.
    fn events_since(st: &AppState, from: usize) -> Vec<(EventType, Option<String>)> {
        st.events.log[from..]
            .iter()
            .map(|l| {
                let status = l.event.data.as_ref().and_then(|d| d.status.clone());
                (l.event.type_.clone(), status)
            })
            .collect()
    }

    #[test]
    fn an_approval_is_opened_pending_with_a_72_hour_window() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        assert_eq!(a.status, ApprovalStatus::Pending);
        assert_eq!(a.expires_at - a.created_at, Duration::hours(72));
        assert_eq!(a.resolved_at, None);
        assert_eq!(stored(&st, &a.id).status, ApprovalStatus::Pending);
    }

    #[test]
    fn an_approval_resolves_once_and_a_second_resolve_is_refused_without_effect() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let first = t0() + Duration::minutes(5);
        assert_eq!(resolve(&mut st, &a.id, Outcome::Confirm, first), Ok(()));
        let events = st.events.log.len();
        for outcome in [Outcome::Confirm, Outcome::Decline, Outcome::Expire] {
            let again = resolve(&mut st, &a.id, outcome, first + Duration::hours(1));
            assert_eq!(
                again,
                Err(ControlError::InvalidState(format!(
                    "approval {} is already confirmed",
                    a.id
                )))
            );
        }
        let after = stored(&st, &a.id);
        assert_eq!(after.status, ApprovalStatus::Confirmed);
        assert_eq!(after.resolved_at, Some(first));
        assert_eq!(st.market.contracts.len(), 1, "the hire ran exactly once");
        assert_eq!(
            st.events.log.len(),
            events,
            "no event for a refused resolve"
        );
    }

    #[test]
    fn resolving_an_unknown_approval_is_not_found() {
        let mut st = AppState::default();
        assert_eq!(
            resolve(&mut st, "apr_missing", Outcome::Confirm, t0()),
            Err(ControlError::NotFound {
                kind: "approval",
                id: "apr_missing".to_owned(),
            })
        );
    }

    #[test]
    fn a_pending_approval_expires_lazily_once_read_at_or_past_expires_at() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let events = st.events.log.len();

        // One second before the window ends, a read changes nothing.
        assert!(!settle_expiry(
            &mut st,
            &a.id,
            a.expires_at - Duration::seconds(1)
        ));
        assert_eq!(stored(&st, &a.id).status, ApprovalStatus::Pending);
        assert_eq!(st.events.log.len(), events);

        // Nothing ticks on its own: it is still pending until the next read past the window.
        let read_at = a.expires_at + Duration::hours(5);
        assert_eq!(stored(&st, &a.id).status, ApprovalStatus::Pending);
        assert!(settle_expiry(&mut st, &a.id, read_at));
        let after = stored(&st, &a.id);
        assert_eq!(after.status, ApprovalStatus::Expired);
        assert_eq!(after.resolved_at, Some(read_at));
        assert_eq!(after.result, None);
        assert_eq!(
            events_since(&st, events),
            vec![(EventType::ApprovalConfirmed, Some("expired".to_owned()))]
        );

        // Once expired it stays so: no second expiry, no late confirm, no contract.
        assert!(!settle_expiry(&mut st, &a.id, read_at + Duration::hours(1)));
        assert!(resolve(&mut st, &a.id, Outcome::Confirm, read_at).is_err());
        assert!(st.market.contracts.is_empty());
    }

    #[test]
    fn live_approval_expires_a_stale_match_and_returns_none() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let same_proposal = |r: &ApprovalRec| r.proposal_id.as_deref() == Some(proposal.as_str());

        let within = live_approval(
            &mut st,
            &ApprovalType::ProposalHire,
            same_proposal,
            t0() + Duration::hours(1),
        );
        assert_eq!(within.map(|r| r.id), Some(a.id.clone()));

        let past = live_approval(
            &mut st,
            &ApprovalType::ProposalHire,
            same_proposal,
            a.expires_at,
        );
        assert!(past.is_none());
        assert_eq!(stored(&st, &a.id).status, ApprovalStatus::Expired);
    }

    #[test]
    fn confirming_a_hire_creates_the_contract_and_its_funded_first_milestone_and_records_events() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let events = st.events.log.len();
        let at = t0() + Duration::minutes(10);
        assert_eq!(resolve(&mut st, &a.id, Outcome::Confirm, at), Ok(()));

        let [contract] = st.market.contracts.as_slice() else {
            panic!("one contract expected, got {:?}", st.market.contracts);
        };
        assert_eq!(contract.account_id, account);
        assert_eq!(contract.job_id, job);
        assert_eq!(contract.proposal_id, proposal);
        assert_eq!(contract.status, ContractStatus::Active);
        assert_eq!(contract.payment_type, ContractPaymentType::FixedPrice);
        assert_eq!(contract.rate_usd, Some(300.0));
        assert_eq!(contract.title, "Spanish Sentiment Labeling Contract");

        let [milestone] = st.market.milestones.as_slice() else {
            panic!("one milestone expected, got {:?}", st.market.milestones);
        };
        assert_eq!(milestone.contract_id, contract.id);
        assert_eq!(milestone.number, 1);
        assert_eq!(milestone.status, MilestoneStatus::ActiveFunded);
        assert_eq!(milestone.amount_usd, 300.0);
        assert_eq!(milestone.name.as_deref(), Some("First batch"));
        assert_eq!(
            milestone.volume, None,
            "a fixed-price milestone has no volume"
        );

        let [invoice] = st.market.invoices.as_slice() else {
            panic!("one invoice expected, got {:?}", st.market.invoices);
        };
        assert_eq!(milestone.invoice_id.as_deref(), Some(invoice.id.as_str()));
        assert_eq!(invoice.amount_usd, 300.0);
        assert!(!invoice.pending, "the first milestone is funded at hire");

        let thread = st
            .market
            .conversations
            .iter()
            .find(|c| c.id == contract.conversation_id)
            .expect("the post-hire conversation exists");
        assert_eq!(thread.bucket, "job");

        let hired = st.market.proposal(&proposal).expect("the proposal exists");
        assert_eq!(hired.status, ProposalStatus::Hired);
        assert_eq!(hired.contract_id.as_deref(), Some(contract.id.as_str()));

        let after = stored(&st, &a.id);
        assert_eq!(after.status, ApprovalStatus::Confirmed);
        assert_eq!(after.resolved_at, Some(at));
        assert_eq!(after.contract_id.as_deref(), Some(contract.id.as_str()));
        assert_eq!(after.milestone_id.as_deref(), Some(milestone.id.as_str()));
        let result = after.result.expect("a confirmed hire has a result");
        assert_eq!(result.contract_id.as_deref(), Some(contract.id.as_str()));
        assert_eq!(result.hired, Some(true));
        assert_eq!(result.job_id.as_deref(), Some(job.as_str()));

        assert_eq!(
            events_since(&st, events),
            vec![
                (EventType::ProposalStatusChanged, Some("HIRED".to_owned())),
                (EventType::ContractCreated, None),
                (
                    EventType::MilestoneStatusChanged,
                    Some("ACTIVE_FUNDED".to_owned())
                ),
                (EventType::ApprovalConfirmed, Some("confirmed".to_owned())),
            ]
        );
    }

    #[test]
    fn an_hourly_hire_prices_the_first_milestone_volume_at_the_bid_rate() {
        let (mut st, account, job, proposal) = hiring_state("PAY_PER_HOUR", "pricePerHour", 20.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        assert_eq!(resolve(&mut st, &a.id, Outcome::Confirm, t0()), Ok(()));
        let contract = &st.market.contracts[0];
        assert_eq!(contract.payment_type, ContractPaymentType::PayPerHour);
        assert_eq!(contract.rate_usd, Some(20.0));
        assert_eq!(
            st.market.milestones[0].volume,
            Some(15.0),
            "300 USD at 20/h"
        );
    }

    #[test]
    fn declining_executes_nothing_and_records_only_the_declined_event() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let a = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let events = st.events.log.len();
        let at = t0() + Duration::hours(2);
        assert_eq!(resolve(&mut st, &a.id, Outcome::Decline, at), Ok(()));

        assert!(st.market.contracts.is_empty());
        assert!(st.market.milestones.is_empty());
        assert!(st.market.invoices.is_empty());
        assert!(st.market.conversations.is_empty());
        let untouched = st.market.proposal(&proposal).expect("the proposal exists");
        assert_eq!(untouched.status, ProposalStatus::Unreviewed);
        assert_eq!(untouched.contract_id, None);

        let after = stored(&st, &a.id);
        assert_eq!(after.status, ApprovalStatus::Declined);
        assert_eq!(after.resolved_at, Some(at));
        assert_eq!(after.result, None);
        assert_eq!(
            events_since(&st, events),
            vec![(EventType::ApprovalConfirmed, Some("declined".to_owned()))]
        );
    }

    #[test]
    fn declining_a_funding_request_voids_its_invoice_and_leaves_the_milestone_unfunded() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let hire = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        assert_eq!(resolve(&mut st, &hire.id, Outcome::Confirm, t0()), Ok(()));
        let contract_id = st.market.contracts[0].id.clone();
        let milestone_id = st.next_id("ms");
        st.market.milestones.push(MilestoneRec {
            id: milestone_id.clone(),
            contract_id: contract_id.clone(),
            number: 2,
            name: None,
            description: Some("Second batch".to_owned()),
            status: MilestoneStatus::NotFunded,
            amount_usd: 150.0,
            volume: None,
            due_date: None,
            invoice_id: None,
            created_at: t0(),
        });
        let invoice_id = st.next_id("inv");
        st.market.invoices.push(InvoiceRec {
            id: invoice_id.clone(),
            number: 2001,
            account_id: account.clone(),
            contract_id: contract_id.clone(),
            milestone_id: milestone_id.clone(),
            amount_usd: 150.0,
            created_at: t0(),
            pending: true,
        });
        let fund = open_approval(
            &mut st,
            &account,
            NewApproval {
                type_: ApprovalType::MilestoneFund,
                contract_id: Some(contract_id),
                milestone_id: Some(milestone_id.clone()),
                job_id: Some(job),
                proposal_id: None,
                hire: None,
                invoice_id: Some(invoice_id.clone()),
            },
            t0(),
        );
        assert_eq!(resolve(&mut st, &fund.id, Outcome::Decline, t0()), Ok(()));
        let invoice = st.market.invoices.iter().find(|i| i.id == invoice_id);
        assert_eq!(invoice.map(|i| i.pending), Some(false));
        let milestone = st.market.milestone(&milestone_id).expect("it exists");
        assert_eq!(milestone.status, MilestoneStatus::NotFunded);
        assert_eq!(milestone.invoice_id, None);
    }

    #[test]
    fn a_confirm_that_cannot_run_is_refused_and_leaves_the_approval_pending() {
        let (mut st, account, job, proposal) = hiring_state("FIXED_PRICE", "fixedPrice", 300.0);
        let first = open_hire(&mut st, &account, &job, &proposal, 300.0, t0());
        let second = open_hire(&mut st, &account, &job, &proposal, 400.0, t0());
        assert_eq!(resolve(&mut st, &first.id, Outcome::Confirm, t0()), Ok(()));
        let events = st.events.log.len();
        assert_eq!(
            resolve(&mut st, &second.id, Outcome::Confirm, t0()),
            Err(ControlError::InvalidState(format!(
                "proposal {proposal} is already hired"
            )))
        );
        assert_eq!(stored(&st, &second.id).status, ApprovalStatus::Pending);
        assert_eq!(st.market.contracts.len(), 1);
        assert_eq!(st.events.log.len(), events);
    }
}
