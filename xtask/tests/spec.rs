//! End-to-end tests of `cargo xtask spec ...`: the CLI runs in-process against a mockito server
//! and temporary copies of the spec, and every report is snapshotted with insta.
//!
//! The snapshot tests use the self-contained fixture `tests/fixtures/spec.json`, so they never
//! churn when `openapi.json` changes; the `committed_*` tests work on whatever `openapi.json`
//! holds and assert without snapshots.

use serde_json::{Map, Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use xtask::convert::walk_schemas_mut;
use xtask::drift::{Kind, Severity, diff};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec.json")
}

fn fixture() -> Value {
    serde_json::from_str(&fs::read_to_string(fixture_path()).unwrap()).unwrap()
}

fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.json")
}

fn committed() -> Value {
    serde_json::from_str(&fs::read_to_string(committed_path()).unwrap()).unwrap()
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A copy of the fixture (or of `bytes`) named `openapi.json` in this directory.
    fn spec(&self, bytes: &[u8]) -> PathBuf {
        let p = self.0.join("openapi.json");
        fs::write(&p, bytes).unwrap();
        p
    }

    fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Serves `body` at `/openapi.json`.
fn serve(status: usize, content_type: &str, body: impl AsRef<[u8]>) -> mockito::ServerGuard {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/openapi.json")
        .with_status(status)
        .with_header("content-type", content_type)
        .with_body(body)
        .create();
    server
}

fn serve_json(doc: &Value) -> mockito::ServerGuard {
    serve(200, "application/json", serde_json::to_vec(doc).unwrap())
}

fn url(server: &mockito::ServerGuard) -> String {
    format!("{}/openapi.json", server.url())
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn run(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = xtask::cli::run(&args, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

/// Replaces the run-specific parts of a report (server address, temp dir) with placeholders.
fn redact(text: &str, server: &mockito::ServerGuard, dir: &TempDir) -> String {
    text.replace(&server.url(), "http://<server>")
        .replace(&dir.0.display().to_string(), "<tmp>")
}

fn drift(server: &mockito::ServerGuard, spec: &Path, format: &str) -> Run {
    run(&[
        "spec",
        "drift",
        "--url",
        &url(server),
        "--spec",
        spec.to_str().unwrap(),
        "--format",
        format,
    ])
}

fn refresh(server: &mockito::ServerGuard, out: &Path, extra: &[&str]) -> Run {
    let url = url(server);
    let mut args = vec![
        "spec",
        "refresh",
        "--url",
        &url,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The reverse of the refresh conversion: an OpenAPI 3.1 rendering of a 3.0 spec, using every
/// 3.1 idiom the converter understands (type arrays, `{type: "null"}` alternatives, numeric
/// exclusive bounds, `examples`).
fn to_3_1(mut doc: Value) -> Value {
    doc["openapi"] = json!("3.1.0");
    walk_schemas_mut(&mut doc, &mut |s, _| {
        for (flag, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if s.get(flag) == Some(&Value::Bool(true))
                && let Some(n) = s.remove(bound)
            {
                s.insert(flag.into(), n);
            }
        }
        if let Some(example) = s.remove("example") {
            s.insert("examples".into(), json!([example]));
        }
        match s.remove("nullable") {
            Some(Value::Bool(true)) => {}
            Some(_) | None => return,
        }
        let null_schema = json!({"type": "null"});
        if let Some(Value::String(t)) = s.get("type").cloned() {
            s.insert("type".into(), json!([t, "null"]));
        } else if let Some(Value::Array(only)) = s.get("allOf").cloned()
            && only.len() == 1
        {
            s.remove("allOf");
            s.insert("anyOf".into(), json!([only[0], null_schema]));
        } else if let Some(Value::Array(alts)) = s.get_mut("oneOf") {
            alts.push(null_schema);
        } else {
            let rest: Map<String, Value> = std::mem::take(s);
            s.insert("anyOf".into(), json!([rest, null_schema]));
        }
    });
    doc
}

// ---------------------------------------------------------------------------------------------
// Drift against a served spec
// ---------------------------------------------------------------------------------------------

#[test]
fn drift_of_the_same_spec_is_none_exit_0() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    // Served with other key order and formatting: drift is structural.
    let server = serve(200, "application/json", fixture().to_string());
    let r = drift(&server, &spec, "text");
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert_eq!(r.err, "");
    insta::assert_snapshot!("drift_none_text", r.out);
    let r = drift(&server, &spec, "json");
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("drift_none_json", r.out);
}

/// The served spec of the additive case: a new operation and a new enum value.
fn additive_variant() -> Value {
    let mut doc = fixture();
    doc["paths"]["/jobs/{jobId}/proposals"] = json!({"get": {
        "operationId": "listProposals",
        "tags": ["proposals"],
        "parameters": [{"name": "jobId", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "The job's proposals", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobPage"}}}},
            "404": {"$ref": "#/components/responses/Error"}
        }
    }});
    doc["components"]["schemas"]["JobStatus"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("PAUSED"));
    doc
}

#[test]
fn drift_additive_exit_1() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let server = serve_json(&additive_variant());
    let text = drift(&server, &spec, "text");
    assert_eq!(text.code, 1, "{}{}", text.out, text.err);
    insta::assert_snapshot!("drift_additive_text", text.out);
    let js = drift(&server, &spec, "json");
    assert_eq!(js.code, 1);
    insta::assert_snapshot!("drift_additive_json", js.out);
}

/// The served spec of the breaking case: a removed response field, a newly required request
/// field and a type change.
fn breaking_variant() -> Value {
    let mut doc = fixture();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Job"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("proposalCount");
    schemas["JobCreate"]["properties"]["visibility"] =
        json!({"type": "string", "description": "PUBLIC or INVITE_ONLY"});
    schemas["JobCreate"]["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("visibility"));
    schemas["Approval"]["properties"]["expiresAt"] = json!({"type": "integer", "nullable": true});
    doc
}

#[test]
fn drift_breaking_exit_2() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let server = serve_json(&breaking_variant());
    let text = drift(&server, &spec, "text");
    assert_eq!(text.code, 2, "{}{}", text.out, text.err);
    insta::assert_snapshot!("drift_breaking_text", text.out);
    let js = drift(&server, &spec, "json");
    assert_eq!(js.code, 2);
    insta::assert_snapshot!("drift_breaking_json", js.out);
    let parsed: Value = serde_json::from_str(&js.out).unwrap();
    assert_eq!(parsed["summary"]["breaking"], 3);
}

#[test]
fn drift_reads_a_file_and_converts_3_1() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let served = dir.0.join("served.json");
    fs::write(&served, to_3_1(fixture()).to_string()).unwrap();
    let r = run(&[
        "spec",
        "drift",
        "--file",
        served.to_str().unwrap(),
        "--spec",
        spec.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.err
            .contains("is OpenAPI 3.1.0; compared after conversion"),
        "{}",
        r.err
    );
}

#[test]
fn drift_errors_exit_3() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let server = serve(502, "text/html", "<html>bad gateway</html>");
    let r = drift(&server, &spec, "text");
    assert_eq!(r.code, 3);
    assert_eq!(r.out, "");
    assert_eq!(
        redact(&r.err, &server, &dir),
        "error: GET http://<server>/openapi.json returned 502 Bad Gateway\n"
    );
    let r = run(&["spec", "drift", "--file", "/nonexistent/x.json"]);
    assert_eq!(r.code, 3);
    assert!(
        r.err
            .starts_with("error: cannot read /nonexistent/x.json: "),
        "{}",
        r.err
    );
}

// ---------------------------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------------------------

#[test]
fn refresh_converts_3_1_to_the_same_spec() {
    let dir = TempDir::new();
    let original = fs::read(fixture_path()).unwrap();
    let spec = dir.spec(&original);
    let served = to_3_1(fixture());
    assert_ne!(served, fixture());
    let server = serve_json(&served);
    let r = refresh(&server, &spec, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    // Semantically and byte-for-byte the committed file: nothing to write.
    assert_eq!(fs::read(&spec).unwrap(), original);
    insta::assert_snapshot!("refresh_from_3_1", redact(&r.out, &server, &dir));
    assert_eq!(dir.entries(), vec!["openapi.json"]);
}

#[test]
fn refresh_writes_changes_and_reports_drift_against_the_previous_file() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let server = serve_json(&breaking_variant());
    let r = refresh(&server, &spec, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    insta::assert_snapshot!("refresh_breaking", redact(&r.out, &server, &dir));
    let written = fs::read_to_string(&spec).unwrap();
    assert_eq!(
        written,
        opentrain_spec::to_canonical_string(&breaking_variant())
    );
    assert_eq!(dir.entries(), vec!["openapi.json"]);
}

#[test]
fn refresh_is_idempotent() {
    let dir = TempDir::new();
    let out = dir.0.join("fresh.json");
    // The served copy is compact and 3.1: the written file is canonical 3.0.3 all the same.
    let server = serve_json(&to_3_1(additive_variant()));
    let first = refresh(&server, &out, &[]);
    assert_eq!(first.code, 0, "{}{}", first.out, first.err);
    let bytes = fs::read(&out).unwrap();
    let second = refresh(&server, &out, &[]);
    assert_eq!(second.code, 0, "{}{}", second.out, second.err);
    assert_eq!(
        fs::read(&out).unwrap(),
        bytes,
        "a second refresh changed the file"
    );
    insta::assert_snapshot!(
        "refresh_idempotent",
        format!(
            "{}---\n{}",
            redact(&first.out, &server, &dir),
            redact(&second.out, &server, &dir)
        )
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&bytes).unwrap(),
        additive_variant()
    );
}

/// Runs a refresh that must fail, and checks the committed copy is untouched and no temporary
/// file is left behind. Returns the redacted stderr.
fn failed_refresh(server: &mockito::ServerGuard, extra: &[&str]) -> String {
    let dir = TempDir::new();
    let original = fs::read(fixture_path()).unwrap();
    let spec = dir.spec(&original);
    let r = refresh(server, &spec, extra);
    assert_eq!(r.code, 3, "{}{}", r.out, r.err);
    assert_eq!(r.out, "");
    assert_eq!(
        fs::read(&spec).unwrap(),
        original,
        "openapi.json was touched"
    );
    assert_eq!(dir.entries(), vec!["openapi.json"]);
    redact(&r.err, server, &dir)
}

#[test]
fn refresh_of_html_fails_cleanly() {
    let server = serve(
        200,
        "text/html; charset=utf-8",
        "<!DOCTYPE html>\n<html><head><title>OpenTrain</title></head><body>Sign in</body></html>\n",
    );
    insta::assert_snapshot!("refresh_html", failed_refresh(&server, &[]));
}

#[test]
fn refresh_of_a_500_fails_cleanly() {
    let server = serve(
        500,
        "application/json",
        r#"{"error":"boom","code":"INTERNAL_ERROR"}"#,
    );
    insta::assert_snapshot!("refresh_500", failed_refresh(&server, &[]));
}

#[test]
fn refresh_of_a_truncated_body_fails_cleanly() {
    let full = opentrain_spec::to_canonical_string(&fixture());
    let server = serve(200, "application/json", &full[..full.len() / 2]);
    insta::assert_snapshot!("refresh_truncated", failed_refresh(&server, &[]));
}

#[test]
fn refresh_of_json_that_is_not_openapi_fails_cleanly() {
    let server = serve(
        200,
        "application/json",
        r#"{"error":"not found","code":"NOT_FOUND"}"#,
    );
    insta::assert_snapshot!("refresh_not_openapi", failed_refresh(&server, &[]));
}

#[test]
fn refresh_of_a_spec_breaking_the_generator_gate_fails_cleanly() {
    let mut doc = fixture();
    doc["paths"]["/jobs/{jobId}"]["get"]["operationId"] = json!("getMe");
    doc["paths"]["/jobs"]["post"]["requestBody"]["content"]["multipart/form-data"] =
        json!({"schema": {"type": "object"}});
    let server = serve_json(&doc);
    insta::assert_snapshot!("refresh_gate", failed_refresh(&server, &[]));
}

/// A 3.1 spec with constructs 3.0.3 cannot express.
fn lossy_3_1() -> Value {
    let mut doc = to_3_1(fixture());
    doc["webhooks"] =
        json!({"jobPublished": {"post": {"responses": {"200": {"description": "ok"}}}}});
    doc["components"]["schemas"]["JobCreate"]["properties"]["skills"]["prefixItems"] =
        json!([{"type": "string"}]);
    doc["components"]["schemas"]["Me"]["properties"]["id"]["type"] = json!(["string", "integer"]);
    doc
}

#[test]
fn refresh_of_a_lossy_3_1_spec_fails_listing_every_construct() {
    let server = serve_json(&lossy_3_1());
    insta::assert_snapshot!("refresh_lossy", failed_refresh(&server, &[]));
}

#[test]
fn refresh_allow_lossy_writes_with_warnings() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let server = serve_json(&lossy_3_1());
    let r = refresh(&server, &spec, &["--allow-lossy"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    insta::assert_snapshot!("refresh_lossy_allowed", redact(&r.out, &server, &dir));
    let written: Value = serde_json::from_slice(&fs::read(&spec).unwrap()).unwrap();
    assert_eq!(written["openapi"], "3.0.3");
    assert!(written.get("webhooks").is_none());
}

#[test]
fn refresh_times_out() {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/openapi.json")
        .with_status(200)
        .with_chunked_body(|w| {
            std::thread::sleep(Duration::from_millis(1500));
            w.write_all(b"{}")
        })
        .create();
    let err = failed_refresh(&server, &["--timeout", "0.3"]);
    assert_eq!(
        err,
        "error: GET http://<server>/openapi.json timed out after 0.3s\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Check and fmt
// ---------------------------------------------------------------------------------------------

#[test]
fn check_passes_on_the_fixture_and_lists_every_violation_otherwise() {
    let dir = TempDir::new();
    let spec = dir.spec(&fs::read(fixture_path()).unwrap());
    let ok = run(&["spec", "check", "--spec", spec.to_str().unwrap()]);
    assert_eq!(ok.code, 0, "{}{}", ok.out, ok.err);
    let mut doc = fixture();
    doc["paths"]["/jobs"]["get"]["parameters"][0]["schema"] =
        json!({"type": "string", "enum": ["OPEN"]});
    doc["paths"]["/jobs"]["get"]["parameters"][1]["in"] = json!("cookie");
    doc["paths"]["/auth/me"]["get"]
        .as_object_mut()
        .unwrap()
        .remove("operationId");
    doc["paths"]["/jobs/{jobId}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"type": "object"});
    doc["paths"]["/jobs/{jobId}"]["get"]["responses"]["201"] = json!({"description": "other", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}});
    let broken = dir.0.join("broken.json");
    fs::write(&broken, doc.to_string()).unwrap();
    let bad = run(&["spec", "check", "--spec", broken.to_str().unwrap()]);
    assert_eq!(bad.code, 1, "{}{}", bad.out, bad.err);
    let dummy = mockito::Server::new();
    insta::assert_snapshot!(
        "check",
        format!(
            "{}---\n{}",
            redact(&ok.out, &dummy, &dir),
            redact(&bad.out, &dummy, &dir)
        )
    );
}

#[test]
fn fmt_rewrites_in_canonical_form() {
    let dir = TempDir::new();
    let spec = dir.spec(fixture().to_string().as_bytes());
    let arg = spec.to_str().unwrap();
    assert_eq!(run(&["spec", "fmt", "--check", "--spec", arg]).code, 1);
    assert_eq!(run(&["spec", "fmt", "--spec", arg]).code, 0);
    assert_eq!(fs::read(&spec).unwrap(), fs::read(fixture_path()).unwrap());
    assert_eq!(run(&["spec", "fmt", "--check", "--spec", arg]).code, 0);
}

// ---------------------------------------------------------------------------------------------
// The committed openapi.json (whatever it holds today)
// ---------------------------------------------------------------------------------------------

#[test]
fn committed_spec_passes_the_gate_is_canonical_and_has_no_drift_against_itself() {
    let doc = committed();
    let violations = opentrain_spec::check(&doc);
    assert!(
        violations.is_empty(),
        "openapi.json breaks the generator gate:\n{}",
        violations
            .iter()
            .map(|v| format!("  {v}\n"))
            .collect::<String>()
    );
    assert!(
        fs::read_to_string(committed_path()).unwrap() == opentrain_spec::to_canonical_string(&doc),
        "openapi.json is not in canonical form: run `cargo xtask spec fmt`"
    );
    assert!(diff(&doc, &doc).is_empty());
    let path = committed_path();
    let r = run(&[
        "spec",
        "drift",
        "--file",
        path.to_str().unwrap(),
        "--spec",
        path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let r = run(&["spec", "check", "--spec", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

#[test]
fn committed_spec_3_1_version_refreshes_to_an_equal_spec() {
    let dir = TempDir::new();
    let out = dir.0.join("openapi.json");
    let server = serve_json(&to_3_1(committed()));
    let r = refresh(&server, &out, &[]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let written: Value = serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
    let report = diff(&committed(), &written);
    assert!(report.is_empty(), "{}", report.to_text());
    // And the served 3.1 spec drifts 0 against the committed one.
    let spec = dir.spec(&fs::read(committed_path()).unwrap());
    let d = drift(&server, &spec, "text");
    assert_eq!(d.code, 0, "{}{}", d.out, d.err);
}

#[test]
fn committed_spec_with_an_added_operation_and_enum_value_is_additive() {
    let mut doc = committed();
    doc["paths"]["/xtask-drift-probe"] = json!({"get": {
        "operationId": "xtaskDriftProbe",
        "responses": {"200": {"description": "ok"}}
    }});
    let first_enum = opentrain_spec::string_enums(&doc).into_iter().next();
    if let Some(e) = &first_enum {
        doc["components"]["schemas"][&e.name]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("XTASK_PROBE_VALUE"));
    }
    let report = diff(&committed(), &doc);
    assert_eq!(report.exit_code(), 1, "{}", report.to_text());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Additive)
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.kind == Kind::OperationAdded)
    );
    if first_enum.is_some() {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.kind == Kind::EnumValueAdded)
        );
    }
}

#[test]
fn committed_spec_with_a_removed_field_required_request_field_and_type_change_is_breaking() {
    let old = committed();
    let mut doc = old.clone();
    let mut expected = vec![];

    // Every (schema, property) of the components, in name order.
    let props: Vec<(String, String)> = old
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(s, schema)| {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(move |(p, _)| (s.clone(), p.clone()))
        })
        .collect();

    // A type change: the first plain string property becomes an integer.
    let changed = props.iter().find(|(s, p)| {
        let prop = &old["components"]["schemas"][s]["properties"][p];
        prop["type"] == "string" && prop.get("enum").is_none()
    });
    if let Some((s, p)) = changed {
        doc["components"]["schemas"][s]["properties"][p]["type"] = json!("integer");
        expected.push(Kind::TypeChanged);
    }
    // A removed field: the first other property.
    if let Some((s, p)) = props.iter().find(|sp| Some(*sp) != changed) {
        doc["components"]["schemas"][s]["properties"]
            .as_object_mut()
            .unwrap()
            .remove(p);
        expected.push(Kind::FieldRemoved);
    }
    // A newly required request field: in the first request body that is an object, else a new
    // required query parameter.
    let body_target = opentrain_spec::operations(&old).into_iter().find_map(|op| {
        let schema = op
            .op
            .pointer("/requestBody/content/application~1json/schema")?;
        let pointer = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r.strip_prefix('#')?.to_owned(),
            None => format!(
                "{}/requestBody/content/application~1json/schema",
                op.pointer
            ),
        };
        old.pointer(&pointer)?.get("properties")?;
        Some(pointer)
    });
    match body_target {
        Some(pointer) => {
            let target = doc.pointer_mut(&pointer).unwrap();
            target["properties"]["xtaskProbe"] = json!({"type": "string"});
            match target.get_mut("required").and_then(Value::as_array_mut) {
                Some(r) => r.push(json!("xtaskProbe")),
                None => target["required"] = json!(["xtaskProbe"]),
            }
            expected.push(Kind::FieldAdded);
        }
        None => {
            let first = opentrain_spec::operations(&old)
                .first()
                .map(|op| op.pointer.clone());
            if let Some(p) = first {
                let op = doc.pointer_mut(&p).unwrap();
                let param = json!({"name": "xtaskProbe", "in": "query", "required": true, "schema": {"type": "string"}});
                match op.get_mut("parameters").and_then(Value::as_array_mut) {
                    Some(list) => list.push(param),
                    None => op["parameters"] = json!([param]),
                }
                expected.push(Kind::ParameterAdded);
            }
        }
    }
    assert!(!expected.is_empty(), "openapi.json has nothing to mutate");
    let report = diff(&old, &doc);
    assert_eq!(report.exit_code(), 2, "{}", report.to_text());
    for kind in expected {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.kind == kind && f.severity == Severity::Breaking),
            "no breaking {kind:?} in\n{}",
            report.to_text()
        );
    }
}

#[test]
fn generate_check_passes_on_the_committed_client_and_catches_a_stale_one() {
    // The committed spec gives exactly the checked-in files.
    let ok = run(&["generate", "--check"]);
    assert_eq!(ok.code, 0, "{}{}", ok.out, ok.err);
    assert!(ok.out.contains("4 files are up to date"), "{}", ok.out);

    // A copy of the workspace layout whose spec gained an enum value: `--check` names the
    // stale files and fails; `generate` rewrites them; `--check` passes again.
    let dir = TempDir::new();
    let mut doc = committed();
    doc["components"]["schemas"]["JobStatus"]["enum"]
        .as_array_mut()
        .expect("JobStatus is an enum")
        .push(json!("ARCHIVED_FOR_TEST"));
    let spec = dir.spec(&serde_json::to_vec_pretty(&doc).unwrap());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for name in [
        "opentrain-gen/src/generated/client.rs",
        "opentrain-gen/src/generated/operations.rs",
        "opentrain-types/src/generated/types.rs",
        "opentrain-types/src/generated/open_enums.rs",
    ] {
        let to = dir.0.join(name);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(workspace.join(name), to).unwrap();
    }
    let generated = dir.0.join("opentrain-types/src/generated");
    let spec = spec.to_str().unwrap();
    let stale = run(&["generate", "--check", "--spec", spec]);
    assert_eq!(stale.code, 1, "{}{}", stale.out, stale.err);
    assert!(stale.out.contains("open_enums.rs"), "{}", stale.out);
    let wrote = run(&["generate", "--spec", spec]);
    assert_eq!(wrote.code, 0, "{}{}", wrote.out, wrote.err);
    let enums = fs::read_to_string(generated.join("open_enums.rs")).unwrap();
    assert!(enums.contains("ARCHIVED_FOR_TEST"));
    assert!(enums.starts_with("// @generated by `cargo xtask generate`"));
    assert_eq!(run(&["generate", "--check", "--spec", spec]).code, 0);
}
