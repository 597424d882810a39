//! Schemas compared: the component schemas of both specs, once each by name, judged by where
//! they are used (`usage.rs`), and the recursive comparison of two schemas at the same place
//! (nullability, referenced component, type, enum values, properties and their required flags,
//! items, additional properties, `oneOf`/`anyOf`/`allOf` alternatives).

use super::differ::{At, Differ, EMPTY};
use super::norm::{Norm, ref_name, type_label};
use super::report::Kind;
use super::report::Severity::{Additive, Breaking};
use super::usage::{Usage, Users, component_users};
use opentrain_spec::{escape_pointer, operations, resolve};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Differ<'a> {
    pub(super) fn components(&mut self) {
        let o_schemas = self
            .old
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let n_schemas = self
            .new
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let old_labels: BTreeMap<(String, String), String> = operations(self.old)
            .into_iter()
            .map(|o| ((o.path.to_owned(), o.method.to_owned()), o.label()))
            .collect();
        let users_old = component_users(self.old, &|_, _, label| label);
        // Operations of the served spec are named as the committed spec names them.
        let users_new = component_users(self.new, &|path, method, label| {
            old_labels
                .get(&(path.to_owned(), method.to_owned()))
                .cloned()
                .unwrap_or(label)
        });
        for (name, u) in users_old.iter().chain(&users_new) {
            self.used_by
                .entry(name.clone())
                .or_default()
                .extend(u.operations.iter().cloned());
        }
        for (name, _) in o_schemas
            .iter()
            .filter(|(k, _)| !n_schemas.contains_key(*k))
        {
            let ptr = format!("/components/schemas/{}", escape_pointer(name));
            self.push(
                &format!("#{ptr}"),
                Kind::SchemaRemoved,
                &ptr,
                format!("schema `{name}` removed"),
                Breaking,
            );
        }
        for (name, ns) in n_schemas {
            let ptr = format!("/components/schemas/{}", escape_pointer(name));
            let owner = format!("#{ptr}");
            let Some(os) = o_schemas.get(name) else {
                self.push(
                    &owner,
                    Kind::SchemaAdded,
                    &ptr,
                    format!("schema `{name}` added"),
                    Additive,
                );
                continue;
            };
            let used = |users: &BTreeMap<String, Users>, f: fn(Usage) -> bool| {
                users.get(name.as_str()).is_some_and(|u| f(u.usage))
            };
            let mut usage = Usage {
                request: used(&users_old, |u| u.request) || used(&users_new, |u| u.request),
                response: used(&users_old, |u| u.response) || used(&users_new, |u| u.response),
            };
            if usage == Usage::default() {
                // Not reachable from any operation (e.g. a webhook payload): the client decodes it.
                usage = Usage::RESPONSE;
            }
            let at = At {
                operation: &owner,
                old: ptr.clone(),
                new: ptr,
                usage,
                depth: 0,
            };
            self.schema(os, ns, &at);
        }
    }

    /// Compares two schemas at the same place.
    pub(super) fn schema(&mut self, old: &'a Value, new: &'a Value, at: &At<'_>) {
        if at.depth > 48 {
            return;
        }
        let o = Norm::of(old);
        let n = Norm::of(new);
        if o.nullable != n.nullable {
            let noun = if at.depth == 0 { "schema" } else { "value" };
            let (detail, request, response) = if n.nullable {
                (format!("{noun} became nullable"), Additive, Breaking)
            } else {
                (format!("{noun} is no longer nullable"), Breaking, Additive)
            };
            self.push(
                at.operation,
                Kind::NullableChanged,
                &at.new,
                detail,
                at.usage.judge(request, response),
            );
        }
        match (o.reference, n.reference) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                self.push(
                    at.operation,
                    Kind::TypeChanged,
                    &at.new,
                    format!("type changed from `{}` to `{}`", ref_name(a), ref_name(b)),
                    Breaking,
                );
                return;
            }
            _ => {}
        }
        let ob = resolve(self.old, o.body);
        let nb = resolve(self.new, n.body);
        let (ot, nt) = (type_label(ob), type_label(nb));
        if ot != nt {
            let show = |r: Option<&str>, t: &str| {
                r.map_or_else(|| t.to_owned(), |r| format!("{} ({t})", ref_name(r)))
            };
            self.push(
                at.operation,
                Kind::TypeChanged,
                &at.new,
                format!(
                    "type changed from `{}` to `{}`",
                    show(o.reference, &ot),
                    show(n.reference, &nt)
                ),
                Breaking,
            );
            return;
        }
        self.enum_values(ob, nb, at);
        self.properties(ob, nb, at);
        if let (Some(oi), Some(ni)) = (ob.get("items"), nb.get("items")) {
            self.schema(oi, ni, &at.child("items"));
        }
        if let (Some(oa @ Value::Object(_)), Some(na @ Value::Object(_))) = (
            ob.get("additionalProperties"),
            nb.get("additionalProperties"),
        ) {
            self.schema(oa, na, &at.child("additionalProperties"));
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            self.alternatives(key, ob, nb, at);
        }
    }

    fn enum_values(&mut self, ob: &Value, nb: &Value, at: &At<'_>) {
        let (Some(oe), Some(ne)) = (
            ob.get("enum").and_then(Value::as_array),
            nb.get("enum").and_then(Value::as_array),
        ) else {
            return;
        };
        let show = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        for (i, v) in oe.iter().enumerate() {
            if !ne.contains(v) {
                self.push(
                    at.operation,
                    Kind::EnumValueRemoved,
                    &format!("{}/enum/{i}", at.old),
                    format!("enum value `{}` removed", show(v)),
                    Breaking,
                );
            }
        }
        for (i, v) in ne.iter().enumerate() {
            if !oe.contains(v) {
                self.push(
                    at.operation,
                    Kind::EnumValueAdded,
                    &format!("{}/enum/{i}", at.new),
                    format!("enum value `{}` added", show(v)),
                    Additive,
                );
            }
        }
    }

    fn properties(&mut self, ob: &'a Value, nb: &'a Value, at: &At<'_>) {
        let op = ob
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let np = nb
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        if op.is_empty() && np.is_empty() {
            return;
        }
        let req = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (o_req, n_req) = (req(ob), req(nb));
        let noun = at.usage.noun();
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            let child = at.child("properties").child(name);
            self.push(
                at.operation,
                Kind::FieldRemoved,
                &child.old,
                format!(
                    "{}{noun} `{name}` removed",
                    if o_req.contains(name) {
                        "required "
                    } else {
                        ""
                    }
                ),
                Breaking,
            );
        }
        for (name, ns) in np {
            let child = at.child("properties").child(name);
            let is = n_req.contains(name);
            let Some(os) = op.get(name) else {
                let (request, response) = if is {
                    (Breaking, Additive)
                } else {
                    (Additive, Additive)
                };
                self.push(
                    at.operation,
                    Kind::FieldAdded,
                    &child.new,
                    format!(
                        "{} {noun} `{name}` added",
                        if is { "required" } else { "optional" }
                    ),
                    at.usage.judge(request, response),
                );
                continue;
            };
            let was = o_req.contains(name);
            if was != is {
                let (detail, request, response) = if is {
                    (
                        format!("{noun} `{name}` became required"),
                        Breaking,
                        Additive,
                    )
                } else {
                    (
                        format!("{noun} `{name}` became optional"),
                        Additive,
                        Breaking,
                    )
                };
                self.push(
                    at.operation,
                    Kind::RequiredChanged,
                    &child.new,
                    detail,
                    at.usage.judge(request, response),
                );
            }
            self.schema(os, ns, &child);
        }
    }

    fn alternatives(&mut self, key: &str, ob: &'a Value, nb: &'a Value, at: &At<'_>) {
        let (Some(oa), Some(na)) = (
            ob.get(key).and_then(Value::as_array),
            nb.get(key).and_then(Value::as_array),
        ) else {
            return;
        };
        if oa.len() == na.len() {
            let base = at.child(key);
            for (i, (o, n)) in oa.iter().zip(na).enumerate() {
                self.schema(o, n, &base.child(&i.to_string()));
            }
            return;
        }
        let describe = |v: &Value| match v.get("$ref").and_then(Value::as_str) {
            Some(r) => ref_name(r).to_owned(),
            None => type_label(v),
        };
        let o_names: Vec<String> = oa.iter().map(describe).collect();
        let n_names: Vec<String> = na.iter().map(describe).collect();
        if key == "allOf" {
            self.push(
                at.operation,
                Kind::TypeChanged,
                &format!("{}/allOf", at.new),
                format!(
                    "allOf changed from [{}] to [{}]",
                    o_names.join(", "),
                    n_names.join(", ")
                ),
                Breaking,
            );
            return;
        }
        for (i, name) in o_names.iter().enumerate() {
            if !n_names.contains(name) {
                self.push(
                    at.operation,
                    Kind::VariantRemoved,
                    &format!("{}/{key}/{i}", at.old),
                    format!("{key} alternative `{name}` removed"),
                    at.usage.judge(Breaking, Additive),
                );
            }
        }
        for (i, name) in n_names.iter().enumerate() {
            if !o_names.contains(name) {
                self.push(
                    at.operation,
                    Kind::VariantAdded,
                    &format!("{}/{key}/{i}", at.new),
                    format!("{key} alternative `{name}` added"),
                    at.usage.judge(Additive, Breaking),
                );
            }
        }
    }
}
