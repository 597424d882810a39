//! The two long-running servers of the command: `opentrain mcp` (the MCP server of the
//! `opentrain-mcp` crate over stdio) and `opentrain sandbox serve` (the embedded sandbox as a
//! server until Ctrl-C, its base URL on the first line of stdout); the other `sandbox`
//! subcommands drive a running one (`controls`).

use super::controls;
use crate::cli::{McpArgs, SandboxCommand};
use crate::context::Ctx;
use crate::error::CliError;

/// `opentrain mcp [--sandbox]`: serves the official MCP server's tools on stdin/stdout until
/// the client closes the stream.
pub async fn mcp(args: McpArgs) -> Result<(), CliError> {
    let options = opentrain_mcp::ServeOptions {
        sandbox: args.sandbox,
        ..Default::default()
    };
    opentrain_mcp::serve_stdio(options)
        .await
        .map_err(|e| CliError::Check(format!("the MCP server stopped: {e}")))
}

/// `opentrain sandbox serve [--port N] [--auto-confirm]`.
pub async fn sandbox(ctx: &Ctx, command: SandboxCommand) -> Result<(), CliError> {
    let (port, auto_confirm) = match command {
        SandboxCommand::Serve { port, auto_confirm } => (port, auto_confirm),
        SandboxCommand::Trainer(command) => return controls::trainer(ctx, command).await,
        SandboxCommand::Approvals(command) => return controls::approvals(ctx, command).await,
        SandboxCommand::Moderation(command) => return controls::moderation(ctx, command).await,
    };
    let sandbox = opentrain_sandbox::Sandbox::builder()
        .port(port.unwrap_or(0))
        .auto_confirm(auto_confirm)
        .start()
        .await
        .map_err(|e| CliError::Usage(format!("the sandbox cannot start: {e}")))?;
    // The first line of stdout is the base URL, for scripts; the rest goes to stderr.
    crate::out!("{}", sandbox.base_url());
    eprintln!(
        "OpenTrain sandbox at {} (seeded owner token: {}); {}. Ctrl-C stops it.",
        sandbox.base_url(),
        sandbox.token(),
        if auto_confirm {
            "a scripted human confirms claims and approvals"
        } else {
            "claim and approval links open pages where you confirm them"
        }
    );
    sandbox
        .serve_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| CliError::Check(format!("the sandbox stopped: {e}")))
}
