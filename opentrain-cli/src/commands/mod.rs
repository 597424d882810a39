//! Dispatch from the parsed command line to one module per command family, and the paged
//! list runner they share ([`list`]).

mod account;
mod api;
mod approvals;
mod auth;
mod controls;
mod jobs;
mod messages;
mod serve;
mod shell;
pub mod table;
mod updates;
mod webhooks;

use futures::{Future, TryStreamExt};
use serde::Serialize;

use opentrain::paging::Paginator;

use crate::cli::{Cli, Command, Paging};
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
        Command::Whoami => auth::whoami(&ctx).await,
        Command::Auth(command) => auth::run(&ctx, command).await,
        Command::Jobs(command) => jobs::run(&ctx, command).await,
        Command::Proposals(command) => match command {},
        Command::Freelancers(command) => match command {},
        Command::Messages(command) => messages::run(&ctx, command).await,
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

/// Runs a paged list.
///
/// Without `--all`: one page (`--limit`, `--cursor`), fetched by `one_page` as the raw API
/// response; `--json` prints that response, otherwise `items` of it are printed with `line`
/// and the next cursor is named. With `--all`: every page through `paginator` (the facade's
/// one cursor paginator, given the page size to set on the operation's builder), items printed
/// as they arrive; `--json` prints one JSON array.
pub async fn list<'a, P, T, Fut>(
    ctx: &Ctx,
    paging: &Paging,
    one_page: impl FnOnce(Option<u32>, Option<String>) -> Fut,
    items: impl FnOnce(&P) -> (Vec<&T>, Option<&str>),
    paginator: impl FnOnce(Option<u32>) -> Paginator<'a, T>,
    line: impl Fn(&T) -> String,
) -> Result<(), CliError>
where
    P: Serialize,
    T: Serialize + Send + 'a,
    Fut: Future<Output = Result<P, opentrain::Error>>,
{
    if !paging.all {
        let page = one_page(paging.limit, paging.cursor.clone()).await?;
        if ctx.json {
            return output::sent(ctx, &page);
        }
        let (entries, next) = items(&page);
        if entries.is_empty() {
            crate::out!("(none)");
        }
        for entry in entries {
            crate::out!("{}", line(entry));
        }
        if let Some(next) = next.filter(|c| !c.is_empty()) {
            crate::out!(
                "next cursor: {next}  (--cursor {next} for the next page, --all for every page)"
            );
        }
        return Ok(());
    }
    let mut pages = paginator(paging.limit);
    if let Some(cursor) = &paging.cursor {
        pages = pages.start_at(cursor.clone());
    }
    let mut stream = pages.items();
    if ctx.json {
        let mut all = Vec::new();
        while let Some(item) = stream.try_next().await? {
            all.push(item);
        }
        return output::json(&all);
    }
    let mut count = 0u64;
    while let Some(item) = stream.try_next().await? {
        crate::out!("{}", line(&item));
        count += 1;
    }
    if count == 0 {
        crate::out!("(none)");
    }
    Ok(())
}

/// `Some(limit)` as the generated builders' page size.
pub fn page_size(limit: u32) -> std::num::NonZeroU64 {
    std::num::NonZeroU64::new(u64::from(limit)).unwrap_or(std::num::NonZeroU64::MIN)
}

/// A request body from its documented JSON form; a value the spec's type refuses is a usage
/// error.
pub fn body<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, CliError> {
    serde_json::from_value(value)
        .map_err(|e| CliError::usage(format!("the request is not valid: {e}")))
}
