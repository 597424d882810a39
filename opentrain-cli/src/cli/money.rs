//! The families where money is requested and a person confirms: `contracts`, `milestones`,
//! `approvals`, `credits` and `payments`.

use clap::Subcommand;

/// `opentrain contracts …`
#[derive(Debug, Subcommand)]
pub enum ContractsCommand {}

/// `opentrain milestones …`
#[derive(Debug, Subcommand)]
pub enum MilestonesCommand {}

/// `opentrain approvals …`
#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
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
