//! Co-sign approvals: the four money requests, and waiting for the human who confirms them.
//!
//! Money never moves from an API call alone. Hiring from a proposal
//! ([`Client::hire_from_proposal`]), funding a milestone ([`Client::fund_milestone`]), releasing one
//! ([`Client::approve_milestone`]) and ending a contract that has funded milestones
//! ([`Client::end_contract`]) each record a *pending approval* (HTTP 202) that a signed-in human
//! confirms or declines at its [`PendingApproval::approval_url`]. Unanswered approvals expire
//! after about 72 hours. The status goes `pending → confirmed | declined | expired` and never
//! changes again.
//!
//! - [`PendingApproval::wait`] polls `GET /approvals/{id}` (2 s doubling to 60 s, with jitter)
//!   until the approval leaves `pending`, and reports an [`Outcome`]; it gives up with
//!   [`Error::ApprovalTimeout`] when its `max_wait` runs out (nothing is cancelled: the human
//!   can still confirm later).
//! - [`wait_many`] resolves many approvals from one feed: it follows `GET /updates` for
//!   `approval.confirmed` events (they fire for every terminal state) and re-reads each
//!   approval the feed names to get its outcome.
//!
//! The money requests go through the client's [pipeline](crate::pipeline) and are not in
//! [`IDEMPOTENT_WRITES`](crate::IDEMPOTENT_WRITES): once the server may have seen one, it is
//! never sent again by a retry, and waiting only ever reads. To ask again after a decline or an
//! expiry, call the method again yourself.
//!
//! ```no_run
//! use std::time::Duration;
//! use opentrain::approvals::{Confirmation, Milestone, Outcome};
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
//! let pending = client
//!     .hire_from_proposal("prop_123", Milestone::usd(250.0).name("First labeling batch").due_date("2026-07-01"))
//!     .send()
//!     .await?;
//! println!("{} — confirm at {}", pending.message().unwrap_or(""), pending.approval_url());
//! match pending.wait(&client).max_wait(Duration::from_secs(3600)).await? {
//!     Outcome::Confirmed { result: Confirmation::Hired { contract_id, .. }, .. } => {
//!         println!("hired; contract {contract_id:?}");
//!     }
//!     other => println!("not hired: {}", other.status()),
//! }
//! # Ok(()) }
//! ```

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use serde::Serialize;
use tokio::time::Instant;

use crate::backoff::{Backoff, OnPoll, PollProgress, pause};
use crate::types::{self, ApprovalStatus, ApprovalType, EventType};
use crate::{Client, Error};

/// How long [`PendingApproval::wait`] and [`wait_many`] wait unless told otherwise: one hour.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// The wait before the first poll; it doubles after each poll that finds nothing new.
pub const FIRST_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The longest wait between two polls.
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

// ---------------------------------------------------------------------------------------------
// The money requests
// ---------------------------------------------------------------------------------------------

/// The first escrow milestone of the contract a hire creates (the hire body's `milestone`).
///
/// The amount is in US dollars; the human is charged it plus the marketplace and
/// contract-initiation fees, and may edit the milestone before confirming (their values win).
/// At least one of [`name`](Milestone::name) / [`description`](Milestone::description) must be
/// non-empty; [`Client::hire_from_proposal`] refuses to send one without either.
///
/// ```
/// use opentrain::approvals::Milestone;
/// let m = Milestone::usd(300.0)
///     .name("First labeling batch")
///     .description("Label the first 5,000 posts per the guidelines")
///     .due_date("2026-07-01");
/// assert_eq!(m.amount_usd(), 300.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct Milestone {
    amount: f64,
    name: Option<String>,
    description: Option<String>,
    due_date: Option<String>,
}

impl Milestone {
    /// A milestone of `amount` US dollars (sent as the hire body's `milestone.amount`).
    pub fn usd(amount: f64) -> Self {
        Self {
            amount,
            name: None,
            description: None,
            due_date: None,
        }
    }

    /// The milestone name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The deliverable description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The due date as sent, e.g. `"2026-07-01"` (the docs' examples send a date only; the
    /// accepted formats are not documented, so the string goes out unchanged).
    pub fn due_date(mut self, date: impl Into<String>) -> Self {
        self.due_date = Some(date.into());
        self
    }

    /// The due date from a calendar date, sent as `YYYY-MM-DD` like the docs' examples.
    pub fn due_on(self, date: NaiveDate) -> Self {
        self.due_date(date.format("%Y-%m-%d").to_string())
    }

    /// The amount in US dollars.
    pub fn amount_usd(&self) -> f64 {
        self.amount
    }

    /// Checks what the docs state before anything is sent: an amount JSON can carry (finite,
    /// not negative) and a name or a description.
    fn validate(&self) -> Result<(), Error> {
        if !self.amount.is_finite() || self.amount < 0.0 {
            return Err(Error::InvalidRequest(format!(
                "milestone amount must be a finite, non-negative number of dollars (got {})",
                self.amount
            )));
        }
        let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        if !filled(&self.name) && !filled(&self.description) {
            return Err(Error::InvalidRequest(
                "a hire milestone needs a non-empty name or description".into(),
            ));
        }
        Ok(())
    }
}

impl From<types::HireMilestone> for Milestone {
    fn from(m: types::HireMilestone) -> Self {
        Self {
            amount: m.amount,
            name: m.name,
            description: m.description,
            due_date: m.due_date,
        }
    }
}

impl From<Milestone> for types::builder::HireMilestone {
    fn from(m: Milestone) -> Self {
        types::HireMilestone::builder()
            .amount(m.amount)
            .name(m.name)
            .description(m.description)
            .due_date(m.due_date)
    }
}

/// A hire request, sent by [`Hire::send`]: `POST /proposals/{proposalId}/hire`. Made by
/// [`Client::hire_from_proposal`].
#[must_use = "a hire request does nothing until sent"]
#[derive(Debug)]
pub struct Hire<'a> {
    client: &'a Client,
    proposal_id: String,
    milestone: Milestone,
    confirm_not_fit_override: Option<bool>,
}

impl<'a> Hire<'a> {
    /// Sends `confirmNotFitOverride: true`: you confirm hiring a proposal you marked Not a fit
    /// (`NOT_A_FIT`), after the API refused the first attempt.
    pub fn confirm_not_fit_override(mut self) -> Self {
        self.confirm_not_fit_override = Some(true);
        self
    }

    /// The request body this hire sends.
    pub fn body(&self) -> Result<types::HireRequest, Error> {
        crate::build(
            "the hire request body",
            types::HireRequest::builder()
                .confirm_not_fit_override(self.confirm_not_fit_override)
                .milestone(types::builder::HireMilestone::from(self.milestone.clone())),
        )
    }

    /// Sends the request.
    pub async fn send(self) -> Result<PendingApproval, Error> {
        require_id("proposal id", &self.proposal_id)?;
        self.milestone.validate()?;
        let pending = self
            .client
            .raw()
            .hire_from_proposal()
            .proposal_id(&self.proposal_id)
            .body(self.body()?)
            .send()
            .await?;
        Ok(pending.into_inner().into())
    }
}

/// Which money request a [`MilestoneRequest`] sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MilestoneAction {
    Fund,
    Approve,
}

/// A funding or release request for one milestone, sent by [`MilestoneRequest::send`]. Made by
/// [`Client::fund_milestone`] and [`Client::approve_milestone`].
#[must_use = "a milestone request does nothing until sent"]
#[derive(Debug)]
pub struct MilestoneRequest<'a> {
    client: &'a Client,
    milestone_id: String,
    action: MilestoneAction,
}

impl MilestoneRequest<'_> {
    /// Sends the request; the answer is the approval a human must confirm.
    pub async fn send(self) -> Result<PendingApproval, Error> {
        require_id("milestone id", &self.milestone_id)?;
        let raw = self.client.raw();
        let pending = match self.action {
            MilestoneAction::Fund => {
                raw.fund_milestone()
                    .milestone_id(&self.milestone_id)
                    .send()
                    .await?
            }
            MilestoneAction::Approve => {
                raw.approve_milestone()
                    .milestone_id(&self.milestone_id)
                    .send()
                    .await?
            }
        };
        Ok(pending.into_inner().into())
    }
}

/// A contract end request, sent by [`EndContract::send`]. Made by [`Client::end_contract`].
#[must_use = "an end request does nothing until sent"]
#[derive(Debug)]
pub struct EndContract<'a> {
    client: &'a Client,
    contract_id: String,
}

impl EndContract<'_> {
    /// Sends the request.
    pub async fn send(self) -> Result<ContractEnd, Error> {
        require_id("contract id", &self.contract_id)?;
        let result = self
            .client
            .raw()
            .end_contract()
            .contract_id(&self.contract_id)
            .send()
            .await?;
        Ok(result.into_inner().into())
    }
}

/// What ending a contract did: [`Client::end_contract`].
// A one-off result that is matched at once, never stored in bulk: boxing the larger variant
// would only make every match clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ContractEnd {
    /// No funded milestones: the contract ended at once (HTTP 200, `status: "ended"`).
    Ended(types::ContractEnded),
    /// Funded milestones exist: a `contract_end` approval waits for a human (HTTP 202).
    Pending(PendingApproval),
}

impl ContractEnd {
    /// Whether the contract has already ended.
    pub fn is_ended(&self) -> bool {
        matches!(self, ContractEnd::Ended(_))
    }

    /// The approval to wait for, when a human must confirm first.
    pub fn pending(&self) -> Option<&PendingApproval> {
        match self {
            ContractEnd::Pending(p) => Some(p),
            ContractEnd::Ended(_) => None,
        }
    }
}

impl From<types::EndContractResult> for ContractEnd {
    fn from(result: types::EndContractResult) -> Self {
        match result {
            types::EndContractResult::ContractEnded(ended) => ContractEnd::Ended(ended),
            types::EndContractResult::ApprovalPending(p) => ContractEnd::Pending(p.into()),
        }
    }
}

impl Client {
    /// Requests a hire from a proposal: `POST /proposals/{proposalId}/hire`. Nobody is hired
    /// and no money moves until a human confirms the returned approval (type `proposal_hire`);
    /// on confirmation the contract and its first, funded milestone exist.
    ///
    /// Takes a [`Milestone`] or a generated [`types::HireMilestone`]. Re-sending the same terms
    /// while the approval is pending returns the same approval; different terms supersede it.
    /// A refused request (403 claim required, 409 `payment_method_required`, ...) is an
    /// [`Error::Api`]. A 5xx is not retried: the server may have recorded the request.
    ///
    /// ```no_run
    /// # use opentrain::approvals::Milestone;
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let pending = client
    ///     .hire_from_proposal("prop_123", Milestone::usd(250.0).name("Batch 1"))
    ///     .send()
    ///     .await?;
    /// println!("ask your human to confirm at {}", pending.approval_url());
    /// # Ok(()) }
    /// ```
    ///
    /// The generated builder of the operation stays reachable as
    /// `client.raw().hire_from_proposal()`.
    pub fn hire_from_proposal(
        &self,
        proposal_id: &str,
        milestone: impl Into<Milestone>,
    ) -> Hire<'_> {
        Hire {
            client: self,
            proposal_id: proposal_id.to_owned(),
            milestone: milestone.into(),
            confirm_not_fit_override: None,
        }
    }

    /// Requests escrow funding of a `NOT_FUNDED` milestone: `POST /milestones/{id}/fund`. The
    /// milestone is funded only once a human confirms the returned `milestone_fund` approval.
    /// Re-requesting while it is pending returns the same approval. Never retried once the
    /// server may have seen it.
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let pending = client.fund_milestone("ms_1").send().await?;
    /// let outcome = pending.wait(&client).await?;
    /// # let _ = outcome; Ok(()) }
    /// ```
    pub fn fund_milestone(&self, milestone_id: &str) -> MilestoneRequest<'_> {
        MilestoneRequest {
            client: self,
            milestone_id: milestone_id.to_owned(),
            action: MilestoneAction::Fund,
        }
    }

    /// Requests release (payout) of an `ACTIVE_FUNDED` milestone:
    /// `POST /milestones/{id}/approve`. Escrow pays out only once a human confirms the returned
    /// `milestone_approve` approval. Never retried once the server may have seen it.
    pub fn approve_milestone(&self, milestone_id: &str) -> MilestoneRequest<'_> {
        MilestoneRequest {
            client: self,
            milestone_id: milestone_id.to_owned(),
            action: MilestoneAction::Approve,
        }
    }

    /// Ends a contract: `POST /contracts/{id}/end`. Without funded milestones it ends at once
    /// ([`ContractEnd::Ended`]); with funded milestones a human must confirm a `contract_end`
    /// approval first ([`ContractEnd::Pending`]). Never retried once the server may have seen
    /// it.
    ///
    /// ```no_run
    /// # use opentrain::approvals::ContractEnd;
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// match client.end_contract("ctr_1").send().await? {
    ///     ContractEnd::Ended(ended) => println!("{} ended", ended.contract_id),
    ///     ContractEnd::Pending(pending) => {
    ///         let outcome = pending.wait(&client).await?;
    ///         println!("{}", outcome.status());
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn end_contract(&self, contract_id: &str) -> EndContract<'_> {
        EndContract {
            client: self,
            contract_id: contract_id.to_owned(),
        }
    }

    /// Reads one approval: `GET /approvals/{id}` (a read: retried by the policy). A pending
    /// approval past its `expiresAt` turns `expired` when read.
    pub fn approval(
        &self,
        approval_id: &str,
    ) -> impl Future<Output = Result<types::Approval, Error>> + Send {
        match require_id("approval id", approval_id) {
            Ok(()) => futures::future::Either::Left(crate::endpoints::named_read(
                self.get_approval().approval_id(approval_id).send(),
                |wrapper| wrapper.approval,
            )),
            Err(e) => futures::future::Either::Right(std::future::ready(Err(e))),
        }
    }
}

/// An empty id would address another path (`/proposals//hire`); refuse it before sending.
fn require_id(what: &str, id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::InvalidRequest(format!("the {what} is empty")));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Approvals and outcomes
// ---------------------------------------------------------------------------------------------

/// A co-sign approval as a money request returned it (or as read later), with what to show
/// the human.
///
/// ```no_run
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// // Resume waiting for an approval whose id you stored earlier:
/// let pending = opentrain::approvals::PendingApproval::from(client.approval("apr_1").await?);
/// let outcome = pending.wait(&client).await?;
/// # let _ = outcome; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PendingApproval {
    approval: types::Approval,
    message: Option<String>,
}

impl PendingApproval {
    /// The approval id (for `GET /approvals/{id}`).
    pub fn id(&self) -> &str {
        &self.approval.id
    }

    /// What the approval authorizes (`proposal_hire`, `milestone_fund`, ...; an open enum).
    pub fn approval_type(&self) -> &ApprovalType {
        &self.approval.type_
    }

    /// The status when this value was made (`pending` for a fresh request).
    pub fn status(&self) -> &ApprovalStatus {
        &self.approval.status
    }

    /// Where the human confirms: show this to them.
    pub fn approval_url(&self) -> &str {
        &self.approval.approval_url
    }

    /// When the approval expires if nobody acts (about 72 h after creation), if sent.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.approval.expires_at
    }

    /// The server's explanation for the human (display only; it differs per endpoint). `None`
    /// when this value was made from a read of the approval rather than a money request.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The approval as the server sent it.
    pub fn approval(&self) -> &types::Approval {
        &self.approval
    }

    /// The approval as the server sent it, by value.
    pub fn into_approval(self) -> types::Approval {
        self.approval
    }

    /// Waits for the human: polls `GET /approvals/{id}` until the approval is confirmed,
    /// declined or expired. Configure it, then `.await` it.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # async fn demo(client: opentrain::Client, pending: opentrain::approvals::PendingApproval) -> Result<(), opentrain::Error> {
    /// let outcome = pending.wait(&client).max_wait(Duration::from_secs(600)).await?;
    /// println!("{}", outcome.status());
    /// # Ok(()) }
    /// ```
    pub fn wait<'a>(&self, client: &'a Client) -> Wait<'a> {
        Wait {
            client,
            approval: self.approval.clone(),
            polling: Polling::default(),
            on_poll: OnPoll::none(),
        }
    }
}

impl From<types::ApprovalPending> for PendingApproval {
    fn from(p: types::ApprovalPending) -> Self {
        Self {
            approval: p.approval,
            message: Some(p.message),
        }
    }
}

impl From<types::Approval> for PendingApproval {
    fn from(approval: types::Approval) -> Self {
        Self {
            approval,
            message: None,
        }
    }
}

/// How an approval ended, with the approval as last read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The human confirmed and the action executed.
    Confirmed {
        /// What the action produced, typed by the approval's type.
        result: Confirmation,
        /// The approval as last read.
        approval: types::Approval,
    },
    /// The human declined; nothing ran.
    Declined {
        /// The approval as last read.
        approval: types::Approval,
    },
    /// Nobody acted in time (about 72 h); nothing ran.
    Expired {
        /// The approval as last read.
        approval: types::Approval,
    },
}

impl Outcome {
    /// The approval as last read.
    pub fn approval(&self) -> &types::Approval {
        match self {
            Outcome::Confirmed { approval, .. }
            | Outcome::Declined { approval }
            | Outcome::Expired { approval } => approval,
        }
    }

    /// The approval as last read, by value.
    pub fn into_approval(self) -> types::Approval {
        match self {
            Outcome::Confirmed { approval, .. }
            | Outcome::Declined { approval }
            | Outcome::Expired { approval } => approval,
        }
    }

    /// The terminal status: `confirmed`, `declined` or `expired`.
    pub fn status(&self) -> ApprovalStatus {
        match self {
            Outcome::Confirmed { .. } => ApprovalStatus::Confirmed,
            Outcome::Declined { .. } => ApprovalStatus::Declined,
            Outcome::Expired { .. } => ApprovalStatus::Expired,
        }
    }

    /// Whether the human confirmed.
    pub fn is_confirmed(&self) -> bool {
        matches!(self, Outcome::Confirmed { .. })
    }

    /// What the confirmed action produced, if it was confirmed.
    pub fn confirmation(&self) -> Option<&Confirmation> {
        match self {
            Outcome::Confirmed { result, .. } => Some(result),
            _ => None,
        }
    }
}

/// An approval that is not yet in a terminal state comes back as the error.
impl TryFrom<types::Approval> for Outcome {
    type Error = types::Approval;

    fn try_from(approval: types::Approval) -> Result<Self, types::Approval> {
        match approval.status {
            ApprovalStatus::Confirmed => Ok(Outcome::Confirmed {
                result: Confirmation::of(&approval),
                approval,
            }),
            ApprovalStatus::Declined => Ok(Outcome::Declined { approval }),
            ApprovalStatus::Expired => Ok(Outcome::Expired { approval }),
            // `pending`, and a status this client does not know: still waiting.
            _ => Err(approval),
        }
    }
}

/// What a confirmed approval produced, read from its `result` by its type.
///
/// The docs list the `result` keys per type but promise none of them (one official example
/// leaves one out), so every id is optional.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Confirmation {
    /// `proposal_hire`: the proposal was accepted and the contract created, with its first
    /// milestone funded.
    Hired {
        /// The new contract (`result.contractId`, else the approval's `contractId`).
        contract_id: Option<String>,
        /// The job (`result.jobId`, else the approval's `jobId`).
        job_id: Option<String>,
        /// The hired AI trainer's user id (`result.freelancerUserId`).
        freelancer_user_id: Option<String>,
    },
    /// `milestone_fund`: the milestone's escrow was funded.
    Funded {
        /// The funding invoice (`result.invoiceId`).
        invoice_id: Option<String>,
        /// The payment intent (`result.paymentIntentId`; absent from the docs' example).
        payment_intent_id: Option<String>,
    },
    /// `milestone_approve`: the milestone's escrow was released to the AI trainer.
    Released {
        /// The invoice (`result.invoiceId`).
        invoice_id: Option<String>,
        /// The payout transaction (`result.payoutTransactionId`).
        payout_transaction_id: Option<String>,
    },
    /// `contract_end`: the contract ended.
    ContractEnded {
        /// The contract (the approval's `contractId`).
        contract_id: Option<String>,
    },
    /// An approval type this client does not know: its raw `result`.
    Other {
        /// The type as sent.
        approval_type: ApprovalType,
        /// The `result` as sent.
        result: Option<types::ApprovalResult>,
    },
}

impl Confirmation {
    fn of(approval: &types::Approval) -> Self {
        let result = approval.result.clone().unwrap_or_default();
        match &approval.type_ {
            ApprovalType::ProposalHire => Confirmation::Hired {
                contract_id: result.contract_id.or_else(|| approval.contract_id.clone()),
                job_id: result.job_id.or_else(|| approval.job_id.clone()),
                freelancer_user_id: result.freelancer_user_id,
            },
            ApprovalType::MilestoneFund => Confirmation::Funded {
                invoice_id: result.invoice_id,
                payment_intent_id: result.payment_intent_id,
            },
            ApprovalType::MilestoneApprove => Confirmation::Released {
                invoice_id: result.invoice_id,
                payout_transaction_id: result.payout_transaction_id,
            },
            ApprovalType::ContractEnd => Confirmation::ContractEnded {
                contract_id: approval.contract_id.clone(),
            },
            // A type this client does not know, or one the spec adds later.
            other => Confirmation::Other {
                approval_type: other.clone(),
                result: approval.result.clone(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------------------------

/// The polling schedule shared by [`Wait`] and [`wait_many`]. The intervals come from the
/// crate's one [`Backoff`].
#[derive(Clone, Debug, PartialEq)]
struct Polling {
    max_wait: Duration,
    first: Duration,
    cap: Duration,
    jitter: bool,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            max_wait: DEFAULT_MAX_WAIT,
            first: FIRST_POLL_INTERVAL,
            cap: MAX_POLL_INTERVAL,
            jitter: true,
        }
    }
}

impl Polling {
    /// The wait before poll `n` (from 1).
    fn interval(&self, n: u32) -> Duration {
        Backoff::new(self.first, self.cap)
            .jitter(self.jitter)
            .delay(n.saturating_sub(1))
    }

    fn start(&self) -> Deadline {
        let started = Instant::now();
        Deadline {
            started,
            at: started.checked_add(self.max_wait),
        }
    }
}

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

/// When a wait started and when it must stop.
struct Deadline {
    started: Instant,
    /// `None` when `max_wait` is too large to represent (waits without a bound).
    at: Option<Instant>,
}

impl Deadline {
    fn remaining(&self) -> Duration {
        self.at.map_or(Duration::MAX, |at| {
            at.saturating_duration_since(Instant::now())
        })
    }

    fn waited(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Waits for one approval to leave `pending`; made by [`PendingApproval::wait`]. Awaiting it
/// polls `GET /approvals/{id}` after 2 s, 4 s, 8 s, ... up to 60 s between polls (each wait
/// randomised to between half and all of that), and ends with:
///
/// - `Ok(`[`Outcome`]`)` once the approval is confirmed, declined or expired;
/// - [`Error::ApprovalTimeout`] when `max_wait` (default [`DEFAULT_MAX_WAIT`]) ran out while
///   it was pending. The last poll happens at the deadline. A status this client does not
///   know counts as pending;
/// - the error of a poll that failed after the client's [`RetryPolicy`](crate::RetryPolicy) (polls are reads, so
///   transient failures are retried first).
///
/// Waiting only reads: no money request is ever sent again.
#[must_use = "a wait does nothing until awaited"]
#[derive(Debug)]
pub struct Wait<'a> {
    client: &'a Client,
    approval: types::Approval,
    polling: Polling,
    on_poll: OnPoll<'a>,
}

impl<'a> Wait<'a> {
    polling_setters!(
        "The longest time to wait (default one hour). At most this long after the wait started, \
         a still-pending approval ends the wait with [`Error::ApprovalTimeout`]."
    );

    /// Calls `progress` before each pause with the polls made, the time waited and the pause
    /// ahead (for a live status line; the wait itself is unchanged).
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client, pending: opentrain::approvals::PendingApproval) -> Result<(), opentrain::Error> {
    /// let outcome = pending
    ///     .wait(&client)
    ///     .on_poll(|p| eprintln!("waited {:?}, next poll in {:?}", p.waited, p.next_poll_in))
    ///     .await?;
    /// # let _ = outcome; Ok(()) }
    /// ```
    pub fn on_poll(mut self, progress: impl FnMut(PollProgress) + Send + 'a) -> Self {
        self.on_poll = OnPoll::new(progress);
        self
    }

    async fn run(self) -> Result<Outcome, Error> {
        let Wait {
            client,
            approval,
            polling,
            mut on_poll,
        } = self;
        let deadline = polling.start();
        let id = approval.id.clone();
        let mut current = approval;
        let mut poll = 1;
        loop {
            if let Ok(outcome) = Outcome::try_from(current) {
                return Ok(outcome);
            }
            let remaining = deadline.remaining();
            if remaining.is_zero() {
                return Err(Error::ApprovalTimeout {
                    approval_id: id,
                    waited: deadline.waited(),
                });
            }
            let next = polling.interval(poll).min(remaining);
            on_poll.report(PollProgress {
                polls: poll.saturating_sub(1),
                waited: deadline.waited(),
                next_poll_in: next,
            });
            pause(next).await;
            poll = poll.saturating_add(1);
            current = client.approval(&id).await?;
        }
    }
}

impl<'a> IntoFuture for Wait<'a> {
    type Output = Result<Outcome, Error>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// How [`wait_many`] waits.
///
/// ```
/// use std::time::Duration;
/// let options = opentrain::approvals::WaitManyOptions::default()
///     .start_at("1042")
///     .max_wait(Duration::from_secs(900));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct WaitManyOptions {
    polling: Polling,
    start_at: Option<String>,
}

impl WaitManyOptions {
    /// Reads the feed from this `/updates` cursor (the `nextCursor` you stored before making
    /// the money requests). Without one the feed is read from the start of the account's
    /// history.
    pub fn start_at(mut self, cursor: impl Into<String>) -> Self {
        self.start_at = Some(cursor.into());
        self
    }

    polling_setters!(
        "The longest time to wait (default one hour); approvals still pending then are \
         reported in [`ManyOutcomes::still_pending`]."
    );
}

/// What [`wait_many`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct ManyOutcomes {
    /// The outcome of every approval that left `pending`, by approval id.
    pub outcomes: BTreeMap<String, Outcome>,
    /// The ids still pending when `max_wait` ran out, in the order given.
    pub still_pending: Vec<String>,
    /// The `/updates` cursor after the last event read (the start cursor if none was read):
    /// store it to resume the feed from there.
    pub cursor: Option<String>,
    /// How long the wait lasted.
    pub waited: Duration,
}

impl ManyOutcomes {
    /// The outcome of one approval, if it resolved.
    pub fn get(&self, approval_id: &str) -> Option<&Outcome> {
        self.outcomes.get(approval_id)
    }

    /// Whether every approval resolved.
    pub fn is_complete(&self) -> bool {
        self.still_pending.is_empty()
    }

    /// Every outcome, or [`Error::ApprovalTimeout`] naming the first approval still pending.
    pub fn into_complete(self) -> Result<BTreeMap<String, Outcome>, Error> {
        match self.still_pending.into_iter().next() {
            None => Ok(self.outcomes),
            Some(approval_id) => Err(Error::ApprovalTimeout {
                approval_id,
                waited: self.waited,
            }),
        }
    }
}

/// Waits for many approvals with one feed: follows `GET /updates` (from
/// [`WaitManyOptions::start_at`]) for `approval.confirmed` events, which fire for every
/// terminal state, and re-reads each approval an event names (`GET /approvals/{id}`; event
/// payloads carry ids only) to report its [`Outcome`].
///
/// The feed is read at once, then again after 2 s, 4 s, ... up to 60 s. Approvals given
/// already resolved are reported without a request. When `max_wait` runs out, each approval
/// still pending is read once more (an unanswered approval past its `expiresAt` turns
/// `expired` only when read, so its event may never come otherwise); those still pending are
/// listed in [`ManyOutcomes::still_pending`]. A feed or read failure that outlasts the
/// client's retry policy ends the wait with that error. Only reads are sent.
///
/// ```no_run
/// # use std::time::Duration;
/// # use opentrain::approvals::{wait_many, WaitManyOptions};
/// # async fn demo(client: opentrain::Client, cursor: String) -> Result<(), opentrain::Error> {
/// let fund = client.fund_milestone("ms_1").send().await?;
/// let release = client.approve_milestone("ms_0").send().await?;
/// let done = wait_many(&client, [&fund, &release], WaitManyOptions::default().start_at(cursor)).await?;
/// for (id, outcome) in &done.outcomes {
///     println!("{id}: {}", outcome.status());
/// }
/// # Ok(()) }
/// ```
pub async fn wait_many<I>(
    client: &Client,
    approvals: I,
    options: WaitManyOptions,
) -> Result<ManyOutcomes, Error>
where
    I: IntoIterator,
    I::Item: Borrow<PendingApproval>,
{
    let WaitManyOptions { polling, start_at } = options;
    let deadline = polling.start();
    let mut outcomes = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    for approval in approvals {
        let approval = approval.borrow().approval();
        if outcomes.contains_key(&approval.id) || pending.contains(&approval.id) {
            continue;
        }
        match Outcome::try_from(approval.clone()) {
            Ok(outcome) => {
                outcomes.insert(approval.id.clone(), outcome);
            }
            Err(_) => pending.push(approval.id.clone()),
        }
    }

    let mut cursor = start_at;
    // Ids the feed says resolved; re-read until the read agrees (a lagging read stays here).
    let mut resolved_by_feed: Vec<String> = Vec::new();
    let mut poll = 1;
    while !pending.is_empty() {
        let mut feed = client.updates();
        if let Some(c) = &cursor {
            feed = feed.start_at(c.clone());
        }
        let mut pages = feed.pages();
        while let Some(page) = pages.try_next().await? {
            if page.next_cursor.is_some() {
                cursor = page.next_cursor.clone();
            }
            for id in page.items.iter().filter_map(resolved_approval_id) {
                if pending.iter().any(|p| p == id) && !resolved_by_feed.iter().any(|r| r == id) {
                    resolved_by_feed.push(id.to_owned());
                }
            }
        }
        for id in std::mem::take(&mut resolved_by_feed) {
            if !settle(client, &id, &mut pending, &mut outcomes).await? {
                resolved_by_feed.push(id);
            }
        }
        if pending.is_empty() {
            break;
        }
        let remaining = deadline.remaining();
        if remaining.is_zero() {
            for id in pending.clone() {
                settle(client, &id, &mut pending, &mut outcomes).await?;
            }
            break;
        }
        pause(polling.interval(poll).min(remaining)).await;
        poll = poll.saturating_add(1);
    }
    Ok(ManyOutcomes {
        outcomes,
        still_pending: pending,
        cursor,
        waited: deadline.waited(),
    })
}

/// The approval an `approval.confirmed` event reports resolved, unless its `data.status`
/// says it is still `pending`.
fn resolved_approval_id(event: &types::PlatformEvent) -> Option<&str> {
    if event.type_ != EventType::ApprovalConfirmed {
        return None;
    }
    let data = event.data.as_ref();
    if data
        .and_then(|d| d.status.as_deref())
        .is_some_and(|s| ApprovalStatus::from(s) == ApprovalStatus::Pending)
    {
        return None;
    }
    data.and_then(|d| d.approval_id.as_deref())
        .or(event.resource_id.as_deref())
}

/// Reads one approval; if it is terminal, moves it from `pending` to `outcomes`. Returns
/// whether it did.
async fn settle(
    client: &Client,
    id: &str,
    pending: &mut Vec<String>,
    outcomes: &mut BTreeMap<String, Outcome>,
) -> Result<bool, Error> {
    let approval = client.approval(id).await?;
    match Outcome::try_from(approval) {
        Ok(outcome) => {
            pending.retain(|p| p != id);
            outcomes.insert(id.to_owned(), outcome);
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert!(!crate::IDEMPOTENT_WRITES.contains(&op), "{op}");
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
    fn a_milestone_needs_a_name_or_description_and_a_sane_amount() {
        assert!(Milestone::usd(10.0).validate().is_err());
        assert!(Milestone::usd(10.0).name("  ").validate().is_err());
        assert!(Milestone::usd(10.0).description("d").validate().is_ok());
        assert!(Milestone::usd(f64::NAN).name("n").validate().is_err());
        assert!(Milestone::usd(-1.0).name("n").validate().is_err());
        let due = NaiveDate::from_ymd_opt(2026, 7, 1).expect("date");
        let m = types::HireMilestone::try_from(types::builder::HireMilestone::from(
            Milestone::usd(1.0).name("n").due_on(due),
        ))
        .expect("a complete HireMilestone");
        assert_eq!(m.due_date.as_deref(), Some("2026-07-01"));
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
        fn assert_send<T: Send>(_: &T) {}
        let client = Client::builder().build().expect("client");
        let pending = PendingApproval::from(approval(
            "proposal_hire",
            "pending",
            serde_json::Value::Null,
        ));
        assert_send(&pending.wait(&client).into_future());
        assert_send(&client.hire_from_proposal("p", Milestone::usd(1.0)).send());
        assert_send(&client.fund_milestone("m"));
        assert_send(&client.end_contract("c"));
        assert_send(&wait_many(&client, [&pending], WaitManyOptions::default()));
    }
}
