//! What every CLI test shares: a sandbox started in the test, a temporary
//! `XDG_CONFIG_HOME`, and running the `opentrain` binary as a process against them.

#![allow(dead_code)]

use std::process::Stdio;

use opentrain_sandbox::Sandbox;
use tests::Scratch;
use tokio::io::AsyncWriteExt;

/// One test's world: the sandbox, and a scratch directory used as `HOME` and
/// `XDG_CONFIG_HOME`.
pub struct World {
    /// The sandbox the binary talks to.
    pub sandbox: Sandbox,
    /// The temporary config home.
    pub scratch: Scratch,
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "failed: {self:#?}");
        self.assert_no_panic();
        &self.stdout
    }

    /// Asserts the exit code and that nothing panicked.
    pub fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit: {self:#?}");
        self.assert_no_panic();
        self
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| panic!("not JSON ({e}): {self:#?}"))
    }

    fn assert_no_panic(&self) {
        assert!(!self.stderr.contains("panicked"), "panic: {self:#?}");
    }
}

impl World {
    /// A world on a default sandbox.
    pub async fn new(label: &str) -> World {
        Self::with(label, Sandbox::builder()).await
    }

    /// A world on a configured sandbox.
    pub async fn with(label: &str, builder: opentrain_sandbox::SandboxBuilder) -> World {
        World {
            sandbox: builder.start().await.expect("sandbox starts"),
            scratch: Scratch::new(label),
        }
    }

    /// The credentials file the binary uses.
    pub fn credentials_path(&self) -> std::path::PathBuf {
        self.scratch.join("opentrain/cli.json")
    }

    /// The credentials file's JSON, if it exists.
    pub fn credentials(&self) -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(self.credentials_path()).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn command(&self, token: Option<&str>, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_opentrain"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.scratch.path())
            .env("XDG_CONFIG_HOME", self.scratch.path())
            .env("OT_API_BASE_URL", self.sandbox.base_url())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(token) = token {
            command.env("OT_API_TOKEN", token);
        }
        command
    }

    /// Runs `opentrain args…` with the sandbox's token in `OT_API_TOKEN`.
    pub async fn run(&self, args: &[&str]) -> Run {
        let token = self.sandbox.token().to_owned();
        self.spawn(self.command(Some(&token), args), None).await
    }

    /// Runs `opentrain args…` with no token in the environment (the credentials file, if
    /// any, is still read).
    pub async fn run_without_token(&self, args: &[&str]) -> Run {
        self.spawn(self.command(None, args), None).await
    }

    /// Runs `opentrain args…` with the token and `input` on stdin.
    pub async fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let token = self.sandbox.token().to_owned();
        self.spawn(self.command(Some(&token), args), Some(input))
            .await
    }

    /// Runs with extra environment variables (and the token).
    pub async fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let token = self.sandbox.token().to_owned();
        let mut command = self.command(Some(&token), args);
        for (k, v) in env {
            command.env(k, v);
        }
        self.spawn(command, None).await
    }

    /// Runs `opentrain args…` (with the token) on a pseudo-terminal through util-linux
    /// `script`, so that stdout and stderr are terminals; `None` when `script` is missing.
    /// The captured output mixes stdout and stderr, as a terminal shows them.
    pub async fn run_in_terminal(&self, args: &[&str]) -> Option<Run> {
        let available = std::process::Command::new("script")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            return None;
        }
        let line = std::iter::once(env!("CARGO_BIN_EXE_opentrain"))
            .chain(args.iter().copied())
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect::<Vec<_>>()
            .join(" ");
        let token = self.sandbox.token().to_owned();
        let mut command = tokio::process::Command::new("script");
        command
            .args(["-qec", &line, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .env("HOME", self.scratch.path())
            .env("XDG_CONFIG_HOME", self.scratch.path())
            .env("OT_API_BASE_URL", self.sandbox.base_url())
            .env("OT_API_TOKEN", token)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        Some(self.spawn(command, None).await)
    }

    async fn spawn(&self, mut command: tokio::process::Command, input: Option<&str>) -> Run {
        command.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = command.spawn().expect("the binary starts");
        if let Some(input) = input {
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin
                .write_all(input.as_bytes())
                .await
                .expect("stdin written");
            drop(stdin);
        }
        let output = child.wait_with_output().await.expect("the binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// insta filters that replace the ids and ports that change per run.
pub fn id_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (
            r"\b(job|prop|ctr|apr|ms|wh|tok|conv|msg|usr|org|reg|evt|top|req)_[A-Za-z0-9]+",
            "${1}_[ID]",
        ),
        (r"/tmp/[^\s]+", "[TMP]"),
        (
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
            "[TIME]",
        ),
    ]
}

/// The description `published_job` drafts from.
pub const PUBLISHED_JOB: &str = "We need 3 annotators to label 10,000 product images into 12 categories, \
                   paying $0.05 per label. English speakers.";

/// `--set` arguments answering every missing field of a `--json` draft with the server's
/// own example (the first enum value when the example is not one).
pub fn answers(draft: &serde_json::Value) -> Vec<String> {
    let mut sets = Vec::new();
    for field in draft["missingFields"].as_array().into_iter().flatten() {
        let name = field["field"].as_str().expect("field name");
        let example = field["example"].as_str().unwrap_or("1");
        let value = match field["enumValues"].as_array() {
            Some(values) if !values.iter().any(|v| v == example) => {
                values[0].as_str().expect("enum value").to_owned()
            }
            _ => example.to_owned(),
        };
        sets.push("--set".to_owned());
        sets.push(format!("{name}={value}"));
    }
    sets
}

/// Drafts, answers and publishes a job through the CLI; returns its id.
pub async fn published_job(world: &World) -> String {
    let draft = world
        .run(&[
            "--json",
            "jobs",
            "draft",
            "create",
            "--description",
            PUBLISHED_JOB,
        ])
        .await
        .json();
    let job_id = draft["jobId"].as_str().expect("jobId").to_owned();
    let mut args = vec!["jobs", "draft", "update", "--job-id", &job_id];
    let sets = answers(&draft);
    args.extend(sets.iter().map(String::as_str));
    let updated = world.run(&args).await;
    assert!(updated.ok().contains("Publish-ready: yes"), "{updated:#?}");
    world.run(&["jobs", "publish", &job_id]).await.ok();
    job_id
}

/// A trainer's proposal on `job_id`, made with `opentrain sandbox trainer propose`; returns
/// its id.
pub async fn propose(world: &World, job_id: &str) -> String {
    let proposed = world
        .run(&[
            "--json", "sandbox", "trainer", "propose", "--job-id", job_id,
        ])
        .await
        .json();
    proposed["proposalId"]
        .as_str()
        .expect("a proposal id")
        .to_owned()
}
