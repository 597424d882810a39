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

use std::fmt::Write as _;
use std::path::Path;

use opentrain_spec::StringEnum;
use proc_macro2::{Ident, Span};
use quote::quote;

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

/// Takes progenitor's `types` module, whole and unchanged, out of the generated file, as a file
/// of its own for `opentrain-types`. The types need serde and chrono only; in a crate of their
/// own a consumer's build compiles them while it compiles the HTTP and TLS stack the client
/// waits for (measured: `tests/build-cost`). The client finds them as `types` through the
/// `pub use opentrain_types::types` of `opentrain-gen`'s hand-written `lib.rs`.
fn take_types_module(file: &mut syn::File) -> Result<syn::File, String> {
    let at = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or("progenitor generated no `types` module")?;
    let types = file.items.remove(at);
    Ok(syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![types],
    })
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

/// The schemas that must decode whatever their optional keys hold: the error envelope and its
/// `details`, read on every failure (an oddly shaped key must not cost the `code` and `reason`).
const NEVER_FAILING: [&str; 2] = ["ErrorEnvelope", "ErrorDetails"];

/// Gives every field of the generated types that typify made `#[serde(default)]` (an optional
/// array or map: a plain `Vec` / `Map` that an omitted field leaves empty) a deserializer that
/// reads a JSON `null` as that same empty value. Optional scalars are `Option`s already.
///
/// This is the one pass over progenitor's output, and it only adds serde attributes to fields
/// (typify has no setting for a field's deserializer). It reads the syntax tree's structure:
/// the `serde` attribute's parsed arguments and the field type's path, never token text.
fn null_decodes_as_absent(file: &mut syn::File) {
    let Some(types) = module_items(file, "types") else {
        return;
    };
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let never_fails = NEVER_FAILING.contains(&s.ident.to_string().as_str());
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let has_default = field.attrs.iter().any(serde_default);
            let is_option = is_option(&field.ty);
            if never_fails && (has_default || is_option) {
                field.attrs.push(if has_default {
                    syn::parse_quote!(#[serde(deserialize_with = "crate::lenient::invalid_as_default")])
                } else {
                    syn::parse_quote!(#[serde(default, deserialize_with = "crate::lenient::invalid_as_default")])
                });
            } else if has_default && !is_option {
                field.attrs.push(syn::parse_quote!(
                    #[serde(deserialize_with = "crate::lenient::null_as_default")]
                ));
            }
        }
    }
}

/// Whether `attr` is `#[serde(..)]` with a bare `default` among its arguments.
fn serde_default(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("serde")
        && attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|metas| {
                metas
                    .iter()
                    .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("default")))
            })
}

/// Whether `ty` is an `Option<..>` (by any path: `Option`, `std::option::Option`, ..).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p)
        if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The items of the top-level module `name` of the generated file (`types`, `builder`).
fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Option<&'f mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The operation table: what the spec says of each operation, joined with what progenitor
/// generated for it (client method and success type, read from the generated code itself).
fn operations_source(doc: &serde_json::Value, file: &syn::File) -> Result<String, String> {
    let generated = generated_methods(file);
    let mut rows = Vec::new();
    let mut lookup = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    for (index, op) in opentrain_spec::operations(doc).into_iter().enumerate() {
        let id = op.id().unwrap_or_default().to_owned();
        let method_name = snake_case(&id);
        let statuses = |success: bool| -> Vec<u16> {
            op.op
                .get("responses")
                .and_then(serde_json::Value::as_object)
                .map(|r| {
                    r.keys()
                        .filter(|k| k.starts_with('2') == success)
                        .filter_map(|k| k.parse().ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (success, errors) = (statuses(true), statuses(false));
        // `2XX`-style keys: the hundreds digit of each range.
        let ranges: Vec<u16> = op
            .op
            .get("responses")
            .and_then(serde_json::Value::as_object)
            .map(|r| {
                r.keys()
                    .filter(|k| k.len() == 3 && k.ends_with("XX"))
                    .filter_map(|k| k[..1].parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let tag = op
            .op
            .pointer("/tags/0")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let tokenless = op
            .op
            .get("security")
            .and_then(serde_json::Value::as_array)
            .is_some_and(Vec::is_empty);
        let carries_secret = op
            .op
            .get("responses")
            .and_then(serde_json::Value::as_object)
            .is_some_and(|responses| {
                responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('2'))
                    .any(|(_, response)| holds_secret(doc, response, 0))
            });
        let method = op.method.to_uppercase();
        let path = op.path;
        // Every operation of the spec has its client method and every client method its row:
        // the transport looks each request's operation up by method name, and a request it
        // could not look up must be impossible, not a silent fallback at run time.
        let Some(found) = generated.get(&method_name) else {
            return Err(format!(
                "operation `{id}` ({method} {path}): progenitor generated no client method \
                 `{method_name}`; the operation table cannot describe it",
                method = op.method.to_uppercase(),
                path = op.path
            ));
        };
        let client_method = method_name.as_str();
        lookup.push(quote! { #client_method => Some(&OPERATIONS[#index]), });
        listed.insert(method_name.clone());
        let (decode, debug) = match found.as_ref() {
            Some(ty) => {
                let ty: syn::Type = syn::parse_str(&ty.replace("types ::", "crate::types::"))
                    .map_err(|e| format!("cannot read the success type of {id}: {e}"))?;
                (
                    quote! { Some(|bytes: &[u8]| serde_json::from_slice::<#ty>(bytes).and_then(|v| serde_json::to_value(&v))) },
                    quote! { Some(|bytes: &[u8]| serde_json::from_slice::<#ty>(bytes).map(|v| format!("{v:?}"))) },
                )
            }
            None => (quote! { None }, quote! { None }),
        };
        rows.push(quote! {
            Operation {
                operation_id: #id,
                method: #method,
                path: #path,
                tag: #tag,
                client_method: #client_method,
                success_statuses: &[#(#success),*],
                error_statuses: &[#(#errors),*],
                status_ranges: &[#(#ranges),*],
                tokenless: #tokenless,
                carries_secret: #carries_secret,
                decode_success: #decode,
                debug_success: #debug,
            }
        });
    }
    if let Some(stray) = generated.keys().find(|m| !listed.contains(*m)) {
        return Err(format!(
            "progenitor generated the client method `{stray}`, which no operationId of the spec \
             names (its snake case); the operation table cannot describe it"
        ));
    }
    let methods: Vec<&String> = generated.keys().collect();
    let forwarded = operation_methods(file);
    let file = quote! {
        /// Hands `$callback!` every operation method of `Client`, in name order, as
        /// `#[doc = ..] method => Builder;` entries (the method's doc comment, its name and its
        /// builder type in `builder`). The `opentrain` facade gives its own `Client` the same
        /// methods with it, so a new operation of the spec appears there on regeneration.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_operation {
            ($callback:ident) => {
                $callback! { #(#forwarded)* }
            };
        }

        /// Every operation of `openapi.json`, in path then method order.
        pub const OPERATIONS: &[Operation] = &[#(#rows),*];
        /// The operation methods progenitor generated on `Client`, read from the generated code.
        pub const CLIENT_METHODS: &[&str] = &[#(#methods),*];

        impl Operation {
            /// The operation a generated `Client` method runs, by the method's name (what
            /// progenitor passes to the transport hook as `OperationInfo::operation_id`).
            /// Every generated method is here: `cargo xtask generate` fails otherwise.
            pub fn by_client_method(name: &str) -> Option<&'static Operation> {
                match name {
                    #(#lookup)*
                    _ => None,
                }
            }
        }
    };
    let file: syn::File =
        syn::parse2(file).map_err(|e| format!("operation table is invalid: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Whether `schema` (a response, a schema, following `$ref`s) holds a `format: password`
/// string anywhere.
fn holds_secret(doc: &serde_json::Value, schema: &serde_json::Value, depth: usize) -> bool {
    use serde_json::Value;
    if depth > 32 {
        return false;
    }
    match schema {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("password") {
                return true;
            }
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                return target
                    .strip_prefix('#')
                    .and_then(|pointer| doc.pointer(pointer))
                    .is_some_and(|resolved| holds_secret(doc, resolved, depth + 1));
            }
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "example" | "examples" | "description"))
                .any(|(_, value)| holds_secret(doc, value, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| holds_secret(doc, v, depth + 1)),
        _ => false,
    }
}

/// The `#[doc = ..] method => Builder;` entries of every operation method of the generated
/// `Client` (a method returning a `builder::` type), in name order.
fn operation_methods(file: &syn::File) -> Vec<proc_macro2::TokenStream> {
    use quote::ToTokens;
    let mut methods = std::collections::BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for it in &imp.items {
            if let syn::ImplItem::Fn(f) = it
                && let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let syn::Type::Path(p) = ty.as_ref()
                && p.path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == "builder")
                && let Some(last) = p.path.segments.last()
            {
                let docs = f.attrs.iter().filter(|a| a.path().is_ident("doc"));
                let (name, builder) = (&f.sig.ident, &last.ident);
                methods.insert(name.to_string(), quote! { #(#docs)* #name => #builder; });
            }
        }
    }
    methods.into_values().collect()
}

/// `Client` method name → the success type its builder's `send` returns (`None` for no body).
fn generated_methods(file: &syn::File) -> std::collections::BTreeMap<String, Option<String>> {
    use quote::ToTokens;
    let mut builder_of = std::collections::BTreeMap::new();
    let mut success_of = std::collections::BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp)
                if imp.trait_.is_none()
                    && imp.self_ty.to_token_stream().to_string() == "Client" =>
            {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                        && let syn::Type::Path(p) = ty.as_ref()
                        && p.path
                            .segments
                            .first()
                            .is_some_and(|s| s.ident == "builder")
                        && let Some(last) = p.path.segments.last()
                    {
                        builder_of.insert(f.sig.ident.to_string(), last.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for it in m.content.iter().flat_map(|(_, items)| items) {
                    let syn::Item::Impl(imp) = it else { continue };
                    let syn::Type::Path(p) = imp.self_ty.as_ref() else {
                        continue;
                    };
                    let Some(name) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                        continue;
                    };
                    for f in &imp.items {
                        if let syn::ImplItem::Fn(f) = f
                            && f.sig.ident == "send"
                            && let syn::ReturnType::Type(_, ty) = &f.sig.output
                        {
                            success_of.insert(name.clone(), response_value_arg(ty));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    builder_of
        .into_iter()
        .map(|(method, builder)| {
            let ty = success_of.get(&builder).cloned().flatten();
            (method, ty)
        })
        .collect()
}

/// From `Result<ResponseValue<T>, Error<E>>`, the text of `T` unless it is `()` or `ByteStream`.
fn response_value_arg(ty: &syn::Type) -> Option<String> {
    use quote::ToTokens;
    let syn::Type::Path(result) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &result.path.segments.last()?.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(syn::Type::Path(rv)) = args.args.first()? else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(inner) = &rv.path.segments.last()?.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(t) = inner.args.first()? else {
        return None;
    };
    let text = t.to_token_stream().to_string();
    (text != "()" && text != "ByteStream").then_some(text)
}

/// progenitor's method name for an operationId (heck's snake case for camelCase ids).
fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' || c == '.' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// Rust source for one open enum per spec enum: documented variants plus `Unknown(String)`.
fn open_enums_source(enums: &[StringEnum]) -> Result<String, String> {
    let mut items = Vec::new();
    let mut index = Vec::new();
    let mut dispatch = Vec::new();
    for e in enums {
        let name = Ident::new(&e.name, Span::call_site());
        let variants = variant_names(e)?;
        let idents: Vec<Ident> = variants
            .iter()
            .map(|v| Ident::new(v, Span::call_site()))
            .collect();
        let values = &e.values;
        let value_docs: Vec<String> = values.iter().map(|v| format!(" `{v}`")).collect();
        let summary = e
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` enum of the OpenTrain API.", e.name));
        let doc_lines: Vec<String> = summary.lines().map(|l| format!(" {l}")).collect();
        let spec_name = &e.name;
        items.push(quote! {
            #(#[doc = #doc_lines])*
            ///
            /// This is an *open* enum: a value the spec does not list yet decodes to
            /// `Unknown` and encodes back unchanged, so a new server value never breaks a
            /// response. It is `#[non_exhaustive]` too: a value the spec adds later becomes a
            /// variant without breaking a `match` written today.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #value_docs] #idents, )*
                /// A value this version of the client does not know, kept exactly as sent.
                Unknown(String),
            }

            impl #name {
                /// The values documented in the spec, in spec order.
                pub const DOCUMENTED: &'static [&'static str] = &[#(#values),*];

                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(value) => value.as_str(),
                    }
                }

                /// Whether this value is one the spec did not document.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::Unknown(_))
                }
            }

            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            }

            impl From<String> for #name {
                fn from(value: String) -> Self {
                    match Self::from(value.as_str()) {
                        Self::Unknown(_) => Self::Unknown(value),
                        known => known,
                    }
                }
            }

            impl From<&String> for #name {
                fn from(value: &String) -> Self {
                    Self::from(value.as_str())
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    self.as_str()
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(match value {
                        ::std::borrow::Cow::Borrowed(s) => Self::from(s),
                        ::std::borrow::Cow::Owned(s) => Self::from(s),
                    })
                }
            }

            impl crate::open_enums::OpenEnum for #name {
                const NAME: &'static str = #spec_name;
                const DOCUMENTED: &'static [&'static str] = #name::DOCUMENTED;
                fn as_str(&self) -> &str {
                    #name::as_str(self)
                }
                fn is_unknown(&self) -> bool {
                    #name::is_unknown(self)
                }
            }
        });
        index.push(quote! { (#spec_name, #name::DOCUMENTED) });
        dispatch.push(quote! { #spec_name => Some(roundtrip_as::<#name>(json)), });
    }
    let file = quote! {
        #(#items)*

        /// Every open enum of the spec with its documented values, sorted by name.
        pub const ALL: &[(&str, &[&str])] = &[#(#index),*];

        /// Decodes the JSON text `json` as the open enum whose schema is `name` and encodes it
        /// again; `None` when the spec has no such enum. For tests that walk every enum.
        pub fn roundtrip(name: &str, json: &str) -> Option<Result<Roundtrip, serde_json::Error>> {
            match name {
                #(#dispatch)*
                _ => None,
            }
        }
    };
    let file: syn::File =
        syn::parse2(file).map_err(|e| format!("open enum source is invalid: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// PascalCase variant names for an enum's values, unique within the enum and never `Unknown`.
fn variant_names(e: &StringEnum) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    for value in &e.values {
        let mut name = String::new();
        let mut upper = true;
        let all_caps = !value.chars().any(|c| c.is_ascii_lowercase());
        for c in value.chars() {
            if c.is_ascii_alphanumeric() {
                if upper {
                    name.push(c.to_ascii_uppercase());
                } else if all_caps {
                    name.push(c.to_ascii_lowercase());
                } else {
                    name.push(c);
                }
                upper = false;
            } else {
                upper = true;
            }
        }
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, 'V');
        }
        if name == "Unknown" {
            name = "UnknownValue".into();
        }
        let base = name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    let distinct: std::collections::BTreeSet<&String> = e.values.iter().collect();
    if distinct.len() != e.values.len() {
        return Err(format!("enum {} lists a value twice", e.name));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file as source, without whitespace (so line breaks do not matter).
    fn source(file: &syn::File) -> String {
        prettyplease::unparse(file)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    #[test]
    fn an_optional_list_reads_null_as_empty_and_the_error_envelope_never_fails_on_a_field() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types {
                pub struct Job {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub tags: ::std::vec::Vec<::std::string::String>,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub note: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "defaultish")]
                    pub id: ::std::string::String,
                }
                pub struct ErrorDetails {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub reason: Option<String>,
                    #[serde(default)]
                    pub issues: ::std::vec::Vec<String>,
                    pub code: String,
                }
            }"#,
        )
        .expect("test source parses");
        null_decodes_as_absent(&mut file);
        let out = source(&file);
        assert!(
            out.contains(r#"#[serde(deserialize_with="crate::lenient::null_as_default")]pubtags"#),
            "{out}"
        );
        // An optional scalar is an Option already; a field merely named like `default` is not one.
        assert!(!out.contains(r#"null_as_default")]pubnote"#), "{out}");
        assert!(!out.contains(r#"null_as_default")]pubid"#), "{out}");
        // The error details: an optional field of any shape reads as absent when it does not fit.
        assert!(
            out.contains(r#"#[serde(default,deserialize_with="crate::lenient::invalid_as_default")]pubreason"#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"#[serde(deserialize_with="crate::lenient::invalid_as_default")]pubissues"#
            ),
            "{out}"
        );
        assert!(!out.contains(r#"invalid_as_default")]pubcode"#), "{out}");
    }
}
