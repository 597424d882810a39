//! Lenient decoding, walked over the spec: in every docs example, every optional property of
//! every schema the example goes through may be `null` (or a copy with it set to `null` still
//! decodes), like the open-enum test walks every enum. Unknown enum values and extra fields keep
//! decoding too.

use opentrain_gen::operations::Operation;
use serde_json::{Map, Value};

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(pointer) => doc
            .pointer(pointer.trim_start_matches('#'))
            .map_or(schema, |target| resolve(doc, target)),
        None => schema,
    }
}

/// Every `(path, property)` of `value` where `schema` makes the property optional: the paths
/// are JSON pointers into `value` of the objects that may carry it.
fn optional_slots(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    out: &mut Vec<(String, String)>,
) {
    let schema = resolve(doc, schema);
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            optional_slots(doc, part, value, at, out);
        }
    }
    match value {
        Value::Object(object) => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (key, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !required.contains(&key.as_str()) {
                    out.push((at.to_owned(), key.clone()));
                }
                if let Some(inner) = object.get(key) {
                    optional_slots(doc, property, inner, &format!("{at}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    optional_slots(doc, item_schema, item, &format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// The success schema of `operation_id` in the spec.
fn success_schema<'a>(doc: &'a Value, operation_id: &str) -> Option<&'a Value> {
    let op = Operation::by_id(operation_id)?;
    let responses = doc
        .pointer(&format!(
            "/paths/{}/{}/responses",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method.to_lowercase()
        ))?
        .as_object()?;
    responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, response)| {
            resolve(doc, response).pointer("/content/application~1json/schema")
        })
}

#[test]
fn a_null_in_any_optional_property_of_any_docs_example_decodes_as_absent() {
    let doc = tests::spec();
    let mut tried = 0;
    let mut failures = Vec::new();
    for (stem, operation_id, bytes) in tests::fixtures() {
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        let Some(schema) = success_schema(&doc, &operation_id) else {
            continue;
        };
        let decode = Operation::by_id(&operation_id)
            .and_then(|op| op.decode_success)
            .expect("a JSON success body");
        let mut slots = Vec::new();
        optional_slots(&doc, schema, &original, "", &mut slots);
        slots.sort();
        slots.dedup();
        for (at, key) in slots {
            let mut mutated = original.clone();
            let Some(Value::Object(object)) = mutated.pointer_mut(&at) else {
                continue;
            };
            object.insert(key.clone(), Value::Null);
            tried += 1;
            if let Err(e) = decode(&serde_json::to_vec(&mutated).unwrap()) {
                failures.push(format!("{stem}: {at}/{key} = null: {e}"));
            }
        }
    }
    assert!(tried > 200, "only {tried} optional properties were tried");
    assert!(
        failures.is_empty(),
        "{} of {tried} nulls fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unknown_enum_values_and_extra_fields_still_decode() {
    let bytes = std::fs::read(tests::fixtures_dir().join("getContract.json")).unwrap();
    let mut value: Value = serde_json::from_slice(&bytes).unwrap();
    let contract = value["contract"].as_object_mut().unwrap();
    contract.insert("brandNewField".into(), Value::Bool(true));
    contract.insert("status".into(), Value::String("SOME_NEW_STATUS".into()));
    let decode = Operation::by_id("getContract")
        .and_then(|op| op.decode_success)
        .unwrap();
    let decoded = decode(&serde_json::to_vec(&value).unwrap()).unwrap();
    assert_eq!(decoded["contract"]["status"], "SOME_NEW_STATUS");
    let _: Map<String, Value> = decoded["contract"].as_object().unwrap().clone();
}
