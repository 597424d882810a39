//! Shared by the facade's integration tests: a client pointed at a mockito server, the
//! documented error body and a log of the requests the mocks answered ([`wire_log`]). Scratch
//! directories come from the workspace's test-support crate (`tests::Scratch`).
#![allow(dead_code)]

pub mod wire_log;

use std::time::Duration;

/// The bearer token every facade test client holds.
pub const TOKEN: &str = "ot_pat_facade_test_token";

/// A reqwest client that keeps no idle connections: no pool timer runs beside tokio's paused
/// clock, so the clock only ever jumps to the sleeps of the code under test.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// The default retry policy with jitter off, so retry sleeps are exact.
pub fn retry_policy() -> opentrain::RetryPolicy {
    opentrain::RetryPolicy::default().jitter(false)
}

/// A facade client for `server` holding [`TOKEN`], on [`http_client`], with [`retry_policy`].
pub fn client(server: &mockito::ServerGuard) -> opentrain::Client {
    client_with(server, retry_policy())
}

/// A facade client for `server` holding [`TOKEN`], on [`http_client`], retrying as `policy`
/// says, with no overall deadline: on tokio's paused clock a pending deadline timer is where
/// the clock would jump to while a request waits for the (real) mock server.
pub fn client_with(
    server: &mockito::ServerGuard,
    policy: opentrain::RetryPolicy,
) -> opentrain::Client {
    opentrain::Client::builder()
        .base_url(server.url())
        .token(TOKEN)
        .http_client(http_client())
        .retry(policy)
        .without_deadline()
        .build()
        .expect("client")
}

/// The documented error envelope for `code` with `details`, request id `req_test`.
pub fn error_body(code: &str, details: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"error": format!("{code} happened"), "code": code, "requestId": "req_test", "details": details})
}

/// [`error_body`] as a response body; `status` is the caller's note only.
pub fn json_error(status: usize, code: &str, details: serde_json::Value) -> String {
    let _ = status;
    error_body(code, details).to_string()
}

/// The contents of the shared fixture `name` (a documented response body).
pub fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// One millisecond, for a test that needs a wait but no real delay.
pub const SHORT: Duration = Duration::from_millis(1);
