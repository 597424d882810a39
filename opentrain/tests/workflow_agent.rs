//! The agent-auth workflow on the wire: registration (JSON body, no bearer token) and the
//! credentials file it writes in the official CLI's layout; the claim start; the token poll
//! (form body) through pending, slow_down, success and expiry on tokio's paused clock, with the
//! post-claim token saved before `wait` returns; typed refusals; revocation.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::wire_log::{Auth, Log};
use mockito::{Matcher, Mock, ServerGuard};
use opentrain::Error;
use opentrain::agent::{self, AgentConfig, CLAIM_GRANT_TYPE, ClaimCeremony, Registration};
use opentrain::config::{ConfigError, CredentialsFile};
use serde_json::{Value, json};
use tests::Scratch;
use tokio::time::Instant;

const IDENTITY: &str = "/api/agent/identity";
const CLAIM: &str = "/api/agent/identity/claim";
const TOKEN: &str = "/api/agent/oauth/token";
const REVOKE: &str = "/api/agent/oauth/revoke";

const PRE_CLAIM: &str = "ot_pat_preclaim_test";
const POST_CLAIM: &str = "ot_pat_postclaim_test";
const CLAIM_TOKEN: &str = "ot_clm_test";

/// The credentials file, in the official CLI's layout inside a scratch directory.
const CLI_JSON: &str = "opentrain/cli.json";

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn config(server: &ServerGuard, file: &Path) -> AgentConfig {
    AgentConfig::new()
        .base_url(server.url())
        .credentials_file(CredentialsFile::at(file))
        .http_client(common::http_client())
        .retry(common::retry_policy())
        .without_deadline()
}

fn registered() -> Value {
    json!({
        "identity_type": "anonymous",
        "registration_id": "reg_1",
        "access_token": PRE_CLAIM,
        "token_type": "bearer",
        "scopes": ["jobs:read", "jobs:write", "proposals:read", "messages:read", "payments:read", "team:read"],
        "claim_token": CLAIM_TOKEN,
        "claim_token_expires_at": "2026-06-13T09:00:00.000Z",
        "claim_endpoint": "https://app.opentrain.ai/api/agent/identity/claim",
        "token_endpoint": "https://app.opentrain.ai/api/agent/oauth/token",
        "grant_type": CLAIM_GRANT_TYPE
    })
}

fn claim_started(expires_in: u64, interval: u64) -> Value {
    json!({
        "user_code": "439218",
        "verification_uri": "https://app.opentrain.ai/claim?token=ot_cat_test",
        "expires_in": expires_in,
        "interval": interval,
        "email_sent": true
    })
}

fn oauth(error: &str) -> Value {
    json!({"error": error, "error_description": format!("{error} (test)")})
}

fn claimed() -> Value {
    json!({
        "access_token": POST_CLAIM,
        "token_type": "bearer",
        "scopes": ["jobs:read", "jobs:write", "proposals:read", "proposals:write", "messages:read",
                   "messages:write", "payments:read", "team:read", "team:write"]
    })
}

async fn register_mock(server: &mut ServerGuard, log: &Log) -> Mock {
    log.answer(server.mock("POST", IDENTITY), 201, &registered())
        .expect(1)
        .create_async()
        .await
}

/// Registers an agent and starts its claim; returns the ceremony.
async fn started_claim(
    server: &mut ServerGuard,
    log: &Log,
    file: &Path,
    expires_in: u64,
    interval: u64,
) -> ClaimCeremony {
    let _r = register_mock(server, log).await;
    let _c = log
        .answer(
            server.mock("POST", CLAIM),
            200,
            &claim_started(expires_in, interval),
        )
        .expect(1)
        .create_async()
        .await;
    let agent = agent::register(&Registration::default().config(config(server, file)))
        .await
        .unwrap();
    agent.start_claim("owner@example.com").await.unwrap()
}

/// Token-endpoint answers, one request each, in order.
async fn token_answers(
    server: &mut ServerGuard,
    log: &Log,
    answers: &[(usize, Value)],
) -> Vec<Mock> {
    let mut mocks = Vec::new();
    for (status, body) in answers {
        mocks.push(
            log.answer(server.mock("POST", TOKEN), *status, body)
                .expect(1)
                .create_async()
                .await,
        );
    }
    mocks
}

fn pending() -> (usize, Value) {
    (400, oauth("authorization_pending"))
}

fn slow_down() -> (usize, Value) {
    (400, oauth("slow_down"))
}

fn success() -> (usize, Value) {
    (200, claimed())
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn registration_sends_the_documented_json_without_a_token_and_writes_the_cli_layout() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let register = register_mock(&mut server, &log).await;
    let agent = agent::register(
        &Registration::default()
            .agent_name("Claude Code")
            .organization_name("Acme Research")
            .config(config(&server, &scratch.join(CLI_JSON))),
    )
    .await
    .unwrap();
    register.assert_async().await;

    assert_eq!(agent.api_token().expose(), PRE_CLAIM);
    assert_eq!(agent.claim_token().expose(), CLAIM_TOKEN);
    let registered = agent.registration().unwrap();
    assert_eq!(registered.registration_id.as_deref(), Some("reg_1"));
    assert_eq!(registered.scopes.len(), 6);
    assert_eq!(registered.grant_type.as_deref(), Some(CLAIM_GRANT_TYPE));
    assert_eq!(agent.client().base_url(), server.url());

    // The official CLI's layout, nothing else.
    assert_eq!(
        read_json(&scratch.join(CLI_JSON)),
        json!({"apiToken": PRE_CLAIM, "baseUrl": server.url(), "claimToken": CLAIM_TOKEN})
    );
    #[cfg(unix)]
    assert_eq!(mode(&scratch.join(CLI_JSON)), 0o600);
    assert_eq!(scratch.entries("opentrain"), ["cli.json"]);
    insta::assert_yaml_snapshot!(log.sent());
}

#[tokio::test]
async fn registration_refuses_to_overwrite_a_saved_login_unless_forced_and_sends_nothing() {
    let mut server = mockito::Server::new_async().await;
    let scratch = Scratch::new("agent");
    let before = json!({"apiToken": "ot_pat_someone_else", "baseUrl": "https://app.opentrain.ai"});
    write_json(&scratch.join(CLI_JSON), &before);
    let register = server.mock("POST", IDENTITY).expect(0).create_async().await;
    let err =
        agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
            .await
            .unwrap_err();
    assert!(
        matches!(&err, Error::Config(ConfigError::CredentialsExist { path }) if *path == scratch.join(CLI_JSON)),
        "{err:?}"
    );
    register.assert_async().await;
    assert_eq!(
        read_json(&scratch.join(CLI_JSON)),
        before,
        "the file is untouched"
    );

    // A claim token alone is a login too (a registration waiting for its claim).
    write_json(
        &scratch.join(CLI_JSON),
        &json!({"claimToken": "ot_clm_waiting"}),
    );
    let err =
        agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
            .await
            .unwrap_err();
    assert!(
        matches!(&err, Error::Config(ConfigError::CredentialsExist { .. })),
        "{err:?}"
    );
    register.assert_async().await;
}

#[tokio::test]
async fn forced_registration_replaces_the_login_and_keeps_unknown_keys() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    write_json(
        &scratch.join(CLI_JSON),
        &json!({"apiToken": "ot_pat_old", "claimToken": "ot_clm_old", "telemetry": false, "profiles": {"work": {"color": "blue"}}}),
    );
    let _m = register_mock(&mut server, &log).await;
    agent::register(
        &Registration::default()
            .force(true)
            .config(config(&server, &scratch.join(CLI_JSON))),
    )
    .await
    .unwrap();
    assert_eq!(
        read_json(&scratch.join(CLI_JSON)),
        json!({
            "apiToken": PRE_CLAIM, "baseUrl": server.url(), "claimToken": CLAIM_TOKEN,
            "telemetry": false, "profiles": {"work": {"color": "blue"}}
        })
    );
}

#[tokio::test]
async fn registration_keeps_the_unknown_keys_of_a_file_without_a_login() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    write_json(&scratch.join(CLI_JSON), &json!({"editor": "vim"}));
    let _m = register_mock(&mut server, &log).await;
    agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
        .await
        .unwrap();
    let saved = read_json(&scratch.join(CLI_JSON));
    assert_eq!(saved["editor"], "vim");
    assert_eq!(saved["apiToken"], PRE_CLAIM);
}

#[tokio::test]
async fn a_refused_registration_is_an_oauth_error_and_writes_no_file() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let _m = log
        .answer(
            server.mock("POST", IDENTITY),
            403,
            &json!({"error": "anonymous_not_enabled"}),
        )
        .create_async()
        .await;
    let err =
        agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
            .await
            .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 403, error, description: None } if error == "anonymous_not_enabled"),
        "{err:?}"
    );
    assert!(!scratch.join(CLI_JSON).exists());
}

// ---------------------------------------------------------------------------------------------
// The claim ceremony
// ---------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn the_claim_start_and_the_poll_send_their_documented_bodies() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    assert_eq!(claim.user_code.as_ref().unwrap().expose(), "439218");
    assert_eq!(
        claim.verification_uri.as_ref().unwrap().expose(),
        "https://app.opentrain.ai/claim?token=ot_cat_test"
    );
    assert_eq!((claim.expires_in, claim.interval), (Some(1800), 5));
    assert_eq!(claim.email_sent, Some(true));
    let _t = token_answers(&mut server, &log, &[success()]).await;
    claim.wait().await.unwrap();
    // Registration, claim start (JSON) and one poll (form), none with a bearer token.
    insta::assert_yaml_snapshot!(log.sent());
}

#[tokio::test(start_paused = true)]
async fn the_claim_poll_keeps_the_interval_and_adds_five_seconds_per_slow_down() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let polls = token_answers(
        &mut server,
        &log,
        &[pending(), slow_down(), pending(), slow_down(), success()],
    )
    .await;
    let client = claim.wait().await.unwrap();
    for poll in &polls {
        poll.assert_async().await;
    }
    // Registration and claim start at 0 s; then polls 5 s apart, 10 s after the first
    // slow_down, 15 s after the second: never faster than the interval in force.
    assert_eq!(log.seconds().await, [0, 0, 5, 10, 20, 30, 45]);
    assert!(client.has_token());
}

#[tokio::test(start_paused = true)]
async fn on_success_the_file_holds_the_new_token_before_wait_returns_and_the_client_uses_it() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    // Keys other tools wrote survive the claim.
    write_json(&scratch.join(CLI_JSON), &json!({"telemetry": true}));
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let _t = token_answers(&mut server, &log, &[pending(), success()]).await;
    let client = claim.wait().await.unwrap();

    // Nothing ran between the return and this read: the save happened inside `wait`.
    assert_eq!(
        read_json(&scratch.join(CLI_JSON)),
        json!({"apiToken": POST_CLAIM, "baseUrl": server.url(), "telemetry": true})
    );
    #[cfg(unix)]
    assert_eq!(mode(&scratch.join(CLI_JSON)), 0o600);
    assert_eq!(
        scratch.entries("opentrain"),
        ["cli.json"],
        "no temporary file left"
    );

    // The returned client carries the post-claim token.
    let me = server
        .mock("GET", "/api/public/v1/auth/me")
        .match_header("authorization", format!("Bearer {POST_CLAIM}").as_str())
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(common::fixture("getMe.json"))
        .expect(1)
        .create_async()
        .await;
    client.get_me().send().await.unwrap();
    me.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn the_token_file_is_complete_whenever_it_is_read_during_the_claim() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    write_json(
        &scratch.join(CLI_JSON),
        &json!({"padding": "x".repeat(64 * 1024)}),
    );
    // A reader that never stops looking: every read must be a whole JSON document.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = std::thread::spawn({
        let (stop, path) = (Arc::clone(&stop), scratch.join(CLI_JSON));
        move || {
            let mut reads = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let bytes = std::fs::read(&path).unwrap();
                let parsed: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                    panic!("a torn credentials file ({e}), {} bytes", bytes.len())
                });
                assert_eq!(parsed["padding"].as_str().map(str::len), Some(64 * 1024));
                reads += 1;
            }
            reads
        }
    });
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let _t = token_answers(&mut server, &log, &[success()]).await;
    claim.wait().await.unwrap();
    let after = read_json(&scratch.join(CLI_JSON));
    stop.store(true, Ordering::Relaxed);
    let reads = reader.join().expect("the reader saw only complete files");
    assert!(reads > 0);
    assert_eq!(after["apiToken"], POST_CLAIM);
    assert!(after.get("claimToken").is_none());
    assert_eq!(scratch.entries("opentrain"), ["cli.json"]);
}

#[tokio::test(start_paused = true)]
async fn a_token_that_cannot_be_saved_is_kept_and_saved_by_the_next_wait_without_polling() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let polls = token_answers(&mut server, &log, &[success()]).await;
    // The credentials path turns into a directory: the save must fail.
    std::fs::remove_file(scratch.join(CLI_JSON)).unwrap();
    std::fs::create_dir(scratch.join(CLI_JSON)).unwrap();
    let err = claim.wait().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.to_string().contains(POST_CLAIM), "{err}");
    assert_eq!(
        claim
            .unsaved_token()
            .map(|t| t.expose().to_owned())
            .as_deref(),
        Some(POST_CLAIM)
    );

    std::fs::remove_dir(scratch.join(CLI_JSON)).unwrap();
    claim.wait().await.unwrap();
    polls[0].assert_async().await; // polled once in all
    assert_eq!(read_json(&scratch.join(CLI_JSON))["apiToken"], POST_CLAIM);
    assert!(claim.unsaved_token().is_none());
}

#[tokio::test(start_paused = true)]
async fn the_claim_poll_stops_with_claim_expired_when_the_next_poll_would_be_too_late() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 12, 5).await;
    let polls = token_answers(&mut server, &log, &[pending(), pending()]).await;
    let no_third = server.mock("POST", TOKEN).expect(0).create_async().await;
    let started = Instant::now();
    let err = claim.wait().await.unwrap_err();
    assert!(matches!(err, Error::ClaimExpired), "{err:?}");
    // Polls at 5 s and 10 s; one at 15 s would be past the 12 s attempt, so none is sent.
    assert_eq!(started.elapsed().as_secs(), 10);
    for poll in &polls {
        poll.assert_async().await;
    }
    no_third.assert_async().await;
    assert_eq!(log.seconds().await, [0, 0, 5, 10]);
    assert!(
        read_json(&scratch.join(CLI_JSON))
            .get("claimToken")
            .is_some(),
        "the claim token stays for a new attempt"
    );
}

#[tokio::test(start_paused = true)]
async fn max_wait_caps_the_claim_poll() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5)
        .await
        .max_wait(Duration::from_secs(7));
    let _t = token_answers(&mut server, &log, &[pending()]).await;
    let started = Instant::now();
    assert!(matches!(claim.wait().await, Err(Error::ClaimExpired)));
    assert_eq!(started.elapsed().as_secs(), 5);
}

#[tokio::test(start_paused = true)]
async fn expired_token_invalid_grant_and_access_denied_are_typed_errors() {
    for (error, check) in [
        (
            "expired_token",
            (|e: &Error| matches!(e, Error::ClaimExpired)) as fn(&Error) -> bool,
        ),
        (
            "invalid_grant",
            |e| matches!(e, Error::ClaimRefused { error, description: Some(d) } if error == "invalid_grant" && d == "invalid_grant (test)"),
        ),
        (
            "access_denied",
            |e| matches!(e, Error::ClaimRefused { error, .. } if error == "access_denied"),
        ),
        (
            "unsupported_grant_type",
            |e| matches!(e, Error::OAuth { status: 400, error, .. } if error == "unsupported_grant_type"),
        ),
    ] {
        let mut server = mockito::Server::new_async().await;
        let log = Log::with_auth(Auth::Header);
        let scratch = Scratch::new("agent");
        let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
        let polls = token_answers(&mut server, &log, &[pending(), (400, oauth(error))]).await;
        let err = claim.wait().await.unwrap_err();
        assert!(check(&err), "{error}: {err:?}");
        for poll in &polls {
            poll.assert_async().await;
        }
        // Nothing was saved: the pre-claim login stays as it was.
        assert_eq!(
            read_json(&scratch.join(CLI_JSON))["apiToken"],
            PRE_CLAIM,
            "{error}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_transient_failure_is_sat_out_at_the_same_pace() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let _t = token_answers(
        &mut server,
        &log,
        &[(503, json!({"error": "server_error"})), success()],
    )
    .await;
    claim.wait().await.unwrap();
    assert_eq!(log.seconds().await, [0, 0, 5, 10]);
}

#[tokio::test(start_paused = true)]
async fn transient_failures_in_a_row_end_the_wait_after_the_policy_attempts() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let busy = (503, json!({"error": "server_error"}));
    let polls = token_answers(&mut server, &log, &[busy.clone(), busy.clone(), busy]).await;
    let err = claim.wait().await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    for poll in &polls {
        poll.assert_async().await;
    }
    // The default policy's three attempts, at the poll interval.
    assert_eq!(log.seconds().await, [0, 0, 5, 10, 15]);
}

#[tokio::test(start_paused = true)]
async fn a_500_server_error_ends_the_wait_at_once() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let claim = started_claim(&mut server, &log, &scratch.join(CLI_JSON), 1800, 5).await;
    let polls = token_answers(&mut server, &log, &[(500, oauth("server_error"))]).await;
    let err = claim.wait().await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 500, error, .. } if error == "server_error"),
        "{err:?}"
    );
    polls[0].assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_later_run_loads_the_saved_agent_and_claims_it() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let _r = register_mock(&mut server, &log).await;
    agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
        .await
        .unwrap();

    // Another process, later: only the file is left.
    let agent = agent::Agent::load(&config(&server, &scratch.join(CLI_JSON))).unwrap();
    assert_eq!(agent.claim_token().expose(), CLAIM_TOKEN);
    let start = log
        .answer(
            server.mock("POST", CLAIM).match_body(Matcher::Json(
                json!({"claim_token": CLAIM_TOKEN, "email": "owner@example.com"}),
            )),
            200,
            &claim_started(1800, 5),
        )
        .expect(1)
        .create_async()
        .await;
    let _t = token_answers(&mut server, &log, &[success()]).await;
    agent
        .start_claim("  owner@example.com ")
        .await
        .unwrap()
        .wait()
        .await
        .unwrap();
    start.assert_async().await;

    // Claimed: nothing left to claim.
    let err = agent::Agent::load(&config(&server, &scratch.join(CLI_JSON))).unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn revoke_sends_the_token_as_a_form_and_drops_it_from_the_file() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::with_auth(Auth::Header);
    let scratch = Scratch::new("agent");
    let _r = register_mock(&mut server, &log).await;
    let agent =
        agent::register(&Registration::default().config(config(&server, &scratch.join(CLI_JSON))))
            .await
            .unwrap();
    let revoke = log
        .answer(server.mock("POST", REVOKE), 200, &json!({}))
        .expect(1)
        .create_async()
        .await;
    agent.revoke().await.unwrap();
    revoke.assert_async().await;
    assert_eq!(
        read_json(&scratch.join(CLI_JSON)),
        json!({"baseUrl": server.url(), "claimToken": CLAIM_TOKEN})
    );
    let sent = log.sent();
    assert_eq!(
        sent[1],
        json!({
            "method": "POST", "path": REVOKE, "contentType": "application/x-www-form-urlencoded",
            "authorization": null, "body": {"token": PRE_CLAIM}
        })
    );
}
