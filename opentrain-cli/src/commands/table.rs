//! Running a command of the shared table: its flags read into the tool's arguments, the one
//! check and call of `opentrain-tools`, then `--json` prints the body exactly as the server
//! sent it and the human output is the tool's summary (a list one line per item, `--all`
//! following `nextCursor`). A draft's body is the facade's `DraftInput`, a patch's the `--set` assignments
//! typed in `jobs`; a workflow's command runs it in `workflows` after the same check.

use clap::{ArgMatches, FromArgMatches};
use futures::TryStreamExt;
use opentrain::operations::ValueKind;
use opentrain::paging::Paginate;
use opentrain_tools::{Arg, Body, CallError, Summary, Surface, Tool, items, next_cursor, workflow};
use serde_json::{Map, Value};

use crate::cli::Paging;
use crate::context::Ctx;
use crate::error::CliError;
use crate::{note, out, output};

/// The table tool the command line names, with its matches: `None` for every other command.
pub fn find(matches: &ArgMatches) -> Option<(&'static Tool, &ArgMatches)> {
    // The path of subcommands down to the one run: `jobs draft create` is `create` in the
    // family `jobs draft`.
    let (mut name, mut leaf) = matches.subcommand()?;
    let mut family = Vec::new();
    while let Some((inner, inner_matches)) = leaf.subcommand() {
        family.push(name);
        (name, leaf) = (inner, inner_matches);
    }
    opentrain_tools::by_command(&family.join(" "), name).map(|tool| (tool, leaf))
}

/// Runs the table tool `tool` with its command line `matches`.
pub async fn run(ctx: &Ctx, tool: &Tool, matches: &ArgMatches) -> Result<(), CliError> {
    let paging = if tool.pages() {
        Some(Paging::from_arg_matches(matches).map_err(|e| CliError::usage(e.to_string()))?)
    } else {
        None
    };
    let given = given(tool, matches, paging.as_ref())?;
    let arguments = opentrain_tools::check(tool, given, opentrain_tools::Naming::Flag)
        .map_err(|refusal| CliError::usage(refusal.0))?;
    if let Some(workflow) = tool.workflow {
        return super::workflows::run(ctx, tool, workflow, &arguments).await;
    }
    let client = if tool.tokenless() {
        ctx.client()?
    } else {
        ctx.authed()?
    };
    let body = match tool.body {
        Body::Members => None,
        Body::Draft => Some(workflow::draft_body(&arguments).map_err(|r| CliError::usage(r.0))?),
        Body::Patch => Some(super::jobs::patch_body(&client, &arguments).await?),
    };
    let lists = matches!(tool.summary, Summary::List(_) | Summary::Lists(_));
    if paging.as_ref().is_some_and(|p| p.all) && lists {
        return every_page(ctx, tool, &client, &arguments).await;
    }
    let reply = tool
        .call_with(&client, &arguments, body)
        .await
        .map_err(failure)?;
    if let Some((_, error)) = reply.join_error {
        // A join asked for on the command line is part of the answer: its failure fails it.
        return Err(error.into());
    }
    if let Some(warning) = tool.warning {
        note!("{warning}");
    }
    if ctx.json {
        return output::json(&reply.sent());
    }
    let lines = tool
        .summary
        .lines(&reply.typed, &arguments, Surface::Command);
    if lists && lines.is_empty() {
        out!("(none)");
    }
    for line in lines {
        out!("{line}");
    }
    if tool.session_note {
        out!("API: {}", client.base_url());
    }
    if let Some(next) = next_cursor(&reply.typed).filter(|_| lists) {
        out!("next cursor: {next}  (--cursor {next} for the next page, --all for every page)");
    }
    Ok(())
}

/// Every page of a list: its items printed as they arrive, or with `--json` one JSON array of
/// the items as the server sent them.
async fn every_page(
    ctx: &Ctx,
    tool: &Tool,
    client: &opentrain::Client,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let mut pages = tool
        .request(client, arguments)
        .map_err(failure)?
        .paginate()
        .items();
    let (mut all, mut count) = (Vec::new(), 0usize);
    while let Some(page) = pages.try_next().await? {
        let reply = tool.reply(page).map_err(failure)?;
        let Some(list) = tool.summary.listing(&reply.typed) else {
            continue;
        };
        if ctx.json {
            let sent = reply.response.json()?;
            all.extend(items(&sent, list.key).iter().cloned());
            continue;
        }
        for entry in items(&reply.typed, list.key) {
            out!("{}", list.line(entry, "  "));
            count += 1;
        }
    }
    if ctx.json {
        return output::json(&all);
    }
    if count == 0 {
        out!("(none)");
    }
    Ok(())
}

fn failure(error: CallError) -> CliError {
    match error {
        CallError::Refused(refusal) => CliError::usage(refusal.0),
        CallError::Api(error) => error.into(),
    }
}

/// One argument's value as the command line gave it, as JSON of the spec's `kind`.
fn read(matches: &ArgMatches, arg: &Arg, kind: ValueKind) -> Result<Option<Value>, CliError> {
    Ok(match kind {
        ValueKind::Boolean => matches.get_flag(arg.name).then_some(Value::Bool(true)),
        ValueKind::Array => matches
            .get_many::<String>(arg.name)
            .map(|values| Value::Array(values.map(|v| Value::from(v.as_str())).collect())),
        ValueKind::Integer | ValueKind::Number => match matches.get_one::<String>(arg.name) {
            Some(text) => Some(
                (text.trim().parse::<i64>().ok().map(Value::from))
                    .or_else(|| {
                        text.trim()
                            .parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map(Value::Number)
                    })
                    .ok_or_else(|| {
                        CliError::usage(format!(
                            "`--{}` must be a number, got `{text}`",
                            arg.long()
                        ))
                    })?,
            ),
            None => None,
        },
        ValueKind::Object => match matches.get_many::<String>(arg.name) {
            // `--set key=value` assignments, each value as written: the workflow types them.
            Some(assignments) => {
                let mut object = Map::new();
                for text in assignments {
                    let assignment = crate::set::parse_assignment(text).map_err(|problem| {
                        CliError::usage(format!("`--{}`: {problem}", arg.long()))
                    })?;
                    object.insert(assignment.key, Value::String(assignment.raw));
                }
                Some(Value::Object(object))
            }
            None => None,
        },
        _ => match matches.get_one::<String>(arg.name).or_else(|| {
            let flag_id = crate::cli::or_flag(arg.name);
            matches.try_get_one::<String>(&flag_id).ok().flatten()
        }) {
            Some(text) => Some(Value::from(text.as_str())),
            None if arg.file => {
                let file = crate::cli::file_flag(arg.name);
                match matches.try_get_one::<String>(&file).ok().flatten() {
                    Some(path) => Some(Value::from(crate::input::read_text(
                        std::path::Path::new(path),
                        &format!("--{}-file", arg.long()),
                    )?)),
                    None => None,
                }
            }
            None => None,
        },
    })
}

/// The tool's arguments as the command line gave them, as JSON of the spec's types.
fn given(
    tool: &Tool,
    matches: &ArgMatches,
    paging: Option<&Paging>,
) -> Result<Map<String, Value>, CliError> {
    let operation = tool.operation();
    let mut given = Map::new();
    if let Some(paging) = paging {
        if let Some(limit) = paging.limit {
            given.insert("limit".into(), Value::from(limit));
        }
        if let Some(cursor) = &paging.cursor {
            given.insert("cursor".into(), Value::from(cursor.as_str()));
        }
    }
    for arg in tool.args_on(Surface::Command) {
        if paging.is_some() && matches!(arg.name, "cursor" | "limit") {
            continue;
        }
        let value = if arg.members.is_empty() {
            read(matches, arg, arg.spec(operation).kind)?
        } else {
            // An object argument from its members' flags; absent when none was given.
            let parent = operation.body_field(arg.field);
            let mut object = Map::new();
            for member in arg.members {
                if let Some(value) = read(matches, member, member.spec_in(parent).kind)? {
                    object.insert(member.name.to_owned(), value);
                }
            }
            (!object.is_empty()).then_some(Value::Object(object))
        };
        if let Some(value) = value {
            given.insert(arg.name.to_owned(), value);
        }
    }
    Ok(given)
}
