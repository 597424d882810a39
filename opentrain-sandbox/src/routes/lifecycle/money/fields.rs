//! Readers of the request-body members the hire and milestone bodies share: an optional due
//! date (date-only or RFC 3339), an optional text and a required non-empty text. A wrong type
//! is a 400 naming the field.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// A date-only (`2026-07-01`, midnight UTC) or RFC 3339 due date.
pub(super) fn due_date(
    value: Option<&Value>,
    field: &str,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let bad = || {
        ApiError::bad_field(
            field,
            format!("{field} must be an ISO 8601 date (YYYY-MM-DD) or date-time."),
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(raw)) => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .or_else(|| {
                DateTime::parse_from_rfc3339(raw.trim())
                    .ok()
                    .map(|t| t.with_timezone(&Utc))
            })
            .map(Some)
            .ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// An optional non-empty string member.
pub(super) fn opt_text(
    map: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
        Some(_) => Err(ApiError::bad_field(
            field,
            format!("{field} must be a string."),
        )),
    }
}

/// A required string member that the docs say must be non-empty: whitespace counts as text
/// (the schema's `minLength: 1` allows it), so only a missing, `null`, non-string or `""`
/// member is refused.
pub(super) fn required_text(map: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Err(ApiError::bad_field(key, format!("{key} is required."))),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::bad_field(
            key,
            format!("{key} must be non-empty."),
        )),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ApiError::bad_field(key, format!("{key} must be a string."))),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use chrono::{DateTime, Utc};
    use serde_json::{Map, Value, json};

    use super::{due_date, opt_text, required_text};

    /// The `details.field` of a refusal.
    fn refused_field<T: std::fmt::Debug>(result: Result<T, crate::errors::ApiError>) -> String {
        let err = result.expect_err("the value is refused");
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        err.details.and_then(|d| d.field).unwrap_or_default()
    }

    #[test]
    fn due_date_reads_a_date_as_midnight_utc_and_an_rfc3339_time_as_given() {
        let midnight = DateTime::parse_from_rfc3339("2026-07-01T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(
            due_date(Some(&json!("2026-07-01")), "dueDate").ok(),
            Some(midnight)
        );
        let noon = DateTime::parse_from_rfc3339("2026-07-01T12:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(
            due_date(Some(&json!("2026-07-01T14:30:00+02:00")), "dueDate").ok(),
            Some(noon)
        );
        assert_eq!(due_date(None, "dueDate").ok(), Some(None));
        assert_eq!(due_date(Some(&Value::Null), "dueDate").ok(), Some(None));
    }

    #[test]
    fn due_date_refuses_other_text_and_other_types_naming_the_field() {
        for bad in [json!("next week"), json!("2026-13-01"), json!(20260701)] {
            assert_eq!(
                refused_field(due_date(Some(&bad), "milestone.dueDate")),
                "milestone.dueDate"
            );
        }
    }

    #[test]
    fn opt_text_trims_drops_blank_text_and_refuses_non_strings() {
        let mut map = Map::new();
        map.insert("name".into(), json!("  Batch one "));
        map.insert("blank".into(), json!("   "));
        map.insert("number".into(), json!(3));
        assert_eq!(
            opt_text(&map, "name", "name").ok(),
            Some(Some("Batch one".to_owned()))
        );
        assert_eq!(opt_text(&map, "blank", "blank").ok(), Some(None));
        assert_eq!(opt_text(&map, "absent", "absent").ok(), Some(None));
        assert_eq!(
            refused_field(opt_text(&map, "number", "m.number")),
            "m.number"
        );
    }

    #[test]
    fn required_text_keeps_whitespace_and_refuses_missing_empty_and_non_strings() {
        let mut map = Map::new();
        map.insert("newline".into(), json!("\n"));
        map.insert("empty".into(), json!(""));
        map.insert("null".into(), Value::Null);
        map.insert("number".into(), json!(3));
        assert_eq!(required_text(&map, "newline").ok(), Some("\n".to_owned()));
        for key in ["empty", "null", "number", "missing"] {
            assert_eq!(refused_field(required_text(&map, key)), key);
        }
    }
}
