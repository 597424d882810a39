//! The lifecycle's records and their store: drafts and jobs, the seeded trainers, proposals,
//! conversations and messages, approvals with their hire terms, contracts, milestones,
//! invoices and the public change feed, all held by [`Market`] (inside the shared `State`),
//! with the lookups and the moderation check the handlers share.

use chrono::{DateTime, Utc};
use opentrain_gen::types::{
    ApprovalResult, ApprovalStatus, ApprovalType, ContractPaymentType, ContractStatus,
    JobChangeEventType, JobStatus, MilestoneStatus, ProposalStatus, UnmappedField,
};

use super::seed;

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

#[cfg(test)]
impl JobRec {
    /// A draft of `org_00001` with `fields` (a JSON object literal), for the unit tests.
    pub(crate) fn draft_for_tests(fields: serde_json::Value) -> JobRec {
        let serde_json::Value::Object(fields) = fields else {
            panic!("fields must be an object");
        };
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("a valid timestamp");
        JobRec {
            id: "job_00001".to_owned(),
            account_id: "org_00001".to_owned(),
            company: None,
            status: JobStatus::Draft,
            fields,
            created_at: at,
            updated_at: at,
            published_at: None,
            idempotency_key: None,
            unmapped: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{JobRec, Market};

    /// A draft with `fields` (a JSON object literal).
    fn draft(fields: Value) -> JobRec {
        JobRec::draft_for_tests(fields)
    }

    #[test]
    fn moderation_names_each_blocked_word_found_in_any_field_ignoring_case() {
        let market = Market {
            blocked_words: vec!["crypto".to_owned(), "casino".to_owned(), "spam".to_owned()],
            ..Market::default()
        };
        let job = draft(json!({
            "jobTitle": "Label CRYPTO posts",
            "labelTypes": ["Casino reviews"],
        }));
        assert_eq!(
            market.moderate(&job),
            [
                json!("Blocked term: \"crypto\""),
                json!("Blocked term: \"casino\"")
            ]
        );
        assert!(
            market
                .moderate(&draft(json!({"jobTitle": "Audio QA"})))
                .is_empty()
        );
    }

    #[test]
    fn strings_reads_a_list_or_a_single_string_and_skips_blanks() {
        let job = draft(
            json!({"languages": ["German", 3, "French"], "countries": "DE", "labelTypes": " "}),
        );
        assert_eq!(job.strings("languages"), ["German", "French"]);
        assert_eq!(job.strings("countries"), ["DE"]);
        assert!(job.strings("labelTypes").is_empty());
        assert_eq!(job.title(), "Untitled job");
    }

    #[test]
    fn a_new_market_lists_the_seeded_published_jobs_in_the_change_feed() {
        let market = Market::default();
        let published = market
            .jobs
            .iter()
            .filter(|j| j.published_at.is_some())
            .count();
        assert!(published > 0, "the seed has listed jobs");
        assert_eq!(market.changes.len(), published);
    }
}
