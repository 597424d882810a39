//! The families of the employer's way to a hire: `auth`, `jobs` (and `jobs draft`),
//! `proposals`, `freelancers` and `messages`.

use clap::Subcommand;

/// `opentrain auth …` (`register`, `claim`, `claim-status` and `status` come from the shared
/// table of tools).
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Save a personal API token after checking it with GET /auth/me.
    // Listed after the table's registration and claim, in the order an agent goes.
    #[command(display_order = 100)]
    Login {
        /// The personal API token (ot_pat_…).
        #[arg(long, visible_alias = "token", value_name = "TOKEN")]
        api_key: String,
    },
    /// Delete the credentials file (revokes nothing: `opentrain tokens revoke` does).
    #[command(display_order = 101)]
    Logout,
}

/// `opentrain jobs …` (every command but the `draft` family comes from the shared table of
/// tools).
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Job drafts: create from text, fill missing fields.
    #[command(subcommand)]
    Draft(DraftCommand),
}

/// `opentrain jobs draft …` (its commands come from the shared table of tools).
#[derive(Debug, Subcommand)]
pub enum DraftCommand {}

/// `opentrain proposals …`
#[derive(Debug, Subcommand)]
pub enum ProposalsCommand {}

/// `opentrain freelancers …`
#[derive(Debug, Subcommand)]
pub enum FreelancersCommand {}

/// `opentrain messages …`
#[derive(Debug, Subcommand)]
pub enum MessagesCommand {}
