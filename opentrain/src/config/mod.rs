//! Where the client finds its token and base URL: [`resolve`] applies the official CLI's
//! precedence (explicit, then `OT_API_TOKEN` / `OPENTRAIN_API_TOKEN` or `OT_API_BASE_URL` /
//! `OPENTRAIN_API_BASE_URL`, then the credentials file, then no token / [`DEFAULT_BASE_URL`]) so a
//! login made with the official CLI or MCP server works unchanged; [`CredentialsFile`] reads and
//! atomically writes that file, `${XDG_CONFIG_HOME:-$HOME/.config}/opentrain/cli.json` (mode
//! `0600`, keys written by other tools kept); and [`crate::Secret`] carries every secret so that it
//! never appears in `Debug` or `Display` output or in an error message.

mod atomic;
mod base_url;
mod credentials;
mod error;
mod resolution;
mod secret;

pub(crate) use atomic::{off_runtime, write_file_atomically};
pub use base_url::DEFAULT_BASE_URL;
pub(crate) use base_url::{API_PATH, api_url};
pub use credentials::{Credentials, CredentialsFile, Overwrite};
pub use error::{ConfigError, Source};
pub use resolution::{
    BASE_URL_ENV_VARS, Resolved, TOKEN_ENV_VARS, resolve, resolve_from_process_env,
    resolve_with_credentials_file,
};
pub(crate) use secret::Secret;
pub(crate) use secret::checked;
pub use secret::{
    API_TOKEN_PREFIX, CLAIM_ATTEMPT_PREFIX, CLAIM_TOKEN_PREFIX, SECRET_PREFIXES,
    WEBHOOK_SECRET_PREFIX,
};
