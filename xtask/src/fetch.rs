//! Getting a spec document in: fetching the served spec over HTTP (with a timeout), reading a
//! spec file, and turning raw bytes into an OpenAPI JSON value with a precise error for every way
//! that can fail (non-2xx status, HTML instead of JSON, truncated or malformed JSON, JSON that is
//! not OpenAPI).

use crate::Error;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The default timeout of a fetch, for the whole request including the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Fetches `url` and parses it as an OpenAPI document (see [`parse_spec`]).
///
/// Any 2xx status is accepted; anything else is [`Error::Status`]. The timeout covers connecting,
/// sending and reading the whole body.
pub fn fetch_spec(url: &str, timeout: Duration) -> Result<Value, Error> {
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("opentrain-rs-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| request_error(url, timeout, &e))?;
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .map_err(|e| request_error(url, timeout, &e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Status {
            url: url.to_owned(),
            status: status.to_string(),
        });
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .map_err(|e| request_error(url, timeout, &e))?;
    parse_spec_with(
        &body,
        &format!("response from GET {url}"),
        content_type.as_deref(),
    )
}

/// Reads a spec file and parses it (see [`parse_spec`]).
pub fn read_spec_file(path: &Path) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    parse_spec(&bytes, &format!("file {}", path.display()))
}

/// Parses bytes as an OpenAPI document.
///
/// `origin` names the source in error messages (`response from GET <url>`, `file <path>`).
/// Checks, in order: not empty; starts like JSON (else [`Error::NotJson`] quoting the start);
/// complete ([`Error::Truncated`]) and well-formed ([`Error::InvalidJson`]) JSON; a top-level
/// object with an `openapi` version string ([`Error::NotOpenApi`]); a 3.0 or 3.1 version
/// ([`Error::UnsupportedVersion`]).
pub fn parse_spec(bytes: &[u8], origin: &str) -> Result<Value, Error> {
    parse_spec_with(bytes, origin, None)
}

fn parse_spec_with(bytes: &[u8], origin: &str, content_type: Option<&str>) -> Result<Value, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    let Some(first) = trimmed.chars().next() else {
        return Err(Error::Empty {
            origin: origin.to_owned(),
        });
    };
    if first != '{' && first != '[' {
        return Err(Error::NotJson {
            origin: origin.to_owned(),
            start: snippet(trimmed),
            content_type: content_type.map(str::to_owned),
        });
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            Error::Truncated {
                origin: origin.to_owned(),
                line: e.line(),
                column: e.column(),
            }
        } else {
            Error::InvalidJson {
                origin: origin.to_owned(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            }
        }
    })?;
    let not_openapi = |why: &str| Error::NotOpenApi {
        origin: origin.to_owned(),
        why: why.to_owned(),
    };
    let Some(map) = doc.as_object() else {
        return Err(not_openapi("the top level is not an object"));
    };
    let version = match (map.get("openapi"), map.get("swagger")) {
        (Some(Value::String(v)), _) => v.clone(),
        (Some(_), _) => return Err(not_openapi("`openapi` is not a version string")),
        (None, Some(v)) => {
            return Err(Error::UnsupportedVersion {
                origin: origin.to_owned(),
                version: format!("{} (swagger)", v.as_str().unwrap_or("?")),
            });
        }
        (None, None) => return Err(not_openapi("no `openapi` key")),
    };
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(Error::UnsupportedVersion {
            origin: origin.to_owned(),
            version,
        });
    }
    Ok(doc)
}

/// The first line of `text`, at most 40 characters.
fn snippet(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim_end();
    let mut s: String = line.chars().take(40).collect();
    if line.chars().count() > 40 {
        s.push('…');
    }
    s.replace('`', "'")
}

/// serde_json appends ` at line L column C` to its messages; the error already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn request_error(url: &str, timeout: Duration, e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::Timeout {
            url: url.to_owned(),
            seconds: timeout.as_secs_f64(),
        };
    }
    // reqwest's own message ("error sending request for url (...)") repeats the URL; the causes
    // say what happened.
    let mut source = std::error::Error::source(e);
    let mut reason = match source {
        Some(s) if e.is_request() || e.is_connect() => {
            source = s.source();
            s.to_string()
        }
        _ => e.to_string(),
    };
    while let Some(s) = source {
        let text = s.to_string();
        if !reason.contains(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = s.source();
    }
    Error::Request {
        url: url.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        parse_spec(bytes, "body").unwrap_err().to_string()
    }

    #[test]
    fn html_is_not_json() {
        assert_eq!(
            err(b"\n<!DOCTYPE html>\n<html><body>Bad gateway</body></html>"),
            "body is not JSON (starts with `<!DOCTYPE html>`)"
        );
    }

    #[test]
    fn truncated_json_says_where() {
        assert_eq!(
            err(b"{\"openapi\": \"3.0.3\", \"paths\": {"),
            "body: truncated JSON at line 1 column 31"
        );
    }

    #[test]
    fn malformed_json_is_not_called_truncated() {
        assert_eq!(
            err(b"{\"openapi\": 3.0.3}"),
            "body: invalid JSON at line 1 column 16: expected `,` or `}`"
        );
    }

    #[test]
    fn json_without_openapi_key_is_rejected() {
        assert_eq!(
            err(b"{\"error\": \"nope\"}"),
            "body is not an OpenAPI spec (no `openapi` key)"
        );
        assert_eq!(
            err(b"[1]"),
            "body is not an OpenAPI spec (the top level is not an object)"
        );
        assert_eq!(err(b"  "), "body is empty");
    }

    #[test]
    fn versions_other_than_3_0_and_3_1_are_rejected() {
        assert_eq!(
            err(b"{\"swagger\": \"2.0\"}"),
            "body: OpenAPI version 2.0 (swagger) is not supported (expected 3.0.x, or 3.1.x to convert)"
        );
        assert!(err(b"{\"openapi\": \"3.2.0\"}").contains("3.2.0 is not supported"));
        assert!(parse_spec(b"\xEF\xBB\xBF{\"openapi\": \"3.1.0\"}", "b").is_ok());
    }
}
