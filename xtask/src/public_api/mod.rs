//! `cargo xtask public-api [--check]`: the public API of the `opentrain` crate as a reviewed,
//! checked-in list, `opentrain/public-api.txt`, one sorted line per item.
//!
//! rustdoc describes the crate as JSON (`cargo rustdoc -- --output-format json`, unstable, so
//! run with `RUSTC_BOOTSTRAP=1` on the stable toolchain); [`walk`] finds what a user can name
//! from the crate root and at which path, `items` writes each item's lines, and [`render`] its
//! types and signatures. `--check` compares with the
//! checked-in list and prints the difference, so a change of the public surface is a visible,
//! reviewed part of a pull request rather than a side effect. Both modes print the count of
//! items per kind, the numbers a change reports as "before and after".
//!
//! The JSON is read as untyped `serde_json::Value`: the format changes between toolchains, and
//! an unknown node renders as `_` instead of failing the whole listing.

mod items;
pub mod render;
pub mod walk;

pub use walk::{PublicApi, public_api};

use crate::{Error, exit, fsutil};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package whose public API is listed.
pub const PACKAGE: &str = "opentrain";

/// The checked-in list, relative to the workspace.
pub const SNAPSHOT: &str = "opentrain/public-api.txt";

/// The first line of the list.
pub const HEADER: &str = "# The public API of the `opentrain` crate, one item a line. Regenerate with `cargo xtask public-api` and review the diff.";

/// The rustdoc JSON `format_version` this reader was written and tested against.
pub const TESTED_FORMAT_VERSION: u64 = 57;

/// The oldest format this reader can make sense of: externally tagged enums (26) and
/// `type_alias` (27).
pub const MIN_FORMAT_VERSION: u64 = 27;

/// How many lines of rustdoc's stderr a failure shows.
const STDERR_TAIL: usize = 40;

/// Runs the command: rustdoc on [`PACKAGE`] in the workspace at `workspace`, then writes (or,
/// with `check`, compares) [`SNAPSHOT`].
pub fn run(
    workspace: &Path,
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    let _ = writeln!(
        err,
        "public-api: running rustdoc on `{PACKAGE}` (JSON output)..."
    );
    let json = rustdoc_json(workspace).map_err(Error::PublicApi)?;
    let doc = read_json(&json).map_err(Error::PublicApi)?;
    report(&doc, &workspace.join(SNAPSHOT), check, out, err)
}

/// From the rustdoc JSON `doc` on: lists the API, prints the counts, then writes `snapshot`, or
/// with `check` compares it (exit 1 and the difference when it is stale).
pub fn report(
    doc: &Value,
    snapshot: &Path,
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Error> {
    if let Some(warning) = check_format_version(doc).map_err(Error::PublicApi)? {
        let _ = writeln!(err, "warning: {warning}");
    }
    let api = public_api(doc).map_err(Error::PublicApi)?;
    let text = snapshot_text(&api);
    let _ = writeln!(
        out,
        "public-api: {} items in `{PACKAGE}` ({})",
        api.len(),
        counts_text(&api)
    );
    let current = match std::fs::read_to_string(snapshot) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: snapshot.to_path_buf(),
                source,
            });
        }
    };
    let diff = diff(current.as_deref().unwrap_or(""), &text);
    if check {
        if current.as_deref() == Some(text.as_str()) {
            let _ = writeln!(
                out,
                "public-api --check: {} is up to date",
                snapshot.display()
            );
            return Ok(exit::OK);
        }
        let why = match (&current, diff.is_empty()) {
            (None, _) => "does not exist".to_owned(),
            (Some(_), true) => "differs only in its comments or layout".to_owned(),
            (Some(_), false) => format!(
                "differs from the crate's public API ({} added, {} removed)",
                diff.lines().filter(|l| l.starts_with('+')).count(),
                diff.lines().filter(|l| l.starts_with('-')).count()
            ),
        };
        let _ = writeln!(out, "public-api --check: {} {why}:", snapshot.display());
        if !diff.is_empty() {
            let _ = writeln!(out, "--- {} (checked in)", snapshot.display());
            let _ = writeln!(out, "+++ {} (from the source)", snapshot.display());
            let _ = write!(out, "{diff}");
        }
        let _ = writeln!(
            out,
            "run `cargo xtask public-api` and review the change (commit the list with it)"
        );
        return Ok(exit::ADDITIVE);
    }
    if current.as_deref() == Some(text.as_str()) {
        let _ = writeln!(out, "public-api: {} is unchanged", snapshot.display());
        return Ok(exit::OK);
    }
    fsutil::write_atomic(snapshot, text.as_bytes())?;
    let _ = writeln!(
        out,
        "public-api: wrote {} ({} line(s) added, {} removed)",
        snapshot.display(),
        diff.lines().filter(|l| l.starts_with('+')).count(),
        diff.lines().filter(|l| l.starts_with('-')).count()
    );
    Ok(exit::OK)
}

/// Runs `cargo rustdoc -p opentrain --lib` with JSON output in `workspace` (with the cargo this
/// process runs under, `$CARGO`) and returns the JSON file it wrote.
pub fn rustdoc_json(workspace: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // A directory of its own under the target directory: `RUSTC_BOOTSTRAP` changes how some
    // dependencies build (their build scripts probe for nightly features), so sharing the
    // ordinary one would rebuild them on the next ordinary build.
    let target = target_dir(&cargo, workspace)?.join("public-api");
    let output = Command::new(&cargo)
        .current_dir(workspace)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &target)
        .args(["rustdoc", "-p", PACKAGE, "--lib", "--"])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo rustdoc -p {PACKAGE}` failed ({}); the end of its output:\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), STDERR_TAIL)
        ));
    }
    let json = target
        .join("doc")
        .join(format!("{}.json", PACKAGE.replace('-', "_")));
    if !json.is_file() {
        return Err(format!(
            "`cargo rustdoc -p {PACKAGE}` succeeded but wrote no {}",
            json.display()
        ));
    }
    Ok(json)
}

/// The workspace's target directory as cargo resolves it (`CARGO_TARGET_DIR`, the config's
/// `build.target-dir`, or `target/`).
fn target_dir(cargo: &std::ffi::OsStr, workspace: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .current_dir(workspace)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` failed ({}):\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), STDERR_TAIL)
        ));
    }
    serde_json::from_slice::<Value>(&output.stdout)
        .ok()
        .and_then(|m| m.get("target_directory")?.as_str().map(PathBuf::from))
        .ok_or_else(|| "`cargo metadata` did not say where the target directory is".to_owned())
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Reads and parses the rustdoc JSON at `path`.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the rustdoc JSON {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("the rustdoc JSON {} is not valid JSON: {e}", path.display()))
}

/// Fails on a format this reader cannot read; a warning (not a failure) for a version other
/// than the tested one, whose listing may differ because the format did.
pub fn check_format_version(doc: &Value) -> Result<Option<String>, String> {
    let version = doc
        .get("format_version")
        .and_then(Value::as_u64)
        .ok_or("the rustdoc JSON has no `format_version`: is it rustdoc's JSON output?")?;
    if version < MIN_FORMAT_VERSION {
        return Err(format!(
            "the rustdoc JSON is format version {version}, older than this reader understands \
             ({MIN_FORMAT_VERSION} or newer); use a newer toolchain"
        ));
    }
    Ok((version != TESTED_FORMAT_VERSION).then(|| {
        format!(
            "the rustdoc JSON is format version {version}, this reader was written for \
             {TESTED_FORMAT_VERSION}: a change in the list may come from the format (look for `_` \
             or missing items), not from the crate"
        )
    }))
}

/// The file's text: the header, then the lines.
pub fn snapshot_text(api: &PublicApi) -> String {
    let mut text = format!("{HEADER}\n");
    for line in api.lines() {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// `fn: 120, struct: 30, ...`, kinds in alphabetical order.
pub fn counts_text(api: &PublicApi) -> String {
    api.counts()
        .iter()
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lines only `old` has (`-line`) and only `new` has (`+line`), in sorted order, one a line;
/// comment lines (`#`) and blank lines are ignored. Empty when both list the same items. The
/// lists are sorted sets, so this is their unified diff without context.
pub fn diff(old: &str, new: &str) -> String {
    let items = |text: &str| -> BTreeSet<String> {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let (old, new) = (items(old), items(new));
    let mut out = String::new();
    for line in old.union(&new) {
        match (old.contains(line), new.contains(line)) {
            (true, false) => out.push_str(&format!("-{line}\n")),
            (false, true) => out.push_str(&format!("+{line}\n")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn fixture() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/rustdoc-demo.json"))
            .expect("the fixture is JSON")
    }

    fn temp_file(name: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-public-api-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn report_to_strings(doc: &Value, path: &Path, check: bool) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = report(doc, path, check, &mut out, &mut err).unwrap();
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn writes_then_checks_the_list_and_shows_a_change_as_a_diff() {
        let path = temp_file("public-api.txt");
        let doc = fixture();

        // --check before the file exists: stale, every line added.
        let (code, out, _) = report_to_strings(&doc, &path, true);
        assert_eq!(code, exit::ADDITIVE, "{out}");
        assert!(out.contains("does not exist"), "{out}");
        assert!(out.contains("+struct demo::Widget\n"), "{out}");

        // Write, then --check passes; both print the counts.
        let (code, out, _) = report_to_strings(&doc, &path, false);
        assert_eq!(code, exit::OK);
        assert!(out.contains("fn: 4,"), "{out}");
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("# "), "{written}");
        assert!(written.contains("`cargo xtask public-api`"), "{written}");
        let (code, out, _) = report_to_strings(&doc, &path, true);
        assert_eq!(code, exit::OK, "{out}");
        assert!(
            out.contains("19 items in `opentrain` (enum: 1, field: 3, fn: 4,"),
            "{out}"
        );

        // A renamed method: one line removed, one added, and the instruction.
        let mut changed = doc.clone();
        changed["index"]["6"]["name"] = "grow".into();
        let (code, out, _) = report_to_strings(&changed, &path, true);
        assert_eq!(code, exit::ADDITIVE);
        assert!(
            out.contains(
                "+fn demo::Widget::grow(&mut self, by: u32) -> Self\n\
                 -fn demo::Widget::resize(&mut self, by: u32) -> Self\n"
            ),
            "{out}"
        );
        assert!(out.contains("(1 added, 1 removed)"), "{out}");
        assert!(out.contains("run `cargo xtask public-api`"), "{out}");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn the_format_version_is_checked() {
        let mut doc = fixture();
        assert_eq!(check_format_version(&doc), Ok(None));
        doc["format_version"] = 58.into();
        let warning = check_format_version(&doc).unwrap().unwrap();
        assert!(warning.contains("format version 58"), "{warning}");
        doc["format_version"] = 20.into();
        assert!(check_format_version(&doc).is_err());
        doc.as_object_mut().unwrap().remove("format_version");
        assert!(check_format_version(&doc).is_err());
    }

    #[test]
    fn the_diff_ignores_comments_and_order() {
        assert_eq!(diff("# a\nx\ny\n", "# b\ny\nx\n"), "");
        assert_eq!(diff("a\nc\n", "b\nc\nd\n"), "-a\n+b\n+d\n");
    }

    #[test]
    fn a_missing_json_file_is_named_in_the_error() {
        let path = temp_file("nowhere.json");
        let e = read_json(&path).unwrap_err();
        assert!(e.contains("nowhere.json"), "{e}");
    }

    #[test]
    fn the_stderr_tail_keeps_the_last_lines() {
        assert_eq!(tail("1\n2\n3\n4", 2), "3\n4");
        assert_eq!(tail("only", 5), "only");
    }
}
