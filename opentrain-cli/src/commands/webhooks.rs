//! `opentrain webhooks verify`: checks a saved delivery's `X-OpenTrain-Signature` against its
//! raw body with `opentrain::webhooks::verify` (create, list, get and delete come from the
//! shared table of tools).

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::json;

use opentrain::Secret;
use opentrain::config::WEBHOOK_SECRET_PREFIX;
use opentrain::types;

use crate::cli::WebhooksCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::out;
use crate::output::{self, columns};

/// Runs `opentrain webhooks verify`.
pub fn run(ctx: &Ctx, command: WebhooksCommand) -> Result<(), CliError> {
    let WebhooksCommand::Verify {
        body_file,
        signature,
        secret,
        tolerance,
    } = command;
    verify(ctx, &body_file, &signature, secret, tolerance)
}

/// Checks a saved delivery: the raw body from `body_file`, the signature header value and the
/// secret. A mismatch, a malformed header or a stale timestamp is a failed check (exit 1).
fn verify(
    ctx: &Ctx,
    body_file: &Path,
    signature: &str,
    secret: String,
    tolerance: u64,
) -> Result<(), CliError> {
    let secret = Secret::with_prefix(secret, WEBHOOK_SECRET_PREFIX)
        .map_err(|e| CliError::usage(format!("--secret: {e}")))?;
    let raw = crate::input::read_bytes(body_file, "--body-file")?;
    let tolerance = if tolerance == 0 {
        Duration::MAX
    } else {
        Duration::from_secs(tolerance)
    };
    let signed_at =
        opentrain::webhooks::verify(&secret, &raw, Some(signature), tolerance, SystemTime::now())
            .map_err(|e| CliError::Check(format!("the delivery does not verify: {e}")))?;
    let event: Option<types::PlatformEvent> = serde_json::from_slice(&raw).ok();
    if ctx.json {
        return output::json(&json!({
            "valid": true,
            "signedAt": signed_at,
            "event": event,
        }));
    }
    out!("Valid signature (signed at unix time {signed_at}).");
    if let Some(event) = event {
        out!(
            "Event: {}",
            columns(&event, &["/id", "/type", "/resourceId"])
        );
    }
    Ok(())
}
