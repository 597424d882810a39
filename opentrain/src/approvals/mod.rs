//! Co-sign approvals: waiting for the human who confirms a money operation.
//!
//! Money never moves from an API call alone. Hiring from a proposal
//! ([`Client::hire_from_proposal`]), funding a milestone ([`Client::fund_milestone`]), releasing
//! one ([`Client::approve_milestone`]) and ending a contract that has funded milestones
//! ([`Client::end_contract`]) each answer with a *pending approval* (HTTP 202,
//! [`types::ApprovalPending`]) that a signed-in human confirms or declines at its
//! `approval.approval_url`. Unanswered approvals expire after about 72 hours. The status goes
//! `pending → confirmed | declined | expired` and never changes again.
//!
//! - [`WaitForApproval::wait`], on what those operations return (or on an
//!   [`types::Approval`] read later), polls `GET /approvals/{id}` (2 s doubling to 60 s, with
//!   jitter) until the approval leaves `pending`, and reports an [`Outcome`]; it gives up with
//!   [`Error::ApprovalTimeout`] when its `max_wait` runs out (nothing is cancelled: the human
//!   can still confirm later).
//! - [`wait_many`] resolves many approvals from one feed: it follows `GET /updates` for
//!   `approval.confirmed` events (they fire for every terminal state) and re-reads each
//!   approval the feed names to get its outcome.
//!
//! The money operations go through the client's [pipeline](crate::pipeline) and are never
//! sent again by a retry once the server may have seen one; waiting only ever reads. To ask
//! again after a decline or an expiry, send the operation again yourself.
//!
//! ```no_run
//! use std::time::Duration;
//! use opentrain::approvals::{Confirmation, Outcome, WaitForApproval};
//! use opentrain::types::{HireMilestone, HireRequest};
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
//! let pending = client
//!     .hire_from_proposal()
//!     .proposal_id("prop_123")
//!     .body(HireRequest::builder().milestone(
//!         HireMilestone::builder().amount(250.0).name("First labeling batch".to_owned()).due_date("2026-07-01".to_owned()),
//!     ))
//!     .send()
//!     .await?;
//! println!("{} — confirm at {}", pending.message, pending.approval.approval_url);
//! match pending.wait(&client).max_wait(Duration::from_secs(3600)).await? {
//!     Outcome::Confirmed { result: Confirmation::Hired { contract_id, .. }, .. } => {
//!         println!("hired; contract {contract_id:?}");
//!     }
//!     other => println!("not hired: {}", other.status()),
//! }
//! # Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::types;
use crate::{Client, Error};

/// The polling knobs shared by [`Wait`] and [`WaitManyOptions`] (both keep a `polling:
/// Polling` field); `$max_wait_doc` says what running out of time means for each.
macro_rules! polling_setters {
    ($max_wait_doc:literal) => {
        #[doc = $max_wait_doc]
        pub fn max_wait(mut self, max_wait: Duration) -> Self {
            self.polling.max_wait = max_wait;
            self
        }

        /// The wait before the first poll after the first look (default 2 s); it doubles after
        /// each poll.
        pub fn poll_interval(mut self, first: Duration) -> Self {
            self.polling.first = first;
            self
        }

        /// The longest wait between polls (default 60 s).
        pub fn max_poll_interval(mut self, cap: Duration) -> Self {
            self.polling.cap = cap;
            self
        }

        /// Whether waits are randomised between half and all of the computed interval (default
        /// on, so many waiting clients do not poll in step).
        pub fn jitter(mut self, on: bool) -> Self {
            self.polling.jitter = on;
            self
        }
    };
}

mod many;
mod outcome;
mod wait;

pub use many::{ManyOutcomes, WaitManyOptions, wait_many};
pub use outcome::{Confirmation, Outcome};
pub use wait::Wait;

/// How long a wait lasts unless told otherwise: one hour.
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// The wait before the first poll; it doubles after each poll that finds nothing new.
const FIRST_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The longest wait between two polls.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a money operation returns while a human must confirm it: an approval to wait for.
///
/// Implemented for [`types::ApprovalPending`] (the 202 answer of `hire_from_proposal`,
/// `fund_milestone`, `approve_milestone` and a pending `end_contract`) and for
/// [`types::Approval`] (an approval read later with `get_approval`, e.g. to resume a wait
/// after a restart). A `ResponseValue` of either dereferences to it, so `.wait(&client)` works
/// on what `.send()` gives.
///
/// ```no_run
/// use opentrain::approvals::WaitForApproval;
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// // Resume waiting for an approval whose id you stored earlier:
/// let approval = client.get_approval().approval_id("apr_1").send().await?.into_inner().approval;
/// let outcome = approval.wait(&client).await?;
/// println!("{}", outcome.status());
/// # Ok(()) }
/// ```
pub trait WaitForApproval {
    /// The approval, as the operation (or the read) returned it.
    fn pending_approval(&self) -> &types::Approval;

    /// Waits for the human: polls `GET /approvals/{id}` until the approval is confirmed,
    /// declined or expired. Configure the [`Wait`], then `.await` it.
    fn wait<'a>(&self, client: &'a Client) -> Wait<'a> {
        Wait::new(client, self.pending_approval().clone())
    }
}

impl WaitForApproval for types::ApprovalPending {
    fn pending_approval(&self) -> &types::Approval {
        &self.approval
    }
}

impl WaitForApproval for types::Approval {
    fn pending_approval(&self) -> &types::Approval {
        self
    }
}

impl<T: WaitForApproval> WaitForApproval for crate::ResponseValue<T> {
    fn pending_approval(&self) -> &types::Approval {
        self.as_ref().pending_approval()
    }
}

impl<T: WaitForApproval + ?Sized> WaitForApproval for &T {
    fn pending_approval(&self) -> &types::Approval {
        (**self).pending_approval()
    }
}

/// Reads one approval: `GET /approvals/{id}` (a read: retried by the policy). A pending
/// approval past its `expiresAt` turns `expired` when read.
async fn read_approval(client: &Client, approval_id: &str) -> Result<types::Approval, Error> {
    Ok(client
        .get_approval()
        .approval_id(approval_id)
        .send()
        .await?
        .into_inner()
        .approval)
}

#[cfg(test)]
mod tests {
    use super::many::resolved_approval_id;
    use super::wait::Polling;
    use super::*;
    use crate::types::ApprovalStatus;

    fn approval(type_: &str, status: &str, result: serde_json::Value) -> types::Approval {
        serde_json::from_value(serde_json::json!({
            "id": "apr_1", "type": type_, "status": status,
            "contractId": "ctr_1", "jobId": "job_1",
            "approvalUrl": "https://app.opentrain.ai/approvals/apr_1",
            "result": result,
        }))
        .expect("approval")
    }

    #[test]
    fn money_requests_are_posts_outside_the_idempotent_writes() {
        for op in [
            "hireFromProposal",
            "fundMilestone",
            "approveMilestone",
            "endContract",
        ] {
            let operation = opentrain_gen::operations::Operation::by_id(op).expect(op);
            assert_eq!(operation.method, "POST", "{op}");
            assert!(!operation.is_read(), "{op}");
            assert!(!crate::retry::IDEMPOTENT_WRITES.contains(&op), "{op}");
        }
    }

    #[test]
    fn the_poll_schedule_doubles_from_two_seconds_to_a_minute() {
        let polling = Polling {
            jitter: false,
            ..Polling::default()
        };
        let secs: Vec<u64> = (1..=8).map(|n| polling.interval(n).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 60, 60, 60]);
        // Far into a long wait the schedule neither overflows nor leaves the cap.
        assert_eq!(polling.interval(u32::MAX), MAX_POLL_INTERVAL);
    }

    #[test]
    fn jittered_polls_stay_between_half_and_all_of_the_interval() {
        let polling = Polling::default();
        for n in 1..=10 {
            let full = Polling {
                jitter: false,
                ..Polling::default()
            }
            .interval(n);
            for _ in 0..50 {
                let w = polling.interval(n);
                assert!(w >= full / 2 && w <= full, "poll {n}: {w:?} vs {full:?}");
            }
        }
    }

    #[test]
    fn each_documented_result_becomes_its_typed_confirmation() {
        let hire = approval(
            "proposal_hire",
            "confirmed",
            serde_json::json!({"hired": true, "contractId": "ctr_9", "jobId": "job_1", "freelancerUserId": "usr_7"}),
        );
        assert_eq!(
            Confirmation::of(&hire),
            Confirmation::Hired {
                contract_id: Some("ctr_9".into()),
                job_id: Some("job_1".into()),
                freelancer_user_id: Some("usr_7".into())
            }
        );
        let release = approval(
            "milestone_approve",
            "confirmed",
            serde_json::json!({"invoiceId": "inv_1", "payoutTransactionId": "po_1"}),
        );
        assert_eq!(
            Confirmation::of(&release),
            Confirmation::Released {
                invoice_id: Some("inv_1".into()),
                payout_transaction_id: Some("po_1".into())
            }
        );
        let end = approval(
            "contract_end",
            "confirmed",
            serde_json::json!({"contractEnded": true}),
        );
        assert_eq!(
            Confirmation::of(&end),
            Confirmation::ContractEnded {
                contract_id: Some("ctr_1".into())
            }
        );
        let new_kind = approval("escrow_topup", "confirmed", serde_json::Value::Null);
        assert!(matches!(
            Confirmation::of(&new_kind),
            Confirmation::Other { ref approval_type, result: None } if approval_type.as_str() == "escrow_topup"
        ));
    }

    #[test]
    fn a_hire_result_without_a_contract_id_falls_back_to_the_approvals() {
        let hire = approval("proposal_hire", "confirmed", serde_json::json!({}));
        assert!(matches!(
            Confirmation::of(&hire),
            Confirmation::Hired { contract_id: Some(ref c), .. } if c == "ctr_1"
        ));
    }

    #[test]
    fn pending_and_unknown_statuses_are_not_outcomes() {
        for status in ["pending", "on_hold"] {
            let a = approval("milestone_fund", status, serde_json::Value::Null);
            assert_eq!(Outcome::try_from(a.clone()), Err(a));
        }
        for (status, expected) in [
            ("confirmed", ApprovalStatus::Confirmed),
            ("declined", ApprovalStatus::Declined),
            ("expired", ApprovalStatus::Expired),
        ] {
            let a = approval("milestone_fund", status, serde_json::Value::Null);
            assert_eq!(Outcome::try_from(a).map(|o| o.status()), Ok(expected));
        }
    }

    #[test]
    fn an_event_resolves_the_approval_it_names_unless_still_pending() {
        let event = |data: serde_json::Value| -> types::PlatformEvent {
            serde_json::from_value(serde_json::json!({
                "id": "1", "type": "approval.confirmed", "resourceId": "apr_r", "data": data
            }))
            .expect("event")
        };
        assert_eq!(
            resolved_approval_id(&event(
                serde_json::json!({"approvalId": "apr_d", "status": "declined"})
            )),
            Some("apr_d")
        );
        assert_eq!(
            resolved_approval_id(&event(serde_json::json!({"status": "expired"}))),
            Some("apr_r")
        );
        assert_eq!(
            resolved_approval_id(&event(
                serde_json::json!({"approvalId": "apr_d", "status": "pending"})
            )),
            None
        );
        let other: types::PlatformEvent = serde_json::from_value(serde_json::json!({
            "id": "2", "type": "payment.pending", "resourceId": "apr_d", "data": {"approvalId": "apr_d"}
        }))
        .expect("event");
        assert_eq!(resolved_approval_id(&other), None);
    }

    #[test]
    fn waits_and_money_requests_are_send() {
        use std::future::IntoFuture;
        fn assert_send<T: Send>(_: &T) {}
        let client = Client::builder().build().expect("client");
        let pending = approval("proposal_hire", "pending", serde_json::Value::Null);
        assert_send(&pending.wait(&client).into_future());
        assert_send(&client.hire_from_proposal().proposal_id("p").send());
        assert_send(&client.fund_milestone().milestone_id("m").send());
        assert_send(&client.end_contract().contract_id("c").send());
        assert_send(&wait_many(&client, [&pending], WaitManyOptions::default()));
    }
}
