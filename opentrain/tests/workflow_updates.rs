//! The `/updates` follower on the wire: events oldest first across pages, resuming from the
//! store's cursor, committing only when the caller commits (a crash before the commit delivers
//! the event again), backing off while the feed is empty (tokio's paused clock), how feed and
//! store failures surface, and `FileCursorStore`'s atomic writes.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::wire_log::Log;
use common::{client, client_with};
use futures::TryStreamExt;
use mockito::{Matcher, Mock, ServerGuard};
use opentrain::Backoff;
use opentrain::types::ApprovalStatus;
use opentrain::updates::{
    CursorStore, CursorStoreError, EventData, FileCursorStore, MemoryCursorStore,
};
use serde_json::{Value, json};
use tests::Scratch;

const UPDATES: &str = "/api/public/v1/updates";

// ---------------------------------------------------------------------------------------------
// Feed pages as the docs show them
// ---------------------------------------------------------------------------------------------

/// An event of a type chosen by its id, so pages are quick to write.
fn event(id: &str) -> Value {
    let n: u32 = id.parse().unwrap();
    if n.is_multiple_of(2) {
        json!({
            "id": id, "type": "approval.confirmed", "apiVersion": "v1",
            "createdAt": "2026-06-12T10:05:00.000Z", "resourceId": format!("apr_{id}"), "jobId": "job_1",
            "data": {"approvalId": format!("apr_{id}"), "status": "declined"}
        })
    } else {
        json!({
            "id": id, "type": "proposal.received", "apiVersion": "v1",
            "createdAt": "2026-06-12T10:00:00.000Z", "resourceId": format!("prop_{id}"), "jobId": "job_1",
            "data": {"proposalId": format!("prop_{id}"), "jobId": "job_1"}
        })
    }
}

fn page(ids: &[&str], next: &str, has_more: bool) -> Value {
    json!({"events": ids.iter().map(|id| event(id)).collect::<Vec<_>>(), "nextCursor": next, "hasMore": has_more})
}

/// The feed at `cursor` (`None`: the first poll, no cursor sent) answers `body`, `times` times.
async fn feed(
    server: &mut ServerGuard,
    log: &Log,
    cursor: Option<&str>,
    body: &Value,
    times: usize,
) -> Mock {
    let mock = server.mock("GET", UPDATES);
    let mock = match cursor {
        Some(c) => mock.match_query(Matcher::UrlEncoded("cursor".into(), c.into())),
        // The first poll: a query without a `cursor` key.
        None => mock
            .match_query(Matcher::Any)
            .match_request(|req| !req.path_and_query().contains("cursor=")),
    };
    log.answer(mock, 200, body)
        .expect(times)
        .create_async()
        .await
}

// ---------------------------------------------------------------------------------------------
// Following
// ---------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn follow_yields_events_oldest_first_across_pages_with_the_page_size() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let first = feed(
        &mut server,
        &log,
        None,
        &page(&["1001", "1002"], "1002", true),
        1,
    )
    .await;
    let second = feed(
        &mut server,
        &log,
        Some("1002"),
        &page(&["1003"], "1003", false),
        1,
    )
    .await;
    let mut events = client(&server)
        .follow_updates(MemoryCursorStore::new())
        .page_size(2);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let item = events.try_next().await.unwrap().unwrap();
        seen.push(format!("{} {}", item.id(), item.event_type()));
    }
    assert_eq!(
        seen,
        [
            "1001 proposal.received",
            "1002 approval.confirmed",
            "1003 proposal.received"
        ]
    );
    assert_eq!(
        log.paths(),
        [
            "/api/public/v1/updates?limit=2",
            "/api/public/v1/updates?cursor=1002&limit=2"
        ]
    );
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn events_arrive_typed_with_their_record_kept_whole() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let _m = feed(
        &mut server,
        &log,
        None,
        &page(&["1001", "1002"], "1002", false),
        1,
    )
    .await;
    let mut events = client(&server).follow_updates(MemoryCursorStore::new());
    let proposal = events.try_next().await.unwrap().unwrap();
    match &proposal.data {
        EventData::ProposalReceived(p) => {
            assert_eq!(p.proposal_id.as_deref(), Some("prop_1001"));
            assert_eq!(p.job_id.as_deref(), Some("job_1"));
        }
        other => panic!("expected ProposalReceived, got {other:?}"),
    }
    let approval = events.try_next().await.unwrap().unwrap();
    match &approval.data {
        EventData::ApprovalConfirmed(a) => {
            assert_eq!(a.approval_id.as_deref(), Some("apr_1002"));
            assert_eq!(a.status, Some(ApprovalStatus::Declined));
        }
        other => panic!("expected ApprovalConfirmed, got {other:?}"),
    }
    assert_eq!(approval.raw.api_version.as_deref(), Some("v1"));
    assert_eq!(approval.resource_id(), Some("apr_1002"));
}

#[tokio::test(start_paused = true)]
async fn follow_resumes_from_the_stores_cursor_over_start_at() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let resumed = feed(
        &mut server,
        &log,
        Some("1043"),
        &page(&["1044"], "1044", false),
        1,
    )
    .await;
    let mut events = client(&server)
        .follow_updates(MemoryCursorStore::with_cursor("1043"))
        .start_at("1");
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "1044");
    resumed.assert_async().await;
    assert_eq!(log.paths(), ["/api/public/v1/updates?cursor=1043"]);
}

#[tokio::test(start_paused = true)]
async fn start_at_counts_when_the_store_is_empty() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let started = feed(
        &mut server,
        &log,
        Some("900"),
        &page(&["901"], "901", false),
        1,
    )
    .await;
    let mut events = client(&server)
        .follow_updates(MemoryCursorStore::new())
        .start_at("900");
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "901");
    started.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn nothing_is_saved_until_the_caller_commits() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let _m = feed(
        &mut server,
        &log,
        None,
        &page(&["1001", "1002"], "1002", false),
        1,
    )
    .await;
    let store = MemoryCursorStore::new();
    let mut events = client(&server).follow_updates(store.clone());
    let first = events.try_next().await.unwrap().unwrap();
    let second = events.try_next().await.unwrap().unwrap();
    assert_eq!(store.cursor(), None, "received is not committed");
    first.commit().await.unwrap();
    assert_eq!(store.cursor().as_deref(), Some("1001"));
    second.commit().await.unwrap();
    assert_eq!(store.cursor().as_deref(), Some("1002"));
    assert_eq!(events.store().cursor().as_deref(), Some("1002"));
}

#[tokio::test(start_paused = true)]
async fn a_crash_before_the_commit_delivers_the_event_again() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let scratch = Scratch::new("updates");
    let path = scratch.join("state").join("updates.cursor");
    let _first_run = feed(
        &mut server,
        &log,
        None,
        &page(&["1001", "1002"], "1002", false),
        1,
    )
    .await;
    let second_run = feed(
        &mut server,
        &log,
        Some("1001"),
        &page(&["1002"], "1002", false),
        1,
    )
    .await;

    // First run: 1001 handled and committed; 1002 received, then the process dies.
    {
        let mut events = client(&server).follow_updates(FileCursorStore::new(&path));
        let handled = events.try_next().await.unwrap().unwrap();
        handled.commit().await.unwrap();
        let lost = events.try_next().await.unwrap().unwrap();
        assert_eq!(lost.id(), "1002");
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"cursor\":\"1001\"}\n"
    );

    // Second run: it resumes after the last commit, so 1002 comes again.
    let mut events = client(&server).follow_updates(FileCursorStore::new(&path));
    let again = events.try_next().await.unwrap().unwrap();
    assert_eq!(again.id(), "1002");
    again.commit().await.unwrap();
    second_run.assert_async().await;
    assert_eq!(
        FileCursorStore::new(&path).load().await.unwrap().as_deref(),
        Some("1002")
    );
}

#[tokio::test(start_paused = true)]
async fn follow_backs_off_while_the_feed_is_empty_and_starts_over_after_events() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    // An empty page echoes the cursor it was sent.
    let empty = feed(
        &mut server,
        &log,
        Some("1000"),
        &page(&[], "1000", false),
        5,
    )
    .await;
    let one = feed(
        &mut server,
        &log,
        Some("1000"),
        &page(&["1001"], "1001", false),
        1,
    )
    .await;
    let empty_again = feed(
        &mut server,
        &log,
        Some("1001"),
        &page(&[], "1001", false),
        2,
    )
    .await;
    let two = feed(
        &mut server,
        &log,
        Some("1001"),
        &page(&["1002"], "1002", false),
        1,
    )
    .await;
    let mut events = client(&server)
        .follow_updates(MemoryCursorStore::with_cursor("1000"))
        .backoff(Backoff::new(Duration::from_secs(1), Duration::from_secs(8)));
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "1001");
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "1002");
    // Waits of 1, 2, 4, 8, 8 s while empty; after the event, 1 s again, then 2 and 4.
    assert_eq!(log.seconds().await, [0, 1, 3, 7, 15, 23, 24, 26, 30]);
    for mock in [&empty, &one, &empty_again, &two] {
        mock.assert_async().await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_cursor_that_goes_back_is_still_an_error_that_ends_the_stream() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let _a = feed(
        &mut server,
        &log,
        Some("1000"),
        &json!({"events": [event("1001")], "nextCursor": "1001"}),
        1,
    )
    .await;
    // A broken server: after 1002 it points back to 1000.
    let _b = feed(
        &mut server,
        &log,
        Some("1001"),
        &json!({"events": [event("1002")], "nextCursor": "1000"}),
        1,
    )
    .await;
    let mut events = client(&server).follow_updates(MemoryCursorStore::with_cursor("1000"));
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "1001");
    // The page that points back is refused whole: paging stops instead of looping.
    let err = events.try_next().await.unwrap_err();
    assert!(
        matches!(&err, opentrain::Error::RepeatedCursor { cursor } if cursor == "1000"),
        "{err:?}"
    );
    assert!(events.try_next().await.unwrap().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_retryable_feed_error_is_yielded_and_the_poll_is_repeated_from_the_same_position() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let busy = log
        .answer(
            server
                .mock("GET", UPDATES)
                .match_query(Matcher::UrlEncoded("cursor".into(), "1000".into())),
            503,
            &json!({"error": "busy", "code": "SERVICE_UNAVAILABLE"}),
        )
        .expect(1)
        .create_async()
        .await;
    let ok = feed(
        &mut server,
        &log,
        Some("1000"),
        &page(&["1001"], "1001", false),
        1,
    )
    .await;
    let mut events = client_with(&server, opentrain::RetryPolicy::none())
        .follow_updates(MemoryCursorStore::with_cursor("1000"))
        .backoff(Backoff::fixed(Duration::from_secs(3)));
    let err = events.try_next().await.unwrap_err();
    assert!(
        matches!(&err, e if e.status() == Some(503) && e.is_retryable()),
        "{err:?}"
    );
    assert_eq!(events.try_next().await.unwrap().unwrap().id(), "1001");
    busy.assert_async().await;
    ok.assert_async().await;
    assert_eq!(log.seconds().await, [0, 3]);
}

#[tokio::test(start_paused = true)]
async fn a_feed_error_that_no_retry_fixes_ends_the_stream() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let refused = log
        .answer(
            server.mock("GET", UPDATES).match_query(Matcher::Any),
            401,
            &json!({"error": "Invalid token", "code": "UNAUTHORIZED", "requestId": "req_u"}),
        )
        .expect(1)
        .create_async()
        .await;
    let mut events = client(&server).follow_updates(MemoryCursorStore::new());
    let err = events.try_next().await.unwrap_err();
    assert!(matches!(&err, e if e.status() == Some(401)), "{err:?}");
    assert!(
        events.try_next().await.unwrap().is_none(),
        "the stream ended"
    );
    refused.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_cursor_file_ends_the_stream_before_any_request() {
    let mut server = mockito::Server::new_async().await;
    let scratch = Scratch::new("updates");
    let path = scratch.join("updates.cursor");
    std::fs::write(&path, "{\"cursor\": 10").unwrap();
    let none = server
        .mock("GET", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let mut events = client(&server).follow_updates(FileCursorStore::new(&path));
    let err = events.try_next().await.unwrap_err();
    assert!(
        matches!(&err, opentrain::Error::CursorStore(CursorStoreError::Malformed { path: p, .. }) if *p == path),
        "{err:?}"
    );
    assert!(events.try_next().await.unwrap().is_none());
    none.assert_async().await;
}

// ---------------------------------------------------------------------------------------------
// FileCursorStore
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn file_cursor_store_writes_atomically() {
    let scratch = Scratch::new("updates");
    let path = scratch.join("state").join("updates.cursor");
    let store = FileCursorStore::new(&path);
    assert_eq!(store.load().await.unwrap(), None, "no file yet: no cursor");
    store.save("1").await.unwrap(); // creates the missing directory

    // A reader that never stops looking: every read is a whole, valid cursor file.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = std::thread::spawn({
        let (stop, path) = (Arc::clone(&stop), path.clone());
        move || {
            let mut reads = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let text = std::fs::read_to_string(&path).unwrap();
                let parsed: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("a torn cursor file ({e}): {text:?}"));
                let cursor = parsed["cursor"].as_str().unwrap();
                assert!(cursor.chars().all(|c| c.is_ascii_digit()), "{text:?}");
                reads += 1;
            }
            reads
        }
    });
    // Cursors of very different lengths, so a partial write could not pass for a whole one.
    for n in 0..200u32 {
        let cursor = if n % 2 == 0 {
            n.to_string()
        } else {
            "9".repeat(4096 + n as usize)
        };
        store.save(&cursor).await.unwrap();
    }
    store.save("1043").await.unwrap();
    stop.store(true, Ordering::Relaxed);
    let reads = reader.join().expect("the reader saw only whole files");
    assert!(reads > 0);
    assert_eq!(store.load().await.unwrap().as_deref(), Some("1043"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"cursor\":\"1043\"}\n"
    );
    assert_eq!(
        scratch.entries("state"),
        ["updates.cursor"],
        "no temporary file left"
    );
}

#[tokio::test]
async fn file_cursor_store_refuses_files_it_did_not_write() {
    let scratch = Scratch::new("updates");
    for (content, problem) in [
        ("", "not valid JSON"),
        ("{\"cursor\": 1043}", "not an object with a string `cursor`"),
        ("{\"cursor\": \"\"}", "empty cursor"),
    ] {
        let path = scratch.join("bad.cursor");
        std::fs::write(&path, content).unwrap();
        let err = FileCursorStore::new(&path).load().await.unwrap_err();
        assert!(
            matches!(&err, CursorStoreError::Malformed { .. }) && err.to_string().contains(problem),
            "{content:?}: {err}"
        );
    }
}
