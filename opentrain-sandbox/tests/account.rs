//! Integration tests of the account family against a running sandbox: agent registration and
//! the claim ceremony, the team, credits, and webhook subscriptions with signed deliveries.

use std::time::Duration;

use opentrain_sandbox::Sandbox;
use serde_json::{Value, json};

const GRANT: &str = "urn:opentrain:agent-auth:grant-type:claim";

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// POSTs a JSON body to an agent-auth path; returns (status, body).
async fn agent_json(sandbox: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/api/agent{path}", sandbox.base_url()))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// POSTs a form body (already encoded) to an agent-auth path; returns (status, body).
async fn agent_form(sandbox: &Sandbox, path: &str, form: &str) -> (u16, Value) {
    let response = http()
        .post(format!("{}/api/agent{path}", sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn poll(sandbox: &Sandbox, claim_token: &str) -> (u16, Value) {
    let form = format!(
        "grant_type={}&claim_token={}",
        encode(GRANT),
        encode(claim_token)
    );
    agent_form(sandbox, "/oauth/token", &form).await
}

/// GET on the Public API with a bearer token; returns (status, body).
async fn api_get(sandbox: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}{path}", sandbox.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// POST with a JSON body on the Public API; returns (status, body).
async fn api_post(sandbox: &Sandbox, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}{path}", sandbox.api_url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// DELETE on the Public API; returns (status, body).
async fn api_delete(sandbox: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    let response = http()
        .delete(format!("{}{path}", sandbox.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Registers an agent; returns (access_token, claim_token, whole body).
async fn register(sandbox: &Sandbox) -> (String, String, Value) {
    let (status, body) = agent_json(
        sandbox,
        "/identity",
        &json!({"identity_type": "anonymous", "agent_name": "Claude Code", "organization_name": "Acme Agents"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["claim_token"].as_str().unwrap().to_owned(),
        body,
    )
}

/// Registers and starts a claim; returns (access_token, claim_token, claim-start body).
async fn register_and_start_claim(sandbox: &Sandbox, email: &str) -> (String, String, Value) {
    let (access, claim, _) = register(sandbox).await;
    let (status, started) = agent_json(
        sandbox,
        "/identity/claim",
        &json!({"claim_token": claim, "email": email}),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    (access, claim, started)
}

// ---------------------------------------------------------------------------------------------
// Agent auth
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn registration_returns_both_tokens_pre_claim_scopes_and_endpoints() {
    let sandbox = Sandbox::start().await.unwrap();
    let (access, claim, body) = register(&sandbox).await;
    assert!(access.starts_with("ot_pat_"));
    assert!(claim.starts_with("ot_clm_"));
    assert_eq!(body["identity_type"], "anonymous");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["grant_type"], GRANT);
    assert_eq!(
        body["scopes"],
        json!([
            "jobs:read",
            "jobs:write",
            "proposals:read",
            "messages:read",
            "payments:read",
            "team:read"
        ])
    );
    assert_eq!(
        body["claim_endpoint"],
        format!("{}/api/agent/identity/claim", sandbox.base_url())
    );
    assert_eq!(
        body["token_endpoint"],
        format!("{}/api/agent/oauth/token", sandbox.base_url())
    );
    assert!(body["registration_id"].is_string());
    let expires = body["claim_token_expires_at"].as_str().unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(expires).unwrap();
    let left = (expires.with_timezone(&chrono::Utc) - sandbox.now()).num_seconds();
    assert!((24 * 3600 - 5..=24 * 3600).contains(&left), "{left}");

    // The pre-claim token works at once, for the new (unclaimed) account.
    let (status, me) = api_get(&sandbox, &access, "/auth/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["token"]["scopes"], body["scopes"]);
    assert_eq!(sandbox.claims().len(), 1);
    assert!(!sandbox.claims()[0].claimed);
}

#[tokio::test]
async fn registration_accepts_an_empty_body_and_rejects_other_identity_types() {
    let sandbox = Sandbox::start().await.unwrap();
    let (status, body) = agent_json(&sandbox, "/identity", &json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        agent_json(&sandbox, "/identity", &json!({"identity_type": "email"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "unsupported_identity_type");
}

#[tokio::test]
async fn registration_and_claim_answer_anonymous_not_enabled_when_switched_off() {
    let sandbox = Sandbox::builder()
        .anonymous_registration(false)
        .start()
        .await
        .unwrap();
    let (status, body) = agent_json(&sandbox, "/identity", &json!({})).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "anonymous_not_enabled");
    let (status, body) = agent_json(
        &sandbox,
        "/identity/claim",
        &json!({"claim_token": "ot_clm_x", "email": "a@b.example"}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "anonymous_not_enabled");
}

#[tokio::test]
async fn claim_start_returns_code_uri_lifetime_and_interval() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_, _, started) = register_and_start_claim(&sandbox, "owner@example.com").await;
    let code = started["user_code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    assert!(
        started["verification_uri"]
            .as_str()
            .unwrap()
            .contains("/claim?token=ot_cat_")
    );
    assert_eq!(started["expires_in"], 1800);
    assert_eq!(started["interval"], 5);
    assert_eq!(started["email_sent"], true);
    let claims = sandbox.claims();
    assert_eq!(claims[0].user_code.as_deref(), Some(code));
    assert_eq!(claims[0].email.as_deref(), Some("owner@example.com"));
}

#[tokio::test]
async fn claim_start_rejects_bad_input_and_registered_emails_with_invalid_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_, claim, _) = register(&sandbox).await;
    for body in [
        json!({"email": "owner@example.com"}),
        json!({"claim_token": claim}),
        json!({"claim_token": claim, "email": "not-an-email"}),
        json!({"claim_token": "ot_clm_unknown", "email": "owner@example.com"}),
    ] {
        let (status, reply) = agent_json(&sandbox, "/identity/claim", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(reply["error"], "invalid_request", "{body}");
    }
    // The seeded owner's email already has an account.
    let (status, reply) = agent_json(
        &sandbox,
        "/identity/claim",
        &json!({"claim_token": claim, "email": "mira@acme.example"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(reply["error"], "invalid_request");
    assert!(
        reply["error_description"]
            .as_str()
            .unwrap()
            .contains("email_already_registered")
    );
}

#[tokio::test]
async fn claim_ceremony_goes_pending_slow_down_success_then_invalid_grant() {
    let sandbox = Sandbox::start().await.unwrap();
    let (pre_claim, claim, _) = register_and_start_claim(&sandbox, "owner@example.com").await;

    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );

    // Sooner than `interval` after the previous poll.
    sandbox.advance_clock(Duration::from_secs(1));
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("slow_down")));

    sandbox.advance_clock(Duration::from_secs(5));
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );

    // The scripted human confirms after two pending answers.
    sandbox.advance_clock(Duration::from_secs(5));
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(
        body["scopes"],
        json!([
            "jobs:read",
            "jobs:write",
            "proposals:read",
            "proposals:write",
            "messages:read",
            "messages:write",
            "payments:read",
            "team:read",
            "team:write"
        ])
    );
    let post_claim = body["access_token"].as_str().unwrap().to_owned();
    assert!(post_claim.starts_with("ot_pat_"));
    assert_ne!(post_claim, pre_claim);

    // The pre-claim token died at claim time; the new one works.
    assert_eq!(api_get(&sandbox, &pre_claim, "/auth/me").await.0, 401);
    let (status, me) = api_get(&sandbox, &post_claim, "/auth/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["actor"]["email"], "owner@example.com");

    // Delivered once.
    sandbox.advance_clock(Duration::from_secs(5));
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let claims = sandbox.claims();
    assert!(claims[0].claimed && claims[0].token_delivered);
}

#[tokio::test]
async fn confirm_claim_control_finishes_a_claim_that_waits_for_a_human() {
    let sandbox = Sandbox::builder()
        .claim_confirm_after_polls(None)
        .start()
        .await
        .unwrap();
    let (pre_claim, claim, started) = register_and_start_claim(&sandbox, "owner@example.com").await;
    for _ in 0..4 {
        let (_, body) = poll(&sandbox, &claim).await;
        assert_eq!(body["error"], "authorization_pending");
        sandbox.advance_clock(Duration::from_secs(5));
    }
    assert_eq!(sandbox.claims()[0].pending_polls, 4);
    let code = started["user_code"].as_str().unwrap();
    sandbox.confirm_claim(code).unwrap();
    // Pre-claim tokens stop working the instant the human finishes.
    assert_eq!(api_get(&sandbox, &pre_claim, "/auth/me").await.0, 401);
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(status, 200, "{body}");
    assert!(sandbox.confirm_claim(code).is_err());
    assert!(sandbox.confirm_claim("000000x").is_err());
}

#[tokio::test]
async fn token_poll_reports_expired_attempts_and_windows() {
    let sandbox = Sandbox::builder()
        .claim_confirm_after_polls(None)
        .start()
        .await
        .unwrap();
    let (_, claim, _) = register_and_start_claim(&sandbox, "owner@example.com").await;
    // The 30-minute attempt lapses: expired_token; a new claim start revives it.
    sandbox.advance_clock(Duration::from_secs(1801));
    let (status, body) = poll(&sandbox, &claim).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("expired_token"))
    );
    assert!(sandbox.claims()[0].expired);
    let (status, _) = agent_json(
        &sandbox,
        "/identity/claim",
        &json!({"claim_token": claim, "email": "owner@example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = poll(&sandbox, &claim).await;
    assert_eq!(body["error"], "authorization_pending");
    // The 24-hour window closes: expired_token, and no new claim can start.
    sandbox.advance_clock(Duration::from_secs(24 * 3600));
    let (_, body) = poll(&sandbox, &claim).await;
    assert_eq!(body["error"], "expired_token");
    let (status, body) = agent_json(
        &sandbox,
        "/identity/claim",
        &json!({"claim_token": claim, "email": "owner@example.com"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn token_poll_rejects_wrong_grant_missing_token_and_unknown_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_, body) = agent_form(
        &sandbox,
        "/oauth/token",
        "grant_type=password&claim_token=ot_clm_x",
    )
    .await;
    assert_eq!(body["error"], "unsupported_grant_type");
    let form = format!("grant_type={}", encode(GRANT));
    let (status, body) = agent_form(&sandbox, "/oauth/token", &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, body) = poll(&sandbox, "ot_clm_unknown").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // A JSON body is not the documented form encoding.
    let (status, body) = agent_json(
        &sandbox,
        "/oauth/token",
        &json!({"grant_type": GRANT, "claim_token": "ot_clm_x"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn revoke_by_value_always_answers_empty_object_and_kills_the_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let (access, _, _) = register(&sandbox).await;
    let form = format!("token={}", encode(&access));
    let (status, body) = agent_form(&sandbox, "/oauth/revoke", &form).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(api_get(&sandbox, &access, "/auth/me").await.0, 401);
    // Unknown and already revoked tokens: still 200 {}.
    let (status, body) = agent_form(&sandbox, "/oauth/revoke", &form).await;
    assert_eq!((status, body), (200, json!({})));
    let (status, body) = agent_form(&sandbox, "/oauth/revoke", "token=ot_pat_nope").await;
    assert_eq!((status, body), (200, json!({})));
    let (status, body) = agent_form(&sandbox, "/oauth/revoke", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

// ---------------------------------------------------------------------------------------------
// Team
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn team_lists_the_owner_then_invites_and_members_after_an_invite() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let (status, body) = api_get(&sandbox, &token, "/team").await;
    assert_eq!(status, 200, "{body}");
    let team = &body["team"];
    assert_eq!(team["organization"]["name"], "Acme Research");
    assert_eq!(team["organization"]["ownerName"], "Mira Chen");
    assert_eq!(team["members"][0]["role"], "OWNER");
    assert_eq!(team["members"][0]["email"], "mira@acme.example");

    let (status, body) = api_post(
        &sandbox,
        &token,
        "/team/invites",
        &json!({"email": "sam@example.com"}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"status": "invite_created"})));
    let (_, body) = api_get(&sandbox, &token, "/team").await;
    let invite = &body["team"]["invites"][0];
    assert_eq!(invite["email"], "sam@example.com");
    let created =
        chrono::DateTime::parse_from_rfc3339(invite["createdAt"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(invite["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_days(), 7);

    sandbox.accept_team_invite("sam@example.com").unwrap();
    let (_, body) = api_get(&sandbox, &token, "/team").await;
    assert_eq!(body["team"]["members"][1]["email"], "sam@example.com");
    assert_eq!(body["team"]["members"][1]["role"], "MEMBER");
    assert!(body["team"].get("invites").is_none_or(|i| i == &json!([])));

    for (email, status) in [
        ("sam@example.com", "already_member"),
        ("mira@acme.example", "already_member"),
    ] {
        let (_, body) = api_post(&sandbox, &token, "/team/invites", &json!({"email": email})).await;
        assert_eq!(body["status"], status, "{email}");
    }
}

#[tokio::test]
async fn team_invite_of_an_existing_account_adds_the_member_directly() {
    let sandbox = Sandbox::start().await.unwrap();
    // A claimed agent account now owns owner@example.com.
    let (_, claim, _) = register_and_start_claim(&sandbox, "owner@example.com").await;
    let code = sandbox.claims()[0].user_code.clone().unwrap();
    sandbox.confirm_claim(&code).unwrap();
    assert_eq!(poll(&sandbox, &claim).await.0, 200);
    let (_, body) = api_post(
        &sandbox,
        sandbox.token(),
        "/team/invites",
        &json!({"email": "OWNER@example.com"}),
    )
    .await;
    assert_eq!(body["status"], "member_added");
    let (_, body) = api_get(&sandbox, sandbox.token(), "/team").await;
    assert_eq!(body["team"]["members"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn team_errors_cover_claim_scope_feature_teams_email_and_mailer() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let (pre_claim, _, _) = register(&sandbox).await;
    // Reads work pre-claim; the invite needs a claimed account.
    assert_eq!(api_get(&sandbox, &pre_claim, "/team").await.0, 200);
    let (status, body) = api_post(
        &sandbox,
        &pre_claim,
        "/team/invites",
        &json!({"email": "x@example.com"}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["details"]["reason"], "account_claim_required");
    assert_eq!(
        body["details"]["claimUrl"],
        "https://app.opentrain.ai/claim"
    );

    let reader = sandbox.issue_token(&[opentrain_gen::types::Scope::JobsRead]);
    let (status, body) = api_get(&sandbox, &reader, "/team").await;
    assert_eq!(status, 403);
    assert_eq!(body["details"]["requiredScopes"], json!(["team:read"]));

    let (status, body) =
        api_post(&sandbox, &token, "/team/invites", &json!({"email": "nope"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "BAD_REQUEST");
    assert!(body["details"]["issues"].is_array());

    sandbox.fail_invite_emails(1);
    let (status, body) = api_post(
        &sandbox,
        &token,
        "/team/invites",
        &json!({"email": "new@example.com"}),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["details"]["reason"], "invite_email_send_failed");
    let (status, _) = api_post(
        &sandbox,
        &token,
        "/team/invites",
        &json!({"email": "new@example.com"}),
    )
    .await;
    assert_eq!(status, 200);

    sandbox.set_teams_enabled(false);
    let (status, body) = api_get(&sandbox, &token, "/team").await;
    assert_eq!(status, 403);
    assert_eq!(body["details"]["reason"], "teams_not_enabled");
    sandbox.set_teams_enabled(true);

    sandbox.set_feature(opentrain_sandbox::Feature::Team, false);
    let (status, body) = api_get(&sandbox, &token, "/team").await;
    assert_eq!(status, 403);
    assert_eq!(body["details"]["featureKey"], "public_api_team");
}

// ---------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn credits_start_at_zero_and_a_paid_top_up_lands_in_balance_and_ledger() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let (status, body) = api_get(&sandbox, &token, "/credits").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["credits"]["availableCents"], 0);
    assert_eq!(body["credits"]["reservedCents"], 0);
    assert_eq!(body["credits"]["currency"], "usd");

    let (status, created) = api_post(
        &sandbox,
        &token,
        "/credits/top-ups",
        &json!({"amountUsd": 100}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["topUpId"].as_str().unwrap().to_owned();
    assert_eq!(created["topUp"]["id"], id.as_str());
    assert_eq!(created["topUp"]["status"], "PENDING");
    assert_eq!(created["topUp"]["amountCents"], 10000);
    assert!(created["checkoutUrl"].is_string());
    assert!(created["message"].as_str().unwrap().contains("checkoutUrl"));

    sandbox.complete_top_up(&id).unwrap();
    let (status, body) = api_get(&sandbox, &token, &format!("/credits/top-ups/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["topUp"]["status"], "COMPLETED");
    assert!(body["topUp"]["completedAt"].is_string());

    let (_, body) = api_get(&sandbox, &token, "/credits").await;
    assert_eq!(body["credits"]["availableCents"], 10000);
    assert_eq!(body["credits"]["recentEntries"][0]["type"], "TOP_UP");
    assert_eq!(body["credits"]["recentEntries"][0]["topUpId"], id.as_str());
    // `amount` is an alias; fractional dollars become whole cents.
    let (status, created) = api_post(
        &sandbox,
        &token,
        "/credits/top-ups",
        &json!({"amount": 10.5}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(created["topUp"]["amountCents"], 1050);
}

#[tokio::test]
async fn credit_ledger_pages_newest_first_with_a_cursor() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let ids: Vec<String> = (1..=5)
        .map(|n| {
            sandbox
                .adjust_credits(n * 100, Some("test"))
                .expect("adjust_credits builds a CreditLedgerEntry")
        })
        .collect();
    let (status, page1) = api_get(&sandbox, &token, "/credits/ledger?limit=2").await;
    assert_eq!(status, 200);
    let got: Vec<&str> = page1["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[4].as_str(), ids[3].as_str()]);
    let cursor = page1["nextCursor"].as_str().unwrap();
    let (_, page2) = api_get(
        &sandbox,
        &token,
        &format!("/credits/ledger?limit=2&cursor={cursor}"),
    )
    .await;
    let (_, page3) = api_get(
        &sandbox,
        &token,
        &format!(
            "/credits/ledger?limit=2&cursor={}",
            page2["nextCursor"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(page3["entries"][0]["id"], ids[0].as_str());
    assert!(page3.get("nextCursor").is_none_or(Value::is_null));
    let (_, balance) = api_get(&sandbox, &token, "/credits").await;
    assert_eq!(balance["credits"]["availableCents"], 1500);

    for bad in ["0", "101", "x"] {
        let (status, body) =
            api_get(&sandbox, &token, &format!("/credits/ledger?limit={bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["details"]["field"], "limit");
    }
}

#[tokio::test]
async fn top_up_rejects_out_of_range_amounts_unclaimed_accounts_and_foreign_reads() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    for body in [
        json!({"amountUsd": 9.99}),
        json!({"amountUsd": 10000.01}),
        json!({"amountUsd": "100"}),
        json!({}),
    ] {
        let (status, reply) = api_post(&sandbox, &token, "/credits/top-ups", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(reply["details"]["field"], "amountUsd", "{body}");
    }
    for body in [json!({"amountUsd": 10}), json!({"amountUsd": 10000})] {
        assert_eq!(
            api_post(&sandbox, &token, "/credits/top-ups", &body)
                .await
                .0,
            201
        );
    }
    let (pre_claim, _, _) = register(&sandbox).await;
    let (status, reply) = api_post(
        &sandbox,
        &pre_claim,
        "/credits/top-ups",
        &json!({"amountUsd": 50}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(reply["details"]["reason"], "account_claim_required");
    // Reads work pre-claim, but another account's top-up is a 404.
    assert_eq!(api_get(&sandbox, &pre_claim, "/credits").await.0, 200);
    let (_, created) = api_post(
        &sandbox,
        &token,
        "/credits/top-ups",
        &json!({"amountUsd": 20}),
    )
    .await;
    let id = created["topUpId"].as_str().unwrap();
    let (status, reply) = api_get(&sandbox, &pre_claim, &format!("/credits/top-ups/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(reply["details"]["resource"], "credit-top-ups");
    assert_eq!(reply["details"]["topUpId"], id);

    sandbox.set_feature(opentrain_sandbox::Feature::Credits, false);
    let (status, reply) = api_get(&sandbox, &token, "/credits").await;
    assert_eq!(status, 403);
    assert_eq!(reply["details"]["featureKey"], "public_api_credits");
}

#[tokio::test]
async fn an_unpaid_top_up_expires_when_read_after_its_link_lapses() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let (_, created) = api_post(
        &sandbox,
        &token,
        "/credits/top-ups",
        &json!({"amountUsd": 25}),
    )
    .await;
    let id = created["topUpId"].as_str().unwrap();
    sandbox.advance_clock(Duration::from_secs(24 * 3600));
    let (_, body) = api_get(&sandbox, &token, &format!("/credits/top-ups/{id}")).await;
    assert_eq!(body["topUp"]["status"], "EXPIRED");
    assert!(sandbox.complete_top_up(id).is_err());
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

mod receiver {
    //! A local webhook receiver: records every delivery and answers with scripted statuses.

    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};

    /// One received delivery.
    #[derive(Clone, Debug)]
    pub struct Received {
        pub headers: HeaderMap,
        pub body: Bytes,
    }

    #[derive(Default)]
    struct Shared {
        received: Vec<Received>,
        statuses: VecDeque<u16>,
    }

    /// A running receiver.
    #[derive(Clone)]
    pub struct Receiver {
        pub url: String,
        shared: Arc<Mutex<Shared>>,
    }

    impl Receiver {
        /// Starts a receiver that answers `statuses` in order, then 200.
        pub async fn start(statuses: &[u16]) -> Receiver {
            let shared = Arc::new(Mutex::new(Shared {
                received: Vec::new(),
                statuses: statuses.iter().copied().collect(),
            }));
            let state = shared.clone();
            let app = axum::Router::new().route(
                "/hook",
                axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                    let state = state.clone();
                    async move {
                        let mut shared = state.lock().unwrap();
                        shared.received.push(Received { headers, body });
                        let status = shared.statuses.pop_front().unwrap_or(200);
                        StatusCode::from_u16(status).unwrap()
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .unwrap();
            let url = format!("http://{}/hook", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            Receiver { url, shared }
        }

        /// Every delivery received so far.
        pub fn received(&self) -> Vec<Received> {
            self.shared.lock().unwrap().received.clone()
        }
    }
}

/// Waits (real time, at most 5 s) until `done` holds.
async fn eventually(mut done: impl FnMut() -> bool) {
    for _ in 0..250 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached within 5 s");
}

/// Creates a webhook on the seeded account; returns (id, secret).
async fn create_webhook(sandbox: &Sandbox, url: &str, types: &[&str]) -> (String, String) {
    let (status, body) = api_post(
        sandbox,
        sandbox.token(),
        "/webhooks",
        &json!({"url": url, "eventTypes": types}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    (
        body["webhook"]["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

fn proposal_received(sandbox: &Sandbox) -> String {
    use opentrain_gen::types::{EventType, PlatformEventData};
    let data = PlatformEventData::builder()
        .proposal_id(Some("prp_1".to_owned()))
        .job_id(Some("job_1".to_owned()))
        .try_into()
        .expect("a complete PlatformEventData");
    sandbox
        .emit_event(EventType::ProposalReceived, "prp_1", Some("job_1"), data)
        .expect("the sandbox records the event")
}

/// Checks `t=<secs>,v1=<hex>` against HMAC-SHA256(secret, "{t}.{body}"), independently of the
/// sandbox's code.
fn verify_signature(header: &str, secret: &str, body: &[u8]) -> i64 {
    use hmac::{Hmac, Mac};
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_owned()),
            Some(("v1", value)) => v1 = Some(value.to_owned()),
            _ => panic!("unexpected signature part {part}"),
        }
    }
    let (t, v1) = (t.unwrap(), v1.unwrap());
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(body);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&message);
    let expected: Vec<u8> = (0..v1.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&v1[i..i + 2], 16).unwrap())
        .collect();
    mac.verify_slice(&expected).expect("the signature verifies");
    t.parse().unwrap()
}

#[tokio::test]
async fn webhooks_create_list_get_and_delete() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let (status, created) = api_post(
        &sandbox,
        &token,
        "/webhooks",
        &json!({
            "url": "https://example.com/hooks/opentrain",
            "eventTypes": ["proposal.received", "message.received", "proposal.received"]
        }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert!(
        created["message"]
            .as_str()
            .unwrap()
            .contains("only returned once")
    );
    let webhook = created["webhook"].clone();
    assert_eq!(webhook["status"], "ACTIVE");
    assert_eq!(
        webhook["eventTypes"],
        json!(["proposal.received", "message.received"])
    );
    let id = webhook["id"].as_str().unwrap().to_owned();
    let (second, _) = create_webhook(&sandbox, "http://localhost:9/x", &["payment.pending"]).await;

    let (status, list) = api_get(&sandbox, &token, "/webhooks").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.as_str(), id.as_str()], "newest first");
    assert!(
        !list.to_string().contains("whsec_"),
        "secrets are never listed"
    );

    let (status, got) = api_get(&sandbox, &token, &format!("/webhooks/{id}")).await;
    assert_eq!((status, &got["webhook"]), (200, &webhook));

    let (status, deleted) = api_delete(&sandbox, &token, &format!("/webhooks/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["webhook"], webhook);
    let (status, missing) = api_get(&sandbox, &token, &format!("/webhooks/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(missing["details"]["resource"], "webhooks");
    assert_eq!(missing["details"]["webhookId"], id.as_str());
    assert_eq!(
        api_delete(&sandbox, &token, &format!("/webhooks/{id}"))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn webhook_create_validates_url_types_scopes_and_the_cap() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = sandbox.token().to_owned();
    let long = format!("https://example.com/{}", "a".repeat(2048));
    for (body, field) in [
        (
            json!({"url": "http://example.com/x", "eventTypes": ["payment.pending"]}),
            "url",
        ),
        (
            json!({"url": long, "eventTypes": ["payment.pending"]}),
            "url",
        ),
        (json!({"eventTypes": ["payment.pending"]}), "url"),
        (
            json!({"url": "https://example.com/x", "eventTypes": []}),
            "eventTypes",
        ),
        (
            json!({"url": "https://example.com/x", "eventTypes": ["job.created"]}),
            "eventTypes",
        ),
    ] {
        let (status, reply) = api_post(&sandbox, &token, "/webhooks", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(reply["details"]["field"], field, "{body}");
    }
    // The token needs webhooks:manage and the read scope of every type.
    use opentrain_gen::types::Scope;
    let narrow = sandbox.issue_token(&[Scope::WebhooksManage, Scope::ProposalsRead]);
    let (status, reply) = api_post(
        &sandbox,
        &narrow,
        "/webhooks",
        &json!({"url": "https://example.com/x", "eventTypes": ["proposal.received", "message.received"]}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(reply["details"]["requiredScopes"], json!(["messages:read"]));
    let no_manage = sandbox.issue_token(&[Scope::ProposalsRead]);
    let (status, reply) = api_get(&sandbox, &no_manage, "/webhooks").await;
    assert_eq!(status, 403);
    assert_eq!(
        reply["details"]["requiredScopes"],
        json!(["webhooks:manage"])
    );

    for n in 0..10 {
        create_webhook(
            &sandbox,
            &format!("https://example.com/{n}"),
            &["payment.pending"],
        )
        .await;
    }
    let (status, reply) = api_post(
        &sandbox,
        &token,
        "/webhooks",
        &json!({"url": "https://example.com/11", "eventTypes": ["payment.pending"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(reply["details"]["limit"], 10);

    sandbox.set_feature(opentrain_sandbox::Feature::Webhooks, false);
    let (status, reply) = api_get(&sandbox, &token, "/webhooks").await;
    assert_eq!(status, 403);
    assert_eq!(reply["details"]["featureKey"], "public_api_webhooks");
}

#[tokio::test]
async fn a_delivery_is_signed_and_carries_exactly_one_event_record() {
    let sandbox = Sandbox::start().await.unwrap();
    let receiver = receiver::Receiver::start(&[]).await;
    // An event before the subscription is not delivered (no backfill).
    proposal_received(&sandbox);
    let (webhook_id, secret) =
        create_webhook(&sandbox, &receiver.url, &["proposal.received"]).await;
    // Another type is not delivered either.
    sandbox
        .emit_event(
            opentrain_gen::types::EventType::PaymentPending,
            "inv_1",
            None,
            opentrain_gen::types::PlatformEventData::default(),
        )
        .expect("the sandbox records the event");
    let event_id = proposal_received(&sandbox);
    eventually(|| sandbox.deliveries().len() == 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let delivery = &received[0];
    let header = |name: &str| {
        delivery
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("user-agent"), "OpenTrain-Webhooks/1.0");
    assert_eq!(header("x-opentrain-event"), "proposal.received");
    let t = verify_signature(&header("x-opentrain-signature"), &secret, &delivery.body);
    assert!((sandbox.now().timestamp() - t).abs() <= 300);
    let event: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(event["id"], event_id.as_str());
    assert_eq!(event["type"], "proposal.received");
    assert_eq!(event["data"]["proposalId"], "prp_1");

    let attempts = sandbox.deliveries();
    assert_eq!(attempts[0].delivery_id, header("x-opentrain-delivery"));
    assert_eq!(attempts[0].webhook_id, webhook_id);
    assert_eq!(attempts[0].event_id, event_id);
    assert_eq!((attempts[0].status, attempts[0].attempt), (Some(200), 1));
    assert!(attempts[0].succeeded);
    assert_eq!(attempts[0].signature, header("x-opentrain-signature"));
    // The overview lists the delivery with its status and signature header, never the secret.
    let overview = reqwest::get(format!("{}/", sandbox.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let deliveries = &overview[overview.find("Webhook deliveries").unwrap()..];
    assert!(deliveries.contains(&attempts[0].signature), "{deliveries}");
    assert!(deliveries.contains("<strong>200</strong>"), "{deliveries}");
    assert!(
        !overview.contains(&secret),
        "the overview shows the webhook secret"
    );
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_the_delay_with_the_same_delivery_id() {
    let sandbox = Sandbox::builder()
        .webhook_retry_delays(vec![Duration::from_secs(60), Duration::from_secs(300)])
        .start()
        .await
        .unwrap();
    let receiver = receiver::Receiver::start(&[500]).await;
    let (_, secret) = create_webhook(&sandbox, &receiver.url, &["proposal.received"]).await;
    proposal_received(&sandbox);
    eventually(|| sandbox.deliveries().len() == 1).await;
    assert_eq!(sandbox.deliveries()[0].status, Some(500));
    assert!(!sandbox.deliveries()[0].succeeded);
    // Not before the delay has passed on the sandbox clock.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(receiver.received().len(), 1);
    sandbox.advance_clock(Duration::from_secs(60));
    eventually(|| sandbox.deliveries().len() == 2).await;
    let attempts = sandbox.deliveries();
    assert_eq!(attempts[1].delivery_id, attempts[0].delivery_id);
    assert_eq!((attempts[1].attempt, attempts[1].status), (2, Some(200)));
    assert!(attempts[1].succeeded);
    let received = receiver.received();
    let ids: Vec<_> = received
        .iter()
        .map(|r| r.headers["x-opentrain-delivery"].clone())
        .collect();
    assert_eq!(ids[0], ids[1]);
    // Both attempts carry the same body, each validly signed.
    assert_eq!(received[0].body, received[1].body);
    let header = received[1].headers["x-opentrain-signature"]
        .to_str()
        .unwrap();
    verify_signature(header, &secret, &received[1].body);
    // Nothing more once it succeeded.
    sandbox.advance_clock(Duration::from_secs(600));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sandbox.deliveries().len(), 2);
}

#[tokio::test]
async fn repeated_failures_disable_the_webhook_and_unreachable_receivers_count_as_failures() {
    let sandbox = Sandbox::builder()
        .webhook_retry_delays(vec![Duration::from_secs(1), Duration::from_secs(1)])
        .webhook_disable_after(2)
        .start()
        .await
        .unwrap();
    let receiver = receiver::Receiver::start(&[503, 503, 503]).await;
    let (id, _) = create_webhook(&sandbox, &receiver.url, &["proposal.received"]).await;
    proposal_received(&sandbox);
    eventually(|| sandbox.deliveries().len() == 1).await;
    sandbox.advance_clock(Duration::from_secs(1));
    eventually(|| sandbox.deliveries().len() == 2).await;
    let (_, body) = api_get(&sandbox, sandbox.token(), &format!("/webhooks/{id}")).await;
    assert_eq!(body["webhook"]["status"], "DISABLED");
    assert_eq!(
        body["webhook"]["disabledReason"],
        "Disabled after repeated delivery failures"
    );
    assert!(body["webhook"]["disabledAt"].is_string());
    // A disabled webhook gets nothing more.
    sandbox.advance_clock(Duration::from_secs(5));
    proposal_received(&sandbox);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sandbox.deliveries().len(), 2);

    // A receiver that refuses connections: a failure without a status.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", listener.local_addr().unwrap())
    };
    create_webhook(&sandbox, &closed, &["proposal.received"]).await;
    proposal_received(&sandbox);
    eventually(|| sandbox.deliveries().len() == 3).await;
    let attempt = &sandbox.deliveries()[2];
    assert_eq!(attempt.status, None);
    assert!(attempt.error.is_some());
    assert!(!attempt.succeeded);
}
