//! [`Client`] and its builder.
//!
//! A [`Client`] has one method per operation of the API (43 today), a builder chain ending in
//! `.send().await`, named after the snake case of its `operationId`
//! (`client.close_job().id(&id).send().await?`). Each of those
//! requests runs through the client's [pipeline](crate::pipeline) (auth, retries, deadline,
//! error capture, tracing), and `?` turns its error into [`Error`]. The facade's own methods
//! (paging, waiting for approvals, workflows) are built on these.

use std::sync::Arc;
use std::time::Duration;

use opentrain_gen::transport::Transport;

use crate::config::{self, Secret};
use crate::error::Error;
use crate::pipeline::{AttemptTimeout, DEFAULT_DEADLINE, Pipeline};
use crate::retry::RetryPolicy;

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
/// // Any of the 43 operations, with the facade's auth, retries, deadline and errors:
/// client.close_job().id("job_123").send().await?;
/// // A shorter deadline for one call:
/// let job = client.with_deadline(std::time::Duration::from_secs(5)).get_job().id("job_9").send().await?;
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
    token: Option<Secret>,
    pipeline: Arc<Pipeline>,
}

impl Client {
    fn assemble(
        http: reqwest::Client,
        base_url: String,
        token: Option<Secret>,
        pipeline: Pipeline,
    ) -> Client {
        let pipeline = Arc::new(pipeline);
        let raw = opentrain_gen::Client::new_with_client(
            &config::api_url(&base_url),
            http.clone(),
            Transport::shared(pipeline.clone()),
        );
        Client {
            inner: Arc::new(Inner {
                raw,
                http,
                base_url,
                token,
                pipeline,
            }),
        }
    }
}

/// One method per operation of the spec, named after the snake case of its `operationId` and
/// documented with its summary and description: `client.get_job().id("job_1").send().await?`.
/// Each returns the operation's generated builder; `.send()` runs the request through this
/// client's [pipeline](crate::pipeline) and `?` turns its error into [`Error`]. The list
/// comes from `opentrain-gen` (`for_each_operation!`), so an operation the spec gains appears
/// here on regeneration.
macro_rules! operation_methods {
    ($( $(#[$doc:meta])* $method:ident => $builder:ident; )*) => {
        impl Client {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> crate::builder::$builder<'_> {
                    self.inner.raw.$method()
                }
            )*
        }
    };
}
opentrain_gen::for_each_operation!(operation_methods);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("retry", self.inner.pipeline.policy())
            .field("deadline", &self.inner.pipeline.deadline())
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
    deadline: Option<Option<Duration>>,
    http: Option<reqwest::Client>,
    keep_last_body: bool,
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

    /// The timeout of one attempt of a request (default 30 s), set on every request. With
    /// [`ClientBuilder::http_client`] and no `timeout`, that client's own timeout applies.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The overall deadline of one call across its attempts and the waits between them
    /// (default [`DEFAULT_DEADLINE`](crate::pipeline::DEFAULT_DEADLINE), 120 s). Each attempt's timeout
    /// is cut to what is left of it, so running out during an attempt is that attempt's
    /// [`Error::Timeout`]; a retry wait that would cross it is not started, and the call ends
    /// with the last failure. Per call: [`Client::with_deadline`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// No overall deadline: each attempt is bounded only by the request timeout.
    pub fn without_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    /// Keep a copy of the body of the last 2xx response, exactly as the server sent it, for
    /// [`Client::last_body`]: what a tool that prints "the API response" (a `--json` flag, an
    /// MCP `structuredContent`) prints, with fields the spec does not know yet, while the
    /// typed value serves its summary. Off by default (no copy is made).
    ///
    /// One client per logical call: clients share the slot with their clones
    /// ([`Client::with_deadline`]), so concurrent calls on one client keep whichever ended
    /// last. The agent-auth requests (registration, claim) are never kept: they carry tokens.
    pub fn keep_last_body(mut self) -> Self {
        self.keep_last_body = true;
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
        // The pipeline knows when an attempt ends (and needs no deadline timer for one that
        // ends first): from the client it builds, or by setting the timeout given here on each
        // request of the caller's client. Without either, that client's own timeout applies.
        let (http, attempt_timeout) = match self.http {
            Some(http) => (
                http,
                self.timeout
                    .map_or(AttemptTimeout::Unknown, AttemptTimeout::PerRequest),
            ),
            None => {
                let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
                let http = reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(timeout.min(Duration::from_secs(10)))
                    .build()
                    .map_err(Error::from)?;
                (http, AttemptTimeout::Client(timeout))
            }
        };
        let pipeline = Pipeline::new(
            resolved.token.as_ref().map(Secret::expose),
            &user_agent,
            self.retry.unwrap_or_default(),
            self.deadline.unwrap_or(Some(DEFAULT_DEADLINE)),
            attempt_timeout,
        )?;
        let pipeline = if self.keep_last_body {
            pipeline.keeping_last_body()
        } else {
            pipeline
        };
        Ok(Client::assemble(
            http,
            resolved.base_url,
            resolved.token,
            pipeline,
        ))
    }
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
        self.inner.pipeline.policy()
    }

    /// The overall deadline of one call, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.inner.pipeline.deadline()
    }

    /// The body of the last 2xx response, exactly as the server sent it, when the client was
    /// built with [`ClientBuilder::keep_last_body`]; `None` otherwise or before any response.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), opentrain::Error> {
    /// let client = opentrain::Client::builder().from_env().keep_last_body().build()?;
    /// let me = client.get_me().send().await?.into_inner();
    /// let sent = client.last_body().expect("kept");
    /// println!("{me:?}\n{}", String::from_utf8_lossy(&sent));
    /// # Ok(()) }
    /// ```
    pub fn last_body(&self) -> Option<Vec<u8>> {
        self.inner.pipeline.last_body().map(|body| body.to_vec())
    }

    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.inner.pipeline
    }

    /// A client like this one (same pool, token and policy) whose calls have another overall
    /// deadline: `client.with_deadline(Duration::from_secs(5)).get_me().send().await`.
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        Client::assemble(
            self.inner.http.clone(),
            self.inner.base_url.clone(),
            self.inner.token.clone(),
            self.inner.pipeline.with_deadline(Some(deadline)),
        )
    }

    /// The `reqwest::Client` in use (shared connection pool; the agent-auth calls use it).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// A client like this one with another token (same pool, base URL, user agent, policy and
    /// deadline).
    pub fn with_token(&self, token: Secret) -> Result<Client, Error> {
        let pipeline = self.inner.pipeline.with_token(token.expose())?;
        Ok(Client::assemble(
            self.inner.http.clone(),
            self.inner.base_url.clone(),
            Some(token),
            pipeline,
        ))
    }
}
