//! The command's runs of the table's workflow entries ([`opentrain_tools::Workflow`]), after
//! the one check of their arguments: registration and the claim in `auth`, `jobs post` in
//! `jobs`.

use opentrain_tools::{Surface, Tool, Workflow};
use serde_json::{Map, Value};

use super::{auth, jobs};
use crate::context::Ctx;
use crate::error::CliError;

/// Runs `workflow` with the checked `arguments`.
pub async fn run(
    ctx: &Ctx,
    tool: &Tool,
    workflow: Workflow,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    match workflow {
        Workflow::Register => auth::register(ctx, tool, arguments).await,
        Workflow::Claim => auth::claim(ctx, tool, arguments).await,
        Workflow::ClaimStatus => auth::claim_status(ctx, tool, arguments).await,
        Workflow::PostJob => jobs::post(ctx, arguments).await,
    }
}

/// Whether the switch `name` was given.
pub fn switch(arguments: &Map<String, Value>, name: &str) -> bool {
    arguments.get(name) == Some(&Value::Bool(true))
}

/// The whole number `name`, if given (the check has made it one).
pub fn whole(arguments: &Map<String, Value>, name: &str) -> Option<u64> {
    arguments.get(name).and_then(Value::as_u64)
}

/// Prints the tool's summary of what the workflow did (`facts`, as its `--json` shows them).
pub fn print_summary(tool: &Tool, facts: &Value, arguments: &Map<String, Value>) {
    for line in tool.summary.lines(facts, arguments, Surface::Command) {
        crate::out!("{line}");
    }
}
