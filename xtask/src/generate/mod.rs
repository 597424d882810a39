//! `cargo xtask generate [--check]`: the raw client of `opentrain-gen`, generated from
//! `openapi.json` and checked in.
//!
//! Steps: read the spec, run the generator-constraint gate of `opentrain-spec` (a violation
//! fails with every problem listed, never a generator panic), normalize the spec in memory
//! (inline enums hoisted to named ones), emit an open enum for every named string enum, run
//! progenitor with those enums as replacements, every `format: password` string as the one
//! `Secret` type and every struct patched `#[non_exhaustive]`, make every optional array or map
//! of the generated types read `null` as empty, write the operation table, and move the
//! `types` module into `opentrain-types`. The output is
//! formatted with prettyplease and written into `opentrain-gen/src/generated/` (the client) and
//! `opentrain-types/src/generated/` (the types); `--check`
//! compares instead of writing. Nothing here is specific to one operation: a refreshed spec
//! regenerates without edits. A consumer of the crates never runs any of it.
//!
//! This file is the entry point and progenitor's settings; each rewrite or emitter of the output
//! lives in a file of its own: `types_crate.rs` (the `types` module moved into
//! `opentrain-types`), `serde_attrs.rs` (the one pass that adds serde attributes), and the two
//! files generated beside progenitor's, `operation_table.rs` and `open_enums.rs`.

mod open_enums;
mod operation_table;
mod serde_attrs;
mod types_crate;

use std::fmt::Write as _;
use std::path::Path;

use open_enums::open_enums_source;
use operation_table::operations_source;
use quote::quote;
use serde_attrs::null_decodes_as_absent;
use types_crate::take_types_module;

/// Generates the raw client from the spec at `spec_path`: the three files of
/// [`GENERATED_FILES`], as text (not written).
pub fn generate(spec_path: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let text =
        std::fs::read_to_string(spec_path).map_err(|e| format!("cannot read the spec: {e}"))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the spec is not valid JSON: {e}"))?;

    let violations = opentrain_spec::check(&doc);
    if !violations.is_empty() {
        let mut msg = format!(
            "the spec breaks {} generator constraint(s):\n",
            violations.len()
        );
        for v in &violations {
            let _ = writeln!(msg, "  - {v}");
        }
        msg.push_str("(run `cargo xtask spec check` for the same list)");
        return Err(msg);
    }

    let doc = opentrain_spec::normalize(&doc).doc;
    let enums = opentrain_spec::string_enums(&doc);
    let open_enums = open_enums_source(&enums)?;

    let doc_for_table = doc.clone();
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc)
        .map_err(|e| format!("the spec is not an OpenAPI 3.0 document: {e}"))?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote!(crate::transport::Transport))
        .with_derive("PartialEq");
    for e in &enums {
        settings.with_replacement(
            &e.name,
            format!("crate::open_enums::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }

    // Every string the spec marks `format: password` is a secret: generated as the one
    // redacting `Secret` type (typify matches the schema without its description).
    for string in [None, Some(Box::default())] {
        settings.with_conversion(
            schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::String.into()),
                format: Some("password".into()),
                string,
                ..Default::default()
            },
            "crate::secret::Secret",
            [progenitor::TypeImpl::Display].into_iter(),
        );
    }

    // Every generated struct is `#[non_exhaustive]`: outside `opentrain-gen` it is built with
    // its typify builder (`types::Job::builder()`), never as a struct literal, so a field the
    // spec adds later breaks no code that builds one. typify applies the attribute per named
    // type, so a first run finds the names of the structs and a second one marks them.
    let first = run_progenitor(&settings, &spec)?;
    let first: syn::File =
        syn::parse2(first).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    let mut non_exhaustive = progenitor::TypePatch::default();
    non_exhaustive.with_attr("#[non_exhaustive]");
    for name in struct_names(&first) {
        settings.with_patch(name, &non_exhaustive);
    }
    let tokens = run_progenitor(&settings, &spec)?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    null_decodes_as_absent(&mut file);
    let operations = operations_source(&doc_for_table, &file)?;
    let types = take_types_module(&mut file)?;
    Ok(vec![
        (
            GENERATED_FILES[0],
            with_header(&prettyplease::unparse(&file)),
        ),
        (
            GENERATED_FILES[1],
            with_header(&prettyplease::unparse(&types)),
        ),
        (GENERATED_FILES[2], with_header(&open_enums)),
        (GENERATED_FILES[3], with_header(&operations)),
    ])
}

/// Runs progenitor on `spec`. progenitor still has `assert!`s and `todo!`s for shapes the gate
/// may not know yet: such a panic becomes a message instead of a backtrace.
fn run_progenitor(
    settings: &progenitor::GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(|| {
        let mut generator = progenitor::Generator::new(settings);
        generator
            .generate_tokens(spec)
            .map_err(|e| format!("the generator refused the spec: {e}"))
    });
    std::panic::set_hook(previous);
    match generated {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "no message".into());
            Err(format!(
                "the generator stopped on a shape of the spec that `cargo xtask spec check` does \
                 not flag yet (its own words: {what}); find the construct in the spec, and add a \
                 rule naming it to opentrain-spec's check"
            ))
        }
    }
}

/// The names of the structs in the generated `types` module (not its `builder` submodule).
fn struct_names(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Where the generated files go for the spec at `spec`: the workspace beside it (the files of
/// [`GENERATED_FILES`] are relative to it).
pub fn output_dir(spec: &Path) -> std::path::PathBuf {
    spec.parent()
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf()
}

/// The generated files, relative to the workspace: the client and the operation table in
/// `opentrain-gen`, the types and the open enums in `opentrain-types`.
pub const GENERATED_FILES: [&str; 4] = [
    "opentrain-gen/src/generated/client.rs",
    "opentrain-types/src/generated/types.rs",
    "opentrain-types/src/generated/open_enums.rs",
    "opentrain-gen/src/generated/operations.rs",
];

/// The header of every generated file.
const HEADER: &str =
    "// @generated by `cargo xtask generate` from openapi.json: do not edit by hand.\n\n";

fn with_header(source: &str) -> String {
    format!("{HEADER}{source}")
}
