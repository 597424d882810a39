//! End to end: the sandbox signs webhook deliveries the way the service does, and the facade's
//! `webhooks::Receiver` accepts them — two independent implementations of the scheme agreeing.
//! Tampered bodies and other subscriptions' secrets are refused.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::http::HeaderMap;
use opentrain::Client;
use opentrain::types::{CreateWebhookRequest, EventType, PlatformEventData};
use opentrain::webhooks::{Receiver, WebhookError};
use opentrain_sandbox::Sandbox;

type Recorded = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A receiving endpoint on 127.0.0.1 that records every delivery and answers 200.
async fn endpoint() -> (String, Recorded) {
    let recorded: Recorded = Arc::default();
    let log = Arc::clone(&recorded);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let log = Arc::clone(&log);
            async move { log.lock().unwrap().push((headers, body)) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, recorded)
}

/// Subscribes `url` to proposal and approval events; returns the signing secret.
async fn subscribe(client: &Client, url: &str) -> String {
    let created = client
        .create_webhook()
        .body(CreateWebhookRequest::builder().url(url).event_types(vec![
            EventType::ProposalReceived,
            EventType::ApprovalConfirmed,
        ]))
        .send()
        .await
        .unwrap()
        .into_inner();
    created.secret.expose().to_owned()
}

async fn wait_for(recorded: &Recorded, count: usize) -> Vec<(HeaderMap, Bytes)> {
    for _ in 0..400 {
        let now = recorded.lock().unwrap().clone();
        if now.len() >= count {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{count} deliveries did not arrive in 10 s");
}

#[tokio::test]
async fn sandbox_deliveries_verify_with_the_facade_receiver() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .build()
        .unwrap();
    let (url_a, recorded_a) = endpoint().await;
    let (url_b, _) = endpoint().await;
    let secret_a = subscribe(&client, &url_a).await;
    let secret_b = subscribe(&client, &url_b).await;
    assert!(secret_a.starts_with("whsec_"));
    assert_ne!(secret_a, secret_b, "every subscription has its own secret");

    let data = PlatformEventData::builder()
        .proposal_id(Some("prop_e2e".to_owned()))
        .job_id(Some("job_e2e".to_owned()))
        .try_into()
        .expect("a complete PlatformEventData");
    let event_id = sandbox
        .emit_event(
            EventType::ProposalReceived,
            "prop_e2e",
            Some("job_e2e"),
            data,
        )
        .expect("the sandbox records the event");
    let deliveries = wait_for(&recorded_a, 1).await;
    let (headers, body) = &deliveries[0];

    let delivery = Receiver::new(secret_a.as_str())
        .receive(headers, body, SystemTime::now())
        .expect("the sandbox's signature verifies with the facade");
    assert_eq!(delivery.event.id, event_id);
    assert_eq!(delivery.event.type_, EventType::ProposalReceived);
    assert_eq!(
        headers
            .get("x-opentrain-event")
            .and_then(|v| v.to_str().ok()),
        Some("proposal.received")
    );
    // The sandbox records the attempt once our 200 reaches it.
    let mut recorded_ok = false;
    for _ in 0..200 {
        recorded_ok = sandbox
            .deliveries()
            .iter()
            .any(|a| a.delivery_id == delivery.id && a.succeeded);
        if recorded_ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(recorded_ok, "{:?}", sandbox.deliveries());

    // Another subscription's secret, or a body changed on the way, does not verify.
    assert!(matches!(
        Receiver::new(secret_b.as_str())
            .receive(headers, body, SystemTime::now())
            .unwrap_err(),
        opentrain::Error::Webhook(WebhookError::Mismatch)
    ));
    let mut tampered = body.to_vec();
    tampered.extend_from_slice(b" ");
    assert!(matches!(
        Receiver::new(secret_a.as_str())
            .receive(headers, &tampered, SystemTime::now())
            .unwrap_err(),
        opentrain::Error::Webhook(WebhookError::Mismatch)
    ));
}
