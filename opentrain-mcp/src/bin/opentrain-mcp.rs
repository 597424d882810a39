//! `opentrain-mcp`: the OpenTrain MCP server over stdio (what `opentrain mcp` runs).
//!
//! Flags: `--sandbox` serves against an embedded offline sandbox; `--help` prints usage.
//! Nothing but MCP messages goes to stdout, and no token or secret is ever printed.

use std::process::ExitCode;

const USAGE: &str = "\
opentrain-mcp: the OpenTrain MCP server (41 tools) over stdio

Usage: opentrain-mcp [--sandbox]

Options:
  --sandbox   Serve the same tools against an embedded offline sandbox with a scripted human
              and a private credentials file (no account, no network)
  -h, --help  Print this help

Credentials: OPENTRAIN_PERSONAL_API_TOKEN, else ${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json,
else only the onboarding tools work until opentrain_register_agent saves a login.
Base URL: OPENTRAIN_API_BASE_URL, then the file, then https://app.opentrain.ai.
";

#[tokio::main]
async fn main() -> ExitCode {
    let mut options = opentrain_mcp::ServeOptions::default();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--sandbox" => options.sandbox = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("opentrain-mcp: unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match opentrain_mcp::serve_stdio(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("opentrain-mcp: {error}");
            ExitCode::FAILURE
        }
    }
}
