//! The credentials file shared with the official CLI and MCP server: its content
//! ([`Credentials`], unknown keys kept), where it lives, and [`CredentialsFile`], which reads,
//! atomically writes, updates and removes it.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{parent_dir, sync_dir, write_file_atomically};
use super::{ConfigError, Secret};

#[cfg(doc)]
use super::resolve;

/// The content of the credentials file, in the official CLI's layout
/// `{"apiToken", "baseUrl", "claimToken"}`.
///
/// Keys other tools wrote are kept in [`other`](Self::other) and written back by
/// [`CredentialsFile::save`], so saving never drops them. Values are not validated when read:
/// [`resolve`] checks the ones it uses. `Debug` shows neither the tokens nor the values of the
/// other keys (only their names).
///
/// ```
/// use opentrain::Secret;
/// use opentrain::config::Credentials;
/// let creds = Credentials {
///     api_token: Some(Secret::api_token("ot_pat_abc_secret")?),
///     ..Credentials::default()
/// };
/// let json = serde_json::to_string(&creds).unwrap();
/// assert_eq!(json, r#"{"apiToken":"ot_pat_abc_secret"}"#);
/// assert!(!format!("{creds:?}").contains("secret"));
/// # Ok::<(), opentrain::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// `apiToken`: the personal API token (`ot_pat_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token: Option<Secret>,
    /// `baseUrl`: the origin the token belongs to (e.g. `https://app.opentrain.ai`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// `claimToken`: present only between agent registration and a completed claim (`ot_clm_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_token: Option<Secret>,
    /// Every other key of the file, kept as read.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Credentials {
    /// Whether the file holds a login: a non-empty `apiToken` or `claimToken`.
    pub fn has_login(&self) -> bool {
        let set = |t: &Option<Secret>| t.as_ref().is_some_and(|t| !t.expose().is_empty());
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
/// # Ok::<(), opentrain::Error>(())
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
    /// # Ok::<(), opentrain::Error>(())
    /// ```
    pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, crate::Error> {
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
    pub fn locate(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, crate::Error> {
        Self::default_path(env).map(Self::at)
    }

    /// The file at its [default path](Self::default_path) under the process environment.
    pub fn locate_from_process_env() -> Result<Self, crate::Error> {
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
    pub fn load(&self) -> Result<Credentials, crate::Error> {
        self.load_optional()?.ok_or_else(|| {
            ConfigError::MissingCredentialsFile {
                path: self.path.clone(),
            }
            .into()
        })
    }

    /// Reads the file; `Ok(None)` when it does not exist. A file that exists but cannot be read
    /// or is not JSON is an error, never `None`.
    pub fn load_optional(&self) -> Result<Option<Credentials>, crate::Error> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(crate::Error::from(ConfigError::UnreadableCredentialsFile {
                    path: self.path.clone(),
                    source,
                }));
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
            .map_err(crate::Error::from)
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
    /// use opentrain::Secret;
    /// use opentrain::config::{Credentials, CredentialsFile, Overwrite};
    /// let file = CredentialsFile::locate_from_process_env()?;
    /// let creds = Credentials {
    ///     api_token: Some(Secret::api_token("ot_pat_abc_def")?),
    ///     claim_token: Some(Secret::claim_token("ot_clm_ghi")?),
    ///     ..Credentials::default()
    /// };
    /// file.save(&creds, Overwrite::Refuse)?;
    /// # Ok::<(), opentrain::Error>(())
    /// ```
    pub fn save(
        &self,
        credentials: &Credentials,
        overwrite: Overwrite,
    ) -> Result<(), crate::Error> {
        if overwrite == Overwrite::Refuse
            && self
                .load_optional()?
                .is_some_and(|existing| existing.has_login())
        {
            return Err(crate::Error::from(ConfigError::CredentialsExist {
                path: self.path.clone(),
            }));
        }
        self.write_atomically(credentials).map_err(|source| {
            ConfigError::WriteFailed {
                path: self.path.clone(),
                source,
            }
            .into()
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
    /// # Ok::<(), opentrain::Error>(())
    /// ```
    pub fn update<R>(&self, change: impl FnOnce(&mut Credentials) -> R) -> Result<R, crate::Error> {
        let mut credentials = self.load_optional()?.unwrap_or_default();
        let out = change(&mut credentials);
        self.save(&credentials, Overwrite::Allow)?;
        Ok(out)
    }

    /// Deletes the file (logout). Returns whether there was a file to delete.
    pub fn remove(&self) -> Result<bool, crate::Error> {
        match fs::remove_file(&self.path) {
            Ok(()) => {
                sync_dir(&parent_dir(&self.path));
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(ConfigError::RemoveFailed {
                path: self.path.clone(),
                source,
            }
            .into()),
        }
    }

    fn write_atomically(&self, credentials: &Credentials) -> io::Result<()> {
        let mut json = serde_json::to_vec_pretty(credentials).map_err(io::Error::other)?;
        json.push(b'\n');
        write_file_atomically(&self.path, &json)
    }
}
