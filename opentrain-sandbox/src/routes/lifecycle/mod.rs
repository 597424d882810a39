//! The employer lifecycle: drafts, jobs, the public marketplace, freelancers, proposals,
//! conversations and messages, hires, co-sign approvals, contracts, milestones and pending
//! payments. [`Market`] holds every record of the family (inside the shared `State`), the
//! submodules hold the handlers of one resource each, and [`routes`] lists them for the router.
//! The test controls of the family (`block_words`, `add_proposal`, `confirm_approval`, ...)
//! live in `controls.rs` as methods of [`crate::Sandbox`].

use axum::routing::{get, patch, post};
use chrono::{DateTime, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    ApprovalResult, ApprovalStatus, ApprovalType, ContractPaymentType, ContractStatus,
    JobChangeEventType, JobStatus, MilestoneStatus, ProposalStatus, UnmappedField,
};

use super::Route;
use crate::app::State;
use crate::errors::ApiError;

mod controls;
mod drafts;
mod jobs;
mod messages;
mod money;
mod parse;
mod proposals;
mod seed;

pub(crate) use controls::settle;
pub(crate) use money::{Outcome, auto_confirm, settle_expiry};

/// A draft or a job (the API uses one id for both: a draft becomes the job when published).
#[derive(Clone, Debug)]
pub(crate) struct JobRec {
    /// The job id (also the draft id).
    pub(crate) id: String,
    /// The owning account.
    pub(crate) account_id: String,
    /// The company shown on the public listing when the owner is not a sandbox account.
    pub(crate) company: Option<String>,
    /// `DRAFT`, `OPEN` or `ARCHIVED`.
    pub(crate) status: JobStatus,
    /// The draft keys (`jobTitle`, `paymentType`, ...) with their JSON values.
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
    /// When the draft was created.
    pub(crate) created_at: DateTime<Utc>,
    /// When any field or the status last changed.
    pub(crate) updated_at: DateTime<Utc>,
    /// When it was last published (kept after closing: it tells a listed job from a never-listed draft).
    pub(crate) published_at: Option<DateTime<Utc>>,
    /// The create call's idempotency key, if it sent one.
    pub(crate) idempotency_key: Option<String>,
    /// Import input the parser could not place.
    pub(crate) unmapped: Vec<UnmappedField>,
}

impl JobRec {
    /// A string field, when set and non-empty.
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.fields
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }

    /// A numeric field, when set.
    pub(crate) fn number(&self, key: &str) -> Option<f64> {
        self.fields.get(key).and_then(serde_json::Value::as_f64)
    }

    /// A list-of-strings field (a single string counts as a one-item list).
    pub(crate) fn strings(&self, key: &str) -> Vec<String> {
        match self.fields.get(key) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// The title, or a placeholder for drafts that have none yet.
    pub(crate) fn title(&self) -> String {
        self.text("jobTitle").unwrap_or("Untitled job").to_owned()
    }
}

/// A marketplace AI trainer (seeded; the sandbox has no freelancer sign-up).
#[derive(Clone, Debug)]
pub(crate) struct Freelancer {
    /// The user id.
    pub(crate) id: &'static str,
    /// The profile slug.
    pub(crate) slug: &'static str,
    /// First name.
    pub(crate) first_name: &'static str,
    /// Last initial, without a period.
    pub(crate) last_initial: &'static str,
    /// Profile headline.
    pub(crate) title: &'static str,
    /// Short bio.
    pub(crate) bio: &'static str,
    /// City.
    pub(crate) city: &'static str,
    /// Country name.
    pub(crate) country: &'static str,
    /// ISO country code.
    pub(crate) country_code: &'static str,
    /// Hourly rate in USD.
    pub(crate) hourly_rate: f64,
    /// (language, proficiency) pairs.
    pub(crate) languages: &'static [(&'static str, &'static str)],
    /// Skill tags.
    pub(crate) tags: &'static [&'static str],
    /// Data types worked on.
    pub(crate) data_types: &'static [&'static str],
    /// Label types worked on.
    pub(crate) label_types: &'static [&'static str],
    /// Total earned on the platform, USD.
    pub(crate) earned_usd: f64,
    /// Number of reviews.
    pub(crate) review_count: i64,
    /// Average rating.
    pub(crate) rating: f64,
    /// AI screening-interview score of this trainer's proposals.
    pub(crate) interview_score: f64,
    /// Profile-to-job fit of this trainer's proposals.
    pub(crate) match_score: f64,
    /// Whether the trainer takes new work (an unavailable one cannot be invited).
    pub(crate) available: bool,
}

impl Freelancer {
    /// The masked display name, e.g. `Maria G.`.
    pub(crate) fn display_name(&self) -> String {
        format!("{} {}.", self.first_name, self.last_initial)
    }
}

/// A proposal on a job.
#[derive(Clone, Debug)]
pub(crate) struct ProposalRec {
    /// The proposal id.
    pub(crate) id: String,
    /// The job it is on.
    pub(crate) job_id: String,
    /// The account owning that job.
    pub(crate) account_id: String,
    /// The trainer behind it.
    pub(crate) freelancer_id: String,
    /// The review status.
    pub(crate) status: ProposalStatus,
    /// When it arrived.
    pub(crate) created_at: DateTime<Utc>,
    /// When it last changed.
    pub(crate) updated_at: DateTime<Utc>,
    /// The bid in USD per `bid_unit`.
    pub(crate) bid_amount: Option<f64>,
    /// `PER_LABEL`, `PER_HOUR` or `FIXED_PRICE`.
    pub(crate) bid_unit: Option<&'static str>,
    /// Whether the employer invited the trainer (invited proposals have no AI interview yet).
    pub(crate) invited: bool,
    /// The pre-hire thread, once opened.
    pub(crate) conversation_id: Option<String>,
    /// The contract, once hired.
    pub(crate) contract_id: Option<String>,
}

/// A conversation the employer takes part in.
#[derive(Clone, Debug)]
pub(crate) struct Conversation {
    /// The conversation id.
    pub(crate) id: String,
    /// The employer account taking part.
    pub(crate) account_id: String,
    /// `proposal` (pre-hire thread) or `job` (post-hire thread).
    pub(crate) bucket: &'static str,
    /// The job it is about.
    pub(crate) job_id: String,
    /// The proposal it came from.
    pub(crate) proposal_id: Option<String>,
    /// The trainer taking part.
    pub(crate) freelancer_id: String,
    /// Time of the latest activity.
    pub(crate) updated_at: DateTime<Utc>,
}

/// One message.
#[derive(Clone, Debug)]
pub(crate) struct Msg {
    /// The message id.
    pub(crate) id: String,
    /// Its conversation.
    pub(crate) conversation_id: String,
    /// Who sent it.
    pub(crate) sender_user_id: String,
    /// Whether the employer's side sent it.
    pub(crate) from_employer: bool,
    /// Plain text.
    pub(crate) content: String,
    /// When it was sent.
    pub(crate) created_at: DateTime<Utc>,
}

/// The milestone terms of a hire request.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HireTerms {
    /// Milestone name.
    pub(crate) name: Option<String>,
    /// Milestone description.
    pub(crate) description: Option<String>,
    /// Amount in USD.
    pub(crate) amount: f64,
    /// Due date.
    pub(crate) due_date: Option<DateTime<Utc>>,
}

/// A co-sign approval.
#[derive(Clone, Debug)]
pub(crate) struct ApprovalRec {
    /// The approval id.
    pub(crate) id: String,
    /// The account that requested it.
    pub(crate) account_id: String,
    /// What it co-signs.
    pub(crate) type_: ApprovalType,
    /// `pending` until resolved.
    pub(crate) status: ApprovalStatus,
    /// The contract concerned (set on a hire once confirmed).
    pub(crate) contract_id: Option<String>,
    /// The milestone concerned (set on a hire once confirmed).
    pub(crate) milestone_id: Option<String>,
    /// The job concerned.
    pub(crate) job_id: Option<String>,
    /// The proposal of a hire.
    pub(crate) proposal_id: Option<String>,
    /// When it was requested.
    pub(crate) created_at: DateTime<Utc>,
    /// When it lapses (lazily, on the next read).
    pub(crate) expires_at: DateTime<Utc>,
    /// When it left `pending`.
    pub(crate) resolved_at: Option<DateTime<Utc>>,
    /// What the confirmed action produced.
    pub(crate) result: Option<ApprovalResult>,
    /// The hire terms (`proposal_hire` only).
    pub(crate) hire: Option<HireTerms>,
    /// The funding invoice a `milestone_fund` approval settles.
    pub(crate) invoice_id: Option<String>,
}

/// A contract.
#[derive(Clone, Debug)]
pub(crate) struct ContractRec {
    /// The contract id.
    pub(crate) id: String,
    /// The employer account.
    pub(crate) account_id: String,
    /// The job hired for.
    pub(crate) job_id: String,
    /// The proposal hired from.
    pub(crate) proposal_id: String,
    /// The hired trainer.
    pub(crate) freelancer_id: String,
    /// Display title.
    pub(crate) title: String,
    /// `active` or `ended`.
    pub(crate) status: ContractStatus,
    /// Taken from the job.
    pub(crate) payment_type: ContractPaymentType,
    /// The fixed price, or the bid per hour/label.
    pub(crate) rate_usd: Option<f64>,
    /// When the hire completed.
    pub(crate) created_at: DateTime<Utc>,
    /// When it last changed.
    pub(crate) updated_at: DateTime<Utc>,
    /// When it ended.
    pub(crate) end_date: Option<DateTime<Utc>>,
    /// The post-hire job thread.
    pub(crate) conversation_id: String,
}

/// A milestone of a contract.
#[derive(Clone, Debug)]
pub(crate) struct MilestoneRec {
    /// The milestone id.
    pub(crate) id: String,
    /// Its contract.
    pub(crate) contract_id: String,
    /// 1-based position in the contract.
    pub(crate) number: i64,
    /// Short name.
    pub(crate) name: Option<String>,
    /// Deliverable.
    pub(crate) description: Option<String>,
    /// `NOT_FUNDED`, `ACTIVE_FUNDED` or `PAID`.
    pub(crate) status: MilestoneStatus,
    /// Amount in USD.
    pub(crate) amount_usd: f64,
    /// Hours or labels (hourly and per-label contracts).
    pub(crate) volume: Option<f64>,
    /// Due date.
    pub(crate) due_date: Option<DateTime<Utc>>,
    /// The funding invoice, once funded.
    pub(crate) invoice_id: Option<String>,
    /// When it was created.
    pub(crate) created_at: DateTime<Utc>,
}

/// An invoice (funding invoices are the only kind the sandbox makes).
#[derive(Clone, Debug)]
pub(crate) struct InvoiceRec {
    /// The invoice id.
    pub(crate) id: String,
    /// The human invoice number.
    pub(crate) number: i64,
    /// The paying account.
    pub(crate) account_id: String,
    /// Its contract.
    pub(crate) contract_id: String,
    /// The milestone it funds.
    pub(crate) milestone_id: String,
    /// Amount in USD.
    pub(crate) amount_usd: f64,
    /// When it was issued.
    pub(crate) created_at: DateTime<Utc>,
    /// Still waiting for the human's co-sign (listed by `GET /payments/pending`).
    pub(crate) pending: bool,
}

/// One entry of the public change feed (`GET /jobs/changes`).
#[derive(Clone, Debug)]
pub(crate) struct JobChangeRec {
    /// The job.
    pub(crate) job_id: String,
    /// Published, updated or closed.
    pub(crate) event: JobChangeEventType,
    /// When.
    pub(crate) at: DateTime<Utc>,
}

/// The lifecycle's records.
#[derive(Debug)]
pub(crate) struct Market {
    /// Drafts and jobs, oldest first (seeded marketplace jobs included).
    pub(crate) jobs: Vec<JobRec>,
    /// The seeded trainers.
    pub(crate) freelancers: Vec<Freelancer>,
    /// Proposals, oldest first.
    pub(crate) proposals: Vec<ProposalRec>,
    /// Conversations, oldest first.
    pub(crate) conversations: Vec<Conversation>,
    /// Messages, oldest first.
    pub(crate) messages: Vec<Msg>,
    /// Co-sign approvals, oldest first.
    pub(crate) approvals: Vec<ApprovalRec>,
    /// Contracts, oldest first.
    pub(crate) contracts: Vec<ContractRec>,
    /// Milestones, oldest first.
    pub(crate) milestones: Vec<MilestoneRec>,
    /// Funding invoices, oldest first.
    pub(crate) invoices: Vec<InvoiceRec>,
    /// The public change feed, oldest first.
    pub(crate) changes: Vec<JobChangeRec>,
    /// Words that make moderation block a publish or a live edit (see `Sandbox::block_words`).
    pub(crate) blocked_words: Vec<String>,
    /// Round-robin position over the freelancers for seeded proposals.
    pub(crate) next_applicant: usize,
    /// The last invoice number handed out.
    pub(crate) invoice_number: i64,
}

impl Default for Market {
    fn default() -> Self {
        let jobs = seed::marketplace_jobs();
        let changes = jobs
            .iter()
            .filter_map(|j| {
                j.published_at.map(|at| JobChangeRec {
                    job_id: j.id.clone(),
                    event: JobChangeEventType::Published,
                    at,
                })
            })
            .collect();
        Self {
            jobs,
            freelancers: seed::freelancers(),
            proposals: Vec::new(),
            conversations: Vec::new(),
            messages: Vec::new(),
            approvals: Vec::new(),
            contracts: Vec::new(),
            milestones: Vec::new(),
            invoices: Vec::new(),
            changes,
            blocked_words: Vec::new(),
            next_applicant: 0,
            invoice_number: 1041,
        }
    }
}

impl Market {
    /// The job with `id`.
    pub(crate) fn job(&self, id: &str) -> Option<&JobRec> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// The job with `id`, mutably.
    pub(crate) fn job_mut(&mut self, id: &str) -> Option<&mut JobRec> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    /// The freelancer with this id or profile slug.
    pub(crate) fn freelancer(&self, id_or_slug: &str) -> Option<&Freelancer> {
        self.freelancers
            .iter()
            .find(|f| f.id == id_or_slug || f.slug == id_or_slug)
    }

    /// The proposal with `id`.
    pub(crate) fn proposal(&self, id: &str) -> Option<&ProposalRec> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// The proposal with `id`, mutably.
    pub(crate) fn proposal_mut(&mut self, id: &str) -> Option<&mut ProposalRec> {
        self.proposals.iter_mut().find(|p| p.id == id)
    }

    /// The contract with `id`.
    pub(crate) fn contract(&self, id: &str) -> Option<&ContractRec> {
        self.contracts.iter().find(|c| c.id == id)
    }

    /// The milestone with `id`.
    pub(crate) fn milestone(&self, id: &str) -> Option<&MilestoneRec> {
        self.milestones.iter().find(|m| m.id == id)
    }

    /// The approval with `id`.
    pub(crate) fn approval(&self, id: &str) -> Option<&ApprovalRec> {
        self.approvals.iter().find(|a| a.id == id)
    }

    /// Whether moderation blocks `text`; returns the reasons (one per blocked word found).
    pub(crate) fn moderate(&self, job: &JobRec) -> Vec<serde_json::Value> {
        let haystack: String = job
            .fields
            .values()
            .map(|v| match v {
                serde_json::Value::String(s) => s.to_lowercase(),
                other => other.to_string().to_lowercase(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.blocked_words
            .iter()
            .filter(|w| haystack.contains(&w.to_lowercase()))
            .map(|w| serde_json::Value::String(format!("Blocked term: \"{w}\"")))
            .collect()
    }
}

/// The job `id` owned by `account_id` (404 otherwise, as the docs say: "no such job, or not
/// yours").
pub(crate) fn owned_job<'a>(
    market: &'a Market,
    id: &str,
    account_id: &str,
) -> Result<&'a JobRec, ApiError> {
    market
        .job(id)
        .filter(|j| j.account_id == account_id)
        .ok_or_else(|| job_not_found(id))
}

/// 404 for a job id.
pub(crate) fn job_not_found(id: &str) -> ApiError {
    ApiError::not_found("jobs", "No such job, or it is not yours.")
        .with(|d| d.job_id = Some(id.to_owned()))
}

/// Adds an applicant's proposal to `job_id` (the next seeded freelancer in turn) and records
/// `proposal.received`. Returns the proposal id, or `None` when the job does not exist or no
/// trainer is available; errors only if the event could not be built.
pub(crate) fn add_applicant(
    st: &mut State,
    job_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, ConversionError> {
    let Some(job) = st.market.job(job_id).cloned() else {
        return Ok(None);
    };
    let available: Vec<&Freelancer> = st
        .market
        .freelancers
        .iter()
        .filter(|f| f.available)
        .collect();
    let turn = st.market.next_applicant % available.len().max(1);
    let Some(freelancer) = available.get(turn).map(|f| (*f).clone()) else {
        return Ok(None);
    };
    st.market.next_applicant += 1;
    let id = st.next_id("prop");
    let (bid_amount, bid_unit) = parse::bid_for(&job, &freelancer);
    st.market.proposals.push(ProposalRec {
        id: id.clone(),
        job_id: job.id.clone(),
        account_id: job.account_id.clone(),
        freelancer_id: freelancer.id.to_owned(),
        status: ProposalStatus::Unreviewed,
        created_at: now,
        updated_at: now,
        bid_amount,
        bid_unit,
        invited: false,
        conversation_id: None,
        contract_id: None,
    });
    st.record_event(
        &job.account_id,
        opentrain_gen::types::EventType::ProposalReceived,
        &id,
        Some(&job.id),
        opentrain_gen::types::PlatformEventData::builder()
            .proposal_id(Some(id.clone()))
            .job_id(Some(job.id.clone())),
        now,
    )?;
    Ok(Some(id))
}

/// The lifecycle's routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        // Drafts.
        (
            "POST",
            "/api/public/v1/job-drafts",
            post(drafts::create_draft),
        ),
        (
            "GET",
            "/api/public/v1/job-drafts/capabilities",
            get(drafts::capabilities),
        ),
        (
            "PATCH",
            "/api/public/v1/job-drafts/{jobId}",
            patch(drafts::update_draft),
        ),
        // Jobs and the marketplace.
        ("GET", "/api/public/v1/jobs", get(jobs::search)),
        ("GET", "/api/public/v1/jobs/facets", get(jobs::facets)),
        ("GET", "/api/public/v1/jobs/changes", get(jobs::changes)),
        ("GET", "/api/public/v1/jobs/mine", get(jobs::mine)),
        ("GET", "/api/public/v1/jobs/{id}", get(jobs::get_job)),
        ("PATCH", "/api/public/v1/jobs/{id}", patch(jobs::update_job)),
        (
            "POST",
            "/api/public/v1/jobs/{id}/publish",
            post(jobs::publish),
        ),
        ("POST", "/api/public/v1/jobs/{id}/close", post(jobs::close)),
        (
            "POST",
            "/api/public/v1/jobs/{id}/invites",
            post(jobs::invite),
        ),
        (
            "GET",
            "/api/public/v1/freelancers/{idOrSlug}",
            get(jobs::freelancer),
        ),
        // Proposals.
        (
            "GET",
            "/api/public/v1/jobs/{id}/proposals",
            get(proposals::list),
        ),
        (
            "GET",
            "/api/public/v1/proposals/{proposalId}",
            get(proposals::get_proposal),
        ),
        (
            "GET",
            "/api/public/v1/proposals/{proposalId}/interview",
            get(proposals::interview),
        ),
        (
            "POST",
            "/api/public/v1/proposals/{proposalId}/conversation",
            post(proposals::conversation),
        ),
        (
            "POST",
            "/api/public/v1/proposals/{proposalId}/hire",
            post(money::hire),
        ),
        // Messages.
        ("GET", "/api/public/v1/messages", get(messages::list)),
        ("POST", "/api/public/v1/messages", post(messages::send)),
        // Money.
        (
            "POST",
            "/api/public/v1/milestones/{milestoneId}/fund",
            post(money::fund),
        ),
        (
            "POST",
            "/api/public/v1/milestones/{milestoneId}/approve",
            post(money::approve),
        ),
        (
            "GET",
            "/api/public/v1/approvals/{approvalId}",
            get(money::get_approval),
        ),
        (
            "GET",
            "/api/public/v1/contracts",
            get(money::list_contracts),
        ),
        (
            "GET",
            "/api/public/v1/contracts/{contractId}",
            get(money::get_contract),
        ),
        (
            "POST",
            "/api/public/v1/contracts/{contractId}/end",
            post(money::end_contract),
        ),
        (
            "POST",
            "/api/public/v1/contracts/{contractId}/milestones",
            post(money::create_milestone),
        ),
        (
            "GET",
            "/api/public/v1/payments/pending",
            get(money::pending_payments),
        ),
    ]
}
