//! [`Agent`]: a self-registered account before its claim — the client with the pre-claim
//! token, the claim token, and the credentials file they live in, registered here or loaded
//! from the file in a later run. Its claim methods live in [`claim`](super::claim), its
//! revocation in [`revoke`](super::revoke).

use super::{AgentConfig, Registered};
use crate::Client;
use crate::config::{self, CredentialsFile, Secret};
use crate::error::Error;

/// A self-registered, not yet claimed agent: a ready [`Client`] with the pre-claim token, the
/// claim token, and the credentials file both are saved in.
///
/// `Debug` shows neither token.
#[derive(Clone, Debug)]
pub struct Agent {
    pub(super) client: Client,
    pub(super) api_token: Secret,
    pub(super) claim_token: Secret,
    pub(super) credentials: CredentialsFile,
    pub(super) registered: Option<Registered>,
}

impl Agent {
    /// The agent saved in the credentials file by an earlier [`register`](super::register) (here or by the
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
}
