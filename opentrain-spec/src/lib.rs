//! The rules `openapi.json` must keep so that `opentrain-gen` can generate from it.
//!
//! progenitor 0.15 panics or silently degrades on several valid OpenAPI shapes (two success
//! schemas, multipart bodies, closed inline enums, ...). This crate first [`normalize`]s the
//! served spec in memory into the shapes generation handles well (inline string enums hoisted
//! into named schemas, error bodies keeping unknown keys, non-JSON request bodies reduced to the
//! one schema progenitor accepts), then turns the remaining limits into one readable gate
//! ([`check`], run on the normalized document but reporting pointers of the served one) that
//! `cargo xtask generate`, `spec check` and `spec refresh` run. It lists the string enums of a
//! (normalized) spec ([`string_enums`]) so the build can make every one of them open, and writes
//! the spec in its canonical form ([`to_canonical_string`]). `openapi.json` on disk stays the
//! served text. It depends on `serde_json` only, so it stays cheap to build.

mod normalize;

pub use normalize::{Hoisted, Normalized, normalize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// HTTP methods that OpenAPI path items may hold operations under.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One broken generator constraint, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// RFC 6901 pointer into the document, e.g. `/paths/~1jobs/get/responses/202`.
    pub pointer: String,
    /// The `operationId` (or `METHOD path` when it has none) the violation belongs to, if any.
    pub operation: Option<String>,
    /// What is wrong, in words a maintainer can act on.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "{op}: {} (at {})", self.message, self.pointer),
            None => write!(f, "{} (at {})", self.message, self.pointer),
        }
    }
}

/// An operation as the gate and the tools see it.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// `get`, `post`, ...
    pub method: &'a str,
    /// The path template, e.g. `/jobs/{id}`.
    pub path: &'a str,
    /// The operation object.
    pub op: &'a Value,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

impl Operation<'_> {
    /// The `operationId`, if present.
    pub fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// A name for messages: the operationId, else `METHOD path`.
    pub fn label(&self) -> String {
        self.id()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", self.method.to_uppercase(), self.path))
    }
}

/// Every operation of the document, in path then method order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(Operation {
                        method,
                        path,
                        op,
                        pointer: format!("/paths/{}/{method}", escape_pointer(path)),
                    });
                }
            }
        }
    }
    out
}

/// Escapes one reference token for a JSON pointer (RFC 6901).
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A named string enum of `components.schemas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringEnum {
    /// The component name, which is also the Rust type name.
    pub name: String,
    /// The documented values, in spec order.
    pub values: Vec<String>,
    /// The schema's description, if any.
    pub description: Option<String>,
}

/// Every `components.schemas` entry that is a string enum, sorted by name.
///
/// These are the schemas `opentrain-gen` replaces with open enums. Given the [`normalize`]d
/// document, the list includes the hoisted inline enums, so they are opened too.
pub fn string_enums(doc: &Value) -> Vec<StringEnum> {
    let mut out = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(values) = schema.get("enum").and_then(Value::as_array) else {
                continue;
            };
            if schema.get("type").and_then(Value::as_str) != Some("string") {
                continue;
            }
            out.push(StringEnum {
                name: name.clone(),
                values: values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Checks every generator constraint and returns all violations (empty when the spec is fine).
///
/// The gate runs on the [`normalize`]d document, which is what generation uses: inline string
/// enums are hoisted into named (and so open) schemas, non-JSON request bodies get the one
/// schema progenitor accepts, and error bodies keep unknown keys. Pointers are those of the
/// input document (normalization moves only enum schemas, and a pointer into a hoisted enum is
/// mapped back to where the enum was). The constraints are those of progenitor 0.15 and typify
/// 0.8 plus the open-enum rule of this workspace:
/// - `openapi` is a 3.0.x version;
/// - every operation has an `operationId`, unique across the document;
/// - all success responses of an operation (2xx, `2XX`, 101) share one body, and so do all
///   error responses (4xx, 5xx, their ranges and `default`): the same JSON schema, or all raw
///   bytes, or all empty (1xx and 3xx responses are neither, as for progenitor). A success body of any media type is accepted: an
///   `application/json` one is decoded, any other is returned as bytes;
/// - error bodies are `application/json` (progenitor leaves `problem+json` and other types
///   untyped);
/// - a JSON media type of a response or request has a `schema` and no `encoding`;
/// - a request body has exactly one media type, and it is one progenitor can send:
///   `application/json`, `application/x-www-form-urlencoded`, `application/octet-stream`,
///   `text/plain` or `text/x-markdown` (parameters such as `; charset=utf-8` allowed);
/// - no cookie parameters, no `deepObject` query parameters;
/// - an `enum` lists values, each once, and is either a string enum (named or inline: the build
///   makes every one open) or an `integer`/`number` enum whose values all have that type
///   (typify generates a *closed* newtype for it: an undocumented number fails to decode);
///   boolean, mixed and untyped non-string enums are refused;
/// - every local `$ref` resolves, and there are no non-local ones.
///
/// ```
/// let doc = serde_json::json!({"openapi": "3.1.0", "paths": {}});
/// let v = opentrain_spec::check(&doc);
/// assert_eq!(v[0].pointer, "/openapi");
/// ```
pub fn check(doc: &Value) -> Vec<Violation> {
    let normalized = normalize(doc);
    let mut out = check_normalized(&normalized.doc);
    // A violation inside a schema the normalization created is reported where it came from.
    let mut origins: BTreeMap<String, &str> = BTreeMap::new();
    for h in &normalized.hoisted {
        let new = format!("/components/schemas/{}", escape_pointer(&h.name));
        if doc.pointer(&new).is_none() {
            origins.entry(new).or_insert(&h.pointer);
        }
    }
    for v in &mut out {
        for (new, old) in &origins {
            if let Some(rest) = v.pointer.strip_prefix(new.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                v.pointer = format!("{old}{rest}");
                break;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The media types progenitor 0.15 can send as a request body (compared without parameters).
const REQUEST_MEDIA: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// The body of one response as progenitor types it: a JSON schema, raw bytes or nothing.
fn response_body(content: Option<&serde_json::Map<String, Value>>) -> String {
    match content {
        Some(c) => match normalize::json_media(c) {
            Some((_, media)) => media
                .get("schema")
                .map(Value::to_string)
                .unwrap_or_else(|| "<JSON without schema>".into()),
            None if c.is_empty() => "<no body>".into(),
            None => "<raw bytes>".into(),
        },
        None => "<no body>".into(),
    }
}

fn check_normalized(doc: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |pointer: String, operation: Option<String>, message: String| {
        out.push(Violation {
            pointer,
            operation,
            message,
        })
    };

    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => push(
            "/openapi".into(),
            None,
            format!(
                "OpenAPI version {v} is not 3.0.x (progenitor 0.15 reads 3.0 only; `cargo xtask spec refresh` converts 3.1)"
            ),
        ),
        None => push("/openapi".into(), None, "missing `openapi` version".into()),
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        push("/paths".into(), None, "missing `paths` object".into());
    }

    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for op in operations(doc) {
        let label = Some(op.label());
        match op.id() {
            None => push(
                op.pointer.clone(),
                label.clone(),
                "operation has no operationId (progenitor requires one)".into(),
            ),
            Some(id) => {
                if let Some(first) = seen_ids.insert(id.to_owned(), op.pointer.clone()) {
                    push(
                        format!("{}/operationId", op.pointer),
                        label.clone(),
                        format!("operationId `{id}` is also used at {first}"),
                    );
                }
            }
        }

        let responses = op.op.get("responses").and_then(Value::as_object);
        let mut success = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for (code, resp) in responses.into_iter().flatten() {
            let pointer = format!("{}/responses/{}", op.pointer, escape_pointer(code));
            let resolved = normalize::resolve_pointer(doc, &pointer).unwrap_or(pointer.clone());
            let resp = resolve(doc, resp);
            let content = resp.get("content").and_then(Value::as_object);
            if let Some((media, m)) = content.and_then(normalize::json_media) {
                let media_pointer = format!("{resolved}/content/{}", escape_pointer(media));
                if m.get("schema").is_none() {
                    push(
                        media_pointer.clone(),
                        label.clone(),
                        format!(
                            "response media type {media} has no schema; give it one (an empty schema `{{}}` for any JSON)"
                        ),
                    );
                }
                if m.get("encoding")
                    .is_some_and(|e| e.as_object().is_none_or(|e| !e.is_empty()))
                {
                    push(
                        format!("{media_pointer}/encoding"),
                        label.clone(),
                        format!(
                            "`encoding` on the {media} response body is not supported by progenitor 0.15; drop it from the spec copy"
                        ),
                    );
                }
            }
            let body = response_body(content);
            let is_success = code.starts_with('2') || code == "101";
            let is_error = code.starts_with('4') || code.starts_with('5') || code == "default";
            if is_success {
                success.insert(code.clone(), body.clone());
            }
            if is_error {
                if let Some(c) = content
                    && normalize::json_media(c).is_none()
                    && !c.is_empty()
                {
                    push(
                        pointer.clone(),
                        label.clone(),
                        format!(
                            "error body media types {:?}: declare the error as application/json (progenitor leaves other types untyped)",
                            c.keys().collect::<Vec<_>>()
                        ),
                    );
                }
                errors.insert(code.clone(), body);
            }
        }
        for (kind, group) in [("success (2xx)", &success), ("error", &errors)] {
            let distinct: BTreeSet<&String> = group.values().collect();
            if distinct.len() > 1 {
                let codes: Vec<&String> = group.keys().collect();
                let not_json = if distinct.iter().any(|b| b.starts_with('<')) {
                    " (a non-JSON or empty body counts as a schema of its own)"
                } else {
                    ""
                };
                push(
                    format!("{}/responses", op.pointer),
                    label.clone(),
                    format!(
                        "{kind} responses {codes:?} use {} different schemas{not_json}; progenitor 0.15 needs one (use a shared oneOf schema)",
                        distinct.len()
                    ),
                );
            }
        }

        if let Some(body) = op.op.get("requestBody") {
            let body_pointer =
                normalize::resolve_pointer(doc, &format!("{}/requestBody", op.pointer))
                    .unwrap_or_else(|| format!("{}/requestBody", op.pointer));
            let body = resolve(doc, body);
            let content = body.get("content").and_then(Value::as_object);
            let media: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
            let pointer = format!("{body_pointer}/content");
            if media.len() != 1 {
                push(
                    pointer.clone(),
                    label.clone(),
                    format!(
                        "request body has {} media types {media:?}; progenitor 0.15 needs exactly one",
                        media.len()
                    ),
                );
            }
            for (m, spec) in content.into_iter().flatten() {
                let media_pointer = format!("{pointer}/{}", escape_pointer(m));
                let essence = normalize::media_essence(m);
                if !REQUEST_MEDIA.contains(&essence) {
                    push(
                        media_pointer,
                        label.clone(),
                        format!(
                            "request body media type {m} cannot be sent: progenitor 0.15 can send only application/json, application/x-www-form-urlencoded, application/octet-stream, text/plain or text/x-markdown bodies; ask for one of those or leave the operation out of the spec copy"
                        ),
                    );
                    continue;
                }
                if matches!(
                    essence,
                    "application/json" | "application/x-www-form-urlencoded"
                ) {
                    if spec.get("schema").is_none() {
                        push(
                            media_pointer.clone(),
                            label.clone(),
                            format!("request body media type {m} has no schema; give it one"),
                        );
                    }
                    if spec
                        .get("encoding")
                        .is_some_and(|e| e.as_object().is_none_or(|e| !e.is_empty()))
                    {
                        push(
                            format!("{media_pointer}/encoding"),
                            label.clone(),
                            format!(
                                "`encoding` on the {m} request body is not supported by progenitor 0.15; drop it from the spec copy"
                            ),
                        );
                    }
                }
            }
        }

        let path_params = doc
            .pointer(&format!("/paths/{}/parameters", escape_pointer(op.path)))
            .and_then(Value::as_array);
        let op_params = op.op.get("parameters").and_then(Value::as_array);
        for (i, p) in op_params.into_iter().flatten().enumerate() {
            check_param(
                doc,
                p,
                format!("{}/parameters/{i}", op.pointer),
                &label,
                &mut push,
            );
        }
        for (i, p) in path_params.into_iter().flatten().enumerate() {
            check_param(
                doc,
                p,
                format!("/paths/{}/parameters/{i}", escape_pointer(op.path)),
                &label,
                &mut push,
            );
        }
        check_parameter_names(doc, &op, &label, &mut push);
    }

    walk_enums_and_refs(doc, doc, String::new(), &mut push);
    out
}

fn check_param(
    doc: &Value,
    p: &Value,
    pointer: String,
    label: &Option<String>,
    push: &mut impl FnMut(String, Option<String>, String),
) {
    let p = resolve(doc, p);
    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
    if p.get("in").and_then(Value::as_str) == Some("cookie") {
        push(
            pointer.clone(),
            label.clone(),
            format!("cookie parameter `{name}` is not supported by progenitor 0.15"),
        );
    }
    if p.get("style").and_then(Value::as_str) == Some("deepObject") {
        push(
            pointer,
            label.clone(),
            format!("deepObject parameter `{name}` is not supported by progenitor 0.15"),
        );
    }
}

/// The builder methods progenitor 0.15 writes beside one setter per parameter: a parameter
/// whose Rust name is one of these makes two methods of one name.
const BUILDER_METHODS: [&str; 2] = ["new", "send"];
/// The builder methods of an operation with a request body.
const BODY_METHODS: [&str; 2] = ["body", "body_map"];
/// The locals of progenitor 0.15's `send` it does not rename around a parameter (it does
/// rename `client`, `url`, `request`, `response` and `result`).
const UNRENAMED_LOCALS: [&str; 1] = ["header_map"];

/// Parameters progenitor 0.15 cannot tell apart: it keys an operation's parameters by their
/// Rust name (the snake case of the spec name), so two parameters with one Rust name (a path
/// and a query parameter both named `id`, `pageSize` beside `page_size`) cannot both be
/// generated, and a Rust name that is one of the builder's own methods or an unrenamed local
/// of its `send` does not compile.
fn check_parameter_names(
    doc: &Value,
    op: &Operation<'_>,
    label: &Option<String>,
    push: &mut impl FnMut(String, Option<String>, String),
) {
    // Operation-level parameters override path-level ones of the same name and location.
    let mut params: Vec<(String, String)> = Vec::new();
    let path_level = doc
        .pointer(&format!("/paths/{}/parameters", escape_pointer(op.path)))
        .and_then(Value::as_array);
    let op_level = op.op.get("parameters").and_then(Value::as_array);
    for p in op_level
        .into_iter()
        .flatten()
        .chain(path_level.into_iter().flatten())
    {
        let p = resolve(doc, p);
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if !params.iter().any(|(n, l)| n == name && l == location) {
            params.push((name.to_owned(), location.to_owned()));
        }
    }
    let pointer = format!("{}/parameters", op.pointer);
    let has_body = op.op.get("requestBody").is_some();
    let mut by_ident: BTreeMap<String, Vec<&(String, String)>> = BTreeMap::new();
    for param in &params {
        by_ident
            .entry(parameter_ident(&param.0))
            .or_default()
            .push(param);
    }
    for (ident, group) in &by_ident {
        let named: Vec<String> = group
            .iter()
            .map(|(name, location)| format!("`{name}` ({location})"))
            .collect();
        if group.len() > 1 {
            push(
                pointer.clone(),
                label.clone(),
                format!(
                    "parameters {} all become `{ident}` in Rust, and progenitor 0.15 keys an \
                     operation's parameters by that name, so it cannot generate them together; \
                     ask for distinct names, or leave all but one out of the spec copy",
                    named.join(" and ")
                ),
            );
        }
        let clash = if BUILDER_METHODS.contains(&ident.as_str())
            || (has_body && BODY_METHODS.contains(&ident.as_str()))
        {
            Some("a method of the operation's builder")
        } else if UNRENAMED_LOCALS.contains(&ident.as_str()) {
            Some("a variable of the generated request code")
        } else {
            None
        };
        if let Some(clash) = clash {
            push(
                pointer.clone(),
                label.clone(),
                format!(
                    "parameter {} becomes `{ident}` in Rust, which is also {clash} that \
                     progenitor 0.15 writes, so the client does not compile; ask for another \
                     name, or leave the parameter out of the spec copy",
                    named.join(" and ")
                ),
            );
        }
    }
}

/// The Rust name progenitor 0.15 gives a parameter: its name with every character that cannot
/// continue an identifier as a word break, in `heck`'s snake case; `_` before a leading digit,
/// `_` after a keyword.
fn parameter_ident(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|&c| c != '\'')
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut ident = normalize::words(&cleaned)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if ident.is_empty() {
        ident.push('x');
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if RUST_KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// Rust's strict and reserved keywords (as of edition 2024).
const RUST_KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Follows a local `$ref` (one level at a time, at most 32 hops); returns the input otherwise.
pub fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => match doc.pointer(&r[1..]) {
                Some(target) => v = target,
                None => return v,
            },
            _ => return v,
        }
    }
    v
}

/// What is wrong with the `enum` of a schema, if anything (see [`check`]).
fn enum_problem(schema: &serde_json::Map<String, Value>) -> Option<String> {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return Some("`enum` is not a list of values".into());
    };
    if values.is_empty() {
        return Some("enum lists no values".into());
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = values.iter().find(|v| !seen.insert(v.to_string())) {
        return Some(format!("enum lists {twice} twice"));
    }
    let non_null = || values.iter().filter(|v| !v.is_null());
    let ty = schema.get("type").and_then(Value::as_str);
    let ok = match ty {
        Some("string") => non_null().all(Value::is_string),
        None => non_null().all(Value::is_string),
        Some("integer") => values.iter().all(|v| v.is_i64() || v.is_u64()),
        Some("number") => values.iter().all(Value::is_number),
        _ => false,
    };
    if ok {
        return None;
    }
    Some(match ty {
        Some(t @ ("string" | "integer" | "number")) => {
            format!("enum of type `{t}` lists values of another type; list {t} values only")
        }
        Some(t) => format!(
            "enum of type `{t}` cannot be generated: only string enums (made open) and integer or number enums (generated closed) are supported"
        ),
        None => "enum without `type` lists non-string values; give it `type: string`, `integer` or `number` and values of that type".into(),
    })
}

fn walk_enums_and_refs(
    doc: &Value,
    v: &Value,
    pointer: String,
    push: &mut impl FnMut(String, Option<String>, String),
) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(local) = r.strip_prefix('#') {
                    if doc.pointer(local).is_none() {
                        push(
                            format!("{pointer}/$ref"),
                            None,
                            format!("$ref `{r}` does not resolve"),
                        );
                    }
                } else {
                    push(
                        format!("{pointer}/$ref"),
                        None,
                        format!("$ref `{r}` is not local; the spec must be self-contained"),
                    );
                }
            }
            if map.contains_key("enum")
                && is_schema_position(&pointer)
                && let Some(problem) = enum_problem(map)
            {
                push(format!("{pointer}/enum"), None, problem);
            }
            for (k, child) in map {
                // `example`/`default`/`enum` hold data, not schemas.
                if matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                    continue;
                }
                walk_enums_and_refs(doc, child, format!("{pointer}/{}", escape_pointer(k)), push);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk_enums_and_refs(doc, child, format!("{pointer}/{i}"), push);
            }
        }
        _ => {}
    }
}

/// Whether a pointer can address a schema object (not, say, the `properties` map itself,
/// whose keys are field names and could be named `enum`).
fn is_schema_position(pointer: &str) -> bool {
    !pointer.ends_with("/properties")
}

/// The canonical text form of a spec: keys sorted at every level, two-space indentation,
/// non-ASCII kept as UTF-8, and a trailing newline. Formatting the same value twice gives the
/// same bytes, so a refresh with no semantic change is a zero-line diff.
pub fn to_canonical_string(doc: &Value) -> String {
    let sorted = sort_keys(doc);
    let mut s = serde_json::to_string_pretty(&sorted).unwrap_or_default();
    s.push('\n');
    s
}

fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, sort_keys(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {
                    "operationId": "getA",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                        "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}}
                    }
                }}
            },
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/S"}}},
                "S": {"type": "string", "enum": ["x", "y"]},
                "Err": {"type": "object"}
            }}
        })
    }

    #[test]
    fn a_valid_spec_has_no_violations() {
        assert_eq!(check(&minimal()), vec![]);
    }

    fn with_parameters(params: Value, body: bool) -> Vec<String> {
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["parameters"] = params;
        if body {
            doc["paths"]["/a"]["get"]["requestBody"] =
                json!({"content": {"application/json": {"schema": {"type": "object"}}}});
        }
        check(&doc).iter().map(ToString::to_string).collect()
    }

    fn query(name: &str) -> Value {
        json!({"name": name, "in": "query", "schema": {"type": "string"}})
    }

    #[test]
    fn parameters_with_one_rust_name_are_refused_naming_each() {
        let path_id =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
        for params in [
            json!([path_id.clone(), query("id")]),
            json!([query("id"), path_id]),
            json!([query("pageSize"), query("page_size")]),
            json!([query("_url"), query("url")]),
            json!([query("Self"), query("self")]),
        ] {
            let found = with_parameters(params.clone(), false);
            let names: Vec<&str> = params
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(found.len(), 1, "{params}: {found:?}");
            assert!(found[0].starts_with("getA: parameters "), "{found:?}");
            for name in names {
                assert!(found[0].contains(&format!("`{name}`")), "{name}: {found:?}");
            }
            assert!(
                found[0].contains("(at /paths/~1a/get/parameters)"),
                "{found:?}"
            );
        }
    }

    #[test]
    fn parameters_named_like_the_builders_methods_or_its_header_map_are_refused() {
        let found = with_parameters(
            json!([query("new"), query("send"), query("header_map")]),
            false,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found
                .iter()
                .any(|m| m.contains("`new` (query) becomes `new`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("variable of the generated request code")),
            "{found:?}"
        );
        // `body` is a setter only where the operation has a body.
        assert!(with_parameters(json!([query("body")]), false).is_empty());
        assert_eq!(with_parameters(json!([query("body")]), true).len(), 1);
    }

    #[test]
    fn keywords_and_progenitors_renamed_locals_are_fine_as_parameter_names() {
        let params: Vec<Value> = [
            "type",
            "match",
            "ref",
            "self",
            "async",
            "url",
            "request",
            "response",
            "client",
            "result",
            "info",
            "value",
            "x-trace-id",
            "2fa",
        ]
        .iter()
        .map(|n| query(n))
        .collect();
        assert_eq!(
            with_parameters(Value::Array(params), false),
            Vec::<String>::new()
        );
    }

    #[test]
    fn two_success_schemas_are_reported_with_the_operation() {
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["responses"]["202"] = json!({"description": "p", "content": {"application/json": {"schema": {"type": "object"}}}});
        let v = check(&doc);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].operation.as_deref(), Some("getA"));
        assert_eq!(v[0].pointer, "/paths/~1a/get/responses");
        assert!(v[0].message.contains("2 different schemas"), "{}", v[0]);
    }

    #[test]
    fn missing_and_duplicate_operation_ids_are_reported() {
        let mut doc = minimal();
        doc["paths"]["/b"] = json!({
            "get": {"operationId": "getA", "responses": {}},
            "post": {"responses": {}}
        });
        let msgs: Vec<String> = check(&doc).iter().map(ToString::to_string).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("operationId `getA` is also used")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("POST /b: operation has no operationId")),
            "{msgs:?}"
        );
    }

    #[test]
    fn multipart_cookie_and_deep_object_are_reported_but_an_inline_enum_is_not() {
        let mut doc = minimal();
        doc["paths"]["/a"]["post"] = json!({
            "operationId": "postA",
            "parameters": [
                {"name": "c", "in": "cookie", "schema": {"type": "string"}},
                {"name": "f", "in": "query", "style": "deepObject", "schema": {"type": "object"}},
                {"name": "e", "in": "query", "schema": {"type": "string", "enum": ["p"]}}
            ],
            "requestBody": {"content": {
                "multipart/form-data": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}}
            }},
            "responses": {}
        });
        let msgs: Vec<String> = check(&doc).iter().map(ToString::to_string).collect();
        for needle in [
            "cookie parameter `c`",
            "deepObject parameter `f`",
            "2 media types",
            "multipart/form-data cannot be sent",
        ] {
            assert!(
                msgs.iter().any(|m| m.contains(needle)),
                "{needle}: {msgs:?}"
            );
        }
        assert!(!msgs.iter().any(|m| m.contains("enum")), "{msgs:?}");
    }

    #[test]
    fn integer_and_number_enums_pass_and_other_non_string_enums_do_not() {
        let mut doc = minimal();
        let schemas = &mut doc["components"]["schemas"];
        schemas["Size"] = json!({"type": "integer", "enum": [512, 2048]});
        schemas["Ratio"] = json!({"type": "number", "enum": [0.5, 1]});
        schemas["A"]["properties"]["n"] = json!({"type": "integer", "enum": [1, 2]});
        assert_eq!(check(&doc), vec![]);

        let schemas = &mut doc["components"]["schemas"];
        schemas["Flag"] = json!({"type": "boolean", "enum": [true]});
        schemas["Mixed"] = json!({"enum": ["a", 1]});
        schemas["Half"] = json!({"type": "integer", "enum": [1, 1.5]});
        schemas["Empty"] = json!({"type": "string", "enum": []});
        let v = check(&doc);
        let at = |p: &str| v.iter().find(|x| x.pointer == p).map(|x| x.message.clone());
        assert!(
            at("/components/schemas/Flag/enum").is_some_and(|m| m.contains("`boolean`")),
            "{v:?}"
        );
        assert!(
            at("/components/schemas/Mixed/enum").is_some_and(|m| m.contains("without `type`")),
            "{v:?}"
        );
        assert!(
            at("/components/schemas/Half/enum").is_some_and(|m| m.contains("another type")),
            "{v:?}"
        );
        assert!(
            at("/components/schemas/Empty/enum").is_some_and(|m| m.contains("no values")),
            "{v:?}"
        );
        assert_eq!(v.len(), 4, "{v:?}");
    }

    #[test]
    fn a_violation_inside_a_hoisted_enum_points_where_the_enum_was() {
        let mut doc = minimal();
        doc["components"]["schemas"]["A"]["properties"]["k"] =
            json!({"type": "string", "enum": ["x", "x"]});
        let v = check(&doc);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].pointer, "/components/schemas/A/properties/k/enum");
        assert!(v[0].message.contains("twice"), "{}", v[0]);
    }

    #[test]
    fn a_json_body_and_a_raw_body_in_one_group_are_two_schemas() {
        let mut doc = minimal();
        doc["paths"]["/a"]["get"]["responses"]["202"] =
            json!({"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}});
        let v = check(&doc);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].message.contains("2 different schemas"), "{}", v[0]);
    }

    #[test]
    fn version_and_dangling_refs_are_reported() {
        let mut doc = minimal();
        doc["openapi"] = json!("3.1.0");
        doc["components"]["schemas"]["A"]["properties"]["t"] =
            json!({"$ref": "#/components/schemas/Nope"});
        let v = check(&doc);
        assert!(v.iter().any(|x| x.pointer == "/openapi"));
        assert!(
            v.iter()
                .any(|x| x.pointer == "/components/schemas/A/properties/t/$ref")
        );
    }

    #[test]
    fn a_property_named_enum_is_not_an_enum() {
        let mut doc = minimal();
        doc["components"]["schemas"]["A"]["properties"]["enum"] = json!({"type": "string"});
        assert_eq!(check(&doc), vec![]);
    }

    #[test]
    fn string_enums_lists_named_string_enums_only() {
        let e = string_enums(&minimal());
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "S");
        assert_eq!(e[0].values, vec!["x", "y"]);
    }

    #[test]
    fn canonical_form_sorts_keys_and_is_stable() {
        let doc = json!({"b": 1, "a": {"d": [3, {"z": 1, "y": "é"}], "c": null}});
        let once = to_canonical_string(&doc);
        assert_eq!(
            once,
            "{\n  \"a\": {\n    \"c\": null,\n    \"d\": [\n      3,\n      {\n        \"y\": \"é\",\n        \"z\": 1\n      }\n    ]\n  },\n  \"b\": 1\n}\n"
        );
        let again: Value = serde_json::from_str(&once).unwrap();
        assert_eq!(to_canonical_string(&again), once);
    }
}
