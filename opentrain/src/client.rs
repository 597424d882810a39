//! [`Client`], its builder, and the single request path every call takes.
//!
//! [`Client::call`] runs any generated operation of [`crate::raw`] with the facade's
//! authentication, the [`RetryPolicy`] and the one error decoder, so every one of the API's
//! operations is usable with [`Error`] without a hand-written wrapper per operation. The named
//! methods elsewhere in the crate are built on it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use opentrain_gen::transport::{self, Exchange, RequestDefaults, SYNTHETIC_ERROR_HEADER};
use opentrain_gen::{ClientInfo, ResponseValue};

use crate::config::{self, SecretToken};
use crate::error::{Error, Failure, decode_failure};
use crate::retry::{IDEMPOTENT_WRITES, RetryPolicy};

/// The default request timeout (the official CLI's).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!("opentrain-rs/", env!("CARGO_PKG_VERSION"));

/// A client of the OpenTrain Public API. Cheap to clone; clones share one connection pool.
///
/// ```no_run
/// # async fn demo() -> Result<(), opentrain::Error> {
/// // Token and base URL found the way the official CLI finds them.
/// let client = opentrain::Client::from_env()?;
/// // Any generated operation, with the facade's auth, retries and errors:
/// let job = client.call(async |raw| raw.get_job().id("job_123").send().await).await?;
/// # let _ = job; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    raw: opentrain_gen::Client,
    http: reqwest::Client,
    base_url: String,
    token: Option<SecretToken>,
    user_agent: String,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
///
/// ```
/// let client = opentrain::Client::builder()
///     .base_url("http://127.0.0.1:8080")
///     .token("ot_pat_example")
///     .timeout(std::time::Duration::from_secs(10))
///     .build()
///     .expect("valid configuration");
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// ```
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    token: Option<String>,
    base_url: Option<String>,
    from_env: bool,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "(redacted)"))
            .field("base_url", &self.base_url)
            .field("from_env", &self.from_env)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The personal API token (`ot_pat_...`). Wins over the environment and the credentials file.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The server root, e.g. `https://app.opentrain.ai` (the `/api/public/v1` path is added).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Fill in what was not set explicitly the way the official CLI does: `OT_API_TOKEN` /
    /// `OPENTRAIN_API_TOKEN`, `OT_API_BASE_URL` / `OPENTRAIN_API_BASE_URL`, then the credentials
    /// file `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`.
    pub fn from_env(mut self) -> Self {
        self.from_env = true;
        self
    }

    /// Replaces the `opentrain-rs/<version>` user agent.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The timeout of one request (default 30 s). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Use this `reqwest::Client` (its TLS, proxy, timeouts and pool) instead of building one.
    /// The token and user agent are still added to every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Fails on a token without the `ot_pat_` prefix, a base URL that is not
    /// http(s), or (with [`ClientBuilder::from_env`]) an unreadable credentials file.
    pub fn build(self) -> Result<Client, Error> {
        let resolved = if self.from_env {
            config::resolve_from_process_env(self.token.as_deref(), self.base_url.as_deref())?
        } else {
            config::resolve(self.token.as_deref(), self.base_url.as_deref(), &|_| None)?
        };
        let user_agent = self.user_agent.unwrap_or_else(|| USER_AGENT.to_owned());
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(
                    self.timeout
                        .unwrap_or(DEFAULT_TIMEOUT)
                        .min(Duration::from_secs(10)),
                )
                .build()
                .map_err(Error::from)?,
        };
        let mut defaults = RequestDefaults::new()
            .with_user_agent(&user_agent)
            .ok_or_else(|| {
                Error::InvalidRequest("the user agent is not a valid header value".into())
            })?;
        if let Some(token) = &resolved.token {
            defaults = defaults.with_bearer(token.expose()).ok_or_else(|| {
                Error::InvalidRequest("the token holds characters a header cannot carry".into())
            })?;
        }
        let raw = opentrain_gen::Client::new_with_client(
            &config::api_url(&resolved.base_url),
            http.clone(),
            defaults,
        );
        Ok(Client {
            inner: Arc::new(Inner {
                raw,
                http,
                base_url: resolved.base_url,
                token: resolved.token,
                user_agent,
                retry: self.retry.unwrap_or_default(),
            }),
        })
    }
}

/// Whether a write may be sent again after the server may have seen it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// Reads and the documented idempotent writes only.
    ByPolicy,
    /// The caller vouches the write is idempotent (e.g. a draft create with an idempotency key).
    Vouched,
}

impl Client {
    /// A builder with nothing set: no token, `https://app.opentrain.ai`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured exactly as the official CLI configures itself (see
    /// [`ClientBuilder::from_env`]). Having no token at all is fine: the tokenless marketplace
    /// reads still work.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().from_env().build()
    }

    /// The server root this client talks to, e.g. `https://app.opentrain.ai`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether the client carries a token.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The generated client underneath, for calls made without the facade's retries and error
    /// decoding (prefer [`Client::call`]).
    pub fn raw(&self) -> &opentrain_gen::Client {
        &self.inner.raw
    }

    /// The `reqwest::Client` in use (shared connection pool).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A client like this one with another token (same pool, base URL and policy).
    pub fn with_token(&self, token: SecretToken) -> Result<Client, Error> {
        let defaults = RequestDefaults::new()
            .with_user_agent(&self.inner.user_agent)
            .and_then(|d| d.with_bearer(token.expose()))
            .ok_or_else(|| {
                Error::InvalidRequest("the token holds characters a header cannot carry".into())
            })?;
        let raw = opentrain_gen::Client::new_with_client(
            self.inner.raw.baseurl(),
            self.inner.http.clone(),
            defaults,
        );
        Ok(Client {
            inner: Arc::new(Inner {
                raw,
                http: self.inner.http.clone(),
                base_url: self.inner.base_url.clone(),
                token: Some(token),
                user_agent: self.inner.user_agent.clone(),
                retry: self.inner.retry.clone(),
            }),
        })
    }

    /// Runs a generated operation with the facade's auth, retries and error decoding and
    /// returns its decoded body.
    ///
    /// The async closure builds and sends the request; it runs once per attempt. Reads and the
    /// documented idempotent writes are retried on retryable failures; other writes only when
    /// the server never saw them.
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let approval = client.call(async |raw| raw.get_approval().approval_id("apr_1").send().await).await?;
    /// # let _ = approval; Ok(()) }
    /// ```
    pub async fn call<T, E, F>(&self, op: F) -> Result<T, Error>
    where
        F: AsyncFn(&opentrain_gen::Client) -> Result<ResponseValue<T>, opentrain_gen::Error<E>>,
    {
        self.run(|| op(&self.inner.raw), Repeat::ByPolicy)
            .await
            .map(ResponseValue::into_inner)
    }

    /// [`Client::call`] for a future you need to be `Send` (to `tokio::spawn` it) while the
    /// request captures data such as an id: today's compiler cannot prove an `async` closure
    /// that borrows its captures `Send` for every lifetime, so here the closure gets its own
    /// handle of the raw client (a cheap clone) and returns a future that owns what it uses.
    /// Same auth, retries and error decoding as [`Client::call`].
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) {
    /// let id = String::from("apr_1");
    /// let task = tokio::spawn({
    ///     let client = client.clone();
    ///     async move {
    ///         client
    ///             .call_owned(|raw| {
    ///                 let id = id.clone();
    ///                 async move { raw.get_approval().approval_id(id).send().await }
    ///             })
    ///             .await
    ///     }
    /// });
    /// # let _ = task; }
    /// ```
    pub async fn call_owned<T, E, F, Fut>(&self, op: F) -> Result<T, Error>
    where
        F: Fn(opentrain_gen::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, opentrain_gen::Error<E>>>,
    {
        self.run(|| op(self.inner.raw.clone()), Repeat::ByPolicy)
            .await
            .map(ResponseValue::into_inner)
    }

    /// Like [`Client::call`], but returns the status and headers with the body.
    pub async fn call_response<T, E, F>(&self, op: F) -> Result<ResponseValue<T>, Error>
    where
        F: AsyncFn(&opentrain_gen::Client) -> Result<ResponseValue<T>, opentrain_gen::Error<E>>,
    {
        self.run(|| op(&self.inner.raw), Repeat::ByPolicy).await
    }

    /// Like [`Client::call_owned`] for a write the caller knows is safe to repeat (for example
    /// a draft create that carries an idempotency key): it is retried like a read.
    pub async fn call_idempotent<T, E, F, Fut>(&self, op: F) -> Result<T, Error>
    where
        F: Fn(opentrain_gen::Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, opentrain_gen::Error<E>>>,
    {
        self.run(|| op(self.inner.raw.clone()), Repeat::Vouched)
            .await
            .map(ResponseValue::into_inner)
    }

    /// The one request loop: send, decode a failure, decide on a retry, wait, repeat.
    async fn run<T, E, Fut>(
        &self,
        mut attempt_once: impl FnMut() -> Fut,
        repeat: Repeat,
    ) -> Result<ResponseValue<T>, Error>
    where
        Fut: Future<Output = Result<ResponseValue<T>, opentrain_gen::Error<E>>>,
    {
        let policy = &self.inner.retry;
        let mut attempt = 1;
        loop {
            let (result, exchange) = transport::observe(attempt_once()).await;
            let error = match result {
                Ok(value) => return Ok(value),
                Err(e) => decode_raw_error(e, &exchange).await,
            };
            let safe = repeat == Repeat::Vouched || is_safe_to_repeat(&exchange);
            if attempt >= policy.attempts() || !policy.should_retry(&error, safe) {
                return Err(error);
            }
            let server_asked = error.retry_after().or_else(|| {
                let seconds = exchange.retry_after.as_deref()?.trim().parse().ok()?;
                Some(Duration::from_secs(seconds))
            });
            let Some(wait) = policy.wait_before_next(attempt, server_asked) else {
                return Err(error);
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// Reads and the documented idempotent writes may be repeated after the server saw them.
fn is_safe_to_repeat(exchange: &Exchange) -> bool {
    if matches!(exchange.method.as_deref(), Some("GET" | "HEAD" | "OPTIONS")) {
        return true;
    }
    exchange.operation.is_some_and(|method| {
        opentrain_gen::operations::OPERATIONS
            .iter()
            .any(|o| o.client_method == method && IDEMPOTENT_WRITES.contains(&o.operation_id))
    })
}

/// The one place a generated client's error becomes the facade's [`Error`].
async fn decode_raw_error<E>(error: opentrain_gen::Error<E>, exchange: &Exchange) -> Error {
    use opentrain_gen::Error as Raw;
    match error {
        Raw::InvalidRequest(message) => Error::InvalidRequest(message),
        Raw::CommunicationError(e) | Raw::ResponseBodyError(e) => match Error::from(e) {
            Error::Timeout { .. } => Error::Timeout {
                operation: exchange.operation,
            },
            Error::Decode { message, .. } => Error::Decode {
                status: exchange.status,
                request_id: exchange.request_id.clone(),
                content_type: None,
                message,
                body_snippet: String::new(),
            },
            other => other,
        },
        Raw::InvalidUpgrade(e) => Error::from(e),
        Raw::ErrorResponse(value) => {
            let original_type = value
                .headers()
                .get(SYNTHETIC_ERROR_HEADER)
                .or_else(|| value.headers().get(reqwest::header::CONTENT_TYPE))
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = exchange.error_body.clone().unwrap_or_default();
            decode_failure(Failure {
                status: Some(value.status().as_u16()),
                content_type: original_type.as_deref(),
                request_id: exchange.request_id.clone(),
                retry_after: exchange.retry_after.as_deref(),
                body: &body,
            })
        }
        Raw::InvalidResponsePayload(body, e) => Error::Decode {
            status: exchange.status,
            request_id: exchange.request_id.clone(),
            content_type: None,
            message: format!("the body does not match the documented response: {e}"),
            body_snippet: transport::snippet(&body),
        },
        Raw::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let content_type = headers
                .get(SYNTHETIC_ERROR_HEADER)
                .or_else(|| headers.get(reqwest::header::CONTENT_TYPE))
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            // The hook already buffered an error body (and may have replaced it).
            let body = match exchange.error_body.clone() {
                Some(body) => body,
                None => match response.bytes().await {
                    Ok(b) => b,
                    Err(e) => return Error::from(e),
                },
            };
            if (200..300).contains(&status) {
                return Error::Decode {
                    status: Some(status),
                    request_id: transport::request_id(&headers),
                    content_type,
                    message: format!("status {status} is not one this operation documents"),
                    body_snippet: transport::snippet(&body),
                };
            }
            decode_failure(Failure {
                status: Some(status),
                content_type: content_type.as_deref(),
                request_id: transport::request_id(&headers),
                retry_after: exchange.retry_after.as_deref(),
                body: &body,
            })
        }
        Raw::Custom(message) => Error::Transport {
            connect: false,
            message,
            source: None,
        },
    }
}
