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
//! 5. **The deadline**: the attempts and the waits between them share one deadline. Each
//!    attempt's request timeout is cut to what is left of it, so an attempt it ends is a real
//!    timeout error of `reqwest`, and a wait it would cross is not started: the call ends with
//!    the last failure as it arrived. The span records the attempts made either way.
//!
//! What goes back to the generated code is real: the final response (a failure's body, read
//! here for the decision, is in it again) or the last transport error. The generated code
//! decodes it, and `?` maps the generated error to [`Error`] in one plain mapping.
//!
//! [`Backoff`]: crate::Backoff

mod exchange;
mod retry_copy;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use opentrain_gen::operations::Operation;
use opentrain_gen::transport::{self, BoxFuture};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use tokio::time::Instant;

use crate::backoff;
use crate::error::{Error, request_id};
use crate::retry::{self, RetryPolicy};

pub(crate) use exchange::ReadBody;
use exchange::{Attempted, exchange};
use retry_copy::RetryCopy;

/// The default overall deadline of one call, across its attempts and the waits between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// How long one attempt may take, as far as the pipeline knows.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AttemptTimeout {
    /// The `reqwest::Client` applies this timeout to every request.
    Client(Duration),
    /// The pipeline sets this timeout on every request (the caller's client has its own).
    PerRequest(Duration),
    /// The caller's client decides.
    Unknown,
}

impl AttemptTimeout {
    /// The attempt timeout, when known.
    fn duration(self) -> Option<Duration> {
        match self {
            AttemptTimeout::Client(d) | AttemptTimeout::PerRequest(d) => Some(d),
            AttemptTimeout::Unknown => None,
        }
    }
}

/// The configured pipeline of one client.
#[derive(Clone, Debug)]
pub(crate) struct Pipeline {
    /// `Authorization` (sensitive), added to every request that does not set it.
    authorization: Option<HeaderValue>,
    /// `User-Agent`, added to every request that does not set it.
    user_agent: HeaderValue,
    policy: RetryPolicy,
    deadline: Option<Duration>,
    /// The timeout of one attempt, as far as it is known: the caller's own client's timeout
    /// is not readable from outside.
    attempt_timeout: AttemptTimeout,
    /// Where the body of the last 2xx response goes, when the client keeps it.
    last_body: Option<LastBody>,
}

/// The slot of the last 2xx body. Its `Debug` never shows the bytes: a body may carry a
/// secret (a new token, a webhook secret).
#[derive(Clone, Default)]
struct LastBody(Arc<Mutex<Option<Bytes>>>);

impl std::fmt::Debug for LastBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LastBody(..)")
    }
}

impl LastBody {
    fn put(&self, body: Bytes) {
        // A poisoned lock is still a slot to write to.
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(body);
    }

    fn get(&self) -> Option<Bytes> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Pipeline {
    /// A pipeline that sends `token` (if any) and `user_agent` with every request.
    pub(crate) fn new(
        token: Option<&str>,
        user_agent: &str,
        policy: RetryPolicy,
        deadline: Option<Duration>,
        attempt_timeout: AttemptTimeout,
    ) -> Result<Self, Error> {
        // The default user agent is a static string: sending it costs no allocation and no
        // reference count.
        let user_agent = if user_agent == crate::USER_AGENT {
            HeaderValue::from_static(crate::USER_AGENT)
        } else {
            HeaderValue::from_str(user_agent).map_err(|_| {
                Error::InvalidRequest("the user agent is not a valid header value".into())
            })?
        };
        Ok(Self {
            authorization: token.map(bearer).transpose()?,
            user_agent,
            policy,
            deadline,
            attempt_timeout,
            last_body: None,
        })
    }

    /// The same pipeline, keeping the body of each 2xx response (the last one wins).
    pub(crate) fn keeping_last_body(self) -> Self {
        Self {
            last_body: Some(LastBody::default()),
            ..self
        }
    }

    /// The body of the last 2xx response, when the pipeline keeps it.
    pub(crate) fn last_body(&self) -> Option<Bytes> {
        self.last_body.as_ref()?.get()
    }

    /// The same pipeline with another token.
    pub(crate) fn with_token(&self, token: &str) -> Result<Self, Error> {
        Ok(Self {
            authorization: Some(bearer(token)?),
            ..self.clone()
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
    /// their credentials in the body). It keeps no body: those replies carry tokens and are
    /// not responses of the spec.
    pub(crate) fn without_token(&self) -> Self {
        Self {
            authorization: None,
            last_body: None,
            ..self.clone()
        }
    }

    pub(crate) fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub(crate) fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// Sends `request` of `operation` through every step of the pipeline and returns the
    /// 2xx response, or the failure as the facade's [`Error`] (the agent-auth requests, which
    /// the facade decodes itself).
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<reqwest::Response, Error> {
        self.attempts(http, request, operation)
            .await
            .map_err(|failed| failed.into_error(operation))
    }

    /// Every attempt of one call: the 2xx response, or the last failure.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<reqwest::Response, Attempted> {
        let span = tracing::info_span!(
            "opentrain.request",
            operation = operation.operation_id,
            method = operation.method,
            path = operation.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        let call = Call {
            span,
            safe: retry::safe_to_repeat(operation, &request),
            deadline_at: self.deadline.and_then(|d| started.checked_add(d)),
        };
        // The copy is taken before the pipeline's own headers go in: `prepare` puts them into
        // each retry the same way.
        let again = self.copy_for_retry(&request);
        self.prepare(&mut request, &call, started);
        let mut attempt = 1;
        let mut outcome = exchange(http, request, operation).await;
        loop {
            match outcome {
                Ok(response) => {
                    call.answered(attempt, &response);
                    let Some(slot) = &self.last_body else {
                        return Ok(response);
                    };
                    let (response, body) = exchange::read_success(response, operation).await?;
                    slot.put(body);
                    return Ok(response);
                }
                Err(failed) => {
                    let (wait, copy) = self.next_attempt(&call, attempt, failed, again.as_ref())?;
                    backoff::pause(wait).await;
                    attempt += 1;
                    let mut request = copy.request();
                    self.prepare(&mut request, &call, Instant::now());
                    outcome = exchange(http, request, operation).await;
                }
            }
        }
    }

    /// What every attempt gets: the pipeline's headers (unless the request sets them) and its
    /// timeout: the attempt timeout where the caller's client does not apply it itself, cut to
    /// what is left of the call's deadline at `now`.
    fn prepare(&self, request: &mut reqwest::Request, call: &Call, now: Instant) {
        let headers = request.headers_mut();
        if let Some(authorization) = &self.authorization {
            headers
                .entry(AUTHORIZATION)
                .or_insert_with(|| authorization.clone());
        }
        headers
            .entry(USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());
        if let AttemptTimeout::PerRequest(timeout) = self.attempt_timeout
            && request.timeout().is_none()
        {
            *request.timeout_mut() = Some(timeout);
        }
        if let Some(left) = call.deadline_at.map(|at| at.saturating_duration_since(now)) {
            let bound = request
                .timeout()
                .copied()
                .or(self.attempt_timeout.duration());
            if bound.is_none_or(|bound| bound > left) {
                *request.timeout_mut() = Some(left);
            }
        }
    }

    /// The copy of `request` its retries are made from, if the policy allows any and the
    /// request can be copied.
    fn copy_for_retry(&self, request: &reqwest::Request) -> Option<RetryCopy> {
        if self.policy.attempts() > 1 {
            RetryCopy::of(request)
        } else {
            None
        }
    }

    /// After failed attempt `attempt`: the wait before the next, or the failure to return (not
    /// worth retrying, not safe to repeat, no copy to send, attempts used up, or a wait that
    /// would cross the deadline).
    // The failure moves on as it is: it only exists once an attempt has failed.
    #[allow(clippy::result_large_err)]
    fn next_attempt<'c>(
        &self,
        call: &Call,
        attempt: u32,
        failed: Attempted,
        again: Option<&'c RetryCopy>,
    ) -> Result<(Duration, &'c RetryCopy), Attempted> {
        let span = &call.span;
        let status = failed.error.status();
        let id = failed.error.request_id().map(str::to_owned);
        record(span, attempt, status, id.clone());
        let code = failed.error.api().map(|api| api.code.as_str().to_owned());
        let next = match again {
            Some(copy)
                if attempt < self.policy.attempts()
                    && self.policy.should_retry(&failed.error, call.safe) =>
            {
                self.policy
                    .wait_before_next(attempt, failed.error.retry_after().or(failed.retry_after))
                    .map(|wait| (wait, copy))
            }
            _ => None,
        };
        let Some((wait, copy)) = next else {
            tracing::debug!(
                parent: span,
                attempt,
                status,
                request_id = id.as_deref(),
                code = code.as_deref(),
                "failed"
            );
            return Err(failed);
        };
        if call
            .deadline_at
            .is_some_and(|at| Instant::now() + wait >= at)
        {
            tracing::debug!(parent: span, attempt, status, request_id = id.as_deref(), "deadline");
            return Err(failed);
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
        Ok((wait, copy))
    }
}

/// What every attempt of one call shares.
struct Call {
    span: tracing::Span,
    /// Whether the request may be sent again after it reached the server.
    safe: bool,
    deadline_at: Option<Instant>,
}

impl Call {
    /// Records attempt `attempt`'s answer on the span (taken by reference: a response is
    /// 136 bytes, copied at every move).
    fn answered(&self, attempt: u32, response: &reqwest::Response) {
        let status = response.status().as_u16();
        if !self.span.is_disabled() {
            record(
                &self.span,
                attempt,
                Some(status),
                request_id(response.headers()),
            );
        }
        tracing::debug!(
            parent: &self.span,
            attempt,
            status,
            request_id = request_id(response.headers()).as_deref(),
            "response"
        );
    }
}

/// The `Authorization` value for `token`, marked sensitive (never printed by `http`).
fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        Error::InvalidRequest("the token holds characters a header cannot carry".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// What the span of a call records of its last attempt.
fn record(span: &tracing::Span, attempt: u32, status: Option<u16>, request_id: Option<String>) {
    span.record("attempts", attempt);
    if let Some(status) = status {
        span.record("status", status);
    }
    if let Some(id) = &request_id {
        span.record("request_id", id.as_str());
    }
}

impl transport::Pipeline for Pipeline {
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(async move {
            match self.attempts(http, request, operation).await {
                Ok(response) => Ok(response),
                Err(failed) => failed.into_outcome(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{AttemptTimeout, Call, Pipeline};
    use crate::RetryPolicy;

    fn pipeline(deadline: Duration, attempt_timeout: AttemptTimeout) -> Pipeline {
        Pipeline::new(
            None,
            crate::USER_AGENT,
            RetryPolicy::default(),
            Some(deadline),
            attempt_timeout,
        )
        .unwrap()
    }

    fn call(pipeline: &Pipeline, now: Instant) -> Call {
        Call {
            span: tracing::Span::none(),
            safe: true,
            deadline_at: pipeline.deadline.map(|d| now + d),
        }
    }

    fn request(timeout: Option<Duration>) -> reqwest::Request {
        let mut request = reqwest::Client::new()
            .get("http://127.0.0.1:1/api/public/v1/auth/me")
            .build()
            .unwrap();
        *request.timeout_mut() = timeout;
        request
    }

    /// The timeout `prepare` gives a request with `timeout` of its own, at `at` into a call
    /// that started at `now`.
    fn prepared(
        pipeline: &Pipeline,
        timeout: Option<Duration>,
        now: Instant,
        at: Instant,
    ) -> Option<Duration> {
        let mut sent = request(timeout);
        pipeline.prepare(&mut sent, &call(pipeline, now), at);
        sent.timeout().copied()
    }

    #[tokio::test(start_paused = true)]
    async fn an_attempt_that_could_outlive_the_deadline_gets_what_is_left_of_it_as_its_timeout() {
        let now = Instant::now();
        let secs = Duration::from_secs;
        // The client's 30 s timeout ends every attempt before a 120 s deadline.
        let bounded = pipeline(secs(120), AttemptTimeout::Client(secs(30)));
        assert_eq!(prepared(&bounded, None, now, now), None);
        // A 10 s deadline ends before a 30 s attempt could.
        let short = pipeline(secs(10), AttemptTimeout::Client(secs(30)));
        assert_eq!(prepared(&short, None, now, now), Some(secs(10)));
        // A later attempt has less of the deadline left.
        assert_eq!(
            prepared(&bounded, None, now, now + secs(100)),
            Some(secs(20))
        );
        // The caller's own client: its timeout is unknown, so the deadline bounds the attempt,
        // unless the request's own timeout ends first.
        let unknown = pipeline(secs(120), AttemptTimeout::Unknown);
        assert_eq!(prepared(&unknown, None, now, now), Some(secs(120)));
        assert_eq!(prepared(&unknown, Some(secs(5)), now, now), Some(secs(5)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_attempt_timeout_is_set_on_requests_only_where_the_client_does_not_apply_it() {
        let now = Instant::now();
        let secs = Duration::from_secs;
        let client = pipeline(secs(120), AttemptTimeout::Client(secs(30)));
        assert_eq!(
            prepared(&client, None, now, now),
            None,
            "the facade's own client applies it"
        );
        let per_request = pipeline(secs(120), AttemptTimeout::PerRequest(secs(30)));
        assert_eq!(prepared(&per_request, None, now, now), Some(secs(30)));
        assert_eq!(
            prepared(&per_request, Some(secs(3)), now, now),
            Some(secs(3)),
            "a request's own timeout stays"
        );
    }
}
