//! The families where money is requested and a person confirms: `contracts`, `milestones`,
//! `approvals`, `credits` and `payments`.

use clap::Subcommand;

/// `opentrain contracts …`
#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// End a contract; with funded milestones a person must confirm the approval.
    End {
        /// The contract id.
        id: String,
    },
}

/// `opentrain milestones …`
#[derive(Debug, Subcommand)]
pub enum MilestonesCommand {
    /// Add a milestone to a contract.
    Create {
        /// The contract id.
        #[arg(long, value_name = "ID")]
        contract_id: String,
        /// What the milestone covers.
        #[arg(long)]
        description: String,
        /// Its name.
        #[arg(long)]
        name: Option<String>,
        /// Its amount in USD.
        #[arg(long, value_name = "USD")]
        amount_usd: Option<f64>,
        /// Its volume (labels, hours...).
        #[arg(long)]
        volume: Option<f64>,
        /// Its due date (ISO 8601).
        #[arg(long, value_name = "DATE")]
        due_date: Option<String>,
    },
    /// Request funding of a milestone; a person must confirm the approval.
    Fund {
        /// The milestone id.
        id: String,
    },
    /// Request release of a milestone's escrow; a person must confirm the approval.
    Approve {
        /// The milestone id.
        id: String,
    },
}

/// `opentrain approvals …`
#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// One approval.
    Get {
        /// The approval id.
        id: String,
    },
    /// Wait until a person confirms, declines or lets the approval expire.
    Wait {
        /// The approval id.
        id: String,
        /// Give up after this many seconds (exit 3).
        #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
        timeout: u64,
        /// Seconds before the first poll; doubles up to 60 s.
        #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
        poll_interval: f64,
    },
}

/// `opentrain credits …`
#[derive(Debug, Subcommand)]
pub enum CreditsCommand {}

/// `opentrain payments …`
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {}
