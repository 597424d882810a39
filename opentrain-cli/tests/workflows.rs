//! The commands end to end, each run as a process against a sandbox started in the test:
//! registration and the claim, drafting, publishing, hiring and its approval wait,
//! contracts and milestones, updates, webhooks, login and logout.

mod common;

use std::time::Duration;

use common::{World, answers, id_filters, propose, published_job};
use opentrain_sandbox::Sandbox;

const JOB: &str = "We need 3 annotators to label 10,000 product images into 12 categories, \
                   paying $0.05 per label. English speakers.";

#[tokio::test]
async fn register_claim_and_wait_for_the_claim() {
    let world = World::with(
        "cli-claim",
        Sandbox::builder()
            .claim_confirm_after_polls(Some(1))
            .claim_poll_interval(Duration::from_secs(1)),
    )
    .await;
    let registered = world
        .run_without_token(&[
            "auth",
            "register",
            "--name",
            "CLI test",
            "--org-name",
            "CLI Labs",
        ])
        .await;
    assert!(
        registered.ok().contains("Registered agent account"),
        "{registered:#?}"
    );
    let saved = world.credentials().expect("credentials saved");
    let pre_claim = saved["apiToken"].as_str().expect("apiToken").to_owned();
    assert!(saved["claimToken"].is_string());
    assert!(
        !registered.stdout.contains(&pre_claim),
        "a token was printed"
    );

    // Registering again without --force refuses to replace the saved login.
    world
        .run_without_token(&["auth", "register"])
        .await
        .fails_with(1);

    let claim = world
        .run_without_token(&["auth", "claim", "--email", "owner@example.com"])
        .await;
    assert!(claim.ok().contains("Code:"), "{claim:#?}");

    let pending = world.run_without_token(&["auth", "claim-status"]).await;
    assert!(pending.ok().contains("Pending"), "{pending:#?}");

    // The next poll is past the interval on the sandbox clock: the scripted human confirms.
    world.sandbox.advance_clock(Duration::from_secs(10));
    let claimed = world
        .run_without_token(&["auth", "claim-status", "--wait", "--timeout", "60"])
        .await;
    assert!(claimed.ok().contains("Claimed"), "{claimed:#?}");
    // Not a terminal: no indicator escape codes.
    assert!(!claimed.stdout.contains('\x1b') && !claimed.stderr.contains('\x1b'));
    let saved = world.credentials().expect("credentials kept");
    assert!(saved.get("claimToken").is_none(), "{saved}");
    assert_ne!(saved["apiToken"].as_str(), Some(pre_claim.as_str()));

    let me = world.run_without_token(&["whoami"]).await;
    assert!(me.ok().contains("Signed in as"), "{me:#?}");
}

#[tokio::test]
async fn a_claim_wait_that_runs_out_exits_3() {
    let world = World::with(
        "cli-claim-timeout",
        Sandbox::builder().claim_confirm_after_polls(None),
    )
    .await;
    world.run_without_token(&["auth", "register"]).await.ok();
    world
        .run_without_token(&["auth", "claim", "--email", "owner@example.com"])
        .await
        .ok();
    let run = world
        .run_without_token(&["auth", "claim-status", "--wait", "--timeout", "1"])
        .await;
    run.fails_with(3);
    assert!(run.stderr.starts_with("Timed out:"), "{run:#?}");
}

#[tokio::test]
async fn draft_create_prints_the_missing_fields() {
    let world = World::new("cli-draft").await;
    let run = world
        .run(&[
            "jobs",
            "draft",
            "create",
            "--text",
            JOB,
            "--idempotency-key",
            "k1",
        ])
        .await;
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("draft_create", run.ok());
    });
}

#[tokio::test]
async fn draft_update_types_values_and_publish_goes_live() {
    let world = World::new("cli-publish").await;
    let draft = world
        .run(&["--json", "jobs", "draft", "create", "--description", JOB])
        .await
        .json();
    let job_id = draft["jobId"].as_str().expect("jobId").to_owned();

    // An enum value outside the catalog is refused before anything is sent.
    let bad = world
        .run(&[
            "jobs",
            "draft",
            "update",
            "--job-id",
            &job_id,
            "--set",
            "experienceLevel=guru",
        ])
        .await;
    bad.fails_with(2);
    assert!(bad.stderr.starts_with("Usage error:"), "{bad:#?}");
    // So is a number field given words.
    world
        .run(&[
            "jobs",
            "draft",
            "update",
            "--job-id",
            &job_id,
            "--set",
            "headcount=lots",
        ])
        .await
        .fails_with(2);

    // Enum in any case, numbers as numbers.
    let typed = world
        .run(&[
            "--json",
            "jobs",
            "draft",
            "update",
            "--job-id",
            &job_id,
            "--set",
            "experienceLevel=intermediate",
            "--set",
            "headcount=4",
        ])
        .await
        .json();
    assert_eq!(typed["jobId"], job_id.as_str());

    let mut args = vec!["jobs", "draft", "update", "--job-id", &job_id];
    let sets = answers(&draft);
    args.extend(sets.iter().map(String::as_str));
    let ready = world.run(&args).await;
    assert!(ready.ok().contains("Publish-ready: yes"), "{ready:#?}");

    let published = world.run(&["jobs", "publish", "--job-id", &job_id]).await;
    assert!(published.ok().contains("Published job"), "{published:#?}");
    let again = world.run(&["jobs", "publish", &job_id]).await;
    assert!(again.ok().contains("already published"), "{again:#?}");

    let listed = world.run(&["jobs", "list", "--status", "OPEN"]).await;
    assert!(listed.ok().contains(&job_id), "{listed:#?}");
    let got = world.run(&["jobs", "get", &job_id]).await;
    assert!(got.ok().contains(&job_id), "{got:#?}");
}

#[tokio::test]
async fn jobs_post_answers_at_the_terminal_and_publishes_on_yes() {
    let world = World::new("cli-post").await;
    // The sandbox asks for jobTitle and experienceLevel (choice 3: INTERMEDIATE); then "y"
    // publishes.
    let input = "Product image categorization\n3\ny\n";
    let run = world
        .run_with_input(&["jobs", "post", "--description", JOB], input)
        .await;
    let out = run.ok();
    assert!(out.contains("Published job"), "{run:#?}");
}

#[tokio::test]
async fn hire_prints_the_approval_and_wait_reports_the_outcome() {
    let world = World::new("cli-hire").await;
    let job_id = published_job(&world).await;
    let proposals = world
        .run(&["--json", "proposals", "list", "--job-id", &job_id])
        .await
        .json();
    let proposal_id = proposals["proposals"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_owned();
    world
        .run(&["proposals", "get", &proposal_id, "--include-interview"])
        .await
        .ok();

    let hire = world
        .run(&[
            "proposals",
            "hire",
            &proposal_id,
            "--amount",
            "150",
            "--name",
            "First batch",
        ])
        .await;
    let out = hire.ok();
    assert!(out.contains("A person must confirm it"), "{hire:#?}");
    let approval_id = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("an approval");
    assert!(out.contains(&approval_id) && out.contains("http"), "{out}");
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("hire_notice", out);
    });

    // Still pending with no time left: exit 3.
    world
        .run(&["approvals", "wait", &approval_id, "--timeout", "0"])
        .await
        .fails_with(3);

    world
        .sandbox
        .confirm_approval(&approval_id)
        .expect("confirmed");
    let waited = world.run(&["approvals", "wait", &approval_id]).await;
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("approval_confirmed", waited.ok());
    });

    // Contracts: list, get, a milestone, its funding (another approval), end.
    let contracts = world.run(&["--json", "contracts", "list"]).await.json();
    let contract_id = contracts["contracts"][0]["id"]
        .as_str()
        .expect("a contract")
        .to_owned();
    let got = world.run(&["contracts", "get", &contract_id]).await;
    assert!(got.ok().contains(&contract_id), "{got:#?}");
    let milestone = world
        .run(&[
            "--json",
            "milestones",
            "create",
            "--contract-id",
            &contract_id,
            "--description",
            "Second batch",
            "--amount-usd",
            "50",
            "--volume",
            "1000",
        ])
        .await
        .json();
    let milestone_id = milestone["milestone"]["id"]
        .as_str()
        .expect("milestone id")
        .to_owned();
    // `--json` prints the whole 202 body: the approval and the server's message.
    let pending = world
        .run(&["--json", "milestones", "fund", &milestone_id])
        .await
        .json();
    assert_eq!(pending["approval"]["status"], "pending", "{pending}");
    assert!(pending["approval"]["approvalUrl"].is_string(), "{pending}");
    assert!(pending["message"].is_string(), "{pending}");
    // Asking again while it is pending returns the same approval.
    let fund = world.run(&["milestones", "fund", &milestone_id]).await;
    assert!(fund.ok().contains("A person must confirm it"), "{fund:#?}");
    let fund_approval = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("fund approval");
    world
        .sandbox
        .decline_approval(&fund_approval)
        .expect("declined");
    let declined = world.run(&["approvals", "wait", &fund_approval]).await;
    declined.fails_with(4);

    let end = world.run(&["contracts", "end", &contract_id]).await;
    let out = end.ok();
    assert!(
        out.contains("ended") || out.contains("A person must confirm it"),
        "{end:#?}"
    );
}

#[tokio::test]
async fn updates_poll_and_follow() {
    let world = World::new("cli-updates").await;
    published_job(&world).await;
    let polled = world.run(&["updates", "poll", "--all"]).await;
    assert!(polled.ok().contains("proposal.received"), "{polled:#?}");
    let cursor_file = world.scratch.join("cursor");
    let cursor_arg = cursor_file.display().to_string();
    let followed = world
        .run(&[
            "--json",
            "updates",
            "follow",
            "--max-events",
            "1",
            "--cursor-file",
            &cursor_arg,
        ])
        .await;
    let line: serde_json::Value =
        serde_json::from_str(followed.ok().trim()).expect("one JSON event line");
    assert!(line["type"].is_string());
    assert!(cursor_file.exists(), "the cursor was committed");
}

#[tokio::test]
async fn webhooks_create_list_get_delete_and_verify() {
    let world = World::new("cli-webhooks").await;
    let created = world
        .run(&[
            "webhooks",
            "create",
            "--url",
            "http://127.0.0.1:9/hook",
            "--event",
            "proposal.received,message.received",
        ])
        .await;
    let out = created.ok();
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("Signing secret: "))
        .expect("the secret, once")
        .to_owned();
    assert!(created.stderr.contains("only time"), "{created:#?}");
    let listed = world.run(&["--json", "webhooks", "list"]).await.json();
    let id = listed["webhooks"][0]["id"]
        .as_str()
        .expect("webhook id")
        .to_owned();
    let got = world.run(&["webhooks", "get", &id]).await;
    assert!(got.ok().contains("ACTIVE"), "{got:#?}");
    assert!(!got.stdout.contains(&secret), "the secret was shown again");

    let body = br#"{"id":"1","type":"proposal.received","createdAt":"2026-06-12T10:00:00.000Z"}"#;
    let body_file = world.scratch.join("delivery.json");
    std::fs::write(&body_file, body).expect("body saved");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let signature = opentrain::webhooks::sign(&opentrain::Secret::new(secret.clone()), body, now);
    let path = body_file.display().to_string();
    let env = [("OPENTRAIN_WEBHOOK_SECRET", secret.as_str())];
    let valid = world
        .run_with_env(
            &[
                "webhooks",
                "verify",
                "--body-file",
                &path,
                "--signature",
                &signature,
            ],
            &env,
        )
        .await;
    assert!(valid.ok().starts_with("Valid signature"), "{valid:#?}");
    std::fs::write(&body_file, b"{\"id\":\"2\"}").expect("tampered");
    let invalid = world
        .run_with_env(
            &[
                "webhooks",
                "verify",
                "--body-file",
                &path,
                "--signature",
                &signature,
            ],
            &env,
        )
        .await;
    invalid.fails_with(1);
    assert!(invalid.stderr.contains("does not verify"), "{invalid:#?}");

    let deleted = world.run(&["webhooks", "delete", &id]).await;
    assert!(deleted.ok().contains("Deleted webhook"), "{deleted:#?}");
}

#[tokio::test]
async fn login_saves_a_checked_token_and_logout_deletes_the_file() {
    let world = World::new("cli-login").await;
    // A token the server does not know is refused and nothing is saved.
    world
        .run_without_token(&["auth", "login", "--api-key", "ot_pat_unknown_token"])
        .await
        .fails_with(1);
    assert!(world.credentials().is_none());

    let token = world.sandbox.token().to_owned();
    let login = world
        .run_without_token(&["auth", "login", "--token", &token])
        .await;
    assert!(login.ok().contains("Logged in as"), "{login:#?}");
    assert!(!login.stdout.contains(&token), "the token was printed");
    assert_eq!(
        world.credentials().expect("saved")["apiToken"],
        token.as_str()
    );
    world.run_without_token(&["auth", "status"]).await.ok();

    let logout = world.run_without_token(&["auth", "logout"]).await;
    assert!(logout.ok().contains("Logged out"), "{logout:#?}");
    assert!(world.credentials().is_none());
    let no_token = world.run_without_token(&["whoami"]).await;
    no_token.fails_with(2);
    assert!(
        no_token.stderr.starts_with("Usage error: no API token"),
        "{no_token:#?}"
    );
}

#[tokio::test]
async fn account_reads_and_tokens() {
    let world = World::new("cli-account").await;
    for args in [
        &["credits", "balance"][..],
        &["credits", "ledger", "--all"],
        &["payments", "pending"],
        &["team", "get"],
        &["tokens", "list"],
        &["messages", "read"],
        &["jobs", "search", "--limit", "5"],
        &["version"],
    ] {
        world.run(args).await.ok();
    }
    let created = world
        .run(&["tokens", "create", "--name", "ci", "--scope", "jobs:read"])
        .await;
    let out = created.ok();
    assert!(out.contains("ot_pat_"), "{created:#?}");
    assert!(created.stderr.contains("only time"), "{created:#?}");
    let tokens = world.run(&["--json", "tokens", "list"]).await.json();
    let id = tokens["tokens"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "ci"))
        .and_then(|t| t["id"].as_str())
        .expect("the new token listed")
        .to_owned();
    world.run(&["tokens", "revoke", &id]).await.ok();
}

#[tokio::test]
async fn an_api_error_prints_the_status_line_and_details() {
    let world = World::new("cli-api-error").await;
    let run = world.run(&["jobs", "get", "job_missing"]).await;
    run.fails_with(1);
    insta::with_settings!({ filters => id_filters() }, {
        insta::assert_snapshot!("api_error", run.stderr);
    });
}

#[tokio::test]
async fn job_writes_messaging_and_the_remaining_reads() {
    let world = World::new("cli-writes").await;
    let job_id = published_job(&world).await;
    let live = world
        .run(&[
            "jobs",
            "update",
            "--job-id",
            &job_id,
            "--set",
            "pricePerLabel=0.06",
        ])
        .await;
    assert!(live.ok().contains("Updated job"), "{live:#?}");

    let proposals = world
        .run(&["--json", "proposals", "list", "--job-id", &job_id, "--all"])
        .await
        .json();
    let proposal = &proposals[0];
    let proposal_id = proposal["id"].as_str().expect("proposal id").to_owned();
    if let Some(candidate) = proposal["candidate"]["id"].as_str() {
        let profile = world.run(&["freelancers", "get", candidate]).await;
        assert!(profile.ok().contains(candidate), "{profile:#?}");
    }

    let started = world
        .run(&["--json", "messages", "start-conversation", &proposal_id])
        .await
        .json();
    let conversation = started["conversationId"]
        .as_str()
        .or_else(|| started["conversation"]["id"].as_str())
        .expect("a conversation id")
        .to_owned();
    let sent = world
        .run(&[
            "messages",
            "send",
            "--conversation-id",
            &conversation,
            "--content",
            "Hello!",
        ])
        .await;
    assert!(sent.ok().starts_with("Sent"), "{sent:#?}");
    let read = world
        .run(&["messages", "read", "--conversation-id", &conversation])
        .await;
    assert!(read.ok().contains("Hello!"), "{read:#?}");

    let top_up = world
        .run(&["--json", "credits", "top-up", "--amount-usd", "20"])
        .await
        .json();
    let top_up_id = top_up["topUpId"]
        .as_str()
        .or_else(|| top_up["topUp"]["id"].as_str())
        .expect("a top-up id")
        .to_owned();
    world
        .run(&["credits", "top-up-status", &top_up_id])
        .await
        .ok();

    let invited = world
        .run(&["team", "invite", "--email", "new@acme.example"])
        .await;
    assert!(invited.ok().contains("Invited"), "{invited:#?}");

    let closed = world.run(&["jobs", "close", &job_id]).await;
    assert!(closed.ok().contains(&job_id), "{closed:#?}");
}

#[tokio::test]
async fn approvals_get_and_milestone_release() {
    let world = World::new("cli-release").await;
    let job_id = published_job(&world).await;
    let proposals = world
        .run(&["--json", "proposals", "list", "--job-id", &job_id])
        .await
        .json();
    let proposal_id = proposals["proposals"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_owned();
    world
        .run(&[
            "proposals",
            "hire",
            &proposal_id,
            "--amount",
            "100",
            "--description",
            "Batch 1",
        ])
        .await
        .ok();
    let approval = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("an approval");
    let got = world.run(&["approvals", "get", &approval]).await;
    assert!(got.ok().contains("pending"), "{got:#?}");
    world
        .sandbox
        .confirm_approval(&approval)
        .expect("confirmed");
    let contracts = world.run(&["--json", "contracts", "list"]).await.json();
    let milestone_id = contracts["contracts"][0]["milestones"][0]["id"]
        .as_str()
        .expect("the first milestone")
        .to_owned();
    let release = world.run(&["milestones", "approve", &milestone_id]).await;
    assert!(
        release.ok().contains("A person must confirm it"),
        "{release:#?}"
    );
}

#[tokio::test]
async fn a_wait_on_a_terminal_shows_a_live_line() {
    let world = World::new("cli-terminal").await;
    let job_id = published_job(&world).await;
    let proposals = world
        .run(&["--json", "proposals", "list", "--job-id", &job_id])
        .await
        .json();
    let proposal_id = proposals["proposals"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_owned();
    world
        .run(&[
            "proposals",
            "hire",
            &proposal_id,
            "--amount",
            "10",
            "--name",
            "Batch",
        ])
        .await
        .ok();
    let approval = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("an approval");
    let Some(run) = world
        .run_in_terminal(&[
            "approvals",
            "wait",
            &approval,
            "--timeout",
            "1",
            "--poll-interval",
            "0.4",
        ])
        .await
    else {
        eprintln!("util-linux `script` is not installed: the terminal check is skipped");
        return;
    };
    if run.code != 3 && (run.stdout.contains("script: ") || run.stderr.contains("script: ")) {
        eprintln!("`script` cannot open a pseudo-terminal here: the terminal check is skipped");
        return;
    }
    run.fails_with(3);
    assert!(
        run.stdout.contains("Waiting for approval") && run.stdout.contains("elapsed"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn the_sandbox_commands_play_the_trainer_the_co_signer_and_moderation() {
    let world = World::with("cli-sides", Sandbox::builder().proposals_on_publish(0)).await;
    let job_id = published_job(&world).await;

    // A trainer applies: the proposal is listed and the feed reports it.
    let proposal_id = propose(&world, &job_id).await;
    let listed = world.run(&["proposals", "list", "--job-id", &job_id]).await;
    assert!(listed.ok().contains(&proposal_id), "{listed:#?}");
    let feed = world.run(&["updates", "poll"]).await;
    assert!(feed.ok().contains("proposal.received"), "{feed:#?}");

    // The human confirms the hire from the command line.
    let hire = world
        .run(&[
            "proposals",
            "hire",
            &proposal_id,
            "--amount",
            "80",
            "--name",
            "Trial",
        ])
        .await;
    hire.ok();
    let approval_id = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("an approval");
    let confirmed = world
        .run(&["sandbox", "approvals", "confirm", &approval_id])
        .await;
    assert!(confirmed.ok().contains("confirmed"), "{confirmed:#?}");
    let read = world
        .run(&["--json", "approvals", "get", &approval_id])
        .await
        .json();
    assert_eq!(read["approval"]["status"], "confirmed");
    // Deciding again is refused with the sandbox's reason, exit 1.
    let again = world
        .run(&["sandbox", "approvals", "decline", &approval_id])
        .await;
    again.fails_with(1);
    assert!(again.stderr.contains("refused"), "{again:#?}");

    // Moderation blocks a word.
    let blocked = world
        .run(&["sandbox", "moderation", "block", "Casino"])
        .await;
    assert!(blocked.ok().contains("casino"), "{blocked:#?}");
}
