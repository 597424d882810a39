//! OpenAPI 3.1 → 3.0.3 conversion that keeps the meaning of the spec, and reports (never silently
//! drops) whatever 3.0.3 cannot express.
//!
//! progenitor 0.15 reads 3.0 only, so a served 3.1 spec is rewritten schema by schema:
//!
//! | 3.1 | 3.0.3 |
//! | --- | --- |
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` member | the member removed, `nullable: true` (one remaining `$ref` member becomes `allOf: [$ref]`) |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` (same for the maximum) |
//! | `examples: [a, ...]` (in a schema) | `example: a` |
//! | `$ref` with constraining siblings | `allOf: [{$ref}]` plus the siblings |
//! | boolean schema `true` | `{}` |
//! | `openapi: 3.1.x` | `openapi: 3.0.3` |
//!
//! Constructs without a 3.0.3 equivalent (`type` arrays of two non-null types, `$defs`,
//! `prefixItems`, `if`/`then`/`else`, `unevaluatedProperties`, `webhooks`,
//! `jsonSchemaDialect`, ...) are removed from the output and each is listed as a [`Loss`] with
//! its pointer; `spec refresh` refuses to write when there is any loss unless it is run with
//! `--allow-lossy`. Documentation-only differences (a second schema example, `$comment`,
//! `info.summary`, `license.identifier`) are listed as notes and never block a refresh.

use opentrain_spec::escape_pointer;
use serde_json::{Map, Value, json};
use std::fmt;

/// One construct of the input that the output does not keep.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loss {
    /// RFC 6901 pointer into the input document.
    pub pointer: String,
    /// What was there and why 3.0.3 cannot keep it.
    pub message: String,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.message, self.pointer)
    }
}

/// The result of [`to_openapi_3_0`].
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The 3.0.x document (the input unchanged when it already was 3.0.x).
    pub doc: Value,
    /// The input's version when it was converted (e.g. `3.1.0`), `None` for 3.0.x input.
    pub converted_from: Option<String>,
    /// Constructs that changed meaning or were removed because 3.0.3 cannot express them.
    pub losses: Vec<Loss>,
    /// Documentation-only differences (a dropped second example, a `$comment`, ...).
    pub notes: Vec<Loss>,
}

/// JSON Schema keywords of OpenAPI 3.1 that 3.0.3 has no way to express.
const UNSUPPORTED_KEYWORDS: [&str; 21] = [
    "$defs",
    "definitions",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$schema",
    "$vocabulary",
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
];

/// More 3.1-only keywords: content vocabulary.
const UNSUPPORTED_CONTENT_KEYWORDS: [&str; 3] =
    ["contentEncoding", "contentMediaType", "contentSchema"];

/// Converts an OpenAPI 3.1 document to 3.0.3; 3.0.x input is returned unchanged.
///
/// The input must already have passed [`crate::fetch::parse_spec`] (an object with a 3.0 or 3.1
/// `openapi` version); anything else is returned unchanged with no losses, and the generator gate
/// reports it.
pub fn to_openapi_3_0(mut doc: Value) -> Conversion {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !version.starts_with("3.1.") {
        return Conversion {
            doc,
            converted_from: None,
            losses: Vec::new(),
            notes: Vec::new(),
        };
    }
    let mut c = Converter::default();
    if let Some(root) = doc.as_object_mut() {
        root.insert("openapi".into(), json!("3.0.3"));
        for key in ["webhooks", "jsonSchemaDialect"] {
            if root.remove(key).is_some() {
                c.loss(
                    format!("/{key}"),
                    format!("`{key}` has no OpenAPI 3.0 equivalent"),
                );
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut)
            && components.remove("pathItems").is_some()
        {
            c.loss(
                "/components/pathItems".into(),
                "`components.pathItems` has no OpenAPI 3.0 equivalent".into(),
            );
        }
        if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
            if info.remove("summary").is_some() {
                c.note(
                    "/info/summary".into(),
                    "`info.summary` dropped (3.1 only)".into(),
                );
            }
            if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut)
                && license.remove("identifier").is_some()
            {
                c.note(
                    "/info/license/identifier".into(),
                    "`license.identifier` dropped (3.1 only)".into(),
                );
            }
        }
    }
    walk_schemas_mut(&mut doc, &mut |schema, pointer| c.schema(schema, pointer));
    c.losses.sort();
    c.notes.sort();
    Conversion {
        doc,
        converted_from: Some(version),
        losses: c.losses,
        notes: c.notes,
    }
}

#[derive(Default)]
struct Converter {
    losses: Vec<Loss>,
    notes: Vec<Loss>,
}

impl Converter {
    fn loss(&mut self, pointer: String, message: String) {
        self.losses.push(Loss { pointer, message });
    }

    fn note(&mut self, pointer: String, message: String) {
        self.notes.push(Loss { pointer, message });
    }

    /// Rewrites one schema object in place. Runs before its subschemas are visited, so anything
    /// it hoists or creates is converted too.
    fn schema(&mut self, s: &mut Map<String, Value>, pointer: &str) {
        self.boolean_subschemas(s, pointer);
        self.null_alternatives(s, pointer);
        self.type_array(s, pointer);
        if let Some(v) = s.remove("const") {
            s.insert("enum".into(), Value::Array(vec![v]));
        }
        exclusive_bound(s, "exclusiveMinimum", "minimum", |new, old| new >= old);
        exclusive_bound(s, "exclusiveMaximum", "maximum", |new, old| new <= old);
        if let Some(Value::Array(examples)) = s.get("examples") {
            let examples = examples.clone();
            s.remove("examples");
            if let Some(first) = examples.first()
                && !s.contains_key("example")
            {
                s.insert("example".into(), first.clone());
            }
            if examples.len() > 1 {
                self.note(
                    format!("{pointer}/examples"),
                    format!(
                        "kept the first of {} schema examples (3.0 has one `example`)",
                        examples.len()
                    ),
                );
            }
        }
        if s.remove("$comment").is_some() {
            self.note(format!("{pointer}/$comment"), "`$comment` dropped".into());
        }
        for key in UNSUPPORTED_KEYWORDS
            .iter()
            .chain(UNSUPPORTED_CONTENT_KEYWORDS.iter())
        {
            if s.remove(*key).is_some() {
                self.loss(
                    format!("{pointer}/{}", escape_pointer(key)),
                    format!("`{key}` has no OpenAPI 3.0 equivalent"),
                );
            }
        }
        ref_siblings(s);
    }

    /// 3.1 allows `true`/`false` as schemas; 3.0 only as `additionalProperties`.
    fn boolean_subschemas(&mut self, s: &mut Map<String, Value>, pointer: &str) {
        let fix = |slot: &mut Value, at: String, losses: &mut Vec<Loss>| match slot {
            Value::Bool(true) => *slot = json!({}),
            Value::Bool(false) => {
                *slot = json!({"not": {}});
                losses.push(Loss {
                    pointer: at,
                    message: "boolean schema `false` (nothing is valid) has no OpenAPI 3.0 equivalent; written as `not: {}`".into(),
                });
            }
            _ => {}
        };
        for key in ["items", "not"] {
            if let Some(slot) = s.get_mut(key) {
                fix(slot, format!("{pointer}/{key}"), &mut self.losses);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(items)) = s.get_mut(key) {
                for (i, slot) in items.iter_mut().enumerate() {
                    fix(slot, format!("{pointer}/{key}/{i}"), &mut self.losses);
                }
            }
        }
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for (name, slot) in props.iter_mut() {
                fix(
                    slot,
                    format!("{pointer}/properties/{}", escape_pointer(name)),
                    &mut self.losses,
                );
            }
        }
    }

    /// `anyOf`/`oneOf` with a `{type: "null"}` member → the other members plus `nullable: true`.
    fn null_alternatives(&mut self, s: &mut Map<String, Value>, _pointer: &str) {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = s.get(key) else {
                continue;
            };
            if !members.iter().any(is_null_schema) {
                continue;
            }
            let rest: Vec<Value> = members
                .iter()
                .filter(|m| !is_null_schema(m))
                .cloned()
                .collect();
            s.remove(key);
            s.insert("nullable".into(), Value::Bool(true));
            match rest.len() {
                0 => {}
                1 => {
                    let only = rest.into_iter().next().unwrap_or_default();
                    match only {
                        Value::Object(m)
                            if !m.contains_key("$ref") && m.keys().all(|k| !s.contains_key(k)) =>
                        {
                            s.extend(m);
                        }
                        other => {
                            let all_of =
                                s.entry("allOf").or_insert_with(|| Value::Array(Vec::new()));
                            if let Value::Array(a) = all_of {
                                a.push(other);
                            }
                        }
                    }
                }
                _ => {
                    s.insert(key.into(), Value::Array(rest));
                }
            }
        }
    }

    /// `type: [T, "null"]` → `type: T, nullable: true`.
    fn type_array(&mut self, s: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Array(types)) = s.get("type") else {
            if s.get("type").and_then(Value::as_str) == Some("null") {
                s.remove("type");
                s.insert("nullable".into(), Value::Bool(true));
                self.loss(
                    format!("{pointer}/type"),
                    "`type: \"null\"` (only null) has no OpenAPI 3.0 equivalent; written as an untyped nullable schema".into(),
                );
            }
            return;
        };
        let has_null = types.iter().any(|t| t.as_str() == Some("null"));
        let others: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        s.remove("type");
        if has_null {
            s.insert("nullable".into(), Value::Bool(true));
        }
        match others.len() {
            0 => self.loss(
                format!("{pointer}/type"),
                "`type: [\"null\"]` (only null) has no OpenAPI 3.0 equivalent; written as an untyped nullable schema".into(),
            ),
            1 => {
                s.insert("type".into(), others[0].clone());
            }
            _ => self.loss(
                format!("{pointer}/type"),
                format!(
                    "`type: {}` allows several non-null types; OpenAPI 3.0 has one `type` (written untyped)",
                    Value::Array(types_owned(&others, has_null))
                ),
            ),
        }
    }
}

fn types_owned(others: &[Value], has_null: bool) -> Vec<Value> {
    let mut v = others.to_vec();
    if has_null {
        v.push(json!("null"));
    }
    v
}

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    }
}

/// 3.1 numeric `exclusiveMinimum: n` → 3.0 `minimum: n, exclusiveMinimum: true`, keeping the
/// stricter bound when an inclusive one is present too.
fn exclusive_bound(
    s: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(n)) = s.get(exclusive).cloned() else {
        return;
    };
    let keep_exclusive = match s.get(inclusive).and_then(Value::as_f64) {
        Some(old) => n.as_f64().is_some_and(|new| stricter(new, old)),
        None => true,
    };
    if keep_exclusive {
        s.insert(inclusive.into(), Value::Number(n));
        s.insert(exclusive.into(), Value::Bool(true));
    } else {
        // The inclusive bound is stricter and already implies the exclusive one.
        s.remove(exclusive);
    }
}

/// Keywords that may sit next to `$ref` in 3.0 without changing what the schema means
/// (3.0 ignores siblings of `$ref`).
const DOC_SIBLINGS: [&str; 8] = [
    "description",
    "summary",
    "title",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

/// 3.1 applies siblings of `$ref`; 3.0 ignores them. Constraining siblings keep their meaning by
/// moving the reference into `allOf`.
fn ref_siblings(s: &mut Map<String, Value>) {
    if !s.contains_key("$ref") {
        return;
    }
    let constraining = s
        .keys()
        .any(|k| k != "$ref" && !k.starts_with("x-") && !DOC_SIBLINGS.contains(&k.as_str()));
    if !constraining {
        return;
    }
    if let Some(r) = s.remove("$ref") {
        let all_of = s.entry("allOf").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = all_of {
            a.insert(0, json!({ "$ref": r }));
        }
    }
}

/// Calls `f` on every schema object of an OpenAPI document, parents before their subschemas,
/// with the schema's JSON pointer.
///
/// Schema positions are `components.schemas.*`, the value of every `schema` key elsewhere in the
/// document (parameters, media types, headers), and, inside a schema, the subschema keywords
/// (`properties.*`, `items`, `allOf`/`anyOf`/`oneOf` members, `additionalProperties`, `not`, ...).
/// `example`, `examples`, `default`, `enum`, `const` and `x-` extensions hold data and are never
/// entered. Subschemas are read after `f` returns, so `f` may restructure them.
pub fn walk_schemas_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    walk_document(doc, String::new(), f);
}

fn is_data_key(k: &str) -> bool {
    matches!(k, "example" | "examples" | "default" | "enum" | "const") || k.starts_with("x-")
}

fn walk_document(v: &mut Value, pointer: String, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if is_data_key(k) {
                    continue;
                }
                let p = format!("{pointer}/{}", escape_pointer(k));
                if k == "schema" {
                    walk_schema(child, p, f);
                } else if k == "schemas" && pointer == "/components" {
                    if let Value::Object(schemas) = child {
                        for (name, s) in schemas.iter_mut() {
                            walk_schema(s, format!("{p}/{}", escape_pointer(name)), f);
                        }
                    }
                } else {
                    walk_document(child, p, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk_document(child, format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

fn walk_schema(v: &mut Value, pointer: String, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(map) = v else {
        return;
    };
    f(map, &pointer);
    for (k, child) in map.iter_mut() {
        let p = format!("{pointer}/{}", escape_pointer(k));
        match k.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                if let Value::Object(m) = child {
                    for (name, s) in m.iter_mut() {
                        walk_schema(s, format!("{p}/{}", escape_pointer(name)), f);
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                if let Value::Array(a) = child {
                    for (i, s) in a.iter_mut().enumerate() {
                        walk_schema(s, format!("{p}/{i}"), f);
                    }
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "additionalItems"
            | "contentSchema" => walk_schema(child, p, f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_schema(schema: Value) -> (Value, Vec<Loss>) {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {},
            "components": {"schemas": {"S": schema}}
        });
        let c = to_openapi_3_0(doc);
        assert_eq!(c.doc["openapi"], "3.0.3");
        (c.doc["components"]["schemas"]["S"].clone(), c.losses)
    }

    #[test]
    fn three_zero_input_is_untouched() {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "x": {"type": ["string", "null"]}});
        let c = to_openapi_3_0(doc.clone());
        assert_eq!(c.doc, doc);
        assert_eq!(c.converted_from, None);
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        let (s, losses) = convert_schema(json!({"type": "object", "properties": {
            "a": {"type": ["string", "null"], "format": "date-time"},
            "b": {"type": ["null", "integer"]},
            "c": {"type": ["number"]}
        }}));
        assert_eq!(losses, vec![]);
        assert_eq!(
            s["properties"],
            json!({
                "a": {"type": "string", "format": "date-time", "nullable": true},
                "b": {"type": "integer", "nullable": true},
                "c": {"type": "number"}
            })
        );
    }

    #[test]
    fn null_alternatives_become_nullable() {
        let (s, losses) = convert_schema(json!({"properties": {
            "r": {"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}], "description": "d"},
            "i": {"oneOf": [{"type": "string", "minLength": 1}, {"type": "null"}]},
            "m": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"type": "null"}]}
        }}));
        assert_eq!(losses, vec![]);
        assert_eq!(
            s["properties"]["r"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true, "description": "d"})
        );
        assert_eq!(
            s["properties"]["i"],
            json!({"type": "string", "minLength": 1, "nullable": true})
        );
        assert_eq!(
            s["properties"]["m"],
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": true})
        );
    }

    #[test]
    fn const_bounds_and_examples() {
        let (s, losses) = convert_schema(json!({"properties": {
            "k": {"const": "job.published"},
            "n": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100, "examples": [5, 6]},
            "m": {"type": "integer", "minimum": 5, "exclusiveMinimum": 0},
            "o": {"type": "integer", "minimum": 0, "exclusiveMinimum": 0}
        }}));
        assert_eq!(losses, vec![]);
        let p = &s["properties"];
        assert_eq!(p["k"], json!({"enum": ["job.published"]}));
        assert_eq!(
            p["n"],
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 100, "exclusiveMaximum": true, "example": 5})
        );
        assert_eq!(p["m"], json!({"type": "integer", "minimum": 5}));
        assert_eq!(
            p["o"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn ref_with_constraining_siblings_moves_into_all_of() {
        let (s, _) = convert_schema(
            json!({"$ref": "#/components/schemas/T", "maxLength": 3, "description": "d"}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "maxLength": 3, "description": "d"})
        );
        let (s, _) = convert_schema(json!({"$ref": "#/components/schemas/T", "description": "d"}));
        assert_eq!(
            s,
            json!({"$ref": "#/components/schemas/T", "description": "d"})
        );
    }

    #[test]
    fn inexpressible_constructs_are_reported_with_pointers() {
        let doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "webhooks": {"x": {}},
            "info": {"title": "t", "version": "1", "summary": "s"},
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "integer"]}}]}}},
            "components": {"schemas": {"S": {
                "$defs": {"D": {"type": "string"}},
                "properties": {"t": {"type": "array", "prefixItems": [{"type": "string"}]}, "n": false},
                "unevaluatedProperties": false,
                "if": {"required": ["a"]}, "then": {"required": ["b"]}
            }}}
        });
        let c = to_openapi_3_0(doc);
        let lines: Vec<String> = c.losses.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            vec![
                "`$defs` has no OpenAPI 3.0 equivalent (at /components/schemas/S/$defs)",
                "`if` has no OpenAPI 3.0 equivalent (at /components/schemas/S/if)",
                "boolean schema `false` (nothing is valid) has no OpenAPI 3.0 equivalent; written as `not: {}` (at /components/schemas/S/properties/n)",
                "`prefixItems` has no OpenAPI 3.0 equivalent (at /components/schemas/S/properties/t/prefixItems)",
                "`then` has no OpenAPI 3.0 equivalent (at /components/schemas/S/then)",
                "`unevaluatedProperties` has no OpenAPI 3.0 equivalent (at /components/schemas/S/unevaluatedProperties)",
                "`jsonSchemaDialect` has no OpenAPI 3.0 equivalent (at /jsonSchemaDialect)",
                "`type: [\"string\",\"integer\"]` allows several non-null types; OpenAPI 3.0 has one `type` (written untyped) (at /paths/~1a/get/parameters/0/schema/type)",
                "`webhooks` has no OpenAPI 3.0 equivalent (at /webhooks)",
            ]
        );
        assert_eq!(c.notes.len(), 1);
        assert!(c.doc.get("webhooks").is_none());
        assert!(c.doc["components"]["schemas"]["S"].get("$defs").is_none());
    }

    #[test]
    fn data_is_never_converted() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"const": {"type": "string"}}},
                "example": {"schema": {"const": 1}},
                "examples": {"one": {"value": {"type": ["a", "null"]}}}
            }}}}}}}
        });
        let c = to_openapi_3_0(doc.clone());
        let media = &c.doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        let before = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["example"], before["example"]);
        assert_eq!(media["examples"], before["examples"]);
        assert_eq!(media["schema"], before["schema"]);
    }
}
