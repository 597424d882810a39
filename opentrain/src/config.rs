//! Where the client finds its token and base URL: [`resolve`] applies the official CLI's
//! precedence (explicit, then `OT_API_TOKEN` / `OPENTRAIN_API_TOKEN` or `OT_API_BASE_URL` /
//! `OPENTRAIN_API_BASE_URL`, then the credentials file, then no token / [`DEFAULT_BASE_URL`]) so a
//! login made with the official CLI or MCP server works unchanged; [`CredentialsFile`] reads and
//! atomically writes that file, `${XDG_CONFIG_HOME:-$HOME/.config}/opentrain/cli.json` (mode
//! `0600`, keys written by other tools kept); and [`SecretToken`] carries every secret so that it
//! never appears in `Debug` or `Display` output or in an error message.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The origin the official CLI and MCP server use when no base URL is configured.
pub const DEFAULT_BASE_URL: &str = "https://app.opentrain.ai";

/// The path of the Public API under a base URL; [`api_url`] appends it.
pub const API_PATH: &str = "/api/public/v1";

/// The prefix of a personal API token, the bearer token of every Public API call.
pub const API_TOKEN_PREFIX: &str = "ot_pat_";

/// The prefix of a claim token, kept by a self-registered agent until a human claims the account.
pub const CLAIM_TOKEN_PREFIX: &str = "ot_clm_";

/// The environment variables that hold an API token, in order of precedence.
pub const TOKEN_ENV_VARS: [&str; 2] = ["OT_API_TOKEN", "OPENTRAIN_API_TOKEN"];

/// The environment variables that hold a base URL, in order of precedence.
pub const BASE_URL_ENV_VARS: [&str; 2] = ["OT_API_BASE_URL", "OPENTRAIN_API_BASE_URL"];

/// Token prefixes that redacted output may show (they name the kind of token, not the secret),
/// with what an error message calls such a token, and a note on what it is for.
const KNOWN_PREFIXES: [(&str, &str, &str); 4] = [
    ("ot_pat_", "a personal API token", ""),
    (
        "ot_clm_",
        "a claim token",
        ", which is exchanged for an API token once a human claims the account",
    ),
    (
        "ot_cat_",
        "a claim-attempt token",
        ", which belongs in the verification URL a human opens",
    ),
    (
        "ot_ptk_",
        "a Platform API partner token",
        ", which the Public API does not accept",
    ),
];

/// The URL of the Public API under `base`: `base` without trailing `/`, followed by [`API_PATH`]
/// unless it already ends with it.
///
/// ```
/// use opentrain::config::api_url;
/// assert_eq!(api_url("https://app.opentrain.ai"), "https://app.opentrain.ai/api/public/v1");
/// assert_eq!(api_url("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/api/public/v1");
/// assert_eq!(api_url("https://proxy.example/api/public/v1/"), "https://proxy.example/api/public/v1");
/// ```
pub fn api_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with(API_PATH) {
        base.to_owned()
    } else {
        format!("{base}{API_PATH}")
    }
}

// ---------------------------------------------------------------------------------------------
// SecretToken
// ---------------------------------------------------------------------------------------------

/// A secret: an `ot_pat_` API token, an `ot_clm_` claim token or a webhook secret.
///
/// `Debug` and `Display` never show it: they print the token's kind prefix when it has a known
/// one (`ot_pat_…(redacted)`) and `(redacted)` otherwise. Read the secret with
/// [`expose`](Self::expose), only where it is sent. Serializes as a plain JSON string, as the
/// credentials file stores it. Equality runs in time independent of where the secrets differ.
///
/// ```
/// use opentrain::config::SecretToken;
/// let token = SecretToken::api_token("ot_pat_abc123_s3cr3t")?;
/// assert_eq!(token.to_string(), "ot_pat_…(redacted)");
/// assert_eq!(format!("{token:?}"), "SecretToken(ot_pat_…(redacted))");
/// assert_eq!(token.expose(), "ot_pat_abc123_s3cr3t");
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps any secret without checking it (webhook secrets, tokens read before validation).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// A personal API token: it must start with `ot_pat_`, have something after the prefix and
    /// contain no whitespace or control characters. The error never contains the token.
    ///
    /// ```
    /// use opentrain::config::{ConfigError, SecretToken};
    /// assert!(SecretToken::api_token("ot_pat_abc_def").is_ok());
    /// let err = SecretToken::api_token("ot_clm_not_a_bearer").unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidToken { .. }));
    /// assert!(!err.to_string().contains("not_a_bearer"));
    /// ```
    pub fn api_token(token: impl Into<String>) -> Result<Self, ConfigError> {
        Self::checked(token.into(), API_TOKEN_PREFIX, Source::Explicit)
    }

    /// A claim token: it must start with `ot_clm_` (same rules as [`api_token`](Self::api_token)).
    ///
    /// ```
    /// use opentrain::config::SecretToken;
    /// assert!(SecretToken::claim_token("ot_clm_abc").is_ok());
    /// assert!(SecretToken::claim_token("ot_pat_abc").is_err());
    /// ```
    pub fn claim_token(token: impl Into<String>) -> Result<Self, ConfigError> {
        Self::checked(token.into(), CLAIM_TOKEN_PREFIX, Source::Explicit)
    }

    /// The secret itself. Call it only where the secret is sent (a header, a form body, a file).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token's known kind prefix (`ot_pat_`, `ot_clm_`, `ot_cat_`, `ot_ptk_`), if it has one.
    pub fn prefix(&self) -> Option<&'static str> {
        known_prefix(&self.0).map(|(prefix, _, _)| prefix)
    }

    fn checked(token: String, expected: &'static str, origin: Source) -> Result<Self, ConfigError> {
        match token_problem(&token, expected) {
            None => Ok(Self(token)),
            Some(problem) => Err(ConfigError::InvalidToken {
                origin,
                expected_prefix: expected,
                problem,
            }),
        }
    }
}

impl fmt::Display for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(empty)")
        } else if let Some(prefix) = self.prefix() {
            write!(f, "{prefix}…(redacted)")
        } else {
            f.write_str("(redacted)")
        }
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretToken({self})")
    }
}

impl PartialEq for SecretToken {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for SecretToken {}

fn known_prefix(s: &str) -> Option<(&'static str, &'static str, &'static str)> {
    KNOWN_PREFIXES
        .iter()
        .copied()
        .find(|(prefix, _, _)| s.starts_with(prefix))
}

/// What is wrong with `token` as a token starting with `expected`, in words that contain no
/// character of the token beyond a known kind prefix.
fn token_problem(token: &str, expected: &'static str) -> Option<String> {
    if token.is_empty() {
        return Some("it is empty".to_owned());
    }
    if let Some(rest) = token.strip_prefix(expected) {
        if rest.is_empty() {
            return Some(format!("it has nothing after `{expected}`"));
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Some(
                "it contains whitespace or control characters (a stray space or newline?)"
                    .to_owned(),
            );
        }
        return None;
    }
    Some(match known_prefix(token) {
        Some((prefix, name, note)) => format!("it is {name} (`{prefix}…`){note}"),
        None if token.trim_start().starts_with(expected) => {
            "it starts with whitespace (a stray space or newline?)".to_owned()
        }
        None => format!(
            "it does not start with `{expected}` (it is {} characters long)",
            token.chars().count()
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// Source and errors
// ---------------------------------------------------------------------------------------------

/// Where a resolved setting (or a rejected value) came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Passed by the caller (a builder method, a command-line flag).
    Explicit,
    /// The named environment variable.
    Env(&'static str),
    /// The credentials file at this path.
    File(PathBuf),
    /// The built-in default ([`DEFAULT_BASE_URL`]).
    Default,
    /// Not set anywhere (a client without a token can still make tokenless reads).
    None,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit => f.write_str("the explicitly passed value"),
            Source::Env(name) => write!(f, "the environment variable {name}"),
            Source::File(path) => write!(f, "the credentials file {}", path.display()),
            Source::Default => f.write_str("the built-in default"),
            Source::None => f.write_str("nowhere (not set)"),
        }
    }
}

/// Why configuration could not be resolved, or the credentials file not read or written.
///
/// No variant carries or prints a secret, nor the content of the credentials file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither `XDG_CONFIG_HOME` nor `HOME` is set to an absolute path, so the default location
    /// of the credentials file is unknown.
    #[error(
        "cannot locate the OpenTrain credentials file: neither XDG_CONFIG_HOME nor HOME is set to \
         an absolute path; set HOME (or XDG_CONFIG_HOME), or give the file's path explicitly"
    )]
    NoConfigDir,

    /// The credentials file does not exist ([`CredentialsFile::load`] only).
    #[error(
        "no OpenTrain credentials file at {}; log in with `opentrain auth login` or register an \
         agent, or set OT_API_TOKEN",
        path.display()
    )]
    MissingCredentialsFile {
        /// Where the file was expected.
        path: PathBuf,
    },

    /// The credentials file exists but cannot be read (a directory, no permission...).
    #[error(
        "cannot read the OpenTrain credentials file {} ({}); make sure it is a regular file this \
         user can read, or remove it and log in again",
        path.display(),
        source.kind()
    )]
    UnreadableCredentialsFile {
        /// The file's path.
        path: PathBuf,
        /// The I/O error (it names the failure, never the content).
        #[source]
        source: io::Error,
    },

    /// The credentials file is not JSON, or not a JSON object with string `apiToken`, `baseUrl`
    /// and `claimToken`. Only the position is reported, never the content.
    #[error(
        "the OpenTrain credentials file {} {problem} (line {line}, column {column}); fix it, or \
         remove it and log in again with `opentrain auth login`",
        path.display()
    )]
    MalformedCredentialsFile {
        /// The file's path.
        path: PathBuf,
        /// The 1-based line where parsing failed.
        line: usize,
        /// The 1-based column where parsing failed.
        column: usize,
        /// What is wrong, in words (never a quote of the content).
        problem: &'static str,
    },

    /// A token does not have the expected prefix or shape. The message says where it came from
    /// and at most its kind prefix or its length, never the token.
    #[error(
        "the OpenTrain token from {origin} is not valid: {problem}; expected a token starting \
         with `{expected_prefix}`. {fix}",
        fix = token_fix(.origin, .expected_prefix)
    )]
    InvalidToken {
        /// Where the token came from.
        origin: Source,
        /// The prefix the token should have had (`ot_pat_` or `ot_clm_`).
        expected_prefix: &'static str,
        /// What is wrong with it, without any of its secret characters.
        problem: String,
    },

    /// A base URL is not an `http://` or `https://` URL this client can use.
    #[error(
        "the OpenTrain base URL from {origin} is not valid: {problem} (got {}); use an http(s) \
         URL such as {DEFAULT_BASE_URL}",
        shown_value(.value)
    )]
    InvalidBaseUrl {
        /// Where the URL came from.
        origin: Source,
        /// The URL as given, or `None` when it was not kept because it may hold a password.
        value: Option<String>,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// [`Overwrite::Refuse`] was asked and the file already holds an `apiToken` or `claimToken`.
    #[error(
        "the OpenTrain credentials file {} already holds a login; refusing to overwrite it. Log \
         out first (`opentrain auth logout`) or save with Overwrite::Allow (the CLI's --force)",
        path.display()
    )]
    CredentialsExist {
        /// The file's path.
        path: PathBuf,
    },

    /// Writing the credentials file (or creating its directory) failed; the previous file, if
    /// any, is unchanged.
    #[error(
        "cannot write the OpenTrain credentials file {} ({}); check that its directory exists or \
         can be created, is writable, and that the disk is not full",
        path.display(),
        source.kind()
    )]
    WriteFailed {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// Deleting the credentials file failed.
    #[error(
        "cannot remove the OpenTrain credentials file {} ({}); check the permissions of its \
         directory, or delete it by hand",
        path.display(),
        source.kind()
    )]
    RemoveFailed {
        /// The file's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

fn token_fix(origin: &Source, expected: &str) -> String {
    match origin {
        Source::Env(name) => format!("Fix or unset {name}."),
        Source::File(path) => format!(
            "Log in again with `opentrain auth login`, or fix `apiToken` in {}.",
            path.display()
        ),
        _ => format!("Pass the `{expected}…` token exactly as OpenTrain issued it."),
    }
}

fn shown_value(value: &Option<String>) -> String {
    match value {
        Some(v) => format!("{v:?}"),
        None => "a value not shown because it may contain a password".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Base URL check
// ---------------------------------------------------------------------------------------------

/// Checks that `raw` is an absolute `http(s)://host[:port][/path]` URL and returns it without
/// trailing `/`.
fn normalize_base_url(raw: &str, origin: Source) -> Result<String, ConfigError> {
    check_base_url(raw).map_err(|problem| ConfigError::InvalidBaseUrl {
        origin,
        value: (!raw.contains('@')).then(|| raw.chars().take(200).collect()),
        problem,
    })
}

fn check_base_url(raw: &str) -> Result<String, &'static str> {
    if raw.is_empty() {
        return Err("it is empty");
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or control characters");
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err("it has no scheme; write it in full, like https://app.opentrain.ai");
    };
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return Err("its scheme is not http:// or https://");
    }
    if rest.contains(['?', '#']) {
        return Err("it has a query (?) or a fragment (#); give only scheme, host, port and path");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err("it contains user credentials (user:password@); put the token in OT_API_TOKEN");
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((ip6, tail)) = bracketed.split_once(']') else {
            return Err("its IPv6 host is missing the closing `]`");
        };
        if ip6.is_empty()
            || !ip6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("its IPv6 host is not valid");
        }
        match tail {
            "" => (ip6, None),
            _ => match tail.strip_prefix(':') {
                Some(port) => (ip6, Some(port)),
                None => return Err("it has unexpected characters after the IPv6 host"),
            },
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.starts_with(['.', '-'])
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err("its host has characters that are not allowed in a host name");
        }
        (host, port)
    };
    if host.is_empty() {
        return Err("it has no host");
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err("its port is not a number from 1 to 65535");
        }
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

// ---------------------------------------------------------------------------------------------
// The credentials file
// ---------------------------------------------------------------------------------------------

/// The content of the credentials file, in the official CLI's layout
/// `{"apiToken", "baseUrl", "claimToken"}`.
///
/// Keys other tools wrote are kept in [`other`](Self::other) and written back by
/// [`CredentialsFile::save`], so saving never drops them. Values are not validated when read:
/// [`resolve`] checks the ones it uses. `Debug` shows neither the tokens nor the values of the
/// other keys (only their names).
///
/// ```
/// use opentrain::config::{Credentials, SecretToken};
/// let creds = Credentials {
///     api_token: Some(SecretToken::api_token("ot_pat_abc_secret")?),
///     ..Credentials::default()
/// };
/// let json = serde_json::to_string(&creds).unwrap();
/// assert_eq!(json, r#"{"apiToken":"ot_pat_abc_secret"}"#);
/// assert!(!format!("{creds:?}").contains("secret"));
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// `apiToken`: the personal API token (`ot_pat_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token: Option<SecretToken>,
    /// `baseUrl`: the origin the token belongs to (e.g. `https://app.opentrain.ai`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// `claimToken`: present only between agent registration and a completed claim (`ot_clm_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_token: Option<SecretToken>,
    /// Every other key of the file, kept as read.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Credentials {
    /// Whether the file holds a login: a non-empty `apiToken` or `claimToken`.
    pub fn has_login(&self) -> bool {
        let set = |t: &Option<SecretToken>| t.as_ref().is_some_and(|t| !t.expose().is_empty());
        set(&self.api_token) || set(&self.claim_token)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_token", &self.api_token)
            .field("base_url", &self.base_url)
            .field("claim_token", &self.claim_token)
            .field("other_keys", &self.other.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Whether [`CredentialsFile::save`] may replace a file that already holds a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`ConfigError::CredentialsExist`] when the file holds an `apiToken` or
    /// `claimToken` (what `opentrain auth register` does without `--force`).
    Refuse,
    /// Replace the file whatever it holds.
    Allow,
}

/// The credentials file shared with the official CLI and MCP server.
///
/// Reads and writes are synchronous (the file is tiny). Writes are atomic: a reader sees the old
/// file or the new one, never a mix, and a crash leaves at most a stray hidden temporary file
/// next to it, which loading ignores. There is no locking (the official tools do not lock
/// either), so two concurrent [`update`](Self::update)s may lose one of the changes.
///
/// ```no_run
/// use opentrain::config::CredentialsFile;
/// let file = CredentialsFile::locate_from_process_env()?;
/// // After a completed claim: keep the new API token, drop the claim token.
/// file.update(|c| c.claim_token = None)?;
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFile {
    path: PathBuf,
}

impl CredentialsFile {
    /// The default path, `${XDG_CONFIG_HOME:-$HOME/.config}/opentrain/cli.json`, computed with
    /// the environment lookup `env`. `XDG_CONFIG_HOME` counts only when set to a non-empty
    /// absolute path (as the XDG spec says); otherwise `HOME` must be one, or the result is
    /// [`ConfigError::NoConfigDir`].
    ///
    /// ```
    /// use opentrain::config::CredentialsFile;
    /// use std::path::Path;
    /// let env = |k: &str| (k == "HOME").then(|| "/home/ada".to_owned());
    /// let path = CredentialsFile::default_path(&env)?;
    /// assert_eq!(path, Path::new("/home/ada/.config/opentrain/cli.json"));
    /// # Ok::<(), opentrain::config::ConfigError>(())
    /// ```
    pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, ConfigError> {
        let absolute = |name: &str| {
            env(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let config_home = match absolute("XDG_CONFIG_HOME") {
            Some(dir) => dir,
            None => absolute("HOME")
                .ok_or(ConfigError::NoConfigDir)?
                .join(".config"),
        };
        Ok(config_home.join("opentrain").join("cli.json"))
    }

    /// The file at its [default path](Self::default_path).
    pub fn locate(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::default_path(env).map(Self::at)
    }

    /// The file at its [default path](Self::default_path) under the process environment.
    pub fn locate_from_process_env() -> Result<Self, ConfigError> {
        Self::locate(&|name| std::env::var(name).ok())
    }

    /// The file at `path` (tests, or a tool that keeps its own file).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file; a missing file is [`ConfigError::MissingCredentialsFile`].
    pub fn load(&self) -> Result<Credentials, ConfigError> {
        self.load_optional()?
            .ok_or_else(|| ConfigError::MissingCredentialsFile {
                path: self.path.clone(),
            })
    }

    /// Reads the file; `Ok(None)` when it does not exist. A file that exists but cannot be read
    /// or is not JSON is an error, never `None`.
    pub fn load_optional(&self) -> Result<Option<Credentials>, ConfigError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ConfigError::UnreadableCredentialsFile {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        serde_json::from_slice(json)
            .map(Some)
            .map_err(|e| ConfigError::MalformedCredentialsFile {
                path: self.path.clone(),
                line: e.line(),
                column: e.column(),
                problem: match e.classify() {
                    serde_json::error::Category::Eof => {
                        "is not valid JSON (it is empty or ends too early)"
                    }
                    serde_json::error::Category::Data => {
                        "is JSON but not an object whose apiToken, baseUrl and claimToken are \
                         strings"
                    }
                    serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                        "is not valid JSON"
                    }
                },
            })
    }

    /// Writes `credentials` (unknown keys in [`Credentials::other`] included), atomically: a
    /// temporary file created with mode `0600` in the same directory, written, flushed to disk,
    /// renamed over the file, then the directory flushed (best effort). A missing directory is
    /// created with mode `0700`. The file ends up with mode `0600` even if it had another before.
    /// When the path is a symbolic link, the link is kept and the file it points to is replaced.
    ///
    /// With [`Overwrite::Refuse`], fails with [`ConfigError::CredentialsExist`] when the file
    /// already [holds a login](Credentials::has_login), and with the read error when it exists
    /// but cannot be read or parsed (so an unknown file is never clobbered).
    ///
    /// ```no_run
    /// use opentrain::config::{Credentials, CredentialsFile, Overwrite, SecretToken};
    /// let file = CredentialsFile::locate_from_process_env()?;
    /// let creds = Credentials {
    ///     api_token: Some(SecretToken::api_token("ot_pat_abc_def")?),
    ///     claim_token: Some(SecretToken::claim_token("ot_clm_ghi")?),
    ///     ..Credentials::default()
    /// };
    /// file.save(&creds, Overwrite::Refuse)?;
    /// # Ok::<(), opentrain::config::ConfigError>(())
    /// ```
    pub fn save(&self, credentials: &Credentials, overwrite: Overwrite) -> Result<(), ConfigError> {
        if overwrite == Overwrite::Refuse
            && self
                .load_optional()?
                .is_some_and(|existing| existing.has_login())
        {
            return Err(ConfigError::CredentialsExist {
                path: self.path.clone(),
            });
        }
        self.write_atomically(credentials)
            .map_err(|source| ConfigError::WriteFailed {
                path: self.path.clone(),
                source,
            })
    }

    /// Loads the file (or starts from empty credentials when it is missing), lets `change` modify
    /// it, and saves it with [`Overwrite::Allow`]; returns what `change` returned. Unknown keys
    /// survive. A file that cannot be read or parsed is an error and is left untouched.
    ///
    /// ```no_run
    /// use opentrain::config::CredentialsFile;
    /// let file = CredentialsFile::locate_from_process_env()?;
    /// let had_claim = file.update(|c| c.claim_token.take().is_some())?;
    /// # Ok::<(), opentrain::config::ConfigError>(())
    /// ```
    pub fn update<R>(&self, change: impl FnOnce(&mut Credentials) -> R) -> Result<R, ConfigError> {
        let mut credentials = self.load_optional()?.unwrap_or_default();
        let out = change(&mut credentials);
        self.save(&credentials, Overwrite::Allow)?;
        Ok(out)
    }

    /// Deletes the file (logout). Returns whether there was a file to delete.
    pub fn remove(&self) -> Result<bool, ConfigError> {
        match fs::remove_file(&self.path) {
            Ok(()) => {
                sync_dir(&parent_dir(&self.path));
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(ConfigError::RemoveFailed {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write_atomically(&self, credentials: &Credentials) -> io::Result<()> {
        let mut json = serde_json::to_vec_pretty(credentials).map_err(io::Error::other)?;
        json.push(b'\n');
        write_file_atomically(&self.path, &json)
    }
}

/// Replaces the file at `path` with `bytes` so that a crash at any moment leaves either the
/// old file or the complete new one: write a private temporary file (mode 0600) next to it,
/// fsync it, rename it over the target, fsync the directory. A symlinked target (a dotfiles
/// manager) is written through: the link stays and its target is replaced. Missing parent
/// directories are created (mode 0700). The one atomic write of the crate: credentials and
/// cursor files both go through it.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let Some(name) = target.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no file name", path.display()),
        ));
    };
    let dir = parent_dir(&target);
    create_private_dir(&dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{:016x}",
        name.to_string_lossy(),
        std::process::id(),
        rand::random::<u64>()
    ));
    let written = (|| {
        let mut file = create_private_file(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Flushes a directory entry change (a rename, a removal) to disk; best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

/// The token and base URL a client should use, and where each came from.
///
/// `Debug` shows the token redacted (see [`SecretToken`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The API token, if any source had one (`ot_pat_…`, validated).
    pub token: Option<SecretToken>,
    /// The base URL (validated, without trailing `/`, without [`API_PATH`] appended).
    pub base_url: String,
    /// Where the token came from ([`Source::None`] when there is none).
    pub token_source: Source,
    /// Where the base URL came from ([`Source::Default`] for [`DEFAULT_BASE_URL`]).
    pub base_url_source: Source,
}

impl Resolved {
    /// The Public API URL under the resolved base URL (see [`api_url`]).
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
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
pub fn resolve(
    explicit_token: Option<&str>,
    explicit_base_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, ConfigError> {
    let file = CredentialsFile::locate(env).ok();
    resolve_with_credentials_file(explicit_token, explicit_base_url, env, file.as_ref())
}

/// [`resolve`] with the process environment (`std::env::var`).
///
/// ```no_run
/// let resolved = opentrain::config::resolve_from_process_env(None, None)?;
/// println!("calling {} with a token from {}", resolved.api_url(), resolved.token_source);
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
pub fn resolve_from_process_env(
    explicit_token: Option<&str>,
    explicit_base_url: Option<&str>,
) -> Result<Resolved, ConfigError> {
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
) -> Result<Resolved, ConfigError> {
    let mut file = LazyFile { file, loaded: None };

    let (token, token_source) = if let Some(token) = explicit_token {
        let token = SecretToken::checked(token.to_owned(), API_TOKEN_PREFIX, Source::Explicit)?;
        (Some(token), Source::Explicit)
    } else if let Some((name, token)) = first_env(env, &TOKEN_ENV_VARS) {
        let token = SecretToken::checked(token, API_TOKEN_PREFIX, Source::Env(name))?;
        (Some(token), Source::Env(name))
    } else if let Some((path, creds)) = file.get()?
        && let Some(token) = creds.api_token.as_ref().filter(|t| !t.expose().is_empty())
    {
        let source = Source::File(path.to_path_buf());
        let token =
            SecretToken::checked(token.expose().to_owned(), API_TOKEN_PREFIX, source.clone())?;
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
    fn get(&mut self) -> Result<Option<(&Path, &Credentials)>, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const PAT: &str = "ot_pat_pub123_SuperSecretValue";

    #[test]
    fn secret_token_display_and_debug_show_only_the_kind_prefix() {
        let token = SecretToken::new(PAT);
        assert_eq!(token.to_string(), "ot_pat_…(redacted)");
        assert_eq!(format!("{token:?}"), "SecretToken(ot_pat_…(redacted))");
        assert_eq!(format!("{token:#?}"), "SecretToken(ot_pat_…(redacted))");
        let claim = SecretToken::new("ot_clm_SuperSecretValue");
        assert_eq!(claim.to_string(), "ot_clm_…(redacted)");
    }

    #[test]
    fn secret_token_without_known_prefix_shows_no_characters() {
        let webhook = SecretToken::new("whsec_SuperSecretValue");
        assert_eq!(webhook.to_string(), "(redacted)");
        assert_eq!(format!("{webhook:?}"), "SecretToken((redacted))");
        assert_eq!(SecretToken::new("").to_string(), "(empty)");
    }

    #[test]
    fn secret_token_expose_returns_the_secret() {
        assert_eq!(SecretToken::api_token(PAT).unwrap().expose(), PAT);
        assert_eq!(SecretToken::new(PAT).prefix(), Some("ot_pat_"));
        assert_eq!(SecretToken::new("x").prefix(), None);
    }

    #[test]
    fn secret_token_equality_compares_the_whole_secret() {
        assert_eq!(SecretToken::new(PAT), SecretToken::new(PAT));
        assert_ne!(
            SecretToken::new(PAT),
            SecretToken::new("ot_pat_pub123_SuperSecretValuE")
        );
        assert_ne!(SecretToken::new(PAT), SecretToken::new("ot_pat_pub123"));
    }

    #[test]
    fn secret_token_serializes_as_a_plain_string() {
        let token = SecretToken::new(PAT);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(json, format!("\"{PAT}\""));
        let back: SecretToken = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token);
    }

    #[test]
    fn api_token_rejects_wrong_prefixes_without_leaking_the_token() {
        for bad in [
            "SuperSecretValue",
            "ot_clm_SuperSecretValue",
            "ot_cat_SuperSecretValue",
            " ot_pat_SuperSecretValue",
            "ot_pat_SuperSecretValue\n",
            "ot_pat_Super SecretValue",
        ] {
            let err = SecretToken::api_token(bad).unwrap_err();
            let ConfigError::InvalidToken {
                origin,
                expected_prefix,
                ..
            } = &err
            else {
                panic!("expected InvalidToken, got {err:?}");
            };
            assert_eq!(*origin, Source::Explicit);
            assert_eq!(*expected_prefix, "ot_pat_");
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("Secret"), "{bad:?} leaked in {shown}");
                assert!(!shown.contains("Super"), "{bad:?} leaked in {shown}");
            }
        }
    }

    #[test]
    fn api_token_rejects_empty_and_bare_prefix() {
        let empty = SecretToken::api_token("").unwrap_err().to_string();
        assert!(empty.contains("it is empty"), "{empty}");
        let bare = SecretToken::api_token("ot_pat_").unwrap_err().to_string();
        assert!(bare.contains("nothing after `ot_pat_`"), "{bare}");
    }

    #[test]
    fn invalid_token_message_names_the_kind_or_the_length() {
        let claim = SecretToken::api_token("ot_clm_abcdef")
            .unwrap_err()
            .to_string();
        assert!(claim.contains("claim token"), "{claim}");
        let other = SecretToken::api_token("abcdef").unwrap_err().to_string();
        assert!(other.contains("6 characters long"), "{other}");
        assert!(
            other.contains("expected a token starting with `ot_pat_`"),
            "{other}"
        );
    }

    #[test]
    fn claim_token_requires_the_claim_prefix() {
        assert_eq!(
            SecretToken::claim_token("ot_clm_abc").unwrap().expose(),
            "ot_clm_abc"
        );
        let err = SecretToken::claim_token("ot_pat_SuperSecretValue").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`ot_clm_`") && text.contains("personal API token"),
            "{text}"
        );
        assert!(!text.contains("Super"), "{text}");
    }

    #[test]
    fn base_url_check_accepts_http_and_https_urls_and_strips_trailing_slashes() {
        for (raw, want) in [
            ("https://app.opentrain.ai", "https://app.opentrain.ai"),
            ("https://app.opentrain.ai/", "https://app.opentrain.ai"),
            ("https://app.opentrain.ai//", "https://app.opentrain.ai"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("HTTPS://App.Example", "HTTPS://App.Example"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            (
                "http://localhost/proxy/opentrain/",
                "http://localhost/proxy/opentrain",
            ),
            ("https://my_host.internal", "https://my_host.internal"),
        ] {
            assert_eq!(check_base_url(raw).as_deref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn base_url_check_rejects_what_is_not_an_http_url() {
        for raw in [
            "",
            "app.opentrain.ai",
            "ftp://app.opentrain.ai",
            "https://",
            "https:///path",
            "https://app.opentrain.ai?x=1",
            "https://app.opentrain.ai/#frag",
            "https://user:pw@app.opentrain.ai",
            "https://app opentrain.ai",
            "https://app.opentrain.ai\n",
            "https://app.opentrain.ai:",
            "https://app.opentrain.ai:99999",
            "https://app.opentrain.ai:0",
            "https://app.opentrain.ai:80:80",
            "http://[::1",
            "http://[zz]",
            "http://[::1]x",
            "https://.example",
            "https://exa$mple.com",
        ] {
            assert!(check_base_url(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn invalid_base_url_with_credentials_is_not_echoed() {
        let err =
            normalize_base_url("https://user:hunter2@example.com", Source::Explicit).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{err:?}").contains("hunter2"));
        let err = normalize_base_url("ftp://example.com", Source::Env("OT_API_BASE_URL"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"ftp://example.com\"") && err.contains("OT_API_BASE_URL"),
            "{err}"
        );
    }

    #[test]
    fn api_url_appends_the_api_path_once() {
        assert_eq!(
            api_url(DEFAULT_BASE_URL),
            "https://app.opentrain.ai/api/public/v1"
        );
        assert_eq!(api_url("http://h:1/"), "http://h:1/api/public/v1");
        assert_eq!(api_url("http://h/api/public/v1"), "http://h/api/public/v1");
        assert_eq!(api_url("http://h/api/public/v1/"), "http://h/api/public/v1");
        assert_eq!(api_url("http://h/proxy"), "http://h/proxy/api/public/v1");
    }

    #[test]
    fn every_error_message_names_a_fix() {
        let path = PathBuf::from("/home/ada/.config/opentrain/cli.json");
        let io = || io::Error::from(io::ErrorKind::PermissionDenied);
        let errors = [
            (ConfigError::NoConfigDir, "set HOME"),
            (
                ConfigError::MissingCredentialsFile { path: path.clone() },
                "opentrain auth login",
            ),
            (
                ConfigError::UnreadableCredentialsFile {
                    path: path.clone(),
                    source: io(),
                },
                "remove it and log in again",
            ),
            (
                ConfigError::MalformedCredentialsFile {
                    path: path.clone(),
                    line: 3,
                    column: 7,
                    problem: "is not valid JSON",
                },
                "line 3, column 7",
            ),
            (
                ConfigError::InvalidToken {
                    origin: Source::Env("OT_API_TOKEN"),
                    expected_prefix: API_TOKEN_PREFIX,
                    problem: "it is empty".into(),
                },
                "Fix or unset OT_API_TOKEN",
            ),
            (
                ConfigError::InvalidBaseUrl {
                    origin: Source::File(path.clone()),
                    value: Some("x".into()),
                    problem: "it has no scheme",
                },
                "use an http(s) URL such as https://app.opentrain.ai",
            ),
            (
                ConfigError::CredentialsExist { path: path.clone() },
                "opentrain auth logout",
            ),
            (
                ConfigError::WriteFailed {
                    path: path.clone(),
                    source: io(),
                },
                "writable",
            ),
            (
                ConfigError::RemoveFailed {
                    path: path.clone(),
                    source: io(),
                },
                "delete it by hand",
            ),
        ];
        for (err, fix) in errors {
            let text = err.to_string();
            assert!(text.contains(fix), "{text:?} does not contain {fix:?}");
            if !matches!(
                err,
                ConfigError::NoConfigDir | ConfigError::InvalidToken { .. }
            ) {
                assert!(text.contains(&*path.to_string_lossy()), "{text}");
            }
        }
    }

    #[test]
    fn io_errors_name_their_kind() {
        let err = ConfigError::UnreadableCredentialsFile {
            path: "/x".into(),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert!(err.to_string().contains("(permission denied)"), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn source_display_reads_as_a_phrase() {
        assert_eq!(
            Source::Env("OT_API_TOKEN").to_string(),
            "the environment variable OT_API_TOKEN"
        );
        assert_eq!(
            Source::File("/a/cli.json".into()).to_string(),
            "the credentials file /a/cli.json"
        );
    }
}
