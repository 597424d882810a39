//! [`AgentConfig`]: where an agent's requests go (base URL, HTTP client, retry policy,
//! deadline) and where its credentials are kept, each defaulting to the official CLI's choice.

use std::time::Duration;

use crate::config::{self, BASE_URL_ENV_VARS, CredentialsFile, Secret};
use crate::error::Error;
use crate::{Client, RetryPolicy};

#[cfg(doc)]
use super::{Agent, ClaimCeremony};

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

    /// The credentials file: the configured one, else the official location.
    pub(super) fn file(&self) -> Result<CredentialsFile, Error> {
        match &self.credentials_file {
            Some(file) => Ok(file.clone()),
            None => Ok(CredentialsFile::locate_from_process_env()?),
        }
    }

    /// A tokenless client at the resolved base URL (explicit > environment > `file`'s `baseUrl`
    /// > default), and the `apiToken` of `file` if it holds one.
    pub(super) fn template(
        &self,
        file: Option<&CredentialsFile>,
    ) -> Result<(Client, Option<Secret>), Error> {
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
