//! The one error type of the spec tasks: every way a fetch, parse, conversion, gate or write can
//! fail, each with a message a maintainer can act on from a CI log.
//!
//! Errors never carry a panic: bad input of any kind (HTML, a 500, a truncated body, a spec that
//! breaks the generator constraints) ends up here and the CLI prints it and exits with
//! [`crate::exit::ERROR`].

use crate::convert::Loss;
use opentrain_spec::Violation;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Why a spec task failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The raw client could not be generated from the spec.
    #[error("cannot generate the OpenTrain client from {spec}:\n{message}")]
    Generate {
        /// The spec that was read.
        spec: std::path::PathBuf,
        /// Every problem, one per line.
        message: String,
    },

    /// The public API of `opentrain` could not be listed (rustdoc failed, its JSON is missing or
    /// unreadable).
    #[error("cannot list the public API of `opentrain`: {0}")]
    PublicApi(String),

    /// The command line could not be understood.
    #[error("{0}\n\n{usage}", usage = crate::cli::USAGE)]
    Usage(String),

    /// The request never produced a response (DNS, connection refused, TLS, reading the body).
    #[error("GET {url} failed: {reason}")]
    Request {
        /// The URL that was fetched.
        url: String,
        /// The transport error and its causes, joined with `: `.
        reason: String,
    },

    /// The request took longer than the configured timeout.
    #[error("GET {url} timed out after {seconds}s")]
    Timeout {
        /// The URL that was fetched.
        url: String,
        /// The timeout that expired, in seconds.
        seconds: f64,
    },

    /// The server answered with a status other than 2xx.
    #[error("GET {url} returned {status}")]
    Status {
        /// The URL that was fetched.
        url: String,
        /// The status code and its reason phrase, e.g. `500 Internal Server Error`.
        status: String,
    },

    /// The body is empty.
    #[error("{origin} is empty")]
    Empty {
        /// Where the text came from, e.g. `response from GET <url>` or `file openapi.json`.
        origin: String,
    },

    /// The body does not even start like JSON (an HTML error page, plain text, ...).
    #[error("{origin} is not JSON (starts with `{start}`{content_type})", content_type = content_type.as_ref().map(|c| format!(", content-type {c}")).unwrap_or_default())]
    NotJson {
        /// Where the text came from.
        origin: String,
        /// The first characters of the body (one line, at most 40 characters).
        start: String,
        /// The response's `Content-Type`, when the text came from HTTP.
        content_type: Option<String>,
    },

    /// The body is JSON that stops early (a cut connection, a size limit).
    #[error("{origin}: truncated JSON at line {line} column {column}")]
    Truncated {
        /// Where the text came from.
        origin: String,
        /// 1-based line where the input ended.
        line: usize,
        /// 1-based column where the input ended.
        column: usize,
    },

    /// The body starts like JSON but is malformed.
    #[error("{origin}: invalid JSON at line {line} column {column}: {message}")]
    InvalidJson {
        /// Where the text came from.
        origin: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's description.
        message: String,
    },

    /// The JSON is not an OpenAPI document.
    #[error("{origin} is not an OpenAPI spec ({why})")]
    NotOpenApi {
        /// Where the text came from.
        origin: String,
        /// What is missing, e.g. ``no `openapi` key``.
        why: String,
    },

    /// The document is OpenAPI, but of a version this tool cannot read.
    #[error(
        "{origin}: OpenAPI version {version} is not supported (expected 3.0.x, or 3.1.x to convert)"
    )]
    UnsupportedVersion {
        /// Where the text came from.
        origin: String,
        /// The `openapi` (or `swagger`) value.
        version: String,
    },

    /// A 3.1 document uses constructs that OpenAPI 3.0.3 cannot express.
    #[error("{}", list_losses(losses))]
    Lossy {
        /// Every construct that could not be kept, with its pointer.
        losses: Vec<Loss>,
    },

    /// The spec breaks generator constraints (the `opentrain_spec::check` gate).
    #[error("{}", list_violations(violations))]
    Gate {
        /// Every violation, with its pointer.
        violations: Vec<Violation>,
    },

    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `read`, `write`, `replace`, ...
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

fn list_losses(losses: &[Loss]) -> String {
    let mut s = format!(
        "the 3.1 spec uses {} construct(s) that OpenAPI 3.0.3 cannot express (nothing written; `--allow-lossy` drops them):",
        losses.len()
    );
    for l in losses {
        let _ = write!(s, "\n  {l}");
    }
    s
}

fn list_violations(violations: &[Violation]) -> String {
    let mut s = format!(
        "the spec breaks {} generator constraint(s) (nothing written):",
        violations.len()
    );
    for v in violations {
        let _ = write!(s, "\n  {v}");
    }
    s
}
