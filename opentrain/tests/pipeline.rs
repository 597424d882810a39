//! The request pipeline on the wire: every operation is a plain builder call with `?` into
//! `opentrain::Error`; a retry re-sends exactly the request that failed and never a request
//! before it; a call's deadline spans its attempts and ends in a typed error naming the
//! operation; the futures are `Send` and spawn as they are.

mod common;
use std::time::Duration;

use common::{client, fixture, json_error};
use mockito::Matcher;
use opentrain::Error;
use opentrain::types::SendMessageRequest;

fn message() -> SendMessageRequest {
    serde_json::from_value(serde_json::json!({"conversationId": "conv_1", "content": "Hello!"}))
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_write_followed_by_a_read_whose_first_attempt_fails_sends_the_write_once() {
    let mut server = mockito::Server::new_async().await;
    let write = server
        .mock("POST", "/api/public/v1/messages")
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_body(fixture("sendMessage.json"))
        .expect(1)
        .create_async()
        .await;
    let failing_read = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(503)
        .with_body("upstream unavailable")
        .expect(1)
        .create_async()
        .await;
    let read = server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(fixture("getMe.json"))
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);

    async fn send_then_read(client: &opentrain::Client) -> Result<(), Error> {
        client.send_message().body(message()).send().await?;
        client.get_me().send().await?;
        Ok(())
    }
    send_then_read(&client).await.unwrap();
    write.assert_async().await;
    failing_read.assert_async().await;
    read.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_retry_resends_exactly_the_request_that_failed() {
    let mut server = mockito::Server::new_async().await;
    let body =
        serde_json::json!({"rawJobDescription": "Label 500 images.", "idempotencyKey": "k-1"});
    // Both attempts must carry the same method, path, body and bearer token.
    let same = |m: mockito::Mock| {
        m.match_body(Matcher::Json(body.clone())).match_header(
            "authorization",
            format!("Bearer {}", common::TOKEN).as_str(),
        )
    };
    let first = same(server.mock("POST", "/api/public/v1/job-drafts"))
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_body("<html>bad gateway</html>")
        .expect(1)
        .create_async()
        .await;
    let second = same(server.mock("POST", "/api/public/v1/job-drafts"))
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_body(fixture("updateJobDraft.json"))
        .expect(1)
        .create_async()
        .await;
    let input = opentrain::drafting::DraftInput::text("Label 500 images.").idempotency_key("k-1");
    let draft = opentrain::drafting::Draft::from(
        client(&server)
            .create_job_draft()
            .body(input.to_request().unwrap())
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert!(!draft.job_id().is_empty());
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_draft_create_without_an_idempotency_key_is_not_repeated_after_a_502() {
    let mut server = mockito::Server::new_async().await;
    let once = server
        .mock("POST", "/api/public/v1/job-drafts")
        .with_status(502)
        .with_body("<html>bad gateway</html>")
        .expect(1)
        .create_async()
        .await;
    let input = opentrain::drafting::DraftInput::text("Label 500 images.");
    let err = client(&server)
        .create_job_draft()
        .body(input.to_request().unwrap())
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    once.assert_async().await;
}

#[tokio::test]
async fn a_deadline_that_runs_out_during_an_attempt_is_a_real_timeout_of_that_attempt() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accept and never answer.
    let _held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let client = opentrain::Client::builder()
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let raw = client
        .with_deadline(Duration::from_millis(200))
        .get_credits()
        .send()
        .await
        .unwrap_err();
    // What the generated code got is reqwest's own timeout error, not a stand-in.
    let opentrain::OperationError::CommunicationError(source) = &raw else {
        panic!("expected the transport error, got {raw:?}");
    };
    assert!(source.is_timeout(), "{source:?}");
    let err = Error::from(raw);
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "the 200 ms deadline, not the 30 s timeout, ended the call after {took:?}"
    );
}

#[tokio::test]
async fn a_retry_wait_that_would_cross_the_deadline_ends_the_call_with_the_last_failure() {
    let mut server = mockito::Server::new_async().await;
    let limited = server
        .mock("GET", "/api/public/v1/credits")
        .with_status(429)
        .with_header("content-type", "application/json")
        .with_header("retry-after", "30")
        .with_body(json_error(429, "RATE_LIMITED", serde_json::json!({})))
        .expect(1)
        .create_async()
        .await;
    let client = opentrain::Client::builder()
        .base_url(server.url())
        .token(common::TOKEN)
        .deadline(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(client.deadline(), Some(Duration::from_secs(5)));
    let err = client
        .get_credits()
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    let api = err
        .api()
        .unwrap_or_else(|| panic!("expected the 429 itself, got {err:?}"));
    assert_eq!(api.status, 429);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    limited.assert_async().await;
}

#[tokio::test]
async fn a_call_spawns_directly_with_its_arguments_moved_in() {
    let mut server = mockito::Server::new_async().await;
    let close = server
        .mock("POST", "/api/public/v1/jobs/job_7/close")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(fixture("closeJob.json"))
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let job_id = String::from("job_7");
    let task = tokio::spawn(async move {
        client.close_job().id(&job_id).send().await?;
        Ok::<_, Error>(())
    });
    task.await.unwrap().unwrap();
    close.assert_async().await;
}

#[tokio::test]
async fn the_request_id_of_a_successful_response_is_readable() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/api/public/v1/auth/me")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_header("x-request-id", "req_ok_1")
        .with_body(fixture("getMe.json"))
        .create_async()
        .await;
    let me = client(&server).get_me().send().await.unwrap();
    assert_eq!(
        opentrain::request_id(me.headers()).as_deref(),
        Some("req_ok_1")
    );
}

#[tokio::test]
async fn workflow_errors_convert_into_the_one_error_with_question_mark() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("POST", "/api/public/v1/job-drafts")
        .with_status(403)
        .with_header("content-type", "application/json")
        .with_body(json_error(
            403,
            "FORBIDDEN",
            serde_json::json!({"reason": "feature_disabled", "featureKey": "public_api_job_drafting"}),
        ))
        .create_async()
        .await;
    async fn post(client: &opentrain::Client) -> Result<String, Error> {
        let published = client.post_job("Label 500 images.").publish().await?;
        Ok(published.job_id)
    }
    let err = post(&client(&server)).await.unwrap_err();
    // A plain API failure of the loop is the API error itself ...
    assert_eq!(err.status(), Some(403));
    assert_eq!(
        err.api().and_then(|a| a.feature_key()),
        Some("public_api_job_drafting")
    );

    // ... a loop outcome of its own stays typed inside `Error::PostJob`.
    let typed = opentrain::drafting::PostJobError::Aborted {
        field: Box::new(opentrain::drafting::MissingField::named("experienceLevel")),
        draft: Box::new(
            serde_json::from_str::<opentrain::types::DraftEnvelope>(&fixture(
                "updateJobDraft.json",
            ))
            .unwrap()
            .into(),
        ),
    };
    assert!(matches!(
        Error::from(typed),
        Error::PostJob(e) if matches!(*e, opentrain::drafting::PostJobError::Aborted { .. })
    ));
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    (format!("http://{addr}"), held)
}

/// `err` is the timeout of one attempt: reqwest's own timeout error, mapped.
fn assert_attempt_timeout(err: opentrain::OperationError<opentrain::types::ErrorEnvelope>) {
    assert!(
        matches!(&err, opentrain::OperationError::CommunicationError(e) if e.is_timeout()),
        "expected reqwest's timeout, got {err:?}"
    );
    let err = Error::from(err);
    assert!(
        matches!(err, Error::Timeout { .. }),
        "expected the attempt timeout, got {err:?}"
    );
}

#[tokio::test]
async fn the_timeout_given_for_the_callers_own_client_ends_each_attempt() {
    let (base, _held) = silent_server().await;
    // A client of the caller's with no timeout of its own: `timeout` goes on each request.
    let client = opentrain::Client::builder()
        .base_url(&base)
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(150))
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    assert_attempt_timeout(client.get_credits().send().await.unwrap_err());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cut short by the timeout"
    );
}

#[tokio::test]
async fn an_attempt_that_ends_before_the_deadline_ends_in_its_own_timeout() {
    let (base, _held) = silent_server().await;
    // The attempt timeout (150 ms) ends well before the deadline (60 s): no deadline timer
    // runs, and the call ends in the attempt's timeout.
    let client = opentrain::Client::builder()
        .base_url(&base)
        .timeout(Duration::from_millis(150))
        .deadline(Duration::from_secs(60))
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap();
    assert_attempt_timeout(client.get_credits().send().await.unwrap_err());
}

#[tokio::test]
async fn a_client_that_keeps_the_last_body_hands_back_the_bytes_the_typed_call_decoded() {
    let mut server = mockito::Server::new_async().await;
    let body = common::fixture("getApproval.json").replacen('{', r#"{"notInTheSpec": [1, 2], "#, 1);
    server
        .mock("GET", "/api/public/v1/approvals/apr_1")
        .with_header("content-type", "application/json")
        .with_body(&body)
        .create_async()
        .await;
    let keeping = opentrain::Client::builder()
        .base_url(server.url())
        .token(common::TOKEN)
        .keep_last_body()
        .build()
        .unwrap();
    assert_eq!(keeping.last_body(), None, "nothing before a response");
    let typed = keeping
        .get_approval()
        .approval_id("apr_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    let kept = keeping.last_body().expect("the body is kept");
    assert_eq!(
        kept,
        body.as_bytes(),
        "exactly as sent, the unknown member included"
    );
    // The typed value came from the same bytes.
    let again: opentrain::types::ApprovalResponse = serde_json::from_slice(&kept).unwrap();
    assert_eq!(again, typed);
    // A clone with another deadline shares the slot; the Debug output shows no bytes.
    assert_eq!(
        keeping
            .with_deadline(std::time::Duration::from_secs(5))
            .last_body(),
        Some(kept)
    );
    assert!(!format!("{keeping:?}").contains("notInTheSpec"));

    // By default nothing is kept.
    let plain = common::client(&server);
    plain
        .get_approval()
        .approval_id("apr_1")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.last_body(), None);
}
