//! The transport hook: the only hand-written behaviour of the raw client.
//!
//! progenitor decodes every error body as the operation's JSON error schema. A proxy's HTML 502,
//! an empty 503 or a truncated JSON error would then surface as `InvalidResponsePayload`, which
//! has no status code and is not retryable. [`Client`]'s `exec` hook buffers 4xx/5xx bodies,
//! passes a real `ErrorEnvelope` through untouched, and replaces anything else with a synthetic
//! envelope that keeps the status (so `Error::status()` and `is_retryable()` stay right), marked
//! with the [`SYNTHETIC_ERROR_HEADER`] header and carrying a short snippet of the original body.
//!
//! The hook also adds [`RequestDefaults`] (the client's `inner` value: authorization and user
//! agent, so a caller-supplied `reqwest::Client` works unchanged) and records what each exchange
//! returned for callers that run a call inside [`observe`]: the facade uses it to give decode
//! errors their status, to keep the raw error body (typed details drop unknown keys) and to know
//! which operation a retry decision is about.

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};

use crate::Client;

/// Response header set on an error response whose body was not a JSON error envelope; its value
/// is the original `Content-Type` (or `none`). The envelope's `error` then holds a body snippet.
pub const SYNTHETIC_ERROR_HEADER: &str = "x-opentrain-rs-synthetic-error";

/// Response headers read as the request id, in order of preference.
pub const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-opentrain-request-id"];

/// How many characters of a non-JSON error body are kept.
pub const SNIPPET_CHARS: usize = 200;

/// Headers added to every request that does not set them itself: the client's `inner` value.
///
/// `Debug` shows sensitive values (the bearer token) as `Sensitive`.
#[derive(Clone, Debug, Default)]
pub struct RequestDefaults {
    headers: HeaderMap,
}

impl RequestDefaults {
    /// No default headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `Authorization: Bearer <token>`, marked sensitive so it never prints.
    /// Returns `None` if the token holds characters a header cannot carry.
    pub fn with_bearer(mut self, token: &str) -> Option<Self> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
        value.set_sensitive(true);
        self.headers.insert(AUTHORIZATION, value);
        Some(self)
    }

    /// Adds a `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: &str) -> Option<Self> {
        self.headers
            .insert(USER_AGENT, HeaderValue::from_str(user_agent).ok()?);
        Some(self)
    }

    /// Whether an `Authorization` header is set.
    pub fn has_authorization(&self) -> bool {
        self.headers.contains_key(AUTHORIZATION)
    }

    fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
}

/// What the last HTTP exchange of an [`observe`]d call did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exchange {
    /// The generated method that ran (progenitor's snake_case operation name), once sent.
    pub operation: Option<&'static str>,
    /// The HTTP method sent.
    pub method: Option<String>,
    /// How many requests the call sent.
    pub requests: u32,
    /// The status of the last response received, if any arrived.
    pub status: Option<u16>,
    /// The request id header of that response, if present.
    pub request_id: Option<String>,
    /// The `Retry-After` header of that response, if present.
    pub retry_after: Option<String>,
    /// The original body of a 4xx/5xx response (before any synthetic envelope replaced it).
    pub error_body: Option<Bytes>,
}

tokio::task_local! {
    static OBSERVER: RefCell<Exchange>;
}

/// Runs `call` and returns its output with what its last HTTP exchange returned.
///
/// ```no_run
/// # async fn demo(client: &opentrain_gen::Client) {
/// let (result, exchange) = opentrain_gen::transport::observe(client.get_me().send()).await;
/// if result.is_err() {
///     eprintln!("failed with HTTP status {:?}", exchange.status);
/// }
/// # }
/// ```
pub async fn observe<F: Future>(call: F) -> (F::Output, Exchange) {
    let mut scoped = std::pin::pin!(OBSERVER.scope(RefCell::new(Exchange::default()), call));
    let output = scoped.as_mut().await;
    // The record stays in the finished scope: take it without a copy.
    let exchange = scoped
        .as_mut()
        .take_value()
        .map(RefCell::into_inner)
        .unwrap_or_default();
    (output, exchange)
}

fn with_exchange(f: impl FnOnce(&mut Exchange)) {
    let _ = OBSERVER.try_with(|slot| {
        if let Ok(mut e) = slot.try_borrow_mut() {
            f(&mut e);
        }
    });
}

/// The request id carried by response headers, if any.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl ClientHooks<RequestDefaults> for Client {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().apply(&mut request);
        let method = request.method().as_str().to_owned();
        let sent = self.client().execute(request).await;
        // One update per exchange, made whether or not a response arrived.
        with_exchange(|e| {
            *e = Exchange {
                operation: Some(info.operation_id),
                method: Some(method),
                requests: e.requests + 1,
                ..Exchange::default()
            };
            if let Ok(response) = &sent {
                let headers = response.headers();
                e.status = Some(response.status().as_u16());
                e.request_id = request_id(headers);
                e.retry_after = headers
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
            }
        });
        let response = sent?;
        let status = response.status();
        if status.is_client_error() || status.is_server_error() {
            keep_error_status(response).await
        } else {
            Ok(response)
        }
    }
}

async fn keep_error_status(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let body = response.bytes().await?;
    with_exchange(|e| e.error_body = Some(body.clone()));
    if serde_json::from_slice::<crate::types::ErrorEnvelope>(&body).is_ok() {
        return Ok(rebuild(status, version, headers, body.to_vec()));
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned();
    let synthetic = serde_json::json!({
        "error": snippet(&body),
        "code": code_for(status.as_u16()),
        "requestId": request_id(&headers).unwrap_or_default(),
        "details": {},
    });
    let synthetic = serde_json::to_vec(&synthetic).unwrap_or_default();
    if serde_json::from_slice::<crate::types::ErrorEnvelope>(&synthetic).is_err() {
        // The spec's envelope changed shape; hand the original body on unchanged.
        return Ok(rebuild(status, version, headers, body.to_vec()));
    }
    headers.insert(
        SYNTHETIC_ERROR_HEADER,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("unreadable")),
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.remove(reqwest::header::CONTENT_LENGTH);
    Ok(rebuild(status, version, headers, synthetic))
}

fn rebuild(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded, whitespace collapsed.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = out.char_indices().nth(SNIPPET_CHARS) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// The envelope `code` the API uses for a status (the documented mapping).
pub fn code_for(status: u16) -> &'static str {
    match status {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "RATE_LIMITED",
        500..=599 => "INTERNAL_ERROR",
        _ => "BAD_REQUEST",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_collapses_whitespace_and_truncates() {
        assert_eq!(
            snippet(b"<html>\n  <body>Bad   gateway</body>"),
            "<html> <body>Bad gateway</body>"
        );
        let long = "x".repeat(500);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn codes_follow_the_documented_mapping() {
        assert_eq!(code_for(429), "RATE_LIMITED");
        assert_eq!(code_for(502), "INTERNAL_ERROR");
        assert_eq!(code_for(418), "BAD_REQUEST");
    }
}
