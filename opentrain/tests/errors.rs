//! Every error shape the facade can meet becomes a typed `opentrain::Error` that keeps the
//! status, the request id and a body snippet — never a panic, never a secret.

mod common;
use common::{TOKEN, client, client_with, json_error};
use opentrain::Error;
use opentrain::types::{ErrorCode, ErrorReason};

async fn me_answering(status: usize, content_type: &str, body: &str) -> Error {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body(body)
        .create_async()
        .await;
    // One attempt: these tests are about decoding, the retry tests are elsewhere.
    let client = client_with(&server, opentrain::RetryPolicy::none());
    client
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect_err("an error")
}

#[tokio::test]
async fn every_documented_reason_decodes_to_its_variant_with_its_details() {
    let mut lines = Vec::new();
    for reason in ErrorReason::DOCUMENTED {
        // 409 is not declared on this operation: the undeclared-status path decodes it too.
        let body = json_error(
            409,
            "CONFLICT",
            serde_json::json!({"reason": reason, "claimUrl": "https://app.opentrain.ai/claim"}),
        );
        let err = me_answering(409, "application/json", &body).await;
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{reason}: expected Api, got {err:?}"));
        let decoded = api.reason().expect("reason");
        assert!(!decoded.is_unknown(), "{reason} decoded as Unknown");
        assert_eq!(decoded.as_str(), *reason);
        assert_eq!(err.status(), Some(409));
        assert_eq!(err.request_id(), Some("req_test"));
        assert_eq!(api.claim_url(), Some("https://app.opentrain.ai/claim"));
        assert_eq!(
            err.needs_claim(),
            *reason == "account_claim_required",
            "{reason}"
        );
        lines.push(format!("{reason}: retryable={}", err.is_retryable()));
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn typed_accessors_read_every_documented_details_key() {
    let body = serde_json::json!({
        "error": "Publish limit reached", "code": "RATE_LIMITED", "requestId": "req_9",
        "details": {
            "reason": "moderation_blocked", "reasons": ["prohibited content", {"rule": "x"}],
            "billingUrl": "https://app.opentrain.ai/billing", "featureKey": "public_api_credits",
            "validation": {"publishReady": false}, "retryAfterSeconds": 12, "limit": 3, "windowHours": 24,
            "requiredStatus": "OPEN", "status": "DRAFT", "jobId": "job_1", "requiredScopes": ["jobs:write"],
            "grantedScopes": ["jobs:read"], "supportedStatuses": ["OPEN", "CLOSED"], "field": "limit",
            "resource": "webhooks", "issues": [{"path": ["content"]}], "action": "hire AI trainers",
            "somethingNew": {"kept": true}
        }
    });
    let err = me_answering(401, "application/json", &body.to_string()).await;
    let api = err.api().expect("api");
    assert_eq!(
        api.moderation_reasons(),
        vec![
            "prohibited content".to_owned(),
            r#"{"rule":"x"}"#.to_owned()
        ]
    );
    assert_eq!(api.billing_url(), Some("https://app.opentrain.ai/billing"));
    assert_eq!(api.feature_key(), Some("public_api_credits"));
    assert_eq!(
        api.validation().and_then(|v| v.get("publishReady")),
        Some(&serde_json::json!(false))
    );
    assert_eq!(api.retry_after(), Some(std::time::Duration::from_secs(12)));
    assert_eq!((api.limit(), api.window_hours()), (Some(3), Some(24)));
    assert_eq!(api.required_status(), Some("OPEN"));
    assert_eq!(api.current_status(), Some("DRAFT"));
    assert_eq!(api.job_id(), Some("job_1"));
    assert_eq!(api.required_scopes(), vec!["jobs:write"]);
    assert_eq!(api.granted_scopes(), vec!["jobs:read"]);
    assert_eq!(api.supported_statuses(), vec!["OPEN", "CLOSED"]);
    assert_eq!(api.field(), Some("limit"));
    assert_eq!(api.resource(), Some("webhooks"));
    assert_eq!(api.action(), Some("hire AI trainers"));
    assert!(api.issues().is_some());
    assert_eq!(
        api.details.get("somethingNew"),
        Some(&serde_json::json!({"kept": true})),
        "unknown keys are kept"
    );
}

#[tokio::test]
async fn unknown_code_and_reason_stay_readable() {
    let body = json_error(
        401,
        "BRAND_NEW_CODE",
        serde_json::json!({"reason": "brand_new_reason"}),
    );
    let err = me_answering(401, "application/json", &body).await;
    let api = err.api().expect("api");
    assert_eq!(api.code, ErrorCode::Unknown("BRAND_NEW_CODE".into()));
    assert_eq!(
        api.reason(),
        Some(&ErrorReason::Unknown("brand_new_reason".into()))
    );
    insta::assert_snapshot!(err.to_string(), @"401 BRAND_NEW_CODE (brand_new_reason): BRAND_NEW_CODE happened [request req_test]");
}

#[tokio::test]
async fn an_html_502_is_a_retryable_decode_error_with_its_status_and_snippet() {
    let err = me_answering(
        502,
        "text/html",
        "<html>\n<body><h1>502 Bad Gateway</h1></body>\n</html>",
    )
    .await;
    match &err {
        Error::Decode {
            status,
            content_type,
            body_snippet,
            ..
        } => {
            assert_eq!(*status, Some(502));
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(
                body_snippet,
                "<html> <body><h1>502 Bad Gateway</h1></body> </html>"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.is_retryable());
    insta::assert_snapshot!(err.to_string(), @"502: could not decode the response (text/html): not JSON: expected value at line 1 column 1 — body: <html> <body><h1>502 Bad Gateway</h1></body> </html>");
}

/// A body that is not JSON on a status the operation declares with a JSON error schema: the
/// generated decoder reports it with the bytes alone (progenitor's `InvalidResponsePayload`
/// keeps no status), so the error quotes the body but cannot name the status.
#[tokio::test]
async fn an_html_body_on_a_declared_status_is_a_decode_error_with_its_snippet() {
    let err = me_answering(401, "text/html", "<h1>Unauthorized</h1>").await;
    assert!(
        matches!(&err, Error::Decode { status: None, body_snippet, message, .. }
            if body_snippet == "<h1>Unauthorized</h1>" && message.contains("expected value")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_empty_error_body_keeps_its_status() {
    let err = me_answering(503, "text/plain", "").await;
    assert!(
        matches!(&err, Error::Decode { status: Some(503), message, .. } if message.starts_with("empty body")),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

/// The generated decoder reports a success body that does not decode with the bytes alone, so
/// the status (one of the operation's documented 2xx) is not known here.
#[tokio::test]
async fn a_truncated_success_body_is_a_decode_error_with_its_snippet() {
    let err = me_answering(200, "application/json", r#"{"actor": {"id": "usr_1", "ty"#).await;
    match &err {
        Error::Decode {
            status,
            body_snippet,
            message,
            ..
        } => {
            assert_eq!(*status, None);
            assert!(body_snippet.starts_with(r#"{"actor""#));
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_truncated_error_body_on_a_declared_status_is_a_decode_error_with_its_snippet() {
    let err = me_answering(401, "application/json", r#"{"error": "bad tok"#).await;
    assert!(
        matches!(&err, Error::Decode { body_snippet, message, .. }
            if body_snippet == r#"{"error": "bad tok"# && message.contains("EOF")),
        "{err:?}"
    );
}

/// On a status the operation does not declare, the response reaches the mapping whole, and the
/// one decoder recognises the OAuth shape (a gateway in front of the API may answer so).
#[tokio::test]
async fn the_oauth_error_shape_is_recognised_on_an_undeclared_status() {
    let oauth = r#"{"error":"invalid_token","error_description":"The token was revoked"}"#;
    let err = me_answering(403, "application/json", oauth).await;
    match &err {
        Error::OAuth {
            status,
            error,
            description,
        } => {
            assert_eq!((*status, error.as_str()), (403, "invalid_token"));
            assert_eq!(description.as_deref(), Some("The token was revoked"));
        }
        other => panic!("expected OAuth, got {other:?}"),
    }
    // On a declared status the generated decoder expects the envelope and reports the body
    // that is not one with its bytes (and no status), quoted.
    let err = me_answering(401, "application/json", oauth).await;
    assert!(
        matches!(&err, Error::Decode { body_snippet, message, .. }
            if body_snippet.contains("invalid_token") && message.contains("missing field `code`")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_envelope_on_an_undeclared_status_is_still_an_api_error() {
    let body = json_error(500, "INTERNAL_ERROR", serde_json::json!({}));
    let err = me_answering(500, "application/json", &body).await;
    let api = err
        .api()
        .unwrap_or_else(|| panic!("expected Api, got {err:?}"));
    assert_eq!((api.status, &api.code), (500, &ErrorCode::InternalError));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_never_reached_the_server() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = opentrain::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect_err("refused");
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(err.never_reached_server());
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accept and never answer.
    let _held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        drop(socket);
    });
    let client = opentrain::Client::builder()
        .base_url(format!("http://{addr}"))
        .timeout(std::time::Duration::from_millis(200))
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn the_token_never_shows_in_debug_display_or_errors() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(401)
        .with_header("content-type", "application/json")
        .with_body(json_error(401, "UNAUTHORIZED", serde_json::json!({})))
        .create_async()
        .await;
    let client = client(&server);
    // The operation's own error, before the facade reads it, shows no token either.
    let operation_error = client.get_me().send().await.expect_err("401");
    let operation_text = format!("{operation_error:?}");
    let err = opentrain::Error::from(operation_error);
    for text in [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        operation_text,
        format!("{:?}", client.get_me()),
    ] {
        assert!(!text.contains(TOKEN), "token leaked in: {text}");
        assert!(!text.contains("facade_test"), "token leaked in: {text}");
    }
}

#[tokio::test]
async fn a_malformed_success_body_that_carries_a_secret_never_shows_the_secret() {
    let mut server = mockito::Server::new_async().await;
    // `webhook` is missing and `secret` has the wrong type: undecodable, and full of secrets.
    server
        .mock("POST", "/api/public/v1/webhooks")
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_header("x-request-id", "req_sec")
        .with_body(r#"{"secret": ["whsec_DoNotPrintMe"], "note": "whsec_AlsoSecret"}"#)
        .create_async()
        .await;
    let err: Error = client(&server)
        .create_webhook()
        .body(
            opentrain::types::CreateWebhookRequest::builder()
                .url("https://example.com/hook")
                .event_types(vec![]),
        )
        .send()
        .await
        .unwrap_err()
        .into();
    let Error::Decode {
        body_snippet,
        message,
        ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(message.contains("invalid type"), "{message}");
    assert!(body_snippet.contains("whsec_(redacted)"), "{body_snippet}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("DoNotPrintMe"), "{shown}");
        assert!(!shown.contains("AlsoSecret"), "{shown}");
    }
}
