//! `--set key=value`: parsing one assignment, and typing its value from what the API says
//! about the field — the capabilities' patchable keys and enum catalog, then the spec's patch
//! body itself (`opentrain::drafting::fields_patch`), which accepts a value only when it goes
//! out exactly as given (a number for a number field, a list for a list field, ...).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use opentrain::types::{DraftCapabilities, JobFieldsPatch};

use crate::error::CliError;

/// One `--set key=value`, as typed on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The field's key, e.g. `pricePerHour`.
    pub key: String,
    /// The value as written.
    pub raw: String,
}

/// clap's parser of `key=value`.
pub fn parse_assignment(text: &str) -> Result<Assignment, String> {
    let Some((key, raw)) = text.split_once('=') else {
        return Err(format!("{text:?} is not key=value"));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("{text:?} has no key before `=`"));
    }
    Ok(Assignment {
        key: key.to_owned(),
        raw: raw.to_owned(),
    })
}

/// What the API says about the draft fields: which keys can be patched and the allowed
/// values of enum fields (from `GET /job-drafts/capabilities`).
#[derive(Debug, Default, Clone)]
pub struct FieldHints {
    /// The patchable keys (`draft.updateKeys`), when the server listed them.
    pub keys: Vec<String>,
    /// `draft.enums`: field → allowed values.
    pub enums: BTreeMap<String, Vec<String>>,
}

impl FieldHints {
    /// The hints in a capabilities response.
    pub fn from_capabilities(caps: &DraftCapabilities) -> Self {
        let Some(draft) = caps.draft.as_ref() else {
            return Self::default();
        };
        let mut enums = BTreeMap::new();
        if let Ok(Value::Object(map)) = serde_json::to_value(&draft.enums) {
            for (field, values) in map {
                if let Value::Array(values) = values {
                    let values: Vec<String> = values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    if !values.is_empty() {
                        enums.insert(field, values);
                    }
                }
            }
        }
        Self {
            keys: draft.update_keys.clone(),
            enums,
        }
    }
}

/// Types every assignment and builds the PATCH body; a key the API does not list, a value
/// outside an enum, or a value no form of which the field takes is a usage error.
pub fn build_patch(
    assignments: &[Assignment],
    hints: &FieldHints,
) -> Result<JobFieldsPatch, CliError> {
    let mut fields = Map::new();
    for assignment in assignments {
        let value = typed_value(assignment, hints)?;
        fields.insert(assignment.key.clone(), value);
    }
    Ok(opentrain::drafting::fields_patch(&fields)?)
}

/// The typed value of one assignment.
fn typed_value(a: &Assignment, hints: &FieldHints) -> Result<Value, CliError> {
    if !hints.keys.is_empty() && !hints.keys.iter().any(|k| k == &a.key) {
        return Err(CliError::usage(format!(
            "--set {}: not a patchable key; the server lists: {}",
            a.key,
            hints.keys.join(", ")
        )));
    }
    if let Some(allowed) = hints.enums.get(&a.key) {
        return allowed
            .iter()
            .find(|v| v.eq_ignore_ascii_case(a.raw.trim()))
            .map(|v| Value::String(v.clone()))
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--set {}={}: not one of {}",
                    a.key,
                    a.raw,
                    allowed.join(", ")
                ))
            });
    }
    let mut last_problem = String::new();
    for candidate in candidates(&a.raw) {
        let mut one = Map::new();
        one.insert(a.key.clone(), candidate.clone());
        match opentrain::drafting::fields_patch(&one) {
            Ok(_) => return Ok(candidate),
            Err(e) => last_problem = e.to_string(),
        }
    }
    Err(CliError::usage(format!(
        "--set {}={}: the field does not take this value ({last_problem})",
        a.key, a.raw
    )))
}

/// The forms a raw value may take, most specific first: JSON written out (`[…]`, `{…}`), a
/// number, a boolean, the text, a comma-separated list, a one-element list.
fn candidates(raw: &str) -> Vec<Value> {
    let trimmed = raw.trim();
    let mut out = Vec::new();
    if (trimmed.starts_with('[') || trimmed.starts_with('{'))
        && let Ok(value) = serde_json::from_str::<Value>(trimmed)
    {
        out.push(value);
    }
    if let Ok(n) = trimmed.parse::<i64>() {
        out.push(Value::from(n));
    } else if let Ok(x) = trimmed.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(x)
    {
        out.push(Value::Number(n));
    }
    match trimmed {
        "true" => out.push(Value::Bool(true)),
        "false" => out.push(Value::Bool(false)),
        _ => {}
    }
    out.push(Value::String(raw.to_owned()));
    if raw.contains(',') {
        out.push(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ));
    }
    out.push(Value::Array(vec![Value::String(raw.to_owned())]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(text: &str) -> Assignment {
        parse_assignment(text).expect("key=value")
    }

    #[test]
    fn assignments_need_a_key_and_an_equals_sign() {
        assert!(parse_assignment("pricePerHour").is_err());
        assert!(parse_assignment("=3").is_err());
        assert_eq!(set("jobTitle=a=b").raw, "a=b");
    }

    #[test]
    fn values_are_typed_by_the_patch_body() {
        let hints = FieldHints::default();
        assert_eq!(
            typed_value(&set("pricePerHour=25"), &hints).unwrap(),
            json!(25)
        );
        assert_eq!(typed_value(&set("headcount=3"), &hints).unwrap(), json!(3));
        assert_eq!(
            typed_value(&set("jobTitle=42"), &hints).unwrap(),
            json!("42")
        );
        assert_eq!(
            typed_value(&set("languages=en,es"), &hints).unwrap(),
            json!(["en", "es"])
        );
        assert_eq!(
            typed_value(&set("languages=en"), &hints).unwrap(),
            json!(["en"])
        );
        assert!(typed_value(&set("headcount=lots"), &hints).is_err());
        assert!(typed_value(&set("notAKey=1"), &hints).is_err());
    }

    #[test]
    fn enums_take_a_listed_value_in_any_case() {
        let hints = FieldHints {
            keys: vec![],
            enums: BTreeMap::from([(
                "experienceLevel".to_owned(),
                vec!["ENTRY".to_owned(), "INTERMEDIATE".to_owned()],
            )]),
        };
        assert_eq!(
            typed_value(&set("experienceLevel=intermediate"), &hints).unwrap(),
            json!("INTERMEDIATE")
        );
        assert!(typed_value(&set("experienceLevel=guru"), &hints).is_err());
    }
}
