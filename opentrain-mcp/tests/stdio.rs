//! The server over real stdio: rmcp's client spawns the `opentrain-mcp` binary with a scratch
//! `XDG_CONFIG_HOME` and talks MCP to it. Covers `initialize`, `tools/list` (the 41 documented
//! tools and their parameters, as a compact snapshot), the employer lifecycle through tools only
//! (against a sandbox started here, and in `--sandbox` mode), and failures reported as `isError`
//! results. Nothing leaves 127.0.0.1.

mod support;

use std::time::Duration;

use opentrain::drafting::{Answer, Draft, ExampleAnswerer};
use opentrain_sandbox::Sandbox;
use serde_json::{Map, Value, json};
use support::{Mcp, credentials_path, spawn};

const JOB: &str = "We need 3 annotators to label 10,000 product images into 12 categories, \
                   paying $0.05 per label. English speakers.";

/// A sandbox whose scripted human confirms a claim after one pending poll, with no minimum poll
/// interval (so two `opentrain_claim_status` calls in a row complete it).
async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .claim_confirm_after_polls(Some(1))
        .claim_poll_interval(Duration::ZERO)
        .start()
        .await
        .expect("the sandbox starts")
}

/// One line per tool: name, required parameters, optional parameters with their types.
fn compact(tools: &[rmcp::model::Tool]) -> String {
    fn kind(schema: &Value) -> String {
        let mut out = match schema.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(other) => other.to_string(),
            None => "any".to_owned(),
        };
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            out = values.join("|");
        }
        if out == "array" {
            out = format!("{}[]", schema.get("items").map_or("any".into(), kind));
        }
        if out == "object"
            && let Some(props) = schema.get("properties").and_then(Value::as_object)
        {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields: Vec<String> = props
                .iter()
                .map(|(k, v)| {
                    let mark = if required.contains(&k.as_str()) {
                        ""
                    } else {
                        "?"
                    };
                    format!("{k}{mark}: {}", kind(v))
                })
                .collect();
            out = format!("{{{}}}", fields.join(", "));
        }
        // Every bound the schema states, either end alone included.
        fn bounds(schema: &Value, low: &str, high: &str) -> Option<String> {
            match (schema.get(low), schema.get(high)) {
                (Some(min), Some(max)) => Some(format!("{min}..={max}")),
                (Some(min), None) => Some(format!("{min}..")),
                (None, Some(max)) => Some(format!("..={max}")),
                (None, None) => None,
            }
        }
        let mut extra = Vec::new();
        if let Some(range) = bounds(schema, "minimum", "maximum") {
            extra.push(range);
        }
        if let Some(above) = schema.get("exclusiveMinimum") {
            extra.push(format!("> {above}"));
        }
        if let Some(range) = bounds(schema, "minLength", "maxLength") {
            extra.push(format!("len {range}"));
        }
        if let Some(default) = schema.get("default") {
            extra.push(format!("default {default}"));
        }
        if !extra.is_empty() {
            out = format!("{out} ({})", extra.join(", "));
        }
        out
    }
    let mut lines = Vec::new();
    for tool in tools {
        let schema = Value::Object((*tool.input_schema).clone());
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let req: Vec<String> = required
            .iter()
            .map(|k| format!("{k}: {}", props.get(k).map_or("?".into(), kind)))
            .collect();
        let opt: Vec<String> = props
            .iter()
            .filter(|(k, _)| !required.contains(k))
            .map(|(k, v)| format!("{k}: {}", kind(v)))
            .collect();
        lines.push(format!(
            "{} | req: {} | opt: {}",
            tool.name,
            if req.is_empty() {
                "-".into()
            } else {
                req.join(", ")
            },
            if opt.is_empty() {
                "-".into()
            } else {
                opt.join(", ")
            }
        ));
    }
    lines.join("\n")
}

#[tokio::test]
async fn initialize_and_tools_list_serve_the_41_documented_tools() {
    let mcp = spawn("mcp-list", &[], Some("http://127.0.0.1:9"), None).await;
    let info = mcp
        .client
        .peer_info()
        .expect("the server answered initialize");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("opentrain")
    );
    assert!(info.capabilities.tools.is_some());

    let tools = mcp.client.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), opentrain_mcp::TOOL_COUNT);
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, opentrain_mcp::tool_names());
    for tool in &tools {
        assert!(tool.name.starts_with("opentrain_"), "{}", tool.name);
        let description = tool.description.as_deref().unwrap_or_default();
        assert!(
            description.len() > 80,
            "{} needs a real description",
            tool.name
        );
        assert_eq!(
            tool.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            tool.name
        );
    }
    insta::assert_snapshot!("tools", compact(&tools));
    mcp.close().await;
}

/// Answers every missing field of the draft in `reply` with the docs' examples; returns the
/// patch, or `None` when the draft is publish-ready.
fn answers(reply: &Value) -> Option<Map<String, Value>> {
    let envelope: opentrain::types::DraftEnvelope =
        serde_json::from_value(reply.clone()).expect("a draft envelope");
    let draft = Draft::from(envelope);
    if draft.publish_ready() {
        return None;
    }
    let mut patch = Map::new();
    for field in draft.missing_fields() {
        if let Answer::Value(value) = ExampleAnswerer::answer_for(field) {
            let keys = field.update_keys();
            if keys.is_empty() {
                patch.insert(field.field().to_owned(), value);
            } else {
                for key in keys {
                    patch.insert(key.clone(), value.clone());
                }
            }
        }
    }
    assert!(
        !patch.is_empty(),
        "a missing field without an example: {reply}"
    );
    Some(patch)
}

/// register → claim → claim_status → capabilities → draft → update fields → publish → list
/// proposals → hire → (the human confirms) → get approval → contracts → poll updates.
async fn lifecycle(mcp: &Mcp, confirm: impl Fn(&str)) {
    let registered = mcp
        .ok(
            "opentrain_register_agent",
            json!({ "agentName": "MCP test", "organizationName": "Acme Labs" }),
        )
        .await;
    assert_eq!(registered.structured["identity_type"], "anonymous");
    assert!(
        registered.structured.get("access_token").is_none(),
        "tokens stay in the file"
    );

    let claim = mcp
        .ok(
            "opentrain_claim_account",
            json!({ "email": "owner@example.com" }),
        )
        .await;
    assert!(
        claim.structured["user_code"].is_string(),
        "{}",
        claim.structured
    );
    assert!(claim.structured["verification_uri"].is_string());

    let mut status = Value::Null;
    for _ in 0..5 {
        status = mcp.ok("opentrain_claim_status", json!({})).await.structured;
        if status["status"] == "claimed" {
            break;
        }
        assert!(
            status["status"] == "authorization_pending" || status["status"] == "slow_down",
            "{status}"
        );
    }
    assert_eq!(status["status"], "claimed", "the scripted human confirms");

    let me = mcp.ok("opentrain_auth_status", json!({})).await;
    assert!(me.structured.get("account").is_some(), "{}", me.structured);
    mcp.ok("opentrain_capabilities", json!({})).await;

    let mut draft = mcp
        .ok(
            "opentrain_create_job_draft",
            json!({ "jobDescription": JOB, "title": "Product image labeling", "idempotencyKey": "mcp-e2e-1" }),
        )
        .await;
    let job_id = draft.structured["jobId"]
        .as_str()
        .expect("a job id")
        .to_owned();
    for _ in 0..4 {
        let Some(patch) = answers(&draft.structured) else {
            break;
        };
        assert!(
            draft.text.contains("ask:"),
            "the summary relays the questions: {}",
            draft.text
        );
        draft = mcp
            .ok(
                "opentrain_update_job_draft_fields",
                json!({ "jobId": job_id, "patch": patch }),
            )
            .await;
    }
    assert!(
        answers(&draft.structured).is_none(),
        "publish-ready: {}",
        draft.structured
    );

    let published = mcp
        .ok("opentrain_publish_job", json!({ "jobId": job_id }))
        .await;
    assert_eq!(published.structured["jobId"], job_id.as_str());

    let proposals = mcp
        .ok(
            "opentrain_list_proposals",
            json!({ "jobId": job_id, "limit": 10 }),
        )
        .await;
    let proposal_id = proposals.structured["proposals"][0]["id"]
        .as_str()
        .expect("publishing seeds proposals")
        .to_owned();
    mcp.ok(
        "opentrain_get_proposal",
        json!({ "proposalId": proposal_id, "includeInterview": true }),
    )
    .await;

    let hire = mcp
        .ok(
            "opentrain_hire_proposal",
            json!({
                "proposalId": proposal_id,
                "milestone": { "name": "First batch", "description": "The first 2,000 labels", "amount": 120 },
            }),
        )
        .await;
    let approval_id = hire.structured["approval"]["id"]
        .as_str()
        .expect("an approval")
        .to_owned();
    assert_eq!(hire.structured["approval"]["status"], "pending");
    assert!(
        hire.text.contains("must confirm it in the app"),
        "{}",
        hire.text
    );

    confirm(&approval_id);
    let approval = mcp
        .ok(
            "opentrain_get_approval",
            json!({ "approvalId": approval_id }),
        )
        .await;
    assert_eq!(
        approval.structured["approval"]["status"], "confirmed",
        "{}",
        approval.structured
    );

    let contracts = mcp
        .ok("opentrain_list_contracts", json!({ "status": "active" }))
        .await;
    let contract = &contracts.structured["contracts"][0];
    assert_eq!(
        contract["proposalId"],
        proposal_id.as_str(),
        "{}",
        contracts.structured
    );
    let contract_id = contract["id"].as_str().expect("a contract id").to_owned();
    mcp.ok(
        "opentrain_get_contract",
        json!({ "contractId": contract_id }),
    )
    .await;

    let updates = mcp
        .ok("opentrain_poll_updates", json!({ "limit": 200 }))
        .await;
    let types: Vec<&str> = updates.structured["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(types.contains(&"approval.confirmed"), "{types:?}");
    assert!(types.contains(&"contract.created"), "{types:?}");
}

#[tokio::test]
async fn the_lifecycle_runs_through_tools_only_against_a_sandbox() {
    let sandbox = sandbox().await;
    let mcp = spawn("mcp-lifecycle", &[], Some(sandbox.base_url()), None).await;
    lifecycle(&mcp, |id| {
        sandbox.confirm_approval(id).expect("the human confirms")
    })
    .await;

    // The claimed token replaced the pre-claim one in the shared file, claimToken dropped.
    let saved: Value = serde_json::from_slice(
        &std::fs::read(credentials_path(&mcp.scratch)).expect("the credentials file"),
    )
    .expect("JSON");
    assert!(
        saved["apiToken"]
            .as_str()
            .is_some_and(|t| t.starts_with("ot_pat_"))
    );
    assert!(saved.get("claimToken").is_none(), "{saved}");
    assert_eq!(saved["baseUrl"], sandbox.base_url());
    mcp.close().await;
}

#[tokio::test]
async fn sandbox_mode_rehearses_the_lifecycle_with_a_scripted_human() {
    let mcp = spawn(
        "mcp-rehearsal",
        &["--sandbox"],
        Some("http://127.0.0.1:9"),
        None,
    )
    .await;
    // Approvals are confirmed by the scripted human when read; nothing to do here.
    lifecycle(&mcp, |_| {}).await;
    // The real config home is never touched.
    assert!(!credentials_path(&mcp.scratch).exists());
    mcp.close().await;
}

/// Drafts the test job, answers its missing fields and publishes it; returns the job id.
async fn publish_a_job(mcp: &Mcp) -> String {
    let mut draft = mcp
        .ok(
            "opentrain_create_job_draft",
            json!({ "jobDescription": JOB }),
        )
        .await;
    let job_id = draft.structured["jobId"]
        .as_str()
        .expect("a job id")
        .to_owned();
    for _ in 0..4 {
        let Some(patch) = answers(&draft.structured) else {
            break;
        };
        draft = mcp
            .ok(
                "opentrain_update_job_draft_fields",
                json!({ "jobId": job_id, "patch": patch }),
            )
            .await;
    }
    mcp.ok("opentrain_publish_job", json!({ "jobId": job_id }))
        .await;
    job_id
}

#[tokio::test]
async fn failures_are_is_error_results_with_status_and_envelope() {
    let sandbox = sandbox().await;
    let mcp = spawn("mcp-failures", &[], Some(sandbox.base_url()), None).await;

    // No token anywhere: only onboarding works.
    let none = mcp.fails("opentrain_auth_status", json!({})).await;
    assert_eq!(none.structured["kind"], "no_credentials");
    assert!(
        none.text.contains("opentrain_register_agent"),
        "{}",
        none.text
    );
    mcp.fails("opentrain_list_jobs", json!({})).await;
    mcp.fails("opentrain_claim_status", json!({})).await;

    // Bad arguments are results, not protocol errors.
    let missing = mcp.fails("opentrain_get_contract", json!({})).await;
    assert_eq!(missing.structured["kind"], "invalid_argument");
    assert!(missing.text.contains("contractId"), "{}", missing.text);
    let range = mcp
        .fails("opentrain_list_jobs", json!({ "limit": 0 }))
        .await;
    assert!(range.text.contains("between 1 and 100"), "{}", range.text);
    let unknown = mcp
        .fails("opentrain_list_jobs", json!({ "colour": "red" }))
        .await;
    assert!(unknown.text.contains("colour"), "{}", unknown.text);
    // The workflow tools take the same check: the command's `--wait` is no MCP argument, and
    // a draft needs exactly one source.
    let waited = mcp
        .fails("opentrain_claim_status", json!({ "wait": true }))
        .await;
    assert_eq!(waited.structured["kind"], "invalid_argument");
    assert!(waited.text.contains("`wait`"), "{}", waited.text);
    let no_email = mcp
        .fails("opentrain_claim_account", json!({ "email": " " }))
        .await;
    assert!(
        no_email.text.contains("`email` must not be empty"),
        "{}",
        no_email.text
    );
    let two = mcp
        .fails(
            "opentrain_create_job_draft",
            json!({ "jobDescription": "x", "canonicalJob": {} }),
        )
        .await;
    assert!(two.text.contains("exactly one of"), "{}", two.text);
    let unknown_key = mcp
        .fails(
            "opentrain_update_job_draft_fields",
            json!({ "jobId": "job_1", "patch": { "notAField": 1 } }),
        )
        .await;
    assert!(
        unknown_key.text.contains("notAField is not a key"),
        "{}",
        unknown_key.text
    );

    // Register; a second registration refuses to overwrite.
    mcp.ok("opentrain_register_agent", json!({})).await;
    let again = mcp.fails("opentrain_register_agent", json!({})).await;
    assert_eq!(again.structured["kind"], "credentials_exist");
    assert!(again.text.contains("force"), "{}", again.text);

    // The pre-claim token may draft and publish, but it lacks the scope to hire.
    let job_id = publish_a_job(&mcp).await;
    let proposals = mcp
        .ok("opentrain_list_proposals", json!({ "jobId": job_id }))
        .await;
    let proposal_id = proposals.structured["proposals"][0]["id"]
        .as_str()
        .expect("a proposal");
    let hire_args =
        json!({ "proposalId": proposal_id, "milestone": { "name": "Batch", "amount": 50 } });
    let scope = mcp
        .fails("opentrain_hire_proposal", hire_args.clone())
        .await;
    assert_eq!(scope.structured["status"], 403, "{}", scope.structured);
    assert_eq!(
        scope.structured["error"]["details"]["requiredScopes"],
        json!(["proposals:write"])
    );
    assert!(scope.text.contains("proposals:write"), "{}", scope.text);

    // An unclaimed account whose token has the scope: the hire needs a human's claim first.
    sandbox.set_owner_claimed(false);
    let owner = spawn(
        "mcp-unclaimed",
        &[],
        Some(sandbox.base_url()),
        Some(sandbox.token()),
    )
    .await;
    let job_id = publish_a_job(&owner).await;
    let proposals = owner
        .ok("opentrain_list_proposals", json!({ "jobId": job_id }))
        .await;
    let proposal_id = proposals.structured["proposals"][0]["id"]
        .as_str()
        .expect("a proposal");
    let hire = owner
        .fails(
            "opentrain_hire_proposal",
            json!({ "proposalId": proposal_id, "milestone": { "name": "Batch", "amount": 50 } }),
        )
        .await;
    assert_eq!(hire.structured["status"], 403, "{}", hire.structured);
    assert_eq!(hire.structured["reason"], "account_claim_required");
    assert_eq!(hire.structured["error"]["code"], "FORBIDDEN");
    assert_eq!(
        hire.structured["error"]["details"]["reason"],
        "account_claim_required"
    );
    assert!(
        hire.structured["claimUrl"].is_string(),
        "{}",
        hire.structured
    );
    assert!(
        hire.text.contains("opentrain_claim_account"),
        "{}",
        hire.text
    );
    owner.close().await;

    // A bad id is the API's 404 envelope.
    let not_found = mcp
        .fails(
            "opentrain_get_contract",
            json!({ "contractId": "ctr_nope" }),
        )
        .await;
    assert_eq!(
        not_found.structured["status"], 404,
        "{}",
        not_found.structured
    );
    assert_eq!(not_found.structured["error"]["code"], "NOT_FOUND");

    // An unknown tool is the one protocol error.
    let arguments = Map::new();
    let unknown_tool = mcp
        .client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("opentrain_nope").with_arguments(arguments),
        )
        .await;
    assert!(unknown_tool.is_err());
    mcp.close().await;
}

#[tokio::test]
async fn the_environment_token_wins_and_the_file_is_not_read() {
    let sandbox = sandbox().await;
    let mcp = spawn(
        "mcp-env",
        &[],
        Some(sandbox.base_url()),
        Some(sandbox.token()),
    )
    .await;
    // A malformed file would fail any read of it; the env token means it is never read.
    let path = credentials_path(&mcp.scratch);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&path, "{ not json").expect("write");
    let me = mcp.ok("opentrain_auth_status", json!({})).await;
    assert!(
        me.text.contains("OPENTRAIN_PERSONAL_API_TOKEN"),
        "{}",
        me.text
    );
    let jobs = mcp.ok("opentrain_list_jobs", json!({ "limit": 5 })).await;
    assert!(jobs.structured["jobs"].is_array());
    // `limit` is documented as a number: 25.0 is 25; a fraction or an out-of-range value is
    // an isError result naming the range.
    let search = mcp
        .ok("opentrain_search_jobs", json!({ "limit": 2.0 }))
        .await;
    assert_eq!(search.structured["jobs"].as_array().map(Vec::len), Some(2));
    for (tool, limit, range) in [
        (
            "opentrain_search_jobs",
            json!(2.5),
            "between 1 and 50, got 2.5",
        ),
        (
            "opentrain_search_jobs",
            json!(51),
            "between 1 and 50, got 51",
        ),
        (
            "opentrain_poll_updates",
            json!(200.5),
            "between 1 and 200, got 200.5",
        ),
        (
            "opentrain_list_jobs",
            json!("25"),
            "a whole number between 1 and 100, got \"25\"",
        ),
        (
            "opentrain_list_jobs",
            json!(-3),
            "between 1 and 100, got -3",
        ),
    ] {
        let refused = mcp.fails(tool, json!({ "limit": limit })).await;
        assert_eq!(
            refused.structured["kind"], "invalid_argument",
            "{tool} {limit}"
        );
        assert!(
            refused.text.contains(range),
            "{tool} {limit}: {}",
            refused.text
        );
    }
    mcp.close().await;
}

/// The first string at `pointer` of `value`, for ids read from a result.
fn text(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {value}"))
        .to_owned()
}

#[tokio::test]
async fn every_tool_answers_against_the_sandbox() {
    let sandbox = sandbox().await;
    let mcp = spawn(
        "mcp-every",
        &[],
        Some(sandbox.base_url()),
        Some(sandbox.token()),
    )
    .await;
    let mut used = std::collections::BTreeSet::new();
    macro_rules! ok {
        ($name:literal, $args:expr) => {{
            used.insert($name);
            mcp.ok($name, $args).await.structured
        }};
    }

    let me = ok!("opentrain_auth_status", json!({}));
    ok!("opentrain_capabilities", json!({}));
    let job_id = publish_a_job(&mcp).await;
    used.extend([
        "opentrain_create_job_draft",
        "opentrain_update_job_draft_fields",
        "opentrain_publish_job",
    ]);
    ok!(
        "opentrain_list_jobs",
        json!({ "status": "OPEN", "limit": 10 })
    );
    ok!(
        "opentrain_search_jobs",
        json!({ "q": "images", "limit": 5 })
    );
    ok!(
        "opentrain_update_published_job",
        json!({ "jobId": job_id, "patch": { "pricePerLabel": 0.06 } })
    );

    let proposals = ok!("opentrain_list_proposals", json!({ "jobId": job_id }));
    let proposal_id = text(&proposals, "/proposals/0/id");
    let proposal = ok!(
        "opentrain_get_proposal",
        json!({ "proposalId": proposal_id })
    );
    let freelancer_id = text(&proposal, "/proposal/candidate/id");
    ok!(
        "opentrain_get_freelancer_profile",
        json!({ "idOrSlug": freelancer_id })
    );
    ok!(
        "opentrain_invite_freelancer",
        json!({ "jobId": job_id, "freelancerId": freelancer_id })
    );

    let conversation = ok!(
        "opentrain_start_proposal_conversation",
        json!({ "proposalId": proposal_id })
    );
    let conversation_id = text(&conversation, "/conversationId");
    ok!(
        "opentrain_send_message",
        json!({ "conversationId": conversation_id, "content": "Hello! Could you start Monday?" })
    );
    ok!(
        "opentrain_read_messages",
        json!({ "filter": "proposal", "unreadOnly": false })
    );
    ok!(
        "opentrain_read_messages",
        json!({ "conversationId": conversation_id, "direction": "newer", "limit": 10 })
    );

    let hire = ok!(
        "opentrain_hire_proposal",
        json!({ "proposalId": proposal_id, "milestone": { "description": "First 1,000 labels", "amount": 60, "dueDate": "2026-07-01" } })
    );
    let approval_id = text(&hire, "/approval/id");
    sandbox
        .confirm_approval(&approval_id)
        .expect("the human confirms the hire");
    ok!(
        "opentrain_get_approval",
        json!({ "approvalId": approval_id })
    );
    let contracts = ok!("opentrain_list_contracts", json!({ "jobId": job_id }));
    let contract_id = text(&contracts, "/contracts/0/id");
    ok!(
        "opentrain_get_contract",
        json!({ "contractId": contract_id })
    );

    let milestone = ok!(
        "opentrain_create_milestone",
        json!({ "contractId": contract_id, "description": "Second batch", "name": "Batch 2", "amountUsd": 40, "volume": 800 })
    );
    let milestone_id = text(&milestone, "/milestone/id");
    let fund = ok!(
        "opentrain_request_milestone_funding",
        json!({ "milestoneId": milestone_id })
    );
    sandbox
        .confirm_approval(&text(&fund, "/approval/id"))
        .expect("funded");
    let release = ok!(
        "opentrain_request_milestone_approval",
        json!({ "milestoneId": milestone_id })
    );
    sandbox
        .confirm_approval(&text(&release, "/approval/id"))
        .expect("released");
    ok!("opentrain_list_pending_payments", json!({}));
    ok!(
        "opentrain_end_contract",
        json!({ "contractId": contract_id })
    );
    ok!("opentrain_close_job", json!({ "jobId": job_id }));

    ok!("opentrain_get_credits", json!({}));
    ok!("opentrain_list_credit_ledger", json!({ "limit": 10 }));
    let top_up = ok!("opentrain_create_credit_top_up", json!({ "amountUsd": 25 }));
    ok!(
        "opentrain_get_credit_top_up",
        json!({ "topUpId": text(&top_up, "/topUpId") })
    );

    let webhook = ok!(
        "opentrain_create_webhook",
        json!({ "url": "http://127.0.0.1:9/hook", "eventTypes": ["proposal.received"] })
    );
    assert!(
        webhook["secret"].is_string(),
        "the one-time secret is in the result"
    );
    let webhook_id = text(&webhook, "/webhook/id");
    ok!("opentrain_list_webhooks", json!({}));
    ok!("opentrain_get_webhook", json!({ "webhookId": webhook_id }));
    ok!(
        "opentrain_delete_webhook",
        json!({ "webhookId": webhook_id })
    );

    sandbox.issue_token(&[opentrain::types::Scope::JobsRead]);
    let tokens = ok!("opentrain_list_tokens", json!({}));
    let mine = text(&me, "/token/id");
    let other = tokens["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .find(|id| *id != mine)
        .expect("the second token")
        .to_owned();
    ok!("opentrain_revoke_token", json!({ "tokenId": other }));

    ok!("opentrain_get_team", json!({}));
    ok!(
        "opentrain_invite_team_member",
        json!({ "email": "new.member@example.com" })
    );
    ok!("opentrain_poll_updates", json!({}));

    // The onboarding tools are covered by the lifecycle tests.
    for name in opentrain_mcp::tool_names() {
        if !name.contains("register") && !name.contains("claim") {
            assert!(used.contains(name), "{name} was not exercised");
        }
    }
    mcp.close().await;
}

#[tokio::test]
async fn secrets_never_reach_stderr() {
    use tokio::io::AsyncReadExt;
    let (mcp, mut stderr) =
        support::spawn_capturing("mcp-stderr", &["--sandbox"], None, None).await;
    mcp.ok("opentrain_register_agent", json!({})).await;
    mcp.ok(
        "opentrain_claim_account",
        json!({ "email": "owner@example.com" }),
    )
    .await;
    mcp.ok("opentrain_claim_status", json!({})).await;
    mcp.ok("opentrain_claim_status", json!({})).await;
    mcp.fails(
        "opentrain_get_contract",
        json!({ "contractId": "ctr_nope" }),
    )
    .await;
    mcp.close().await;
    let mut logged = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stderr.read_to_string(&mut logged)).await;
    for needle in ["ot_pat_", "ot_clm_", "whsec_"] {
        assert!(!logged.contains(needle), "stderr shows a secret: {logged}");
    }
}

#[test]
fn help_prints_usage_and_a_bad_flag_is_refused() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_opentrain-mcp"))
        .arg("--help")
        .output()
        .expect("runs");
    assert!(help.status.success());
    let usage = String::from_utf8_lossy(&help.stdout);
    assert!(usage.contains("--sandbox"), "{usage}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_opentrain-mcp"))
        .arg("--nope")
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn structured_content_is_the_response_as_the_server_sent_it() {
    let tests::NewerServer {
        server,
        me,
        pending,
    } = tests::NewerServer::start().await;
    let mcp = spawn(
        "mcp-exact",
        &[],
        Some(&server.url()),
        Some("ot_pat_mcp_exact_test"),
    )
    .await;
    for (tool, arguments, sent) in [
        ("opentrain_auth_status", json!({}), &me),
        (
            "opentrain_request_milestone_funding",
            json!({ "milestoneId": "ms_1" }),
            &pending,
        ),
    ] {
        let reply = mcp.ok(tool, arguments).await;
        let sent: Value = serde_json::from_str(sent).unwrap();
        assert_eq!(reply.structured, sent, "{tool}");
        assert_eq!(reply.structured["notInTheSpec"]["since"], "2027", "{tool}");
    }
    mcp.close().await;
}
