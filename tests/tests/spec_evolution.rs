//! Spec evolution: the served spec changes the way served specs do (a new paged family with
//! inline enums, a 201 write, a 204 delete, a discriminated `oneOf`, a CSV export, a new enum
//! value, a new optional response field, a newly required request field, parameters named like
//! Rust keywords and like the generated code's locals, a move to OpenAPI 3.1), and the
//! maintainer loop of `xtask/README.md` must absorb it:
//!
//! 1. every change passes the gate (3.1 converted as `spec refresh` converts it), and `spec
//!    drift` classifies it (additive, except the newly required request field: breaking);
//! 2. the client regenerated from the changed spec builds with every crate of a scratch copy of
//!    the workspace;
//! 3. the new operations work through the facade against a local server (the template
//!    `tests/evolution/evolution_calls.rs`, run in the scratch copy), and from the scratch
//!    copy's `opentrain api` with no code of the command naming them;
//! 4. shapes progenitor 0.15 cannot generate are refused by the gate or the generator, with a
//!    message naming the operation and the parameters.
//!
//! The changes are in `tests/evolution/changes.rs`; `tests/evolution/README.md` says how to run
//! this alone and what it costs.

#[path = "../evolution/changes.rs"]
mod changes;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use changes::{Change, GENERATED, REFUSED};
use serde_json::Value;
use xtask::drift::{Kind, Severity};

/// The tests of this file run one at a time: the generator swaps the process's panic hook while
/// it runs, and the build test wants both cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What `spec drift` must report for one change, compared with the spec before it.
fn expected_findings(change: &str) -> Vec<(Kind, &'static str, Severity)> {
    use Kind::*;
    use Severity::*;
    match change {
        "paged_list_with_inline_enums" => vec![
            (OperationAdded, "/paths/~1widgets/get", Additive),
            (SchemaAdded, "/components/schemas/Widget", Additive),
        ],
        "json_write_answered_201" => vec![(OperationAdded, "/paths/~1widgets/post", Additive)],
        "delete_answered_204" => vec![(OperationAdded, "/paths/~1widgets~1{id}/delete", Additive)],
        "discriminated_one_of_response" => vec![
            (
                OperationAdded,
                "/paths/~1widgets~1{id}~1shape/get",
                Additive,
            ),
            (SchemaAdded, "/components/schemas/Circle", Additive),
            (SchemaAdded, "/components/schemas/Square", Additive),
            (SchemaAdded, "/components/schemas/WidgetShape", Additive),
        ],
        "csv_export" => vec![(OperationAdded, "/paths/~1widgets~1export/get", Additive)],
        "text_and_binary_request_bodies" => vec![
            (OperationAdded, "/paths/~1widgets~1{id}~1note/put", Additive),
            (
                OperationAdded,
                "/paths/~1widgets~1{id}~1image/put",
                Additive,
            ),
        ],
        "new_value_of_a_named_enum" => vec![(
            EnumValueAdded,
            "/components/schemas/JobStatus/enum/6",
            Additive,
        )],
        "new_optional_response_field" => vec![(
            FieldAdded,
            "/components/schemas/Me/properties/locale",
            Additive,
        )],
        "newly_required_request_field" => vec![(
            FieldAdded,
            "/components/schemas/SendMessageRequest/properties/channel",
            Breaking,
        )],
        "parameters_named_like_keywords_and_locals" => {
            vec![(OperationAdded, "/paths/~1widgets~1search/get", Additive)]
        }
        "served_as_openapi_3_1" => vec![(
            FieldAdded,
            "/components/schemas/Widget/properties/note",
            Additive,
        )],
        other => panic!("no expected drift for the change `{other}`"),
    }
}

/// `doc` as `spec refresh` would write it: 3.1 converted to 3.0.3, which must lose nothing.
fn as_refresh_converts(doc: &Value, change: &str) -> Value {
    let conversion = xtask::convert::to_openapi_3_0(doc.clone());
    assert!(
        conversion.losses.is_empty(),
        "{change}: the conversion lost {:?}",
        conversion.losses
    );
    conversion.doc
}

/// Applies the changes one at a time: after each, the gate passes and the drift against the
/// spec before it is exactly that change's findings, with the change's class.
#[test]
fn each_change_passes_the_gate_and_drift_classifies_it() {
    let _serial = serial();
    let started = Instant::now();
    let mut served = tests::spec();
    let mut before = served.clone();
    for Change { name, apply } in GENERATED {
        apply(&mut served);
        if served["openapi"] == "3.1.0" {
            // Unconverted, the gate refuses the version, and nothing else.
            let violations = opentrain_spec::check(&served);
            let pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
            assert_eq!(pointers, ["/openapi"], "{name}: {violations:#?}");
        }
        let after = as_refresh_converts(&served, name);
        let violations = opentrain_spec::check(&after);
        assert!(
            violations.is_empty(),
            "{name}: the gate refuses the changed spec:\n{}",
            violations
                .iter()
                .map(|v| format!("  - {v}\n"))
                .collect::<String>()
        );

        let report = xtask::drift::diff(&before, &after);
        let found: BTreeSet<(Kind, &str, Severity)> = report
            .findings
            .iter()
            .map(|f| (f.kind, f.pointer.as_str(), f.severity))
            .collect();
        let expected: BTreeSet<(Kind, &str, Severity)> =
            expected_findings(name).into_iter().collect();
        assert_eq!(
            found,
            expected,
            "{name}: drift reported\n{}",
            report.to_text()
        );
        println!("{name}: gate ok; drift: {}", report.summary_line());
        before = after;
    }

    // What refresh writes for the 3.1 change: the type array as `nullable`, `examples` as
    // `example`, and the rewritten `nextCursor` back to its 3.0 form.
    let conversion = xtask::convert::to_openapi_3_0(served);
    assert_eq!(conversion.converted_from.as_deref(), Some("3.1.0"));
    let doc = conversion.doc;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(
        doc.pointer("/components/schemas/Widget/properties/note"),
        Some(&serde_json::json!({"type": "string", "nullable": true, "example": "fragile"}))
    );
    assert_eq!(
        doc.pointer("/paths/~1widgets/get/responses/200/content/application~1json/schema/properties/nextCursor"),
        Some(&serde_json::json!({"type": "string", "nullable": true}))
    );
    println!(
        "gate and drift of {} changes: {:.1?}",
        GENERATED.len(),
        started.elapsed()
    );
}

/// All the changes together against the committed spec: each change's findings are in the
/// report (or inside an operation or schema the report adds), and the one breaking finding is
/// the newly required request field.
#[test]
fn drift_from_the_committed_spec_classifies_every_change() {
    let _serial = serial();
    let original = tests::spec();
    let changed = changed_spec(&original);
    let report = xtask::drift::diff(&original, &changed);
    println!("{}", report.to_text());
    let added: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| matches!(f.kind, Kind::OperationAdded | Kind::SchemaAdded))
        .map(|f| f.pointer.as_str())
        .collect();
    for Change { name, .. } in GENERATED {
        for (kind, pointer, severity) in expected_findings(name) {
            let listed = report
                .findings
                .iter()
                .any(|f| f.kind == kind && f.pointer == pointer && f.severity == severity);
            let inside_an_addition = added.iter().any(|a| pointer.starts_with(&format!("{a}/")));
            assert!(
                listed || inside_an_addition,
                "{name}: no {} {} finding at {pointer}",
                severity.as_str(),
                kind.as_str()
            );
        }
    }
    let breaking: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Breaking)
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        breaking,
        ["/components/schemas/SendMessageRequest/properties/channel"]
    );
    assert_eq!(report.exit_code(), xtask::exit::BREAKING);
}

/// The committed spec with every change of [`GENERATED`], converted as refresh converts it.
fn changed_spec(original: &Value) -> Value {
    let mut served = original.clone();
    for change in GENERATED {
        (change.apply)(&mut served);
    }
    as_refresh_converts(&served, "all changes")
}

/// Where this test's scratch files go, next to the build it shares.
struct Layout {
    /// The workspace under test.
    root: PathBuf,
    /// The build directory of the running `cargo test` (where this test binary is).
    build_dir: PathBuf,
    /// `--release`, `--profile NAME` or nothing, and `--target TRIPLE` when this build has one,
    /// so the scratch build uses this build's dependencies.
    profile_args: Vec<String>,
    /// `<build dir>/spec-evolution`.
    scratch: PathBuf,
}

impl Layout {
    fn new() -> Layout {
        let root = tests::workspace_root();
        // <build dir>/[<target triple>/]<profile>/deps/<this test binary>
        let exe = std::env::current_exe().expect("the test binary's path");
        let deps = exe.parent().filter(|d| d.ends_with("deps"));
        let found = deps.and_then(Path::parent).and_then(|profile_dir| {
            let profile = profile_dir.file_name()?.to_str()?.to_owned();
            let mut dir = profile_dir.parent()?;
            let mut triple = None;
            if !dir.join("CACHEDIR.TAG").exists()
                && let Some(up) = dir.parent()
                && up.join("CACHEDIR.TAG").exists()
            {
                triple = dir.file_name()?.to_str().map(str::to_owned);
                dir = up;
            }
            Some((dir.to_path_buf(), profile, triple))
        });
        let (build_dir, profile, triple) =
            found.unwrap_or_else(|| (root.join("target"), "debug".into(), None));
        let mut profile_args: Vec<String> = match profile.as_str() {
            "debug" => vec![],
            "release" => vec!["--release".into()],
            other => vec!["--profile".into(), other.into()],
        };
        if let Some(triple) = triple {
            profile_args.extend(["--target".into(), triple]);
        }
        let scratch = build_dir.join("spec-evolution");
        Layout {
            root,
            build_dir,
            profile_args,
            scratch,
        }
    }
}

/// Every file of the workspace a checkout has: tracked files and new files not ignored (the
/// others' work in progress included), without `target/` and `.git`; a walk of the tree when
/// git is not there.
fn workspace_files(layout: &Layout) -> Vec<PathBuf> {
    let root = &layout.root;
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            o.stdout
                .split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
                .collect::<Vec<_>>()
        });
    let files = listed.unwrap_or_else(|| {
        let mut out = Vec::new();
        walk(root, Path::new(""), &mut out);
        out
    });
    files
        .into_iter()
        .filter(|p| !p.starts_with("target") && !p.starts_with(".git"))
        .filter(|p| !root.join(p).starts_with(&layout.build_dir))
        // A file deleted in the work tree but still in the index is gone.
        .filter(|p| root.join(p).is_file())
        .collect()
}

fn walk(base: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(base.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let rel = rel.join(&name);
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(base, &rel, out),
            Ok(t) if t.is_file() => out.push(rel),
            _ => {}
        }
    }
}

/// Makes `dest` hold exactly `files` (relative path → contents): a file is written only when
/// its contents differ, so cargo rebuilds only what changed since the previous run. Returns how
/// many files were written and removed.
fn sync_tree(dest: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> (usize, usize) {
    let mut written = 0;
    for (rel, bytes) in files {
        let path = dest.join(rel);
        if fs::read(&path).is_ok_and(|old| &old == bytes) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        }
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        written += 1;
    }
    let mut present = Vec::new();
    walk(dest, Path::new(""), &mut present);
    let mut removed = 0;
    for rel in present {
        if !files.contains_key(&rel) {
            let _ = fs::remove_file(dest.join(&rel));
            removed += 1;
        }
    }
    (written, removed)
}

/// The workspace's packages (`[workspace] members` of the root manifest, each its `name`).
fn workspace_packages(root: &Path) -> Vec<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the root manifest");
    let members = manifest
        .split_once("members")
        .and_then(|(_, rest)| rest.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .expect("[workspace] members");
    members
        .split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
        .map(|member| {
            let text = fs::read_to_string(root.join(member).join("Cargo.toml"))
                .unwrap_or_else(|e| panic!("{member}/Cargo.toml: {e}"));
            text.lines()
                .find_map(|l| {
                    let (key, value) = l.split_once('=')?;
                    (key.trim() == "name").then(|| value.trim().trim_matches('"').to_owned())
                })
                .unwrap_or_else(|| member.to_owned())
        })
        .collect()
}

/// Runs cargo, and what it built, in the scratch workspace: cargo shares this build's directory
/// for everything but the workspace's own crates. A failure fails the test with the output.
struct ScratchCargo<'a> {
    layout: &'a Layout,
    ws: PathBuf,
    /// `--config` arguments giving the workspace's own crates a profile of their own.
    own_profile: Vec<String>,
}

/// What one command in the scratch workspace did.
struct Ran {
    elapsed: Duration,
    stdout: String,
    /// The crates cargo compiled (its `Compiling` lines).
    compiled: Vec<String>,
}

impl ScratchCargo<'_> {
    /// `cargo <args>` in the scratch workspace.
    fn cargo(&self, what: &str, args: &[&str]) -> Ran {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(args)
            .args(&self.layout.profile_args)
            .args(["--offline", "--locked"])
            .args(&self.own_profile)
            .current_dir(&self.ws)
            // Dependencies are compiled once, in this build's directory; what the scratch build
            // links (its binaries, the uplifted libraries) goes to a directory of its own, so it
            // never replaces `target/debug/opentrain` and the like that other tests run.
            .env("CARGO_BUILD_BUILD_DIR", &self.layout.build_dir)
            .env("CARGO_TARGET_DIR", self.layout.scratch.join("target"))
            .env("CARGO_TERM_COLOR", "never");
        self.run(what, command)
    }

    /// Runs `command` (stdout and stderr to files under `<scratch>/logs`), at most 30 minutes.
    fn run(&self, what: &str, mut command: Command) -> Ran {
        let logs = self.layout.scratch.join("logs");
        fs::create_dir_all(&logs).unwrap();
        let stdout_path = logs.join(format!("{what}.stdout"));
        let stderr_path = logs.join(format!("{what}.stderr"));
        command
            .stdin(Stdio::null())
            .stdout(fs::File::create(&stdout_path).unwrap())
            .stderr(fs::File::create(&stderr_path).unwrap());
        // What `cargo test` set for this test binary is not for the scratch workspace.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_BIN_")
                || key.starts_with("CARGO_CRATE_")
                || key.starts_with("CARGO_MANIFEST_")
                || key == "CARGO_PRIMARY_PACKAGE"
                || key == "CARGO_TARGET_TMPDIR"
                || key == "CARGO_BUILD_TARGET_DIR"
            {
                command.env_remove(key.as_ref());
            }
        }
        let started = Instant::now();
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: cannot start {command:?}: {e}"));
        let timeout = Duration::from_secs(30 * 60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > timeout {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let elapsed = started.elapsed();
        let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
        let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
        // The last lines, without cargo's JSON lines for artifacts and build scripts (the
        // compiler's own diagnostics are rendered on stderr).
        let tail = |s: &str| {
            let lines: Vec<&str> = s
                .lines()
                .filter(|l| {
                    !l.starts_with("{\"reason\":\"compiler-artifact\"")
                        && !l.starts_with("{\"reason\":\"build-script")
                })
                .collect();
            lines[lines.len().saturating_sub(150)..].join("\n")
        };
        match status {
            Some(s) if s.success() => Ran {
                elapsed,
                compiled: stderr
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("Compiling "))
                    .map(|c| c.split(' ').next().unwrap_or(c).to_owned())
                    .collect(),
                stdout,
            },
            Some(s) => panic!(
                "{what} in the scratch workspace {} failed ({s}) after {elapsed:.1?}:\n{}\n{}\n(full logs: {})",
                self.ws.display(),
                tail(&stdout),
                tail(&stderr),
                logs.display()
            ),
            None => panic!(
                "{what} in the scratch workspace did not finish in {timeout:?}:\n{}",
                tail(&stderr)
            ),
        }
    }
}

/// The test executable cargo reported building for the test target `name` (its JSON messages).
fn test_executable(messages: &str, name: &str) -> Option<PathBuf> {
    artifact_executable(messages, name, "test")
}

/// The executable of the target `name` of kind `kind` (`test`, `bin`) in cargo's JSON messages:
/// a `bin` is the program itself, not its unit-test harness (which `--all-targets` builds too).
fn artifact_executable(messages: &str, name: &str, kind: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .filter(|m| kind == "test" || m["profile"]["test"] == false)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == kind))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// Runs the scratch build's `opentrain` with `args` (and `stdin`), against `base_url` with a
/// token; returns the exit code, stdout and stderr.
fn opentrain_api(bin: &Path, base_url: &str, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(bin)
        .args(["--base-url", base_url])
        .args(args)
        .env_clear()
        .env("HOME", "/nonexistent")
        .env("OT_API_TOKEN", "ot_pat_evolution_test")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the scratch opentrain runs");
    let mut input = child.stdin.take().expect("stdin");
    // A command that reads no stdin may exit before this is written.
    let _ = input.write_all(stdin);
    drop(input);
    let out = child
        .wait_with_output()
        .expect("the scratch opentrain ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `opentrain api` on the operations the changed spec added: listed, their fields checked
/// against the regenerated operation table (an inline enum query parameter, a JSON body, a
/// text body), and the bodies printed exactly as sent (the CSV export too). No code of the
/// command names these operations.
fn command_calls_the_new_operations(bin: &Path) {
    let mut server = mockito::Server::new();
    let url = server.url();
    let (code, listed, err) = opentrain_api(bin, &url, &["api", "--list"], b"");
    assert_eq!(code, 0, "{err}");
    for (id, method, path) in [
        ("listWidgets", "GET", "/widgets"),
        ("createWidget", "POST", "/widgets"),
        ("exportWidgets", "GET", "/widgets/export"),
        ("putWidgetNote", "PUT", "/widgets/{id}/note"),
    ] {
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().take(3).eq([id, method, path])),
            "{id} is not listed:\n{listed}"
        );
    }

    let page = r#"{"items":[{"id":"w_1","name":"Crate","kind":"c"}],"nextCursor":null, "extra":1}"#;
    let list = server
        .mock("GET", "/api/public/v1/widgets")
        .match_query(mockito::Matcher::AllOf(vec![
            mockito::Matcher::UrlEncoded("status".into(), "archived".into()),
            mockito::Matcher::UrlEncoded("limit".into(), "10".into()),
        ]))
        .match_header("authorization", "Bearer ot_pat_evolution_test")
        .with_body(page)
        .create();
    let args = [
        "api",
        "listWidgets",
        "-f",
        "status=archived",
        "-f",
        "limit=10",
    ];
    let (code, out, err) = opentrain_api(bin, &url, &args, b"");
    assert_eq!(
        (code, out.as_str()),
        (0, format!("{page}\n").as_str()),
        "{err}"
    );
    list.assert();

    let create = server
        .mock("POST", "/api/public/v1/widgets")
        .match_header("content-type", "application/json")
        .match_body(mockito::Matcher::Json(
            serde_json::json!({"name": "Crate", "kind": "a"}),
        ))
        .with_status(201)
        .with_body(r#"{"id":"w_2","name":"Crate"}"#)
        .create();
    let args = ["api", "createWidget", "-f", "name=Crate", "-f", "kind=a"];
    let (code, out, err) = opentrain_api(bin, &url, &args, b"");
    assert_eq!(
        (code, out.as_str()),
        (0, "{\"id\":\"w_2\",\"name\":\"Crate\"}\n"),
        "{err}"
    );
    create.assert();

    let note = server
        .mock("PUT", "/api/public/v1/widgets/w_2/note")
        .match_header("content-type", "text/plain")
        .match_body("fragile, this side up")
        .with_status(204)
        .create();
    let args = ["api", "putWidgetNote", "-f", "id=w_2", "--input", "-"];
    let (code, _, err) = opentrain_api(bin, &url, &args, b"fragile, this side up");
    assert_eq!(code, 0, "{err}");
    note.assert();

    let csv = "id,name\nw_1,Crate\n";
    let export = server
        .mock("GET", "/api/public/v1/widgets/export")
        .with_header("content-type", "text/csv")
        .with_body(csv)
        .create();
    let (code, out, err) = opentrain_api(bin, &url, &["api", "exportWidgets"], b"");
    assert_eq!((code, out.as_str()), (0, csv), "{err}");
    export.assert();

    // The regenerated table's limits and names hold for the new operation too.
    let args = ["api", "listWidgets", "-f", "limit=500"];
    let (code, _, err) = opentrain_api(bin, &url, &args, b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("500 is above the maximum 100"), "{err}");
    let (code, _, err) =
        opentrain_api(bin, &url, &["api", "createWidget", "-f", "colour=red"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("createWidget takes no field `colour`; it takes: kind, name"),
        "{err}"
    );
}

/// Regenerates the client from the changed spec in a scratch copy of the workspace, builds every
/// crate there, and calls the new operations through the facade and `opentrain api` against
/// mockito.
#[test]
fn the_regenerated_workspace_builds_and_calls_the_new_operations() {
    let _serial = serial();
    let started = Instant::now();
    let layout = Layout::new();
    let ws = layout.scratch.join("ws");
    fs::create_dir_all(&ws).unwrap();

    // The changed spec as refresh writes it, and the client generated from it.
    let t = Instant::now();
    let original = tests::spec();
    let changed = changed_spec(&original);
    let violations = opentrain_spec::check(&changed);
    assert!(violations.is_empty(), "gate: {violations:#?}");
    let spec_text = opentrain_spec::to_canonical_string(&changed);
    let spec_path = layout.scratch.join("openapi.json");
    fs::write(&spec_path, &spec_text).unwrap();
    let generated = xtask::generate::generate(&spec_path)
        .unwrap_or_else(|e| panic!("the generator refused the changed spec:\n{e}"));
    let generate_time = t.elapsed();

    // The scratch copy: the workspace's files, the changed spec, the regenerated client and
    // the facade test of the new operations.
    let t = Instant::now();
    let mut files: BTreeMap<PathBuf, Vec<u8>> = workspace_files(&layout)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(layout.root.join(&rel))
                .unwrap_or_else(|e| panic!("read {}: {e}", rel.display()));
            (rel, bytes)
        })
        .collect();
    assert!(
        files.contains_key(Path::new("Cargo.lock")),
        "the workspace files include Cargo.lock"
    );
    files.insert("openapi.json".into(), spec_text.into_bytes());
    let gen_dir = xtask::generate::output_dir(Path::new("openapi.json"));
    for (rel, text) in generated {
        files.insert(gen_dir.join(rel), text.into_bytes());
    }
    let calls = fs::read_to_string(layout.root.join("tests/evolution/evolution_calls.rs"))
        .expect("the template tests/evolution/evolution_calls.rs");
    let call_tests = calls.matches("#[tokio::test").count();
    files.insert(
        "opentrain/tests/evolution_calls.rs".into(),
        calls.into_bytes(),
    );
    let (written, removed) = sync_tree(&ws, &files);
    let copy_time = t.elapsed();
    println!(
        "scratch workspace {}: {} files ({written} written, {removed} removed)",
        ws.display(),
        files.len()
    );

    // The workspace's own crates get a profile of their own in the scratch build: cargo names
    // a path crate's artifacts after its path relative to the workspace root, so the scratch
    // copy's `opentrain-gen` would otherwise overwrite the real one's artifacts in the shared
    // build directory, and a later build of the real workspace would take the changed client
    // for up to date. Any profile setting does; this one changes nothing else.
    let mut own_profile = Vec::new();
    for package in workspace_packages(&layout.root) {
        for profile in ["dev", "test", "release"] {
            own_profile.push("--config".to_owned());
            own_profile.push(format!(
                "profile.{profile}.package.{package}.codegen-units=255"
            ));
        }
    }
    let cargo = ScratchCargo {
        layout: &layout,
        ws: ws.clone(),
        own_profile,
    };

    let build = cargo.cargo(
        "build",
        &[
            "build",
            "--workspace",
            "--all-targets",
            "--message-format=json-render-diagnostics",
        ],
    );
    let build_time = build.elapsed;
    println!(
        "build: {build_time:.1?}, compiled {} crate(s): {}",
        build.compiled.len(),
        build.compiled.join(", ")
    );

    // The facade test the build made (what `cargo test -p opentrain --test evolution_calls`
    // runs; cargo test would compile some crates again with other features, for nothing), run
    // as cargo runs it: from its package's directory.
    let executable = test_executable(&build.stdout, "evolution_calls")
        .expect("the build reports the evolution_calls test executable");
    let mut run = Command::new(&executable);
    run.current_dir(ws.join("opentrain"))
        .env("CARGO_MANIFEST_DIR", ws.join("opentrain"));
    let calls = cargo.run("evolution_calls", run);
    let calls_time = calls.elapsed;
    println!("{}", calls.stdout);
    assert!(
        calls
            .stdout
            .contains(&format!("test result: ok. {call_tests} passed")),
        "the facade test did not report success:\n{}",
        calls.stdout
    );

    let t = Instant::now();
    let opentrain = artifact_executable(&build.stdout, "opentrain", "bin")
        .expect("the build reports the opentrain executable");
    command_calls_the_new_operations(&opentrain);
    let command_time = t.elapsed();
    println!(
        "spec evolution: generate {generate_time:.1?}, copy {copy_time:.1?}, build (cargo build --workspace --all-targets) {build_time:.1?}, facade calls (the evolution_calls test) {calls_time:.1?}, opentrain api calls {command_time:.1?}, total {:.1?}",
        started.elapsed()
    );
}

/// Shapes progenitor 0.15 cannot generate must be refused, by the gate (`spec check`) or the
/// generator, with a message that names the operation (its `operationId` or its path's JSON
/// pointer) and the parameters in question, never generated into a client that drops a
/// parameter or does not compile.
#[test]
fn shapes_progenitor_cannot_generate_are_refused_naming_the_operation_and_parameters() {
    let _serial = serial();
    let layout = Layout::new();
    let mut base = tests::spec();
    (GENERATED[0].apply)(&mut base);
    let mut problems = Vec::new();
    for refused in REFUSED {
        let name = refused.change.name;
        let mut doc = base.clone();
        (refused.change.apply)(&mut doc);
        let path_pointer = format!("/paths/{}", opentrain_spec::escape_pointer(refused.path));
        // A message a maintainer acts on: it says where (the operationId or a pointer into the
        // path item), that it is about a parameter, and which one (quoted, as `name`, "name"
        // or 'name').
        let about = |message: &str, parameter: &str| {
            (message.contains(refused.operation_id) || message.contains(&path_pointer))
                && message.contains("parameter")
                && ["`", "\"", "'"]
                    .iter()
                    .any(|q| message.contains(&format!("{q}{parameter}{q}")))
        };

        // The gate may give each parameter a violation of its own.
        let by_gate: Vec<String> = opentrain_spec::check(&doc)
            .iter()
            .map(ToString::to_string)
            .collect();
        if refused
            .parameters
            .iter()
            .all(|p| by_gate.iter().any(|m| about(m, p)))
        {
            println!("{name}: refused by the gate: {by_gate:#?}");
            continue;
        }
        let gate = if by_gate.is_empty() {
            "the gate passes it".to_owned()
        } else {
            format!("the gate's messages do not name it ({by_gate:?})")
        };

        let dir = layout.scratch.join("refused").join(name);
        fs::create_dir_all(&dir).unwrap();
        let spec_path = dir.join("openapi.json");
        fs::write(&spec_path, opentrain_spec::to_canonical_string(&doc)).unwrap();
        match xtask::generate::generate(&spec_path) {
            Err(message) if refused.parameters.iter().all(|p| about(&message, p)) => {
                println!("{name}: refused by the generator: {message}");
            }
            Err(message) => problems.push(format!(
                "{name} ({} at {path_pointer}, parameters {:?}): {gate}, and the generator \
                 refuses it without naming the operation and the parameters:\n    {}\n  \
                 (progenitor {})",
                refused.operation_id,
                refused.parameters,
                message.replace('\n', "\n    "),
                refused.progenitor
            )),
            Ok(_) => problems.push(format!(
                "{name} ({} at {path_pointer}, parameters {:?}): {gate}, and the generator \
                 generates it; progenitor {}",
                refused.operation_id, refused.parameters, refused.progenitor
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} shapes progenitor 0.15 cannot generate are not refused with a message naming \
         the operation and the parameters (a rule for `opentrain_spec::check`):\n\n{}",
        problems.len(),
        REFUSED.len(),
        problems.join("\n\n")
    );
}
