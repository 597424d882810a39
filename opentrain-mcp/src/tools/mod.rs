//! The 41 tools of the official server, in the order of its reference, all made from the
//! shared table (`opentrain-tools`): their definitions and run are in `table`, and the runs of
//! the six whose work is a workflow (registration and the claim, a draft and its patches, a
//! live job's patch) in `workflows`.

use opentrain_tools::Access;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};

use crate::credentials::Session;
use crate::rehearsal::Rehearsal;
use crate::results::Outcome;

mod table;
mod workflows;

/// How many tools the server serves (the official server's 41).
pub const TOOL_COUNT: usize = 41;

/// What every tool call can reach: the credentials session and, in `--sandbox` mode, the
/// embedded sandbox.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// Where tokens and the base URL come from.
    pub(crate) session: Session,
    /// The embedded sandbox of `--sandbox`.
    pub(crate) rehearsal: Option<Rehearsal>,
}

/// `tool` with the MCP annotations of what it does to the account.
pub(crate) fn annotated(tool: Tool, hint: Access) -> Tool {
    let annotations = match hint {
        Access::Read => ToolAnnotations::new().read_only(true),
        Access::Idempotent => ToolAnnotations::new()
            .read_only(false)
            .destructive(false)
            .idempotent(true),
        Access::Write => ToolAnnotations::new().read_only(false).destructive(false),
        Access::Destructive => ToolAnnotations::new().read_only(false).destructive(true),
    };
    tool.annotate(annotations.open_world(true))
}

/// Every tool definition, in the order of the official reference (the table's).
pub(crate) fn definitions() -> Vec<Tool> {
    tools()
        .map(|(name, tool)| table::definition(tool, name))
        .collect()
}

/// The names of the 41 tools, in the order of the official reference.
pub fn tool_names() -> Vec<&'static str> {
    tools().map(|(name, _)| name).collect()
}

/// The table's MCP tools with their names.
fn tools() -> impl Iterator<Item = (&'static str, &'static opentrain_tools::Tool)> {
    opentrain_tools::TOOLS
        .iter()
        .filter_map(|tool| tool.name.map(|name| (name, tool)))
}

/// Runs the tool `name`; `None` for a name that is not one of the 41.
pub(crate) async fn dispatch(ctx: &Ctx, name: &str, arguments: JsonObject) -> Option<Outcome> {
    let tool = opentrain_tools::by_name(name)?;
    Some(table::run(ctx, tool, arguments).await)
}
