//! Helpers shared by the cross-crate tests in `tests/tests/`: where the workspace files are, how
//! to read the committed spec, and scratch directories for the end-to-end tests.

use std::path::PathBuf;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The committed `openapi.json`, parsed.
pub fn spec() -> serde_json::Value {
    let path = workspace_root().join("openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The directory of docs example responses, one file per operation.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// The docs example `fixture` (e.g. `getMe.json`) as a newer server would send it: its
/// `<…_ID>` placeholders filled in (`ms_1`, `apr_1`, `ctr_1`, `job_1`) and a first member the
/// spec does not know, `"notInTheSpec": {"since": "2027"}`. For the tests that check a
/// response is handed on exactly as sent.
pub fn fixture_from_a_newer_server(fixture: &str) -> String {
    let path = fixtures_dir().join(fixture);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.replace("<MILESTONE_ID>", "ms_1")
        .replace("<APPROVAL_ID>", "apr_1")
        .replace("<CONTRACT_ID>", "ctr_1")
        .replace("<JOB_ID>", "job_1")
        .replacen('{', r#"{"notInTheSpec": {"since": "2027"}, "#, 1)
}

/// A mockito server answering like a newer server ([`fixture_from_a_newer_server`]):
/// `GET /api/public/v1/auth/me` with `me`, and `POST /api/public/v1/milestones/ms_1/fund`
/// with the 202 `pending`.
pub struct NewerServer {
    /// The server (its `url()` is the base URL to use).
    pub server: mockito::ServerGuard,
    /// The `GET /auth/me` body it sends.
    pub me: String,
    /// The `POST /milestones/ms_1/fund` 202 body it sends.
    pub pending: String,
}

impl NewerServer {
    /// Starts the server with its two mocks.
    pub async fn start() -> NewerServer {
        let mut server = mockito::Server::new_async().await;
        let me = fixture_from_a_newer_server("getMe.json");
        server
            .mock("GET", "/api/public/v1/auth/me")
            .with_header("content-type", "application/json")
            .with_body(&me)
            .create_async()
            .await;
        let pending = fixture_from_a_newer_server("fundMilestone.json");
        server
            .mock("POST", "/api/public/v1/milestones/ms_1/fund")
            .with_status(202)
            .with_header("content-type", "application/json")
            .with_body(&pending)
            .create_async()
            .await;
        NewerServer {
            server,
            me,
            pending,
        }
    }
}

/// Every fixture as `(file stem, operationId, bytes)`, sorted by file name. A file is named
/// `<operationId>.json` or `<operationId>.<variant>.json`.
pub fn fixtures() -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(fixtures_dir()) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        let operation = stem.split('.').next().unwrap_or(stem).to_owned();
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        out.push((stem.to_owned(), operation, bytes));
    }
    out.sort();
    out
}

/// Paths (`/a/0/b`) of every non-null value in `original` that is missing from `decoded`:
/// fields the generated types dropped. Empty arrays and objects count as present when the
/// decoded side omits them (the generated types skip empty collections when encoding).
pub fn lost_fields(original: &serde_json::Value, decoded: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    fn walk(o: &Value, d: Option<&Value>, path: String, out: &mut Vec<String>) {
        match (o, d) {
            (Value::Null, _) => {}
            (Value::Array(a), _) if a.is_empty() => {}
            (Value::Object(m), _) if m.is_empty() => {}
            (_, None) => out.push(path),
            (Value::Object(om), Some(Value::Object(dm))) => {
                for (k, v) in om {
                    walk(v, dm.get(k), format!("{path}/{k}"), out);
                }
            }
            (Value::Array(oa), Some(Value::Array(da))) => {
                for (i, v) in oa.iter().enumerate() {
                    walk(v, da.get(i), format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(original, Some(decoded), String::new(), &mut out);
    out
}

/// A fresh directory under the system's temporary directory, removed on drop: for the
/// credentials, cursor and temp files of tests (they never touch the real
/// `~/.config/opentrain`). The one scratch directory of every test in the workspace.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// Makes the directory; `label` names the test it serves, so a leftover is easy to trace.
    pub fn new(label: &str) -> Scratch {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "opentrain-{label}-test-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        Scratch(dir)
    }

    /// The directory itself.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// `relative` inside the directory (not created).
    pub fn join(&self, relative: impl AsRef<std::path::Path>) -> PathBuf {
        self.0.join(relative)
    }

    /// The names of every entry of the subdirectory `sub`, sorted (a leftover temporary file
    /// would show).
    pub fn entries(&self, sub: &str) -> Vec<String> {
        let dir = self.0.join(sub);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
