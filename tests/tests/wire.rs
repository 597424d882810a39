//! What the generated client puts on the wire and how it reads what comes back, against a
//! local mockito server: method, path, query and bearer header of a call; a JSON error envelope
//! decoded into the generated error type; an HTML 502 or 401 that keeps its status, its body
//! snippet and its retryability once the facade's pipeline decided on it.

use std::sync::{Arc, Mutex};

use mockito::Matcher;
use opentrain_gen::transport::Transport;

const TOKEN: &str = "ot_pat_wire_test_token";

/// The generated client on the direct transport (no pipeline), with the test token set as a
/// default header of its `reqwest::Client`.
fn raw_client(server: &mockito::ServerGuard) -> opentrain_gen::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {TOKEN}").parse().unwrap(),
    );
    headers.insert(
        reqwest::header::USER_AGENT,
        "opentrain-rs-tests".parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    opentrain_gen::Client::new_with_client(
        &format!("{}/api/public/v1", server.url()),
        http,
        Transport::direct(),
    )
}

/// The facade's client (its pipeline under the generated client) for `server`, one attempt.
fn facade_client(server: &mockito::ServerGuard) -> opentrain::Client {
    opentrain::Client::builder()
        .base_url(server.url())
        .token(TOKEN)
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap()
}

/// Renders a captured request for a snapshot, with the token shown only by its prefix.
fn render(req: &mockito::Request) -> String {
    let mut out = format!("{} {}\n", req.method(), req.path_and_query());
    for name in ["authorization", "accept", "user-agent", "content-type"] {
        if let Some(v) = req.header(name).first().and_then(|v| v.to_str().ok()) {
            let v = v.replace(TOKEN, "ot_pat_<test token>");
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    let body = req.utf8_lossy_body().unwrap_or_default();
    if !body.is_empty() {
        out.push_str(&format!("\n{body}\n"));
    }
    out
}

#[tokio::test]
async fn a_generated_call_sends_method_path_query_and_bearer_header() {
    let mut server = mockito::Server::new_async().await;
    let seen = Arc::new(Mutex::new(String::new()));
    let capture = Arc::clone(&seen);
    let fixture =
        std::fs::read_to_string(tests::fixtures_dir().join("listCreditLedger.json")).unwrap();
    let mock = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("cursor".into(), "cur_2".into()),
            Matcher::UrlEncoded("limit".into(), "5".into()),
        ]))
        .match_header("authorization", format!("Bearer {TOKEN}").as_str())
        .match_request(move |req| {
            *capture.lock().unwrap() = render(req);
            true
        })
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(fixture)
        .create_async()
        .await;

    let page = raw_client(&server)
        .list_credit_ledger()
        .cursor("cur_2")
        .limit(5u64)
        .send()
        .await
        .expect("the fixture decodes");
    mock.assert_async().await;
    assert_eq!(page.status(), 200);
    assert!(!page.entries.is_empty());
    insta::assert_snapshot!(seen.lock().unwrap().as_str());
}

/// The same typed `ErrorResponse`, with its status and headers, from the plain generated
/// client and from the generated client under the facade's pipeline (which read the body for
/// its retry decision and handed the real response on).
#[tokio::test]
async fn a_json_error_envelope_decodes_into_the_generated_error_type_under_the_pipeline_too() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(401)
        .with_header("content-type", "application/json")
        .with_header("x-request-id", "req_42")
        .with_body(r#"{"error":"A human must claim this agent account before it can hire AI trainers.","code":"FORBIDDEN","requestId":"req_42","details":{"reason":"account_claim_required","action":"hire AI trainers","claimUrl":"https://app.opentrain.ai/claim","brandNew":1}}"#)
        .expect(2)
        .create_async()
        .await;

    let raw = raw_client(&server).get_me().send().await.expect_err("401");
    let under_pipeline = facade_client(&server)
        .get_me()
        .send()
        .await
        .expect_err("401");
    for err in [raw, under_pipeline] {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        let opentrain_gen::Error::ErrorResponse(envelope) = err else {
            panic!("expected a typed error response, got {err:?}");
        };
        assert_eq!(envelope.status().as_u16(), 401);
        assert_eq!(envelope.headers()["x-request-id"], "req_42");
        assert_eq!(envelope.code, opentrain_gen::types::ErrorCode::Forbidden);
        assert_eq!(envelope.request_id.as_deref(), Some("req_42"));
        let details = envelope.details.as_ref().expect("details");
        assert_eq!(
            details.reason,
            Some(opentrain_gen::types::ErrorReason::AccountClaimRequired)
        );
        assert_eq!(
            details.claim_url.as_deref(),
            Some("https://app.opentrain.ai/claim")
        );
        // A key the spec does not list stays, in the envelope's open part.
        assert_eq!(details.extra["brandNew"], 1);
    }
}

#[tokio::test]
async fn an_html_502_keeps_its_status_and_is_retryable() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_body("<html><body><h1>502 Bad Gateway</h1></body></html>")
        .create_async()
        .await;

    let raw = facade_client(&server)
        .get_me()
        .send()
        .await
        .expect_err("502");
    let err = opentrain::Error::from(raw);
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable(), "a 502 must stay retryable: {err:?}");
}

#[tokio::test]
async fn a_non_json_body_on_a_declared_error_status_is_the_real_body_and_its_snippet() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(401)
        .with_header("content-type", "text/html")
        .with_body("<html><body><h1>401 Authorization Required</h1></body></html>")
        .create_async()
        .await;

    let raw = facade_client(&server)
        .get_me()
        .send()
        .await
        .expect_err("401");
    // The generated code decoded the real body, as it came ...
    let opentrain_gen::Error::InvalidResponsePayload(bytes, _) = &raw else {
        panic!("expected the body progenitor could not decode, got {raw:?}");
    };
    assert_eq!(
        &bytes[..],
        b"<html><body><h1>401 Authorization Required</h1></body></html>"
    );
    // ... and `?` / `From` quotes it (progenitor keeps no status for such a body).
    let opentrain::Error::Decode { body_snippet, .. } = opentrain::Error::from(raw) else {
        panic!("expected a decode error");
    };
    assert_eq!(
        body_snippet,
        "<html><body><h1>401 Authorization Required</h1></body></html>"
    );
}

#[tokio::test]
async fn an_unknown_enum_value_in_a_response_does_not_fail_the_response() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(401)
        .with_header("content-type", "application/json")
        .with_body(r#"{"error":"token expired","code":"TOKEN_EXPIRED_NEW_CODE","requestId":"r1"}"#)
        .create_async()
        .await;
    let err = raw_client(&server).get_me().send().await.expect_err("401");
    let opentrain_gen::Error::ErrorResponse(envelope) = err else {
        panic!("expected a typed error response, got {err:?}");
    };
    assert_eq!(
        envelope.code,
        opentrain_gen::types::ErrorCode::Unknown("TOKEN_EXPIRED_NEW_CODE".into())
    );
}

#[tokio::test]
async fn a_details_key_of_an_unexpected_shape_never_sinks_the_envelope() {
    // `requiredScopes` as a string, `email` as an object, `validation` as a number.
    let body = r#"{"error":"missing scope","code":"FORBIDDEN","requestId":"req_7","details":{"reason":"account_claim_required","requiredScopes":"jobs:write","email":{"x":1},"validation":3,"brandNew":[1]}}"#;
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(401)
        .with_header("content-type", "application/json")
        .with_body(body)
        .expect(2)
        .create_async()
        .await;

    // The generated envelope decodes: the odd keys read as absent, code and reason stay.
    let err = raw_client(&server).get_me().send().await.expect_err("401");
    let opentrain_gen::Error::ErrorResponse(envelope) = err else {
        panic!("expected a typed error response, got {err:?}");
    };
    assert_eq!(envelope.code, opentrain_gen::types::ErrorCode::Forbidden);
    let details = envelope.details.as_ref().expect("details");
    assert_eq!(
        details.reason,
        Some(opentrain_gen::types::ErrorReason::AccountClaimRequired)
    );
    assert!(details.required_scopes.is_empty());
    assert!(details.email.is_none());

    // The facade keeps the same, and the raw value of every key stays readable.
    let err = opentrain::Error::from(
        facade_client(&server)
            .get_me()
            .send()
            .await
            .expect_err("401"),
    );
    let api = err.api().expect("the envelope");
    assert_eq!(api.code, opentrain::types::ErrorCode::Forbidden);
    assert_eq!(
        api.reason(),
        Some(&opentrain::types::ErrorReason::AccountClaimRequired)
    );
    assert_eq!(api.request_id.as_deref(), Some("req_7"));
    // A documented key of another shape reads as absent; a key the spec does not know stays.
    assert!(api.required_scopes().is_empty());
    assert!(!api.details.contains_key("requiredScopes"));
    assert_eq!(api.details["brandNew"], serde_json::json!([1]));
}
