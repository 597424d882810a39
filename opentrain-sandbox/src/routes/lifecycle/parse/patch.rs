//! The checks of a PATCH body (draft or live job): at least one key, only the documented keys,
//! the documented types and canonical enum values. A refusal is a 400 with zod-like
//! `details.issues` and the offending key in `details.field`; accepted changes are applied with
//! [`apply`] (a `null` clears a key).

use serde_json::{Map, Value, json};

use super::vocab::{DATA_VOLUME_UNITS, EXPERIENCE_LEVELS, PAYMENT_TYPES, UPDATE_KEYS};
use crate::errors::ApiError;

/// The JSON type name zod would report.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A 400 for one bad field: zod issues plus `details.field`.
fn bad(field: &str, message: String, issue_value: Value) -> ApiError {
    ApiError::issues(message, vec![issue_value]).with(|d| d.field = Some(field.to_owned()))
}

/// Checks a PATCH body (draft or live job): at least one key, only documented keys, the
/// documented types, canonical enum values. Returns the changes; a `null` value clears a key.
pub(crate) fn check_patch(body: Map<String, Value>) -> Result<Vec<(String, Value)>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "The request body must set at least one field.",
        ));
    }
    let unknown: Vec<&String> = body
        .keys()
        .filter(|k| !UPDATE_KEYS.contains(&k.as_str()))
        .collect();
    if let Some(first) = unknown.first() {
        let names: Vec<String> = unknown.iter().map(|k| format!("'{k}'")).collect();
        let message = format!("Unrecognized key(s) in object: {}", names.join(", "));
        return Err(ApiError::issues(
            message.clone(),
            vec![json!({
                "code": "unrecognized_keys",
                "keys": unknown,
                "path": [],
                "message": message,
            })],
        )
        .with(|d| d.field = Some((*first).clone())));
    }
    let mut changes = Vec::new();
    for (key, value) in body {
        if !value.is_null() {
            check_value(&key, &value)?;
        }
        changes.push((key, value));
    }
    Ok(changes)
}

/// Checks the type (and enum value) of one patched key.
fn check_value(key: &str, value: &Value) -> Result<(), ApiError> {
    let enum_values: Option<&[&str]> = match key {
        "paymentType" => Some(PAYMENT_TYPES),
        "experienceLevel" => Some(EXPERIENCE_LEVELS),
        "dataVolumeUnit" => Some(DATA_VOLUME_UNITS),
        _ => None,
    };
    let wrong_type = |expected: &str| {
        bad(
            key,
            format!("{key}: expected {expected}, received {}.", type_name(value)),
            json!({
                "code": "invalid_type",
                "expected": expected,
                "received": type_name(value),
                "path": [key],
                "message": format!("Expected {expected}, received {}", type_name(value)),
            }),
        )
    };
    if let Some(options) = enum_values {
        let Some(s) = value.as_str() else {
            return Err(wrong_type("string"));
        };
        if !options.contains(&s) {
            return Err(bad(
                key,
                format!("{key} must be one of {}; got '{s}'.", options.join(", ")),
                json!({
                    "code": "invalid_enum_value",
                    "options": options,
                    "received": s,
                    "path": [key],
                    "message": format!("Invalid enum value. Expected {}, received '{s}'",
                        options.iter().map(|o| format!("'{o}'")).collect::<Vec<_>>().join(" | ")),
                }),
            ));
        }
        return Ok(());
    }
    match key {
        // The docs state types only (no minimum, no non-empty rule): any string, any number,
        // any whole number is taken as sent, like the schema allows.
        "jobTitle" | "jobDescription" if !value.is_string() => {
            return Err(wrong_type("string"));
        }
        "pricePerHour" | "pricePerLabel" | "fixedPrice" | "dataVolume" if !value.is_number() => {
            return Err(wrong_type("number"));
        }
        "headcount" => {
            let whole = value.is_i64()
                || value.is_u64()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0);
            if !whole {
                return Err(wrong_type("number"));
            }
        }
        // `countries` and `labelTypes` have no JSON type in the docs (the spec leaves them
        // untyped): any value is kept as sent, like the keys below.
        "languages" => {
            let ok = value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string));
            if !ok {
                return Err(wrong_type("array of strings"));
            }
        }
        // The docs give no types for the remaining keys; any JSON value is kept as sent.
        _ => {}
    }
    Ok(())
}

/// Applies checked changes to a job's fields.
pub(crate) fn apply(fields: &mut Map<String, Value>, changes: Vec<(String, Value)>) {
    for (key, value) in changes {
        if value.is_null() {
            fields.remove(&key);
        } else {
            fields.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use opentrain_gen::types::ErrorCode;
    use serde_json::{Map, Value, json};

    use super::{apply, check_patch, check_value};
    use crate::errors::ApiError;

    /// A PATCH body from a JSON object literal.
    fn body(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// The refusal of `value`, which must be refused.
    fn refusal(value: Value) -> ApiError {
        check_patch(body(value)).expect_err("the body is refused")
    }

    /// `details.field` and the single `details.issues` entry of a refusal.
    fn field_and_issue(err: &ApiError) -> (Option<String>, Value) {
        let details = err.details.as_deref().expect("a refusal has details");
        let issues = details.issues.clone().unwrap_or(Value::Null);
        let [issue] = issues.as_array().map(Vec::as_slice).unwrap_or_default() else {
            panic!("exactly one issue expected, got {issues}");
        };
        (details.field.clone(), issue.clone())
    }

    #[test]
    fn a_wrong_type_is_a_400_bad_request_with_a_zod_invalid_type_issue() {
        let err = refusal(json!({"headcount": "five"}));
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(err.code, ErrorCode::BadRequest);
        let (field, issue) = field_and_issue(&err);
        assert_eq!(field.as_deref(), Some("headcount"));
        assert_eq!(issue["code"], json!("invalid_type"));
        assert_eq!(issue["expected"], json!("number"));
        assert_eq!(issue["received"], json!("string"));
        assert_eq!(issue["path"], json!(["headcount"]));
        assert_eq!(issue["message"], json!("Expected number, received string"));
    }

    #[test]
    fn each_typed_key_refuses_the_wrong_json_type() {
        for (key, value, expected) in [
            ("jobTitle", json!(7), "string"),
            ("pricePerHour", json!("20"), "number"),
            ("dataVolume", json!(true), "number"),
            ("languages", json!("English"), "array of strings"),
            ("languages", json!(["English", 3]), "array of strings"),
            ("paymentType", json!(1), "string"),
        ] {
            let err = refusal(json!({ key: value }));
            let (field, issue) = field_and_issue(&err);
            assert_eq!(field.as_deref(), Some(key));
            assert_eq!(issue["code"], json!("invalid_type"), "{key}");
            assert_eq!(issue["expected"], json!(expected), "{key}");
        }
    }

    #[test]
    fn a_non_canonical_enum_value_is_refused_listing_the_generated_options() {
        let err = refusal(json!({"experienceLevel": "SENIOR"}));
        let (field, issue) = field_and_issue(&err);
        assert_eq!(field.as_deref(), Some("experienceLevel"));
        assert_eq!(issue["code"], json!("invalid_enum_value"));
        assert_eq!(issue["received"], json!("SENIOR"));
        assert_eq!(
            issue["options"],
            json!([
                "EXPERT",
                "ENTRY_LEVEL",
                "INTERMEDIATE",
                "ANY_EXPERIENCE_LEVEL"
            ])
        );
    }

    #[test]
    fn numbers_and_titles_the_docs_set_no_range_for_are_taken() {
        for (key, value) in [
            ("fixedPrice", json!(0)),
            ("dataVolume", json!(-1)),
            ("headcount", json!(0)),
            ("jobTitle", json!("  ")),
        ] {
            assert!(check_value(key, &value).is_ok(), "{key}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_naming_the_first() {
        let (field, issue) = field_and_issue(&refusal(json!({"salary": 3})));
        assert_eq!(field.as_deref(), Some("salary"));
        assert_eq!(issue["code"], json!("unrecognized_keys"));
        assert_eq!(issue["keys"], json!(["salary"]));
    }

    #[test]
    fn an_empty_body_is_refused() {
        let err = refusal(json!({}));
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn accepted_changes_apply_and_null_clears_a_key() {
        let mut fields = body(json!({"jobTitle": "Old", "headcount": 2}));
        let changes = check_patch(body(json!({
            "jobTitle": "New",
            "headcount": null,
            "paymentType": "PAY_PER_LABEL",
        })))
        .expect("the body is accepted");
        apply(&mut fields, changes);
        assert_eq!(
            Value::Object(fields),
            json!({"jobTitle": "New", "paymentType": "PAY_PER_LABEL"})
        );
    }
}
