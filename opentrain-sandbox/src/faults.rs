//! Fault injection and the request log: the middleware every API request passes through (the
//! HTML pages a person opens are served outside it, so they neither take a queued fault nor
//! show up in the log).
//!
//! Before a request reaches its handler the middleware applies the configured delay, then, if a
//! fault is queued, answers with it instead (a JSON 503 envelope or a proxy's HTML 502). Every
//! request is recorded with its status and body; secrets in headers and bodies (`ot_pat_`,
//! `ot_clm_`, `ot_cat_`, `whsec_` values) are replaced by `<redacted>` so a log never leaks one.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::{App, bearer};
use crate::errors::ApiError;

/// The largest request body the sandbox reads.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A failure the sandbox can answer with instead of handling a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 503 with the JSON error envelope (`code: INTERNAL_ERROR`).
    ServiceUnavailable,
    /// 502 with an HTML body, as a proxy in front of the API would send.
    BadGatewayHtml,
}

impl Fault {
    fn response(self) -> Response {
        match self {
            Fault::ServiceUnavailable => ApiError::unavailable().into_response(),
            Fault::BadGatewayHtml => (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            )
                .into_response(),
        }
    }
}

/// Queued faults and the response delay.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub(crate) queue: VecDeque<Fault>,
    pub(crate) delay: Option<Duration>,
}

/// One request the sandbox received, as recorded by the middleware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path, e.g. `/api/public/v1/jobs/mine`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The id of the token the request authenticated with (never the secret), if it sent a
    /// known token.
    pub token_id: Option<String>,
    /// The request body as text (lossy UTF-8), with secrets redacted.
    pub body: String,
    /// The status the sandbox answered with.
    pub status: u16,
    /// The `x-request-id` the answer carried, if any.
    pub request_id: Option<String>,
    /// When the request arrived, on the sandbox clock.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Replaces every secret-looking value (`ot_pat_…`, `ot_clm_…`, `ot_cat_…`, `whsec_…`) by
/// its prefix and `<redacted>`.
pub(crate) fn redact(text: &str) -> String {
    const PREFIXES: [&str; 4] = ["ot_pat_", "ot_clm_", "ot_cat_", "whsec_"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = PREFIXES
            .iter()
            .filter_map(|p| rest.find(p).map(|i| (i, *p)))
            .min_by_key(|(i, _)| *i);
        let Some((at, prefix)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(prefix);
        out.push_str("<redacted>");
        let after = &rest[at + prefix.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
}

/// The middleware: delay, injected faults, then the request log.
pub(crate) async fn observe(State(app): State<App>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::bad_request("The request body could not be read.").into_response();
        }
    };
    let (fault, delay) = {
        let mut faults = app.inner.faults.lock().unwrap_or_else(|e| e.into_inner());
        (faults.queue.pop_front(), faults.delay)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let at = app.now();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(redact);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let token_id = bearer(&parts.headers).and_then(|secret| {
        let state = app.state();
        state
            .tokens
            .iter()
            .find(|t| t.secret == secret)
            .map(|t| t.id.clone())
    });
    let body_text = redact(&String::from_utf8_lossy(&bytes));
    let response = match fault {
        Some(fault) => fault.response(),
        None => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    };
    let record = RecordedRequest {
        method,
        path,
        query,
        content_type,
        token_id,
        body: body_text,
        status: response.status().as_u16(),
        request_id: response
            .headers()
            .get(crate::errors::REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        at,
    };
    app.inner
        .recorded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(record);
    response
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_every_secret_kind_and_keeps_the_rest() {
        let text = "grant_type=x&claim_token=ot_clm_abc123&token=ot_pat_ab_cd {\"s\":\"whsec_Zz9\"} ot_cat_q.";
        assert_eq!(
            redact(text),
            "grant_type=x&claim_token=ot_clm_<redacted>&token=ot_pat_<redacted> {\"s\":\"whsec_<redacted>\"} ot_cat_<redacted>."
        );
    }
}
