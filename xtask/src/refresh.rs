//! `spec refresh`: replace the committed spec with the served one, in a fixed order that never
//! leaves a half-written or ungenerable `openapi.json` behind.
//!
//! fetch → parse → convert 3.1 to 3.0.3 ([`crate::convert`]) → canonicalize
//! ([`opentrain_spec::to_canonical_string`]) → generator gate ([`opentrain_spec::check`]; any
//! violation is an error) → drift against the previous file ([`crate::drift`]) → atomic write
//! ([`crate::fsutil::write_atomic`]), skipped when the bytes are already the same.
//!
//! A 3.1 spec with constructs 3.0.3 cannot express fails the refresh (each construct is listed
//! with its pointer) unless `allow_lossy` is set, in which case they are dropped and listed as
//! warnings.

use crate::convert::{Loss, to_openapi_3_0};
use crate::drift::{DriftReport, diff};
use crate::{Error, counts, fetch, fsutil};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// What to refresh from and to.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// The served spec.
    pub url: String,
    /// The file to replace (the committed `openapi.json` by default).
    pub out: PathBuf,
    /// Timeout of the fetch.
    pub timeout: Duration,
    /// Write even when the 3.1 → 3.0.3 conversion had to drop constructs (they are listed as
    /// warnings); without it such a refresh fails and writes nothing.
    pub allow_lossy: bool,
}

/// How the new spec compares with the file it replaces.
#[derive(Debug, Clone)]
pub enum Previous {
    /// There was no file at `out`.
    Missing,
    /// The file could not be read or parsed (it is replaced all the same); the reason.
    Unreadable(String),
    /// The drift from the previous file to the new spec.
    Compared(DriftReport),
}

/// What a successful refresh did.
#[derive(Debug, Clone)]
pub struct RefreshOutcome {
    /// The file written (or left as it was).
    pub out: PathBuf,
    /// Where the spec came from.
    pub source: String,
    /// Operations in the new spec.
    pub operations: usize,
    /// Component schemas in the new spec.
    pub schemas: usize,
    /// The served version when it was converted (e.g. `3.1.0`).
    pub converted_from: Option<String>,
    /// Constructs dropped by a lossy conversion (only with `allow_lossy`).
    pub dropped: Vec<Loss>,
    /// Documentation-only conversion notes.
    pub notes: Vec<Loss>,
    /// The comparison with the previous file.
    pub previous: Previous,
    /// Whether the file changed (false: it already had exactly these bytes).
    pub written: bool,
}

impl RefreshOutcome {
    /// The one-line summary.
    pub fn summary_line(&self) -> String {
        let mut facts = format!("{} operations, {} schemas", self.operations, self.schemas);
        if let Some(v) = &self.converted_from {
            let _ = write!(facts, "; converted from OpenAPI {v}");
        }
        if !self.dropped.is_empty() {
            let _ = write!(facts, "; {} construct(s) dropped", self.dropped.len());
        }
        if self.written {
            format!(
                "spec refresh: wrote {} from {} ({facts})",
                self.out.display(),
                self.source
            )
        } else {
            format!(
                "spec refresh: {} unchanged, it already matches {} ({facts})",
                self.out.display(),
                self.source
            )
        }
    }

    /// The summary line, warnings and notes, then the drift report against the previous file.
    pub fn to_text(&self) -> String {
        let mut out = self.summary_line();
        out.push('\n');
        for d in &self.dropped {
            let _ = writeln!(out, "warning: dropped: {d}");
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        match &self.previous {
            Previous::Missing => out.push_str("drift: not computed (there was no previous file)\n"),
            Previous::Unreadable(why) => {
                let _ = writeln!(out, "drift: not computed (previous file unreadable: {why})");
            }
            Previous::Compared(report) => out.push_str(&report.to_text()),
        }
        out
    }
}

/// Fetches the served spec and refreshes `opts.out` from it (see the module docs for the order).
pub fn refresh(opts: &RefreshOptions) -> Result<RefreshOutcome, Error> {
    let served = fetch::fetch_spec(&opts.url, opts.timeout)?;
    refresh_from(served, &opts.url, opts)
}

/// Everything of [`refresh`] after the fetch: convert, canonicalize, gate, drift, write.
/// `source` names where `served` came from in the summary.
pub fn refresh_from(
    served: Value,
    source: &str,
    opts: &RefreshOptions,
) -> Result<RefreshOutcome, Error> {
    let conversion = to_openapi_3_0(served);
    if !conversion.losses.is_empty() && !opts.allow_lossy {
        return Err(Error::Lossy {
            losses: conversion.losses,
        });
    }
    let text = opentrain_spec::to_canonical_string(&conversion.doc);
    let violations = opentrain_spec::check(&conversion.doc);
    if !violations.is_empty() {
        return Err(Error::Gate { violations });
    }

    let previous_bytes = match std::fs::read(&opts.out) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: opts.out.clone(),
                source,
            });
        }
    };
    let previous = match &previous_bytes {
        None => Previous::Missing,
        Some(bytes) => match fetch::parse_spec(bytes, &format!("file {}", opts.out.display())) {
            Ok(prev) => Previous::Compared(diff(&to_openapi_3_0(prev).doc, &conversion.doc)),
            Err(e) => Previous::Unreadable(e.to_string()),
        },
    };
    let written = previous_bytes.as_deref() != Some(text.as_bytes());
    if written {
        fsutil::write_atomic(&opts.out, text.as_bytes())?;
    }
    let (operations, schemas) = counts(&conversion.doc);
    Ok(RefreshOutcome {
        out: opts.out.clone(),
        source: source.to_owned(),
        operations,
        schemas,
        converted_from: conversion.converted_from,
        dropped: if opts.allow_lossy {
            conversion.losses
        } else {
            Vec::new()
        },
        notes: conversion.notes,
        previous,
        written,
    })
}
