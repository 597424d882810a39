//! How a tool's result is summarised, read from the typed response (the body decoded through
//! the generated type and written back, so a summary sees exactly the fields the spec knows):
//! a page of items, labelled fields of one record, or a sentence. Both surfaces render the
//! same [`Summary`]: the command as its human output, the MCP server as the result's text.
//! Fields are named by JSON pointer (`/pay/paymentType`).

use serde_json::{Map, Value};

/// How a tool's result is summarised.
#[derive(Clone, Copy, Debug)]
pub enum Summary {
    /// A page of a list: one line per item, and the next cursor.
    List(Listing),
    /// A page of one of several lists, whichever the response holds (conversations, or one
    /// conversation's messages): the first whose key holds an array, else the first.
    Lists(&'static [Listing]),
    /// `Label: value` lines for the present `fields` of the object at `at` (`""` for the
    /// whole response).
    Record {
        /// A pointer to the record.
        at: &'static str,
        /// Label and pointer (into the record) of each line.
        fields: &'static [(&'static str, &'static str)],
    },
    /// Lines made from the typed response (for a workflow, the facts its surface reports) and
    /// the tool's arguments, naming the next step in the words of the [`Surface`] they are for.
    Text(fn(&Value, &Map<String, Value>, Surface) -> Vec<String>),
}

/// A list's items: one line per item of the array at `key`, with the values at `fields`.
#[derive(Clone, Copy, Debug)]
pub struct Listing {
    /// What the items are, plural form with `(s)`: `job(s)`.
    pub noun: &'static str,
    /// The member holding the items: `jobs`.
    pub key: &'static str,
    /// The values shown for each item (pointers into the item).
    pub fields: &'static [&'static str],
    /// The item's line when it is more than its fields' values (cents as dollars, who sent a
    /// message); `None` joins the values at `fields`.
    pub row: Option<fn(&Value) -> String>,
}

impl Listing {
    /// One item's line: the tool's own `row`, or the values at `fields` (missing ones as `-`)
    /// joined by `separator`.
    pub fn line(&self, item: &Value, separator: &str) -> String {
        match self.row {
            Some(row) => row(item),
            None => columns(item, self.fields, separator),
        }
    }
}

/// Which surface a summary is for: the next step is a command line on one, a tool call on the
/// other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// The `opentrain` command's human output.
    Command,
    /// The MCP server's result text.
    Mcp,
}

impl Summary {
    /// The list a page of `typed` is, for a list summary: each surface lays its rows out
    /// itself with [`items`] and [`next_cursor`].
    pub fn listing(&self, typed: &Value) -> Option<&Listing> {
        match self {
            Summary::List(listing) => Some(listing),
            Summary::Lists(listings) => listings
                .iter()
                .find(|l| typed.get(l.key).is_some_and(Value::is_array))
                .or(listings.first()),
            Summary::Record { .. } | Summary::Text(_) => None,
        }
    }

    /// The summary's lines (a list's as one line per item).
    pub fn lines(
        &self,
        typed: &Value,
        arguments: &Map<String, Value>,
        surface: Surface,
    ) -> Vec<String> {
        match self {
            Summary::List(_) | Summary::Lists(_) => match self.listing(typed) {
                Some(listing) => items(typed, listing.key)
                    .iter()
                    .map(|item| listing.line(item, "  "))
                    .collect(),
                None => Vec::new(),
            },
            Summary::Record { at, fields } => record(at_pointer(typed, at), fields),
            Summary::Text(lines) => lines(typed, arguments, surface),
        }
    }
}

/// The value at `pointer` (`""` is the whole value), `null` when there is none.
fn at_pointer<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or(&Value::Null)
}

/// The items of the array at `key` (none when it is missing or not an array).
pub fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The page's `nextCursor`, when it has a non-empty one.
pub fn next_cursor(value: &Value) -> Option<&str> {
    value
        .get("nextCursor")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
}

/// The value at `pointer` as display text: a string as is, a number or boolean in JSON, an
/// array's scalars joined by commas, a status shaped `{raw, label}` as its raw value; `None`
/// when it is missing or `null`.
pub fn shown(value: &Value, pointer: &str) -> Option<String> {
    let found = at_pointer(value, pointer);
    (!found.is_null()).then(|| scalar(found))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        Value::Object(map) => match map.get("raw").or_else(|| map.get("label")) {
            Some(inner) if !inner.is_object() => scalar(inner),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// The values at `fields` of `item`, missing ones as `-`, joined by `separator`: one item's
/// line.
pub fn columns(item: &Value, fields: &[&str], separator: &str) -> String {
    fields
        .iter()
        .map(|f| shown(item, f).unwrap_or_else(|| "-".to_owned()))
        .collect::<Vec<_>>()
        .join(separator)
}

/// `Label: value` for each of `fields` present in `value`.
pub fn record(value: &Value, fields: &[(&str, &str)]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|(label, pointer)| shown(value, pointer).map(|v| format!("{label}: {v}")))
        .collect()
}

/// The notice of a money request that waits on a person (the typed 202 body, an
/// `ApprovalPending`): the approval, where a person confirms it, when it expires, and how to
/// follow it.
pub fn approval_notice(typed: &Value, surface: Surface) -> Vec<String> {
    let approval = typed.get("approval").unwrap_or(&Value::Null);
    let text = |pointer: &str| shown(approval, pointer).unwrap_or_else(|| "-".to_owned());
    let id = text("/id");
    let mut lines = vec![
        format!("Approval {id} ({}) is {}.", text("/type"), text("/status")),
        format!(
            "A person must confirm it in the app: {}",
            text("/approvalUrl")
        ),
    ];
    if let Some(at) = shown(approval, "/expiresAt") {
        lines.push(format!("It expires at {at}."));
    }
    lines.push(match surface {
        Surface::Command => {
            format!("Nothing happens until then; `opentrain approvals wait {id}` waits for it.")
        }
        Surface::Mcp => format!(
            "Nothing happens until then. Next: opentrain_get_approval with approvalId {id} (or \
             watch opentrain_poll_updates for approval.confirmed)."
        ),
    });
    lines
}

/// The summary of a publish (the typed `PublishedJob`): published or already published, the
/// live URL and the warnings.
pub fn published(typed: &Value, surface: Surface) -> Vec<String> {
    let id = shown(typed, "/jobId").unwrap_or_else(|| "-".to_owned());
    let mut lines = vec![
        if typed.get("alreadyPublished") == Some(&Value::Bool(true)) {
            format!("Job {id} was already published.")
        } else {
            format!("Published job {id}.")
        },
    ];
    if let Some(url) = shown(typed, "/jobUrl") {
        lines.push(format!("Live at {url}"));
    }
    for warning in items(typed, "warnings") {
        lines.push(format!("Warning: {}", scalar(warning)));
    }
    if surface == Surface::Mcp {
        lines.push(
            "Next: opentrain_list_proposals as candidates apply (or opentrain_invite_freelancer); \
             opentrain_poll_updates reports new proposals."
                .to_owned(),
        );
    }
    lines
}

/// The string argument `name`, or `""`.
pub fn argument<'a>(arguments: &'a Map<String, Value>, name: &str) -> &'a str {
    crate::workflow::text(arguments, name).unwrap_or("")
}

/// A duration as people read it on a clock: `1h02m03s`, `2m03s` or `3s`.
pub fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s / 60) % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, min, sec) => format!("{min}m{sec:02}s"),
        (h, min, sec) => format!("{h}h{min:02}m{sec:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_nested_pointers_raw_statuses_and_lists() {
        let value = json!({
            "id": "p_1",
            "status": {"raw": "UNREVIEWED", "label": "Unreviewed"},
            "bid": {"amountUsd": 0.05},
            "tags": ["a", "b"],
        });
        assert_eq!(
            columns(
                &value,
                &["/id", "/status", "/bid/amountUsd", "/tags", "/missing"],
                "  "
            ),
            "p_1  UNREVIEWED  0.05  a,b  -"
        );
        assert_eq!(shown(&value, "/missing"), None);
    }

    #[test]
    fn a_record_shows_only_the_present_fields() {
        let summary = Summary::Record {
            at: "/approval",
            fields: &[("Approval", "/id"), ("Result", "/result")],
        };
        let typed = json!({"approval": {"id": "ap_1", "result": null}});
        assert_eq!(
            summary.lines(&typed, &Map::new(), Surface::Command),
            vec!["Approval: ap_1"]
        );
    }

    #[test]
    fn clock_formats() {
        use std::time::Duration;
        assert_eq!(clock(Duration::from_secs(3)), "3s");
        assert_eq!(clock(Duration::from_secs(123)), "2m03s");
        assert_eq!(clock(Duration::from_secs(3723)), "1h02m03s");
    }
}
