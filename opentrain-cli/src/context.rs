//! What every command shares: the global flags (`--json`, `--base-url`) and the clients built
//! from them, resolved exactly as `opentrain::Client::from_env` resolves token and base URL.

use std::sync::{Arc, Mutex};

use opentrain::Client;
use opentrain::agent::AgentConfig;
use opentrain::config::CredentialsFile;

use crate::error::CliError;

/// The global options of one invocation, and the client it built (whose last response body
/// `--json` prints).
#[derive(Debug, Clone)]
pub struct Ctx {
    /// `--json`: print the API response instead of the human summary.
    pub json: bool,
    /// `--base-url`: the server root, winning over the environment and the credentials file.
    pub base_url: Option<String>,
    /// The client built last: it keeps the body of its last response.
    built: Arc<Mutex<Option<Client>>>,
}

impl Ctx {
    /// The options of one invocation.
    pub fn new(json: bool, base_url: Option<String>) -> Self {
        Ctx {
            json,
            base_url,
            built: Arc::default(),
        }
    }

    /// A client configured like the official CLI (token may be absent: tokenless reads). It
    /// keeps the body of its last response for [`Ctx::last_body`].
    pub fn client(&self) -> Result<Client, CliError> {
        let mut builder = Client::builder().from_env().keep_last_body();
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        let client = builder.build()?;
        *self.built.lock().unwrap_or_else(|p| p.into_inner()) = Some(client.clone());
        Ok(client)
    }

    /// The body of the last response of the client built last, exactly as the server sent it.
    pub fn last_body(&self) -> Option<Vec<u8>> {
        let built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        built.as_ref()?.last_body()
    }

    /// A client that carries a token; no token at all is a usage error naming the ways to
    /// get one.
    pub fn authed(&self) -> Result<Client, CliError> {
        let client = self.client()?;
        if client.has_token() {
            Ok(client)
        } else {
            Err(CliError::usage(
                "no API token: set OT_API_TOKEN, run `opentrain auth login --api-key <token>`, \
                 or `opentrain auth register` for a new agent account",
            ))
        }
    }

    /// The agent-auth configuration (registration, claim): the shared credentials file, and
    /// the `--base-url` flag when given (otherwise the facade's defaults apply).
    pub fn agent_config(&self) -> Result<AgentConfig, CliError> {
        let mut config = AgentConfig::new().credentials_file(self.credentials_file()?);
        if let Some(url) = &self.base_url {
            config = config.base_url(url);
        }
        Ok(config)
    }

    /// The shared credentials file, `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`.
    pub fn credentials_file(&self) -> Result<CredentialsFile, CliError> {
        Ok(CredentialsFile::locate_from_process_env()?)
    }
}
