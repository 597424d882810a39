//! The structural diff between the committed `openapi.json` and the served spec: the facts a
//! generated client depends on (operations, parameters, request bodies, status codes, schema
//! properties, types, required/nullable, enum values), compared independently of key order and
//! formatting, each finding classified *breaking* or *additive*.
//!
//! Direction: findings are judged for a client generated from the committed spec (`old`) that
//! talks to the served API (`new`). A change is **breaking** when code that compiles against
//! today's client would fail to compile, fail at run time or silently misbehave: a removed
//! operation, field, parameter or enum value, a renamed operation (the Rust method name changes),
//! a newly required request field or parameter, a response field that became optional or
//! nullable, a type change, a new success status (today's client rejects it as unexpected).
//! Everything else (a new operation, optional field or parameter, enum value, error status) is
//! **additive**.
//!
//! Operation request and response shapes are compared with `$ref`s resolved, except that two
//! `$ref`s to the same component are not entered: components are compared once, by name, and
//! their findings are listed under `#/components/schemas/<Name>`. Whether a component change is
//! breaking depends on where the component is used (request, response or both), which is worked
//! out from the operations of both specs.

use Severity::{Additive, Breaking};
use opentrain_spec::{escape_pointer, operations, resolve};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::LazyLock;

/// The properties of a schema without properties, and the like.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

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
    fn new(mut findings: Vec<Finding>) -> Self {
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

/// Compares the committed spec `old` with the served spec `new` (both OpenAPI 3.0.x; convert 3.1
/// input with [`crate::convert::to_openapi_3_0`] first).
pub fn diff(old: &Value, new: &Value) -> DriftReport {
    let mut d = Differ {
        old,
        new,
        findings: Vec::new(),
        used_by: BTreeMap::new(),
    };
    d.operations();
    d.components();
    let mut report = DriftReport::new(d.findings);
    report.used_by = d.used_by;
    report
}

/// Where a schema is used: decides which direction of a change breaks a client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Usage {
    request: bool,
    response: bool,
}

impl Usage {
    const REQUEST: Usage = Usage {
        request: true,
        response: false,
    };
    const RESPONSE: Usage = Usage {
        request: false,
        response: true,
    };

    /// The worst severity over the directions the schema is used in.
    fn judge(self, request: Severity, response: Severity) -> Severity {
        let mut s = Severity::Additive;
        if self.request {
            s = s.max(request);
        }
        if self.response {
            s = s.max(response);
        }
        s
    }

    fn noun(self) -> &'static str {
        match (self.request, self.response) {
            (true, false) => "request field",
            (false, true) => "response field",
            _ => "field",
        }
    }
}

/// The place a schema comparison is at: pointers into both documents and the finding's owner.
#[derive(Clone)]
struct At<'a> {
    operation: &'a str,
    old: String,
    new: String,
    usage: Usage,
    depth: usize,
}

impl At<'_> {
    fn child(&self, token: &str) -> Self {
        let t = escape_pointer(token);
        At {
            operation: self.operation,
            old: format!("{}/{t}", self.old),
            new: format!("{}/{t}", self.new),
            usage: self.usage,
            depth: self.depth + 1,
        }
    }
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    findings: Vec<Finding>,
    used_by: BTreeMap<String, BTreeSet<String>>,
}

/// A parameter with where it was declared.
struct Param<'a> {
    pointer: String,
    value: &'a Value,
}

impl<'a> Differ<'a> {
    fn push(
        &mut self,
        operation: &str,
        kind: Kind,
        pointer: &str,
        detail: String,
        severity: Severity,
    ) {
        self.findings.push(Finding {
            operation: operation.to_owned(),
            kind,
            pointer: pointer.to_owned(),
            detail,
            severity,
        });
    }

    fn operations(&mut self) {
        let old_ops: BTreeMap<(String, String), _> = operations(self.old)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o))
            .collect();
        let new_ops: BTreeMap<(String, String), _> = operations(self.new)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o))
            .collect();
        for (key, o) in &old_ops {
            if !new_ops.contains_key(key) {
                self.push(
                    &o.label(),
                    Kind::OperationRemoved,
                    &o.pointer,
                    format!("operation {} {} removed", o.method.to_uppercase(), o.path),
                    Breaking,
                );
            }
        }
        for (key, n) in &new_ops {
            let Some(o) = old_ops.get(key) else {
                self.push(
                    &n.label(),
                    Kind::OperationAdded,
                    &n.pointer,
                    format!("operation {} {} added", n.method.to_uppercase(), n.path),
                    Additive,
                );
                continue;
            };
            let label = o.label();
            if o.id() != n.id() {
                self.push(
                    &label,
                    Kind::OperationRenamed,
                    &format!("{}/operationId", n.pointer),
                    format!(
                        "operationId `{}` renamed to `{}` (the generated method name changes)",
                        o.id().unwrap_or("-"),
                        n.id().unwrap_or("-")
                    ),
                    Breaking,
                );
            }
            self.parameters(&label, o.path, o.op, &o.pointer, n.op, &n.pointer);
            self.request_body(&label, o.op, &o.pointer, n.op, &n.pointer);
            self.responses(&label, o.op, &o.pointer, n.op, &n.pointer);
        }
    }

    fn collect_params(
        doc: &'a Value,
        path: &str,
        op: &'a Value,
        op_ptr: &str,
    ) -> BTreeMap<(String, String), Param<'a>> {
        let mut out = BTreeMap::new();
        let path_ptr = format!("/paths/{}/parameters", escape_pointer(path));
        let path_level = doc
            .pointer(&path_ptr)
            .and_then(Value::as_array)
            .map(|a| (path_ptr.clone(), a));
        let op_level = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| (format!("{op_ptr}/parameters"), a));
        // Operation-level parameters override path-level ones with the same name and location.
        for (base, list) in path_level.into_iter().chain(op_level) {
            for (i, p) in list.iter().enumerate() {
                let p = resolve(doc, p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
                out.insert(
                    (location.to_owned(), name.to_owned()),
                    Param {
                        pointer: format!("{base}/{i}"),
                        value: p,
                    },
                );
            }
        }
        out
    }

    fn parameters(
        &mut self,
        label: &str,
        path: &str,
        o: &'a Value,
        o_ptr: &str,
        n: &'a Value,
        n_ptr: &str,
    ) {
        let old = Self::collect_params(self.old, path, o, o_ptr);
        let new = Self::collect_params(self.new, path, n, n_ptr);
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        for ((location, name), p) in &old {
            if !new.contains_key(&(location.clone(), name.clone())) {
                self.push(
                    label,
                    Kind::ParameterRemoved,
                    &p.pointer,
                    format!("{location} parameter `{name}` removed"),
                    Breaking,
                );
            }
        }
        for ((location, name), np) in &new {
            let Some(op) = old.get(&(location.clone(), name.clone())) else {
                let req = required(np.value);
                self.push(
                    label,
                    Kind::ParameterAdded,
                    &np.pointer,
                    if req {
                        format!("required {location} parameter `{name}` added")
                    } else {
                        format!("optional {location} parameter `{name}` added")
                    },
                    if req { Breaking } else { Additive },
                );
                continue;
            };
            let (was, is) = (required(op.value), required(np.value));
            if was != is {
                self.push(
                    label,
                    Kind::ParameterRequiredChanged,
                    &np.pointer,
                    format!(
                        "{location} parameter `{name}` became {}",
                        if is { "required" } else { "optional" }
                    ),
                    if is { Breaking } else { Additive },
                );
            }
            if let (Some(os), Some(ns)) = (op.value.get("schema"), np.value.get("schema")) {
                let at = At {
                    operation: label,
                    old: format!("{}/schema", op.pointer),
                    new: format!("{}/schema", np.pointer),
                    usage: Usage::REQUEST,
                    depth: 0,
                };
                self.schema(os, ns, &at);
            }
        }
    }

    fn request_body(&mut self, label: &str, o: &'a Value, o_ptr: &str, n: &'a Value, n_ptr: &str) {
        let o_body = o.get("requestBody").map(|b| resolve(self.old, b));
        let n_body = n.get("requestBody").map(|b| resolve(self.new, b));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        let (o_body, n_body) = match (o_body, n_body) {
            (None, None) => return,
            (Some(_), None) => {
                self.push(
                    label,
                    Kind::RequestBodyRemoved,
                    &format!("{o_ptr}/requestBody"),
                    "request body removed".into(),
                    Breaking,
                );
                return;
            }
            (None, Some(b)) => {
                let req = required(b);
                self.push(
                    label,
                    Kind::RequestBodyAdded,
                    &format!("{n_ptr}/requestBody"),
                    format!(
                        "{} request body added",
                        if req { "required" } else { "optional" }
                    ),
                    if req { Breaking } else { Additive },
                );
                return;
            }
            (Some(a), Some(b)) => (a, b),
        };
        let (was, is) = (required(o_body), required(n_body));
        if was != is {
            self.push(
                label,
                Kind::RequestBodyRequiredChanged,
                &format!("{n_ptr}/requestBody/required"),
                format!(
                    "request body became {}",
                    if is { "required" } else { "optional" }
                ),
                if is { Breaking } else { Additive },
            );
        }
        let first_media = |b: &'a Value| {
            b.get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next())
                .map(|(k, v)| (k.as_str(), v))
        };
        match (first_media(o_body), first_media(n_body)) {
            (Some((om, ov)), Some((nm, nv))) if om == nm => {
                if let (Some(os), Some(ns)) = (ov.get("schema"), nv.get("schema")) {
                    let mt = escape_pointer(om);
                    let at = At {
                        operation: label,
                        old: format!("{o_ptr}/requestBody/content/{mt}/schema"),
                        new: format!("{n_ptr}/requestBody/content/{mt}/schema"),
                        usage: Usage::REQUEST,
                        depth: 0,
                    };
                    self.schema(os, ns, &at);
                }
            }
            (om, nm) if om.map(|m| m.0) != nm.map(|m| m.0) => self.push(
                label,
                Kind::RequestMediaTypeChanged,
                &format!("{n_ptr}/requestBody/content"),
                format!(
                    "request media type changed from {} to {}",
                    om.map_or("none", |m| m.0),
                    nm.map_or("none", |m| m.0)
                ),
                Breaking,
            ),
            _ => {}
        }
    }

    fn responses(&mut self, label: &str, o: &'a Value, o_ptr: &str, n: &'a Value, n_ptr: &str) {
        let o_resp = o
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let n_resp = n
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let is_success = |code: &str| code.starts_with('2');
        let json_schema = |doc: &'a Value, r: &'a Value| {
            resolve(doc, r).pointer("/content/application~1json/schema")
        };
        for (code, _) in o_resp.iter().filter(|(c, _)| !n_resp.contains_key(*c)) {
            let what = if is_success(code) { "success" } else { "error" };
            self.push(
                label,
                Kind::StatusRemoved,
                &format!("{o_ptr}/responses/{}", escape_pointer(code)),
                format!("{what} status {code} no longer documented"),
                Additive,
            );
        }
        for (code, nr) in n_resp {
            let ptr = format!("responses/{}", escape_pointer(code));
            let Some(or) = o_resp.get(code) else {
                if is_success(code) {
                    self.push(
                        label,
                        Kind::StatusAdded,
                        &format!("{n_ptr}/{ptr}"),
                        format!("success status {code} added (today's client reports it as an unexpected response)"),
                        Breaking,
                    );
                } else {
                    self.push(
                        label,
                        Kind::StatusAdded,
                        &format!("{n_ptr}/{ptr}"),
                        format!("error status {code} added"),
                        Additive,
                    );
                }
                continue;
            };
            match (json_schema(self.old, or), json_schema(self.new, nr)) {
                (Some(os), Some(ns)) => {
                    let at = At {
                        operation: label,
                        old: format!("{o_ptr}/{ptr}/content/application~1json/schema"),
                        new: format!("{n_ptr}/{ptr}/content/application~1json/schema"),
                        usage: Usage::RESPONSE,
                        depth: 0,
                    };
                    self.schema(os, ns, &at);
                }
                (Some(_), None) => self.push(
                    label,
                    Kind::ResponseBodyRemoved,
                    &format!("{o_ptr}/{ptr}/content"),
                    format!("status {code} no longer has a JSON body"),
                    Breaking,
                ),
                (None, Some(_)) => self.push(
                    label,
                    Kind::ResponseBodyAdded,
                    &format!("{n_ptr}/{ptr}/content"),
                    format!("status {code} now has a JSON body"),
                    Additive,
                ),
                (None, None) => {}
            }
        }
    }

    fn components(&mut self) {
        let o_schemas = self
            .old
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let n_schemas = self
            .new
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let old_labels: BTreeMap<(String, String), String> = operations(self.old)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o.label()))
            .collect();
        let users_old = component_users(self.old, &|_, _, label| label);
        // Operations of the served spec are named as the committed spec names them.
        let users_new = component_users(self.new, &|path, method, label| {
            old_labels
                .get(&(path.to_owned(), method.to_owned()))
                .cloned()
                .unwrap_or(label)
        });
        for (name, u) in users_old.iter().chain(&users_new) {
            self.used_by
                .entry(name.clone())
                .or_default()
                .extend(u.operations.iter().cloned());
        }
        for (name, _) in o_schemas
            .iter()
            .filter(|(k, _)| !n_schemas.contains_key(*k))
        {
            let ptr = format!("/components/schemas/{}", escape_pointer(name));
            self.push(
                &format!("#{ptr}"),
                Kind::SchemaRemoved,
                &ptr,
                format!("schema `{name}` removed"),
                Breaking,
            );
        }
        for (name, ns) in n_schemas {
            let ptr = format!("/components/schemas/{}", escape_pointer(name));
            let owner = format!("#{ptr}");
            let Some(os) = o_schemas.get(name) else {
                self.push(
                    &owner,
                    Kind::SchemaAdded,
                    &ptr,
                    format!("schema `{name}` added"),
                    Additive,
                );
                continue;
            };
            let used = |users: &BTreeMap<String, Users>, f: fn(Usage) -> bool| {
                users.get(name.as_str()).is_some_and(|u| f(u.usage))
            };
            let mut usage = Usage {
                request: used(&users_old, |u| u.request) || used(&users_new, |u| u.request),
                response: used(&users_old, |u| u.response) || used(&users_new, |u| u.response),
            };
            if usage == Usage::default() {
                // Not reachable from any operation (e.g. a webhook payload): the client decodes it.
                usage = Usage::RESPONSE;
            }
            let at = At {
                operation: &owner,
                old: ptr.clone(),
                new: ptr,
                usage,
                depth: 0,
            };
            self.schema(os, ns, &at);
        }
    }

    /// Compares two schemas at the same place.
    fn schema(&mut self, old: &'a Value, new: &'a Value, at: &At<'_>) {
        if at.depth > 48 {
            return;
        }
        let o = Norm::of(old);
        let n = Norm::of(new);
        if o.nullable != n.nullable {
            let noun = if at.depth == 0 { "schema" } else { "value" };
            let (detail, request, response) = if n.nullable {
                (format!("{noun} became nullable"), Additive, Breaking)
            } else {
                (format!("{noun} is no longer nullable"), Breaking, Additive)
            };
            self.push(
                at.operation,
                Kind::NullableChanged,
                &at.new,
                detail,
                at.usage.judge(request, response),
            );
        }
        match (o.reference, n.reference) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                self.push(
                    at.operation,
                    Kind::TypeChanged,
                    &at.new,
                    format!("type changed from `{}` to `{}`", ref_name(a), ref_name(b)),
                    Breaking,
                );
                return;
            }
            _ => {}
        }
        let ob = resolve(self.old, o.body);
        let nb = resolve(self.new, n.body);
        let (ot, nt) = (type_label(ob), type_label(nb));
        if ot != nt {
            let show = |r: Option<&str>, t: &str| {
                r.map_or_else(|| t.to_owned(), |r| format!("{} ({t})", ref_name(r)))
            };
            self.push(
                at.operation,
                Kind::TypeChanged,
                &at.new,
                format!(
                    "type changed from `{}` to `{}`",
                    show(o.reference, &ot),
                    show(n.reference, &nt)
                ),
                Breaking,
            );
            return;
        }
        self.enum_values(ob, nb, at);
        self.properties(ob, nb, at);
        if let (Some(oi), Some(ni)) = (ob.get("items"), nb.get("items")) {
            self.schema(oi, ni, &at.child("items"));
        }
        if let (Some(oa @ Value::Object(_)), Some(na @ Value::Object(_))) = (
            ob.get("additionalProperties"),
            nb.get("additionalProperties"),
        ) {
            self.schema(oa, na, &at.child("additionalProperties"));
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            self.alternatives(key, ob, nb, at);
        }
    }

    fn enum_values(&mut self, ob: &Value, nb: &Value, at: &At<'_>) {
        let (Some(oe), Some(ne)) = (
            ob.get("enum").and_then(Value::as_array),
            nb.get("enum").and_then(Value::as_array),
        ) else {
            return;
        };
        let show = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        for (i, v) in oe.iter().enumerate() {
            if !ne.contains(v) {
                self.push(
                    at.operation,
                    Kind::EnumValueRemoved,
                    &format!("{}/enum/{i}", at.old),
                    format!("enum value `{}` removed", show(v)),
                    Breaking,
                );
            }
        }
        for (i, v) in ne.iter().enumerate() {
            if !oe.contains(v) {
                self.push(
                    at.operation,
                    Kind::EnumValueAdded,
                    &format!("{}/enum/{i}", at.new),
                    format!("enum value `{}` added", show(v)),
                    Additive,
                );
            }
        }
    }

    fn properties(&mut self, ob: &'a Value, nb: &'a Value, at: &At<'_>) {
        let op = ob
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let np = nb
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        if op.is_empty() && np.is_empty() {
            return;
        }
        let req = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (o_req, n_req) = (req(ob), req(nb));
        let noun = at.usage.noun();
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            let child = at.child("properties").child(name);
            self.push(
                at.operation,
                Kind::FieldRemoved,
                &child.old,
                format!(
                    "{}{noun} `{name}` removed",
                    if o_req.contains(name) {
                        "required "
                    } else {
                        ""
                    }
                ),
                Breaking,
            );
        }
        for (name, ns) in np {
            let child = at.child("properties").child(name);
            let is = n_req.contains(name);
            let Some(os) = op.get(name) else {
                let (request, response) = if is {
                    (Breaking, Additive)
                } else {
                    (Additive, Additive)
                };
                self.push(
                    at.operation,
                    Kind::FieldAdded,
                    &child.new,
                    format!(
                        "{} {noun} `{name}` added",
                        if is { "required" } else { "optional" }
                    ),
                    at.usage.judge(request, response),
                );
                continue;
            };
            let was = o_req.contains(name);
            if was != is {
                let (detail, request, response) = if is {
                    (
                        format!("{noun} `{name}` became required"),
                        Breaking,
                        Additive,
                    )
                } else {
                    (
                        format!("{noun} `{name}` became optional"),
                        Additive,
                        Breaking,
                    )
                };
                self.push(
                    at.operation,
                    Kind::RequiredChanged,
                    &child.new,
                    detail,
                    at.usage.judge(request, response),
                );
            }
            self.schema(os, ns, &child);
        }
    }

    fn alternatives(&mut self, key: &str, ob: &'a Value, nb: &'a Value, at: &At<'_>) {
        let (Some(oa), Some(na)) = (
            ob.get(key).and_then(Value::as_array),
            nb.get(key).and_then(Value::as_array),
        ) else {
            return;
        };
        if oa.len() == na.len() {
            let base = at.child(key);
            for (i, (o, n)) in oa.iter().zip(na).enumerate() {
                self.schema(o, n, &base.child(&i.to_string()));
            }
            return;
        }
        let describe = |v: &Value| match v.get("$ref").and_then(Value::as_str) {
            Some(r) => ref_name(r).to_owned(),
            None => type_label(v),
        };
        let o_names: Vec<String> = oa.iter().map(describe).collect();
        let n_names: Vec<String> = na.iter().map(describe).collect();
        if key == "allOf" {
            self.push(
                at.operation,
                Kind::TypeChanged,
                &format!("{}/allOf", at.new),
                format!(
                    "allOf changed from [{}] to [{}]",
                    o_names.join(", "),
                    n_names.join(", ")
                ),
                Breaking,
            );
            return;
        }
        for (i, name) in o_names.iter().enumerate() {
            if !n_names.contains(name) {
                self.push(
                    at.operation,
                    Kind::VariantRemoved,
                    &format!("{}/{key}/{i}", at.old),
                    format!("{key} alternative `{name}` removed"),
                    at.usage.judge(Breaking, Additive),
                );
            }
        }
        for (i, name) in n_names.iter().enumerate() {
            if !o_names.contains(name) {
                self.push(
                    at.operation,
                    Kind::VariantAdded,
                    &format!("{}/{key}/{i}", at.new),
                    format!("{key} alternative `{name}` added"),
                    at.usage.judge(Additive, Breaking),
                );
            }
        }
    }
}

/// A schema with the 3.0 nullable-reference idiom (`allOf: [X], nullable: true`) unwrapped.
struct Norm<'a> {
    body: &'a Value,
    reference: Option<&'a str>,
    nullable: bool,
}

impl<'a> Norm<'a> {
    fn of(v: &'a Value) -> Self {
        let nullable = v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            return Norm {
                body: v,
                reference: Some(r),
                nullable,
            };
        }
        if let Some([only]) = v.get("allOf").and_then(Value::as_array).map(Vec::as_slice)
            && !v.get("type").is_some_and(|t| t != "object")
            && v.get("properties").is_none()
        {
            let inner = Norm::of(only);
            return Norm {
                nullable: nullable || inner.nullable,
                ..inner
            };
        }
        Norm {
            body: v,
            reference: None,
            nullable,
        }
    }
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// What decides the generated Rust type of a schema: its type and format, whether it is an enum,
/// and what it composes.
fn type_label(s: &Value) -> String {
    let format = s.get("format").and_then(Value::as_str);
    let base = match s.get("type").and_then(Value::as_str) {
        Some(t) => t.to_owned(),
        None if s.get("properties").is_some() || s.get("additionalProperties").is_some() => {
            "object".into()
        }
        None if s.get("items").is_some() => "array".into(),
        None if s.get("oneOf").is_some() => "oneOf".into(),
        None if s.get("anyOf").is_some() => "anyOf".into(),
        None if s.get("allOf").is_some() => "allOf".into(),
        None if s.get("enum").is_some() => "untyped".into(),
        None => "any".into(),
    };
    let mut label = match format {
        Some(f) => format!("{base}({f})"),
        None => base,
    };
    if s.get("enum").is_some() {
        label.push_str(" enum");
    }
    label
}

/// Where a component schema is used, and by which operations.
#[derive(Debug, Clone, Default)]
struct Users {
    usage: Usage,
    operations: BTreeSet<String>,
}

/// For every component schema, whether operations reach it (through `$ref`s, transitively) from
/// a request (parameters, request bodies) or a response, and which operations do. `label` names
/// an operation.
fn component_users(
    doc: &Value,
    label: &dyn Fn(&str, &str, String) -> String,
) -> BTreeMap<String, Users> {
    let mut out: BTreeMap<String, Users> = BTreeMap::new();
    for op in operations(doc) {
        let name = label(op.path, op.method, op.label());
        let mut roots_req: Vec<&Value> = Vec::new();
        let mut roots_resp: Vec<&Value> = Vec::new();
        let path_params = doc
            .pointer(&format!("/paths/{}/parameters", escape_pointer(op.path)))
            .and_then(Value::as_array);
        for p in op
            .op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .chain(path_params)
            .flatten()
        {
            roots_req.push(resolve(doc, p));
        }
        if let Some(b) = op.op.get("requestBody") {
            roots_req.push(resolve(doc, b));
        }
        if let Some(r) = op.op.get("responses").and_then(Value::as_object) {
            roots_resp.extend(r.values().map(|v| resolve(doc, v)));
        }
        for (roots, usage) in [(roots_req, Usage::REQUEST), (roots_resp, Usage::RESPONSE)] {
            let mut seen = BTreeSet::new();
            for root in roots {
                collect_refs(doc, root, &mut seen);
            }
            for schema in seen {
                let u = out.entry(schema).or_default();
                u.usage.request |= usage.request;
                u.usage.response |= usage.response;
                u.operations.insert(name.clone());
            }
        }
    }
    out
}

fn collect_refs(doc: &Value, v: &Value, seen: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && seen.insert(name.to_owned())
                && let Some(target) = doc.pointer(&r[1..])
            {
                collect_refs(doc, target, seen);
            }
            for (k, child) in map {
                if !matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                    collect_refs(doc, child, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(doc, c, seen)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/things": {
                    "post": {
                        "operationId": "createThing",
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}}},
                        "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
                    },
                    "get": {
                        "operationId": "listThings",
                        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}
                    }
                }
            },
            "components": {"schemas": {
                "NewThing": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}},
                "Thing": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"},
                    "state": {"$ref": "#/components/schemas/State"},
                    "note": {"type": "string", "nullable": true}
                }},
                "State": {"type": "string", "enum": ["a", "b"]}
            }}
        })
    }

    fn kinds(r: &DriftReport) -> Vec<(&str, Kind, Severity)> {
        r.findings
            .iter()
            .map(|f| (f.operation.as_str(), f.kind, f.severity))
            .collect()
    }

    #[test]
    fn identical_specs_have_no_drift() {
        let r = diff(&spec(), &spec());
        assert!(r.is_empty());
        assert_eq!(r.exit_code(), 0);
        assert_eq!(r.to_text(), "drift: none (0 breaking, 0 additive)\n");
    }

    #[test]
    fn direction_decides_required_and_nullable_changes() {
        let mut new = spec();
        let s = &mut new["components"]["schemas"];
        // Request side: an optional field becomes required → breaking.
        s["NewThing"]["required"] = json!(["name", "size"]);
        // Response side: a required field becomes optional, a nullable one non-null.
        s["Thing"]["required"] = json!([]);
        s["Thing"]["properties"]["note"] = json!({"type": "string"});
        s["State"]["enum"] = json!(["a", "b", "c"]);
        let r = diff(&spec(), &new);
        assert_eq!(
            kinds(&r),
            vec![
                (
                    "#/components/schemas/NewThing",
                    Kind::RequiredChanged,
                    Breaking
                ),
                ("#/components/schemas/State", Kind::EnumValueAdded, Additive),
                (
                    "#/components/schemas/Thing",
                    Kind::RequiredChanged,
                    Breaking
                ),
                (
                    "#/components/schemas/Thing",
                    Kind::NullableChanged,
                    Additive
                ),
            ]
        );
        assert_eq!(r.exit_code(), 2);
    }

    #[test]
    fn renames_params_and_status_codes() {
        let mut new = spec();
        let get = &mut new["paths"]["/things"]["get"];
        get["operationId"] = json!("getThings");
        get["parameters"][0]["required"] = json!(true);
        get["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "cursor", "in": "query", "schema": {"type": "string"}}));
        get["responses"]["404"] = json!({"description": "no"});
        let r = diff(&spec(), &new);
        assert_eq!(
            kinds(&r),
            vec![
                ("listThings", Kind::OperationRenamed, Breaking),
                ("listThings", Kind::ParameterRequiredChanged, Breaking),
                ("listThings", Kind::ParameterAdded, Additive),
                ("listThings", Kind::StatusAdded, Additive),
            ]
        );
        assert!(
            r.to_text().starts_with("listThings (GET /things)\n"),
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn ref_changes_and_nullable_refs() {
        let mut new = spec();
        new["components"]["schemas"]["Thing"]["properties"]["state"] =
            json!({"allOf": [{"$ref": "#/components/schemas/State"}], "nullable": true});
        new["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["items"] = json!({"$ref": "#/components/schemas/NewThing"});
        let r = diff(&spec(), &new);
        assert_eq!(
            kinds(&r),
            vec![
                ("listThings", Kind::TypeChanged, Breaking),
                (
                    "#/components/schemas/Thing",
                    Kind::NullableChanged,
                    Breaking
                ),
            ]
        );
        assert_eq!(
            r.findings[0].detail,
            "type changed from `Thing` to `NewThing`"
        );
    }
}
