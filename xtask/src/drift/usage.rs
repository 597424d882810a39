//! Where each component schema is used: [`Usage`] (from a request, a response or both, which
//! decides which direction of a change breaks a client) and, for every component, the operations
//! that reach it through `$ref`s, transitively ([`component_users`]).

use super::report::Severity;
use opentrain_spec::{escape_pointer, operations, resolve};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Where a schema is used: decides which direction of a change breaks a client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Usage {
    pub(super) request: bool,
    pub(super) response: bool,
}

impl Usage {
    pub(super) const REQUEST: Usage = Usage {
        request: true,
        response: false,
    };
    pub(super) const RESPONSE: Usage = Usage {
        request: false,
        response: true,
    };

    /// The worst severity over the directions the schema is used in.
    pub(super) fn judge(self, request: Severity, response: Severity) -> Severity {
        let mut s = Severity::Additive;
        if self.request {
            s = s.max(request);
        }
        if self.response {
            s = s.max(response);
        }
        s
    }

    pub(super) fn noun(self) -> &'static str {
        match (self.request, self.response) {
            (true, false) => "request field",
            (false, true) => "response field",
            _ => "field",
        }
    }
}

/// Where a component schema is used, and by which operations.
#[derive(Debug, Clone, Default)]
pub(super) struct Users {
    pub(super) usage: Usage,
    pub(super) operations: BTreeSet<String>,
}

/// For every component schema, whether operations reach it (through `$ref`s, transitively) from
/// a request (parameters, request bodies) or a response, and which operations do. `label` names
/// an operation.
pub(super) fn component_users(
    doc: &Value,
    label: &dyn Fn(&str, &str, String) -> String,
) -> BTreeMap<String, Users> {
    let mut out: BTreeMap<String, Users> = BTreeMap::new();
    for op in operations(doc) {
        let name = label(op.path, op.method, op.label());
        let mut roots_req: Vec<&Value> = Vec::new();
        let mut roots_resp: Vec<&Value> = Vec::new();
        let path_params = doc
            .pointer(&format!("/paths/{}/parameters", escape_pointer(op.path)))
            .and_then(Value::as_array);
        for p in op
            .op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .chain(path_params)
            .flatten()
        {
            roots_req.push(resolve(doc, p));
        }
        if let Some(b) = op.op.get("requestBody") {
            roots_req.push(resolve(doc, b));
        }
        if let Some(r) = op.op.get("responses").and_then(Value::as_object) {
            roots_resp.extend(r.values().map(|v| resolve(doc, v)));
        }
        for (roots, usage) in [(roots_req, Usage::REQUEST), (roots_resp, Usage::RESPONSE)] {
            let mut seen = BTreeSet::new();
            for root in roots {
                collect_refs(doc, root, &mut seen);
            }
            for schema in seen {
                let u = out.entry(schema).or_default();
                u.usage.request |= usage.request;
                u.usage.response |= usage.response;
                u.operations.insert(name.clone());
            }
        }
    }
    out
}

fn collect_refs(doc: &Value, v: &Value, seen: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && seen.insert(name.to_owned())
                && let Some(target) = doc.pointer(&r[1..])
            {
                collect_refs(doc, target, seen);
            }
            for (k, child) in map {
                if !matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                    collect_refs(doc, child, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|c| collect_refs(doc, c, seen)),
        _ => {}
    }
}
