//! Draft PATCH bodies: [`fields_patch`] builds a [`JobFieldsPatch`] from `key -> value` pairs,
//! and the check behind it refuses any pair the spec's patch body would not send exactly as
//! given (instead of dropping it silently).

use serde_json::{Map, Value};

use crate::Error;
use crate::types::JobFieldsPatch;

/// Builds a PATCH body from `key -> value` pairs (e.g. answers under `updateKeys`), refusing any
/// pair the spec's [`JobFieldsPatch`] would not send exactly as given (a key it does not model,
/// a value of another JSON type, `null`, an empty list) instead of dropping it silently.
///
/// ```
/// let fields = serde_json::json!({"experienceLevel": "INTERMEDIATE", "pricePerLabel": 0.06});
/// let patch = opentrain::drafting::fields_patch(fields.as_object().unwrap()).unwrap();
/// assert_eq!(patch.price_per_label, Some(0.06));
/// ```
pub fn fields_patch(fields: &Map<String, Value>) -> Result<JobFieldsPatch, Error> {
    for (key, value) in fields {
        check_patch_value(key, value)
            .map_err(|reason| Error::InvalidRequest(format!("{key}: {reason}")))?;
    }
    serde_json::from_value(Value::Object(fields.clone()))
        .map_err(|e| Error::InvalidRequest(format!("the patch body is unusable: {e}")))
}

/// Whether `{key: value}` goes through [`JobFieldsPatch`] unchanged.
pub(super) fn check_patch_value(key: &str, value: &Value) -> Result<(), String> {
    let mut one = Map::new();
    one.insert(key.to_owned(), value.clone());
    let typed: JobFieldsPatch = serde_json::from_value(Value::Object(one))
        .map_err(|e| format!("{e} (the spec's type for {key})"))?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match back.get(key) {
        Some(sent) if same_json(sent, value) => Ok(()),
        Some(sent) => Err(format!("it would be sent as {sent}")),
        None if value.is_null() => {
            Err("null cannot be sent (clearing a field is not documented)".into())
        }
        None if value.as_array().is_some_and(Vec::is_empty) => {
            Err("an empty list cannot be sent".into())
        }
        None => Err(format!(
            "{key} is not a key of the spec's draft patch body, so it cannot be sent"
        )),
    }
}

/// JSON equality with numbers compared by value (`10000` and `10000.0` are the same answer).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patch_values_must_survive_the_typed_body() {
        assert!(check_patch_value("pricePerLabel", &json!(0.06)).is_ok());
        assert!(check_patch_value("dataVolume", &json!(10000)).is_ok());
        assert!(check_patch_value("headcount", &json!(3)).is_ok());
        assert!(check_patch_value("pricePerLabel", &json!("0.06")).is_err());
        assert!(check_patch_value("headcount", &json!(2.5)).is_err());
        let unknown = check_patch_value("notAKey", &json!("x")).unwrap_err();
        assert!(unknown.contains("not a key"), "{unknown}");
        assert!(check_patch_value("languages", &json!([])).is_err());
        assert!(check_patch_value("jobTitle", &Value::Null).is_err());
    }
}
