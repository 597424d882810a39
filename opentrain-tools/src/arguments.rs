//! The one check of a tool's arguments, for both surfaces: the MCP server hands it the call's
//! JSON arguments, the command the JSON it read from its flags. Each value is checked against
//! the spec's type, range and length for the field it fills ([`crate::Arg::spec`]); a name the
//! tool does not take, a missing required value, a wrong type or a value out of range is a
//! [`Refusal`] that names the argument and what it takes.

use std::fmt;

use opentrain::operations::ValueKind;
use serde_json::{Map, Value};

use opentrain::operations::BodyField;

use crate::tool::{Arg, Naming, Spec, Tool};

/// An argument the tool cannot take, said so that the caller can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// `given` checked against `tool`'s arguments: strings trimmed (an empty optional one is left
/// out), whole numbers as integers, every required argument present. A refusal names the
/// argument as `naming` says (the MCP parameter, or the command's flag).
pub fn check(
    tool: &Tool,
    given: Map<String, Value>,
    naming: Naming,
) -> Result<Map<String, Value>, Refusal> {
    let operation = tool.operation();
    let surface = naming.surface();
    let mut checked = Map::new();
    for (name, value) in given {
        let Some(arg) = tool.arg(&name).filter(|a| a.on(surface)) else {
            let known: Vec<String> = tool.args_on(surface).map(|a| a.named(naming)).collect();
            return Err(Refusal(if known.is_empty() {
                format!("unknown argument `{name}`: this tool takes no arguments")
            } else {
                format!(
                    "unknown argument `{name}`; this tool takes: {}",
                    known.join(", ")
                )
            }));
        };
        if value.is_null() {
            continue;
        }
        let value = if arg.members.is_empty() {
            checked_value(&arg.named(naming), &arg.spec(operation), value)?
        } else {
            Some(checked_members(
                arg,
                operation.body_field(arg.field),
                value,
                naming,
            )?)
        };
        if let Some(value) = value {
            checked.insert(name, value);
        }
    }
    for arg in tool.args_on(surface) {
        if arg.spec(operation).required && !checked.contains_key(arg.name) {
            return Err(Refusal(format!("{} is required", arg.named(naming))));
        }
    }
    if let Some(rule) = tool.rule {
        rule(tool, &checked, naming).map_err(Refusal)?;
    }
    Ok(checked)
}

/// The object argument `arg` checked member by member against the members of the body
/// member it fills (`parent`).
fn checked_members(
    arg: &Arg,
    parent: Option<&BodyField>,
    value: Value,
    naming: Naming,
) -> Result<Value, Refusal> {
    let Value::Object(given) = value else {
        return Err(Refusal(format!(
            "{} must be an object, got {value}",
            arg.named(naming)
        )));
    };
    let mut checked = Map::new();
    for (name, value) in given {
        let Some(member) = arg.members.iter().find(|m| m.name == name) else {
            let known: Vec<&str> = arg.members.iter().map(|m| m.name).collect();
            return Err(Refusal(format!(
                "{} takes no member `{name}`; it takes: {}",
                arg.named(naming),
                known.join(", ")
            )));
        };
        if value.is_null() {
            continue;
        }
        let named = member.named_in(arg, naming);
        if let Some(value) = checked_value(&named, &member.spec_in(parent), value)? {
            checked.insert(member.field.to_owned(), value);
        }
    }
    for member in arg.members {
        if member.spec_in(parent).required && !checked.contains_key(member.field) {
            return Err(Refusal(format!(
                "{} is required",
                member.named_in(arg, naming)
            )));
        }
    }
    Ok(Value::Object(checked))
}

fn checked_value(name: &str, spec: &Spec, value: Value) -> Result<Option<Value>, Refusal> {
    let wrong = |what: &str| Refusal(format!("{name} must be {what}, got {value}"));
    match spec.kind {
        ValueKind::String => {
            let Value::String(text) = &value else {
                return Err(wrong("a string"));
            };
            let text = text.trim();
            if text.is_empty() {
                return if spec.required {
                    Err(Refusal(format!("{name} must not be empty")))
                } else {
                    Ok(None)
                };
            }
            let length = text.chars().count() as u64;
            if spec.min_length.is_some_and(|min| length < min)
                || spec.max_length.is_some_and(|max| length > max)
            {
                return Err(Refusal(format!(
                    "{name} must be {} characters long, got {length}",
                    range(
                        spec.min_length.map(|n| n as f64),
                        spec.max_length.map(|n| n as f64)
                    )
                )));
            }
            Ok(Some(Value::String(text.to_owned())))
        }
        ValueKind::Integer | ValueKind::Number => {
            let whole = spec.kind == ValueKind::Integer;
            let what = if whole { "a whole number" } else { "a number" };
            let Some(n) = value.as_f64() else {
                return Err(Refusal(format!(
                    "{name} must be {what} {}, got {value}",
                    range(spec.minimum, spec.maximum)
                )));
            };
            let in_range = n.is_finite()
                && spec.minimum.is_none_or(|min| n >= min)
                && spec.exclusive_minimum.is_none_or(|min| n > min)
                && spec.maximum.is_none_or(|max| n <= max);
            if !in_range || (whole && n.fract() != 0.0) {
                let range = match spec.exclusive_minimum {
                    Some(min) if spec.minimum.is_none() && spec.maximum.is_none() => {
                        format!("greater than {min}")
                    }
                    _ => range(spec.minimum, spec.maximum),
                };
                return Err(Refusal(format!(
                    "{name} must be {what} {range}, got {value}"
                )));
            }
            if whole {
                // Exact: `n` is whole and within the declared range.
                Ok(Some(Value::from(n as i64)))
            } else {
                Ok(Some(value))
            }
        }
        ValueKind::Boolean => match value {
            Value::Bool(_) => Ok(Some(value)),
            _ => Err(wrong("true or false")),
        },
        ValueKind::Array => match value {
            Value::Array(_) => Ok(Some(value)),
            _ => Err(wrong("a list")),
        },
        ValueKind::Object => match value {
            Value::Object(_) => Ok(Some(value)),
            _ => Err(wrong("an object")),
        },
        ValueKind::Any => Ok(Some(value)),
    }
}

fn range(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "in range".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;
    use serde_json::json;

    fn tool(name: &str) -> &'static Tool {
        table::by_name(name).expect("a tool of the table")
    }

    fn refused(name: &str, given: Value) -> String {
        let Value::Object(given) = given else {
            panic!("arguments are an object")
        };
        check(tool(name), given, Naming::Parameter)
            .expect_err("refused")
            .0
    }

    #[test]
    fn a_page_limit_is_any_whole_json_number_in_the_documented_range() {
        let Value::Object(given) = json!({"limit": 25.0, "status": " OPEN "}) else {
            unreachable!()
        };
        let checked =
            check(tool("opentrain_list_jobs"), given, Naming::Parameter).expect("accepted");
        assert_eq!(checked["limit"], json!(25));
        assert_eq!(checked["status"], json!("OPEN"));
        assert!(
            refused("opentrain_list_jobs", json!({"limit": 2.5}))
                .contains("whole number between 1 and 100")
        );
        assert!(refused("opentrain_list_jobs", json!({"limit": 0})).contains("got 0"));
        assert!(refused("opentrain_search_jobs", json!({"limit": 51})).contains("and 50"));
        assert!(refused("opentrain_list_jobs", json!({"limit": "25"})).contains("a whole number"));
    }

    #[test]
    fn the_command_line_names_flags_and_positionals() {
        let Value::Object(given) = json!({"contractId": " ", "status": 3}) else {
            unreachable!()
        };
        let get = check(tool("opentrain_get_contract"), given.clone(), Naming::Flag);
        assert_eq!(
            get.expect_err("refused").0,
            "<CONTRACT_ID> must not be empty"
        );
        let list = check(tool("opentrain_list_contracts"), given, Naming::Flag);
        assert!(list.is_err());
        let Value::Object(given) = json!({"amountUsd": 5}) else {
            unreachable!()
        };
        let top_up = check(tool("opentrain_create_credit_top_up"), given, Naming::Flag);
        assert_eq!(
            top_up.expect_err("refused").0,
            "`--amount-usd` must be a number between 10 and 10000, got 5"
        );
    }

    #[test]
    fn an_object_argument_is_checked_member_by_member_and_by_the_tools_rule() {
        let hire = "opentrain_hire_proposal";
        let refused_hire =
            |milestone: Value| refused(hire, json!({"proposalId": "p_1", "milestone": milestone}));
        assert_eq!(
            refused_hire(json!({"name": "Batch"})),
            "`milestone.amount` is required"
        );
        assert!(refused_hire(json!({"amount": 0, "name": "Batch"})).contains("greater than 0"));
        assert!(refused_hire(json!({"amount": 5, "colour": "red"})).contains("`colour`"));
        assert!(refused_hire(json!({"amount": 5})).contains("a name or a description"));
        let Value::Object(given) =
            json!({"proposalId": "p_1", "milestone": {"amount": 50, "name": " Batch "}})
        else {
            unreachable!()
        };
        let checked = check(tool(hire), given, Naming::Parameter).expect("accepted");
        assert_eq!(checked["milestone"], json!({"amount": 50, "name": "Batch"}));
    }

    #[test]
    fn unknown_missing_and_empty_arguments_are_named() {
        assert!(refused("opentrain_list_jobs", json!({"colour": "red"})).contains("`colour`"));
        assert_eq!(
            refused("opentrain_get_contract", json!({})),
            "`contractId` is required"
        );
        assert_eq!(
            refused("opentrain_get_contract", json!({"contractId": "  "})),
            "`contractId` must not be empty"
        );
    }
}
