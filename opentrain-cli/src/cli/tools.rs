//! The commands beyond the official CLI's families: `opentrain api` (any operation of the
//! spec), `opentrain completions` and `opentrain man`, and `opentrain mcp`.

use clap::Args;

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
