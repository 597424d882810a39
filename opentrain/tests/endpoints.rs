//! The list operations paged on the wire: the filters each one sends, paging across pages with a
//! 503 burst in the middle, message mode's unnamed array, and the `/jobs/changes` windows.

mod common;

use futures::TryStreamExt;
use mockito::Matcher;
use opentrain::paging::{MessagePages, Paginate};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The documented proposal example with a new id, as one page entry.
fn proposal(id: &str) -> Value {
    let mut p = fixture("listJobProposals")["proposals"][0].clone();
    p["id"] = json!(id);
    p
}

fn proposal_page(ids: &[&str], next: Option<&str>) -> String {
    json!({"proposals": ids.iter().map(|id| proposal(id)).collect::<Vec<_>>(), "nextCursor": next})
        .to_string()
}

#[tokio::test(start_paused = true)]
async fn proposals_page_through_three_pages_with_the_status_filter_and_survive_a_503_burst() {
    let mut server = mockito::Server::new_async().await;
    let path = "/api/public/v1/jobs/job_7/proposals";
    let first = server
        .mock("GET", path)
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("status".into(), "SHORTLISTED".into()),
            Matcher::UrlEncoded("limit".into(), "2".into()),
        ]))
        .with_status(200)
        .with_body(proposal_page(&["p1", "p2"], Some("c2")))
        .expect(1)
        .create_async()
        .await;
    let mut mocks = Vec::new();
    // mockito matches mocks in creation order while their `expect` lasts: page two fails twice.
    for (status, body) in [
        (503, "<html>busy</html>".to_owned()),
        (503, "<html>busy</html>".to_owned()),
        (200, proposal_page(&["p3", "p4"], Some("c3"))),
    ] {
        mocks.push(
            server
                .mock("GET", path)
                .match_query(Matcher::AllOf(vec![
                    Matcher::UrlEncoded("status".into(), "SHORTLISTED".into()),
                    Matcher::UrlEncoded("cursor".into(), "c2".into()),
                ]))
                .with_status(status)
                .with_body(body)
                .expect(1)
                .create_async()
                .await,
        );
    }
    let last = server
        .mock("GET", path)
        .match_query(Matcher::UrlEncoded("cursor".into(), "c3".into()))
        .with_status(200)
        .with_body(proposal_page(&["p5"], None))
        .expect(1)
        .create_async()
        .await;

    let ids: Vec<String> = common::client(&server)
        .list_job_proposals()
        .id("job_7")
        .status("SHORTLISTED")
        .limit(2u64)
        .items()
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        ["p1", "p2", "p3", "p4", "p5"],
        "no item repeated or skipped"
    );
    first.assert_async().await;
    for m in &mocks {
        m.assert_async().await;
    }
    last.assert_async().await;
}

#[tokio::test]
async fn search_sends_every_filter_and_no_token_is_needed() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", "/api/public/v1/jobs")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("q".into(), "audio".into()),
            Matcher::UrlEncoded("category".into(), "transcription".into()),
            Matcher::UrlEncoded("language".into(), "German".into()),
            Matcher::UrlEncoded("country".into(), "DE".into()),
            Matcher::UrlEncoded("payType".into(), "PAY_PER_HOUR".into()),
        ]))
        .match_header("authorization", Matcher::Missing)
        .with_status(200)
        .with_body(fixture("searchJobs").to_string())
        .expect(1)
        .create_async()
        .await;
    let client = opentrain::Client::builder()
        .base_url(server.url())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let jobs = client
        .search_jobs()
        .q("audio")
        .category("transcription")
        .language("German")
        .country("DE")
        .pay_type("PAY_PER_HOUR")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    mock.assert_async().await;
}

fn message(id: &str) -> Value {
    json!({
        "id": id, "createdAt": "2026-06-12T08:30:00.000Z", "updatedAt": "2026-06-12T08:30:00.000Z",
        "conversationId": "conv_1", "jobId": null, "senderUserId": "u_1", "isFromViewer": true,
        "content": "hello", "messageType": "TEXT", "system": false, "hasUnreadFlag": false,
        "attachmentCount": 0, "hasAudio": false, "editedAt": null, "reactionCount": 0
    })
}

#[tokio::test]
async fn message_mode_reads_the_one_array_whatever_its_key_and_keeps_the_direction() {
    let mut server = mockito::Server::new_async().await;
    let first = server
        .mock("GET", "/api/public/v1/messages")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("conversationId".into(), "conv_1".into()),
            Matcher::UrlEncoded("direction".into(), "newer".into()),
        ]))
        .with_status(200)
        // The docs do not name the key: an unnamed one works as well as `messages`.
        .with_body(json!({"items": [message("m1"), message("m2")], "nextCursor": "c2"}).to_string())
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", "/api/public/v1/messages")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("cursor".into(), "c2".into()),
            Matcher::UrlEncoded("direction".into(), "newer".into()),
        ]))
        .with_status(200)
        .with_body(json!({"messages": [message("m3")], "nextCursor": null}).to_string())
        .expect(1)
        .create_async()
        .await;
    let ids: Vec<String> = common::client(&server)
        .list_messages()
        .conversation_id("conv_1")
        .direction("newer")
        .messages()
        .items()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn message_mode_with_two_unknown_arrays_is_a_decode_error_not_a_guess() {
    let mut server = mockito::Server::new_async().await;
    let _m = server
        .mock("GET", "/api/public/v1/messages")
        .match_query(Matcher::Any)
        .with_status(200)
        .with_body(json!({"a": [message("m1")], "b": [], "nextCursor": null}).to_string())
        .create_async()
        .await;
    let err = common::client(&server)
        .list_messages()
        .conversation_id("conv_1")
        .messages()
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, opentrain::Error::Decode { message, .. } if message.contains("one message array")),
        "{err}"
    );
}

#[tokio::test]
async fn conversations_send_the_list_mode_filters() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("GET", "/api/public/v1/messages")
        .match_query(Matcher::AllOf(vec![
            Matcher::UrlEncoded("filter".into(), "proposal".into()),
            Matcher::UrlEncoded("unreadOnly".into(), "true".into()),
        ]))
        .with_status(200)
        .with_body(fixture("listMessages").to_string())
        .expect(1)
        .create_async()
        .await;
    let conversations = common::client(&server)
        .list_messages()
        .filter("proposal")
        .unread_only(true)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].unread_count, Some(1));
    mock.assert_async().await;
}

/// The documented cap of changes in one `/jobs/changes` answer (a full window).
const JOB_CHANGES_CAP: usize = 5_000;

fn changes(since: &str, until: &str, n: usize) -> String {
    let changes: Vec<Value> = (0..n)
        .map(|i| json!({"jobId": format!("job_{i}"), "eventType": "UPDATED", "occurredAt": until}))
        .collect();
    json!({"since": since, "until": until, "changes": changes, "generatedAt": until}).to_string()
}

#[tokio::test(start_paused = true)]
async fn job_changes_catch_up_moves_since_to_until_and_asks_again_after_a_full_window() {
    let mut server = mockito::Server::new_async().await;
    let t0 = "2026-06-11T00:00:00Z";
    let t1 = "2026-06-11T12:00:00Z";
    let t2 = "2026-06-12T08:00:00Z";
    let full = server
        .mock("GET", "/api/public/v1/jobs/changes")
        .match_query(Matcher::UrlEncoded("since".into(), t0.into()))
        .with_status(200)
        .with_body(changes(t0, t1, JOB_CHANGES_CAP))
        .expect(1)
        .create_async()
        .await;
    let rest = server
        .mock("GET", "/api/public/v1/jobs/changes")
        .match_query(Matcher::UrlEncoded("since".into(), t1.into()))
        .with_status(200)
        .with_body(changes(t1, t2, 3))
        .expect(1)
        .create_async()
        .await;
    let since = t0.parse().unwrap();
    let all: Vec<_> = common::client(&server)
        .follow_job_changes(since)
        .catch_up()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), JOB_CHANGES_CAP + 3);
    full.assert_async().await;
    rest.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn job_changes_follow_polls_on_its_interval_and_resumes_from_the_last_until() {
    let mut server = mockito::Server::new_async().await;
    let t0 = "2026-06-11T00:00:00Z";
    let t1 = "2026-06-11T00:01:00Z";
    let t2 = "2026-06-11T00:02:00Z";
    let _a = server
        .mock("GET", "/api/public/v1/jobs/changes")
        .match_query(Matcher::UrlEncoded("since".into(), t0.into()))
        .with_status(200)
        .with_body(changes(t0, t1, 1))
        .expect(1)
        .create_async()
        .await;
    let b = server
        .mock("GET", "/api/public/v1/jobs/changes")
        .match_query(Matcher::UrlEncoded("since".into(), t1.into()))
        .with_status(200)
        .with_body(changes(t1, t2, 2))
        .expect(1)
        .create_async()
        .await;
    let started = tokio::time::Instant::now();
    let mut stream = Box::pin(
        common::client(&server)
            .follow_job_changes(t0.parse().unwrap())
            .follow(std::time::Duration::from_secs(30)),
    );
    for _ in 0..3 {
        stream.try_next().await.unwrap().unwrap();
    }
    b.assert_async().await;
    assert_eq!(
        started.elapsed().as_secs(),
        30,
        "one interval between the two windows"
    );
}
