//! The maintainers' spec tasks of opentrain-rs, as a library the `cargo xtask` binary and the
//! tests share: `spec refresh` (fetch the served spec, convert 3.1 to 3.0.3, canonicalize, gate,
//! write atomically), `spec drift` (a structural, breaking/additive diff against the committed
//! `openapi.json`), `spec check` (the generator-constraint gate of [`opentrain_spec::check`]) and
//! `spec fmt` (rewrite a spec in canonical form), `generate [--check]` (write, or verify,
//! the checked-in raw client of `opentrain-gen`) and `public-api [--check]` (write, or verify,
//! the reviewed list of the `opentrain` crate's public API).
//!
//! Every command is a function here ([`refresh::refresh`], [`drift::diff`], [`cli::run`], ...)
//! so tests call them directly, against local servers and temporary copies of the spec.

pub mod cli;
pub mod convert;
pub mod drift;
mod error;
pub mod fetch;
pub mod fsutil;
pub mod generate;
pub mod public_api;
pub mod refresh;

pub use error::Error;

use std::path::PathBuf;

/// The spec served by the OpenTrain Public API, the default of every `--url`.
pub const DEFAULT_URL: &str = "https://app.opentrain.ai/api/public/v1/openapi.json";

/// Process exit codes of `cargo xtask`.
pub mod exit {
    /// Success; for `spec drift`, no drift.
    pub const OK: i32 = 0;
    /// `spec drift`: additive changes only. `spec check`: violations found. `spec fmt --check`:
    /// the file is not canonical.
    pub const ADDITIVE: i32 = 1;
    /// `spec drift`: at least one breaking change.
    pub const BREAKING: i32 = 2;
    /// Any error (bad usage, network, not JSON, not OpenAPI, lossy conversion, gate violations
    /// during a refresh, I/O); the message is on stderr.
    pub const ERROR: i32 = 3;
}

/// The committed spec: `openapi.json` at the workspace root (the parent of this crate's
/// directory, fixed at compile time), or `./openapi.json` when that does not exist.
pub fn default_spec_path() -> PathBuf {
    let at_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|root| root.join("openapi.json"));
    match at_root {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("openapi.json"),
    }
}

/// The workspace root: the parent of this crate's directory, fixed at compile time.
pub fn workspace_root() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The number of operations and of component schemas of a spec, for summaries.
pub fn counts(doc: &serde_json::Value) -> (usize, usize) {
    let ops = opentrain_spec::operations(doc).len();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(serde_json::Value::as_object)
        .map_or(0, serde_json::Map::len);
    (ops, schemas)
}
