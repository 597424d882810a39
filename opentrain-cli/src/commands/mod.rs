//! Dispatch from the parsed command line: a command of the shared table of tools to `table`
//! (a workflow's on to `workflows`), every other to the module of its family.

mod account;
mod api;
mod approvals;
mod auth;
mod controls;
mod jobs;
mod serve;
mod shell;
pub mod table;
mod updates;
mod webhooks;
mod workflows;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

/// What the command line asked for: a command of the shared table of tools, or one written
/// here.
pub enum Invocation {
    /// A table command: the global flags, the tool and its own matches.
    Table(
        crate::cli::Global,
        &'static opentrain_tools::Tool,
        clap::ArgMatches,
    ),
    /// A command written here.
    Written(Cli),
}

/// Runs the parsed command.
pub async fn run(invocation: Invocation) -> Result<(), CliError> {
    let cli = match invocation {
        Invocation::Table(global, tool, matches) => {
            let ctx = Ctx::new(global.json, global.base_url);
            return table::run(&ctx, tool, &matches).await;
        }
        Invocation::Written(cli) => cli,
    };
    let ctx = Ctx::new(cli.global.json, cli.global.base_url);
    match cli.command {
        Command::Version => {
            if ctx.json {
                output::json(&serde_json::json!({ "version": env!("CARGO_PKG_VERSION") }))
            } else {
                crate::out!("opentrain {}", env!("CARGO_PKG_VERSION"));
                Ok(())
            }
        }
        Command::Whoami => match opentrain_tools::by_command("auth", "status") {
            // `whoami` is `auth status` under the official CLI's other name.
            Some(tool) => table::run(&ctx, tool, &clap::ArgMatches::default()).await,
            None => Err(CliError::usage("`auth status` is not in this build")),
        },
        Command::Auth(command) => auth::run(&ctx, command).await,
        Command::Jobs(crate::cli::JobsCommand::Draft(command)) => match command {},
        Command::Proposals(command) => match command {},
        Command::Freelancers(command) => match command {},
        Command::Messages(command) => match command {},
        Command::Contracts(command) => match command {},
        Command::Milestones(command) => match command {},
        Command::Approvals(command) => approvals::approvals(&ctx, command).await,
        Command::Credits(command) => match command {},
        Command::Payments(command) => match command {},
        Command::Updates(command) => updates::run(&ctx, command).await,
        Command::Webhooks(command) => webhooks::run(&ctx, command),
        Command::Team(command) => match command {},
        Command::Tokens(command) => account::tokens(&ctx, command).await,
        Command::Api(args) => api::run(&ctx, args).await,
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
        Command::Mcp(args) => serve::mcp(args).await,
        Command::Sandbox(command) => serve::sandbox(&ctx, command).await,
    }
}

/// A request body from its documented JSON form; a value the spec's type refuses is a usage
/// error.
pub fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, CliError> {
    serde_json::from_value(value)
        .map_err(|e| CliError::usage(format!("the request is not valid: {e}")))
}
