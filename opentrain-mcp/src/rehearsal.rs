//! `--sandbox`: the same tools against an embedded [`Sandbox`] on 127.0.0.1, with a scripted
//! human, so an agent can rehearse registration, the claim, drafting, publishing, hiring and
//! approvals with no account and no network.
//!
//! - The credentials file lives in a private temporary directory (mode `0700`, removed when the
//!   server stops); the real `cli.json` and the environment tokens are never read or written.
//! - The scripted human confirms a claim after one `authorization_pending` poll, and polls are
//!   never too fast (the poll interval is zero), so `opentrain_claim_account` followed by two
//!   `opentrain_claim_status` calls completes the claim.
//! - When an approval is read (`opentrain_get_approval`) while it is pending, the scripted
//!   human confirms it first through the sandbox's public controls, so the read shows it
//!   `confirmed` with its execution result (contract created, milestone funded, ...).

use std::path::{Path, PathBuf};
use std::time::Duration;

use opentrain_sandbox::Sandbox;

use crate::error::ServeError;

/// The embedded sandbox and the private directory its credentials are kept in.
#[derive(Debug)]
pub struct Rehearsal {
    sandbox: Sandbox,
    dir: PrivateDir,
}

impl Rehearsal {
    /// Starts the sandbox (on the current tokio runtime) and creates the private directory.
    pub async fn start() -> Result<Self, ServeError> {
        let dir = PrivateDir::create().map_err(ServeError::PrivateDirectory)?;
        let sandbox = Sandbox::builder()
            .claim_confirm_after_polls(Some(1))
            .claim_poll_interval(Duration::ZERO)
            .start()
            .await
            .map_err(ServeError::Sandbox)?;
        Ok(Self { sandbox, dir })
    }

    /// The sandbox's server root, e.g. `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.sandbox.base_url()
    }

    /// The private credentials file (`<private dir>/opentrain/cli.json`).
    pub fn credentials_path(&self) -> PathBuf {
        self.dir.path().join("opentrain").join("cli.json")
    }

    /// The sandbox itself (its test controls).
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// The scripted human confirms `approval_id` if it is still pending; returns whether they
    /// did. An unknown or already settled approval is left to the API read that follows.
    pub fn confirm_if_pending(&self, approval_id: &str) -> bool {
        let pending = self.sandbox.pending_approvals();
        pending.iter().any(|id| id == approval_id)
            && self.sandbox.confirm_approval(approval_id).is_ok()
    }

    /// What the scripted human does before the tool running `operation`: reading a pending
    /// approval (`getApproval`) confirms it first. The note for the summary when they acted.
    pub(crate) fn before(
        &self,
        operation: &str,
        arguments: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<&'static str> {
        let approval_id = arguments.get("approvalId")?.as_str()?;
        (operation == "getApproval" && self.confirm_if_pending(approval_id))
            .then_some("(Sandbox: the scripted human just confirmed it.)")
    }

    /// The note for a result that leaves an approval pending (`typed` is the typed response):
    /// how the scripted human will confirm it.
    pub(crate) fn after(&self, typed: &serde_json::Value) -> Option<&'static str> {
        (typed
            .pointer("/approval/status")
            .and_then(serde_json::Value::as_str)
            == Some("pending"))
        .then_some("(Sandbox: the scripted human confirms it when you read it.)")
    }
}

/// A directory only this user can read, removed on drop.
#[derive(Debug)]
struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    fn create() -> std::io::Result<Self> {
        let suffix: u64 = rand::random();
        let path = std::env::temp_dir().join(format!("opentrain-mcp-sandbox-{suffix:016x}"));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&path)?;
        Ok(Self { path })
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
