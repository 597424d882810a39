//! `cargo xtask generate [--check]`: the raw client of `opentrain-gen`, generated from
//! `openapi.json` and checked in.
//!
//! Steps: read the spec, run the generator-constraint gate of `opentrain-spec` (a violation
//! fails with every problem listed, never a generator panic), emit an open enum for every named
//! string enum of the spec, run progenitor with those enums as replacements and every
//! `format: password` string as the one `Secret` type, make every optional array or map of the
//! generated types read `null` as empty, and write the operation table. The output is
//! formatted with prettyplease and written into `opentrain-gen/src/generated/`; `--check`
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

    // progenitor still has `assert!`s and `todo!`s for shapes the gate may not know yet; turn
    // such a panic into a message instead of a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(move || {
        let mut generator = progenitor::Generator::new(&settings);
        generator
            .generate_tokens(&spec)
            .map_err(|e| format!("progenitor rejected the spec: {e}"))
    });
    let _ = std::panic::take_hook();
    let tokens = match generated {
        Ok(result) => result?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!(
                "progenitor panicked on a shape the constraint gate does not catch yet: {what}\n\
                 (add a rule for it to opentrain-spec's check)"
            ));
        }
    };
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    null_decodes_as_absent(&mut file);
    urls_on_the_parsed_base(&mut file)?;
    responses_read_without_a_header_copy(&mut file)?;
    requests_built_in_one_block(&mut file)?;
    error_objects_boxed(&mut file)?;
    let operations = operations_source(&doc_for_table, &file)?;
    Ok(vec![
        (
            GENERATED_FILES[0],
            with_header(&prettyplease::unparse(&file)),
        ),
        (GENERATED_FILES[1], with_header(&open_enums)),
        (GENERATED_FILES[2], with_header(&operations)),
    ])
}

/// Where the generated files go for the spec at `spec`: `opentrain-gen/src/` beside it.
pub fn output_dir(spec: &Path) -> std::path::PathBuf {
    spec.parent()
        .unwrap_or_else(|| Path::new("."))
        .join("opentrain-gen")
        .join("src")
}

/// The generated files, relative to `opentrain-gen/src/`.
pub const GENERATED_FILES: [&str; 3] = [
    "generated/client.rs",
    "generated/open_enums.rs",
    "generated/operations.rs",
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
fn null_decodes_as_absent(file: &mut syn::File) {
    use quote::ToTokens;
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
            let has_default = field.attrs.iter().any(|a| {
                a.path().is_ident("serde") && a.to_token_stream().to_string().contains("default")
            });
            let is_option = field.ty.to_token_stream().to_string().contains("Option <");
            if never_fails && (has_default || is_option) {
                field.attrs.push(if has_default {
                    syn::parse_quote!(#[serde(deserialize_with = "crate::lenient::invalid_as_default")])
                } else {
                    syn::parse_quote!(#[serde(default, deserialize_with = "crate::lenient::invalid_as_default")])
                });
                continue;
            }
            let plain_default = field.attrs.iter().any(|attr| {
                attr.path().is_ident("serde")
                    && attr
                        .parse_args_with(
                            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                        )
                        .is_ok_and(|metas| metas.iter().any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("default"))))
            });
            let is_option = field.ty.to_token_stream().to_string().contains("Option <");
            if plain_default && !is_option {
                field.attrs.push(syn::parse_quote!(
                    #[serde(deserialize_with = "crate::lenient::null_as_default")]
                ));
            }
        }
    }
}

/// Has every operation build its URL with `crate::request_url::join` (the base URL parsed once,
/// the path appended) instead of formatting `"{base}/path"` for `reqwest` to parse whole on
/// every request. progenitor writes each operation's URL as
/// `let url = format!("{}/jobs/{}", client.baseurl, encode_path(..));`; that statement becomes
/// `let url = crate::request_url::join(client, format_args!("/jobs/{}", encode_path(..)))?;`,
/// and the `?` gives a bad URL the error `.build()?` gave it before. A `send` whose URL is
/// written any other way fails the generation: it would silently keep the slow path.
fn urls_on_the_parsed_base(file: &mut syn::File) -> Result<(), String> {
    use quote::ToTokens;
    type Args = syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>;
    each_send(file, |owner, f| {
        let url_stmt = f
            .block
            .stmts
            .iter_mut()
            .find(|stmt| local_named(stmt, "url"))
            .and_then(|stmt| match stmt {
                syn::Stmt::Local(local) => local.init.as_mut(),
                _ => None,
            });
        let unexpected = || {
            format!(
                "{owner}::send: progenitor's URL is not `format!(\"{{}}/..\", client.baseurl, ..)`"
            )
        };
        let Some(init) = url_stmt else {
            return Err(unexpected());
        };
        let syn::Expr::Macro(mac) = init.expr.as_ref() else {
            return Err(unexpected());
        };
        if !mac.mac.path.is_ident("format") {
            return Err(unexpected());
        }
        let args = mac
            .mac
            .parse_body_with(Args::parse_terminated)
            .map_err(|e| format!("{owner}::send: {e}"))?;
        let mut args = args.into_iter();
        let (
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(template),
                ..
            })),
            Some(base),
        ) = (args.next(), args.next())
        else {
            return Err(unexpected());
        };
        let path = template.value();
        let Some(path) = path.strip_prefix("{}") else {
            return Err(unexpected());
        };
        if base.to_token_stream().to_string() != "client . baseurl" || !path.starts_with('/') {
            return Err(unexpected());
        }
        let path = syn::LitStr::new(path, template.span());
        let rest: Vec<syn::Expr> = args.collect();
        *init.expr = syn::parse_quote!(crate::request_url::join(
            client,
            format_args!(#path #(, #rest)*)
        )?);
        Ok(())
    })
}

/// Calls `visit` with the name of each builder of progenitor's `builder` module and its `send`
/// method: the one place the rewrites find the operations.
fn each_send(
    file: &mut syn::File,
    mut visit: impl FnMut(&str, &mut syn::ImplItemFn) -> Result<(), String>,
) -> Result<(), String> {
    use quote::ToTokens;
    let Some(builder) = module_items(file, "builder") else {
        return Err("progenitor generated no `builder` module".into());
    };
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let owner = imp.self_ty.to_token_stream().to_string();
        for f in imp.items.iter_mut() {
            if let syn::ImplItem::Fn(f) = f
                && f.sig.ident == "send"
            {
                visit(&owner, f)?;
            }
        }
    }
    Ok(())
}

/// The items of the top-level module `name` of the generated file (`types`, `builder`).
fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Option<&'f mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Has every operation decode its response with `crate::response_value::read`, which moves the
/// headers into the `ResponseValue`, instead of progenitor's `ResponseValue::from_response`,
/// which copies them and drops the originals. Fails when progenitor calls `from_response`
/// nowhere (it would have changed how it decodes, and this step would silently do nothing).
fn responses_read_without_a_header_copy(file: &mut syn::File) -> Result<(), String> {
    use syn::visit_mut::VisitMut;
    struct Reads(usize);
    impl VisitMut for Reads {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(path) = call.func.as_mut() {
                let segments: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segments == ["ResponseValue", "from_response"] {
                    *path = syn::parse_quote!(crate::response_value::read);
                    self.0 += 1;
                }
            }
        }
    }
    let mut reads = Reads(0);
    reads.visit_file_mut(file);
    if reads.0 == 0 {
        return Err("progenitor's operations call `ResponseValue::from_response` nowhere".into());
    }
    Ok(())
}

/// Has every operation build its request and hand it to the transport inside one block, so that
/// the future of `send` keeps none of the building's locals while the response is read.
///
/// progenitor writes each `send` as: check the arguments, `let url = ..`, a `header_map` with
/// the `api-version` header, `let mut request = client.client.get(url)..headers(header_map)
/// .build()?`, `let info = ..`, the `pre` hook, `let result = client.exec(request, &info).await`,
/// the `post` hook, `let response = result?`, and the match on the status. A local that was
/// ever borrowed keeps its room in an `async fn`'s state until its scope ends, so every
/// operation's future held the header map, the request and the result beside the future that
/// reads the response: 1.6 kB for `get_me`, moved whole wherever the future is awaited. Here:
/// - the header map's `append`s become `.header(..)` calls on the builder: one header map per
///   request, not a second one merged into the first (only for names progenitor sets nowhere
///   else; a header map filled any other way, say under an `if`, stays as it is);
/// - the `pre` and `post` hooks go: the client's are progenitor's, which do nothing (the
///   transport's pipeline does that work, in `exec`);
/// - everything before `info` moves into a block that ends in `client.exec(request, &info)`,
///   awaited as `let response = { .. }.await?;`.
///
/// A `send` of any other shape fails the generation, and so does a file where no header map was
/// folded: either means progenitor changed what it writes.
fn requests_built_in_one_block(file: &mut syn::File) -> Result<(), String> {
    use quote::ToTokens;
    let mut folded = 0;
    each_send(file, |owner, f| {
        let stmts = &mut f.block.stmts;
        let text: Vec<String> = stmts
            .iter()
            .map(|s| s.to_token_stream().to_string())
            .collect();
        let tail = [
            "client . pre (& mut request , & info) . await ? ;",
            "let result = client . exec (request , & info) . await ;",
            "client . post (& result , & info) . await ? ;",
            "let response = result ? ;",
        ];
        let Some(info) = text
            .iter()
            .position(|t| t.starts_with("let info = OperationInfo {"))
            .filter(|&i| {
                i > 0
                    && text
                        .get(i + 1..i + 1 + tail.len())
                        .is_some_and(|next| next == tail)
                    && local_named(&stmts[i - 1], "request")
            })
        else {
            return Err(format!(
                "{owner}::send: progenitor no longer builds the request, runs the `pre` hook, \
                     `exec`, the `post` hook and `result?` in that order"
            ));
        };
        // Nothing changes the request between `build` and `exec` any more.
        if let syn::Stmt::Local(local) = &mut stmts[info - 1]
            && let syn::Pat::Ident(request) = &mut local.pat
        {
            request.mutability = None;
            local.attrs.retain(|a| !a.path().is_ident("allow"));
        }
        let rest = stmts.split_off(info + 1 + tail.len());
        stmts.truncate(info + 1);
        let info_stmt = stmts.pop().expect("the statement found above");
        let mut building = std::mem::take(stmts);
        folded += usize::from(fold_header_map(&mut building));
        stmts.push(info_stmt);
        stmts.push(syn::parse_quote!(
            let response = {
                #(#building)*
                client.exec(request, &info)
            }
            .await?;
        ));
        stmts.extend(rest);
        Ok(())
    })?;
    if folded == 0 {
        return Err("no operation's `header_map` could be folded into its request".into());
    }
    Ok(())
}

/// Whether `stmt` is `let <name> = ..;` (`mut` or not).
fn local_named(stmt: &syn::Stmt, name: &str) -> bool {
    matches!(stmt, syn::Stmt::Local(local) if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name))
}

/// Turns `let mut header_map = ..; header_map.append(n, v); .. .headers(header_map)` in the
/// statements that build a request into `.header(n, v)` calls on the request builder. Whether
/// it did: only a map filled by plain `append`s of names the builder sets nowhere else is
/// folded (`.headers` replaces a header set before it, `.header` adds one).
fn fold_header_map(building: &mut Vec<syn::Stmt>) -> bool {
    use syn::visit_mut::VisitMut;
    let Some(start) = building.iter().position(|s| local_named(s, "header_map")) else {
        return false;
    };
    let mut headers = Vec::new();
    for stmt in &building[start + 1..] {
        let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
            break;
        };
        let receiver_is_map =
            matches!(call.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident("header_map"));
        if !receiver_is_map || call.method != "append" || call.args.len() != 2 {
            break;
        }
        let (name, value) = (&call.args[0], &call.args[1]);
        if !static_name_set_nowhere_else(name) {
            return false;
        }
        headers.push((name.clone(), value.clone()));
    }
    // The map is used by its `let`, its `append`s and one `.headers(header_map)`, no more.
    let uses: usize = building.iter().map(|s| ident_uses(s, "header_map")).sum();
    if headers.is_empty() || uses != headers.len() + 2 {
        return false;
    }
    struct Fold<'h> {
        headers: &'h [(syn::Expr, syn::Expr)],
        done: bool,
    }
    impl VisitMut for Fold<'_> {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            let takes_map = call.method == "headers"
                && call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Path(p) if p.path.is_ident("header_map"));
            if !takes_map {
                return;
            }
            let mut chain = (*call.receiver).clone();
            for (name, value) in self.headers {
                chain = syn::parse_quote!(#chain.header(#name, #value));
            }
            *expr = chain;
            self.done = true;
        }
    }
    let mut fold = Fold {
        headers: &headers,
        done: false,
    };
    for stmt in building.iter_mut().skip(start + 1 + headers.len()) {
        fold.visit_stmt_mut(stmt);
    }
    if !fold.done {
        return false;
    }
    building.drain(start..start + 1 + headers.len());
    true
}

/// Whether `name` is `HeaderName::from_static("..")` of a header the request builder does not
/// set itself (`accept`, `content-type`).
fn static_name_set_nowhere_else(name: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = name else {
        return false;
    };
    let from_static = matches!(call.func.as_ref(), syn::Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    match (from_static, call.args.first()) {
        (
            true,
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            })),
        ) => !["accept", "content-type"].contains(&lit.value().to_ascii_lowercase().as_str()),
        _ => false,
    }
}

/// How often the identifier `ident` occurs in `stmt`.
fn ident_uses(stmt: &syn::Stmt, ident: &str) -> usize {
    use quote::ToTokens;
    fn count(tokens: proc_macro2::TokenStream, ident: &str) -> usize {
        tokens
            .into_iter()
            .map(|t| match t {
                proc_macro2::TokenTree::Ident(i) => usize::from(i == ident),
                proc_macro2::TokenTree::Group(g) => count(g.stream(), ident),
                _ => 0,
            })
            .sum()
    }
    count(stmt.to_token_stream(), ident)
}

/// Boxes the objects nested in the operations' error types (`Option<ErrorDetails>` becomes
/// `Option<Box<ErrorDetails>>`, in the type and in its builder).
///
/// Every operation returns `Result<ResponseValue<T>, Error<E>>`, and `Error<E>` holds a whole
/// `E`: with the error envelope's 760-byte `details` inline, the result of every call was 936
/// bytes, written and moved on every success too. Boxed, an error costs one allocation more
/// and every result is the size of its success. The JSON is the same; reading a boxed field
/// goes through `Deref` as before.
fn error_objects_boxed(file: &mut syn::File) -> Result<(), String> {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;
    let mut errors = std::collections::BTreeSet::new();
    each_send(file, |_, f| {
        if let syn::ReturnType::Type(_, ty) = &f.sig.output
            && let Some(error) = error_type(ty)
        {
            errors.insert(error);
        }
        Ok(())
    })?;
    let Some(types) = module_items(file, "types") else {
        return Err("progenitor generated no `types` module".into());
    };
    let structs: std::collections::BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    /// Wraps `X` in every `Option<X>` (or `Option<super::X>`) whose `X` is one of the
    /// generated structs it holds.
    struct Boxing<'s>(&'s std::collections::BTreeSet<String>);
    impl VisitMut for Boxing<'_> {
        fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, ty);
            let Some(last) = ty.path.segments.last_mut() else {
                return;
            };
            if last.ident != "Option" {
                return;
            }
            let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
                return;
            };
            if let Some(syn::GenericArgument::Type(syn::Type::Path(inner))) = args.args.first_mut()
                && inner
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| self.0.contains(&s.ident.to_string()))
            {
                let object = inner.clone();
                *inner = syn::parse_quote!(::std::boxed::Box<#object>);
            }
        }
    }
    let mut boxing = Boxing(&structs);
    for item in types.iter_mut() {
        match item {
            syn::Item::Struct(s) if errors.contains(&s.ident.to_string()) => {
                boxing.visit_item_struct_mut(s);
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for it in m.content.iter_mut().flat_map(|(_, items)| items) {
                    match it {
                        syn::Item::Struct(s) if errors.contains(&s.ident.to_string()) => {
                            boxing.visit_item_struct_mut(s);
                        }
                        syn::Item::Impl(imp)
                            if imp.trait_.is_none()
                                && errors.contains(&imp.self_ty.to_token_stream().to_string()) =>
                        {
                            boxing.visit_item_impl_mut(imp);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// From `Result<ResponseValue<T>, Error<E>>`, the name of `E` unless it is `()`.
fn error_type(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(result) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &result.path.segments.last()?.arguments else {
        return None;
    };
    let Some(syn::GenericArgument::Type(syn::Type::Path(error))) = args.args.iter().nth(1) else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &error.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(syn::Type::Path(e)) => {
            e.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// The operation table: what the spec says of each operation, joined with what progenitor
/// generated for it (client method and success type, read from the generated code itself).
fn operations_source(doc: &serde_json::Value, file: &syn::File) -> Result<String, String> {
    let generated = generated_methods(file);
    let mut rows = Vec::new();
    let mut lookup = Vec::new();
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
        let found = generated.get(&method_name);
        let client_method = if found.is_some() {
            method_name.as_str()
        } else {
            ""
        };
        if found.is_some() {
            lookup.push(quote! { #client_method => Some(&OPERATIONS[#index]), });
        }
        let (decode, debug) = match found.and_then(|ty| ty.as_ref()) {
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
    let methods: Vec<&String> = generated.keys().collect();
    let file = quote! {
        /// Every operation of `openapi.json`, in path then method order.
        pub const OPERATIONS: &[Operation] = &[#(#rows),*];
        /// The operation methods progenitor generated on `Client`, read from the generated code.
        pub const CLIENT_METHODS: &[&str] = &[#(#methods),*];

        impl Operation {
            /// The operation a generated `Client` method runs, by the method's name (what
            /// progenitor passes to the transport hook as `OperationInfo::operation_id`).
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
            /// response.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    fn builder(send_body: &str) -> syn::File {
        syn::parse_str(&format!(
            "pub mod builder {{
                impl<'a> GetJob<'a> {{
                    pub async fn send(self) -> Result<ResponseValue<types::Job>, Error<()>> {{
                        let Self {{ client, id }} = self;
                        {send_body}
                    }}
                }}
            }}"
        ))
        .expect("test source parses")
    }

    /// The file as source, without whitespace (so line breaks do not matter).
    fn source(file: &syn::File) -> String {
        prettyplease::unparse(file)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    #[test]
    fn an_operations_url_is_joined_to_the_parsed_base_with_its_path_arguments() {
        let mut file = builder(
            r#"let url = format!("{}/jobs/{}", client.baseurl, encode_path(&id.to_string()));
               let response = client.client.get(url).send().await?;
               ResponseValue::from_response(response).await"#,
        );
        urls_on_the_parsed_base(&mut file).expect("rewritten");
        responses_read_without_a_header_copy(&mut file).expect("rewritten");
        let out = source(&file);
        assert!(
            out.contains(
                r#"leturl=crate::request_url::join(client,format_args!("/jobs/{}",encode_path(&id.to_string())),)?;"#
            ),
            "{out}"
        );
        assert!(
            out.contains("crate::response_value::read(response).await"),
            "{out}"
        );
        assert!(
            !out.contains("baseurl") && !out.contains("from_response"),
            "{out}"
        );
    }

    #[test]
    fn a_url_progenitor_writes_another_way_fails_the_generation() {
        for body in [
            r#"let url = client.baseurl.clone(); todo()"#,
            r#"let url = format!("{}{}", client.other, "/jobs"); todo()"#,
            r#"let url = format!("/jobs/{}", client.baseurl); todo()"#,
            r#"let address = format!("{}/jobs", client.baseurl); todo()"#,
        ] {
            let err = urls_on_the_parsed_base(&mut builder(body)).expect_err(body);
            assert!(err.contains("GetJob"), "{err}");
        }
    }

    /// A `send` as progenitor writes it, from the URL on.
    const PROGENITORS_SEND: &str = r#"
        let url = crate::request_url::join(client, format_args!("/jobs/{}", id))?;
        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
        header_map.append(
            ::reqwest::header::HeaderName::from_static("api-version"),
            ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
        );
        #[allow(unused_mut)]
        let mut request = client
            .client
            .get(url)
            .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
            .headers(header_map)
            .build()?;
        let info = OperationInfo { operation_id: "get_job" };
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        match response.status().as_u16() {
            200u16 => crate::response_value::read(response).await,
            _ => Err(Error::UnexpectedResponse(response)),
        }"#;

    #[test]
    fn a_request_is_built_and_handed_to_the_transport_in_one_block_with_its_headers_on_the_builder()
    {
        let mut file = builder(PROGENITORS_SEND);
        requests_built_in_one_block(&mut file).expect("rewritten");
        let out = source(&file);
        let expected = [
            r#"letinfo=OperationInfo{operation_id:"get_job",};letresponse={letSelf{client,id}=self;"#,
            r#".header(::reqwest::header::ACCEPT,::reqwest::header::HeaderValue::from_static("application/json"),).header(::reqwest::header::HeaderName::from_static("api-version"),::reqwest::header::HeaderValue::from_static(super::Client::api_version(),),).build()?;client.exec(request,&info)}.await?;matchresponse.status().as_u16()"#,
            "letrequest=client.client.get(url)",
        ];
        for part in expected {
            assert!(out.contains(part), "{part}\n in \n{out}");
        }
        for gone in [
            "header_map",
            "client.pre",
            "client.post",
            "result",
            "unused_mut",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
    }

    #[test]
    fn a_header_map_filled_any_other_way_stays_as_it_is() {
        let conditional = PROGENITORS_SEND.replace(
            "#[allow(unused_mut)]",
            r#"if let Some(v) = &id { header_map.append("x-job", v.to_string().try_into()?); }
               #[allow(unused_mut)]"#,
        );
        let accept =
            PROGENITORS_SEND.replace(r#"from_static("api-version")"#, r#"from_static("accept")"#);
        for body in [conditional, accept] {
            let mut file = builder(&body);
            // No operation was folded: progenitor would have changed what it writes.
            let err = requests_built_in_one_block(&mut file).expect_err("nothing folded");
            assert!(err.contains("header_map"), "{err}");
            let out = source(&file);
            assert!(
                out.contains(".headers(header_map)")
                    && out.contains("client.exec(request,&info)}.await?;"),
                "{out}"
            );
        }
    }

    #[test]
    fn a_send_without_progenitors_hooks_in_their_order_fails_the_generation() {
        for missing in [
            "client.pre(&mut request, &info).await?;",
            "client.post(&result, &info).await?;",
        ] {
            let err =
                requests_built_in_one_block(&mut builder(&PROGENITORS_SEND.replace(missing, "")))
                    .expect_err(missing);
            assert!(err.contains("GetJob"), "{err}");
        }
    }

    #[test]
    fn the_objects_nested_in_an_operations_error_type_are_boxed_in_the_type_and_its_builder() {
        let mut file: syn::File = syn::parse_str(
            "pub mod types {
                pub struct ErrorEnvelope { pub code: String, pub details: ::std::option::Option<ErrorDetails> }
                pub struct ErrorDetails { pub field: Option<String> }
                pub struct Job { pub owner: ::std::option::Option<ErrorDetails> }
                pub mod builder {
                    pub struct ErrorEnvelope {
                        details: ::std::result::Result<::std::option::Option<super::ErrorDetails>, String>,
                    }
                    impl ErrorEnvelope {
                        pub fn details<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::option::Option<super::ErrorDetails>> { self }
                    }
                }
            }
            pub mod builder {
                impl<'a> GetJob<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Job>, Error<types::ErrorEnvelope>> { todo() }
                }
            }",
        )
        .expect("test source parses");
        error_objects_boxed(&mut file).expect("rewritten");
        let out = source(&file);
        assert!(
            out.contains("pubdetails:::std::option::Option<::std::boxed::Box<ErrorDetails>>"),
            "{out}"
        );
        assert!(out.contains("details:::std::result::Result<::std::option::Option<::std::boxed::Box<super::ErrorDetails>>,String,>"), "{out}");
        assert!(out.contains("T:::std::convert::TryInto<::std::option::Option<::std::boxed::Box<super::ErrorDetails>>,>"), "{out}");
        // A success type keeps its objects inline; a plain field stays as it is.
        assert!(
            out.contains("pubowner:::std::option::Option<ErrorDetails>"),
            "{out}"
        );
        assert!(out.contains("pubfield:Option<String>"), "{out}");
    }

    #[test]
    fn operations_that_never_call_from_response_fail_the_generation() {
        let mut file = builder(r#"let url = format!("{}/jobs", client.baseurl); todo()"#);
        assert!(responses_read_without_a_header_copy(&mut file).is_err());
    }
}
