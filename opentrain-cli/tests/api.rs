//! `opentrain api`: any operation by its operationId, its fields checked against the generated
//! operation table, the body printed exactly as the server sent it, `--paginate` following
//! `nextCursor`, and every mistake a usage error naming what the operation takes.

mod common;

use common::World;

/// A body with a member the spec does not know, in an order and spacing serde would not keep.
const SENT: &str = r#"{"job": {"id":"job_1","title":"Cats","brandNewField":[1,2]},  "zeta":true}"#;

#[tokio::test]
async fn a_call_sends_the_fields_where_the_spec_puts_them_and_prints_the_body_as_sent() {
    let world = World::new("cli-api-exact").await;
    let mut server = mockito::Server::new_async().await;
    let get = server
        .mock("GET", "/api/public/v1/jobs/job%201")
        .match_header(
            "authorization",
            mockito::Matcher::Regex("^Bearer ot_pat_".into()),
        )
        .with_header("content-type", "application/json")
        .with_body(SENT)
        .create_async()
        .await;
    let run = world
        .run_with_env(
            &["api", "getJob", "-f", "id=job 1"],
            &[("OT_API_BASE_URL", &server.url())],
        )
        .await;
    assert_eq!(run.ok(), format!("{SENT}\n"));
    get.assert_async().await;

    // Query parameters as query, typed body members in the body.
    let search = server
        .mock("GET", "/api/public/v1/jobs")
        .match_query(mockito::Matcher::AllOf(vec![
            mockito::Matcher::UrlEncoded("q".into(), "cats".into()),
            mockito::Matcher::UrlEncoded("limit".into(), "5".into()),
        ]))
        .with_body(r#"{"jobs":[]}"#)
        .create_async()
        .await;
    let run = world
        .run_with_env(
            &[
                "--json",
                "api",
                "searchJobs",
                "-f",
                "q=cats",
                "-f",
                "limit=5",
            ],
            &[("OT_API_BASE_URL", &server.url())],
        )
        .await;
    assert_eq!(run.ok(), "{\"jobs\":[]}\n");
    search.assert_async().await;
    let milestone = server
        .mock("POST", "/api/public/v1/contracts/ctr_1/milestones")
        .match_body(mockito::Matcher::Json(serde_json::json!({
            "description": "Batch 2", "volume": 1000, "dueDate": "2026-12-31"
        })))
        .with_status(201)
        .with_body(r#"{"milestone":{"id":"ms_2"}}"#)
        .create_async()
        .await;
    let run = world
        .run_with_input(
            &[
                "--base-url",
                &server.url(),
                "api",
                "createMilestone",
                "-f",
                "contractId=ctr_1",
                "--input",
                "-",
                "-f",
                "volume=1000",
            ],
            r#"{"description": "Batch 2", "dueDate": "2026-12-31"}"#,
        )
        .await;
    assert_eq!(run.ok(), "{\"milestone\":{\"id\":\"ms_2\"}}\n");
    milestone.assert_async().await;
}

#[tokio::test]
async fn paginate_follows_next_cursor_and_prints_every_page() {
    let world = World::new("cli-api-paginate").await;
    let run = world
        .run(&["api", "searchJobs", "-f", "limit=2", "--paginate"])
        .await;
    let pages: Vec<serde_json::Value> = run
        .ok()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON page per line"))
        .collect();
    assert!(pages.len() > 1, "{pages:#?}");
    for page in &pages[..pages.len() - 1] {
        assert!(page["nextCursor"].is_string(), "{page}");
        assert_eq!(page["jobs"].as_array().map(Vec::len), Some(2), "{page}");
    }
    let all: usize = pages
        .iter()
        .map(|p| p["jobs"].as_array().map_or(0, Vec::len))
        .sum();
    let one_page = world
        .run(&["--json", "api", "searchJobs", "-f", "limit=100"])
        .await
        .json();
    assert_eq!(all, one_page["jobs"].as_array().map_or(0, Vec::len));
}

#[tokio::test]
async fn list_names_every_operation_with_its_method_and_path() {
    let world = World::new("cli-api-list").await;
    let run = world.run(&["api", "--list"]).await;
    let lines: Vec<&str> = run.ok().lines().collect();
    assert_eq!(lines.len(), opentrain::operations::OPERATIONS.len());
    assert!(
        lines.iter().any(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words[..3] == ["getJob", "GET", "/jobs/{id}"]
        }),
        "{lines:#?}"
    );
    let json = world.run(&["--json", "api", "--list"]).await.json();
    let hire = json
        .as_array()
        .and_then(|ops| ops.iter().find(|o| o["operationId"] == "hireFromProposal"))
        .expect("hireFromProposal");
    assert_eq!(hire["pathParameters"], serde_json::json!(["proposalId"]));
    assert_eq!(hire["method"], "POST");
}

#[tokio::test]
async fn mistakes_are_usage_errors_naming_what_the_operation_takes() {
    let world = World::new("cli-api-usage").await;
    let missing = world.scratch.join("missing.json").display().to_string();
    for (args, says) in [
        (
            &["api", "getJbo"][..],
            "no operation `getJbo`; known operations: getApproval",
        ),
        (
            &["api", "getJob", "-f", "jobId=1"],
            "getJob takes no field `jobId`; it takes: id",
        ),
        (
            &["api", "getJob", "-f", "id"],
            "-f takes key=value, got `id`",
        ),
        (&["api", "getJob"], "getJob needs the path parameter `id`"),
        (
            &["api", "getJobChanges"],
            "getJobChanges needs the query parameter `since`",
        ),
        (
            &["api", "createWebhook"],
            "createWebhook needs a request body; members: eventTypes, url",
        ),
        (
            &["api", "searchJobs", "-f", "limit=500"],
            "500 is above the maximum 100",
        ),
        (
            &["api", "searchJobs", "-f", "limit=2.5"],
            "`2.5` is not an integer",
        ),
        (
            &["api", "getMe", "--input", &missing],
            "cannot read --input",
        ),
        (
            &["api", "getMe", "--input", "-"],
            "getMe takes no request body",
        ),
        (&["api", "--list", "getJob"], "cannot be used with"),
        (&["api"], "OPERATION_ID"),
    ] {
        let run = if args.contains(&"-") {
            world.run_with_input(args, "{}").await
        } else {
            world.run(args).await
        };
        run.fails_with(2);
        assert!(run.stderr.starts_with("Usage error:"), "{args:?}: {run:#?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
    let not_json = world
        .run_with_input(&["api", "createToken", "--input", "-"], "{oops")
        .await;
    not_json.fails_with(2);
    assert!(
        not_json
            .stderr
            .contains("--input - is not JSON (line 1, column 2)"),
        "{}",
        not_json.stderr
    );
    // An API failure is the command's API error line and exit 1.
    let run = world.run(&["api", "getJob", "-f", "id=job_missing"]).await;
    run.fails_with(1);
    assert!(
        run.stderr.starts_with("Error: 404 NOT_FOUND"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn json_output_of_the_typed_commands_is_the_response_as_sent() {
    let world = World::new("cli-json-exact").await;
    let tests::NewerServer {
        server,
        me,
        pending,
    } = tests::NewerServer::start().await;
    for (args, sent) in [
        (&["--json", "whoami"][..], &me),
        (&["--json", "milestones", "fund", "ms_1"], &pending),
    ] {
        let run = world
            .run_with_env(args, &[("OT_API_BASE_URL", &server.url())])
            .await;
        let printed = run.json();
        let sent: serde_json::Value = serde_json::from_str(sent).unwrap();
        assert_eq!(printed, sent, "{args:?}");
        assert_eq!(printed["notInTheSpec"]["since"], "2027", "{args:?}");
    }
    // The human summary still comes from the typed value.
    let run = world
        .run_with_env(&["whoami"], &[("OT_API_BASE_URL", &server.url())])
        .await;
    assert!(!run.ok().contains("notInTheSpec"), "{run:#?}");
}
