//! Where the server finds its token and base URL, as the official MCP server does, and the
//! clients it builds from them.
//!
//! - Token: [`TOKEN_ENV_VAR`] (`OPENTRAIN_PERSONAL_API_TOKEN`) wins outright, and the
//!   credentials file is then not read at all; else the `apiToken` of the file shared with the
//!   CLI, `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`; else there is no token and only
//!   the onboarding tools (and the tokenless marketplace search) work until
//!   `opentrain_register_agent` saves one.
//! - Base URL: [`BASE_URL_ENV_VAR`] (`OPENTRAIN_API_BASE_URL`), then the file's `baseUrl`
//!   (only when the token does not come from the environment), then `https://app.opentrain.ai`.
//!
//! The CLI's own variables (`OT_API_TOKEN`, `OPENTRAIN_API_TOKEN`, `OT_API_BASE_URL`) are not the
//! MCP server's and are ignored. Everything is resolved again for every tool call, so a login
//! saved by `opentrain_register_agent`, a token upgraded by a completed
//! `opentrain_claim_status`, or a login made meanwhile with the CLI is used at once. Register and
//! claim always write to the file, even when the environment token is what API calls use.

use opentrain::Client;
use opentrain::agent::AgentConfig;
use opentrain::config::{CredentialsFile, Resolved, Source};

use crate::results::ToolFailure;

/// The environment variable holding the personal API token; it wins over the credentials file.
pub const TOKEN_ENV_VAR: &str = "OPENTRAIN_PERSONAL_API_TOKEN";

/// The environment variable holding the base URL (the server root, e.g.
/// `https://app.opentrain.ai`).
pub const BASE_URL_ENV_VAR: &str = "OPENTRAIN_API_BASE_URL";

/// The settings every tool call resolves its client from.
pub(crate) struct Session {
    /// The token that wins outright (options or [`TOKEN_ENV_VAR`]); never in logs.
    explicit_token: Option<String>,
    /// The base URL that wins over the file (options, [`BASE_URL_ENV_VAR`] or the sandbox's).
    explicit_base_url: Option<String>,
    /// The shared credentials file, or why it could not be located (no `HOME`).
    file: Result<CredentialsFile, String>,
    /// One connection pool for every client the session builds.
    http: reqwest::Client,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field(
                "explicit_token",
                &self.explicit_token.as_ref().map(|_| "(redacted)"),
            )
            .field("explicit_base_url", &self.explicit_base_url)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// A non-empty value, trimmed of nothing (tokens are used as given).
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

impl Session {
    /// A session with these settings (`None` and empty values count as unset).
    pub(crate) fn new(
        explicit_token: Option<String>,
        explicit_base_url: Option<String>,
        file: Result<CredentialsFile, String>,
        http: reqwest::Client,
    ) -> Self {
        Self {
            explicit_token: non_empty(explicit_token),
            explicit_base_url: non_empty(explicit_base_url),
            file,
            http,
        }
    }

    /// The credentials file, or a failure saying why there is none.
    pub(crate) fn file(&self) -> Result<&CredentialsFile, ToolFailure> {
        self.file.as_ref().map_err(|why| {
            ToolFailure::local(
                "no_credentials_file",
                format!("the shared credentials file cannot be located: {why}"),
            )
        })
    }

    /// The token and base URL in force now.
    pub(crate) fn resolve(&self) -> Result<Resolved, ToolFailure> {
        let no_env = |_: &str| None;
        let resolved = match &self.explicit_token {
            // The environment token wins outright: the file is not read at all.
            Some(token) => opentrain::config::resolve_with_credentials_file(
                Some(token),
                self.explicit_base_url.as_deref(),
                &no_env,
                None,
            ),
            None => opentrain::config::resolve_with_credentials_file(
                None,
                self.explicit_base_url.as_deref(),
                &no_env,
                self.file.as_ref().ok(),
            ),
        };
        resolved.map_err(ToolFailure::from)
    }

    /// A client with the token in force; a failure naming the onboarding tools when there is
    /// none.
    pub(crate) fn client(&self) -> Result<Client, ToolFailure> {
        let resolved = self.resolve()?;
        let Some(token) = &resolved.token else {
            return Err(ToolFailure::no_token(self.file.as_ref().ok()));
        };
        Client::builder()
            .base_url(&resolved.base_url)
            .token(token.expose())
            .http_client(self.http.clone())
            .keep_last_body()
            .build()
            .map_err(ToolFailure::from)
    }

    /// A client with the token in force if there is one, else a tokenless one (for the
    /// marketplace search).
    pub(crate) fn client_or_tokenless(&self) -> Result<Client, ToolFailure> {
        let resolved = self.resolve()?;
        let mut builder = Client::builder()
            .base_url(&resolved.base_url)
            .http_client(self.http.clone())
            .keep_last_body();
        if let Some(token) = &resolved.token {
            builder = builder.token(token.expose());
        }
        builder.build().map_err(ToolFailure::from)
    }

    /// Where register and claim send their requests and save their tokens: the resolved base
    /// URL and the shared credentials file.
    pub(crate) fn agent_config(&self) -> Result<AgentConfig, ToolFailure> {
        let base_url = self.resolve()?.base_url;
        Ok(AgentConfig::new()
            .base_url(base_url)
            .credentials_file(self.file()?.clone())
            .http_client(self.http.clone()))
    }

    /// Where the token in force comes from, for `opentrain_auth_status` (never the token).
    pub(crate) fn token_source(&self) -> String {
        match self.resolve() {
            Ok(resolved) => match resolved.token_source {
                Source::Explicit if self.explicit_token.is_some() => {
                    format!("the {TOKEN_ENV_VAR} environment variable")
                }
                Source::File(path) => format!("the credentials file {}", path.display()),
                Source::None => "no token".to_owned(),
                other => other.to_string(),
            },
            Err(_) => "unresolvable settings".to_owned(),
        }
    }

    /// Whether API calls use the environment token (so a saved token is not what they use).
    pub(crate) fn token_from_env(&self) -> bool {
        self.explicit_token.is_some()
    }
}
