//! The control routes over HTTP, through [`Remote`] as the `opentrain sandbox` commands use
//! them: a trainer applies (the proposal is listed and `proposal.received` is in the feed), a
//! trainer replies (the employer-first rule, then `message.received`), the human decides an
//! approval (once: a second decision is refused), moderation blocks a word (publish is refused),
//! unknown ids and a URL that is no sandbox give errors that say what to do, and a request
//! another site sent is refused.

mod common;

use common::{api, approval_status, draft_and_publish, hire_request};
use opentrain_sandbox::{Decision, Remote, RemoteError, Sandbox};
use serde_json::json;

/// Publishes a job of the seeded owner; returns its id, or the refused publish's status and body.
async fn open_job(
    sandbox: &Sandbox,
    description: &str,
) -> Result<String, (u16, serde_json::Value)> {
    let (job, status, published) = draft_and_publish(sandbox, description, "Street photos").await;
    if status == 200 {
        Ok(job)
    } else {
        Err((status, published))
    }
}

const JOB: &str = "We need 3 annotators to label 5,000 street photos at $0.05 per label.";

#[tokio::test]
async fn a_trainer_applies_and_the_proposal_reaches_the_list_and_the_feed() {
    let sandbox = Sandbox::builder()
        .proposals_on_publish(0)
        .start()
        .await
        .unwrap();
    let job = open_job(&sandbox, JOB).await.unwrap();
    let remote = Remote::new(sandbox.base_url());
    let proposal = remote.propose(&job).await.unwrap();
    assert!(proposal.starts_with("prop_"), "{proposal}");
    let (_, list) = api(&sandbox, "GET", &format!("/jobs/{job}/proposals"), None).await;
    assert_eq!(list["proposals"][0]["id"], proposal.as_str());
    assert_feed_has(&sandbox, "proposal.received", "proposalId", &proposal).await;
}

#[tokio::test]
async fn a_trainer_replies_after_the_employer_wrote_first() {
    let sandbox = Sandbox::builder()
        .proposals_on_publish(0)
        .start()
        .await
        .unwrap();
    let job = open_job(&sandbox, JOB).await.unwrap();
    let remote = Remote::new(sandbox.base_url());
    let proposal = remote.propose(&job).await.unwrap();
    let (status, opened) = api(
        &sandbox,
        "POST",
        &format!("/proposals/{proposal}/conversation"),
        None,
    )
    .await;
    assert!(status == 200 || status == 201, "{opened}");
    let conversation = opened["conversationId"].as_str().unwrap().to_owned();
    match remote.reply(&conversation, "Hello!").await {
        Err(RemoteError::Refused {
            status: 409,
            message,
        }) => {
            assert!(message.contains("employer_first"), "{message}")
        }
        other => panic!("the trainer wrote first: {other:?}"),
    }
    let (status, sent) = api(
        &sandbox,
        "POST",
        "/messages",
        Some(json!({ "conversationId": conversation, "content": "Hi, can you start Monday?" })),
    )
    .await;
    assert!(status == 200 || status == 201, "{sent}");
    let message = remote
        .reply(&conversation, "Yes, Monday works.")
        .await
        .unwrap();
    assert_feed_has(&sandbox, "message.received", "messageId", &message).await;
}

#[tokio::test]
async fn the_human_decides_an_approval_once() {
    let sandbox = Sandbox::start().await.unwrap();
    let approval = hire_request(&sandbox, "First batch", 100.0).await;
    let id = approval["id"].as_str().unwrap();
    let remote = Remote::new(sandbox.base_url());
    assert_eq!(
        remote.decide(id, Decision::Confirm).await.unwrap(),
        "confirmed"
    );
    assert_eq!(approval_status(&sandbox, id).await, "confirmed");
    match remote.decide(id, Decision::Decline).await {
        Err(RemoteError::Refused { status: 409, .. }) => {}
        other => panic!("a second decision went through: {other:?}"),
    }
    match remote.decide("apr_nope", Decision::Expire).await {
        Err(RemoteError::Refused {
            status: 404,
            message,
        }) => {
            assert!(message.contains("apr_nope"), "{message}")
        }
        other => panic!("an unknown approval: {other:?}"),
    }
}

#[tokio::test]
async fn a_blocked_word_makes_moderation_refuse_the_publish() {
    let sandbox = Sandbox::start().await.unwrap();
    let remote = Remote::new(sandbox.base_url());
    let words = remote.block_word("Casino").await.unwrap();
    assert_eq!(words, ["casino"]);
    let (status, refused) = open_job(
        &sandbox,
        "We need 3 annotators to label 5,000 casino screenshots at $0.05 per label.",
    )
    .await
    .unwrap_err();
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["details"]["reason"], "moderation_blocked");
}

#[tokio::test]
async fn a_url_that_is_no_sandbox_says_so() {
    let sandbox = Sandbox::start().await.unwrap();
    // The API root instead of the sandbox root: the API's own 404 envelope, not a control.
    let wrong = Remote::new(sandbox.api_url());
    match wrong.propose("job_1").await {
        Err(e @ RemoteError::NotASandbox { status: 404, .. }) => {
            assert!(e.to_string().contains("opentrain sandbox serve"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let nobody = Remote::new("http://127.0.0.1:9");
    match nobody.propose("job_1").await {
        Err(e @ RemoteError::Unreachable { .. }) => {
            assert!(e.to_string().contains("opentrain sandbox serve"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_control_sent_by_another_site_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let approval = hire_request(&sandbox, "First batch", 100.0).await;
    let id = approval["id"].as_str().unwrap();
    let response = common::http()
        .post(format!(
            "{}/sandbox/approvals/{id}/confirm",
            sandbox.base_url()
        ))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(approval_status(&sandbox, id).await, "pending");
}

/// Asserts that `GET /updates` holds an event of type `kind` whose `data.<key>` is `id`.
async fn assert_feed_has(sandbox: &Sandbox, kind: &str, key: &str, id: &str) {
    let (_, feed) = api(sandbox, "GET", "/updates", None).await;
    assert!(
        feed["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == kind && e["data"][key] == id),
        "no {kind} event with {key} {id}: {feed}"
    );
}
