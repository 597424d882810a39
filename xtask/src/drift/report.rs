//! The result of a diff: each [`Finding`] with its [`Kind`] and [`Severity`], the counts of a
//! [`DriftReport`] and its exit code, and the two renderings of a report: text for a CI log (one
//! block per operation or component schema, headed by [`group_header`]) and JSON for tools.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How a finding affects a client generated from the committed spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Compatible: today's client keeps compiling and working.
    Additive,
    /// Today's client fails to compile, fails at run time, or misbehaves.
    Breaking,
}

impl Severity {
    /// `additive` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Additive => "additive",
            Severity::Breaking => "breaking",
        }
    }
}

/// What kind of change a finding is. Serialized in kebab case (`field-removed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A new operation (method + path).
    OperationAdded,
    /// An operation (method + path) is gone.
    OperationRemoved,
    /// Same method and path, new `operationId`.
    OperationRenamed,
    /// A new parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter became required or optional.
    ParameterRequiredChanged,
    /// An operation now takes a request body.
    RequestBodyAdded,
    /// An operation no longer takes a request body.
    RequestBodyRemoved,
    /// The request body became required or optional.
    RequestBodyRequiredChanged,
    /// The request body's media type changed.
    RequestMediaTypeChanged,
    /// A new response status code.
    StatusAdded,
    /// A response status code is gone.
    StatusRemoved,
    /// A response that had no JSON body has one now.
    ResponseBodyAdded,
    /// A response that had a JSON body has none now.
    ResponseBodyRemoved,
    /// A new component schema.
    SchemaAdded,
    /// A component schema is gone.
    SchemaRemoved,
    /// A new object property.
    FieldAdded,
    /// An object property is gone.
    FieldRemoved,
    /// A property became required or optional.
    RequiredChanged,
    /// A schema became nullable or non-nullable.
    NullableChanged,
    /// A schema's type, format or referenced component changed.
    TypeChanged,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// A new `oneOf`/`anyOf` alternative.
    VariantAdded,
    /// A `oneOf`/`anyOf` alternative is gone.
    VariantRemoved,
}

impl Kind {
    /// The kebab-case name used in both output formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::OperationRenamed => "operation-renamed",
            Kind::ParameterAdded => "parameter-added",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterRequiredChanged => "parameter-required-changed",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::RequestBodyRequiredChanged => "request-body-required-changed",
            Kind::RequestMediaTypeChanged => "request-media-type-changed",
            Kind::StatusAdded => "status-added",
            Kind::StatusRemoved => "status-removed",
            Kind::ResponseBodyAdded => "response-body-added",
            Kind::ResponseBodyRemoved => "response-body-removed",
            Kind::SchemaAdded => "schema-added",
            Kind::SchemaRemoved => "schema-removed",
            Kind::FieldAdded => "field-added",
            Kind::FieldRemoved => "field-removed",
            Kind::RequiredChanged => "required-changed",
            Kind::NullableChanged => "nullable-changed",
            Kind::TypeChanged => "type-changed",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::VariantAdded => "variant-added",
            Kind::VariantRemoved => "variant-removed",
        }
    }
}

/// One difference between the committed and the served spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The `operationId` the finding belongs to (the committed one when both exist; `METHOD path`
    /// when there is none), or `#/components/schemas/<Name>` for a component schema.
    pub operation: String,
    /// What changed.
    pub kind: Kind,
    /// RFC 6901 pointer: into the served spec, or into the committed spec for what the served
    /// spec no longer has.
    pub pointer: String,
    /// One sentence for a human.
    pub detail: String,
    /// Breaking or additive.
    pub severity: Severity,
}

impl Finding {
    fn sort_key(&self) -> (bool, &str, &str, Kind, &str) {
        (
            self.operation.starts_with('#'),
            &self.operation,
            &self.pointer,
            self.kind,
            &self.detail,
        )
    }
}

/// Counts of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of breaking findings.
    pub breaking: usize,
    /// Number of additive findings.
    pub additive: usize,
    /// The exit code of `spec drift` for this report (0, 1 or 2).
    pub exit_code: i32,
}

/// Every finding between two specs, sorted: operations first (by `operationId`), then component
/// schemas (by name), each by pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// The findings, in their stable order.
    pub findings: Vec<Finding>,
    /// The counts.
    pub summary: Summary,
    /// For each component schema, the operations (of either spec) that use it; shown in the
    /// text report's schema headers.
    #[serde(skip)]
    pub used_by: BTreeMap<String, BTreeSet<String>>,
}

impl DriftReport {
    pub(super) fn new(mut findings: Vec<Finding>) -> Self {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup();
        let breaking = findings
            .iter()
            .filter(|f| f.severity == Severity::Breaking)
            .count();
        let additive = findings.len() - breaking;
        let exit_code = if breaking > 0 {
            crate::exit::BREAKING
        } else if additive > 0 {
            crate::exit::ADDITIVE
        } else {
            crate::exit::OK
        };
        DriftReport {
            findings,
            summary: Summary {
                breaking,
                additive,
                exit_code,
            },
            used_by: BTreeMap::new(),
        }
    }

    /// Whether the specs agree on every compared fact.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// The exit code of `spec drift`: 0 no drift, 1 additive only, 2 breaking.
    pub fn exit_code(&self) -> i32 {
        self.summary.exit_code
    }

    /// The last line of the text report, e.g. `drift: 3 breaking, 2 additive`.
    pub fn summary_line(&self) -> String {
        let s = self.summary;
        if self.is_empty() {
            "drift: none (0 breaking, 0 additive)".to_owned()
        } else {
            format!("drift: {} breaking, {} additive", s.breaking, s.additive)
        }
    }

    /// The report for a CI log: one block per operation or schema, one line per finding, and the
    /// summary line last.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut group: Option<&str> = None;
        for f in &self.findings {
            if group != Some(f.operation.as_str()) {
                group = Some(&f.operation);
                let _ = writeln!(out, "{}", group_header(f, &self.used_by));
            }
            let _ = writeln!(
                out,
                "  {:<8}  {}: {}  ({})",
                f.severity.as_str(),
                f.kind.as_str(),
                f.detail,
                f.pointer
            );
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }

    /// The report for tools: `{"findings": [...], "summary": {...}}`, pretty-printed, stable
    /// order, trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn group_header(f: &Finding, used_by: &BTreeMap<String, BTreeSet<String>>) -> String {
    if let Some(name) = f.operation.strip_prefix("#/components/schemas/") {
        let users: Vec<&str> = used_by
            .get(name)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        return match users.len() {
            0 => format!("schema {name} (used by no operation)"),
            1..=6 => format!("schema {name} (used by {})", users.join(", ")),
            n => format!(
                "schema {name} (used by {} and {} more)",
                users[..5].join(", "),
                n - 5
            ),
        };
    }
    // Operation pointers start with /paths/<path>/<method>.
    let mut tokens = f.pointer.split('/').skip(1);
    if let (Some("paths"), Some(path), Some(method)) = (tokens.next(), tokens.next(), tokens.next())
    {
        let path = path.replace("~1", "/").replace("~0", "~");
        return format!("{} ({} {path})", f.operation, method.to_uppercase());
    }
    f.operation.clone()
}
