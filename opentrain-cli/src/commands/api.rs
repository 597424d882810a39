//! `opentrain api`: any operation of the spec by its `operationId`, the way `gh api` serves
//! GitHub's users. Fields are checked against the generated operation table (so an operation
//! a regeneration adds works with no code here), the call goes through the facade's pipeline,
//! and the response body is printed exactly as the server sent it.

use std::io::Write;

use futures::TryStreamExt;
use opentrain::operations::{OPERATIONS, ParameterLocation};
use opentrain::paging::Paginate;

use crate::cli::ApiArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

/// Runs `opentrain api`.
pub async fn run(ctx: &Ctx, args: ApiArgs) -> Result<(), CliError> {
    let Some(operation_id) = args.operation.as_deref() else {
        return list(ctx);
    };
    let operation = opentrain::operations::Operation::by_id(operation_id);
    let client = if operation.is_some_and(|o| o.tokenless) {
        ctx.client()?
    } else {
        ctx.authed()?
    };
    let mut call = client.operation(operation_id)?;
    if let Some(path) = &args.input {
        let bytes = crate::input::read_bytes(std::path::Path::new(path), "--input")?;
        call = match operation.and_then(|o| o.body) {
            // A text or binary body goes as it is, with the spec's media type.
            Some(declared) if !declared.is_json() => call.body_bytes(bytes)?,
            _ => {
                let body: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                    CliError::usage(format!(
                        "--input {path} is not JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    ))
                })?;
                call.body(body)?
            }
        };
    }
    for field in &args.fields {
        let Some((key, value)) = field.split_once('=') else {
            return Err(CliError::usage(format!(
                "-f takes key=value, got `{field}`"
            )));
        };
        call = call.field(key, value)?;
    }
    if !args.paginate {
        let response = call.send().await?;
        return print_body(response.body());
    }
    let mut pages = call.items();
    while let Some(response) = pages.try_next().await? {
        print_body(response.body())?;
    }
    Ok(())
}

/// Prints a response body as sent, ending with one newline.
fn print_body(body: &[u8]) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_all(body).and_then(|()| {
        if body.last() == Some(&b'\n') {
            Ok(())
        } else {
            stdout.write_all(b"\n")
        }
    });
    match result {
        // `| head` closed the pipe: nothing more to print.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| CliError::Io {
            what: "cannot write the response".into(),
            source,
        }),
    }
}

/// `opentrain api --list`: every operation with its method, path and summary (`--json`: the
/// same as objects, with the fields each takes).
fn list(ctx: &Ctx) -> Result<(), CliError> {
    if ctx.json {
        let operations: Vec<serde_json::Value> = OPERATIONS
            .iter()
            .map(|o| {
                let fields = |location: ParameterLocation| -> Vec<&str> {
                    o.parameters
                        .iter()
                        .filter(|p| p.location == location)
                        .map(|p| p.name)
                        .collect()
                };
                let body: Vec<&str> = o
                    .body
                    .map(|b| b.fields.iter().map(|f| f.name).collect())
                    .unwrap_or_default();
                serde_json::json!({
                    "operationId": o.operation_id,
                    "method": o.method,
                    "path": o.path,
                    "summary": o.summary,
                    "pathParameters": fields(ParameterLocation::Path),
                    "queryParameters": fields(ParameterLocation::Query),
                    "bodyFields": body,
                })
            })
            .collect();
        return output::json(&operations);
    }
    let id_width = OPERATIONS.iter().map(|o| o.operation_id.len()).max();
    let path_width = OPERATIONS.iter().map(|o| o.path.len()).max();
    let (id_width, path_width) = (id_width.unwrap_or(0), path_width.unwrap_or(0));
    for o in OPERATIONS {
        crate::out!(
            "{:id_width$}  {:6}  {:path_width$}  {}",
            o.operation_id,
            o.method,
            o.path,
            o.summary
        );
    }
    Ok(())
}
