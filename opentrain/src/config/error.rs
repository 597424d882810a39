//! Where a setting came from and what can go wrong: [`Source`] (explicit, an environment
//! variable, the credentials file, the default) and [`ConfigError`], whose messages name the
//! source and a fix but never a secret or the content of the credentials file.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::DEFAULT_BASE_URL;

#[cfg(doc)]
use super::{CredentialsFile, Overwrite};

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

/// A token checked with [`Secret::api_token`](super::Secret::api_token) (or its siblings) in a
/// function that reports [`ConfigError`]s: the token was given explicitly.
impl From<opentrain_gen::secret::InvalidSecret> for ConfigError {
    fn from(invalid: opentrain_gen::secret::InvalidSecret) -> Self {
        ConfigError::InvalidToken {
            origin: Source::Explicit,
            expected_prefix: invalid.expected_prefix,
            problem: invalid.problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::API_TOKEN_PREFIX;

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
