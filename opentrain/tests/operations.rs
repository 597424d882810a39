//! Calling an operation by name (`Client::operation`): the same pipeline as the typed methods
//! (token, retries of reads only, the one error decoder), the body handed back exactly as the
//! server sent it, and paging that follows `nextCursor`.

mod common;

use common::{TOKEN, client, json_error};
use futures::TryStreamExt;
use opentrain::paging::Paginate;

#[tokio::test(start_paused = true)]
async fn a_read_by_name_is_retried_and_its_body_comes_back_as_sent() {
    let mut server = mockito::Server::new_async().await;
    // The documented example with a member the spec does not know yet, in the server's order.
    let example = common::fixture("getApproval.json").replace("<APPROVAL_ID>", "apr_1");
    let body = example.replacen('{', r#"{"futureField": {"x": 1}, "#, 1);
    assert_ne!(body, example);
    let failing = server
        .mock("GET", "/api/public/v1/approvals/apr_1")
        .with_status(503)
        .expect(1)
        .create_async()
        .await;
    let ok = server
        .mock("GET", "/api/public/v1/approvals/apr_1")
        .match_header("authorization", format!("Bearer {TOKEN}").as_str())
        .with_header("content-type", "application/json")
        .with_header("x-request-id", "req_abc")
        .with_body(&body)
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let response = client
        .operation("getApproval")
        .unwrap()
        .field("approvalId", "apr_1")
        .unwrap()
        .send()
        .await
        .unwrap();
    failing.assert_async().await;
    ok.assert_async().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), body.as_bytes());
    assert_eq!(response.request_id(), Some("req_abc"));
    // The typed view of the same bytes, for a summary.
    let typed: opentrain::types::ApprovalResponse = response.decode().unwrap();
    assert!(body.contains(&format!("\"{}\"", typed.approval.id)));
}

#[tokio::test(start_paused = true)]
async fn a_write_by_name_is_sent_once_and_a_failure_is_the_crates_error() {
    let mut server = mockito::Server::new_async().await;
    let refused = server
        .mock("POST", "/api/public/v1/contracts/ctr_1/milestones")
        .match_body(mockito::Matcher::Json(
            serde_json::json!({"description": "Batch 2"}),
        ))
        .with_status(503)
        .with_body(json_error(
            503,
            "SERVICE_UNAVAILABLE",
            serde_json::json!({}),
        ))
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let err = client
        .operation("createMilestone")
        .unwrap()
        .field("contractId", "ctr_1")
        .unwrap()
        .field("description", "Batch 2")
        .unwrap()
        .send()
        .await
        .unwrap_err();
    refused.assert_async().await;
    assert_eq!(err.status(), Some(503), "{err:?}");
    let api = err.api().expect("the error envelope, decoded");
    assert_eq!(api.code.as_str(), "SERVICE_UNAVAILABLE", "{err:?}");
}

#[tokio::test]
async fn paging_by_name_follows_next_cursor_until_the_last_page() {
    let mut server = mockito::Server::new_async().await;
    let first = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .match_query(mockito::Matcher::UrlEncoded("limit".into(), "1".into()))
        .with_body(r#"{"entries":[{"id":"l_1"}],"nextCursor":"c2"}"#)
        .create_async()
        .await;
    let second = server
        .mock("GET", "/api/public/v1/credits/ledger")
        .match_query(mockito::Matcher::AllOf(vec![
            mockito::Matcher::UrlEncoded("limit".into(), "1".into()),
            mockito::Matcher::UrlEncoded("cursor".into(), "c2".into()),
        ]))
        .with_body(r#"{"entries":[{"id":"l_2"}],"nextCursor":null}"#)
        .create_async()
        .await;
    let client = client(&server);
    let pages: Vec<String> = client
        .operation("listCreditLedger")
        .unwrap()
        .field("limit", "1")
        .unwrap()
        .items()
        .map_ok(|page| page.text().unwrap().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains("l_2"), "{pages:?}");
    first.assert_async().await;
    second.assert_async().await;
}
