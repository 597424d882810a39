//! Self-registered agents: anonymous registration, the claim ceremony that hands the account to
//! a human, and token revocation — the four OAuth-style endpoints under `/api/agent/...`.
//!
//! These endpoints are not part of the `/v1` contract (`openapi.json`): they take JSON
//! (registration, claim start) or form bodies (token poll, revocation), answer errors in the
//! OAuth shape `{"error", "error_description"}` (decoded by the crate's one error decoder into
//! [`Error::OAuth`]), and never take a bearer token. This module speaks them by hand over the
//! [`Client`]'s connection pool.
//!
//! The flow, as the official CLI and MCP server run it:
//!
//! 1. [`register`] creates an unclaimed account and returns an [`Agent`]: a ready [`Client`]
//!    with the pre-claim `ot_pat_` token, and the `ot_clm_` claim token. Both are saved to the
//!    credentials file in the official CLI's layout (`apiToken`, `baseUrl`, `claimToken`), so
//!    the CLI, the MCP server and [`Client::from_env`] pick them up.
//! 2. [`Agent::start_claim`] sends the owner's email and returns a [`ClaimCeremony`]: show its
//!    `verification_uri` and `user_code` to the human.
//! 3. [`ClaimCeremony::wait`] polls the token endpoint until the human confirms. The post-claim
//!    token is delivered exactly once and the claim revokes every pre-claim token, so it is
//!    written to the credentials file (atomically, mode `0600`, `claimToken` dropped) before
//!    anything else happens, and only then returned as a ready [`Client`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain::Error> {
//! use opentrain::agent::{self, Registration};
//! let agent = agent::register(&Registration::default().agent_name("Claude Code")).await?;
//! let me = agent.client().me().await?; // works at once, with the pre-claim scopes
//! # let _ = me;
//! let claim = agent.start_claim("owner@example.com").await?;
//! if let (Some(uri), Some(code)) = (&claim.verification_uri, &claim.user_code) {
//!     println!("Open {} and enter {}", uri.expose(), code.expose());
//! }
//! let client = claim.wait().await?; // the post-claim token is already saved
//! # let _ = client; Ok(()) }
//! ```
//!
//! Base URL, credentials file and HTTP client are set with [`AgentConfig`]; by default they are
//! the official ones (`OT_API_BASE_URL` / `OPENTRAIN_API_BASE_URL`, else
//! `https://app.opentrain.ai`; `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::backoff::{Backoff, OnPoll, PollProgress, pause_until};
use crate::config::{
    self, API_PATH, BASE_URL_ENV_VARS, ConfigError, Credentials, CredentialsFile, Overwrite, Secret,
};
use crate::error::Error;
use crate::{Client, RetryPolicy};
use opentrain_gen::operations::Operation;

/// The `grant_type` of the claim grant, sent when polling the token endpoint.
pub const CLAIM_GRANT_TYPE: &str = "urn:opentrain:agent-auth:grant-type:claim";

/// Where the agent-auth endpoints live under the base URL (outside `/api/public/v1`).
pub const AGENT_API_PATH: &str = "/api/agent";

/// How much [`ClaimCeremony::wait`] adds to its poll interval on every `slow_down`.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The poll interval used when the claim-start response names none (the OAuth device-flow
/// default, and the value of the documented example).
pub const DEFAULT_POLL_INTERVAL: u64 = 5;

/// The agent-auth endpoints, described like the spec's operations so they go through the same
/// [pipeline](crate::pipeline) (they are OAuth wire, outside the `/v1` spec). All are writes
/// the pipeline never repeats once the server may have seen them.
const fn agent_operation(operation_id: &'static str, path: &'static str) -> Operation {
    Operation {
        operation_id,
        method: "POST",
        path,
        tag: "agentAuth",
        client_method: "",
        success_statuses: &[200, 201],
        error_statuses: &[],
        status_ranges: &[2],
        tokenless: true,
        // Registration and the claim token answer with tokens.
        carries_secret: true,
        decode_success: None,
        debug_success: None,
    }
}

static REGISTER: Operation = agent_operation("registerAgent", "/identity");
static START_CLAIM: Operation = agent_operation("startAgentClaim", "/identity/claim");
static CLAIM_TOKEN: Operation = agent_operation("pollClaimToken", "/oauth/token");
static REVOKE: Operation = agent_operation("revokeAgentToken", "/oauth/revoke");

/// The only documented `identity_type`.
const ANONYMOUS: &str = "anonymous";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// Where an agent's requests go and where its credentials are kept.
///
/// Everything left unset takes the official default: the base URL from `OT_API_BASE_URL` /
/// `OPENTRAIN_API_BASE_URL`, else (for [`Agent::load`]) the credentials file's `baseUrl`, else
/// `https://app.opentrain.ai`; the credentials file at
/// [`CredentialsFile::locate_from_process_env`]; a `reqwest::Client` with the facade's default
/// timeouts; [`RetryPolicy::default`].
///
/// ```
/// use opentrain::agent::AgentConfig;
/// use opentrain::config::CredentialsFile;
/// let config = AgentConfig::new()
///     .base_url("http://127.0.0.1:8080")
///     .credentials_file(CredentialsFile::at("/tmp/opentrain-demo/cli.json"));
/// # let _ = config;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct AgentConfig {
    base_url: Option<String>,
    credentials_file: Option<CredentialsFile>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    deadline: Option<Option<Duration>>,
}

impl AgentConfig {
    /// Everything at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The server root, e.g. `https://app.opentrain.ai` (a base ending in `/api/public/v1` is
    /// accepted too). Wins over the environment and the credentials file.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credentials file to save to and load from.
    pub fn credentials_file(mut self, file: CredentialsFile) -> Self {
        self.credentials_file = Some(file);
        self
    }

    /// The `reqwest::Client` for the agent-auth requests and for the returned [`Client`]s.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The retry policy of the returned [`Client`]s; [`ClaimCeremony::wait`] also uses it to
    /// decide how many transient failures in a row it sits out.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The overall deadline of each call of the returned [`Client`]s and of the agent-auth
    /// requests (see [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// No overall deadline (see [`ClientBuilder::without_deadline`](crate::ClientBuilder::without_deadline)).
    pub fn without_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    fn file(&self) -> Result<CredentialsFile, Error> {
        match &self.credentials_file {
            Some(file) => Ok(file.clone()),
            None => Ok(CredentialsFile::locate_from_process_env()?),
        }
    }

    /// A tokenless client at the resolved base URL (explicit > environment > `file`'s `baseUrl`
    /// > default), and the `apiToken` of `file` if it holds one.
    fn template(&self, file: Option<&CredentialsFile>) -> Result<(Client, Option<Secret>), Error> {
        let base_url_env = |name: &str| {
            BASE_URL_ENV_VARS
                .contains(&name)
                .then(|| std::env::var(name).ok())
                .flatten()
        };
        let resolved = config::resolve_with_credentials_file(
            None,
            self.base_url.as_deref(),
            &base_url_env,
            file,
        )?;
        let mut builder = Client::builder().base_url(resolved.base_url);
        if let Some(http) = &self.http {
            builder = builder.http_client(http.clone());
        }
        if let Some(retry) = &self.retry {
            builder = builder.retry(retry.clone());
        }
        builder = match self.deadline {
            Some(Some(deadline)) => builder.deadline(deadline),
            Some(None) => builder.without_deadline(),
            None => builder,
        };
        Ok((builder.build()?, resolved.token))
    }
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

/// What to register (`POST /api/agent/identity`) and where to keep the result.
///
/// Every field is optional; the request always carries `"identity_type": "anonymous"`, the
/// only kind the API accepts.
///
/// ```
/// use opentrain::agent::Registration;
/// let registration = Registration::default()
///     .agent_name("Claude Code")
///     .organization_name("Acme Research")
///     .force(true);
/// # let _ = registration;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct Registration {
    agent_name: Option<String>,
    organization_name: Option<String>,
    force: bool,
    config: AgentConfig,
}

impl Registration {
    /// `agent_name`: the label the human sees on the claim page (e.g. `"Claude Code"`).
    pub fn agent_name(mut self, name: impl Into<String>) -> Self {
        self.agent_name = Some(name.into());
        self
    }

    /// `organization_name`: the organization attached to the new employer account.
    pub fn organization_name(mut self, name: impl Into<String>) -> Self {
        self.organization_name = Some(name.into());
        self
    }

    /// Replace a login already saved in the credentials file (the CLI's `--force`). Without it,
    /// [`register`] fails with [`ConfigError::CredentialsExist`] before sending anything.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Base URL, credentials file, HTTP client and retry policy (default: the official ones).
    pub fn config(mut self, config: AgentConfig) -> Self {
        self.config = config;
        self
    }
}

/// The request body of `POST /api/agent/identity`.
#[derive(Serialize)]
struct RegisterBody<'a> {
    identity_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_name: Option<&'a str>,
}

/// What the registration response said besides the two tokens.
///
/// Every field is read leniently: a missing or oddly typed one is `None` (or empty) rather
/// than an error, so the tokens of a new account are never lost over a cosmetic field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Registered {
    /// `registration_id`.
    pub registration_id: Option<String>,
    /// `identity_type` (`anonymous`).
    pub identity_type: Option<String>,
    /// `token_type` (`bearer`).
    pub token_type: Option<String>,
    /// `scopes`: the pre-claim scope set.
    pub scopes: Vec<String>,
    /// `claim_token_expires_at`: the end of the claim window (ISO 8601, about 24 h away).
    pub claim_token_expires_at: Option<String>,
    /// `claim_endpoint`, as announced (requests go to the documented path under the base URL).
    pub claim_endpoint: Option<String>,
    /// `token_endpoint`, as announced (requests go to the documented path under the base URL).
    pub token_endpoint: Option<String>,
    /// `grant_type` to poll with (`urn:opentrain:agent-auth:grant-type:claim`).
    pub grant_type: Option<String>,
}

/// Registers a new anonymous agent account and saves its tokens to the credentials file.
///
/// Before anything is sent, the credentials file is read: a file that already holds a login
/// (`apiToken` or `claimToken`) stops the registration with [`ConfigError::CredentialsExist`]
/// unless [`Registration::force`] is set, and a file that cannot be read or parsed stops it too
/// (so the tokens of a new account never meet an unwritable file). The new `apiToken`,
/// `claimToken` and `baseUrl` are then written atomically with mode `0600`; keys other tools
/// wrote are kept. If another process writes a login between the check and the save, the save
/// refuses and the new account's tokens are lost (register again).
///
/// Errors: [`Error::OAuth`] for the endpoint's errors (400 `unsupported_identity_type`, 403
/// `anonymous_not_enabled`, 429 `rate_limit_exceeded`), [`Error::Config`] for the file, and the
/// usual transport and decode errors. Registration is not idempotent and is never retried.
pub async fn register(registration: &Registration) -> Result<Agent, Error> {
    let file = registration.config.file()?;
    let overwrite = if registration.force {
        Overwrite::Allow
    } else {
        Overwrite::Refuse
    };
    let existing = {
        let file = file.clone();
        config::off_runtime(move || file.load_optional()).await?
    }
    .unwrap_or_default();
    if overwrite == Overwrite::Refuse && existing.has_login() {
        return Err(ConfigError::CredentialsExist {
            path: file.path().to_path_buf(),
        }
        .into());
    }
    let (template, _) = registration.config.template(None)?;

    let body = RegisterBody {
        identity_type: ANONYMOUS,
        agent_name: registration.agent_name.as_deref(),
        organization_name: registration.organization_name.as_deref(),
    };
    let reply = post(&template, &REGISTER, Body::json(&body)?).await?;
    let object = reply.object()?;
    let api_token = Secret::new(reply.required_str(&object, "access_token")?);
    let claim_token = Secret::new(reply.required_str(&object, "claim_token")?);

    // Save before anything else can fail: these tokens are shown once.
    let credentials = Credentials {
        api_token: Some(api_token.clone()),
        base_url: Some(template.base_url().to_owned()),
        claim_token: Some(claim_token.clone()),
        other: existing.other,
    };
    {
        let (file, credentials) = (file.clone(), credentials.clone());
        config::off_runtime(move || file.save(&credentials, overwrite)).await?;
    }

    let registered = Registered {
        registration_id: optional_str(&object, "registration_id"),
        identity_type: optional_str(&object, "identity_type"),
        token_type: optional_str(&object, "token_type"),
        scopes: strings(&object, "scopes"),
        claim_token_expires_at: optional_str(&object, "claim_token_expires_at"),
        claim_endpoint: optional_str(&object, "claim_endpoint"),
        token_endpoint: optional_str(&object, "token_endpoint"),
        grant_type: optional_str(&object, "grant_type"),
    };
    Ok(Agent {
        client: template.with_token(api_token.clone())?,
        api_token,
        claim_token,
        credentials: file,
        registered: Some(registered),
    })
}

// ---------------------------------------------------------------------------------------------
// Agent
// ---------------------------------------------------------------------------------------------

/// A self-registered, not yet claimed agent: a ready [`Client`] with the pre-claim token, the
/// claim token, and the credentials file both are saved in.
///
/// `Debug` shows neither token.
#[derive(Clone, Debug)]
pub struct Agent {
    client: Client,
    api_token: Secret,
    claim_token: Secret,
    credentials: CredentialsFile,
    registered: Option<Registered>,
}

impl Agent {
    /// The agent saved in the credentials file by an earlier [`register`] (here or by the
    /// official CLI / MCP server), to claim it in a later run.
    ///
    /// The file must exist and hold an `apiToken` (`ot_pat_…`) and a `claimToken`; a file
    /// without `claimToken` belongs to an account that is already claimed (or was not
    /// self-registered) and is refused with [`Error::InvalidRequest`]. The base URL is the
    /// configured one, else the environment's, else the file's `baseUrl`, else the default.
    pub fn load(config: &AgentConfig) -> Result<Agent, Error> {
        let file = config.file()?;
        let credentials = file.load()?;
        let (template, api_token) = config.template(Some(&file))?;
        let api_token = api_token.ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the credentials file {} holds no apiToken; register an agent first",
                file.path().display()
            ))
        })?;
        let claim_token = credentials
            .claim_token
            .filter(|t| !t.expose().is_empty())
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "the credentials file {} holds no claimToken: the account is already claimed \
                     or was not self-registered, so there is nothing to claim",
                    file.path().display()
                ))
            })?;
        Ok(Agent {
            client: template.with_token(api_token.clone())?,
            api_token,
            claim_token,
            credentials: file,
            registered: None,
        })
    }

    /// An agent whose claim token is given explicitly (the CLI's `--claim-token`): the pre-claim
    /// `apiToken` comes from the credentials file when it holds one (it is not needed to poll a
    /// claim); the claimed token will be saved to that file. Use [`Agent::resume_claim`] next.
    pub fn with_claim_token(config: &AgentConfig, claim_token: Secret) -> Result<Agent, Error> {
        let claim_token = config::checked(
            claim_token.expose().to_owned(),
            config::CLAIM_TOKEN_PREFIX,
            config::Source::Explicit,
        )?;
        let file = config.file()?;
        let (template, api_token) = config.template(Some(&file))?;
        let client = match &api_token {
            Some(token) => template.with_token(token.clone())?,
            None => template,
        };
        Ok(Agent {
            client,
            api_token: api_token.unwrap_or_default(),
            claim_token,
            credentials: file,
            registered: None,
        })
    }

    /// Resumes a claim started earlier (by this process, another one, or the official CLI or
    /// MCP server) from the claim token alone: the returned ceremony polls the token endpoint
    /// with the same `interval` and `slow_down` handling as a fresh one, and saves the claimed
    /// token over the pre-claim one. It knows neither the user code nor the verification URL
    /// (they were shown when the claim started), nor when the attempt expires: bound the wait
    /// with [`ClaimCeremony::max_wait`]; an expired attempt still ends it with
    /// [`Error::ClaimExpired`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), opentrain::Error> {
    /// use std::time::Duration;
    /// use opentrain::agent::{Agent, AgentConfig};
    /// let agent = Agent::load(&AgentConfig::new())?;
    /// let client = agent.resume_claim().max_wait(Duration::from_secs(1800)).wait().await?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn resume_claim(self) -> ClaimCeremony {
        ClaimCeremony {
            user_code: None,
            verification_uri: None,
            expires_in: None,
            interval: DEFAULT_POLL_INTERVAL,
            email_sent: None,
            agent: self,
            started: Instant::now(),
            max_wait: None,
            received: Arc::default(),
            exchange: Arc::default(),
        }
    }

    /// The client with the pre-claim token; it stops authenticating once the claim completes.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client with the pre-claim token, by value.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// The pre-claim personal API token (`ot_pat_…`).
    pub fn api_token(&self) -> &Secret {
        &self.api_token
    }

    /// The claim token (`ot_clm_…`); it is sent in request bodies, never as a bearer token.
    pub fn claim_token(&self) -> &Secret {
        &self.claim_token
    }

    /// The credentials file the tokens are saved in.
    pub fn credentials_file(&self) -> &CredentialsFile {
        &self.credentials
    }

    /// What the registration response said besides the tokens; `None` for an agent
    /// [loaded](Agent::load) from the credentials file.
    pub fn registration(&self) -> Option<&Registered> {
        self.registered.as_ref()
    }

    /// Starts the claim ceremony (`POST /api/agent/identity/claim`): OpenTrain emails `email`
    /// a verification link, and the returned [`ClaimCeremony`] holds the `verification_uri`
    /// and `user_code` to show the human directly (the email may land in spam).
    ///
    /// The email must not already belong to an OpenTrain account. Calling again restarts the
    /// ceremony with a new code. Errors are [`Error::OAuth`]: 400 `invalid_request` (bad
    /// claim token or email, claim window over, or email already registered — only the
    /// description tells which), 403 `anonymous_not_enabled`, 429 `rate_limit_exceeded`,
    /// 500 `server_error`. Not retried.
    pub async fn start_claim(&self, email: &str) -> Result<ClaimCeremony, Error> {
        let email = email.trim();
        if email.is_empty() {
            return Err(Error::InvalidRequest(
                "the owner's email is empty; the claim needs the human's email address".into(),
            ));
        }
        #[derive(Serialize)]
        struct ClaimBody<'a> {
            claim_token: &'a str,
            email: &'a str,
        }
        let body = ClaimBody {
            claim_token: self.claim_token.expose(),
            email,
        };
        let reply = post(&self.client, &START_CLAIM, Body::json(&body)?).await?;
        let started = Instant::now();
        let object = reply.object()?;
        let user_code = match object.get("user_code") {
            Some(Value::String(code)) => code.clone(),
            Some(Value::Number(code)) => code.to_string(),
            _ => return Err(reply.shape_error("`user_code` is missing or not a string")),
        };
        Ok(ClaimCeremony {
            user_code: Some(Secret::new(user_code)),
            verification_uri: Some(Secret::new(
                reply.required_str(&object, "verification_uri")?,
            )),
            expires_in: Some(
                reply
                    .seconds(&object, "expires_in")?
                    .ok_or_else(|| reply.shape_error("`expires_in` is missing"))?,
            ),
            interval: reply
                .seconds(&object, "interval")?
                .unwrap_or(DEFAULT_POLL_INTERVAL),
            email_sent: object.get("email_sent").and_then(Value::as_bool),
            agent: self.clone(),
            started,
            max_wait: None,
            received: Arc::default(),
            exchange: Arc::default(),
        })
    }

    /// Revokes this agent's pre-claim API token ([`revoke_token`]) and then removes it from
    /// the credentials file if the file still holds it (the claim token, the base URL and
    /// other keys stay). Use it to decommission an agent or after a suspected leak.
    pub async fn revoke(self) -> Result<(), Error> {
        revoke_token(&self.client, &self.api_token).await?;
        let (file, token) = (self.credentials.clone(), self.api_token.clone());
        config::off_runtime(move || {
            if file
                .load_optional()?
                .is_some_and(|c| c.api_token.as_ref() == Some(&token))
            {
                file.update(|c| {
                    if c.api_token.as_ref() == Some(&token) {
                        c.api_token = None;
                    }
                })?;
            }
            Ok::<(), ConfigError>(())
        })
        .await?;
        Ok(())
    }
}

/// Revokes a personal API token by value (`POST /api/agent/oauth/revoke`, RFC 7009, form body
/// `token=…`); the request goes to `client`'s base URL and carries no bearer token.
///
/// The server answers 200 whether or not the token existed, and the token stops
/// authenticating at once. The docs describe revoking `ot_pat_` tokens; for routine rotation
/// they recommend the token-management API instead. Errors are [`Error::OAuth`] (400
/// `invalid_request`, 500 `server_error`). The credentials file is not touched (see
/// [`Agent::revoke`]).
pub async fn revoke_token(client: &Client, token: &Secret) -> Result<(), Error> {
    let form = Body::form(&[("token", token.expose())])?;
    post(client, &REVOKE, form).await.map(drop)
}

// ---------------------------------------------------------------------------------------------
// The claim ceremony
// ---------------------------------------------------------------------------------------------

/// A started claim: show [`verification_uri`](Self::verification_uri) and
/// [`user_code`](Self::user_code) to the human, then [`wait`](Self::wait).
///
/// `Debug` shows neither token.
#[derive(Debug)]
pub struct ClaimCeremony {
    /// `user_code`: the 6-digit code the human enters on the claim page (a secret: show it to
    /// the human with [`Secret::expose`], never log it). `None` for a
    /// [resumed](Agent::resume_claim) claim.
    pub user_code: Option<Secret>,
    /// `verification_uri`: the page the human opens (`https://app.opentrain.ai/claim?token=…`;
    /// the URL carries the `ot_cat_` claim-attempt token, so it is a secret too). `None` for a
    /// [resumed](Agent::resume_claim) claim.
    pub verification_uri: Option<Secret>,
    /// `expires_in`: seconds this claim attempt lives (1800 in the docs); counted from the
    /// moment the response arrived. `None` for a [resumed](Agent::resume_claim) claim.
    pub expires_in: Option<u64>,
    /// `interval`: the least number of seconds between two polls of the token endpoint.
    pub interval: u64,
    /// `email_sent`: whether the verification email went out, if the server said.
    pub email_sent: Option<bool>,
    agent: Agent,
    started: Instant,
    max_wait: Option<Duration>,
    /// A post-claim token that arrived: saved already (a poll whose caller went away finished
    /// in the background) or not yet (the save failed). The next poll hands it over.
    received: Arc<Mutex<Option<Secret>>>,
    /// Held by the one token-endpoint exchange in flight (its task keeps it past a drop).
    exchange: Arc<tokio::sync::Mutex<()>>,
}

/// What one poll of the token endpoint found.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClaimStatus {
    /// `authorization_pending`: the human has not finished; poll again after the interval.
    Pending,
    /// `slow_down`: polled too fast; wait longer before the next poll.
    SlowDown,
    /// Claimed: the post-claim token is saved, and this client carries it.
    Claimed(Client),
}

impl ClaimCeremony {
    /// Caps how long [`wait`](Self::wait) polls, counted from the start of each `wait`; the
    /// claim attempt's own `expires_in` still applies.
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = Some(max);
        self
    }

    /// The agent this claim is for.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The post-claim token if it arrived and has not been handed over yet: its save failed
    /// (the error was returned), or a poll whose caller went away received it (and saved it).
    /// [`wait`](Self::wait) and [`poll`](Self::poll) save it again and hand it over first; this
    /// is the last resort for keeping the token some other way.
    pub fn unsaved_token(&self) -> Option<Secret> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Polls the token endpoint until the human confirms, and returns a [`Client`] with the
    /// post-claim token, which is already saved in the credentials file.
    ///
    /// The first poll comes one `interval` after the call; `authorization_pending` keeps it
    /// going at that pace and every `slow_down` adds [`SLOW_DOWN_STEP`] to the interval.
    /// Transient failures (timeouts, connection errors, 502/503/504) are sat out at the same
    /// pace, up to the retry policy's attempt count in a row. It ends with:
    ///
    /// - [`Error::ClaimExpired`] on `expired_token`, or when the next poll would come after the
    ///   attempt's `expires_in` or the [`max_wait`](Self::max_wait) (start a new claim);
    /// - [`Error::ClaimRefused`] on `invalid_grant` or `access_denied` (the token was already
    ///   handed out, the claim token is unknown, or the human declined);
    /// - [`Error::OAuth`] for other endpoint errors, [`Error::Config`] if the token could not be
    ///   saved (see [`unsaved_token`](Self::unsaved_token); calling `wait` again retries the
    ///   save without polling).
    ///
    /// On success the token goes to the credentials file before anything else: `apiToken`
    /// replaced, `claimToken` removed, `baseUrl` set, other keys kept, written atomically with
    /// mode `0600` (a file that is no longer valid JSON is replaced, since the one-shot token
    /// matters more). Do not run two waits of one ceremony at once.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing: each poll runs as a task of its own that saves the
    /// token once its answer arrives (see [`poll`](Self::poll)), and the next `wait` or `poll`
    /// of this ceremony returns the claimed client without asking the server again.
    pub async fn wait(&self) -> Result<Client, Error> {
        self.wait_inner(OnPoll::none()).await
    }

    /// [`wait`](Self::wait), calling `progress` before each pause with the polls made, the
    /// time waited and the pause ahead (for a live status line; the wait is the same).
    pub async fn wait_with_progress(
        &self,
        progress: impl FnMut(PollProgress) + Send,
    ) -> Result<Client, Error> {
        self.wait_inner(OnPoll::new(progress)).await
    }

    async fn wait_inner(&self, mut on_poll: OnPoll<'_>) -> Result<Client, Error> {
        let started = Instant::now();
        let mut polls = 0;
        if let Some(token) = self.take_received() {
            return self.finish(token).await;
        }
        let policy = self.agent.client.retry_policy().clone();
        let mut schedule = Backoff::fixed(Duration::from_secs(self.interval.max(1)));
        let expires = self
            .expires_in
            .and_then(|seconds| self.started.checked_add(Duration::from_secs(seconds)));
        let capped = self
            .max_wait
            .and_then(|max| Instant::now().checked_add(max));
        let deadline = match (expires, capped) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut failures = 0;
        loop {
            let Some(next) = Instant::now().checked_add(schedule.delay(0)) else {
                return Err(Error::ClaimExpired);
            };
            if deadline.is_some_and(|deadline| next > deadline) {
                return Err(Error::ClaimExpired);
            }
            on_poll.report(PollProgress {
                polls,
                waited: started.elapsed(),
                next_poll_in: next.saturating_duration_since(Instant::now()),
            });
            pause_until(next).await;
            polls += 1;
            match self.poll().await {
                Ok(ClaimStatus::Claimed(client)) => return Ok(client),
                Ok(ClaimStatus::Pending) => failures = 0,
                Ok(ClaimStatus::SlowDown) => {
                    failures = 0;
                    schedule = schedule.lengthen(SLOW_DOWN_STEP);
                }
                Err(error) => {
                    failures += 1;
                    if failures >= policy.attempts() || !policy.should_retry(&error, true) {
                        return Err(error);
                    }
                }
            }
        }
    }

    /// Polls the token endpoint once (`POST /api/agent/oauth/token`, form body `grant_type`,
    /// `claim_token`), with no waiting: the CLI's `auth claim-status`. Respect
    /// [`interval`](Self::interval) between calls. On success the token is saved exactly as
    /// [`wait`](Self::wait) saves it; errors map as there.
    ///
    /// # Cancel safety
    ///
    /// The post-claim token is handed out exactly once. The request, the read of its answer
    /// and the atomic save of the token run as one spawned task that this future only awaits,
    /// so dropping the future (a timeout around it, a `select!`) at any point never loses the
    /// token: once the answer arrives it is saved to the credentials file, and the next
    /// `poll` or `wait` of this ceremony returns the claimed client without asking the server
    /// again. The same holds for [`wait`](Self::wait), which polls through this method.
    pub async fn poll(&self) -> Result<ClaimStatus, Error> {
        // One exchange at a time: a poll whose caller went away may still be in flight, and
        // its answer (the one-shot token) must be waited for, not asked for again.
        let in_flight = Arc::clone(&self.exchange).lock_owned().await;
        if let Some(token) = self.take_received() {
            drop(in_flight);
            return self.finish(token).await.map(ClaimStatus::Claimed);
        }
        let form = Body::form(&[
            ("grant_type", CLAIM_GRANT_TYPE),
            ("claim_token", self.agent.claim_token.expose()),
        ])?;
        let (client, file, received) = (
            self.agent.client.clone(),
            self.agent.credentials.clone(),
            Arc::clone(&self.received),
        );
        let exchange = tokio::spawn(async move {
            let _in_flight = in_flight;
            let reply = post(&client, &CLAIM_TOKEN, form).await?;
            let object = reply.object()?;
            let token = Secret::new(reply.required_str(&object, "access_token")?);
            // Kept before the save: if the save fails, the next poll saves it again.
            *received.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
            let base_url = client.base_url().to_owned();
            config::off_runtime(move || save_claimed(&file, &token, &base_url)).await?;
            Ok::<(), Error>(())
        });
        let outcome = match exchange.await {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::InvalidRequest(
                "the claim poll was cancelled by the runtime shutting down".into(),
            )),
        };
        match outcome {
            Ok(()) => {
                let token = self.take_received().ok_or_else(|| {
                    Error::InvalidRequest("the claimed token was handed over twice".into())
                })?;
                self.agent
                    .client
                    .with_token(token)
                    .map(ClaimStatus::Claimed)
            }
            Err(Error::OAuth {
                status,
                error,
                description,
            }) => match error.as_str() {
                "authorization_pending" => Ok(ClaimStatus::Pending),
                "slow_down" => Ok(ClaimStatus::SlowDown),
                "expired_token" => Err(Error::ClaimExpired),
                "invalid_grant" | "access_denied" => {
                    Err(Error::ClaimRefused { error, description })
                }
                _ => Err(Error::OAuth {
                    status,
                    error,
                    description,
                }),
            },
            Err(other) => Err(other),
        }
    }

    fn take_received(&self) -> Option<Secret> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Saves the post-claim token, then (only then) builds the client that carries it.
    async fn finish(&self, token: Secret) -> Result<Client, Error> {
        let (file, saved, base_url) = (
            self.agent.credentials.clone(),
            token.clone(),
            self.agent.client.base_url().to_owned(),
        );
        if let Err(error) =
            config::off_runtime(move || save_claimed(&file, &saved, &base_url)).await
        {
            *self.received.lock().unwrap_or_else(PoisonError::into_inner) = Some(token);
            return Err(error.into());
        }
        self.agent.client.with_token(token)
    }
}

/// Writes the post-claim token: `apiToken` replaced, `claimToken` dropped, `baseUrl` set, other
/// keys kept. A file that is no longer valid JSON is replaced rather than losing the token.
fn save_claimed(file: &CredentialsFile, token: &Secret, base_url: &str) -> Result<(), ConfigError> {
    let apply = |c: &mut Credentials| {
        c.api_token = Some(token.clone());
        c.claim_token = None;
        c.base_url = Some(base_url.to_owned());
    };
    match file.update(apply) {
        Err(ConfigError::MalformedCredentialsFile { .. }) => {
            let mut fresh = Credentials::default();
            apply(&mut fresh);
            file.save(&fresh, Overwrite::Allow)
        }
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// The wire
// ---------------------------------------------------------------------------------------------

/// A request body with its content type.
struct Body {
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl Body {
    fn json(value: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| Error::InvalidRequest(format!("cannot encode the JSON body: {e}")))?;
        Ok(Self {
            content_type: "application/json",
            bytes,
        })
    }

    fn form(pairs: &[(&str, &str)]) -> Result<Self, Error> {
        let text = serde_urlencoded::to_string(pairs)
            .map_err(|e| Error::InvalidRequest(format!("cannot encode the form body: {e}")))?;
        Ok(Self {
            content_type: "application/x-www-form-urlencoded",
            bytes: text.into_bytes(),
        })
    }
}

/// The URL of an agent-auth endpoint under the client's base URL (an `/api/public/v1` suffix
/// on the base is dropped: the agent endpoints sit beside it).
fn agent_url(base_url: &str, path: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let origin = base.strip_suffix(API_PATH).unwrap_or(base);
    format!("{origin}{AGENT_API_PATH}{path}")
}

/// A 2xx response of an agent-auth endpoint.
struct Reply {
    status: u16,
    request_id: Option<String>,
    content_type: Option<String>,
    body: bytes::Bytes,
}

/// Sends one request without a bearer token; a non-2xx answer goes through the crate's error
/// decoder (OAuth shape, envelope, or a body it cannot read).
async fn post(client: &Client, operation: &'static Operation, body: Body) -> Result<Reply, Error> {
    let request = client
        .http()
        .post(agent_url(client.base_url(), operation.path))
        .header(CONTENT_TYPE, body.content_type)
        .header(ACCEPT, "application/json")
        .body(body.bytes)
        .build()?;
    let response = client
        .pipeline()
        .without_token()
        .send(client.http(), request, operation)
        .await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    Ok(Reply {
        status,
        request_id: crate::error::request_id(&headers),
        content_type: crate::error::header(&headers, CONTENT_TYPE),
        body: bytes,
    })
}

impl Reply {
    /// A decode error for this response. It never quotes the body: a success body of these
    /// endpoints carries tokens.
    fn shape_error(&self, message: impl Into<String>) -> Error {
        Error::Decode {
            status: Some(self.status),
            request_id: self.request_id.clone(),
            content_type: self.content_type.clone(),
            message: message.into(),
            body_snippet: String::new(),
        }
    }

    fn object(&self) -> Result<Map<String, Value>, Error> {
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(_) => Err(self.shape_error("the body is JSON but not an object")),
            Err(_) if self.body.is_empty() => Err(self.shape_error("empty body")),
            Err(e) => Err(self.shape_error(format!(
                "not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))),
        }
    }

    fn required_str(&self, object: &Map<String, Value>, key: &str) -> Result<String, Error> {
        optional_str(object, key)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.shape_error(format!("`{key}` is missing or not a string")))
    }

    /// A non-negative number of seconds (fractions rounded up); `None` when absent or null.
    fn seconds(&self, object: &Map<String, Value>, key: &str) -> Result<Option<u64>, Error> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(s) => Ok(Some(s)),
                None => match n.as_f64() {
                    Some(f) if f.is_finite() && f >= 0.0 => Ok(Some(f.ceil() as u64)),
                    _ => Err(self.shape_error(format!("`{key}` is not a non-negative number"))),
                },
            },
            Some(_) => Err(self.shape_error(format!("`{key}` is not a number"))),
        }
    }
}

fn optional_str(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strings(object: &Map<String, Value>, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_endpoints_sit_beside_the_public_api() {
        for base in [
            "https://app.opentrain.ai",
            "https://app.opentrain.ai/",
            "https://app.opentrain.ai/api/public/v1",
            "https://app.opentrain.ai/api/public/v1/",
        ] {
            assert_eq!(
                agent_url(base, CLAIM_TOKEN.path),
                "https://app.opentrain.ai/api/agent/oauth/token",
                "{base}"
            );
        }
        assert_eq!(
            agent_url("http://127.0.0.1:9/proxy", START_CLAIM.path),
            "http://127.0.0.1:9/proxy/api/agent/identity/claim"
        );
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let body = Body::form(&[("grant_type", CLAIM_GRANT_TYPE), ("claim_token", "a+b/c")])
            .expect("form");
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(body.bytes).expect("utf-8"),
            "grant_type=urn%3Aopentrain%3Aagent-auth%3Agrant-type%3Aclaim&claim_token=a%2Bb%2Fc"
        );
    }

    fn reply(body: &str) -> Reply {
        Reply {
            status: 200,
            request_id: None,
            content_type: Some("application/json".into()),
            body: bytes::Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn decode_errors_of_success_bodies_never_quote_the_body() {
        let secret = "ot_pat_leaky_SECRET";
        for body in [
            format!(r#"{{"access_token": 42, "note": "{secret}"}}"#),
            format!(r#"{{"access_token": "{secret}""#),
            format!(r#"["{secret}"]"#),
            format!("{secret} is not json"),
        ] {
            let r = reply(&body);
            let err = r
                .object()
                .and_then(|o| r.required_str(&o, "access_token"))
                .expect_err("a decode error");
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("SECRET"), "{shown}");
            }
        }
    }

    #[test]
    fn seconds_accept_integers_and_round_fractions_up() {
        let r = reply("{}");
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"a": 5, "b": 2.5, "c": null, "d": -1, "e": "5"}"#)
                .expect("json");
        assert_eq!(r.seconds(&object, "a").ok(), Some(Some(5)));
        assert_eq!(r.seconds(&object, "b").ok(), Some(Some(3)));
        assert_eq!(r.seconds(&object, "c").ok(), Some(None));
        assert_eq!(r.seconds(&object, "missing").ok(), Some(None));
        assert!(r.seconds(&object, "d").is_err());
        assert!(r.seconds(&object, "e").is_err());
    }
}
