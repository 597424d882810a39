//! The command line as clap derive types: the global flags, one enum per command family
//! (named after the official CLI and the MCP server's tool groups), and their flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::set::Assignment;

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

/// The shells `opentrain completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// `opentrain api`.
#[derive(Debug, Args, Clone, Default)]
pub struct ApiArgs {
    /// The operation's operationId, e.g. `getJob` (see `--list`).
    #[arg(required_unless_present = "list", value_name = "OPERATION_ID")]
    pub operation: Option<String>,
    /// A path parameter, query parameter or body member, as `key=value` (repeatable). The value
    /// is read as the type the spec declares: `limit=5` is a number, an array member takes
    /// JSON text.
    #[arg(short = 'f', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// The request body from a file, or `-` for stdin: JSON, with `-f` body members merged
    /// in, or sent as it is where the spec declares a text or binary body.
    #[arg(long, value_name = "FILE|-")]
    pub input: Option<String>,
    /// Follow `nextCursor` and print every page's body, one after the other.
    #[arg(long)]
    pub paginate: bool,
    /// List the operations with their method, path and summary.
    #[arg(long, conflicts_with_all = ["operation", "fields", "input", "paginate"])]
    pub list: bool,
}

/// `opentrain mcp`.
#[derive(Debug, Args, Clone, Default)]
pub struct McpArgs {
    /// Serve the tools against an embedded sandbox (a scripted human confirms claims and
    /// approvals): rehearse with no account and no network.
    #[arg(long)]
    pub sandbox: bool,
}

/// `opentrain sandbox …`.
#[derive(Debug, Subcommand, Clone)]
pub enum SandboxCommand {
    /// Run the sandbox until Ctrl-C; its base URL is the first line of stdout. Point any
    /// client at it (`--base-url`, `OT_API_BASE_URL`, `OPENTRAIN_API_BASE_URL`).
    Serve {
        /// The port on 127.0.0.1 (default: a free one).
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// A scripted human confirms claims and approvals; without it, claim and approval
        /// links open HTML pages where you do.
        #[arg(long)]
        auto_confirm: bool,
    },
    /// Play a trainer against a running sandbox (`--base-url` is the URL `serve` printed).
    #[command(subcommand)]
    Trainer(TrainerCommand),
    /// Play the human who co-signs approvals in a running sandbox.
    #[command(subcommand)]
    Approvals(SandboxApprovalsCommand),
    /// Play the moderation service of a running sandbox.
    #[command(subcommand)]
    Moderation(ModerationCommand),
}

/// `opentrain sandbox trainer …`.
#[derive(Debug, Subcommand, Clone)]
pub enum TrainerCommand {
    /// A seeded trainer applies to an open job (`proposal.received` fires).
    Propose {
        /// The open job to apply to.
        #[arg(long, value_name = "ID")]
        job_id: String,
    },
    /// The trainer of a conversation replies (`message.received` fires).
    Reply {
        /// The conversation to reply in.
        #[arg(long, value_name = "ID")]
        conversation_id: String,
        /// What the trainer writes.
        #[arg(long)]
        text: String,
    },
}

/// `opentrain sandbox approvals …`.
#[derive(Debug, Subcommand, Clone)]
pub enum SandboxApprovalsCommand {
    /// Confirm a pending approval: the hire, funding, release or end runs.
    Confirm {
        /// The approval id.
        id: String,
    },
    /// Decline a pending approval: nothing runs.
    Decline {
        /// The approval id.
        id: String,
    },
    /// Let a pending approval run out now: nothing runs.
    Expire {
        /// The approval id.
        id: String,
    },
}

/// `opentrain sandbox moderation …`.
#[derive(Debug, Subcommand, Clone)]
pub enum ModerationCommand {
    /// Block jobs containing WORD (case-insensitive): publishing one is refused.
    Block {
        /// The word to block.
        word: String,
    },
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
    /// Who the token belongs to (GET /auth/me).
    Status,
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
    /// Publish a publish-ready draft.
    Publish {
        /// The draft's job id.
        #[arg(value_name = "JOB_ID", required_unless_present = "job_id")]
        id: Option<String>,
        /// The draft's job id (same as the positional argument).
        #[arg(long = "job-id", value_name = "JOB_ID", conflicts_with = "id")]
        job_id: Option<String>,
    },
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
    /// Your jobs (GET /jobs/mine).
    List {
        /// Only jobs in this status (DRAFT, OPEN, ONGOING, COMPLETED, ARCHIVED, PENDING_APPROVAL).
        #[arg(long)]
        status: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Search the public marketplace (GET /jobs; no token needed).
    Search {
        /// Free-text query.
        #[arg(long, short)]
        q: Option<String>,
        /// Category.
        #[arg(long)]
        category: Option<String>,
        /// Language.
        #[arg(long)]
        language: Option<String>,
        /// Country.
        #[arg(long)]
        country: Option<String>,
        /// Pay type.
        #[arg(long)]
        pay_type: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// One job (GET /jobs/{id}).
    Get {
        /// The job id or slug.
        id: String,
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
    /// Close a job.
    Close {
        /// The job id.
        id: String,
    },
    /// Invite an AI trainer to a job.
    Invite {
        /// The job id.
        #[arg(long, value_name = "JOB_ID")]
        job_id: String,
        /// The AI trainer's id.
        #[arg(long, value_name = "ID")]
        freelancer_id: String,
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
pub enum ProposalsCommand {
    /// Proposals on a job.
    List {
        /// The job id.
        #[arg(long, value_name = "JOB_ID")]
        job_id: String,
        /// Only proposals in this status.
        #[arg(long)]
        status: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// One proposal.
    Get {
        /// The proposal id.
        id: String,
        /// Also fetch the AI interview (GET /proposals/{id}/interview).
        #[arg(long)]
        include_interview: bool,
    },
    /// Hire from a proposal with a first milestone; a person must confirm the approval.
    Hire {
        /// The proposal id.
        id: String,
        /// The first milestone's amount in USD.
        #[arg(long, value_name = "USD")]
        amount: f64,
        /// The milestone's name.
        #[arg(long)]
        name: Option<String>,
        /// The milestone's description.
        #[arg(long)]
        description: Option<String>,
        /// The milestone's due date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        due_date: Option<String>,
        /// Hire even though the proposal was marked not a fit.
        #[arg(long)]
        confirm_not_fit_override: bool,
    },
}

/// `opentrain freelancers …`
#[derive(Debug, Subcommand)]
pub enum FreelancersCommand {
    /// An AI trainer's profile.
    Get {
        /// The id or profile slug.
        id_or_slug: String,
    },
}

/// `opentrain messages …`
#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// Your conversations, or with --conversation-id one conversation's messages.
    Read {
        /// Read this conversation's messages.
        #[arg(long, value_name = "ID")]
        conversation_id: Option<String>,
        /// Conversations: all, job or proposal.
        #[arg(long)]
        filter: Option<String>,
        /// Conversations: only unread ones.
        #[arg(long)]
        unread_only: bool,
        /// Messages: older or newer.
        #[arg(long)]
        direction: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Send a message.
    Send {
        /// The conversation id.
        #[arg(long, value_name = "ID")]
        conversation_id: String,
        /// The message (max 10,000 characters).
        #[arg(long)]
        content: String,
    },
    /// Open the conversation of a proposal.
    StartConversation {
        /// The proposal id.
        proposal_id: String,
    },
}

/// `opentrain contracts …`
#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// Your contracts.
    List {
        /// Only this job's contracts.
        #[arg(long, value_name = "JOB_ID")]
        job_id: Option<String>,
        /// active or ended.
        #[arg(long)]
        status: Option<String>,
    },
    /// One contract.
    Get {
        /// The contract id.
        id: String,
    },
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
pub enum CreditsCommand {
    /// The balance.
    Balance,
    /// The ledger.
    Ledger {
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Start a top-up ($10–$10,000); a person pays at the checkout URL.
    TopUp {
        /// The amount in USD.
        #[arg(long, value_name = "USD")]
        amount_usd: f64,
    },
    /// A top-up's status.
    TopUpStatus {
        /// The top-up id.
        id: String,
    },
}

/// `opentrain payments …`
#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Payments waiting on you.
    Pending,
}

/// `opentrain updates …`
#[derive(Debug, Subcommand)]
pub enum UpdatesCommand {
    /// One page of events (or --all up to now).
    Poll {
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Follow the feed, one line per event, until interrupted.
    Follow {
        /// Start after this cursor (an event id).
        #[arg(long, value_name = "CURSOR", conflicts_with = "cursor_file")]
        cursor: Option<String>,
        /// Keep the position in this file and resume from it.
        #[arg(long, value_name = "PATH")]
        cursor_file: Option<PathBuf>,
        /// Stop after this many events.
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
    },
}

/// `opentrain webhooks …`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe a URL; prints the signing secret once.
    Create {
        /// The `https` URL to deliver to.
        #[arg(long)]
        url: String,
        /// An event type to deliver (repeatable or comma-separated).
        #[arg(
            long = "event",
            value_name = "TYPE",
            required = true,
            value_delimiter = ','
        )]
        events: Vec<String>,
    },
    /// Your subscriptions.
    List,
    /// One subscription.
    Get {
        /// The webhook id.
        id: String,
    },
    /// Delete a subscription.
    Delete {
        /// The webhook id.
        id: String,
    },
    /// Check a saved delivery's X-OpenTrain-Signature against its raw body.
    Verify {
        /// The file holding the raw request body exactly as received (`-` for stdin).
        #[arg(long, value_name = "PATH")]
        body_file: PathBuf,
        /// The X-OpenTrain-Signature header value (`t=…,v1=…`).
        #[arg(long, value_name = "HEADER")]
        signature: String,
        /// The signing secret (whsec_…); prefer the environment variable.
        #[arg(
            long,
            env = "OPENTRAIN_WEBHOOK_SECRET",
            hide_env_values = true,
            value_name = "SECRET"
        )]
        secret: String,
        /// Largest accepted age of the signature in seconds (0: any age, for old saved
        /// deliveries).
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        tolerance: u64,
    },
}

/// `opentrain team …`
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Members and pending invites.
    Get,
    /// Invite someone by email.
    Invite {
        /// Their email address.
        #[arg(long)]
        email: String,
    },
}

/// `opentrain tokens …`
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Your personal API tokens (previews only).
    List,
    /// Create a token; prints it once.
    Create {
        /// A name for the token.
        #[arg(long)]
        name: String,
        /// A scope (repeatable or comma-separated), e.g. jobs:read.
        #[arg(long = "scope", value_name = "SCOPE", value_delimiter = ',')]
        scopes: Vec<String>,
        /// When it expires (RFC 3339).
        #[arg(long, value_name = "TIME")]
        expires_at: Option<String>,
    },
    /// Revoke a token by id.
    Revoke {
        /// The token id.
        id: String,
    },
}
