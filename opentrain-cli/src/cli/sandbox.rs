//! `opentrain sandbox …`: serving the embedded sandbox, and playing its other sides (the
//! trainers, the person who co-signs, the moderation service) against a running one.

use clap::Subcommand;

/// `opentrain sandbox …`.
#[derive(Debug, Subcommand, Clone)]
pub enum SandboxCommand {
    /// Run the sandbox until Ctrl-C; its base URL is the first line of stdout. Point any
    /// client at it (`--base-url`, `OT_API_BASE_URL`, `OPENTRAIN_API_BASE_URL`).
    Serve {
        /// The port on 127.0.0.1 (default: a free one).
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// A scripted human confirms claims and approvals; without it, claim and approval
        /// links open HTML pages where you do.
        #[arg(long)]
        auto_confirm: bool,
    },
    /// Play a trainer against a running sandbox (`--base-url` is the URL `serve` printed).
    #[command(subcommand)]
    Trainer(TrainerCommand),
    /// Play the human who co-signs approvals in a running sandbox.
    #[command(subcommand)]
    Approvals(SandboxApprovalsCommand),
    /// Play the moderation service of a running sandbox.
    #[command(subcommand)]
    Moderation(ModerationCommand),
}

/// `opentrain sandbox trainer …`.
#[derive(Debug, Subcommand, Clone)]
pub enum TrainerCommand {
    /// A seeded trainer applies to an open job (`proposal.received` fires).
    Propose {
        /// The open job to apply to.
        #[arg(long, value_name = "ID")]
        job_id: String,
    },
    /// The trainer of a conversation replies (`message.received` fires).
    Reply {
        /// The conversation to reply in.
        #[arg(long, value_name = "ID")]
        conversation_id: String,
        /// What the trainer writes.
        #[arg(long)]
        text: String,
    },
}

/// `opentrain sandbox approvals …`.
#[derive(Debug, Subcommand, Clone)]
pub enum SandboxApprovalsCommand {
    /// Confirm a pending approval: the hire, funding, release or end runs.
    Confirm {
        /// The approval id.
        id: String,
    },
    /// Decline a pending approval: nothing runs.
    Decline {
        /// The approval id.
        id: String,
    },
    /// Let a pending approval run out now: nothing runs.
    Expire {
        /// The approval id.
        id: String,
    },
}

/// `opentrain sandbox moderation …`.
#[derive(Debug, Subcommand, Clone)]
pub enum ModerationCommand {
    /// Block jobs containing WORD (case-insensitive): publishing one is refused.
    Block {
        /// The word to block.
        word: String,
    },
}
