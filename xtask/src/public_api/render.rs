//! Rust-like text for the type trees of rustdoc's JSON: types, generic arguments, bounds, generic
//! parameters, where clauses and function signatures.
//!
//! Every node of the format is externally tagged (`{"borrowed_ref": {..}}`, `{"generic": "T"}`,
//! or a bare string such as `"infer"`). A tag this file does not know, or a node of an unexpected
//! shape, renders as `_`: a newer rustdoc then makes the snapshot differ where it changed,
//! instead of stopping the listing. Paths render as written in the source (`Duration`,
//! `std::time::Duration`), which is how rustdoc records them.

use serde_json::Value;

/// What an unknown or malformed node renders as.
pub const UNKNOWN: &str = "_";

static NULL: Value = Value::Null;

/// `v[key]`, or `null` when `v` is not an object or has no such key.
pub(super) fn get<'v>(v: &'v Value, key: &str) -> &'v Value {
    v.get(key).unwrap_or(&NULL)
}

/// The first of `keys` that `v` has (a field renamed between format versions), or `null`.
pub(super) fn get_any<'v>(v: &'v Value, keys: &[&str]) -> &'v Value {
    keys.iter().find_map(|k| v.get(*k)).unwrap_or(&NULL)
}

/// The tag and payload of an externally tagged node: `{"generic": "T"}` is `("generic", "T")`,
/// a bare string `"infer"` is `("infer", null)`.
pub(super) fn tagged(v: &Value) -> Option<(&str, &Value)> {
    match v {
        Value::Object(m) if m.len() == 1 => m.iter().next().map(|(k, v)| (k.as_str(), v)),
        Value::String(s) => Some((s.as_str(), &NULL)),
        _ => None,
    }
}

fn str_or_unknown(v: &Value) -> &str {
    v.as_str().unwrap_or(UNKNOWN)
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// A type.
pub fn ty(v: &Value) -> String {
    let Some((tag, node)) = tagged(v) else {
        return UNKNOWN.into();
    };
    match tag {
        "resolved_path" => path(node),
        "generic" | "primitive" => str_or_unknown(node).to_owned(),
        "borrowed_ref" => {
            let mut s = String::from("&");
            if let Some(lifetime) = get(node, "lifetime").as_str() {
                s.push_str(lifetime);
                s.push(' ');
            }
            if get(node, "is_mutable").as_bool() == Some(true) {
                s.push_str("mut ");
            }
            s.push_str(&ty(get(node, "type")));
            s
        }
        "raw_pointer" => {
            let mutability = if get(node, "is_mutable").as_bool() == Some(true) {
                "mut"
            } else {
                "const"
            };
            format!("*{mutability} {}", ty(get(node, "type")))
        }
        "tuple" => match node.as_array() {
            Some(items) if items.len() == 1 => format!("({},)", ty(&items[0])),
            Some(items) => format!("({})", join(items.iter().map(ty))),
            None => UNKNOWN.into(),
        },
        "slice" => format!("[{}]", ty(node)),
        "array" => format!(
            "[{}; {}]",
            ty(get(node, "type")),
            str_or_unknown(get(node, "len"))
        ),
        "impl_trait" if node.is_array() => format!("impl {}", bounds(node)),
        "dyn_trait" => {
            let mut parts: Vec<String> = list(get(node, "traits")).iter().map(poly_trait).collect();
            if let Some(lifetime) = get(node, "lifetime").as_str() {
                parts.push(lifetime.to_owned());
            }
            if parts.is_empty() {
                return UNKNOWN.into();
            }
            format!("dyn {}", parts.join(" + "))
        }
        "qualified_path" => {
            let name = str_or_unknown(get(node, "name"));
            let args = generic_args(get(node, "args"));
            let self_type = ty(get(node, "self_type"));
            let trait_path = get(node, "trait");
            let written = get_any(trait_path, &["path", "name"])
                .as_str()
                .unwrap_or("");
            if trait_path.is_null() || written.is_empty() {
                format!("{self_type}::{name}{args}")
            } else {
                format!("<{self_type} as {}>::{name}{args}", path(trait_path))
            }
        }
        "function_pointer" => {
            let sig = get_any(node, &["sig", "decl"]);
            let params = join(
                list(get(sig, "inputs"))
                    .iter()
                    .map(|pair| ty(list(pair).get(1).unwrap_or(&NULL))),
            );
            format!("fn({params}){}", output(get(sig, "output")))
        }
        "infer" => "_".into(),
        _ => UNKNOWN.into(),
    }
}

/// A path as written, with its generic arguments: `Result<T, Error>`, `Fn(&str) -> bool`.
pub fn path(node: &Value) -> String {
    let written = str_or_unknown(get_any(node, &["path", "name"]));
    format!("{written}{}", generic_args(get(node, "args")))
}

/// The arguments of `<A, 'b, Item = C>` one by one; none for other shapes.
pub fn angle_args(args: &Value) -> Vec<String> {
    let Some(("angle_bracketed", node)) = tagged(args) else {
        return Vec::new();
    };
    let mut parts: Vec<String> = list(get(node, "args")).iter().map(generic_arg).collect();
    parts.extend(
        list(get_any(node, &["constraints", "bindings"]))
            .iter()
            .map(constraint),
    );
    parts
}

/// `<A, 'b, Item = C>` or `(A, B) -> C`; empty when there are none.
pub fn generic_args(args: &Value) -> String {
    let Some((tag, node)) = tagged(args) else {
        return String::new();
    };
    match tag {
        "angle_bracketed" => {
            let parts = angle_args(args);
            if parts.is_empty() {
                String::new()
            } else {
                format!("<{}>", parts.join(", "))
            }
        }
        "parenthesized" => format!(
            "({}){}",
            join(list(get(node, "inputs")).iter().map(ty)),
            output(get(node, "output"))
        ),
        _ => String::new(),
    }
}

fn generic_arg(arg: &Value) -> String {
    match tagged(arg) {
        Some(("type", t)) => ty(t),
        Some(("lifetime", l)) => str_or_unknown(l).to_owned(),
        Some(("const", c)) => str_or_unknown(get(c, "expr")).to_owned(),
        _ => UNKNOWN.into(),
    }
}

/// `Item = T` or `Item: Bound` inside generic arguments.
fn constraint(c: &Value) -> String {
    let name = format!(
        "{}{}",
        str_or_unknown(get(c, "name")),
        generic_args(get(c, "args"))
    );
    match tagged(get(c, "binding")) {
        Some(("equality", term)) => format!("{name} = {}", term_text(term)),
        Some(("constraint", b)) => format!("{name}: {}", bounds(b)),
        _ => format!("{name} = {UNKNOWN}"),
    }
}

/// A `Term`: a type or a constant.
fn term_text(term: &Value) -> String {
    match tagged(term) {
        Some(("type", t)) => ty(t),
        Some(("constant", c)) => str_or_unknown(get(c, "expr")).to_owned(),
        _ => UNKNOWN.into(),
    }
}

/// `A + ?Sized + 'a`.
pub fn bounds(list_of: &Value) -> String {
    list(list_of)
        .iter()
        .map(bound)
        .collect::<Vec<_>>()
        .join(" + ")
}

fn bound(b: &Value) -> String {
    match tagged(b) {
        Some(("trait_bound", tb)) => {
            let modifier = match get(tb, "modifier").as_str() {
                Some("maybe") => "?",
                Some("maybe_const") => "~const ",
                _ => "",
            };
            format!(
                "{}{modifier}{}",
                higher_ranked(get(tb, "generic_params")),
                path(get(tb, "trait"))
            )
        }
        Some(("outlives", l)) => str_or_unknown(l).to_owned(),
        Some(("use", args)) => format!(
            "use<{}>",
            join(list(args).iter().map(|a| match tagged(a) {
                Some((_, Value::String(s))) => s.clone(),
                _ => a.as_str().unwrap_or(UNKNOWN).to_owned(),
            }))
        ),
        _ => UNKNOWN.into(),
    }
}

fn poly_trait(p: &Value) -> String {
    format!(
        "{}{}",
        higher_ranked(get(p, "generic_params")),
        path(get(p, "trait"))
    )
}

/// `for<'a> ` before a bound, or nothing.
fn higher_ranked(params: &Value) -> String {
    let inner = param_list(params);
    if inner.is_empty() {
        String::new()
    } else {
        format!("for<{inner}> ")
    }
}

/// `<'a, T: Bound = Default, const N: usize>`; empty when there are none. The parameters rustdoc
/// made up for `impl Trait` arguments are left out (the argument shows them).
pub fn generic_params(params: &Value) -> String {
    let inner = param_list(params);
    if inner.is_empty() {
        String::new()
    } else {
        format!("<{inner}>")
    }
}

fn param_list(params: &Value) -> String {
    let rendered: Vec<String> = list(params)
        .iter()
        .filter_map(|p| {
            let name = str_or_unknown(get(p, "name"));
            match tagged(get(p, "kind")) {
                Some(("lifetime", l)) => {
                    let outlives = list(get(l, "outlives"));
                    Some(if outlives.is_empty() {
                        name.to_owned()
                    } else {
                        format!(
                            "{name}: {}",
                            outlives
                                .iter()
                                .map(str_or_unknown)
                                .collect::<Vec<_>>()
                                .join(" + ")
                        )
                    })
                }
                Some(("type", t)) => {
                    if get(t, "is_synthetic").as_bool() == Some(true) {
                        return None;
                    }
                    let mut s = name.to_owned();
                    if !list(get(t, "bounds")).is_empty() {
                        s = format!("{s}: {}", bounds(get(t, "bounds")));
                    }
                    if !get(t, "default").is_null() {
                        s = format!("{s} = {}", ty(get(t, "default")));
                    }
                    Some(s)
                }
                Some(("const", c)) => {
                    let mut s = format!("const {name}: {}", ty(get_any(c, &["type", "type_"])));
                    if let Some(default) = get(c, "default").as_str() {
                        s = format!("{s} = {default}");
                    }
                    Some(s)
                }
                _ => Some(UNKNOWN.into()),
            }
        })
        .collect();
    rendered.join(", ")
}

/// ` where T: Bound, 'a: 'b`; empty when there are none.
pub fn where_clause(predicates: &Value) -> String {
    let rendered: Vec<String> = list(predicates)
        .iter()
        .map(|p| match tagged(p) {
            Some(("bound_predicate", b)) => format!(
                "{}{}: {}",
                higher_ranked(get(b, "generic_params")),
                ty(get(b, "type")),
                bounds(get(b, "bounds"))
            ),
            Some(("lifetime_predicate" | "region_predicate", l)) => {
                let outlives: Vec<String> = list(get_any(l, &["outlives", "bounds"]))
                    .iter()
                    .map(|o| o.as_str().map_or_else(|| bound(o), str::to_owned))
                    .collect();
                format!(
                    "{}: {}",
                    str_or_unknown(get(l, "lifetime")),
                    outlives.join(" + ")
                )
            }
            Some(("eq_predicate", e)) => {
                format!("{} = {}", ty(get(e, "lhs")), term_text(get(e, "rhs")))
            }
            _ => UNKNOWN.into(),
        })
        .collect();
    if rendered.is_empty() {
        String::new()
    } else {
        format!(" where {}", rendered.join(", "))
    }
}

/// ` -> T`, or nothing for a function that returns `()`.
fn output(out: &Value) -> String {
    if out.is_null() {
        String::new()
    } else {
        format!(" -> {}", ty(out))
    }
}

/// `const `, `async `, `unsafe `, `extern "C" ` as the function's header says.
pub fn fn_qualifiers(function: &Value) -> String {
    let header = get(function, "header");
    let flag = |keys: &[&str]| get_any(header, keys).as_bool() == Some(true);
    let mut s = String::new();
    if flag(&["is_const", "const_"]) {
        s.push_str("const ");
    }
    if flag(&["is_async", "async_"]) {
        s.push_str("async ");
    }
    if flag(&["is_unsafe", "unsafe_"]) {
        s.push_str("unsafe ");
    }
    match tagged(get(header, "abi")) {
        None | Some(("Rust", _)) => {}
        Some(("C", _) | ("c", _)) => s.push_str("extern \"C\" "),
        Some((other, _)) => s.push_str(&format!("extern \"{}\" ", other.to_lowercase())),
    }
    s
}

/// What follows a function's name: `<T: Bound>(&self, deadline: Duration) -> Client where ..`.
pub fn signature(function: &Value) -> String {
    let generics = get(function, "generics");
    let sig = get_any(function, &["sig", "decl"]);
    let params = join(list(get(sig, "inputs")).iter().map(|pair| {
        let pair = list(pair);
        let name = pair.first().and_then(Value::as_str).unwrap_or(UNKNOWN);
        let t = pair.get(1).unwrap_or(&NULL);
        if name == "self" {
            self_param(t)
        } else {
            format!("{name}: {}", ty(t))
        }
    }));
    let variadic = if get(sig, "is_c_variadic").as_bool() == Some(true) {
        ", ..."
    } else {
        ""
    };
    format!(
        "{}({params}{variadic}){}{}",
        generic_params(get(generics, "params")),
        output(get(sig, "output")),
        where_clause(get(generics, "where_predicates"))
    )
}

/// `self`, `&self`, `&'a mut self`, or `self: Box<Self>`.
fn self_param(t: &Value) -> String {
    let is_self =
        |v: &Value| matches!(tagged(v), Some(("generic", Value::String(s))) if s == "Self");
    if is_self(t) {
        return "self".into();
    }
    if let Some(("borrowed_ref", r)) = tagged(t)
        && is_self(get(r, "type"))
    {
        let mut s = String::from("&");
        if let Some(lifetime) = get(r, "lifetime").as_str() {
            s.push_str(lifetime);
            s.push(' ');
        }
        if get(r, "is_mutable").as_bool() == Some(true) {
            s.push_str("mut ");
        }
        s.push_str("self");
        return s;
    }
    format!("self: {}", ty(t))
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path_of(p: &str, args: Value) -> Value {
        json!({"resolved_path": {"path": p, "id": 1, "args": args}})
    }

    #[test]
    fn an_unknown_or_malformed_node_renders_as_an_underscore() {
        assert_eq!(ty(&json!({"pattern_type": {"base": "u8"}})), "_");
        assert_eq!(ty(&json!(42)), "_");
        assert_eq!(ty(&json!({"two": 1, "keys": 2})), "_");
        // Inside a known node, only the unknown part is `_`.
        let vec_of_unknown = path_of(
            "Vec",
            json!({"angle_bracketed": {"args": [{"type": {"new_kind": {}}}], "constraints": []}}),
        );
        assert_eq!(ty(&vec_of_unknown), "Vec<_>");
        assert_eq!(
            ty(&json!({"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": null}})),
            "&_"
        );
    }

    #[test]
    fn renders_the_type_nodes() {
        let string = path_of("String", Value::Null);
        let result = path_of(
            "Result",
            json!({"angle_bracketed": {"args": [{"type": {"generic": "T"}}, {"type": string}], "constraints": []}}),
        );
        assert_eq!(ty(&result), "Result<T, String>");
        assert_eq!(
            ty(
                &json!({"borrowed_ref": {"lifetime": "'a", "is_mutable": true, "type": {"slice": {"primitive": "u8"}}}})
            ),
            "&'a mut [u8]"
        );
        assert_eq!(
            ty(&json!({"array": {"type": {"primitive": "u16"}, "len": "5"}})),
            "[u16; 5]"
        );
        assert_eq!(
            ty(&json!({"tuple": [{"primitive": "u8"}, {"generic": "T"}]})),
            "(u8, T)"
        );
        assert_eq!(ty(&json!({"tuple": []})), "()");
        let into = json!([{"trait_bound": {"trait": {"path": "Into", "id": 2, "args": {"angle_bracketed": {"args": [{"type": string}], "constraints": []}}}, "generic_params": [], "modifier": "none"}}]);
        assert_eq!(ty(&json!({ "impl_trait": into })), "impl Into<String>");
        let future = json!({"impl_trait": [{"trait_bound": {"trait": {"path": "Future", "id": 3, "args": {"angle_bracketed": {"args": [], "constraints": [{"name": "Output", "args": null, "binding": {"equality": {"type": {"tuple": []}}}}]}}}, "generic_params": [], "modifier": "none"}}, {"outlives": "'a"}]});
        assert_eq!(ty(&future), "impl Future<Output = ()> + 'a");
        assert_eq!(
            ty(
                &json!({"dyn_trait": {"traits": [{"trait": {"path": "std::error::Error", "id": 4, "args": null}, "generic_params": []}], "lifetime": "'static"}})
            ),
            "dyn std::error::Error + 'static"
        );
        assert_eq!(
            ty(
                &json!({"qualified_path": {"name": "Error", "args": null, "self_type": {"generic": "U"}, "trait": {"path": "TryFrom", "id": 5, "args": {"angle_bracketed": {"args": [{"type": {"generic": "T"}}], "constraints": []}}}}})
            ),
            "<U as TryFrom<T>>::Error"
        );
        assert_eq!(
            ty(
                &json!({"qualified_path": {"name": "Ok", "args": null, "self_type": {"generic": "S"}, "trait": {"path": "", "id": 6, "args": null}}})
            ),
            "S::Ok"
        );
        let closure = path_of(
            "FnOnce",
            json!({"parenthesized": {"inputs": [{"primitive": "str"}], "output": {"primitive": "bool"}}}),
        );
        assert_eq!(ty(&closure), "FnOnce(str) -> bool");
    }

    #[test]
    fn a_signature_has_its_generics_receiver_parameters_and_return_type() {
        let f = json!({
            "sig": {
                "inputs": [
                    ["self", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"generic": "Self"}}}],
                    ["store", {"generic": "S"}],
                    ["name", {"impl_trait": [{"trait_bound": {"trait": {"path": "Into", "id": 1, "args": {"angle_bracketed": {"args": [{"type": {"primitive": "str"}}], "constraints": []}}}, "generic_params": [], "modifier": "none"}}]}]
                ],
                "output": {"resolved_path": {"path": "Follow", "id": 2, "args": {"angle_bracketed": {"args": [{"type": {"generic": "S"}}], "constraints": []}}}},
                "is_c_variadic": false
            },
            "generics": {
                "params": [
                    {"name": "S", "kind": {"type": {"bounds": [{"trait_bound": {"trait": {"path": "CursorStore", "id": 3, "args": null}, "generic_params": [], "modifier": "none"}}], "default": null, "is_synthetic": false}}},
                    {"name": "impl Into<str>", "kind": {"type": {"bounds": [], "default": null, "is_synthetic": true}}}
                ],
                "where_predicates": [{"bound_predicate": {"type": {"generic": "S"}, "bounds": [{"trait_bound": {"trait": {"path": "Sized", "id": 4, "args": null}, "generic_params": [], "modifier": "maybe"}}], "generic_params": []}}]
            },
            "header": {"is_const": false, "is_unsafe": false, "is_async": true, "abi": "Rust"},
            "has_body": true
        });
        assert_eq!(
            signature(&f),
            "<S: CursorStore>(&self, store: S, name: impl Into<str>) -> Follow<S> where S: ?Sized"
        );
        assert_eq!(fn_qualifiers(&f), "async ");
        let by_value = json!({"sig": {"inputs": [["self", {"generic": "Self"}]], "output": null}, "generics": {"params": [], "where_predicates": []}});
        assert_eq!(signature(&by_value), "(self)");
    }
}
