//! The in-memory normalization of a served spec into the shapes the generator handles well.
//!
//! Served specs use valid OpenAPI constructs that progenitor 0.15 and typify 0.8 either refuse
//! or turn into types this workspace does not want: an inline string enum becomes a closed Rust
//! enum (one new server value and every response carrying it fails to decode), an error body
//! without `additionalProperties` drops the keys the server adds, and a text or octet-stream
//! request body must have one exact schema. [`normalize`] rewrites a copy of the document so
//! that generation (and the gate, [`crate::check`]) sees those constructs in their workable
//! form; `openapi.json` on disk stays the served text. It hoists inline string enums into named
//! schemas (which the build then opens like every other named string enum), keeps every key of
//! an error body, and reduces non-JSON request body schemas to the shapes progenitor accepts.
//! It only ever moves enum schemas, adds `additionalProperties: {}` and replaces non-JSON
//! request media schemas, so a JSON pointer into the input still addresses the same construct
//! in the output (a hoisted enum's new home is mapped back through [`Normalized::hoisted`]).

use crate::{METHODS, escape_pointer};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A normalized spec and the inline enums that moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// The normalized document: what progenitor is given.
    pub doc: Value,
    /// Every inline enum that was replaced by a `$ref`, in the order they were processed.
    pub hoisted: Vec<Hoisted>,
}

/// One inline enum replaced by a reference to a schema under `components.schemas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hoisted {
    /// The JSON pointer where the inline enum was in the input (where the `$ref` is now).
    pub pointer: String,
    /// The `components.schemas` name the enum now lives under (new, or reused when identical).
    pub name: String,
}

/// Normalizes a spec in memory; never panics, and leaves shapes it does not know as they are.
///
/// In order:
/// 1. **Non-JSON request bodies.** The schema of a `text/plain` or `text/x-markdown` request
///    body becomes exactly `{type: string}`, and that of an `application/octet-stream` one
///    exactly `{type: string, format: binary}`: progenitor sends those bodies as a `String` or
///    raw bytes and refuses any other schema for them (a `format`, `pattern`, length, enum,
///    `nullable` or `default`). Success responses of any non-JSON media type need nothing:
///    progenitor returns them as a byte stream.
/// 2. **Inline string enums** (`type: string` with an `enum`, or an `enum` of strings without
///    `type`) are hoisted to named schemas under `components.schemas` and replaced by a `$ref`,
///    so that the build makes them open like every other named string enum. The positions
///    visited are object properties at any depth, array `items`, `additionalProperties`,
///    `allOf`/`oneOf`/`anyOf` members, parameter schemas and request/response media schemas,
///    in components and in paths. The new component holds `type`, `enum` and `description`;
///    the reference is a plain `{"$ref": ..}` unless the inline schema was `nullable` (or listed
///    `null`), or had a `description` or `default`, which are kept beside it as
///    `{"allOf": [{"$ref": ..}], "nullable": true, "description": .., "default": ..}`.
///    Names follow openapi-generator's `InlineModelResolver`, PascalCased the way typify names
///    types (see below). A named component that is itself an enum is left alone, and so is a
///    one-value enum property of an object used as a `oneOf`/`anyOf` member (directly, through
///    a `$ref` or through its `allOf`): typify turns a union whose members each carry such a
///    property into an internally tagged enum, and an open enum there would let every member
///    match. A multi-value enum on a discriminator's base property is hoisted like any other.
/// 3. **Error bodies keep every key the server sent.** Every object schema that a non-2xx
///    response's `application/json` content uses (through `$ref`, and the members of its
///    `anyOf`/`oneOf`), and every object-typed property of those (one more level, through
///    `$ref`), gets `additionalProperties: {}` where it had none or `true`. typify ignores an
///    absent or `true` `additionalProperties` and would drop unknown keys, while the empty
///    schema `{}` makes it add a flattened `extra` map: an error's undocumented context (a new
///    `details` key, say) then reaches the caller instead of vanishing. `false` and real
///    schemas are left alone, and nothing is recorded in [`Normalized::hoisted`] for this.
///
/// Naming of hoisted enums (`Op` is the operationId, or `{path}_{method}` without one):
///
/// | inline enum at | raw name | component |
/// |---|---|---|
/// | property `kind` of schema `Job` | `Job_kind` | `JobKind` |
/// | `items` of property `tags` of `Job` | `Job_tags_inner` | `JobTagsInner` |
/// | `additionalProperties` of property `labels` of `Job` | `Job_labels_value` | `JobLabelsValue` |
/// | property `type` of inline object property `pay` of `Job` | `Job_pay_type` | `JobPayType` |
/// | a `oneOf` member of `Pet` (`anyOf`, `allOf` alike) | `Pet_oneOf` | `PetOneOf` |
/// | parameter `status` of operation `listJobs` | `listJobs_status_parameter` | `ListJobsStatusParameter` |
/// | path-level parameter `status` of `/jobs/{id}` | `/jobs/{id}_status_parameter` | `JobsIdStatusParameter` |
/// | request body schema of `createX` | `createX_request` | `CreateXRequest` |
/// | response schema of `getX` for status 200 | `getX_200_response` | `GetX200Response` |
/// | `components.parameters.Status` | `Status_parameter` | `StatusParameter` |
/// | `components.requestBodies.Note` / `components.responses.Gone` | `Note_request` / `Gone_response` | `NoteRequest` / `GoneResponse` |
///
/// Properties of an inline object continue its name (`Job_pay_type`); properties of an `allOf`
/// member continue the name of the schema holding the `allOf` (typify merges them into one
/// struct); those of a `oneOf`/`anyOf` member continue `Pet_oneOf`. An inline schema with a
/// `title` is named by its title instead (components excepted), as openapi-generator does. The
/// raw name has every character outside `[A-Za-z0-9]` replaced by `_` and is then PascalCased
/// exactly as typify's `heck` does (words split at `_` and at case changes, each capitalised
/// with the rest lowercased: `listJobs` → `ListJobs`, `APIKey` → `ApiKey`), so that typify's
/// name for the component is the component name itself and the open-enum replacement of the
/// build matches it; a name starting with a digit gets an `X` prefix, as typify does. When the
/// name is taken by a component of the input (or by its PascalCase form) or by an enum hoisted
/// earlier with different values, `1`, `2`, … is appended (`JobKind1`); an enum with the same
/// values in the same order as the component already under that name (hoisted earlier, or a
/// named string enum of the input) reuses it. A response schema identical to an earlier one of
/// the same operation is named after that earlier one, so both stay one type. Components are
/// processed first, then paths; objects are walked in sorted key order, so the result does not
/// depend on map order, and normalizing a normalized spec changes nothing.
///
/// ```
/// let doc = serde_json::json!({"components": {"schemas": {"Job": {"type": "object",
///     "properties": {"kind": {"type": "string", "enum": ["a", "b"]}}}}}});
/// let n = opentrain_spec::normalize(&doc);
/// assert_eq!(n.doc["components"]["schemas"]["Job"]["properties"]["kind"],
///     serde_json::json!({"$ref": "#/components/schemas/JobKind"}));
/// assert_eq!(n.hoisted[0].pointer, "/components/schemas/Job/properties/kind");
/// ```
pub fn normalize(doc: &Value) -> Normalized {
    let mut doc = doc.clone();
    let mut hoisted = Vec::new();
    if doc.is_object() {
        plain_request_bodies(&mut doc);
        hoisted = hoist_enums(&mut doc);
        open_error_bodies(&mut doc);
    }
    Normalized { doc, hoisted }
}

/// How deep schema walks go; deeper nesting is left as it is.
const MAX_DEPTH: usize = 64;

/// Keys whose values are data, never schemas.
const DATA_KEYS: [&str; 5] = ["example", "examples", "default", "enum", "const"];

/// Keys that make an enum schema more than a plain enum (left inline).
const STRUCTURE_KEYS: [&str; 7] = [
    "properties",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
];

fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_pointer(key))
}

fn sorted_keys(v: Option<&Value>) -> Vec<String> {
    let mut keys: Vec<String> = v
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Follows local `$ref`s from the value at `pointer` (at most 32 hops); the pointer of the value
/// reached, or `None` when a pointer does not resolve or the references loop.
pub(crate) fn resolve_pointer(doc: &Value, pointer: &str) -> Option<String> {
    let mut pointer = pointer.to_owned();
    for _ in 0..32 {
        let value = doc.pointer(&pointer)?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => pointer = r[1..].to_owned(),
            _ => return Some(pointer),
        }
    }
    None
}

/// The media type without parameters, as progenitor compares it
/// (`text/plain; charset=utf-8` → `text/plain`).
pub(crate) fn media_essence(media: &str) -> &str {
    media.split(';').next().unwrap_or(media)
}

/// The media type progenitor decodes as JSON: `application/json`, with or without parameters.
pub(crate) fn json_media(content: &Map<String, Value>) -> Option<(&String, &Value)> {
    content
        .iter()
        .find(|(k, _)| *k == "application/json" || k.starts_with("application/json;"))
}

/// Where an operation is, for the walks that rewrite the document.
struct OpSite {
    pointer: String,
    /// The operationId, else `{path}_{method}` (openapi-generator's fallback).
    name: String,
}

/// Every operation, paths in sorted order and methods in sorted order.
fn op_sites(doc: &Value) -> Vec<OpSite> {
    let mut out = Vec::new();
    let paths = doc.get("paths");
    for path in sorted_keys(paths) {
        let item_pointer = child("/paths", &path);
        let item = doc.pointer(&item_pointer);
        for method in sorted_keys(item) {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let pointer = child(&item_pointer, &method);
            let Some(op) = doc.pointer(&pointer).filter(|op| op.is_object()) else {
                continue;
            };
            let name = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{path}_{method}"));
            out.push(OpSite { pointer, name });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Non-JSON request bodies
// ---------------------------------------------------------------------------------------------

fn plain_request_bodies(doc: &mut Value) {
    let mut targets: BTreeMap<String, Value> = BTreeMap::new();
    for op in op_sites(doc) {
        let Some(body) = resolve_pointer(doc, &child(&op.pointer, "requestBody")) else {
            continue;
        };
        let content = child(&body, "content");
        for media in sorted_keys(doc.pointer(&content)) {
            let shape = match media_essence(&media) {
                "text/plain" | "text/x-markdown" => json!({"type": "string"}),
                "application/octet-stream" => json!({"type": "string", "format": "binary"}),
                _ => continue,
            };
            targets.insert(child(&content, &media), shape);
        }
    }
    for (pointer, shape) in targets {
        if let Some(Value::Object(media)) = doc.pointer_mut(&pointer) {
            media.insert("schema".into(), shape);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

/// Whether `schema` describes an object: `type: object`, or no `type` and `properties`.
fn is_object_schema(schema: Option<&Value>) -> bool {
    let Some(Value::Object(s)) = schema else {
        return false;
    };
    match s.get("type") {
        Some(t) => t == "object",
        None => s.get("properties").is_some_and(Value::is_object),
    }
}

/// Follows `$ref`s and a single-member `allOf` wrapper (`{allOf: [$ref], nullable: true}`).
fn resolve_wrapped(doc: &Value, pointer: &str) -> Option<String> {
    let resolved = resolve_pointer(doc, pointer)?;
    let schema = doc.pointer(&resolved)?;
    match schema.get("allOf").and_then(Value::as_array) {
        Some(members) if members.len() == 1 && schema.get("properties").is_none() => {
            resolve_pointer(doc, &format!("{resolved}/allOf/0"))
        }
        _ => Some(resolved),
    }
}

fn open_error_bodies(doc: &mut Value) {
    let mut bodies = Vec::new();
    for op in op_sites(doc) {
        let responses = child(&op.pointer, "responses");
        for code in sorted_keys(doc.pointer(&responses)) {
            if code.starts_with('2') {
                continue;
            }
            let Some(response) = resolve_pointer(doc, &child(&responses, &code)) else {
                continue;
            };
            let content = child(&response, "content");
            let Some(media) = doc
                .pointer(&content)
                .and_then(Value::as_object)
                .and_then(json_media)
                .map(|(k, _)| k.clone())
            else {
                continue;
            };
            let Some(schema) = resolve_pointer(doc, &child(&child(&content, &media), "schema"))
            else {
                continue;
            };
            for union in ["anyOf", "oneOf"] {
                let members = child(&schema, union);
                let n = doc
                    .pointer(&members)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                bodies
                    .extend((0..n).filter_map(|i| resolve_pointer(doc, &format!("{members}/{i}"))));
            }
            bodies.push(schema);
        }
    }
    let mut targets = BTreeSet::new();
    for body in bodies {
        if !is_object_schema(doc.pointer(&body)) {
            continue;
        }
        let properties = child(&body, "properties");
        for name in sorted_keys(doc.pointer(&properties)) {
            if let Some(p) = resolve_wrapped(doc, &child(&properties, &name))
                && is_object_schema(doc.pointer(&p))
            {
                targets.insert(p);
            }
        }
        targets.insert(body);
    }
    for target in targets {
        if let Some(Value::Object(schema)) = doc.pointer_mut(&target)
            && matches!(
                schema.get("additionalProperties"),
                None | Some(Value::Bool(true))
            )
        {
            schema.insert("additionalProperties".into(), json!({}));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inline enums
// ---------------------------------------------------------------------------------------------

/// The string values of a plain string enum schema and whether it also lists `null`; `None`
/// when `schema` is not one (a `$ref`, another type, non-string values, structure keys, ...).
pub(crate) fn string_enum_values(schema: &Value) -> Option<(Vec<String>, bool)> {
    let s = schema.as_object()?;
    if s.contains_key("$ref") || STRUCTURE_KEYS.iter().any(|k| s.contains_key(*k)) {
        return None;
    }
    match s.get("type") {
        None => {}
        Some(t) if t == "string" => {}
        Some(_) => return None,
    }
    let mut strings = Vec::new();
    let mut null = false;
    for v in s.get("enum")?.as_array()? {
        match v {
            Value::String(x) => strings.push(x.clone()),
            Value::Null => null = true,
            _ => return None,
        }
    }
    (!strings.is_empty()).then_some((strings, null))
}

/// Whether a property schema is a one-value string enum (a union tag).
fn is_tag(schema: &Value) -> bool {
    string_enum_values(schema).is_some_and(|(values, _)| values.len() == 1)
}

/// openapi-generator's use of a `title` for an inline schema's name, when it has letters or
/// digits.
fn title(schema: &Map<String, Value>) -> Option<String> {
    schema
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric()))
        .map(str::to_owned)
}

/// The objects whose one-value enum properties are union tags: every `oneOf`/`anyOf` member
/// (through `$ref`) and, recursively, the `allOf` members of those.
fn tag_holders(doc: &Value) -> BTreeSet<String> {
    fn add(doc: &Value, pointer: &str, set: &mut BTreeSet<String>, depth: usize) {
        let Some(p) = resolve_pointer(doc, pointer) else {
            return;
        };
        if depth > 8 || !set.insert(p.clone()) {
            return;
        }
        let n = doc
            .pointer(&p)
            .and_then(|s| s.get("allOf"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..n {
            add(doc, &format!("{p}/allOf/{i}"), set, depth + 1);
        }
    }

    let mut set = BTreeSet::new();
    let mut stack: Vec<(String, &Value, usize)> = vec![(String::new(), doc, 0)];
    while let Some((pointer, value, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        match value {
            Value::Object(map) => {
                for union in ["oneOf", "anyOf"] {
                    let n = map.get(union).and_then(Value::as_array).map_or(0, Vec::len);
                    for i in 0..n {
                        add(doc, &format!("{pointer}/{union}/{i}"), &mut set, 0);
                    }
                }
                for (k, v) in map {
                    if !DATA_KEYS.contains(&k.as_str()) {
                        stack.push((child(&pointer, k), v, depth + 1));
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), v, depth + 1));
                }
            }
            _ => {}
        }
    }
    set
}

/// An inline enum to hoist: where it is and its raw (not yet PascalCased) name.
struct Site {
    pointer: String,
    raw_name: String,
}

/// Collects the inline enums of a document in processing order.
struct Collector<'a> {
    doc: &'a Value,
    tag_holders: BTreeSet<String>,
    sites: Vec<Site>,
}

impl Collector<'_> {
    /// Visits the schema at `pointer`. `own` names it if it is an inline enum; `inner` is the
    /// prefix of the names inside it. `named` marks a `components.schemas` entry (never hoisted,
    /// and named by its key whatever its title).
    fn schema(&mut self, pointer: &str, own: &str, inner: &str, named: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let doc = self.doc;
        let Some(value) = doc.pointer(pointer) else {
            return;
        };
        let Some(s) = value.as_object().filter(|s| !s.contains_key("$ref")) else {
            return;
        };
        let (own, inner) = match title(s).filter(|_| !named) {
            Some(t) => (t.clone(), t),
            None => (own.to_owned(), inner.to_owned()),
        };
        if !named && string_enum_values(value).is_some() {
            self.sites.push(Site {
                pointer: pointer.to_owned(),
                raw_name: own,
            });
            return;
        }
        if let Some(properties) = s.get("properties").and_then(Value::as_object) {
            let holder = self.tag_holders.contains(pointer);
            let mut names: Vec<&String> = properties.keys().collect();
            names.sort();
            for name in names {
                if holder && is_tag(&properties[name]) {
                    continue;
                }
                let raw = format!("{inner}_{name}");
                self.schema(
                    &child(&child(pointer, "properties"), name),
                    &raw,
                    &raw,
                    false,
                    depth + 1,
                );
            }
        }
        if s.get("additionalProperties").is_some_and(Value::is_object) {
            let raw = format!("{inner}_value");
            let p = child(pointer, "additionalProperties");
            self.schema(&p, &raw, &raw, false, depth + 1);
        }
        if s.get("items").is_some_and(Value::is_object) {
            let raw = format!("{inner}_inner");
            self.schema(&child(pointer, "items"), &raw, &raw, false, depth + 1);
        }
        for union in ["allOf", "anyOf", "oneOf"] {
            let n = s.get(union).and_then(Value::as_array).map_or(0, Vec::len);
            let member = format!("{inner}_{union}");
            // typify merges `allOf` members into the holder; union members stand alone.
            let member_inner = if union == "allOf" { &inner } else { &member };
            for i in 0..n {
                let p = format!("{pointer}/{union}/{i}");
                self.schema(&p, &member, member_inner, false, depth + 1);
            }
        }
    }

    /// Visits the media schemas of `content` (at `pointer`), all named `raw`.
    fn content(&mut self, pointer: &str, raw: &str) {
        let doc = self.doc;
        for media in sorted_keys(doc.pointer(pointer)) {
            let p = child(&child(pointer, &media), "schema");
            self.schema(&p, raw, raw, false, 0);
        }
    }

    /// Visits the inline parameters of the list at `pointer`, named `{prefix}_{name}_parameter`.
    fn parameters(&mut self, pointer: &str, prefix: &str) {
        let doc = self.doc;
        let n = doc
            .pointer(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..n {
            let p = format!("{pointer}/{i}");
            let Some(param) = doc.pointer(&p).filter(|v| v.get("$ref").is_none()) else {
                continue;
            };
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| i.to_string(), str::to_owned);
            let raw = format!("{prefix}_{name}_parameter");
            self.schema(&child(&p, "schema"), &raw, &raw, false, 0);
        }
    }

    fn document(&mut self) {
        let doc = self.doc;
        for name in sorted_keys(doc.pointer("/components/schemas")) {
            let p = child("/components/schemas", &name);
            self.schema(&p, &name, &name, true, 0);
        }
        for name in sorted_keys(doc.pointer("/components/parameters")) {
            let p = child("/components/parameters", &name);
            if doc.pointer(&p).is_some_and(|v| v.get("$ref").is_none()) {
                let raw = format!("{name}_parameter");
                self.schema(&child(&p, "schema"), &raw, &raw, false, 0);
            }
        }
        for (section, suffix) in [("requestBodies", "request"), ("responses", "response")] {
            let base = format!("/components/{section}");
            for name in sorted_keys(doc.pointer(&base)) {
                let p = child(&base, &name);
                if doc.pointer(&p).is_some_and(|v| v.get("$ref").is_none()) {
                    self.content(&child(&p, "content"), &format!("{name}_{suffix}"));
                }
            }
        }
        for path in sorted_keys(doc.get("paths")) {
            let item = child("/paths", &path);
            self.parameters(&child(&item, "parameters"), &path);
        }
        for op in op_sites(doc) {
            self.parameters(&child(&op.pointer, "parameters"), &op.name);
            let body = child(&op.pointer, "requestBody");
            if doc.pointer(&body).is_some_and(|v| v.get("$ref").is_none()) {
                self.content(&child(&body, "content"), &format!("{}_request", op.name));
            }
            // A schema identical to an earlier one of this operation takes that one's name, so
            // that identical responses keep naming the same types.
            let mut earlier: BTreeMap<String, String> = BTreeMap::new();
            let responses = child(&op.pointer, "responses");
            for code in sorted_keys(doc.pointer(&responses)) {
                let response = child(&responses, &code);
                if doc
                    .pointer(&response)
                    .is_none_or(|v| v.get("$ref").is_some())
                {
                    continue;
                }
                let content = child(&response, "content");
                for media in sorted_keys(doc.pointer(&content)) {
                    let p = child(&child(&content, &media), "schema");
                    let Some(schema) = doc.pointer(&p) else {
                        continue;
                    };
                    let raw = earlier
                        .entry(schema.to_string())
                        .or_insert_with(|| format!("{}_{code}_response", op.name))
                        .clone();
                    self.schema(&p, &raw, &raw, false, 0);
                }
            }
        }
    }
}

/// A raw inline-model name as a type name: openapi-generator's sanitizing (every character
/// outside `[A-Za-z0-9]` becomes `_`), then PascalCase exactly as typify's `heck` forms it, with
/// typify's `X` prefix for a name that would start with a digit.
pub(crate) fn type_name(raw: &str) -> String {
    let sanitized: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut out = pascal_case(&sanitized);
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'X');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// `heck`'s upper camel case for ASCII text: each of [`words`] capitalised with the rest
/// lowercased.
fn pascal_case(s: &str) -> String {
    let mut out = String::new();
    for word in words(s) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// The words `heck` splits ASCII text into: at every non-alphanumeric character, after a
/// lowercase letter followed by an uppercase one, and before the last uppercase letter of a run
/// followed by a lowercase one.
pub(crate) fn words(s: &str) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = Vec::new();
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for (i, &c) in chars.iter().enumerate() {
            let Some(&next) = chars.get(i + 1) else {
                out.push(chars[start..].iter().collect());
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                out.push(chars[start..=i].iter().collect());
                start = i + 1;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                out.push(chars[start..i].iter().collect());
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    out
}

fn hoist_enums(doc: &mut Value) -> Vec<Hoisted> {
    // Hoisting needs somewhere to put the schemas.
    let schemas_ok = match doc.get("components") {
        None => true,
        Some(Value::Object(c)) => c.get("schemas").is_none_or(Value::is_object),
        Some(_) => false,
    };
    if !schemas_ok {
        return Vec::new();
    }
    let sites = {
        let mut collector = Collector {
            doc,
            tag_holders: tag_holders(doc),
            sites: Vec::new(),
        };
        collector.document();
        collector.sites
    };
    if sites.is_empty() {
        return Vec::new();
    }

    let existing: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let taken: BTreeSet<String> = existing
        .keys()
        .flat_map(|k| [k.clone(), type_name(k)])
        .collect();
    let mut created: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut new_schemas = Map::new();
    let mut hoisted = Vec::new();
    for site in sites {
        let Some(schema) = doc.pointer(&site.pointer).cloned() else {
            continue;
        };
        let Some((values, listed_null)) = string_enum_values(&schema) else {
            continue;
        };
        let base = type_name(&site.raw_name);
        let name = (0..)
            .map(|n| {
                if n == 0 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|candidate| match created.get(candidate) {
                Some(v) => *v == values,
                None => match existing.get(candidate) {
                    Some(e) => string_enum_values(e).is_some_and(|(v, _)| {
                        v == values && e.get("type").and_then(Value::as_str) == Some("string")
                    }),
                    None => !taken.contains(candidate),
                },
            })
            .unwrap_or(base);
        if !existing.contains_key(&name) && !created.contains_key(&name) {
            let mut component = Map::new();
            component.insert("type".into(), json!("string"));
            component.insert("enum".into(), json!(values));
            if let Some(d) = schema.get("description").filter(|d| d.is_string()) {
                component.insert("description".into(), d.clone());
            }
            new_schemas.insert(name.clone(), Value::Object(component));
            created.insert(name.clone(), values);
        }

        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut wrapper = Map::new();
        if listed_null || schema.get("nullable") == Some(&Value::Bool(true)) {
            wrapper.insert("nullable".into(), json!(true));
        }
        for key in ["description", "default"] {
            if let Some(v) = schema.get(key) {
                wrapper.insert(key.into(), v.clone());
            }
        }
        let replacement = if wrapper.is_empty() {
            reference
        } else {
            wrapper.insert("allOf".into(), json!([reference]));
            Value::Object(wrapper)
        };
        if let Some(slot) = doc.pointer_mut(&site.pointer) {
            *slot = replacement;
            hoisted.push(Hoisted {
                pointer: site.pointer,
                name,
            });
        }
    }

    if let Value::Object(root) = doc {
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(components) = components {
            let schemas = components
                .entry("schemas")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(schemas) = schemas {
                schemas.extend(new_schemas);
            }
        }
    }
    hoisted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_typify() {
        for (raw, name) in [
            ("Job_kind", "JobKind"),
            ("Job_tags_inner", "JobTagsInner"),
            ("listJobs_status_parameter", "ListJobsStatusParameter"),
            ("createX_request", "CreateXRequest"),
            ("getX_200_response", "GetX200Response"),
            ("/jobs/{id}_status_parameter", "JobsIdStatusParameter"),
            ("Job_APIKey", "JobApiKey"),
            ("v2Status", "V2Status"),
            ("job-kind.v2 name", "JobKindV2Name"),
            ("2fa_kind", "X2faKind"),
            ("", "X"),
            ("self", "Self_"),
        ] {
            assert_eq!(type_name(raw), name, "{raw}");
            // A fixed point: typify's name for the component is the component name.
            assert_eq!(type_name(name), name, "{name}");
        }
    }
}
