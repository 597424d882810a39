//! Help output (snapshots) and bad input: every mistake is a `Usage error:` line or a typed
//! error line with a non-zero exit, never a panic.

mod common;

use common::World;

#[tokio::test]
async fn help_outputs() {
    let world = World::new("cli-help").await;
    for (name, args) in [
        ("help_top", &["--help"][..]),
        ("help_claim_status", &["auth", "claim-status", "--help"]),
        ("help_draft_update", &["jobs", "draft", "update", "--help"]),
    ] {
        let run = world.run(args).await;
        insta::assert_snapshot!(name, run.ok());
    }
    let version = world.run(&["--version"]).await;
    assert_eq!(
        version.ok().trim(),
        format!("opentrain {}", env!("CARGO_PKG_VERSION"))
    );
    world.run(&["help", "jobs"]).await.ok();
    // No arguments: the help, as the official CLI does.
    assert!(world.run(&[]).await.ok().contains("Usage: opentrain"));
    // A family without its command: the help, but a usage mistake.
    world.run(&["jobs"]).await.fails_with(2);
}

#[tokio::test]
async fn usage_mistakes_exit_2_with_a_usage_error_line() {
    let world = World::new("cli-usage").await;
    let missing = world.scratch.join("missing.txt").display().to_string();
    for args in [
        &["whoami", "--bogus"][..],
        &["auth", "claim"],
        &["jobs", "draft", "update", "--job-id", "job_1"],
        &[
            "jobs", "draft", "update", "--job-id", "job_1", "--set", "novalue",
        ],
        &[
            "jobs", "draft", "update", "--job-id", "job_1", "--set", "=3",
        ],
        &["jobs", "draft", "create", "--description-file", &missing],
        &["jobs", "draft", "create", "--description", "  "],
        &[
            "jobs",
            "draft",
            "create",
            "--text",
            "x",
            "--description-file",
            &missing,
        ],
        &["jobs", "publish"],
        &["proposals", "hire", "p_1", "--amount", "-5"],
        &["nonsense"],
    ] {
        let run = world.run(args).await;
        run.fails_with(2);
        assert!(run.stderr.starts_with("Usage error:"), "{args:?}: {run:#?}");
    }
}

/// The commands of the shared table check their values against the spec before sending, and
/// the refusal names the flag or positional as typed on the command line.
#[tokio::test]
async fn table_commands_refuse_values_the_spec_does_not_allow_naming_the_flag() {
    let world = World::new("cli-table-values").await;
    for (args, said) in [
        (
            &["credits", "top-up", "--amount-usd", "5"][..],
            "`--amount-usd` must be a number between 10 and 10000, got 5",
        ),
        (
            &["credits", "top-up", "--amount-usd", "ten"],
            "`--amount-usd` must be a number, got `ten`",
        ),
        (
            &["jobs", "search", "--limit", "51"],
            "`--limit` must be a whole number between 1 and 50, got 51",
        ),
        (
            &["contracts", "get", " "],
            "<CONTRACT_ID> must not be empty",
        ),
        (
            &[
                "messages",
                "send",
                "--conversation-id",
                "c_1",
                "--content",
                "",
            ],
            "`--content` must not be empty",
        ),
        // The workflow commands of the table take the same check.
        (
            &["jobs", "draft", "create", "--description", "  "],
            "give the job description with `--description` or `--description-file`",
        ),
        (
            &["jobs", "post", "--external-id", "e_1"],
            "give the job description with `--description` or `--description-file`",
        ),
        (
            &[
                "jobs", "draft", "update", "--job-id", "job_1", "--set", "novalue",
            ],
            "`--set`: \"novalue\" is not key=value",
        ),
        (
            &["auth", "claim-status", "--wait", "--timeout", "0"],
            "`--timeout` must be a whole number greater than 0, got 0",
        ),
        (
            &["auth", "claim", "--email", " "],
            "`--email` must not be empty",
        ),
    ] {
        let run = world.run(args).await;
        run.fails_with(2);
        assert!(run.stderr.contains(said), "{args:?}: {run:#?}");
    }
}

#[tokio::test]
async fn no_token_is_a_usage_error_naming_the_ways_to_log_in() {
    let world = World::new("cli-no-token").await;
    let run = world.run_without_token(&["jobs", "list"]).await;
    run.fails_with(2);
    insta::assert_snapshot!("no_token", run.stderr);
}

#[tokio::test]
async fn a_bad_base_url_is_a_typed_error() {
    let world = World::new("cli-base-url").await;
    let run = world
        .run(&["--base-url", "ftp://example.com", "whoami"])
        .await;
    run.fails_with(1);
    assert!(run.stderr.starts_with("Error: "), "{run:#?}");
}

#[tokio::test]
async fn completions_are_generated_for_each_shell_from_the_command_definition() {
    let world = World::new("cli-completions").await;
    for (shell, marker) in [
        ("bash", "_opentrain()"),
        ("zsh", "#compdef opentrain"),
        ("fish", "complete -c opentrain"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = world.run(&["completions", shell]).await;
        let script = run.ok();
        assert!(script.contains(marker), "{shell}: {script}");
        // Commands and flags come from the clap definition, the newest included.
        for word in ["api", "draft", "base-url", "paginate"] {
            assert!(script.contains(word), "{shell} completes no `{word}`");
        }
    }
    let run = world.run(&["completions", "tcsh"]).await;
    run.fails_with(2);
    assert!(run.stderr.starts_with("Usage error:"), "{run:#?}");
    assert!(
        run.stderr.contains("bash, zsh, fish, powershell"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn the_manual_page_is_roff_naming_every_command() {
    let world = World::new("cli-man").await;
    let run = world.run(&["man"]).await;
    let page = run.ok();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains(".TH opentrain 1"), "no title line");
    assert!(page.contains(".SH NAME"), "no NAME section");
    for command in ["auth", "jobs", "api", "completions", "sandbox"] {
        assert!(page.contains(command), "the page does not name `{command}`");
    }
    // Where man(1) is installed, it renders the page without a warning.
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok()
    {
        let file = world.scratch.join("opentrain.1");
        std::fs::write(&file, page).unwrap();
        let rendered = std::process::Command::new("man")
            .args(["--warnings", "-l"])
            .arg(&file)
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        assert!(rendered.status.success(), "{rendered:?}");
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(text.contains("opentrain"), "{text}");
        assert!(
            String::from_utf8_lossy(&rendered.stderr).is_empty(),
            "{rendered:?}"
        );
    }
}
