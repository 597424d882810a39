//! The CLI's one error type, [`CliError`], and the exit code each kind of failure ends the
//! process with (documented in `--help` and the crate docs).

use std::fmt;

/// Exit code of an API, transport or check failure.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of a usage mistake (clap uses the same).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a wait that ran out of time.
pub const EXIT_TIMEOUT: u8 = 3;
/// Exit code of an approval that was declined or expired.
pub const EXIT_NOT_CONFIRMED: u8 = 4;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The command line or its inputs are unusable (`Usage error: …`, exit 2).
    Usage(String),
    /// The API, the connection or the local configuration failed (exit 1).
    Api(opentrain::Error),
    /// A wait ran out of time (exit 3).
    TimedOut(String),
    /// An approval ended declined or expired (exit 4).
    NotConfirmed(String),
    /// A local check failed, e.g. a webhook signature that does not match (exit 1).
    Check(String),
    /// Local I/O failed outside of the user's inputs (exit 1).
    Io {
        /// What was being done.
        what: String,
        /// The failure.
        source: std::io::Error,
    },
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::TimedOut(_) => EXIT_TIMEOUT,
            CliError::NotConfirmed(_) => EXIT_NOT_CONFIRMED,
            CliError::Api(opentrain::Error::ApprovalTimeout { .. })
            | CliError::Api(opentrain::Error::ClaimExpired) => EXIT_TIMEOUT,
            CliError::Api(_) | CliError::Check(_) | CliError::Io { .. } => EXIT_FAILURE,
        }
    }

    /// A usage error from anything printable.
    pub fn usage(message: impl fmt::Display) -> Self {
        CliError::Usage(message.to_string())
    }
}

impl From<opentrain::Error> for CliError {
    fn from(error: opentrain::Error) -> Self {
        match error {
            // A request the facade refused to build is the caller's input.
            opentrain::Error::InvalidRequest(message) => CliError::Usage(message),
            other => CliError::Api(other),
        }
    }
}

/// `?` on a generated call: the facade's decoded error.
impl<E: serde::Serialize> From<opentrain::OperationError<E>> for CliError {
    fn from(error: opentrain::OperationError<E>) -> Self {
        CliError::from(opentrain::Error::from(error))
    }
}
