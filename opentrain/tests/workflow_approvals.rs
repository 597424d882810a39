//! Co-sign approvals on the wire: the four money requests (hire, fund, release, end), the
//! single-approval wait through each terminal state and its timeout on the backoff schedule
//! (tokio's paused clock), and `wait_many` resolving several approvals from `/updates` events.
//! Waiting only ever reads: every wait test has a POST mock that must never be hit.

mod common;

use std::time::Duration;

use common::client;
use common::wire_log::Log;
use mockito::{Matcher, Mock, ServerGuard};
use opentrain::Error;
use opentrain::approvals::{Confirmation, Outcome, WaitForApproval, WaitManyOptions, wait_many};
use opentrain::types::{self, ApprovalStatus};
use serde_json::{Value, json};
use tokio::time::Instant;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A POST to anywhere, which waiting must never send.
async fn no_post(server: &mut ServerGuard) -> Mock {
    server
        .mock("POST", Matcher::Any)
        .expect(0)
        .create_async()
        .await
}

// ---------------------------------------------------------------------------------------------
// Approvals as the docs show them
// ---------------------------------------------------------------------------------------------

fn approval(id: &str, kind: &str, status: &str, result: Value) -> Value {
    let resolved = status != "pending";
    json!({
        "id": id,
        "type": kind,
        "status": status,
        "contractId": if kind == "proposal_hire" && !resolved { Value::Null } else { json!("ctr_1") },
        "milestoneId": if kind.starts_with("milestone") { json!("ms_1") } else { Value::Null },
        "jobId": "job_1",
        "proposalId": if kind == "proposal_hire" { json!("prop_1") } else { Value::Null },
        "approvalUrl": format!("https://app.opentrain.ai/approvals/{id}"),
        "expiresAt": "2026-06-15T10:00:00.000Z",
        "resolvedAt": if resolved { json!("2026-06-12T14:30:00.000Z") } else { Value::Null },
        "result": result,
        "createdAt": "2026-06-12T10:00:00.000Z"
    })
}

fn pending_response(id: &str, kind: &str) -> Value {
    json!({
        "approval": approval(id, kind, "pending", Value::Null),
        "message": "A human must confirm this request before any money moves. Share the approvalUrl."
    })
}

fn read(id: &str, kind: &str, status: &str, result: Value) -> Value {
    json!({"approval": approval(id, kind, status, result)})
}

/// What a money request answers with (its 202 body): the approval to wait for.
fn pending(id: &str, kind: &str) -> types::ApprovalPending {
    serde_json::from_value(pending_response(id, kind)).unwrap()
}

fn approval_path(id: &str) -> String {
    format!("/api/public/v1/approvals/{id}")
}

/// `GET /approvals/{id}` answers, one request each, in order.
async fn reads(server: &mut ServerGuard, log: &Log, id: &str, bodies: &[Value]) -> Vec<Mock> {
    let mut mocks = Vec::new();
    for body in bodies {
        mocks.push(
            log.answer(server.mock("GET", approval_path(id).as_str()), 200, body)
                .expect(1)
                .create_async()
                .await,
        );
    }
    mocks
}

async fn assert_all(mocks: &[Mock]) {
    for mock in mocks {
        mock.assert_async().await;
    }
}

// ---------------------------------------------------------------------------------------------
// The money requests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_four_money_requests_send_what_the_docs_show_and_return_pending_approvals() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let hire = log
        .answer(
            server.mock("POST", "/api/public/v1/proposals/prop_1/hire"),
            202,
            &pending_response("apr_h", "proposal_hire"),
        )
        .expect(1)
        .create_async()
        .await;
    let fund = log
        .answer(
            server.mock("POST", "/api/public/v1/milestones/ms_1/fund"),
            202,
            &pending_response("apr_f", "milestone_fund"),
        )
        .expect(1)
        .create_async()
        .await;
    let release = log
        .answer(
            server.mock("POST", "/api/public/v1/milestones/ms_1/approve"),
            202,
            &pending_response("apr_r", "milestone_approve"),
        )
        .expect(1)
        .create_async()
        .await;
    let end = log
        .answer(
            server.mock("POST", "/api/public/v1/contracts/ctr_1/end"),
            202,
            &pending_response("apr_e", "contract_end"),
        )
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);

    let hired = client
        .hire_from_proposal()
        .proposal_id("prop_1")
        .body(
            types::HireRequest::builder()
                .milestone(
                    types::HireMilestone::builder()
                        .amount(300.0)
                        .name("First labeling batch".to_owned())
                        .description("Label the first 5,000 posts per the guidelines".to_owned())
                        .due_date("2026-07-01".to_owned()),
                )
                .confirm_not_fit_override(Some(true)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(hired.approval.id, "apr_h");
    assert_eq!(hired.approval.type_.as_str(), "proposal_hire");
    assert_eq!(hired.approval.status, ApprovalStatus::Pending);
    assert_eq!(
        hired.approval.approval_url,
        "https://app.opentrain.ai/approvals/apr_h"
    );
    assert!(hired.message.contains("human must confirm"));

    assert_eq!(
        client
            .fund_milestone()
            .milestone_id("ms_1")
            .send()
            .await
            .unwrap()
            .approval
            .id,
        "apr_f"
    );
    assert_eq!(
        client
            .approve_milestone()
            .milestone_id("ms_1")
            .send()
            .await
            .unwrap()
            .approval
            .id,
        "apr_r"
    );
    let ended = client
        .end_contract()
        .contract_id("ctr_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    match ended {
        types::EndContractResult::ApprovalPending(p) => assert_eq!(p.approval.id, "apr_e"),
        other => panic!("expected a pending approval, got {other:?}"),
    }

    assert_all(&[hire, fund, release, end]).await;
    insta::assert_yaml_snapshot!(log.sent());
}

#[tokio::test]
async fn end_contract_200_ends_at_once_and_202_waits_for_a_human() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let direct = log
        .answer(
            server.mock("POST", "/api/public/v1/contracts/ctr_1/end"),
            200,
            &json!({"ok": true, "contractId": "ctr_1", "status": "ended"}),
        )
        .expect(1)
        .create_async()
        .await;
    let cosigned = log
        .answer(
            server.mock("POST", "/api/public/v1/contracts/ctr_2/end"),
            202,
            &pending_response("apr_e", "contract_end"),
        )
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let end = |id: &'static str| client.end_contract().contract_id(id).send();
    match end("ctr_1").await.unwrap().into_inner() {
        types::EndContractResult::ContractEnded(ended) => {
            assert_eq!(ended.contract_id, "ctr_1");
            assert_eq!(ended.status.as_str(), "ended");
        }
        other => panic!("expected Ended, got {other:?}"),
    }
    match end("ctr_2").await.unwrap().into_inner() {
        types::EndContractResult::ApprovalPending(p) => {
            assert_eq!(p.approval.id, "apr_e");
            assert_eq!(p.approval.type_.as_str(), "contract_end");
        }
        other => panic!("expected Pending, got {other:?}"),
    }
    direct.assert_async().await;
    cosigned.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_money_request_the_server_may_have_seen_is_never_sent_again() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let fund = log
        .answer(
            server.mock("POST", "/api/public/v1/milestones/ms_1/fund"),
            503,
            &json!({"error": "Service unavailable", "code": "SERVICE_UNAVAILABLE"}),
        )
        .expect(1)
        .create_async()
        .await;
    let err = client(&server)
        .fund_milestone()
        .milestone_id("ms_1")
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    fund.assert_async().await;
}

// ---------------------------------------------------------------------------------------------
// Waiting for one approval
// ---------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn wait_polls_on_the_doubling_schedule_until_confirmed() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let post = no_post(&mut server).await;
    let still = read("apr_h", "proposal_hire", "pending", Value::Null);
    let polls = reads(
        &mut server,
        &log,
        "apr_h",
        &[
            still.clone(),
            still.clone(),
            still,
            read(
                "apr_h",
                "proposal_hire",
                "confirmed",
                json!({"hired": true, "contractId": "ctr_9", "jobId": "job_1", "freelancerUserId": "usr_7"}),
            ),
        ],
    )
    .await;
    let client = client(&server);
    let outcome = pending("apr_h", "proposal_hire")
        .wait(&client)
        .jitter(false)
        .await
        .unwrap();
    assert_eq!(outcome.status(), ApprovalStatus::Confirmed);
    assert_eq!(
        outcome.confirmation(),
        Some(&Confirmation::Hired {
            contract_id: Some("ctr_9".into()),
            job_id: Some("job_1".into()),
            freelancer_user_id: Some("usr_7".into()),
        })
    );
    // 2 s, then 4, 8, 16 between polls.
    assert_eq!(log.seconds().await, [2, 6, 14, 30]);
    assert_all(&polls).await;
    post.assert_async().await;
    assert!(
        log.lines()
            .iter()
            .all(|l| l == "GET /api/public/v1/approvals/apr_h")
    );
}

#[tokio::test(start_paused = true)]
async fn wait_ends_with_declined_and_with_expired() {
    for status in ["declined", "expired"] {
        let mut server = mockito::Server::new_async().await;
        let log = Log::new();
        let post = no_post(&mut server).await;
        let polls = reads(
            &mut server,
            &log,
            "apr_f",
            &[read("apr_f", "milestone_fund", status, Value::Null)],
        )
        .await;
        let client = client(&server);
        let outcome = pending("apr_f", "milestone_fund")
            .wait(&client)
            .jitter(false)
            .await
            .unwrap();
        match (status, &outcome) {
            ("declined", Outcome::Declined { approval })
            | ("expired", Outcome::Expired { approval }) => {
                assert_eq!(approval.id, "apr_f");
            }
            _ => panic!("{status}: got {outcome:?}"),
        }
        assert!(!outcome.is_confirmed());
        assert_eq!(outcome.confirmation(), None);
        assert_eq!(log.seconds().await, [2], "{status}");
        assert_all(&polls).await;
        post.assert_async().await;
    }
}

#[tokio::test(start_paused = true)]
async fn wait_times_out_at_max_wait_with_the_schedule_capped_and_a_last_poll_at_the_deadline() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let post = no_post(&mut server).await;
    let polls = log
        .answer(
            server.mock("GET", approval_path("apr_r").as_str()),
            200,
            &read("apr_r", "milestone_approve", "pending", Value::Null),
        )
        .expect(8)
        .create_async()
        .await;
    let client = client(&server);
    let err = pending("apr_r", "milestone_approve")
        .wait(&client)
        .jitter(false)
        .max_wait(Duration::from_secs(200))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ApprovalTimeout { approval_id, waited } if approval_id == "apr_r" && *waited == Duration::from_secs(200)),
        "{err:?}"
    );
    // 2, 4, 8, 16, 32, then 60 s at most between polls; the last one at the deadline.
    assert_eq!(log.seconds().await, [2, 6, 14, 30, 62, 122, 182, 200]);
    polls.assert_async().await;
    post.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_status_this_client_does_not_know_counts_as_pending() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let polls = reads(
        &mut server,
        &log,
        "apr_f",
        &[
            read("apr_f", "milestone_fund", "on_hold", Value::Null),
            read(
                "apr_f",
                "milestone_fund",
                "confirmed",
                json!({"invoiceId": "inv_1"}),
            ),
        ],
    )
    .await;
    let client = client(&server);
    let outcome = pending("apr_f", "milestone_fund")
        .wait(&client)
        .jitter(false)
        .await
        .unwrap();
    assert_eq!(
        outcome.confirmation(),
        Some(&Confirmation::Funded {
            invoice_id: Some("inv_1".into()),
            payment_intent_id: None
        })
    );
    assert_all(&polls).await;
}

#[tokio::test(start_paused = true)]
async fn an_approval_already_resolved_is_reported_without_a_request() {
    let server = mockito::Server::new_async().await;
    let client = client(&server);
    let done: types::Approval = serde_json::from_value(approval(
        "apr_e",
        "contract_end",
        "confirmed",
        json!({"contractEnded": true}),
    ))
    .unwrap();
    let started = Instant::now();
    let outcome = done.wait(&client).await.unwrap();
    assert_eq!(
        outcome.confirmation(),
        Some(&Confirmation::ContractEnded {
            contract_id: Some("ctr_1".into())
        })
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
}

// ---------------------------------------------------------------------------------------------
// Waiting for many approvals with the /updates feed
// ---------------------------------------------------------------------------------------------

fn event(id: &str, kind: &str, resource: &str, data: Value) -> Value {
    json!({
        "id": id, "type": kind, "apiVersion": "v1", "createdAt": "2026-06-12T10:05:00.000Z",
        "resourceId": resource, "jobId": "job_1", "data": data
    })
}

fn feed(events: Vec<Value>, next: &str) -> Value {
    json!({"events": events, "nextCursor": next, "hasMore": false})
}

async fn feed_mock(server: &mut ServerGuard, log: &Log, cursor: &str, body: &Value) -> Mock {
    log.answer(
        server
            .mock("GET", "/api/public/v1/updates")
            .match_query(Matcher::UrlEncoded("cursor".into(), cursor.into())),
        200,
        body,
    )
    .expect(1)
    .create_async()
    .await
}

#[tokio::test(start_paused = true)]
async fn wait_many_resolves_several_approvals_from_updates_events_reading_data_status() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let post = no_post(&mut server).await;
    let first = feed_mock(
        &mut server,
        &log,
        "1000",
        &feed(
            vec![
                event(
                    "1001",
                    "approval.confirmed",
                    "apr_a",
                    json!({"approvalId": "apr_a", "status": "confirmed"}),
                ),
                // Says the approval is still pending: not a resolution, nothing is read.
                event(
                    "1002",
                    "approval.confirmed",
                    "apr_b",
                    json!({"approvalId": "apr_b", "status": "pending"}),
                ),
                event(
                    "1003",
                    "proposal.received",
                    "prop_9",
                    json!({"proposalId": "prop_9", "jobId": "job_1"}),
                ),
            ],
            "1003",
        ),
    )
    .await;
    let second = feed_mock(
        &mut server,
        &log,
        "1003",
        &feed(
            vec![
                event(
                    "1004",
                    "approval.confirmed",
                    "apr_b",
                    json!({"approvalId": "apr_b", "status": "declined"}),
                ),
                // No approvalId in data: the record's resourceId names it.
                event(
                    "1005",
                    "approval.confirmed",
                    "apr_c",
                    json!({"status": "expired"}),
                ),
            ],
            "1005",
        ),
    )
    .await;
    let a = reads(
        &mut server,
        &log,
        "apr_a",
        &[read(
            "apr_a",
            "milestone_fund",
            "confirmed",
            json!({"invoiceId": "inv_1", "paymentIntentId": "pi_1"}),
        )],
    )
    .await;
    let b = reads(
        &mut server,
        &log,
        "apr_b",
        &[read("apr_b", "milestone_approve", "declined", Value::Null)],
    )
    .await;
    let c = reads(
        &mut server,
        &log,
        "apr_c",
        &[read("apr_c", "proposal_hire", "expired", Value::Null)],
    )
    .await;

    let client = client(&server);
    let waiting = [
        pending("apr_a", "milestone_fund"),
        pending("apr_b", "milestone_approve"),
        pending("apr_c", "proposal_hire"),
    ];
    let done = wait_many(
        &client,
        &waiting,
        WaitManyOptions::default().start_at("1000").jitter(false),
    )
    .await
    .unwrap();

    assert!(done.is_complete());
    assert_eq!(done.cursor.as_deref(), Some("1005"));
    assert_eq!(done.waited, Duration::from_secs(2));
    let statuses: Vec<_> = done
        .outcomes
        .iter()
        .map(|(id, o)| format!("{id}: {}", o.status()))
        .collect();
    assert_eq!(
        statuses,
        ["apr_a: confirmed", "apr_b: declined", "apr_c: expired"]
    );
    assert_eq!(
        done.get("apr_a").unwrap().confirmation(),
        Some(&Confirmation::Funded {
            invoice_id: Some("inv_1".into()),
            payment_intent_id: Some("pi_1".into())
        })
    );
    assert_eq!(
        log.lines(),
        [
            "GET /api/public/v1/updates?cursor=1000",
            "GET /api/public/v1/approvals/apr_a",
            "GET /api/public/v1/updates?cursor=1003",
            "GET /api/public/v1/approvals/apr_b",
            "GET /api/public/v1/approvals/apr_c",
        ]
    );
    assert_eq!(log.seconds().await, [0, 0, 2, 2, 2]);
    for mock in [&first, &second, &a[0], &b[0], &c[0]] {
        mock.assert_async().await;
    }
    post.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn wait_many_reads_each_still_pending_approval_once_more_at_the_deadline() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::new();
    let post = no_post(&mut server).await;
    // The feed stays empty (an empty page echoes the cursor).
    let quiet = log
        .answer(
            server
                .mock("GET", "/api/public/v1/updates")
                .match_query(Matcher::UrlEncoded("cursor".into(), "1000".into())),
            200,
            &feed(vec![], "1000"),
        )
        .expect(3)
        .create_async()
        .await;
    // At the deadline one turns out expired (expiry is applied when read), one is still open.
    let x = reads(
        &mut server,
        &log,
        "apr_x",
        &[read("apr_x", "milestone_fund", "expired", Value::Null)],
    )
    .await;
    let y = reads(
        &mut server,
        &log,
        "apr_y",
        &[read("apr_y", "milestone_fund", "pending", Value::Null)],
    )
    .await;
    let client = client(&server);
    let done = wait_many(
        &client,
        [
            pending("apr_x", "milestone_fund"),
            pending("apr_y", "milestone_fund"),
        ],
        WaitManyOptions::default()
            .start_at("1000")
            .jitter(false)
            .max_wait(Duration::from_secs(5)),
    )
    .await
    .unwrap();
    assert_eq!(
        done.get("apr_x").map(Outcome::status),
        Some(ApprovalStatus::Expired)
    );
    assert_eq!(done.still_pending, ["apr_y"]);
    assert_eq!(done.cursor.as_deref(), Some("1000"));
    // Feed at 0 s, 2 s and 5 s (the wait is cut short by the deadline), then the two reads.
    assert_eq!(log.seconds().await, [0, 2, 5, 5, 5]);
    quiet.assert_async().await;
    x[0].assert_async().await;
    y[0].assert_async().await;
    post.assert_async().await;
    let err = done.into_complete().unwrap_err();
    assert!(
        matches!(&err, Error::ApprovalTimeout { approval_id, .. } if approval_id == "apr_y"),
        "{err:?}"
    );
}
