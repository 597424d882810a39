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

mod exchange;
mod first_attempt;
mod retry_copy;

use std::future::Future;
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::Either;

use opentrain_gen::operations::Operation;
use opentrain_gen::transport::{self, BoxFuture, NO_RESPONSE_STATUS};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use tokio::time::Instant;

use crate::backoff;
use crate::error::{Error, request_id};
use crate::retry::{self, RetryPolicy};

use exchange::{Attempted, exchange, settle};
use first_attempt::{First, FirstAttempt, InFlight};
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
        })
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
    /// their credentials in the body).
    pub(crate) fn without_token(&self) -> Self {
        Self {
            authorization: None,
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
    /// response to decode (a 2xx the operation documents), or the failure.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> Result<reqwest::Response, Error> {
        self.attempts(http, request, operation, |outcome| {
            outcome.map_err(|failed| failed.error)
        })
        .await
    }

    /// Every attempt of one call. The request is prepared and handed to `reqwest` before the
    /// returned future starts, so that future holds the small in-flight exchange and the copy
    /// for a retry, not the request twice over; retries run in a future of their own, boxed
    /// when the first attempt fails. A failure keeps the URL it was for, which the verdict
    /// response hands on to the raw error. `finish` turns the outcome into what the caller
    /// hands on (the transport's response, or the facade's own result) inside the same future.
    fn attempts<'a, O, F>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static Operation,
        finish: F,
    ) -> FirstAttempt<
        'a,
        impl Future<Output = reqwest::Result<reqwest::Response>> + Send + Unpin + use<'a, O, F>,
        F,
    >
    where
        F: Fn(Result<reqwest::Response, Attempted>) -> O,
    {
        // The span is the parent of every event, not entered around the future: entering it on
        // every poll of the exchange costs more than the rest of the pipeline together.
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
            operation,
            safe: retry::safe_to_repeat(operation, &request),
            deadline_at: self.deadline.and_then(|d| started.checked_add(d)),
        };
        // The copy is taken before the pipeline's own headers go in: fewer to copy, and
        // `prepare` puts them into each retry the same way.
        let again = self.copy_for_retry(&request);
        self.prepare(&mut request);
        let deadline = self
            .deadline_guard(&request, &call, started)
            .map(|at| Box::pin(tokio::time::sleep_until(at)));
        FirstAttempt {
            pipeline: self,
            http,
            state: First::InFlight(InFlight {
                sent: http.execute(request),
                deadline,
                call,
                again,
            }),
            finish,
        }
    }

    /// Everything after a first attempt that did not end in a documented 2xx (or ended in one
    /// whose body carries a secret, checked here): reading the failure, then the retries.
    async fn after_first(
        &self,
        http: &reqwest::Client,
        call: Call,
        outcome: reqwest::Result<reqwest::Response>,
        again: Option<RetryCopy>,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response, Attempted> {
        let settled = settle(outcome, call.operation);
        let landed = match deadline {
            Some(at) => tokio::time::timeout_at(at, settled).await.ok(),
            None => Some(settled.await),
        };
        match landed {
            Some(Ok(response)) => {
                call.answered(1, &response);
                Ok(response)
            }
            Some(Err(failed)) => self.retries(http, call, failed, again).await,
            None => Err(self.out_of_time(&call, 1, again.as_ref())),
        }
    }

    /// The attempts after a failed first one, for as long as the policy and the deadline allow.
    async fn retries(
        &self,
        http: &reqwest::Client,
        call: Call,
        mut failed: Attempted,
        again: Option<RetryCopy>,
    ) -> Result<reqwest::Response, Attempted> {
        let mut attempt = 1;
        loop {
            let (wait, copy) = self.next_attempt(&call, attempt, failed, again.as_ref())?;
            backoff::pause(wait).await;
            attempt += 1;
            let mut request = copy.request();
            self.prepare(&mut request);
            match self.launch(http, request, &call, Instant::now()).await {
                Some(Ok(response)) => {
                    call.answered(attempt, &response);
                    return Ok(response);
                }
                Some(Err(next)) => failed = next,
                None => return Err(self.out_of_time(&call, attempt, again.as_ref())),
            }
        }
    }

    /// What every attempt gets: the pipeline's headers (unless the request sets them) and the
    /// attempt timeout, when the caller's client does not apply it itself.
    fn prepare(&self, request: &mut reqwest::Request) {
        // `entry`: one lookup per header, where `contains_key` + `insert` would hash twice.
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

    /// The deadline an attempt starting `now` must be cut short at, if it could outlive it: an
    /// attempt whose own timeout ends first cannot, and needs no deadline timer.
    fn deadline_guard(
        &self,
        request: &reqwest::Request,
        call: &Call,
        now: Instant,
    ) -> Option<Instant> {
        let bound = request
            .timeout()
            .copied()
            .or(self.attempt_timeout.duration());
        call.deadline_at
            .filter(|at| bound.is_none_or(|t| now.checked_add(t).is_none_or(|end| end > *at)))
    }

    /// Hands retry `request` to `reqwest`: the attempt in flight, whose output is `None` when
    /// the deadline ran out first.
    fn launch(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        call: &Call,
        now: Instant,
    ) -> impl Future<Output = Option<Result<reqwest::Response, Attempted>>> + Send + use<> {
        let guard = self.deadline_guard(&request, call, now);
        let exchange = exchange(http.execute(request), call.operation);
        match guard {
            Some(at) => Either::Left(tokio::time::timeout_at(at, exchange).map(Result::ok)),
            None => Either::Right(exchange.map(Some)),
        }
    }

    /// The failure of attempt `attempt` when the deadline ran out during it; `again` (the copy
    /// kept for a retry, if any) names the URL.
    fn out_of_time(&self, call: &Call, attempt: u32, again: Option<&RetryCopy>) -> Attempted {
        record(&call.span, attempt, None, None);
        tracing::debug!(parent: &call.span, attempt, "deadline");
        Attempted {
            error: self.deadline_exceeded(call.operation, attempt, None),
            retry_after: None,
            url: again.map(|copy| copy.url.clone()),
        }
    }

    /// After failed attempt `attempt`: the wait before the next, or the failure to return (not
    /// worth retrying, not safe to repeat, no copy to send, attempts or deadline used up).
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
            return Err(Attempted {
                error: self.deadline_exceeded(call.operation, attempt, Some(failed.error)),
                ..failed
            });
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

/// What every attempt of one call shares.
struct Call {
    span: tracing::Span,
    operation: &'static Operation,
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
        Box::pin(self.attempts(http, request, operation, transport_outcome))
    }
}

/// A call's outcome as the transport hands it back: the response, or the failure inside a
/// verdict response.
fn transport_outcome(
    outcome: Result<reqwest::Response, Attempted>,
) -> reqwest::Result<reqwest::Response> {
    match outcome {
        Ok(response) => Ok(response),
        Err(failed) => Ok(verdict(failed)),
    }
}

/// The verdict response carrying `failed` (see `opentrain_gen::transport::verdict_response`).
#[cold]
#[inline(never)]
fn verdict(failed: Attempted) -> reqwest::Response {
    transport::verdict_response(
        failed.error.status().unwrap_or(NO_RESPONSE_STATUS),
        failed.url,
        HeaderMap::new(),
        Box::new(failed.error),
    )
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
        let operation = opentrain_gen::operations::Operation::by_client_method("get_me").unwrap();
        Call {
            span: tracing::Span::none(),
            operation,
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

    #[tokio::test(start_paused = true)]
    async fn only_an_attempt_that_could_outlive_the_deadline_gets_a_deadline_timer() {
        let now = Instant::now();
        let secs = Duration::from_secs;
        // The client's 30 s timeout ends every attempt before a 120 s deadline.
        let bounded = pipeline(secs(120), AttemptTimeout::Client(secs(30)));
        assert_eq!(
            bounded.deadline_guard(&request(None), &call(&bounded, now), now),
            None
        );
        // A 10 s deadline ends before a 30 s attempt could.
        let short = pipeline(secs(10), AttemptTimeout::Client(secs(30)));
        assert_eq!(
            short.deadline_guard(&request(None), &call(&short, now), now),
            Some(now + secs(10))
        );
        // A later attempt has less of the deadline left.
        let later = now + secs(100);
        assert_eq!(
            bounded.deadline_guard(&request(None), &call(&bounded, now), later),
            Some(now + secs(120))
        );
        // The caller's own client: its timeout is unknown, unless the request carries one.
        let unknown = pipeline(secs(120), AttemptTimeout::Unknown);
        let unknown_call = call(&unknown, now);
        assert_eq!(
            unknown.deadline_guard(&request(None), &unknown_call, now),
            Some(now + secs(120))
        );
        assert_eq!(
            unknown.deadline_guard(&request(Some(secs(5))), &unknown_call, now),
            None
        );
    }

    #[test]
    fn the_attempt_timeout_is_set_on_requests_only_where_the_client_does_not_apply_it() {
        let secs = Duration::from_secs;
        let mut sent = request(None);
        pipeline(secs(120), AttemptTimeout::Client(secs(30))).prepare(&mut sent);
        assert_eq!(sent.timeout(), None, "the facade's own client applies it");
        let mut sent = request(None);
        pipeline(secs(120), AttemptTimeout::PerRequest(secs(30))).prepare(&mut sent);
        assert_eq!(sent.timeout(), Some(&secs(30)));
        let mut sent = request(Some(secs(3)));
        pipeline(secs(120), AttemptTimeout::PerRequest(secs(30))).prepare(&mut sent);
        assert_eq!(
            sent.timeout(),
            Some(&secs(3)),
            "a request's own timeout stays"
        );
        let mut sent = request(None);
        pipeline(secs(120), AttemptTimeout::Unknown).prepare(&mut sent);
        assert_eq!(sent.timeout(), None);
    }
}
