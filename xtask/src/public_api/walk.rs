//! From a crate's rustdoc JSON to its public API: which items a user can name, at which paths,
//! and one line of text for each.
//!
//! The walk starts at the crate root and follows public modules and public `use` items, level by
//! level, so every item is first met at its shortest path. An item (or module) reachable at
//! several paths is listed in full once, at its shortest path (ties: the alphabetically first),
//! and every other path is one `pub use <path> = <listed path>` line: removing a path still shows
//! in the diff, and the items of a type are not listed twice. A re-export of another crate's
//! module or item, which the JSON does not describe, is one `pub use` line naming the original
//! path: the snapshot stays about this crate's surface.
//!
//! Paths written relative to a module (`crate::`, `super::`) are made absolute before anything
//! is rendered, so moving code between modules does not change the list. What each listed item
//! contributes (its fields, methods, impls, ...) is written by the sibling `items` module.

use super::render::{self, get, tagged};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The public API of a crate: one line per item, with its kind (`fn`, `struct`, `impl`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicApi {
    /// Line → kind. The lines are unique and iterate in sorted order.
    lines: BTreeMap<String, &'static str>,
}

impl PublicApi {
    /// The lines, sorted.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.keys().map(String::as_str)
    }

    /// How many lines there are of each kind, by kind name.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for kind in self.lines.values() {
            *counts.entry(*kind).or_insert(0) += 1;
        }
        counts
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub(super) fn add(&mut self, kind: &'static str, line: String) {
        self.lines.insert(line, kind);
    }
}

/// The public API of the crate described by the rustdoc JSON `doc`.
pub fn public_api(doc: &Value) -> Result<PublicApi, String> {
    let index = doc
        .get("index")
        .and_then(Value::as_object)
        .ok_or("the rustdoc JSON has no `index` of items")?;
    let root = id_key(get(doc, "root")).ok_or("the rustdoc JSON has no `root` item")?;
    let root_item = index
        .get(&root)
        .ok_or_else(|| format!("the root item {root} is not in the index"))?;
    let crate_name = root_item
        .get("name")
        .and_then(Value::as_str)
        .ok_or("the root item has no name")?;
    if kind_of(root_item).0 != "module" {
        return Err(format!(
            "the root item is a `{}`, not a module",
            kind_of(root_item).0
        ));
    }
    let empty = Map::new();
    let mut walker = Walker {
        index,
        paths: doc
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
        crate_name,
        found: BTreeMap::new(),
        reexported: BTreeMap::new(),
        canonical: HashMap::new(),
        globs: HashSet::new(),
        api: PublicApi::default(),
    };
    walker.modules(root);
    walker.settle_paths();
    // The signatures are rendered from a copy whose relative paths are made absolute.
    let mut absolute = index.clone();
    for item in absolute.values_mut() {
        walker.absolutize(item);
    }
    let mut walker = Walker {
        index: &absolute,
        ..walker
    };
    let items: Vec<(String, String)> = walker
        .found
        .keys()
        .filter_map(|id| Some((id.clone(), walker.canonical.get(id)?.clone())))
        .collect();
    for (id, path) in items {
        walker.item(&id, &path);
    }
    Ok(walker.api)
}

/// Paths written relative to where the code is (`crate::types::Job`, `super::Secret`): these
/// change when code moves while the API stays, so they are replaced by the item's full path.
const RELATIVE: [&str; 4] = ["crate::", "self::", "super::", "$crate::"];

/// An item id as an index key: ids are numbers in recent formats, strings in older ones.
pub(super) fn id_key(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The kind and payload of an item (`inner` holds one key: `struct`, `function`, ...).
pub(super) fn kind_of(item: &Value) -> (&str, &Value) {
    tagged(get(item, "inner")).unwrap_or(("?", &Value::Null))
}

pub(super) fn is_public(item: &Value) -> bool {
    get(item, "visibility").as_str() == Some("public")
}

pub(super) fn ids(v: &Value) -> impl Iterator<Item = String> + '_ {
    v.as_array().into_iter().flatten().filter_map(id_key)
}

pub(super) struct Walker<'a> {
    pub(super) index: &'a Map<String, Value>,
    pub(super) paths: &'a Map<String, Value>,
    pub(super) crate_name: &'a str,
    /// Every non-module item met, with every public path it was met at.
    pub(super) found: BTreeMap<String, Vec<String>>,
    /// Every item of another crate re-exported by name, with the paths it is re-exported at.
    pub(super) reexported: BTreeMap<String, Vec<String>>,
    /// The path each listed module and item is listed at (and, for an item of another crate
    /// re-exported by name, its shortest path in this crate).
    pub(super) canonical: HashMap<String, String>,
    /// Glob re-exports already expanded (module id, into path), so a cycle ends.
    pub(super) globs: HashSet<(String, String)>,
    pub(super) api: PublicApi,
}

impl<'a> Walker<'a> {
    pub(super) fn get(&self, id: &str) -> Option<&'a Value> {
        self.index.get(id)
    }

    /// The original path of an item the JSON does not describe (another crate's), from `paths`.
    pub(super) fn external_path(&self, id: Option<&str>) -> Option<String> {
        let segments = get(self.paths.get(id?)?, "path").as_array()?;
        let parts: Vec<&str> = segments.iter().filter_map(Value::as_str).collect();
        (!parts.is_empty()).then(|| parts.join("::"))
    }

    fn alias(&mut self, at: &str, target: &str) {
        self.api.add("use", format!("pub use {at} = {target}"));
    }

    /// Breadth-first over the public modules from the root: a module met again (a second path,
    /// or a cycle) is an alias of the path it was first listed at.
    fn modules(&mut self, root: String) {
        let mut level = vec![(root, self.crate_name.to_owned())];
        let mut is_root = true;
        while !level.is_empty() {
            level.sort_by(|a, b| (segments(&a.1), &a.1).cmp(&(segments(&b.1), &b.1)));
            let mut next = Vec::new();
            for (id, path) in level {
                if let Some(listed) = self.canonical.get(&id).cloned() {
                    self.alias(&path, &listed);
                    continue;
                }
                self.canonical.insert(id.clone(), path.clone());
                if !is_root {
                    self.api.add("mod", format!("mod {path}"));
                }
                let Some(module) = self.get(&id) else {
                    continue;
                };
                let children: Vec<String> = ids(get(kind_of(module).1, "items")).collect();
                self.children(&children, &path, &mut next);
            }
            is_root = false;
            level = next;
        }
    }

    /// The public children of a module at `prefix`; modules go to `next` (the next level).
    fn children(&mut self, children: &[String], prefix: &str, next: &mut Vec<(String, String)>) {
        for id in children {
            let Some(item) = self.get(id) else { continue };
            if !is_public(item) {
                continue;
            }
            let (kind, inner) = kind_of(item);
            let name = get(item, "name").as_str().unwrap_or(render::UNKNOWN);
            match kind {
                "impl" => {}
                "module" => next.push((id.clone(), format!("{prefix}::{name}"))),
                "use" | "import" => self.reexport(inner, prefix, next),
                "extern_crate" => {
                    let name = get(inner, "rename").as_str().unwrap_or(name);
                    let original = get(inner, "name").as_str().unwrap_or(name);
                    self.alias(&format!("{prefix}::{name}"), original);
                }
                _ => self.meet(id, format!("{prefix}::{name}")),
            }
        }
    }

    fn meet(&mut self, id: &str, path: String) {
        self.found.entry(id.to_owned()).or_default().push(path);
    }

    /// A `pub use`: a local module is walked at the new path; a local item is met there; a glob
    /// brings a local module's (or enum's) public items; anything of another crate is one line.
    fn reexport(&mut self, u: &Value, prefix: &str, next: &mut Vec<(String, String)>) {
        let name = get(u, "name").as_str().unwrap_or(render::UNKNOWN);
        let source = get(u, "source").as_str().unwrap_or(render::UNKNOWN);
        let target_id = id_key(get(u, "id"));
        let target = target_id.as_deref().and_then(|id| self.get(id));
        let local = |t: &Value| get(t, "crate_id").as_u64() == Some(0);
        let original = |w: &Self| {
            w.external_path(target_id.as_deref())
                .unwrap_or_else(|| source.to_owned())
        };
        if get(u, "is_glob").as_bool() == Some(true) {
            match target.map(|t| (t, kind_of(t))) {
                Some((t, ("module", m))) if local(t) => {
                    let key = (target_id.clone().unwrap_or_default(), prefix.to_owned());
                    if self.globs.insert(key) {
                        let children: Vec<String> = ids(get(m, "items")).collect();
                        self.children(&children, prefix, next);
                    }
                }
                Some((_, ("enum", e))) => {
                    for variant in ids(get(e, "variants")).collect::<Vec<_>>() {
                        if let Some(v) = self.get(&variant) {
                            let vname = get(v, "name").as_str().unwrap_or(render::UNKNOWN);
                            self.meet(&variant, format!("{prefix}::{vname}"));
                        }
                    }
                }
                _ => {
                    let original = original(self);
                    self.alias(&format!("{prefix}::*"), &format!("{original}::*"));
                }
            }
            return;
        }
        let at = format!("{prefix}::{name}");
        match (target_id.as_deref(), target) {
            (Some(id), Some(t)) if kind_of(t).0 == "module" && local(t) => {
                next.push((id.to_owned(), at));
            }
            (Some(id), Some(t)) if kind_of(t).0 != "module" => self.meet(id, at),
            (id, _) => {
                if let Some(id) = id {
                    self.reexported
                        .entry(id.to_owned())
                        .or_default()
                        .push(at.clone());
                }
                let original = original(self);
                self.alias(&at, &original);
            }
        }
    }

    /// Picks the path each met item is listed at; its other paths become `pub use` lines.
    fn settle_paths(&mut self) {
        let found = std::mem::take(&mut self.found);
        for (id, paths) in &found {
            let mut paths = paths.clone();
            paths.sort_by(|a, b| (segments(a), a).cmp(&(segments(b), b)));
            paths.dedup();
            let Some((listed, others)) = paths.split_first() else {
                continue;
            };
            for other in others {
                self.alias(other, listed);
            }
            self.canonical.insert(id.clone(), listed.clone());
        }
        self.found = found;
        for (id, paths) in &self.reexported {
            if let Some(shortest) = paths
                .iter()
                .min_by(|a, b| (segments(a), a).cmp(&(segments(b), b)))
            {
                self.canonical.insert(id.clone(), shortest.clone());
            }
        }
    }

    /// Replaces, in the JSON tree `v`, every path written relative to the module (a path node:
    /// `path` and `id`) by a full one: the item's listed path (or, for another crate's item, the
    /// path this crate re-exports it at); else `crate::` becomes the crate's name; else the
    /// item's original path.
    fn absolutize(&self, v: &mut Value) {
        match v {
            Value::Object(map) => {
                let written = map.get("path").and_then(Value::as_str).unwrap_or("");
                if RELATIVE.iter().any(|r| written.starts_with(r)) {
                    let id = map.get("id").and_then(id_key);
                    let full = id
                        .as_ref()
                        .and_then(|id| self.canonical.get(id).cloned())
                        .or_else(|| {
                            written
                                .strip_prefix("crate::")
                                .map(|rest| format!("{}::{rest}", self.crate_name))
                        })
                        .or_else(|| self.external_path(id.as_deref()));
                    if let Some(full) = full {
                        map.insert("path".into(), Value::String(full));
                    }
                }
                for child in map.values_mut() {
                    self.absolutize(child);
                }
            }
            Value::Array(items) => {
                for child in items {
                    self.absolutize(child);
                }
            }
            _ => {}
        }
    }

    /// The full path of an item: where it is listed, or its original path in `paths`.
    pub(super) fn id_path(&self, id: &Value) -> Option<String> {
        let id = id_key(id)?;
        self.canonical
            .get(&id)
            .cloned()
            .or_else(|| self.external_path(Some(&id)))
    }
}

fn segments(path: &str) -> usize {
    path.matches("::").count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/rustdoc-demo.json"))
            .expect("the fixture is JSON")
    }

    #[test]
    fn lists_the_fixture_crate_line_by_line() {
        let api = public_api(&fixture()).unwrap();
        let lines: Vec<&str> = api.lines().collect();
        assert_eq!(
            lines,
            [
                "async fn demo::Widget::fetch(&self) -> Result<String, Error>",
                "enum demo::Shape #[non_exhaustive]",
                "field demo::Widget::label: demo::ext::Label",
                "field demo::Widget::owner: Option<demo::token>",
                "field demo::Widget::size: u32",
                "fn demo::Widget::generated_by_macro(&self, name: &str) -> Option<&str>",
                "fn demo::Widget::resize(&mut self, by: u32) -> Self",
                "fn demo::shapes::area(shape: &demo::Shape) -> f64",
                "impl core::clone::Clone for demo::Widget",
                "impl core::convert::From<u32> for demo::Widget",
                "impl core::iter::Iterator<Item = u32> for demo::Widget",
                "mod demo::shapes",
                "pub use demo::ext = other_crate::module",
                "pub use demo::shapes::Widget = demo::Widget",
                "pub use demo::token = other_crate::Token",
                "struct demo::Widget",
                "variant demo::Shape::Circle(f64)",
                "variant demo::Shape::Point",
                "variant demo::Shape::Rect { w: f64, h: f64 }",
            ]
        );
        let counts = api.counts();
        assert_eq!(counts.get("fn"), Some(&4));
        assert_eq!(counts.get("use"), Some(&3));
        assert_eq!(counts.get("impl"), Some(&3));
        assert_eq!(api.len(), 19);
    }

    #[test]
    fn a_glob_reexport_lists_the_module_items_at_the_reexporting_path() {
        let mut doc = fixture();
        // `pub use shapes::*` at the root instead of `pub use shapes::Widget`.
        doc["index"]["11"]["inner"]["use"] =
            serde_json::json!({"source": "shapes", "name": "shapes", "id": 2, "is_glob": true});
        let api = public_api(&doc).unwrap();
        let lines: Vec<&str> = api.lines().collect();
        assert!(
            lines.contains(&"fn demo::area(shape: &demo::Shape) -> f64"),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"pub use demo::shapes::area = demo::area"),
            "{lines:#?}"
        );
        assert!(lines.contains(&"struct demo::Widget"), "{lines:#?}");
    }

    #[test]
    fn a_module_that_reexports_itself_ends() {
        let mut doc = fixture();
        // `pub use crate as again` inside `shapes`: a cycle back to the root.
        doc["index"]["2"]["inner"]["module"]["items"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!(40));
        doc["index"]["40"] = serde_json::json!({
            "id": 40, "crate_id": 0, "name": null, "visibility": "public", "attrs": [],
            "inner": {"use": {"source": "crate", "name": "again", "id": 0, "is_glob": false}}
        });
        let api = public_api(&doc).unwrap();
        assert!(
            api.lines()
                .any(|l| l == "pub use demo::shapes::again = demo"),
            "{:#?}",
            api.lines().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_document_without_index_or_root_is_an_error_not_a_panic() {
        assert!(public_api(&serde_json::json!({})).is_err());
        assert!(public_api(&serde_json::json!({"index": {}, "root": 7})).is_err());
    }
}
