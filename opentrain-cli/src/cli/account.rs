//! The families that keep an agent in step with its account: `updates`, `webhooks`, `team`
//! and `tokens`.

use std::path::PathBuf;

use clap::Subcommand;

/// `opentrain updates …`
#[derive(Debug, Subcommand)]
pub enum UpdatesCommand {
    /// Follow the feed, one line per event, until interrupted.
    Follow {
        /// Start after this cursor (an event id).
        #[arg(long, value_name = "CURSOR", conflicts_with = "cursor_file")]
        cursor: Option<String>,
        /// Keep the position in this file and resume from it.
        #[arg(long, value_name = "PATH")]
        cursor_file: Option<PathBuf>,
        /// Stop after this many events.
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
    },
}

/// `opentrain webhooks …`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Check a saved delivery's X-OpenTrain-Signature against its raw body.
    Verify {
        /// The file holding the raw request body exactly as received (`-` for stdin).
        #[arg(long, value_name = "PATH")]
        body_file: PathBuf,
        /// The X-OpenTrain-Signature header value (`t=…,v1=…`).
        #[arg(long, value_name = "HEADER")]
        signature: String,
        /// The signing secret (whsec_…); prefer the environment variable.
        #[arg(
            long,
            env = "OPENTRAIN_WEBHOOK_SECRET",
            hide_env_values = true,
            value_name = "SECRET"
        )]
        secret: String,
        /// Largest accepted age of the signature in seconds (0: any age, for old saved
        /// deliveries).
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        tolerance: u64,
    },
}

/// `opentrain team …`
#[derive(Debug, Subcommand)]
pub enum TeamCommand {}

/// `opentrain tokens …`
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create a token; prints it once.
    Create {
        /// A name for the token.
        #[arg(long)]
        name: String,
        /// A scope (repeatable or comma-separated), e.g. jobs:read.
        #[arg(long = "scope", value_name = "SCOPE", value_delimiter = ',')]
        scopes: Vec<String>,
        /// When it expires (RFC 3339).
        #[arg(long, value_name = "TIME")]
        expires_at: Option<String>,
    },
}
