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
    agent.client().get_me().send().await.unwrap();
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
    client.get_me().send().await.unwrap();

    // The claim revoked the pre-claim token.
    let old = Client::builder()
        .base_url(sandbox.base_url())
        .token(pre_claim.expose())
        .build()
        .unwrap();
    match old.get_me().send().await.map_err(Error::from) {
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

/// The credentials file is read and written on tokio's blocking pool, never on an async worker
/// thread: on a single-threaded runtime, a registration whose file read blocks (the file is a
/// FIFO nobody writes yet) leaves the runtime free to run another task meanwhile.
#[tokio::test(flavor = "current_thread")]
async fn credentials_file_io_never_blocks_the_async_worker_thread() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let sandbox = Sandbox::start().await.unwrap();
    let scratch = Scratch::new("fifo");
    let path = scratch.join("cli.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");

    // The other task can only run while the runtime's one thread is free.
    let other_task_ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&other_task_ran);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        flag.store(true, Ordering::SeqCst);
    });
    // A writer that feeds the FIFO once the other task ran, or after 5 s regardless (so a
    // blocking read fails this test instead of hanging it).
    let flag = Arc::clone(&other_task_ran);
    let fifo = path.clone();
    let writer = std::thread::spawn(move || {
        for _ in 0..500 {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let ran_first = flag.load(Ordering::SeqCst);
        std::fs::write(&fifo, b"{}").unwrap();
        ran_first
    });

    // `force`: the save then does not read the file a second time (the FIFO is fed once).
    agent::register(
        &Registration::default()
            .force(true)
            .config(config(&sandbox, &scratch)),
    )
    .await
    .unwrap();
    assert!(
        writer.join().unwrap(),
        "the runtime thread was blocked by the credentials file read"
    );
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("\"claimToken\""), "{saved}");
}
