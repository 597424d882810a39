//! Which token and base URL a client uses: [`resolve`] and its variants apply the official
//! CLI's precedence (explicit, then the environment variables, then the credentials file, then
//! no token / the default base URL) and say in [`Resolved`] where each setting came from.

use std::path::Path;

use super::base_url::normalize_base_url;
use super::{
    API_TOKEN_PREFIX, Credentials, CredentialsFile, DEFAULT_BASE_URL, Secret, Source, api_url,
};

#[cfg(doc)]
use super::API_PATH;

/// The environment variables that hold an API token, in order of precedence.
pub const TOKEN_ENV_VARS: [&str; 2] = ["OT_API_TOKEN", "OPENTRAIN_API_TOKEN"];

/// The environment variables that hold a base URL, in order of precedence.
pub const BASE_URL_ENV_VARS: [&str; 2] = ["OT_API_BASE_URL", "OPENTRAIN_API_BASE_URL"];

/// The token and base URL a client should use, and where each came from.
///
/// `Debug` shows the token redacted (see [`Secret`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The API token, if any source had one (`ot_pat_…`, validated).
    pub token: Option<Secret>,
    /// The base URL (validated, without trailing `/`, without `/api/public/v1` appended).
    pub base_url: String,
    /// Where the token came from ([`Source::None`] when there is none).
    pub token_source: Source,
    /// Where the base URL came from ([`Source::Default`] for [`DEFAULT_BASE_URL`]).
    pub base_url_source: Source,
}

impl Resolved {
    /// The Public API URL under the resolved base URL: the base URL with `/api/public/v1` appended.
    pub fn api_url(&self) -> String {
        api_url(&self.base_url)
    }
}

/// Resolves the token and base URL exactly as the official CLI does, with `env` as the
/// environment lookup:
///
/// - token: `explicit_token` > `OT_API_TOKEN` > `OPENTRAIN_API_TOKEN` > the credentials file's
///   `apiToken` > none (no token is not an error: tokenless reads still work);
/// - base URL: `explicit_base_url` > `OT_API_BASE_URL` > `OPENTRAIN_API_BASE_URL` > the file's
///   `baseUrl` > [`DEFAULT_BASE_URL`], without trailing `/`.
///
/// Empty environment values and empty values in the file count as unset; an explicit empty
/// value is invalid. The credentials file ([`CredentialsFile::default_path`]) is read only when
/// a setting falls through to it; when it is needed and missing (or there is no `HOME` to find
/// it under), the token is none and the base URL the default. A file that exists but cannot be
/// read or is not JSON is an error, since ignoring it would hide the user's login. A token that
/// does not start with `ot_pat_`, or a base URL that is not http(s), is an error naming its
/// source.
///
/// ```
/// use opentrain::config::{resolve, Source};
/// use std::collections::HashMap;
/// let vars = HashMap::from([
///     ("OPENTRAIN_API_TOKEN", "ot_pat_abc_def"),
///     ("OT_API_BASE_URL", "http://127.0.0.1:8080/"),
/// ]);
/// let env = |k: &str| vars.get(k).map(|v| v.to_string());
/// let resolved = resolve(None, None, &env)?;
/// assert_eq!(resolved.token_source, Source::Env("OPENTRAIN_API_TOKEN"));
/// assert_eq!(resolved.base_url, "http://127.0.0.1:8080");
/// assert_eq!(resolved.api_url(), "http://127.0.0.1:8080/api/public/v1");
/// # Ok::<(), opentrain::Error>(())
/// ```
pub fn resolve(
    explicit_token: Option<&str>,
    explicit_base_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, crate::Error> {
    let file = CredentialsFile::locate(env).ok();
    resolve_with_credentials_file(explicit_token, explicit_base_url, env, file.as_ref())
}

/// [`resolve`] with the process environment (`std::env::var`).
///
/// ```no_run
/// let resolved = opentrain::config::resolve_from_process_env(None, None)?;
/// println!("calling {} with a token from {}", resolved.api_url(), resolved.token_source);
/// # Ok::<(), opentrain::Error>(())
/// ```
pub fn resolve_from_process_env(
    explicit_token: Option<&str>,
    explicit_base_url: Option<&str>,
) -> Result<Resolved, crate::Error> {
    resolve(explicit_token, explicit_base_url, &|name| {
        std::env::var(name).ok()
    })
}

/// [`resolve`] with the credentials file given instead of located through `env` (`None`: no
/// file; settings that fall through to it get none / the default).
pub fn resolve_with_credentials_file(
    explicit_token: Option<&str>,
    explicit_base_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    file: Option<&CredentialsFile>,
) -> Result<Resolved, crate::Error> {
    let mut file = LazyFile { file, loaded: None };

    let (token, token_source) = if let Some(token) = explicit_token {
        let token = super::checked(token.to_owned(), API_TOKEN_PREFIX, Source::Explicit)?;
        (Some(token), Source::Explicit)
    } else if let Some((name, token)) = first_env(env, &TOKEN_ENV_VARS) {
        let token = super::checked(token, API_TOKEN_PREFIX, Source::Env(name))?;
        (Some(token), Source::Env(name))
    } else if let Some((path, creds)) = file.get()?
        && let Some(token) = creds.api_token.as_ref().filter(|t| !t.expose().is_empty())
    {
        let source = Source::File(path.to_path_buf());
        let token = super::checked(token.expose().to_owned(), API_TOKEN_PREFIX, source.clone())?;
        (Some(token), source)
    } else {
        (None, Source::None)
    };

    let (base_url, base_url_source) = if let Some(url) = explicit_base_url {
        (normalize_base_url(url, Source::Explicit)?, Source::Explicit)
    } else if let Some((name, url)) = first_env(env, &BASE_URL_ENV_VARS) {
        (
            normalize_base_url(&url, Source::Env(name))?,
            Source::Env(name),
        )
    } else if let Some((path, creds)) = file.get()?
        && let Some(url) = creds.base_url.as_deref().filter(|u| !u.is_empty())
    {
        let source = Source::File(path.to_path_buf());
        (normalize_base_url(url, source.clone())?, source)
    } else {
        (DEFAULT_BASE_URL.to_owned(), Source::Default)
    };

    Ok(Resolved {
        token,
        base_url,
        token_source,
        base_url_source,
    })
}

fn first_env(
    env: &dyn Fn(&str) -> Option<String>,
    names: &[&'static str],
) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|&name| env(name).filter(|v| !v.is_empty()).map(|v| (name, v)))
}

/// The credentials file, read at most once and only when a setting falls through to it.
struct LazyFile<'a> {
    file: Option<&'a CredentialsFile>,
    loaded: Option<Option<Credentials>>,
}

impl LazyFile<'_> {
    fn get(&mut self) -> Result<Option<(&Path, &Credentials)>, crate::Error> {
        let Some(file) = self.file else {
            return Ok(None);
        };
        if self.loaded.is_none() {
            self.loaded = Some(file.load_optional()?);
        }
        Ok(self
            .loaded
            .as_ref()
            .and_then(Option::as_ref)
            .map(|creds| (file.path(), creds)))
    }
}
