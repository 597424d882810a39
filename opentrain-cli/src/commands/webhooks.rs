//! `opentrain webhooks …`: create (the signing secret is printed once, with a warning) and
//! `verify` (list, get and delete come from the shared table of tools), which checks a saved delivery's `X-OpenTrain-Signature`
//! against its raw body with `opentrain::webhooks::verify`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::json;

use opentrain::Secret;
use opentrain::config::WEBHOOK_SECRET_PREFIX;
use opentrain::types;

use crate::cli::WebhooksCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, columns};
use crate::{note, out};

const WEBHOOK_COLUMNS: [&str; 4] = ["/id", "/status", "/url", "/eventTypes"];

/// Runs `opentrain webhooks …`.
pub async fn run(ctx: &Ctx, command: WebhooksCommand) -> Result<(), CliError> {
    if let WebhooksCommand::Verify {
        body_file,
        signature,
        secret,
        tolerance,
    } = command
    {
        return verify(ctx, &body_file, &signature, secret, tolerance);
    }
    let client = ctx.authed()?;
    match command {
        WebhooksCommand::Create { url, events } => {
            let event_types: Vec<types::EventType> = events
                .iter()
                .map(|e| types::EventType::from(e.as_str()))
                .collect();
            let request = types::CreateWebhookRequest::builder()
                .url(url)
                .event_types(event_types);
            let created = client
                .create_webhook()
                .body(request)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                note!(
                    "Warning: the response holds the signing secret; it is shown only once. Store it now."
                );
                return output::sent(ctx, &created);
            }
            out!(
                "Created webhook {}",
                columns(&created.webhook, &WEBHOOK_COLUMNS)
            );
            out!("Signing secret: {}", created.secret.expose());
            note!(
                "Warning: this is the only time the secret is shown. Store it now; if it is lost, \
                 delete the webhook and create a new one."
            );
            Ok(())
        }
        WebhooksCommand::Verify { .. } => Ok(()),
    }
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
