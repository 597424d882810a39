//! The walk over operations: each operation of either spec matched by method and path (added,
//! removed, renamed), then its parameters (path-level and operation-level), request body and
//! response status codes; the request and response schemas found on the way are compared in
//! `schemas.rs`.

use super::differ::{At, Differ, EMPTY};
use super::report::Kind;
use super::report::Severity::{Additive, Breaking};
use super::usage::Usage;
use opentrain_spec::{escape_pointer, operations, resolve};
use serde_json::Value;
use std::collections::BTreeMap;

/// A parameter with where it was declared.
struct Param<'a> {
    pointer: String,
    value: &'a Value,
}

impl<'a> Differ<'a> {
    pub(super) fn operations(&mut self) {
        let old_ops: BTreeMap<(String, String), _> = operations(self.old)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o))
            .collect();
        let new_ops: BTreeMap<(String, String), _> = operations(self.new)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o))
            .collect();
        for (key, o) in &old_ops {
            if !new_ops.contains_key(key) {
                self.push(
                    &o.label(),
                    Kind::OperationRemoved,
                    &o.pointer,
                    format!("operation {} {} removed", o.method.to_uppercase(), o.path),
                    Breaking,
                );
            }
        }
        for (key, n) in &new_ops {
            let Some(o) = old_ops.get(key) else {
                self.push(
                    &n.label(),
                    Kind::OperationAdded,
                    &n.pointer,
                    format!("operation {} {} added", n.method.to_uppercase(), n.path),
                    Additive,
                );
                continue;
            };
            let label = o.label();
            if o.id() != n.id() {
                self.push(
                    &label,
                    Kind::OperationRenamed,
                    &format!("{}/operationId", n.pointer),
                    format!(
                        "operationId `{}` renamed to `{}` (the generated method name changes)",
                        o.id().unwrap_or("-"),
                        n.id().unwrap_or("-")
                    ),
                    Breaking,
                );
            }
            self.parameters(&label, o.path, o.op, &o.pointer, n.op, &n.pointer);
            self.request_body(&label, o.op, &o.pointer, n.op, &n.pointer);
            self.responses(&label, o.op, &o.pointer, n.op, &n.pointer);
        }
    }

    fn collect_params(
        doc: &'a Value,
        path: &str,
        op: &'a Value,
        op_ptr: &str,
    ) -> BTreeMap<(String, String), Param<'a>> {
        let mut out = BTreeMap::new();
        let path_ptr = format!("/paths/{}/parameters", escape_pointer(path));
        let path_level = doc
            .pointer(&path_ptr)
            .and_then(Value::as_array)
            .map(|a| (path_ptr.clone(), a));
        let op_level = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| (format!("{op_ptr}/parameters"), a));
        // Operation-level parameters override path-level ones with the same name and location.
        for (base, list) in path_level.into_iter().chain(op_level) {
            for (i, p) in list.iter().enumerate() {
                let p = resolve(doc, p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
                out.insert(
                    (location.to_owned(), name.to_owned()),
                    Param {
                        pointer: format!("{base}/{i}"),
                        value: p,
                    },
                );
            }
        }
        out
    }

    fn parameters(
        &mut self,
        label: &str,
        path: &str,
        o: &'a Value,
        o_ptr: &str,
        n: &'a Value,
        n_ptr: &str,
    ) {
        let old = Self::collect_params(self.old, path, o, o_ptr);
        let new = Self::collect_params(self.new, path, n, n_ptr);
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        for ((location, name), p) in &old {
            if !new.contains_key(&(location.clone(), name.clone())) {
                self.push(
                    label,
                    Kind::ParameterRemoved,
                    &p.pointer,
                    format!("{location} parameter `{name}` removed"),
                    Breaking,
                );
            }
        }
        for ((location, name), np) in &new {
            let Some(op) = old.get(&(location.clone(), name.clone())) else {
                let req = required(np.value);
                self.push(
                    label,
                    Kind::ParameterAdded,
                    &np.pointer,
                    if req {
                        format!("required {location} parameter `{name}` added")
                    } else {
                        format!("optional {location} parameter `{name}` added")
                    },
                    if req { Breaking } else { Additive },
                );
                continue;
            };
            let (was, is) = (required(op.value), required(np.value));
            if was != is {
                self.push(
                    label,
                    Kind::ParameterRequiredChanged,
                    &np.pointer,
                    format!(
                        "{location} parameter `{name}` became {}",
                        if is { "required" } else { "optional" }
                    ),
                    if is { Breaking } else { Additive },
                );
            }
            if let (Some(os), Some(ns)) = (op.value.get("schema"), np.value.get("schema")) {
                let at = At {
                    operation: label,
                    old: format!("{}/schema", op.pointer),
                    new: format!("{}/schema", np.pointer),
                    usage: Usage::REQUEST,
                    depth: 0,
                };
                self.schema(os, ns, &at);
            }
        }
    }

    fn request_body(&mut self, label: &str, o: &'a Value, o_ptr: &str, n: &'a Value, n_ptr: &str) {
        let o_body = o.get("requestBody").map(|b| resolve(self.old, b));
        let n_body = n.get("requestBody").map(|b| resolve(self.new, b));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        let (o_body, n_body) = match (o_body, n_body) {
            (None, None) => return,
            (Some(_), None) => {
                self.push(
                    label,
                    Kind::RequestBodyRemoved,
                    &format!("{o_ptr}/requestBody"),
                    "request body removed".into(),
                    Breaking,
                );
                return;
            }
            (None, Some(b)) => {
                let req = required(b);
                self.push(
                    label,
                    Kind::RequestBodyAdded,
                    &format!("{n_ptr}/requestBody"),
                    format!(
                        "{} request body added",
                        if req { "required" } else { "optional" }
                    ),
                    if req { Breaking } else { Additive },
                );
                return;
            }
            (Some(a), Some(b)) => (a, b),
        };
        let (was, is) = (required(o_body), required(n_body));
        if was != is {
            self.push(
                label,
                Kind::RequestBodyRequiredChanged,
                &format!("{n_ptr}/requestBody/required"),
                format!(
                    "request body became {}",
                    if is { "required" } else { "optional" }
                ),
                if is { Breaking } else { Additive },
            );
        }
        let first_media = |b: &'a Value| {
            b.get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next())
                .map(|(k, v)| (k.as_str(), v))
        };
        match (first_media(o_body), first_media(n_body)) {
            (Some((om, ov)), Some((nm, nv))) if om == nm => {
                if let (Some(os), Some(ns)) = (ov.get("schema"), nv.get("schema")) {
                    let mt = escape_pointer(om);
                    let at = At {
                        operation: label,
                        old: format!("{o_ptr}/requestBody/content/{mt}/schema"),
                        new: format!("{n_ptr}/requestBody/content/{mt}/schema"),
                        usage: Usage::REQUEST,
                        depth: 0,
                    };
                    self.schema(os, ns, &at);
                }
            }
            (om, nm) if om.map(|m| m.0) != nm.map(|m| m.0) => self.push(
                label,
                Kind::RequestMediaTypeChanged,
                &format!("{n_ptr}/requestBody/content"),
                format!(
                    "request media type changed from {} to {}",
                    om.map_or("none", |m| m.0),
                    nm.map_or("none", |m| m.0)
                ),
                Breaking,
            ),
            _ => {}
        }
    }

    fn responses(&mut self, label: &str, o: &'a Value, o_ptr: &str, n: &'a Value, n_ptr: &str) {
        let o_resp = o
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let n_resp = n
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let is_success = |code: &str| code.starts_with('2');
        let json_schema = |doc: &'a Value, r: &'a Value| {
            resolve(doc, r).pointer("/content/application~1json/schema")
        };
        for (code, _) in o_resp.iter().filter(|(c, _)| !n_resp.contains_key(*c)) {
            let what = if is_success(code) { "success" } else { "error" };
            self.push(
                label,
                Kind::StatusRemoved,
                &format!("{o_ptr}/responses/{}", escape_pointer(code)),
                format!("{what} status {code} no longer documented"),
                Additive,
            );
        }
        for (code, nr) in n_resp {
            let ptr = format!("responses/{}", escape_pointer(code));
            let Some(or) = o_resp.get(code) else {
                if is_success(code) {
                    self.push(
                        label,
                        Kind::StatusAdded,
                        &format!("{n_ptr}/{ptr}"),
                        format!("success status {code} added (today's client reports it as an unexpected response)"),
                        Breaking,
                    );
                } else {
                    self.push(
                        label,
                        Kind::StatusAdded,
                        &format!("{n_ptr}/{ptr}"),
                        format!("error status {code} added"),
                        Additive,
                    );
                }
                continue;
            };
            match (json_schema(self.old, or), json_schema(self.new, nr)) {
                (Some(os), Some(ns)) => {
                    let at = At {
                        operation: label,
                        old: format!("{o_ptr}/{ptr}/content/application~1json/schema"),
                        new: format!("{n_ptr}/{ptr}/content/application~1json/schema"),
                        usage: Usage::RESPONSE,
                        depth: 0,
                    };
                    self.schema(os, ns, &at);
                }
                (Some(_), None) => self.push(
                    label,
                    Kind::ResponseBodyRemoved,
                    &format!("{o_ptr}/{ptr}/content"),
                    format!("status {code} no longer has a JSON body"),
                    Breaking,
                ),
                (None, Some(_)) => self.push(
                    label,
                    Kind::ResponseBodyAdded,
                    &format!("{n_ptr}/{ptr}/content"),
                    format!("status {code} now has a JSON body"),
                    Additive,
                ),
                (None, None) => {}
            }
        }
    }
}
