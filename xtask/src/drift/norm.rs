//! What of a schema is compared: [`Norm`] unwraps the 3.0 nullable-reference idiom
//! (`allOf: [X], nullable: true`), [`ref_name`] names the component a `$ref` points to, and
//! [`type_label`] says what decides the generated Rust type.

use serde_json::Value;

/// A schema with the 3.0 nullable-reference idiom (`allOf: [X], nullable: true`) unwrapped.
pub(super) struct Norm<'a> {
    pub(super) body: &'a Value,
    pub(super) reference: Option<&'a str>,
    pub(super) nullable: bool,
}

impl<'a> Norm<'a> {
    pub(super) fn of(v: &'a Value) -> Self {
        let nullable = v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            return Norm {
                body: v,
                reference: Some(r),
                nullable,
            };
        }
        if let Some([only]) = v.get("allOf").and_then(Value::as_array).map(Vec::as_slice)
            && !v.get("type").is_some_and(|t| t != "object")
            && v.get("properties").is_none()
        {
            let inner = Norm::of(only);
            return Norm {
                nullable: nullable || inner.nullable,
                ..inner
            };
        }
        Norm {
            body: v,
            reference: None,
            nullable,
        }
    }
}

pub(super) fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// What decides the generated Rust type of a schema: its type and format, whether it is an enum,
/// and what it composes.
pub(super) fn type_label(s: &Value) -> String {
    let format = s.get("format").and_then(Value::as_str);
    let base = match s.get("type").and_then(Value::as_str) {
        Some(t) => t.to_owned(),
        None if s.get("properties").is_some() || s.get("additionalProperties").is_some() => {
            "object".into()
        }
        None if s.get("items").is_some() => "array".into(),
        None if s.get("oneOf").is_some() => "oneOf".into(),
        None if s.get("anyOf").is_some() => "anyOf".into(),
        None if s.get("allOf").is_some() => "allOf".into(),
        None if s.get("enum").is_some() => "untyped".into(),
        None => "any".into(),
    };
    let mut label = match format {
        Some(f) => format!("{base}({f})"),
        None => base,
    };
    if s.get("enum").is_some() {
        label.push_str(" enum");
    }
    label
}
