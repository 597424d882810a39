//! The request pipeline: what happens to every HTTP request the client sends.
//!
//! Every generated operation reaches the client's pipeline through the transport hook of
//! `opentrain-gen` (progenitor's `ClientHooks::exec`), and the agent-auth requests of
//! [`crate::agent`] call it directly, so each request gets the same treatment, per HTTP request:
//!
//! 1. **Authentication and identity**: the bearer token (a sensitive header) and the user agent
//!    are added unless the request sets them.
//! 2. **Tracing**: a span per call (`opentrain.request`, with the spec's `operationId`, method
//!    and path template) and an event per attempt (attempt number, status, request id, the wait
//!    before the next); no header, body or URL is recorded, so no secret can be.
//! 3. **Error capture**: a 4xx/5xx body (an envelope, an OAuth error, an HTML page, nothing)
//!    goes through the crate's one error decoder, once, at the moment it arrives.
//! 4. **The retry decision**: the request that failed is re-sent, exactly as it was, only when
//!    it is a read, a documented idempotent write, or never reached the server, and the failure
//!    is one worth retrying ([`RetryPolicy`]); waits follow the policy's [`Backoff`]
//!    (`Retry-After` / `retryAfterSeconds` win). Nothing re-runs the caller's code.
//! 5. **The deadline**: the attempts and the waits between them share one deadline; running out
//!    is [`Error::DeadlineExceeded`], naming the operation and the attempts made.
//!
//! A failure goes back to the generated code as a verdict response
//! (`opentrain_gen::transport::verdict_response`), and `?` turns the generated error into the
//! very [`Error`] decided here.
//!
//! [`Backoff`]: crate::Backoff

use std::time::Duration;

use opentrain_gen::operations::Operation;
use opentrain_gen::transport::{self, BoxFuture, NO_RESPONSE_STATUS};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use tokio::time::Instant;

use crate::backoff;
use crate::error::{Error, Failure, decode_failure, request_id};
use crate::retry::{self, RetryPolicy};

/// The default overall deadline of one call, across its attempts and the waits between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The configured pipeline of one client.
#[derive(Clone, Debug)]
pub(crate) struct Pipeline {
    /// Added to every request that does not set them: `Authorization` (sensitive) and
    /// `User-Agent`.
    headers: HeaderMap,
    policy: RetryPolicy,
    deadline: Option<Duration>,
}

impl Pipeline {
    /// A pipeline that sends `token` (if any) and `user_agent` with every request.
    pub(crate) fn new(
        token: Option<&str>,
        user_agent: &str,
        policy: RetryPolicy,
        deadline: Option<Duration>,
    ) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(user_agent).map_err(|_| {
                Error::InvalidRequest("the user agent is not a valid header value".into())
            })?,
        );
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::InvalidRequest("the token holds characters a header cannot carry".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Ok(Self {
            headers,
            policy,
            deadline,
        })
    }

    /// The same pipeline with another deadline.
    pub(crate) fn with_deadline(&self, deadline: Option<Duration>) -> Self {
        Self {
            deadline,
            ..self.clone()
        }
    }

    /// The same pipeline without the `Authorization` header (the agent-auth endpoints take
    /// their credentials in the body).
    pub(crate) fn without_token(&self) -> Self {
        let mut headers = self.headers.clone();
        headers.remove(AUTHORIZATION);
        Self {
            headers,
            ..self.clone()
        }
    }

    pub(crate) fn user_agent(&self) -> &str {
        self.headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(crate::USER_AGENT)
    }

    pub(crate) fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub(crate) fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// Sends `request` of `operation` through every step of the pipeline and returns the
    /// response to decode (a 2xx the operation documents), or the failure.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<reqwest::Response, Error> {
        let span = tracing::info_span!(
            "opentrain.request",
            operation = operation.operation_id,
            method = operation.method,
            path = operation.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // The span is the parent of every event, not entered around the future: entering it on
        // every poll of the exchange costs more than the rest of the pipeline together.
        self.attempts(http, request, operation, &span).await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static Operation,
        span: &tracing::Span,
    ) -> Result<reqwest::Response, Error> {
        for (name, value) in &self.headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
        let safe = retry::safe_to_repeat(operation, &request);
        let started = Instant::now();
        let deadline_at = self.deadline.and_then(|d| started.checked_add(d));
        let mut attempt = 1;
        loop {
            let again = (attempt < self.policy.attempts())
                .then(|| request.try_clone())
                .flatten();
            let outcome = match deadline_at {
                Some(at) => {
                    let Ok(outcome) =
                        tokio::time::timeout_at(at, exchange(http, request, operation)).await
                    else {
                        span.record("attempts", attempt);
                        tracing::debug!(parent: span, attempt, "deadline");
                        return Err(self.deadline_exceeded(operation, attempt, None));
                    };
                    outcome
                }
                None => exchange(http, request, operation).await,
            };
            let failed = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let id = request_id(response.headers());
                    span.record("attempts", attempt);
                    span.record("status", status);
                    if let Some(id) = &id {
                        span.record("request_id", id.as_str());
                    }
                    tracing::debug!(parent: span, attempt, status, request_id = id.as_deref(), "response");
                    return Ok(response);
                }
                Err(failed) => failed,
            };
            let status = failed.error.status();
            let id = failed.error.request_id().map(str::to_owned);
            span.record("attempts", attempt);
            if let Some(status) = status {
                span.record("status", status);
            }
            if let Some(id) = &id {
                span.record("request_id", id.as_str());
            }
            let code = failed.error.api().map(|api| api.code.as_str().to_owned());
            let retry = match again {
                Some(next) if self.policy.should_retry(&failed.error, safe) => self
                    .policy
                    .wait_before_next(attempt, failed.error.retry_after().or(failed.retry_after))
                    .map(|wait| (wait, next)),
                _ => None,
            };
            let Some((wait, next)) = retry else {
                tracing::debug!(
                    parent: span,
                    attempt,
                    status,
                    request_id = id.as_deref(),
                    code = code.as_deref(),
                    "failed"
                );
                return Err(failed.error);
            };
            if deadline_at.is_some_and(|at| Instant::now() + wait >= at) {
                tracing::debug!(parent: span, attempt, status, request_id = id.as_deref(), "deadline");
                return Err(self.deadline_exceeded(operation, attempt, Some(failed.error)));
            }
            tracing::debug!(
                parent: span,
                attempt,
                status,
                request_id = id.as_deref(),
                code = code.as_deref(),
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            backoff::pause(wait).await;
            request = next;
            attempt += 1;
        }
    }

    fn deadline_exceeded(
        &self,
        operation: &'static Operation,
        attempts: u32,
        last: Option<Error>,
    ) -> Error {
        Error::DeadlineExceeded {
            operation: operation.operation_id,
            attempts,
            deadline: self.deadline.unwrap_or_default(),
            last: last.map(Box::new),
        }
    }
}

/// A failed attempt: the decoded failure and the `Retry-After` header, if sent.
struct Attempted {
    error: Error,
    retry_after: Option<Duration>,
}

impl Attempted {
    fn no_time(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// One HTTP exchange: a documented 2xx comes back unread; anything else is read and decoded.
async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    operation: &'static Operation,
) -> Result<reqwest::Response, Attempted> {
    let response = http.execute(request).await.map_err(|e| {
        Attempted::no_time(match Error::from(e) {
            Error::Timeout { .. } => Error::Timeout {
                operation: Some(operation.operation_id),
            },
            other => other,
        })
    })?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) && documents(operation, status) {
        return match (operation.carries_secret, operation.decode_success) {
            (true, Some(decode)) => check_secret_body(response, operation, decode).await,
            _ => Ok(response),
        };
    }
    let headers = response.headers().clone();
    let header = |name: &reqwest::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header(&RETRY_AFTER);
    let content_type = header(&reqwest::header::CONTENT_TYPE);
    let body = response
        .bytes()
        .await
        .map_err(|e| Attempted::no_time(Error::from(e)))?;
    let error = if (200..300).contains(&status) {
        Error::Decode {
            status: Some(status),
            request_id: request_id(&headers),
            content_type,
            message: format!("status {status} is not one this operation documents"),
            body_snippet: crate::error::snippet(&body),
        }
    } else {
        decode_failure(Failure {
            status: Some(status),
            content_type: content_type.as_deref(),
            request_id: request_id(&headers),
            retry_after: retry_after.as_deref(),
            body: &body,
        })
    };
    Err(Attempted {
        error,
        retry_after: retry_after
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_secs),
    })
}

/// A success body that carries a secret (a created token, a webhook secret) is decoded here
/// first, so that a body of the wrong shape becomes a decode error that keeps the status and
/// the position but quotes nothing: neither the body nor serde's message, which can quote a
/// value. Only the two operations whose success carries a secret pay for the extra decode.
async fn check_secret_body(
    response: reqwest::Response,
    operation: &'static Operation,
    decode: fn(&[u8]) -> Result<serde_json::Value, serde_json::Error>,
) -> Result<reqwest::Response, Attempted> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Attempted::no_time(Error::from(e)))?;
    if let Err(e) = decode(&body) {
        return Err(Attempted::no_time(Error::Decode {
            status: Some(status.as_u16()),
            request_id: request_id(&headers),
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            message: format!(
                "the {} success body does not match the documented response ({:?} error at \
                 line {}, column {}); it carries a secret, so it is not quoted",
                operation.operation_id,
                e.classify(),
                e.line(),
                e.column()
            ),
            body_snippet: String::new(),
        }));
    }
    let mut rebuilt = http::Response::new(reqwest::Body::from(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Whether `operation` declares the 2xx `status` (exactly, or as a `2XX` range).
fn documents(operation: &Operation, status: u16) -> bool {
    operation.success_statuses.contains(&status)
        || operation.status_ranges.contains(&(status / 100))
}

impl transport::Pipeline for Pipeline {
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            let url = request.url().clone();
            match self.send(http, request, operation).await {
                Ok(response) => Ok(response),
                Err(error) => {
                    let status = error.status().unwrap_or(NO_RESPONSE_STATUS);
                    Ok(transport::verdict_response(
                        status,
                        Some(url),
                        HeaderMap::new(),
                        Box::new(error),
                    ))
                }
            }
        })
    }
}
