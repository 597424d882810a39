//! The retry policy on the wire, with tokio's paused clock: attempts are counted by the mock
//! server, waits are read off the virtual clock, and nothing sleeps for real.

mod common;
use std::time::Duration;

use common::{client, client_with, json_error};
use tokio::time::Instant;

fn ledger_ok() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/listCreditLedger.json"
    ))
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_read_is_retried_through_503s_until_it_succeeds() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .with_status(503)
        .with_body("upstream unavailable")
        .expect(2)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(ledger_ok())
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let started = Instant::now();
    // mockito serves mocks in creation order until each one's `expect` count is used up.
    let page = client
        .list_credit_ledger()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    assert!(!page.entries.is_empty());
    failing.assert_async().await;
    ok.assert_async().await;
    // 500 ms then 1 s of backoff (jitter off), on the virtual clock.
    assert_eq!(started.elapsed().as_millis() / 100, 15);
}

#[tokio::test(start_paused = true)]
async fn a_read_gives_up_after_the_configured_attempts() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(502)
        .with_body("<html>bad gateway</html>")
        .expect(3)
        .create_async()
        .await;
    let err = client(&server)
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    failing.assert_async().await;
    assert_eq!(err.status(), Some(502));
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_in_the_envelope_is_honoured() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(429)
        .with_header("content-type", "application/json")
        .with_body(json_error(
            429,
            "RATE_LIMITED",
            serde_json::json!({"retryAfterSeconds": 7}),
        ))
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(common::fixture("getMe.json"))
        .expect(1)
        .create_async()
        .await;
    let started = Instant::now();
    client(&server)
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    limited.assert_async().await;
    ok.assert_async().await;
    assert_eq!(started.elapsed().as_secs(), 7);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_header_is_honoured() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .with_status(503)
        .with_header("retry-after", "4")
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(ledger_ok())
        .create_async()
        .await;
    let started = Instant::now();
    client(&server)
        .list_credit_ledger()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    limited.assert_async().await;
    ok.assert_async().await;
    assert_eq!(started.elapsed().as_secs(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_server_wait_longer_than_the_policy_allows_is_returned_not_slept() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(429)
        .with_header("content-type", "application/json")
        .with_body(json_error(
            429,
            "RATE_LIMITED",
            serde_json::json!({"retryAfterSeconds": 3600}),
        ))
        .expect(1)
        .create_async()
        .await;
    let started = Instant::now();
    let err = client(&server)
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    limited.assert_async().await;
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(started.elapsed().as_secs(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_write_the_server_saw_is_never_retried() {
    let mut server = mockito::Server::new_async().await;
    let topup = server
        .mock("POST", "/api/public/v1/credits/top-ups")
        .with_status(503)
        .with_body("overloaded")
        .expect(1)
        .create_async()
        .await;
    let err = client(&server)
        .create_top_up()
        .body(opentrain::types::CreateTopUpRequest::builder().amount_usd(25.0))
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    topup.assert_async().await;
    assert_eq!(err.status(), Some(503));
    assert!(
        err.is_retryable(),
        "retryable in itself, but not safe for this write"
    );
}

#[tokio::test(start_paused = true)]
async fn a_write_that_never_reached_the_server_is_retried() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = opentrain::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .http_client(reqwest::Client::new())
        .retry(opentrain::RetryPolicy::default().jitter(false))
        .without_deadline()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .create_top_up()
        .body(opentrain::types::CreateTopUpRequest::builder().amount_usd(25.0))
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    assert!(err.never_reached_server(), "{err:?}");
    // Three attempts: two backoff waits, 500 ms + 1 s.
    assert_eq!(started.elapsed().as_millis() / 100, 15);
}

#[tokio::test(start_paused = true)]
async fn the_daily_publish_limit_is_not_retried() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(429)
        .with_header("content-type", "application/json")
        .with_body(json_error(
            429,
            "RATE_LIMITED",
            serde_json::json!({"limit": 3, "windowHours": 24}),
        ))
        .expect(1)
        .create_async()
        .await;
    let err = client(&server)
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    limited.assert_async().await;
    assert!(err.api().unwrap().is_daily_limit());
    assert!(!err.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_switched_off() {
    let mut server = mockito::Server::new_async().await;
    let failing = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    client_with(&server, opentrain::RetryPolicy::none())
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap_err();
    failing.assert_async().await;
}
