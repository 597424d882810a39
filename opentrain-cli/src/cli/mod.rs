//! The command line as clap derive types: the global flags and the command families here, one
//! enum per family (named after the official CLI and the MCP server's tool groups) in the
//! submodules: `hiring` (auth, jobs, proposals, freelancers, messages), `money` (contracts,
//! milestones, approvals, credits, payments), `account` (updates, webhooks, team, tokens),
//! `sandbox`, and `tools` (api, completions, man, mcp). The commands that run one operation
//! come from the shared table of tools, added to their families by `table`.

use clap::{Args, Parser, Subcommand};

mod account;
mod hiring;
mod money;
mod sandbox;
mod table;
mod tools;

pub use account::{TeamCommand, TokensCommand, UpdatesCommand, WebhooksCommand};
pub use hiring::{AuthCommand, FreelancersCommand, JobsCommand, MessagesCommand, ProposalsCommand};
pub use money::{
    ApprovalsCommand, ContractsCommand, CreditsCommand, MilestonesCommand, PaymentsCommand,
};
pub use sandbox::{ModerationCommand, SandboxApprovalsCommand, SandboxCommand, TrainerCommand};
pub use table::{file_flag, or_flag};
pub use tools::{ApiArgs, CompletionShell, McpArgs};

/// The whole command line: the derive types here, plus the commands of the shared table
/// (`opentrain-tools`) in their families.
pub fn command() -> clap::Command {
    table::add_to(<Cli as clap::CommandFactory>::command())
}

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the API or the connection failed, or a check failed
  2  usage error (unknown flag, missing or malformed value, unreadable input file, no token)
  3  a wait timed out (auth claim-status --wait, approvals wait)
  4  an approval ended without confirmation (declined or expired)

Token: OT_API_TOKEN / OPENTRAIN_API_TOKEN, else the credentials file
${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json (shared with the official CLI and MCP server).
Base URL: --base-url, else OT_API_BASE_URL / OPENTRAIN_API_BASE_URL, else the file, else
https://app.opentrain.ai.";

/// The OpenTrain Public API from the command line: post data-labeling jobs, review proposals,
/// hire, fund milestones and follow updates. Money never moves without a person confirming
/// the approval in the app.
#[derive(Debug, Parser)]
#[command(name = "opentrain", version, propagate_version = true, after_help = EXIT_CODES)]
pub struct Cli {
    /// The global flags every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Print the API response as pretty JSON instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,
    /// The server root, e.g. `https://app.opentrain.ai` (wins over OT_API_BASE_URL and the file).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
}

/// The command families.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version.
    Version,
    /// Who the token belongs to (GET /auth/me); same as `auth status`.
    Whoami,
    /// Register, claim, log in and out.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Draft, publish, list, search, update, close jobs and invite AI trainers.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Proposals on your jobs, and hiring.
    #[command(subcommand)]
    Proposals(ProposalsCommand),
    /// AI trainer profiles.
    #[command(subcommand)]
    Freelancers(FreelancersCommand),
    /// Conversations and messages.
    #[command(subcommand)]
    Messages(MessagesCommand),
    /// Contracts.
    #[command(subcommand)]
    Contracts(ContractsCommand),
    /// Milestones: create, request funding, request approval (release).
    #[command(subcommand)]
    Milestones(MilestonesCommand),
    /// Co-sign approvals of money requests.
    #[command(subcommand)]
    Approvals(ApprovalsCommand),
    /// Prepaid credits.
    #[command(subcommand)]
    Credits(CreditsCommand),
    /// Payments waiting on you.
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// The event feed (GET /updates).
    #[command(subcommand)]
    Updates(UpdatesCommand),
    /// Webhook subscriptions, and checking a saved delivery's signature.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Your team.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Personal API tokens.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Call any operation of the API by its operationId (`--list` lists them).
    ///
    /// `opentrain api getJob -f id=job_1`: path, query and body fields are checked against the
    /// spec's operation, and the response body is printed exactly as the server sent it.
    Api(ApiArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    ///
    /// E.g. `opentrain completions bash > ~/.local/share/bash-completion/completions/opentrain`,
    /// `opentrain completions zsh > "${fpath[1]}/_opentrain"`,
    /// `opentrain completions fish > ~/.config/fish/completions/opentrain.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff).
    ///
    /// E.g. `opentrain man > ~/.local/share/man/man1/opentrain.1`, then `man opentrain`.
    Man,
    /// Serve the official MCP server's 41 tools over stdio (add it to an MCP client as
    /// `opentrain mcp`).
    Mcp(McpArgs),
    /// The embedded sandbox: a stand-in for the API on 127.0.0.1 to rehearse against.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
}

/// `--limit`, `--cursor`, `--all` of every paged list.
#[derive(Debug, Args, Clone, Default)]
pub struct Paging {
    /// Page size to ask for (the server's documented range applies).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Start at this cursor (the `next cursor` a previous page printed).
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    /// Fetch every page (with --json: one JSON array of all items).
    #[arg(long)]
    pub all: bool,
}
