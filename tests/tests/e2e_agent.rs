//! End to end against the sandbox: anonymous registration and the claim ceremony through the
//! facade's `agent` module, with the sandbox's scripted human.

use std::time::Duration;

use opentrain::agent::{self, AgentConfig, Registration};
use opentrain::config::CredentialsFile;
use opentrain::{Client, Error};
use opentrain_sandbox::Sandbox;
use tests::Scratch;

fn config(sandbox: &Sandbox, scratch: &Scratch) -> AgentConfig {
    AgentConfig::new()
        .base_url(sandbox.base_url())
        .credentials_file(CredentialsFile::at(scratch.join("cli.json")))
}

#[tokio::test]
async fn register_claim_and_wait_hands_over_a_saved_post_claim_client() {
    let sandbox = Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .claim_confirm_after_polls(Some(1))
        .start()
        .await
        .unwrap();
    let scratch = Scratch::new("claim");
    let agent = agent::register(
        &Registration::default()
            .agent_name("e2e agent")
            .config(config(&sandbox, &scratch)),
    )
    .await
    .unwrap();
    let pre_claim = agent.api_token().clone();
    // The pre-claim token works at once.
    agent.client().me().await.unwrap();
    let saved = std::fs::read_to_string(scratch.join("cli.json")).unwrap();
    assert!(saved.contains("\"claimToken\""), "{saved}");

    let claim = agent.start_claim("owner@example.com").await.unwrap();
    assert_eq!(claim.user_code.as_ref().unwrap().expose().len(), 6);
    // No secret shows in what a log would print.
    let claim_token = agent.claim_token().expose().to_owned();
    for printed in [
        format!("{agent:?}"),
        format!("{claim:?}"),
        format!("{:?}", agent.client()),
        format!("{sandbox:?}"),
    ] {
        assert!(!printed.contains(pre_claim.expose()), "{printed}");
        assert!(!printed.contains(&claim_token), "{printed}");
    }
    let client = claim.wait().await.unwrap();

    // The new token is on disk, the claim token is gone, and the client works.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.join("cli.json")).unwrap()).unwrap();
    assert!(saved.get("claimToken").is_none(), "{saved}");
    let saved_token = saved["apiToken"].as_str().unwrap();
    assert_ne!(saved_token, pre_claim.expose());
    client.me().await.unwrap();

    // The claim revoked the pre-claim token.
    let old = Client::builder()
        .base_url(sandbox.base_url())
        .token(pre_claim.expose())
        .build()
        .unwrap();
    match old.me().await {
        Err(Error::Api(api)) => assert_eq!(api.status, 401),
        other => panic!("the pre-claim token still answers: {other:?}"),
    }
    // The sandbox's request log redacts what the requests carried (the claim token in the form
    // bodies, the bearer tokens).
    let log = format!("{:?}", sandbox.requests());
    assert!(log.contains("ot_clm_<redacted>"), "{log}");
    assert!(!log.contains(&claim_token) && !log.contains(pre_claim.expose()));
    let claims = sandbox.claims();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].email.as_deref(), Some("owner@example.com"));
}

#[tokio::test]
async fn a_claim_nobody_confirms_expires_with_a_typed_error() {
    let sandbox = Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .claim_confirm_after_polls(None)
        .start()
        .await
        .unwrap();
    let scratch = Scratch::new("expiry");
    let agent = agent::register(&Registration::default().config(config(&sandbox, &scratch)))
        .await
        .unwrap();
    let claim = agent.start_claim("owner@example.com").await.unwrap();
    // The human never comes; the attempt's 30 minutes pass.
    sandbox.advance_clock(Duration::from_secs(31 * 60));
    let outcome = claim.wait().await;
    assert!(matches!(outcome, Err(Error::ClaimExpired)), "{outcome:?}");
    // Nothing was saved over the pre-claim credentials.
    let saved = std::fs::read_to_string(scratch.join("cli.json")).unwrap();
    assert!(saved.contains("\"claimToken\""), "{saved}");
}
