//! The lines of one listed item, once [`super::walk`] has decided which items are listed and at
//! which path; types and signatures are written by [`super::render`].
//!
//! Under a type: its public fields, its variants, the public methods, constants and types of its
//! inherent impls (wherever they are written, `macro_rules!` expansions included: the JSON does
//! not tell them apart), and one `impl Trait for Type` line per trait impl, the trait and the type
//! by their full paths. Auto-trait impls and blanket impls (`is_synthetic`, `blanket_impl`) are
//! left out: they follow from the rest and would multiply the list. Under a trait: its methods
//! (` { .. }` marks a provided one), types, constants and its impls.

use super::render::{self, get, get_any, tagged};
use super::walk::{Walker, id_key, ids, is_public, kind_of};
use serde_json::Value;

/// Whether the item carries `#[non_exhaustive]` (a plain string in recent formats, the
/// attribute's text in older ones).
fn non_exhaustive(item: &Value) -> &'static str {
    let marked = get(item, "attrs")
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| {
            a.as_str().is_some_and(|s| s.contains("non_exhaustive"))
                || get(a, "other")
                    .as_str()
                    .is_some_and(|s| s.contains("non_exhaustive"))
        });
    if marked { " #[non_exhaustive]" } else { "" }
}

/// Static names for the kinds the counts report (an unknown kind counts as `item`).
fn static_kind(kind: &str) -> &'static str {
    match kind {
        "union" => "union",
        "static" => "static",
        "macro" | "proc_macro" => "macro",
        "primitive" => "primitive",
        "extern_type" => "type",
        "extern_crate" => "use",
        _ => "item",
    }
}

impl Walker<'_> {
    /// The lines of one item listed at `path`.
    pub(super) fn item(&mut self, id: &str, path: &str) {
        let Some(item) = self.get(id) else { return };
        let (kind, inner) = kind_of(item);
        let generics = get(inner, "generics");
        let params = render::generic_params(get(generics, "params"));
        let where_ = render::where_clause(get(generics, "where_predicates"));
        let marker = non_exhaustive(item);
        match kind {
            "struct" | "union" => {
                let shape = match tagged(get(inner, "kind")) {
                    Some(("unit", _)) => ";",
                    Some(("tuple", _)) => "(..)",
                    _ => "",
                };
                let k = if kind == "struct" { "struct" } else { "union" };
                self.api
                    .add(k, format!("{k} {path}{params}{shape}{where_}{marker}"));
                let fields = match tagged(get(inner, "kind")) {
                    Some(("plain", p)) => get(p, "fields"),
                    Some(("tuple", t)) => t,
                    _ => get(inner, "fields"),
                };
                for field in ids(fields).collect::<Vec<_>>() {
                    self.field(&field, path);
                }
                self.impls(get(inner, "impls"));
            }
            "enum" => {
                self.api
                    .add("enum", format!("enum {path}{params}{where_}{marker}"));
                for variant in ids(get(inner, "variants")).collect::<Vec<_>>() {
                    let Some(v) = self.get(&variant) else {
                        continue;
                    };
                    let name = get(v, "name").as_str().unwrap_or(render::UNKNOWN);
                    self.variant(v, &format!("{path}::{name}"));
                }
                self.impls(get(inner, "impls"));
            }
            "variant" => self.variant(item, path),
            "function" => self.function(inner, path, ""),
            "trait" => self.trait_(item, inner, path),
            "trait_alias" => self.api.add(
                "trait",
                format!(
                    "trait {path}{params} = {}{where_}",
                    render::bounds(get(inner, "params"))
                ),
            ),
            "type_alias" | "typedef" => self.api.add(
                "type",
                format!(
                    "type {path}{params} = {}{where_}",
                    render::ty(get_any(inner, &["type", "type_"]))
                ),
            ),
            "constant" => self.api.add(
                "const",
                format!(
                    "const {path}: {}",
                    render::ty(get_any(inner, &["type", "type_"]))
                ),
            ),
            "static" => {
                let mutable = if get(inner, "is_mutable").as_bool() == Some(true) {
                    "mut "
                } else {
                    ""
                };
                self.api.add(
                    "static",
                    format!(
                        "static {mutable}{path}: {}",
                        render::ty(get_any(inner, &["type", "type_"]))
                    ),
                );
            }
            "macro" => self.api.add("macro", format!("macro {path}!")),
            other => {
                let k = static_kind(other);
                self.api.add(k, format!("{other} {path}"));
            }
        }
    }

    fn field(&mut self, id: &str, owner: &str) {
        let Some(field) = self.get(id) else { return };
        if !is_public(field) {
            return;
        }
        let name = get(field, "name").as_str().unwrap_or(render::UNKNOWN);
        self.api.add(
            "field",
            format!("field {owner}::{name}: {}", render::ty(kind_of(field).1)),
        );
    }

    fn variant(&mut self, v: &Value, path: &str) {
        let inner = kind_of(v).1;
        let field = |id: Option<String>| -> (String, String) {
            let f = id.as_deref().and_then(|id| self.get(id));
            let name = f
                .and_then(|f| get(f, "name").as_str())
                .unwrap_or(render::UNKNOWN);
            let ty = f.map_or_else(|| render::UNKNOWN.to_owned(), |f| render::ty(kind_of(f).1));
            (name.to_owned(), ty)
        };
        let shape = match tagged(get(inner, "kind")) {
            Some(("tuple", fields)) => {
                let types: Vec<String> = fields
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| field(id_key(f)).1)
                    .collect();
                format!("({})", types.join(", "))
            }
            Some(("struct", s)) => {
                let mut parts: Vec<String> = ids(get(s, "fields"))
                    .map(|f| {
                        let (name, ty) = field(Some(f));
                        format!("{name}: {ty}")
                    })
                    .collect();
                if get(s, "has_stripped_fields").as_bool() == Some(true) {
                    parts.push("..".into());
                }
                format!(" {{ {} }}", parts.join(", "))
            }
            _ => String::new(),
        };
        let discriminant = get(get(inner, "discriminant"), "expr")
            .as_str()
            .map(|e| format!(" = {e}"))
            .unwrap_or_default();
        let marker = non_exhaustive(v);
        self.api.add(
            "variant",
            format!("variant {path}{shape}{discriminant}{marker}"),
        );
    }

    fn function(&mut self, f: &Value, path: &str, suffix: &str) {
        self.api.add(
            "fn",
            format!(
                "{}fn {path}{}{suffix}",
                render::fn_qualifiers(f),
                render::signature(f)
            ),
        );
    }

    fn trait_(&mut self, item: &Value, t: &Value, path: &str) {
        let generics = get(t, "generics");
        let supertraits = render::bounds(get(t, "bounds"));
        let supertraits = if supertraits.is_empty() {
            String::new()
        } else {
            format!(": {supertraits}")
        };
        let unsafe_ = if get(t, "is_unsafe").as_bool() == Some(true) {
            "unsafe "
        } else {
            ""
        };
        let auto = if get(t, "is_auto").as_bool() == Some(true) {
            "auto "
        } else {
            ""
        };
        self.api.add(
            "trait",
            format!(
                "{unsafe_}{auto}trait {path}{}{supertraits}{}{}",
                render::generic_params(get(generics, "params")),
                render::where_clause(get(generics, "where_predicates")),
                non_exhaustive(item)
            ),
        );
        for member in ids(get(t, "items")).collect::<Vec<_>>() {
            let Some(m) = self.get(&member) else { continue };
            let name = get(m, "name").as_str().unwrap_or(render::UNKNOWN);
            let at = format!("{path}::{name}");
            match kind_of(m) {
                ("function", f) => {
                    let provided = get_any(f, &["has_body"]).as_bool() == Some(true);
                    self.function(f, &at, if provided { " { .. }" } else { "" });
                }
                ("assoc_type", a) => {
                    let b = render::bounds(get(a, "bounds"));
                    let b = if b.is_empty() {
                        String::new()
                    } else {
                        format!(": {b}")
                    };
                    let default = get_any(a, &["type", "default"]);
                    let default = if default.is_null() {
                        String::new()
                    } else {
                        format!(" = {}", render::ty(default))
                    };
                    self.api.add(
                        "type",
                        format!(
                            "type {at}{}{b}{default}",
                            render::generic_params(get(get(a, "generics"), "params"))
                        ),
                    );
                }
                ("assoc_const", c) => self.api.add(
                    "const",
                    format!("const {at}: {}", render::ty(get_any(c, &["type", "type_"]))),
                ),
                (other, _) => {
                    let k = static_kind(other);
                    self.api.add(k, format!("{other} {at}"));
                }
            }
        }
        self.impls(get(t, "implementations"));
    }

    /// The impls of a type or trait: inherent ones list their public items under the type's
    /// listed path, trait ones are one `impl` line each; synthetic and blanket ones are skipped.
    fn impls(&mut self, impl_ids: &Value) {
        for id in ids(impl_ids).collect::<Vec<_>>() {
            let Some(imp) = self.get(&id) else { continue };
            let ("impl", imp) = kind_of(imp) else {
                continue;
            };
            if get(imp, "is_synthetic").as_bool() == Some(true)
                || !get(imp, "blanket_impl").is_null()
            {
                continue;
            }
            if get(imp, "trait").is_null() {
                self.inherent(imp);
            } else {
                self.trait_impl(imp);
            }
        }
    }

    fn inherent(&mut self, imp: &Value) {
        let owner = self.type_path(get(imp, "for"), false);
        for member in ids(get(imp, "items")).collect::<Vec<_>>() {
            let Some(m) = self.get(&member) else { continue };
            if !is_public(m) {
                continue;
            }
            let name = get(m, "name").as_str().unwrap_or(render::UNKNOWN);
            let at = format!("{owner}::{name}");
            match kind_of(m) {
                ("function", f) => self.function(f, &at, ""),
                ("assoc_const", c) => self.api.add(
                    "const",
                    format!("const {at}: {}", render::ty(get_any(c, &["type", "type_"]))),
                ),
                ("assoc_type", a) => self.api.add(
                    "type",
                    format!(
                        "type {at} = {}",
                        render::ty(get_any(a, &["type", "default"]))
                    ),
                ),
                (other, _) => {
                    let k = static_kind(other);
                    self.api.add(k, format!("{other} {at}"));
                }
            }
        }
    }

    /// `impl<T: Bound> Trait<Arg, Assoc = Type> for Type<T> where ..`: the trait and the type by
    /// their full paths (as listed, or their original path), the associated types of the impl
    /// folded into the trait's arguments.
    fn trait_impl(&mut self, imp: &Value) {
        let trait_ = get(imp, "trait");
        let mut args = render::angle_args(get(trait_, "args"));
        for member in ids(get(imp, "items")) {
            if let Some(m) = self.get(&member)
                && let ("assoc_type", a) = kind_of(m)
            {
                let name = get(m, "name").as_str().unwrap_or(render::UNKNOWN);
                args.push(format!(
                    "{name} = {}",
                    render::ty(get_any(a, &["type", "default"]))
                ));
            }
        }
        let trait_name = self.id_path(get(trait_, "id")).unwrap_or_else(|| {
            get_any(trait_, &["path", "name"])
                .as_str()
                .unwrap_or(render::UNKNOWN)
                .to_owned()
        });
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("<{}>", args.join(", "))
        };
        let negative = if get(imp, "is_negative").as_bool() == Some(true) {
            "!"
        } else {
            ""
        };
        let generics = get(imp, "generics");
        self.api.add(
            "impl",
            format!(
                "impl{} {negative}{trait_name}{args} for {}{}",
                render::generic_params(get(generics, "params")),
                self.type_path(get(imp, "for"), true),
                render::where_clause(get(generics, "where_predicates"))
            ),
        );
    }

    /// The type an impl is for, by its listed path (`opentrain::Client`), with its generic
    /// arguments when `with_args`; references keep their `&`. Other types render as written.
    fn type_path(&self, t: &Value, with_args: bool) -> String {
        match tagged(t) {
            Some(("resolved_path", p)) => match self.id_path(get(p, "id")) {
                Some(full) if with_args => {
                    format!("{full}{}", render::generic_args(get(p, "args")))
                }
                Some(full) => full,
                None => render::ty(t),
            },
            Some(("borrowed_ref", r)) if with_args => {
                let lifetime = get(r, "lifetime")
                    .as_str()
                    .map(|l| format!("{l} "))
                    .unwrap_or_default();
                let mutable = if get(r, "is_mutable").as_bool() == Some(true) {
                    "mut "
                } else {
                    ""
                };
                format!(
                    "&{lifetime}{mutable}{}",
                    self.type_path(get(r, "type"), true)
                )
            }
            _ => render::ty(t),
        }
    }
}
