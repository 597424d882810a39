//! End to end against the sandbox: the employer lifecycle through the facade's workflows, and
//! the faults a real deployment throws at it (a 503 burst while paging, an HTML 502 on a
//! write), approval declines and expiries, moderation and the daily publish limit.

use std::collections::BTreeSet;
use std::future::IntoFuture;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use opentrain::agent::{self, AgentConfig, Registration};
use opentrain::approvals::{Confirmation, Outcome, WaitForApproval, WaitManyOptions, wait_many};
use opentrain::config::CredentialsFile;
use opentrain::drafting::{Draft, DraftInput, ExampleAnswerer, PostJobError};
use opentrain::paging::Paginate;
use opentrain::types::{self, EventType, HireMilestone, HireRequest};
use opentrain::updates::FileCursorStore;
use opentrain::{Client, Error, RetryPolicy};
use opentrain_sandbox::{Fault, Sandbox};
use tests::Scratch;

const JOB: &str = "We need 3 annotators to label 10,000 product images into 12 categories, \
                   paying $0.05 per label. English speakers.";

/// A client of the sandbox's seeded (claimed) employer, retrying quickly.
fn owner(sandbox: &Sandbox) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .jitter(false),
        )
        .build()
        .unwrap()
}

/// Drafts `text`, answers with the examples, publishes; returns the job id.
async fn publish(client: &Client, text: &str, key: &str) -> Result<String, PostJobError> {
    let outcome = |error: opentrain::Error| match error {
        opentrain::Error::PostJob(outcome) => *outcome,
        other => panic!("post_job failed with another error: {other}"),
    };
    client
        .post_job(text)
        .idempotency_key(key)
        .answer_with(ExampleAnswerer)
        .max_rounds(3)
        .publish()
        .await
        .map(|p| p.job_id)
        .map_err(outcome)
}

/// Hires `proposal_id` and returns the pending approval.
async fn hire(client: &Client, proposal_id: &str) -> types::ApprovalPending {
    client
        .hire_from_proposal()
        .proposal_id(proposal_id)
        .body(
            HireRequest::builder().milestone(
                HireMilestone::builder()
                    .amount(120.0)
                    .name("First batch".to_owned())
                    .description("The first 2,000 labels".to_owned()),
            ),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// One draft create (`create_job_draft` with the input's body), read as a [`Draft`].
async fn create_draft(client: &Client, input: DraftInput) -> Result<Draft, Error> {
    let body = input.to_request()?;
    let envelope = client.create_job_draft().body(body).send().await?;
    Ok(Draft::from(envelope.into_inner()))
}

#[tokio::test]
async fn draft_publish_hire_confirm_contract_and_follow_updates() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);
    let scratch = Scratch::new("lifecycle");

    let job_id = publish(&client, JOB, "e2e-lifecycle-1").await.unwrap();
    // Publishing again with the same key finds the same job, already live.
    assert_eq!(
        publish(&client, JOB, "e2e-lifecycle-1").await.unwrap(),
        job_id
    );
    let proposals = client
        .list_job_proposals()
        .id(&job_id)
        .collect_all()
        .await
        .unwrap();
    assert!(!proposals.is_empty(), "publishing seeds proposals");

    let pending = hire(&client, &proposals[0].id).await;
    let wait = pending
        .wait(&client)
        .poll_interval(Duration::from_millis(20))
        .jitter(false)
        .max_wait(Duration::from_secs(30))
        .into_future();
    let human = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sandbox.confirm_approval(&pending.approval.id)
    };
    let (outcome, confirmed) = tokio::join!(wait, human);
    confirmed.unwrap();
    let contract_id = match outcome.unwrap() {
        Outcome::Confirmed {
            result:
                Confirmation::Hired {
                    contract_id: Some(id),
                    ..
                },
            ..
        } => id,
        other => panic!("not hired: {other:?}"),
    };
    let contract = client
        .get_contract()
        .contract_id(&contract_id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .contract;
    assert_eq!(
        contract.proposal_id.as_deref(),
        Some(proposals[0].id.as_str())
    );
    assert_eq!(contract.milestones.len(), 1);

    // The feed, followed with a file cursor: read everything, commit, "restart", and the
    // second follower starts after the last committed event.
    let cursor_file = scratch.join("cursor.json");
    let mut first = client
        .follow_updates(FileCursorStore::new(&cursor_file))
        .boxed();
    let total = client.poll_updates().collect_all().await.unwrap().len();
    let mut seen = Vec::new();
    while seen.len() < total {
        let event = tokio::time::timeout(Duration::from_secs(10), first.next())
            .await
            .expect("the feed delivers")
            .expect("the stream goes on")
            .unwrap();
        event.commit().await.unwrap();
        seen.push(event.event().event_type().clone());
    }
    drop(first);
    assert!(seen.contains(&EventType::ProposalReceived), "{seen:?}");
    assert!(seen.contains(&EventType::ApprovalConfirmed), "{seen:?}");
    assert!(seen.contains(&EventType::ContractCreated), "{seen:?}");

    // Something happens while no follower runs; the restarted one starts with exactly that.
    let late = sandbox.add_proposal(&job_id).unwrap();
    let mut second = client
        .follow_updates(FileCursorStore::new(&cursor_file))
        .boxed();
    let next = tokio::time::timeout(Duration::from_secs(10), second.next())
        .await
        .expect("the feed delivers")
        .expect("the stream goes on")
        .unwrap();
    assert_eq!(next.event().event_type(), &EventType::ProposalReceived);
    assert_eq!(next.event().resource_id(), Some(late.as_str()));
}

#[tokio::test]
async fn a_503_burst_while_paging_is_retried_without_duplicates_or_gaps() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);
    let job_id = publish(&client, JOB, "e2e-paging").await.unwrap();
    for _ in 0..20 {
        sandbox.add_proposal(&job_id).unwrap();
    }
    let expected: BTreeSet<String> = client
        .list_job_proposals()
        .id(&job_id)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(expected.len() > 20);

    let mut pages = client
        .list_job_proposals()
        .id(&job_id)
        .limit(5u64)
        .pages()
        .boxed();
    let mut ids: Vec<String> = pages
        .try_next()
        .await
        .unwrap()
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id)
        .collect();
    // A burst as long as the retry policy can sit out (every attempt but the last fails).
    let burst = client.retry_policy().attempts() as usize - 1;
    assert!(burst >= 2);
    sandbox.fail_next(burst, Fault::ServiceUnavailable);
    while let Some(page) = pages.try_next().await.unwrap() {
        ids.extend(page.items.into_iter().map(|p| p.id));
    }
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates");
    assert_eq!(unique, expected, "no gaps");
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), burst);
}

#[tokio::test]
async fn an_html_502_on_a_write_is_typed_and_the_idempotency_key_prevents_a_second_draft() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);

    // Without a key a draft create is not repeated: the caller gets the typed 502.
    sandbox.fail_next(1, Fault::BadGatewayHtml);
    let error = create_draft(&client, DraftInput::text(JOB))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(502), "{error:?}");
    assert!(error.is_retryable());
    // What the caller reads: the status, the content type and a snippet of the page.
    insta::assert_snapshot!(error.to_string(), @"502: could not decode the response (text/html; charset=utf-8): not JSON: expected value at line 1 column 1 — body: <html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>");

    // With a key the facade may repeat it, and the key makes the repeat land on one draft.
    let before = client.list_my_jobs().collect_all().await.unwrap().len();
    sandbox.fail_next(1, Fault::BadGatewayHtml);
    let first = create_draft(&client, DraftInput::text(JOB).idempotency_key("e2e-502"))
        .await
        .unwrap();
    let again = create_draft(&client, DraftInput::text(JOB).idempotency_key("e2e-502"))
        .await
        .unwrap();
    assert_eq!(first.job_id(), again.job_id());
    let after = client.list_my_jobs().collect_all().await.unwrap().len();
    assert_eq!(after, before + 1, "one draft for one key");
}

#[tokio::test]
async fn declined_and_expired_approvals_resolve_through_wait_and_wait_many() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);
    let job_a = publish(&client, JOB, "e2e-approvals-a").await.unwrap();
    let job_b = publish(&client, &format!("{JOB} Second batch."), "e2e-approvals-b")
        .await
        .unwrap();
    let cursor = client
        .poll_updates()
        .collect_all()
        .await
        .unwrap()
        .last()
        .map(|e| e.id.clone());
    let first_proposal = async |job_id: &str| {
        client
            .list_job_proposals()
            .id(job_id)
            .collect_all()
            .await
            .unwrap()[0]
            .id
            .clone()
    };
    let proposal_a = first_proposal(&job_a).await;
    let proposal_b = first_proposal(&job_b).await;
    let declined = hire(&client, &proposal_a).await;
    let expired = hire(&client, &proposal_b).await;
    sandbox.decline_approval(&declined.approval.id).unwrap();
    sandbox.expire_approval(&expired.approval.id).unwrap();

    let outcome = declined
        .wait(&client)
        .poll_interval(Duration::from_millis(10))
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Declined { .. }), "{outcome:?}");

    let mut options = WaitManyOptions::default()
        .poll_interval(Duration::from_millis(10))
        .max_wait(Duration::from_secs(10));
    if let Some(cursor) = cursor {
        options = options.start_at(cursor);
    }
    let many = wait_many(&client, [&declined, &expired], options)
        .await
        .unwrap();
    assert!(many.still_pending.is_empty(), "{many:?}");
    assert!(matches!(
        many.get(&declined.approval.id),
        Some(Outcome::Declined { .. })
    ));
    assert!(matches!(
        many.get(&expired.approval.id),
        Some(Outcome::Expired { .. })
    ));
    // Waiting never asked for money again: exactly the two hires were POSTed.
    let hires = sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/hire"))
        .count();
    assert_eq!(hires, 2);
}

#[tokio::test]
async fn moderation_blocks_a_publish_with_its_reasons() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);
    sandbox.block_words(&["casino"]);
    let outcome = publish(
        &client,
        "We need 3 annotators to label 5,000 casino screenshots, paying $0.05 per label.",
        "e2e-moderation",
    )
    .await;
    match outcome {
        Err(PostJobError::ModerationBlocked { reasons, .. }) => {
            assert!(!reasons.is_empty());
        }
        other => panic!("not blocked: {other:?}"),
    }
}

#[tokio::test]
async fn an_unclaimed_agent_hits_the_daily_publish_limit_after_three_jobs() {
    let sandbox = Sandbox::start().await.unwrap();
    let scratch = Scratch::new("limit");
    let agent = agent::register(
        &Registration::default().config(
            AgentConfig::new()
                .base_url(sandbox.base_url())
                .credentials_file(CredentialsFile::at(scratch.join("cli.json"))),
        ),
    )
    .await
    .unwrap();
    let client = agent.client();
    for n in 0..3 {
        publish(
            client,
            &format!("{JOB} Batch {n}."),
            &format!("e2e-limit-{n}"),
        )
        .await
        .unwrap();
    }
    match publish(client, &format!("{JOB} Batch 4."), "e2e-limit-4").await {
        Err(PostJobError::DailyLimit { limit, .. }) => assert_eq!(limit, 3),
        other => panic!("no daily limit: {other:?}"),
    }
    // The limit is not retried: one publish request for the fourth job.
    let fourth_publishes = sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/publish") && r.status == 429)
        .count();
    assert_eq!(fourth_publishes, 1);
}

#[tokio::test]
async fn a_claim_required_action_names_where_to_claim() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = owner(&sandbox);
    let job_id = publish(&client, JOB, "e2e-claim").await.unwrap();
    let proposal = client
        .list_job_proposals()
        .id(&job_id)
        .collect_all()
        .await
        .unwrap()[0]
        .id
        .clone();
    sandbox.set_owner_claimed(false);
    let error = client
        .hire_from_proposal()
        .proposal_id(&proposal)
        .body(
            HireRequest::builder().milestone(
                HireMilestone::builder()
                    .amount(50.0)
                    .name("Trial".to_owned()),
            ),
        )
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert!(error.needs_claim(), "{error:?}");
    assert!(
        error.api().and_then(|e| e.claim_url()).is_some(),
        "{error:?}"
    );
    assert!(matches!(error, Error::Api(_)));
}

#[tokio::test]
async fn a_slow_server_is_a_typed_timeout() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .timeout(Duration::from_millis(150))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .jitter(false),
        )
        .build()
        .unwrap();
    sandbox.set_delay(Some(Duration::from_millis(600)));
    let error = client
        .get_me()
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());

    sandbox.set_delay(None);
    client.get_me().send().await.unwrap();
}
