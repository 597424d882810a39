//! The families of the employer's way to a hire: `auth`, `jobs` (and `jobs draft`),
//! `proposals`, `freelancers` and `messages`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::set::Assignment;

/// `opentrain auth …`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Register a new anonymous agent account and save its tokens to the credentials file.
    Register {
        /// The agent's name, shown to the human on the claim page.
        #[arg(long, visible_alias = "name", value_name = "NAME")]
        agent_name: Option<String>,
        /// The organization of the new employer account.
        #[arg(long, visible_alias = "organization-name", value_name = "NAME")]
        org_name: Option<String>,
        /// Replace a login already saved in the credentials file.
        #[arg(long)]
        force: bool,
    },
    /// Start the claim: OpenTrain emails the owner a link; shows the link and code too.
    Claim {
        /// The owner's email address (must not already have an OpenTrain account).
        #[arg(long, value_name = "ADDRESS")]
        email: String,
        /// The claim token (default: the one saved by `auth register`).
        #[arg(long, value_name = "TOKEN")]
        claim_token: Option<String>,
    },
    /// Check (or with --wait, wait for) the owner's confirmation; the claimed token replaces
    /// the saved one.
    ClaimStatus {
        /// Poll until the owner confirms, respecting the server's interval and slow_down.
        #[arg(long)]
        wait: bool,
        /// With --wait: give up after this many seconds (exit 3).
        #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
        timeout: u64,
        /// The claim token (default: the saved one).
        #[arg(long, value_name = "TOKEN")]
        claim_token: Option<String>,
    },
    /// Save a personal API token after checking it with GET /auth/me.
    Login {
        /// The personal API token (ot_pat_…).
        #[arg(long, visible_alias = "token", value_name = "TOKEN")]
        api_key: String,
    },
    /// Delete the credentials file (revokes nothing: `opentrain tokens revoke` does).
    Logout,
}

/// Where a job description comes from.
#[derive(Debug, Args, Clone)]
#[group(required = true, multiple = false)]
pub struct DescriptionSource {
    /// The job in plain English.
    #[arg(long, visible_alias = "text", value_name = "TEXT")]
    pub description: Option<String>,
    /// Read the description from a file (`-` for stdin).
    #[arg(long, value_name = "PATH")]
    pub description_file: Option<PathBuf>,
}

/// `opentrain jobs …`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Job drafts: create from text, fill missing fields.
    #[command(subcommand)]
    Draft(DraftCommand),
    /// Draft a job, answer its missing fields at the terminal, and publish on confirmation.
    Post {
        /// The description.
        #[command(flatten)]
        source: DescriptionSource,
        /// Your own reference for the draft.
        #[arg(long, value_name = "ID")]
        external_id: Option<String>,
        /// Makes the create safe to repeat: the same key continues the same draft.
        #[arg(long, value_name = "KEY")]
        idempotency_key: Option<String>,
        /// Publish without asking once the draft is ready.
        #[arg(long)]
        yes: bool,
        /// At most this many rounds of answers.
        #[arg(long, value_name = "N", default_value_t = 5)]
        max_rounds: u32,
    },
    /// Change fields of a published job (PATCH /jobs/{id}).
    Update {
        /// The job id.
        #[arg(long, value_name = "JOB_ID")]
        job_id: String,
        /// A field to set, `key=value` (repeatable); typed by the field's own type.
        #[arg(long = "set", value_name = "KEY=VALUE", required = true, value_parser = crate::set::parse_assignment)]
        set: Vec<Assignment>,
    },
}

/// `opentrain jobs draft …`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Create a draft from a plain-English description (POST /job-drafts).
    Create {
        /// The description.
        #[command(flatten)]
        source: DescriptionSource,
        /// Your own reference for the draft.
        #[arg(long, value_name = "ID")]
        external_id: Option<String>,
        /// Makes the create safe to repeat: the same key returns the same draft.
        #[arg(long, value_name = "KEY")]
        idempotency_key: Option<String>,
    },
    /// Fill fields of a draft (PATCH /job-drafts/{jobId}).
    Update {
        /// The draft's job id.
        #[arg(long, value_name = "JOB_ID")]
        job_id: String,
        /// A field to set, `key=value` (repeatable), e.g. `--set pricePerHour=25`; numbers,
        /// enums and lists are typed from the draft's field types.
        #[arg(long = "set", value_name = "KEY=VALUE", required = true, value_parser = crate::set::parse_assignment)]
        set: Vec<Assignment>,
    },
}

/// `opentrain proposals …`
#[derive(Debug, Subcommand)]
pub enum ProposalsCommand {}

/// `opentrain freelancers …`
#[derive(Debug, Subcommand)]
pub enum FreelancersCommand {}

/// `opentrain messages …`
#[derive(Debug, Subcommand)]
pub enum MessagesCommand {}
