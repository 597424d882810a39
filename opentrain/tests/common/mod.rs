//! Shared by the facade's integration tests: a client pointed at a mockito server.
#![allow(dead_code)]

use std::time::Duration;

pub const TOKEN: &str = "ot_pat_facade_test_token";

/// A facade client for `server`, with a plain reqwest client (no timers of its own, so tokio's
/// paused clock only ever jumps to the retry policy's sleeps) and no jitter.
pub fn client(server: &mockito::ServerGuard) -> opentrain::Client {
    client_with(server, opentrain::RetryPolicy::default().jitter(false))
}

pub fn client_with(
    server: &mockito::ServerGuard,
    policy: opentrain::RetryPolicy,
) -> opentrain::Client {
    opentrain::Client::builder()
        .base_url(server.url())
        .token(TOKEN)
        .http_client(reqwest::Client::new())
        .retry(policy)
        .build()
        .expect("client")
}

pub fn json_error(status: usize, code: &str, details: serde_json::Value) -> String {
    let _ = status;
    serde_json::json!({"error": format!("{code} happened"), "code": code, "requestId": "req_test", "details": details})
        .to_string()
}

pub const SHORT: Duration = Duration::from_millis(1);
