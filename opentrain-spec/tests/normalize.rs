//! The in-memory normalization of a served spec, and the gate running on it.

use opentrain_spec::{Hoisted, check, normalize, string_enums};
use serde_json::{Value, json};

/// A small valid spec: one operation, a `Job` with an inline object and the error envelope.
fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/jobs": {"get": {
                "operationId": "listJobs",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
                    "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }}
        },
        "components": {"schemas": {
            "Job": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Error": {"type": "object", "properties": {"code": {"type": "string"}}}
        }}
    })
}

fn hoisted(pointer: &str, name: &str) -> Hoisted {
    Hoisted {
        pointer: pointer.into(),
        name: name.into(),
    }
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

#[test]
fn property_enum_is_hoisted_with_the_derived_name_and_a_ref() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["kind"] =
        json!({"type": "string", "enum": ["hourly", "fixed"], "format": "x"});
    let n = normalize(&doc);
    assert_eq!(
        n.doc["components"]["schemas"]["Job"]["properties"]["kind"],
        json!({"$ref": "#/components/schemas/JobKind"})
    );
    assert_eq!(
        *schema(&n.doc, "JobKind"),
        json!({"type": "string", "enum": ["hourly", "fixed"]})
    );
    assert_eq!(
        n.hoisted,
        vec![hoisted(
            "/components/schemas/Job/properties/kind",
            "JobKind"
        )]
    );
    // The build opens every named string enum, the hoisted one included.
    assert!(string_enums(&n.doc).iter().any(|e| e.name == "JobKind"));
}

#[test]
fn untyped_enum_of_strings_is_hoisted_as_a_string_enum() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["kind"] = json!({"enum": ["a", "b"]});
    let n = normalize(&doc);
    assert_eq!(
        *schema(&n.doc, "JobKind"),
        json!({"type": "string", "enum": ["a", "b"]})
    );
}

#[test]
fn array_items_enum_is_named_inner() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["tags"] =
        json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}});
    let n = normalize(&doc);
    assert_eq!(
        n.doc["components"]["schemas"]["Job"]["properties"]["tags"]["items"],
        json!({"$ref": "#/components/schemas/JobTagsInner"})
    );
    assert_eq!(
        n.hoisted,
        vec![hoisted(
            "/components/schemas/Job/properties/tags/items",
            "JobTagsInner"
        )]
    );
}

#[test]
fn map_value_and_union_member_enums_are_named_value_and_one_of() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Job"]["properties"]["labels"] =
        json!({"type": "object", "additionalProperties": {"type": "string", "enum": ["x"]}});
    schemas["Pet"] =
        json!({"oneOf": [{"type": "string", "enum": ["cat", "dog"]}, {"type": "integer"}]});
    let n = normalize(&doc);
    let names: Vec<&str> = n.hoisted.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["JobLabelsValue", "PetOneOf"]);
    assert_eq!(
        n.doc["components"]["schemas"]["Pet"]["oneOf"][0],
        json!({"$ref": "#/components/schemas/PetOneOf"})
    );
}

#[test]
fn parameter_enum_is_named_after_the_operation_and_the_parameter() {
    let mut doc = spec();
    doc["paths"]["/jobs"]["get"]["parameters"] = json!([
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}},
        {"name": "X-Region", "in": "header", "schema": {"type": "string", "enum": ["eu", "us"]}}
    ]);
    doc["paths"]["/jobs"]["parameters"] =
        json!([{"name": "view", "in": "query", "schema": {"type": "string", "enum": ["full"]}}]);
    let n = normalize(&doc);
    assert_eq!(
        n.doc["paths"]["/jobs"]["get"]["parameters"][0]["schema"],
        json!({"$ref": "#/components/schemas/ListJobsStatusParameter"})
    );
    assert_eq!(
        n.hoisted,
        vec![
            hoisted("/paths/~1jobs/parameters/0/schema", "JobsViewParameter"),
            hoisted(
                "/paths/~1jobs/get/parameters/0/schema",
                "ListJobsStatusParameter"
            ),
            hoisted(
                "/paths/~1jobs/get/parameters/1/schema",
                "ListJobsXRegionParameter"
            ),
        ]
    );
}

#[test]
fn request_and_response_enums_are_named_after_the_operation_and_status() {
    let mut doc = spec();
    doc["paths"]["/x"] = json!({
        "post": {
            "operationId": "createX",
            "requestBody": {"content": {"application/json": {"schema": {"type": "string", "enum": ["a", "b"]}}}},
            "responses": {"204": {"description": "done"}}
        },
        "get": {
            "operationId": "getX",
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string", "enum": ["c"]}}}},
                "201": {"description": "ok", "content": {"application/json": {"schema": {"type": "string", "enum": ["c"]}}}}
            }
        }
    });
    let n = normalize(&doc);
    let names: Vec<&str> = n.hoisted.iter().map(|h| h.name.as_str()).collect();
    // The 201 schema is the 200 one: it takes that name, so both stay one type.
    assert_eq!(
        names,
        ["GetX200Response", "GetX200Response", "CreateXRequest"]
    );
    assert_eq!(check(&doc), vec![]);
}

#[test]
fn nested_inline_object_enum_inherits_the_path() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["pay"] = json!({
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["hourly", "fixed"]}}
    });
    let n = normalize(&doc);
    assert_eq!(
        n.doc["components"]["schemas"]["Job"]["properties"]["pay"]["properties"]["type"],
        json!({"$ref": "#/components/schemas/JobPayType"})
    );
    assert_eq!(n.hoisted[0].name, "JobPayType");
}

#[test]
fn a_title_names_the_inline_enum() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["kind"] =
        json!({"title": "work kind", "type": "string", "enum": ["a"]});
    assert_eq!(normalize(&doc).hoisted[0].name, "WorkKind");
}

#[test]
fn name_collision_with_different_values_gets_a_numeric_suffix() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    // An existing component holds `JobKind`; `Job.pay.type` and `Job.pay_type` both derive
    // `JobPayType`, with different values.
    schemas["JobKind"] = json!({"type": "object"});
    schemas["Job"]["properties"]["kind"] = json!({"type": "string", "enum": ["a", "b"]});
    schemas["Job"]["properties"]["pay"] =
        json!({"type": "object", "properties": {"type": {"type": "string", "enum": ["x"]}}});
    schemas["Job"]["properties"]["pay_type"] = json!({"type": "string", "enum": ["y"]});
    let n = normalize(&doc);
    let got: Vec<(&str, &str)> = n
        .hoisted
        .iter()
        .map(|h| (h.pointer.as_str(), h.name.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("/components/schemas/Job/properties/kind", "JobKind1"),
            (
                "/components/schemas/Job/properties/pay/properties/type",
                "JobPayType"
            ),
            ("/components/schemas/Job/properties/pay_type", "JobPayType1"),
        ]
    );
    assert_eq!(*schema(&n.doc, "JobKind"), json!({"type": "object"}));
    assert_eq!(schema(&n.doc, "JobPayType1")["enum"], json!(["y"]));
}

#[test]
fn identical_enum_under_the_same_name_is_reused() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Job"]["properties"]["pay"] =
        json!({"type": "object", "properties": {"type": {"type": "string", "enum": ["x", "y"]}}});
    schemas["Job"]["properties"]["pay_type"] =
        json!({"type": "string", "enum": ["x", "y"], "description": "same values"});
    // Same values under another name: a component of its own.
    schemas["Error"]["properties"]["kind"] = json!({"type": "string", "enum": ["x", "y"]});
    let n = normalize(&doc);
    let names: Vec<&str> = n.hoisted.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["ErrorKind", "JobPayType", "JobPayType"]);
    assert!(schema(&n.doc, "JobPayType1").is_null());
    assert_eq!(
        n.doc["components"]["schemas"]["Job"]["properties"]["pay_type"],
        json!({"allOf": [{"$ref": "#/components/schemas/JobPayType"}], "description": "same values"})
    );
}

#[test]
fn discriminator_tags_stay_inline_while_the_base_enum_is_hoisted() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Pay"] = json!({
        "oneOf": [
            {"$ref": "#/components/schemas/Hourly"},
            {"type": "object", "properties": {"kind": {"type": "string", "enum": ["fixed"]}, "amount": {"type": "number"}}}
        ]
    });
    schemas["Base"] = json!({
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["hourly", "fixed"]}}
    });
    schemas["Hourly"] = json!({
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {"kind": {"type": "string", "enum": ["hourly"]}, "rate": {"type": "number"}}}
        ]
    });
    // A one-value enum outside any union is an ordinary enum.
    schemas["Job"]["properties"]["state"] = json!({"type": "string", "enum": ["only"]});
    let n = normalize(&doc);
    let s = &n.doc["components"]["schemas"];
    assert_eq!(
        s["Pay"]["oneOf"][1]["properties"]["kind"],
        json!({"type": "string", "enum": ["fixed"]})
    );
    assert_eq!(
        s["Hourly"]["allOf"][1]["properties"]["kind"],
        json!({"type": "string", "enum": ["hourly"]})
    );
    assert_eq!(
        s["Base"]["properties"]["kind"],
        json!({"$ref": "#/components/schemas/BaseKind"})
    );
    let names: Vec<&str> = n.hoisted.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["BaseKind", "JobState"]);
}

#[test]
fn top_level_named_enum_is_left_alone() {
    let mut doc = spec();
    doc["components"]["schemas"]["Status"] =
        json!({"type": "string", "enum": ["a"], "description": "d", "nullable": true});
    let n = normalize(&doc);
    assert_eq!(schema(&n.doc, "Status"), schema(&doc, "Status"));
    assert!(n.hoisted.is_empty());
}

#[test]
fn nullable_inline_enum_keeps_nullable() {
    let mut doc = spec();
    let props = &mut doc["components"]["schemas"]["Job"]["properties"];
    props["kind"] = json!({"type": "string", "enum": ["a", "b"], "nullable": true, "description": "Kind.", "default": "a"});
    props["mode"] = json!({"type": "string", "enum": ["c", null]});
    let n = normalize(&doc);
    let props = &n.doc["components"]["schemas"]["Job"]["properties"];
    assert_eq!(
        props["kind"],
        json!({"allOf": [{"$ref": "#/components/schemas/JobKind"}], "nullable": true, "description": "Kind.", "default": "a"})
    );
    assert_eq!(
        *schema(&n.doc, "JobKind"),
        json!({"type": "string", "enum": ["a", "b"], "description": "Kind."})
    );
    // A listed `null` is nullability, not a value.
    assert_eq!(
        props["mode"],
        json!({"allOf": [{"$ref": "#/components/schemas/JobMode"}], "nullable": true})
    );
    assert_eq!(schema(&n.doc, "JobMode")["enum"], json!(["c"]));
}

#[test]
fn error_bodies_get_empty_additional_properties_and_success_only_schemas_do_not() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Error"]["properties"]["details"] = json!({"$ref": "#/components/schemas/Details"});
    schemas["Error"]["properties"]["inline"] =
        json!({"type": "object", "properties": {"a": {"type": "string"}}});
    schemas["Error"]["properties"]["wrapped"] =
        json!({"allOf": [{"$ref": "#/components/schemas/Wrapped"}], "nullable": true});
    schemas["Details"] = json!({"type": "object", "additionalProperties": true, "properties": {"deep": {"$ref": "#/components/schemas/Deep"}}});
    schemas["Wrapped"] = json!({"type": "object"});
    schemas["Deep"] = json!({"type": "object"});
    schemas["Closed"] = json!({"type": "object", "additionalProperties": false});
    schemas["Other"] = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    schemas["AnyError"] = json!({"anyOf": [{"$ref": "#/components/schemas/Closed"}, {"$ref": "#/components/schemas/Other"}]});
    doc["paths"]["/jobs"]["get"]["responses"]["500"] = json!({"description": "e", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AnyError"}}}});
    let n = normalize(&doc);
    let s = &n.doc["components"]["schemas"];
    assert_eq!(s["Error"]["additionalProperties"], json!({}));
    assert_eq!(
        s["Error"]["properties"]["inline"]["additionalProperties"],
        json!({})
    );
    assert_eq!(s["Details"]["additionalProperties"], json!({}));
    assert_eq!(s["Wrapped"]["additionalProperties"], json!({}));
    assert_eq!(s["Other"]["additionalProperties"], json!({}));
    // `false` stays; deeper levels, unions themselves and success-only schemas are untouched.
    assert_eq!(s["Closed"]["additionalProperties"], json!(false));
    assert!(s["Deep"].get("additionalProperties").is_none());
    assert!(s["AnyError"].get("additionalProperties").is_none());
    assert!(s["Job"].get("additionalProperties").is_none());
    assert!(n.hoisted.is_empty());
}

#[test]
fn text_and_octet_stream_request_schemas_are_normalized() {
    let mut doc = spec();
    doc["paths"]["/notes"] = json!({
        "put": {
            "operationId": "putNote",
            "requestBody": {"content": {"text/plain; charset=utf-8": {"schema": {"type": "string", "minLength": 1, "pattern": ".+", "example": "hi"}}}},
            "responses": {"204": {"description": "ok"}}
        },
        "post": {
            "operationId": "upload",
            "requestBody": {"$ref": "#/components/requestBodies/Blob"},
            "responses": {"204": {"description": "ok"}}
        },
        "patch": {
            "operationId": "patchNote",
            "requestBody": {"content": {"application/json": {"schema": {"type": "string", "minLength": 1}}}},
            "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string", "minLength": 1}}}}}
        }
    });
    doc["components"]["requestBodies"] = json!({"Blob": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "byte", "maxLength": 9}}}}});
    let n = normalize(&doc);
    assert_eq!(
        n.doc["paths"]["/notes"]["put"]["requestBody"]["content"]["text/plain; charset=utf-8"]["schema"],
        json!({"type": "string"})
    );
    assert_eq!(
        n.doc["components"]["requestBodies"]["Blob"]["content"]["application/octet-stream"]["schema"],
        json!({"type": "string", "format": "binary"})
    );
    // JSON bodies and responses keep their schemas.
    assert_eq!(
        n.doc["paths"]["/notes"]["patch"],
        doc["paths"]["/notes"]["patch"]
    );
    assert_eq!(check(&doc), vec![]);
}

#[test]
fn normalization_is_deterministic_and_idempotent() {
    let mut doc = spec();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Job"]["properties"]["kind"] =
        json!({"type": "string", "enum": ["a", "b"], "nullable": true});
    schemas["Job"]["properties"]["tags"] =
        json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}});
    schemas["Job"]["properties"]["job_kind"] = json!({"type": "string", "enum": ["c"]});
    doc["paths"]["/jobs"]["get"]["parameters"] =
        json!([{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a"]}}]);
    let once = normalize(&doc);
    assert_eq!(normalize(&doc), once);
    let twice = normalize(&once.doc);
    assert_eq!(twice.doc, once.doc);
    assert!(twice.hoisted.is_empty());
}

#[test]
fn check_accepts_inline_enums_and_a_text_csv_success_response() {
    let mut doc = spec();
    doc["components"]["schemas"]["Job"]["properties"]["kind"] =
        json!({"type": "string", "enum": ["a", "b"]});
    doc["paths"]["/jobs"]["get"]["parameters"] =
        json!([{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open"]}}]);
    doc["paths"]["/export"] = json!({"get": {
        "operationId": "exportJobs",
        "responses": {
            "200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }});
    assert_eq!(check(&doc), vec![]);
}

#[test]
fn check_refuses_a_text_csv_request_body_naming_the_pointer_and_the_media_type() {
    let mut doc = spec();
    doc["paths"]["/import"] = json!({"post": {
        "operationId": "importJobs",
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}},
        "responses": {"204": {"description": "ok"}}
    }});
    let v = check(&doc);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        v[0].pointer,
        "/paths/~1import/post/requestBody/content/text~1csv"
    );
    assert_eq!(v[0].operation.as_deref(), Some("importJobs"));
    assert!(v[0].message.contains("text/csv"), "{}", v[0]);
    assert!(v[0].message.contains("application/json"), "{}", v[0]);
}

#[test]
fn garbage_input_does_not_panic() {
    for doc in [
        json!([1, 2]),
        json!(3),
        json!("x"),
        json!(null),
        json!({}),
        json!({"paths": 3}),
        json!({"paths": {"/a": 3, "/b": {"get": 1, "post": {"responses": [1], "parameters": {"a": 1}, "requestBody": 4}}}}),
        json!({"components": 3, "paths": {"/a": {"get": {"parameters": [{"schema": {"type": "string", "enum": ["a"]}}]}}}}),
        json!({"components": {"schemas": []}, "paths": {}}),
        json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "C": {"properties": {"x": {"$ref": "#/nowhere"}, "y": {"enum": 5}, "z": {"enum": [1, "a"]}, "w": {"items": [1]}}},
            "D": {"oneOf": [{"$ref": "#/components/schemas/D"}, 3], "anyOf": "x"}
        }}, "paths": {"/a": {"get": {"operationId": "a", "responses": {
            "500": {"$ref": "#/components/responses/Loop"},
            "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
            "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/D"}}}},
            "401": {"content": []}
        }}}}}),
    ] {
        let n = normalize(&doc);
        let _ = check(&doc);
        let _ = normalize(&n.doc);
    }
    // Without `components`, hoisting creates them.
    let doc = json!({"paths": {"/a": {"get": {"operationId": "a", "parameters": [{"name": "s", "in": "query", "schema": {"type": "string", "enum": ["a"]}}]}}}});
    assert_eq!(
        normalize(&doc).doc["components"]["schemas"]["ASParameter"],
        json!({"type": "string", "enum": ["a"]})
    );
}

#[test]
fn the_served_spec_passes_and_only_gains_open_error_bodies() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json"))
        .expect("openapi.json is readable");
    let doc: Value = serde_json::from_str(&text).expect("openapi.json is JSON");
    let violations = check(&doc);
    assert!(
        violations.is_empty(),
        "{}",
        violations
            .iter()
            .map(|v| format!("{v}\n"))
            .collect::<String>()
    );
    let n = normalize(&doc);
    assert_eq!(
        n.hoisted,
        vec![],
        "every enum of openapi.json is named today"
    );
    assert_eq!(
        n.doc["components"]["schemas"].as_object().map(|s| s.len()),
        doc["components"]["schemas"].as_object().map(|s| s.len())
    );
    // The one change: the error bodies and their object-typed properties keep unknown keys.
    let s = &n.doc["components"]["schemas"];
    assert_eq!(s["ErrorEnvelope"]["additionalProperties"], json!({}));
    assert_eq!(s["ErrorDetails"]["additionalProperties"], json!({}));
    let mut changed = Vec::new();
    for (name, schema) in s.as_object().into_iter().flatten() {
        if *schema != doc["components"]["schemas"][name] {
            let mut without = schema.clone();
            without
                .as_object_mut()
                .map(|o| o.remove("additionalProperties"));
            let mut before = doc["components"]["schemas"][name].clone();
            before
                .as_object_mut()
                .map(|o| o.remove("additionalProperties"));
            assert_eq!(
                without, before,
                "{name} changed beyond additionalProperties"
            );
            changed.push(name.as_str());
        }
    }
    assert!(changed.contains(&"ErrorEnvelope"), "{changed:?}");
    let mut rest = n.doc.clone();
    rest["components"]["schemas"] = json!(null);
    let mut served = doc.clone();
    served["components"]["schemas"] = json!(null);
    assert_eq!(rest, served, "only component schemas change");
}
