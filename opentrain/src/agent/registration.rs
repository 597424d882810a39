//! Registration (`POST /api/agent/identity`): what to register ([`Registration`]), what the
//! server said about it ([`Registered`]), and [`register`], which saves the new account's
//! tokens to the credentials file before anything else can fail.

use serde::{Deserialize, Serialize};

use super::wire::{Body, REGISTER, Reply, lenient, post};
use super::{Agent, AgentConfig};
use crate::config::{self, ConfigError, Credentials, Overwrite, Secret};
use crate::error::Error;

/// The only documented `identity_type`.
const ANONYMOUS: &str = "anonymous";

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

/// The success body of `POST /api/agent/identity`, every documented field. The two tokens are
/// required (checked after decoding, so the error names the key); the rest become
/// [`Registered`]. Each field is read leniently (see [`lenient`]) and unknown keys are ignored.
#[derive(Deserialize)]
struct RegistrationReply {
    #[serde(default, deserialize_with = "lenient::string")]
    access_token: Option<Secret>,
    #[serde(default, deserialize_with = "lenient::string")]
    claim_token: Option<Secret>,
    #[serde(default, deserialize_with = "lenient::string")]
    registration_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    identity_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    token_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::strings")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    claim_token_expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    claim_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    token_endpoint: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    grant_type: Option<String>,
}

impl RegistrationReply {
    /// Decodes the reply into the pre-claim token, the claim token (both required, non-empty
    /// strings) and the rest.
    fn read(reply: &Reply) -> Result<(Secret, Secret, Registered), Error> {
        let body: Self = reply.decode()?;
        let api_token = reply.required(body.access_token, "access_token")?;
        let claim_token = reply.required(body.claim_token, "claim_token")?;
        let registered = Registered {
            registration_id: body.registration_id,
            identity_type: body.identity_type,
            token_type: body.token_type,
            scopes: body.scopes,
            claim_token_expires_at: body.claim_token_expires_at,
            claim_endpoint: body.claim_endpoint,
            token_endpoint: body.token_endpoint,
            grant_type: body.grant_type,
        };
        Ok((api_token, claim_token, registered))
    }
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
    let (api_token, claim_token, registered) = RegistrationReply::read(&reply)?;

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

    Ok(Agent {
        client: template.with_token(api_token.clone())?,
        api_token,
        claim_token,
        credentials: file,
        registered: Some(registered),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_registration_reply_gives_both_tokens_and_every_field() {
        let reply = Reply::for_test(
            r#"{
              "identity_type": "anonymous", "registration_id": "reg_1",
              "access_token": "ot_pat_pre", "token_type": "bearer",
              "scopes": ["jobs:read", "jobs:write"],
              "claim_token": "ot_clm_x", "claim_token_expires_at": "2026-06-13T09:00:00.000Z",
              "claim_endpoint": "https://app.opentrain.ai/api/agent/identity/claim",
              "token_endpoint": "https://app.opentrain.ai/api/agent/oauth/token",
              "grant_type": "urn:opentrain:agent-auth:grant-type:claim",
              "something_new": [1, 2, 3]
            }"#,
        );
        let (api_token, claim_token, registered) =
            RegistrationReply::read(&reply).expect("decodes");
        assert_eq!(api_token.expose(), "ot_pat_pre");
        assert_eq!(claim_token.expose(), "ot_clm_x");
        assert_eq!(
            registered,
            Registered {
                registration_id: Some("reg_1".into()),
                identity_type: Some("anonymous".into()),
                token_type: Some("bearer".into()),
                scopes: vec!["jobs:read".into(), "jobs:write".into()],
                claim_token_expires_at: Some("2026-06-13T09:00:00.000Z".into()),
                claim_endpoint: Some("https://app.opentrain.ai/api/agent/identity/claim".into()),
                token_endpoint: Some("https://app.opentrain.ai/api/agent/oauth/token".into()),
                grant_type: Some(crate::agent::CLAIM_GRANT_TYPE.into()),
            }
        );
    }

    #[test]
    fn oddly_typed_cosmetic_fields_never_lose_the_tokens() {
        let reply = Reply::for_test(
            r#"{"access_token": "ot_pat_pre", "claim_token": "ot_clm_x", "registration_id": 7,
                "scopes": "jobs:read", "token_type": null, "grant_type": {"a": 1}}"#,
        );
        let (api_token, claim_token, registered) =
            RegistrationReply::read(&reply).expect("decodes");
        assert_eq!(api_token.expose(), "ot_pat_pre");
        assert_eq!(claim_token.expose(), "ot_clm_x");
        assert_eq!(registered, Registered::default());
    }

    #[test]
    fn a_registration_reply_without_a_token_names_the_missing_key() {
        for (body, key) in [
            (r#"{"claim_token": "ot_clm_x"}"#, "access_token"),
            (
                r#"{"access_token": "ot_pat_pre", "claim_token": null}"#,
                "claim_token",
            ),
            (
                r#"{"access_token": "", "claim_token": "ot_clm_x"}"#,
                "access_token",
            ),
        ] {
            let err = RegistrationReply::read(&Reply::for_test(body)).expect_err(body);
            assert!(
                matches!(&err, Error::Decode { message, .. }
                    if *message == format!("`{key}` is missing or not a string")),
                "{body}: {err:?}"
            );
        }
    }
}
