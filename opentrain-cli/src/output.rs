//! Everything the CLI prints: the [`out!`](crate::out) and [`note!`](crate::note) macros (stdout and stderr lines
//! that never panic on a closed pipe), `--json` output, the error lines (`Usage error: …`,
//! the API error line and its `Details:` line), and small formatting helpers for human output.

use std::io::Write;

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{CliError, EXIT_USAGE};

/// Writes one line to stdout; a closed pipe (`| head`) is ignored instead of panicking.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stdout().lock(), $($arg)*);
    }};
}

/// Writes one line to stderr (warnings and notes that must not mix with the data on stdout).
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stderr().lock(), $($arg)*);
    }};
}

/// Prints `value` as pretty JSON on stdout (the `--json` output).
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Io {
        what: "cannot serialize the response as JSON".into(),
        source: std::io::Error::other(e),
    })?;
    out!("{text}");
    Ok(())
}

/// Prints the API response of the command's last call as pretty JSON (the `--json` output):
/// the body as the server sent it, fields the spec does not know yet included, and `typed`
/// (the decoded response) when no body was kept or it is not JSON.
pub fn sent<T: Serialize + ?Sized>(ctx: &Ctx, typed: &T) -> Result<(), CliError> {
    match ctx
        .last_body()
        .and_then(|body| serde_json::from_slice::<serde_json::Value>(&body).ok())
    {
        Some(body) => json(&body),
        None => json(typed),
    }
}

/// Prints `value` as one compact JSON line (the `--json` output of streams).
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string(value).map_err(|e| CliError::Io {
        what: "cannot serialize the event as JSON".into(),
        source: std::io::Error::other(e),
    })?;
    out!("{text}");
    Ok(())
}

/// An optional value for human output: the value, or `-`.
pub fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Prints a clap error: help and version as clap renders them (exit 0), anything else as a
/// `Usage error: …` line with clap's hint (exit 2).
pub fn clap_error(error: &clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                std::process::ExitCode::from(EXIT_USAGE)
            } else {
                std::process::ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = error.render().to_string();
            let text = rendered.trim_end();
            let text = text.strip_prefix("error: ").unwrap_or(text);
            note!("Usage error: {text}");
            std::process::ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Prints a failure on stderr: `Usage error: …` for usage mistakes, one `Error: …` line with
/// status, code and message for an API error plus a `Details:` line with its `details`.
pub fn print_error(error: &CliError) {
    let mut err = std::io::stderr().lock();
    let _ = match error {
        CliError::Usage(message) => writeln!(err, "Usage error: {message}"),
        CliError::Api(e) => match e.api() {
            Some(api) => {
                let _ = writeln!(err, "Error: {api}");
                if api.details.is_empty() {
                    Ok(())
                } else {
                    let details = serde_json::to_string(&api.details)
                        .unwrap_or_else(|_| "(unprintable)".into());
                    writeln!(err, "Details: {details}")
                }
            }
            None => writeln!(err, "Error: {e}"),
        },
        CliError::TimedOut(message) => writeln!(err, "Timed out: {message}"),
        CliError::NotConfirmed(message) => writeln!(err, "Not confirmed: {message}"),
        CliError::Check(message) => writeln!(err, "Error: {message}"),
        CliError::Io { what, source } => writeln!(err, "Error: {what}: {source}"),
    };
}

/// The values at `paths` (JSON pointers, e.g. `/candidate/displayName`, the path language
/// the MCP server's summaries use too) of `value`'s JSON form, as `a  b  c` (missing values as
/// `-`): the one-line human form of a list entry (the shared table's [`opentrain_tools::columns`]).
pub fn columns<T: Serialize>(value: &T, paths: &[&str]) -> String {
    let json = serde_json::to_value(value).unwrap_or_default();
    opentrain_tools::columns(&json, paths, "  ")
}

/// `key value, key value` for the present (non-null) keys of `value`'s JSON object form,
/// except `skip`: a compact description of a tagged result.
pub fn present_fields<T: Serialize>(value: &T, skip: &str) -> String {
    let json = serde_json::to_value(value).unwrap_or_default();
    json.as_object()
        .map(|map| {
            map.iter()
                .filter(|(k, v)| k.as_str() != skip && !v.is_null())
                .map(|(k, v)| {
                    let shown = opentrain_tools::shown(v, "").unwrap_or_default();
                    format!("{} {shown}", k.replace('_', " "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn present_fields_name_each_present_member_of_a_tagged_result() {
        assert_eq!(
            present_fields(
                &json!({"kind": "hired", "contract_id": "c_1", "job_id": null}),
                "kind"
            ),
            "contract id c_1"
        );
    }
}
