//! The one-shot post-claim token against the sandbox: it survives a caller that drops the poll
//! at any point (the sandbox delays every answer so the drop lands before the request, while
//! it is in flight, and after the answer arrived), and a claim resumes in a "new process" from
//! the saved claim token or an explicit one, replacing the pre-claim token in the file.

use std::time::Duration;

use opentrain::Secret;
use opentrain::agent::{self, Agent, AgentConfig, ClaimStatus, Registration};
use opentrain::config::CredentialsFile;
use opentrain_sandbox::Sandbox;
use tests::Scratch;

fn config(sandbox: &Sandbox, scratch: &Scratch) -> AgentConfig {
    AgentConfig::new()
        .base_url(sandbox.base_url())
        .credentials_file(CredentialsFile::at(scratch.join("cli.json")))
}

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .claim_confirm_after_polls(Some(0))
        .start()
        .await
        .unwrap()
}

/// The `apiToken` the credentials file holds now.
fn saved_token(scratch: &Scratch) -> String {
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.join("cli.json")).unwrap()).unwrap();
    saved["apiToken"].as_str().unwrap().to_owned()
}

/// Token-endpoint requests the sandbox received.
fn token_polls(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| format!("{r:?}").contains("/oauth/token"))
        .count()
}

#[tokio::test]
async fn the_claimed_token_is_saved_wherever_the_poll_is_dropped() {
    // Answers take 300 ms; the poll is dropped before it starts, mid-flight, and after.
    for drop_after in [0, 50, 150, 250, 400, 600].map(Duration::from_millis) {
        let sandbox = sandbox().await;
        let scratch = Scratch::new("claim-cancel");
        let agent = agent::register(&Registration::default().config(config(&sandbox, &scratch)))
            .await
            .unwrap();
        let pre_claim = agent.api_token().expose().to_owned();
        let claim = agent.start_claim("owner@example.com").await.unwrap();
        sandbox.set_delay(Some(Duration::from_millis(300)));

        let finished = match tokio::time::timeout(drop_after, claim.poll()).await {
            Ok(outcome) => match outcome.unwrap() {
                ClaimStatus::Claimed(client) => Some(client),
                other => panic!("the scripted human confirms on the first poll: {other:?}"),
            },
            Err(_elapsed) => None,
        };
        sandbox.set_delay(None);

        let client = match finished {
            // The poll finished before the deadline: the token came back and is on disk.
            Some(client) => client,
            None => {
                // Dropped: the poll's task goes on without its caller and saves the token; the
                // next poll hands it over without asking again (a second ask would be
                // `invalid_grant`: the token is delivered once).
                let client = match claim
                    .poll()
                    .await
                    .unwrap_or_else(|e| panic!("after a drop at {drop_after:?}: {e}"))
                {
                    ClaimStatus::Claimed(client) => client,
                    other => panic!("after a drop at {drop_after:?}: {other:?}"),
                };
                assert_eq!(
                    token_polls(&sandbox),
                    1,
                    "dropped at {drop_after:?}: asked twice"
                );
                client
            }
        };
        assert_ne!(saved_token(&scratch), pre_claim);
        client.get_me().send().await.unwrap();
    }
}

#[tokio::test]
async fn a_claim_resumes_from_the_saved_claim_token_in_a_new_process() {
    let sandbox = Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .claim_confirm_after_polls(Some(1))
        .start()
        .await
        .unwrap();
    let scratch = Scratch::new("claim-resume");
    let first = agent::register(&Registration::default().config(config(&sandbox, &scratch)))
        .await
        .unwrap();
    let pre_claim = first.api_token().expose().to_owned();
    // The first process starts the claim and exits.
    drop(first.start_claim("owner@example.com").await.unwrap());
    drop(first);

    // A new process: the credentials file alone.
    let resumed = Agent::load(&config(&sandbox, &scratch))
        .unwrap()
        .resume_claim();
    assert!(resumed.user_code.is_none() && resumed.verification_uri.is_none());
    // One pending answer, then the scripted human confirms.
    assert!(matches!(
        resumed.poll().await.unwrap(),
        ClaimStatus::Pending
    ));
    let client = resumed
        .max_wait(Duration::from_secs(60))
        .wait()
        .await
        .unwrap();
    client.get_me().send().await.unwrap();
    let saved = saved_token(&scratch);
    assert_ne!(
        saved, pre_claim,
        "the claimed token replaced the pre-claim one"
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.join("cli.json")).unwrap()).unwrap();
    assert!(file.get("claimToken").is_none(), "{file}");
}

#[tokio::test]
async fn a_claim_resumes_from_an_explicit_claim_token() {
    let sandbox = sandbox().await;
    let scratch = Scratch::new("claim-explicit");
    let registered = agent::register(&Registration::default().config(config(&sandbox, &scratch)))
        .await
        .unwrap();
    let claim_token = registered.claim_token().clone();
    drop(registered.start_claim("owner@example.com").await.unwrap());
    // Another machine: an empty credentials file of its own and the claim token by value.
    let elsewhere = Scratch::new("claim-explicit-elsewhere");
    let agent = Agent::with_claim_token(&config(&sandbox, &elsewhere), claim_token).unwrap();
    let ClaimStatus::Claimed(client) = agent.resume_claim().poll().await.unwrap() else {
        panic!("the scripted human confirms on the first poll");
    };
    client.get_me().send().await.unwrap();
    assert!(saved_token(&elsewhere).starts_with("ot_pat_"));

    // A value that is not a claim token is refused before anything is sent.
    let err = Agent::with_claim_token(&config(&sandbox, &elsewhere), Secret::new("ot_pat_x"))
        .unwrap_err();
    assert!(err.to_string().contains("ot_clm_"), "{err}");
}
