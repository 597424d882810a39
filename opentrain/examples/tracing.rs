//! The client's `tracing` spans and events, printed by `tracing-subscriber`.
//!
//! Runs offline against the embedded sandbox: `cargo run -p opentrain --example tracing`.
//! Every request is an `opentrain.request` span (operation, method, path template, attempts,
//! status, request id) with a `debug` event per attempt; the sandbox fails the first request
//! with a 503 so a retry shows up too. No field holds a token or a secret.

use opentrain_sandbox::{Fault, Sandbox};
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .init();

    let sandbox = Sandbox::start().await?;
    let client = opentrain::Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .retry(
            opentrain::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(50)),
        )
        .build()?;

    sandbox.fail_next(1, Fault::ServiceUnavailable);
    let me = client.get_me().send().await?;
    println!(
        "me: request id {:?}",
        opentrain::request_id(me.headers()).unwrap_or_default()
    );
    let credits = client
        .get_credits()
        .send()
        .await
        .map_err(opentrain::Error::from)?;
    println!("credits: {:?}", credits.credits);
    Ok(())
}
