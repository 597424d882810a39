//! The tools of the shared table ([`opentrain_tools::TOOLS`]): each one's definition (input
//! schema from its arguments, typed by the spec) and its run (check the arguments, call the
//! operation, summarise the typed value, return the body as sent; a workflow tool's run, and
//! the patch tools' body, are in `workflows`).

use opentrain::operations::ValueKind;
use opentrain_tools::{Arg, Body, Spec, Surface, Tool};
use rmcp::model::{JsonObject, Tool as Definition};
use serde_json::{Map, Value, json};

use super::{Ctx, annotated};
use crate::results::{Outcome, ToolFailure, ToolOutput};

/// The MCP definition of a table tool: its arguments as a JSON Schema object whose properties
/// carry the spec's type, range, length, default and values.
pub(crate) fn definition(tool: &Tool, name: &'static str) -> Definition {
    let operation = tool.operation();
    let specs: Vec<(&Arg, Spec)> = tool
        .args_on(Surface::Mcp)
        .map(|a| (a, a.spec(operation)))
        .collect();
    let members = |arg: &Arg| {
        let parent = operation.body_field(arg.field);
        arg.members
            .iter()
            .map(|m| (m, m.spec_in(parent)))
            .collect::<Vec<_>>()
    };
    let (properties, required) = object(&specs, &members);
    let mut schema = JsonObject::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), properties);
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    annotated(Definition::new(name, tool.description, schema), tool.access)
}

/// The `properties` and `required` of an object made of `args` (an object argument's members
/// nested, one level deep).
fn object(
    args: &[(&Arg, Spec)],
    members: &dyn Fn(&Arg) -> Vec<(&'static Arg, Spec)>,
) -> (Value, Vec<&'static str>) {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (arg, spec) in args {
        let mut property = property(arg, spec);
        if !arg.members.is_empty() {
            let nested = members(arg);
            let (inner, inner_required) = object(&nested, &|_| Vec::new());
            property.insert("properties".into(), inner);
            if !inner_required.is_empty() {
                property.insert("required".into(), json!(inner_required));
            }
            property.insert("additionalProperties".into(), json!(false));
        }
        if spec.required {
            required.push(arg.name);
        }
        properties.insert(arg.name.into(), Value::Object(property));
    }
    (Value::Object(properties), required)
}

/// One argument's schema: the spec's type, range, length, default and values, and its doc.
fn property(arg: &Arg, spec: &Spec) -> Map<String, Value> {
    let mut property = Map::new();
    property.insert("type".into(), json!(kind(spec.kind)));
    property.insert("description".into(), json!(arg.doc));
    if spec.kind == ValueKind::Array {
        property.insert("items".into(), json!({ "type": kind(spec.items) }));
    }
    for (key, value) in [
        ("minimum", spec.minimum),
        ("exclusiveMinimum", spec.exclusive_minimum),
        ("maximum", spec.maximum),
    ] {
        if let Some(n) = value {
            property.insert(key.into(), number(n));
        }
    }
    for (key, value) in [
        ("minLength", spec.min_length),
        ("maxLength", spec.max_length),
    ] {
        if let Some(n) = value {
            property.insert(key.into(), json!(n));
        }
    }
    if let Some(default) = spec
        .default
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
    {
        property.insert("default".into(), default);
    }
    if !spec.values.is_empty() {
        property.insert("enum".into(), json!(spec.values));
    }
    property
}

/// The schema type of a spec type. An integer is declared `number`, as the tools reference
/// documents its page sizes: `25.0` is 25, and a fraction is refused by the check.
fn kind(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::String => "string",
        ValueKind::Integer | ValueKind::Number => "number",
        ValueKind::Boolean => "boolean",
        ValueKind::Array => "array",
        ValueKind::Object => "object",
        ValueKind::Any => "string",
    }
}

/// `10` rather than `10.0` for a whole bound.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Runs a table tool.
pub(crate) async fn run(ctx: &Ctx, tool: &Tool, arguments: JsonObject) -> Outcome {
    let arguments = opentrain_tools::check(tool, arguments, opentrain_tools::Naming::Parameter)
        .map_err(|refusal| ToolFailure::argument(refusal.0))?;
    if let Some(workflow) = tool.workflow {
        return super::workflows::run(ctx, tool, workflow, &arguments).await;
    }
    let body = match tool.body {
        Body::Members => None,
        Body::Draft => Some(
            opentrain_tools::workflow::draft_body(&arguments)
                .map_err(|refusal| ToolFailure::argument(refusal.0))?,
        ),
        Body::Patch => Some(super::workflows::patch_body(&arguments)?),
    };
    let client = if tool.tokenless() {
        ctx.session.client_or_tokenless()?
    } else {
        ctx.session.client()?
    };
    // In `--sandbox` mode the scripted human may act first (reading a pending approval
    // confirms it).
    let rehearsed = ctx
        .rehearsal
        .as_ref()
        .and_then(|r| r.before(tool.operation, &arguments));
    let reply = tool
        .call_with(&client, &arguments, body)
        .await
        .map_err(|e| match e {
            opentrain_tools::CallError::Refused(refusal) => ToolFailure::argument(refusal.0),
            opentrain_tools::CallError::Api(error) => ToolFailure::from(error),
        })?;
    let mut summary = match tool.summary.listing(&reply.typed) {
        Some(list) => page_summary(&reply.typed, list),
        None => tool
            .summary
            .lines(&reply.typed, &arguments, Surface::Mcp)
            .join("\n"),
    };
    if tool.session_note {
        summary = format!(
            "Authenticated (token from {}).\n{summary}",
            ctx.session.token_source()
        );
    }
    let mut structured = reply.sent();
    if let Some((key, error)) = reply.join_error {
        // The first response stands; the join that failed is reported beside it.
        let failure = ToolFailure::from(error);
        summary.push_str(&format!(
            "\nThe {key} could not be read: {}",
            failure.summary
        ));
        if let Value::Object(map) = &mut structured {
            map.insert(format!("{key}Error"), failure.structured);
        }
    }
    let notes = [
        tool.warning,
        rehearsed,
        ctx.rehearsal.as_ref().and_then(|r| r.after(&reply.typed)),
    ];
    for note in notes.into_iter().flatten() {
        summary.push(' ');
        summary.push_str(note);
    }
    Ok(ToolOutput {
        summary,
        structured,
    })
}

/// One summary line per item of the page's list (at most 20), each the list's line for it.
fn list_lines(value: &Value, list: &opentrain_tools::Listing) -> String {
    let items = opentrain_tools::items(value, list.key);
    let mut out = String::new();
    for item in items.iter().take(20) {
        out.push_str("\n- ");
        out.push_str(&list.line(item, " · "));
    }
    if items.len() > 20 {
        out.push_str(&format!(
            "\n- … and {} more (see structuredContent)",
            items.len() - 20
        ));
    }
    out
}

/// The summary of one page of a list: `<count> <noun>:`, a line per item, and how to get the
/// next page.
fn page_summary(value: &Value, list: &opentrain_tools::Listing) -> String {
    format!(
        "{} {}:{}{}",
        count(value, list.key),
        list.noun,
        list_lines(value, list),
        next_page(value)
    )
}

/// How many items the array at `key` holds.
fn count(value: &Value, key: &str) -> usize {
    opentrain_tools::items(value, key).len()
}

/// " More: pass cursor \"…\"." when the page has a `nextCursor`.
fn next_page(value: &Value) -> String {
    match opentrain_tools::next_cursor(value) {
        Some(cursor) => format!("\nMore results: call again with cursor \"{cursor}\"."),
        None => String::new(),
    }
}
