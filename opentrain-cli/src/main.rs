//! # opentrain
//!
//! The `opentrain` command-line tool for the OpenTrain Public API, built on the `opentrain`
//! facade crate (no HTTP of its own). It follows the official CLI's names and conventions:
//!
//! - every command takes `--json` (the API response, pretty-printed) and `--base-url`;
//! - the token and base URL resolve exactly as `opentrain::Client::from_env` resolves them:
//!   `--base-url` > `OT_API_BASE_URL` / `OPENTRAIN_API_BASE_URL` > the credentials file's
//!   `baseUrl` > `https://app.opentrain.ai`; `OT_API_TOKEN` / `OPENTRAIN_API_TOKEN` > the
//!   credentials file's `apiToken` (`${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`, shared
//!   with the official CLI and MCP server);
//! - an API error prints one line with status, code and message, then a `Details:` line with
//!   the envelope's `details`; a usage mistake prints `Usage error: …`;
//! - money requests (hire, fund, approve, end) print the approval URL: a person must confirm
//!   it in the app before anything happens.
//!
//! ## Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the API or the connection failed (the error line says which), or a check failed |
//! | 2 | usage error: unknown flag, missing or malformed value, unreadable input file, no token |
//! | 3 | a wait timed out (`auth claim-status --wait`, `approvals wait`) |
//! | 4 | an approval ended without confirmation (declined or expired) |
//!
//! Beyond the official CLI: `opentrain jobs post` runs the whole drafting loop at the
//! terminal, the waits show a live indicator when stdout is a terminal, and `opentrain api
//! <operationId>` calls any operation of the spec (one a regeneration just added included),
//! printing the response body exactly as the server sent it.

mod cli;
mod commands;
mod context;
mod error;
mod input;
mod output;
mod progress;
mod set;

use std::process::ExitCode;

use clap::FromArgMatches;

fn main() -> ExitCode {
    // `opentrain` alone asks for help, as with the official CLI: on stdout, exit 0. A family
    // without its command (`opentrain jobs`) is a usage mistake (help on stderr, exit 2).
    if std::env::args_os().len() <= 1 {
        let _ = cli::command().print_help();
        return ExitCode::SUCCESS;
    }
    let matches = match cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return output::clap_error(&e),
    };
    let invocation = match commands::table::find(&matches) {
        Some((tool, tool_matches)) => match cli::Global::from_arg_matches(&matches) {
            Ok(global) => commands::Invocation::Table(global, tool, tool_matches.clone()),
            Err(e) => return output::clap_error(&e),
        },
        None => match cli::Cli::from_arg_matches(&matches) {
            Ok(cli) => commands::Invocation::Written(cli),
            Err(e) => return output::clap_error(&e),
        },
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            output::print_error(&error::CliError::Io {
                what: "cannot start the async runtime".into(),
                source: e,
            });
            return ExitCode::from(error::EXIT_FAILURE);
        }
    };
    match runtime.block_on(commands::run(invocation)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
