//! The 41 tools of the official server, in the order of its reference. The 35 that run one
//! operation (or join a second, a proposal's interview) come from the shared table
//! (`opentrain-tools`; their definitions and run are in `table`); the six workflows
//! (registration and the claim, the drafting loop, a live job's patch) are
//! declared here, one module per group, next to their handlers with [`catalog!`], with the
//! helpers they share (argument parsing, ids, summaries).

use opentrain_tools::Access;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use rmcp::schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::credentials::Session;
use crate::rehearsal::Rehearsal;
use crate::results::{Outcome, ToolFailure};

/// Declares a group's tools: `"name" => handler(Params), Hint, DESCRIPTION;` generates the
/// group's `NAMES`, `definitions()` and `dispatch()`. A tool is thus named, described and
/// routed in one place.
macro_rules! catalog {
    ($( $name:literal => $handler:ident($params:ty), $hint:ident, $description:expr; )*) => {
        /// The names of this group's tools.
        pub(crate) const NAMES: &[&str] = &[$($name),*];

        /// This group's tool definitions.
        pub(crate) fn definitions() -> Vec<rmcp::model::Tool> {
            vec![$(
                crate::tools::definition::<$params>($name, $description, opentrain_tools::Access::$hint)
            ),*]
        }

        /// Runs the tool `name` of this group; `None` if it is not one of them.
        pub(crate) async fn dispatch(
            ctx: &crate::tools::Ctx,
            name: &str,
            arguments: rmcp::model::JsonObject,
        ) -> Option<crate::results::Outcome> {
            match name {
                $( $name => Some(match crate::tools::parse::<$params>(arguments) {
                    Ok(params) => $handler(ctx, params).await,
                    Err(failure) => Err(failure),
                }), )*
                _ => None,
            }
        }
    };
}

mod auth;
mod jobs;
mod table;

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

/// The definition of one tool: its input schema comes from the parameters' type.
pub(crate) fn definition<P: JsonSchema + 'static>(
    name: &'static str,
    description: &'static str,
    hint: Access,
) -> Tool {
    let mut schema = (*rmcp::handler::server::common::schema_for_type::<P>()).clone();
    tidy(&mut schema);
    annotated(Tool::new(name, description, schema), hint)
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

/// Makes a derived schema read like the documented parameters: an optional parameter is its
/// type (not "type or null": it is simply left out of `required`), integers carry no Rust
/// width `format`, and the Rust type's title and doc line are dropped.
fn tidy(schema: &mut JsonObject) {
    schema.remove("title");
    schema.remove("description");
    schema.remove("$schema");
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(types)) = map.get("type") {
                    let kinds: Vec<Value> = types
                        .iter()
                        .filter(|t| t.as_str() != Some("null"))
                        .cloned()
                        .collect();
                    if kinds.len() == 1 {
                        map.insert("type".into(), kinds[0].clone());
                    }
                }
                if let Some(Value::Array(options)) = map.get("anyOf") {
                    let kept: Vec<Value> = options
                        .iter()
                        .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                        .cloned()
                        .collect();
                    if kept.len() == 1 {
                        map.remove("anyOf");
                        if let Value::Object(only) = &kept[0] {
                            for (k, v) in only {
                                map.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                    }
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.retain(|v| !v.is_null());
                }
                if map
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|f| f.starts_with("uint") || f.starts_with("int") || f == "double")
                {
                    map.remove("format");
                }
                for child in map.values_mut() {
                    walk(child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    for value in schema.values_mut() {
        walk(value);
    }
}

/// The 41 tools in the order of the official reference: those of the shared table
/// ([`opentrain_tools::TOOLS`]) and those written here, whose work is more than one operation.
const REFERENCE: [&str; TOOL_COUNT] = [
    "opentrain_register_agent",
    "opentrain_claim_account",
    "opentrain_claim_status",
    "opentrain_auth_status",
    "opentrain_capabilities",
    "opentrain_create_job_draft",
    "opentrain_update_job_draft_fields",
    "opentrain_publish_job",
    "opentrain_update_published_job",
    "opentrain_close_job",
    "opentrain_list_jobs",
    "opentrain_search_jobs",
    "opentrain_list_proposals",
    "opentrain_get_proposal",
    "opentrain_get_freelancer_profile",
    "opentrain_invite_freelancer",
    "opentrain_hire_proposal",
    "opentrain_read_messages",
    "opentrain_send_message",
    "opentrain_start_proposal_conversation",
    "opentrain_list_contracts",
    "opentrain_get_contract",
    "opentrain_create_milestone",
    "opentrain_request_milestone_funding",
    "opentrain_request_milestone_approval",
    "opentrain_get_approval",
    "opentrain_end_contract",
    "opentrain_get_credits",
    "opentrain_list_credit_ledger",
    "opentrain_create_credit_top_up",
    "opentrain_get_credit_top_up",
    "opentrain_poll_updates",
    "opentrain_create_webhook",
    "opentrain_list_webhooks",
    "opentrain_get_webhook",
    "opentrain_delete_webhook",
    "opentrain_list_tokens",
    "opentrain_revoke_token",
    "opentrain_get_team",
    "opentrain_invite_team_member",
    "opentrain_list_pending_payments",
];

/// Every tool definition, in the order of the official reference.
pub(crate) fn definitions() -> Vec<Tool> {
    let mut written: Vec<Tool> = Vec::new();
    written.extend(auth::definitions());
    written.extend(jobs::definitions());
    REFERENCE
        .iter()
        .filter_map(|name| match opentrain_tools::by_name(name) {
            Some(tool) => Some(table::definition(tool, name)),
            None => written.iter().find(|t| t.name == *name).cloned(),
        })
        .collect()
}

/// The names of the 41 tools, in the order of the official reference.
pub fn tool_names() -> Vec<&'static str> {
    REFERENCE.to_vec()
}

/// Runs the tool `name`; `None` for a name that is not one of the 41.
pub(crate) async fn dispatch(ctx: &Ctx, name: &str, arguments: JsonObject) -> Option<Outcome> {
    if let Some(tool) = opentrain_tools::by_name(name) {
        return Some(table::run(ctx, tool, arguments).await);
    }
    let has = |names: &[&str]| names.contains(&name);
    if has(auth::NAMES) {
        auth::dispatch(ctx, name, arguments).await
    } else if has(jobs::NAMES) {
        jobs::dispatch(ctx, name, arguments).await
    } else {
        None
    }
}

/// Reads a tool's arguments into its parameters; a mismatch is an argument failure.
pub(crate) fn parse<P: DeserializeOwned>(arguments: JsonObject) -> Result<P, ToolFailure> {
    serde_json::from_value(Value::Object(arguments))
        .map_err(|e| ToolFailure::argument(e.to_string()))
}

/// A non-empty id argument.
pub(crate) fn id<'a>(value: &'a str, param: &str) -> Result<&'a str, ToolFailure> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ToolFailure::argument(format!(
            "`{param}` must not be empty"
        )));
    }
    Ok(trimmed)
}

/// A body of the spec built from JSON the tool assembled (a patch, an import); a value the
/// spec rejects is an argument failure.
pub(crate) fn body<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, ToolFailure> {
    serde_json::from_value(value).map_err(|e| ToolFailure::argument(format!("{what}: {e}")))
}

/// The JSON value of a typed response, for the summaries.
pub(crate) fn json_of(response: &impl serde::Serialize) -> Value {
    serde_json::to_value(response).unwrap_or(Value::Null)
}

/// The string at a JSON pointer, if any.
pub(crate) fn text_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}
