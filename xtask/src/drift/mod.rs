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
//!
//! This file is the entry point, [`diff`]; the rest lives in a file of its own each:
//! `report.rs` (the findings, their classification and the text and JSON reports),
//! `differ.rs` (the state of the walk and the place it is at), `operations.rs` (the walk over
//! operations: parameters, request bodies, status codes), `schemas.rs` (component schemas and
//! the comparison of two schemas), `usage.rs` (where each component schema is used) and
//! `norm.rs` (what of a schema is compared: the nullable-reference idiom unwrapped, type labels).

mod differ;
mod norm;
mod operations;
mod report;
mod schemas;
mod usage;

pub use report::{DriftReport, Finding, Kind, Severity, Summary};

use differ::Differ;
use serde_json::Value;
use std::collections::BTreeMap;

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

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::{Additive, Breaking};
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
