//! The operation table, `opentrain-gen/src/generated/operations.rs`: what the spec says of each
//! operation (method, path, tag, summary, parameters and body members with their types, limits
//! and defaults, statuses, whether it needs no token, whether its success carries a secret) joined with what progenitor generated for it (the client method and the
//! success type, read from the generated code), plus the `for_each_operation!` macro that hands
//! every operation method to the facade. Every operation must have its client method and every
//! client method its row, or the generation fails: the transport looks each request up by
//! method name.

use quote::quote;

/// The operation table: what the spec says of each operation, joined with what progenitor
/// generated for it (client method and success type, read from the generated code itself).
pub(super) fn operations_source(
    doc: &serde_json::Value,
    file: &syn::File,
) -> Result<String, String> {
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
        let summary = op
            .op
            .get("summary")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let parameters = parameters(doc, op.op)?;
        let body = request_body(doc, op.op);
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
        // Only a generated type is a JSON body: a text or binary body's builder takes
        // `reqwest::Body`, sent as given.
        let encode = match found.body.as_ref().filter(|ty| ty.starts_with("types ::")) {
            Some(ty) => {
                let ty: syn::Type = syn::parse_str(&ty.replace("types ::", "crate::types::"))
                    .map_err(|e| format!("cannot read the body type of {id}: {e}"))?;
                quote! { Some(|body: serde_json::Value| serde_json::from_value::<#ty>(body).and_then(|v| serde_json::to_value(&v))) }
            }
            None => quote! { None },
        };
        let (decode, debug) = match found.success.as_ref() {
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
                summary: #summary,
                parameters: &[#(#parameters),*],
                body: #body,
                client_method: #client_method,
                success_statuses: &[#(#success),*],
                error_statuses: &[#(#errors),*],
                status_ranges: &[#(#ranges),*],
                tokenless: #tokenless,
                carries_secret: #carries_secret,
                decode_success: #decode,
                debug_success: #debug,
                encode_body: #encode,
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

/// The declared JSON type of `schema` (following `$ref`s and a single-entry `allOf`).
fn value_kind(doc: &serde_json::Value, schema: &serde_json::Value) -> proc_macro2::TokenStream {
    let schema = flattened(doc, schema);
    match schema.get("type").and_then(serde_json::Value::as_str) {
        Some("string") => quote! { ValueKind::String },
        Some("integer") => quote! { ValueKind::Integer },
        Some("number") => quote! { ValueKind::Number },
        Some("boolean") => quote! { ValueKind::Boolean },
        Some("array") => quote! { ValueKind::Array },
        Some("object") => quote! { ValueKind::Object },
        _ => quote! { ValueKind::Any },
    }
}

/// `schema` with its `$ref`s followed and a single-entry `allOf` (a `$ref` with siblings, the
/// way the spec attaches a default to an enum) looked through.
fn flattened<'a>(
    doc: &'a serde_json::Value,
    schema: &'a serde_json::Value,
) -> &'a serde_json::Value {
    let schema = opentrain_spec::resolve(doc, schema);
    match schema.get("allOf").and_then(serde_json::Value::as_array) {
        Some(all) if all.len() == 1 => opentrain_spec::resolve(doc, &all[0]),
        _ => schema,
    }
}

/// What the spec declares about a value's range: its number bounds, its length bounds, the
/// values of a string enum and the type of an array's items, as table tokens.
struct Constraints {
    minimum: proc_macro2::TokenStream,
    maximum: proc_macro2::TokenStream,
    min_length: proc_macro2::TokenStream,
    max_length: proc_macro2::TokenStream,
    values: proc_macro2::TokenStream,
    items: proc_macro2::TokenStream,
}

fn constraints(doc: &serde_json::Value, schema: &serde_json::Value) -> Constraints {
    let inner = flattened(doc, schema);
    let number = |key: &str| match inner.get(key).and_then(serde_json::Value::as_f64) {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    let length = |key: &str| match inner.get(key).and_then(serde_json::Value::as_u64) {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    let values = strings(inner, "enum");
    let items = match inner.get("items") {
        Some(items) => value_kind(doc, items),
        None => quote! { ValueKind::Any },
    };
    Constraints {
        minimum: number("minimum"),
        maximum: number("maximum"),
        min_length: length("minLength"),
        max_length: length("maxLength"),
        values: quote! { &[#(#values),*] },
        items,
    }
}

/// The strings of the array at `key` (an enum's values, a schema's required members).
fn strings<'a>(value: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    value
        .get(key)
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect()
}

fn text<'a>(value: &'a serde_json::Value, key: &str) -> &'a str {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
}

/// The operation's path and query parameters, with the spec's type, limits and default.
fn parameters(
    doc: &serde_json::Value,
    op: &serde_json::Value,
) -> Result<Vec<proc_macro2::TokenStream>, String> {
    let mut out = Vec::new();
    let listed = op.get("parameters").and_then(serde_json::Value::as_array);
    for parameter in listed.into_iter().flatten() {
        let parameter = opentrain_spec::resolve(doc, parameter);
        let name = text(parameter, "name");
        let location = match text(parameter, "in") {
            "path" => quote! { ParameterLocation::Path },
            "query" => quote! { ParameterLocation::Query },
            other => {
                return Err(format!(
                    "parameter `{name}` is in `{other}`: the operation table describes path and \
                     query parameters only"
                ));
            }
        };
        let schema = parameter.get("schema").unwrap_or(&serde_json::Value::Null);
        let outer = opentrain_spec::resolve(doc, schema);
        let inner = flattened(doc, schema);
        let kind = value_kind(doc, schema);
        let required = parameter
            .get("required")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let default = match outer.get("default").or_else(|| inner.get("default")) {
            Some(value) => {
                let json = value.to_string();
                quote! { Some(#json) }
            }
            None => quote! { None },
        };
        let Constraints {
            minimum,
            maximum,
            min_length,
            max_length,
            values,
            ..
        } = constraints(doc, schema);
        let description = match text(parameter, "description") {
            "" => text(inner, "description"),
            described => described,
        };
        out.push(quote! {
            Parameter {
                name: #name,
                location: #location,
                kind: #kind,
                required: #required,
                minimum: #minimum,
                maximum: #maximum,
                default: #default,
                min_length: #min_length,
                max_length: #max_length,
                values: #values,
                description: #description,
            }
        });
    }
    Ok(out)
}

/// The operation's JSON request body: whether it is required and its top-level members (of
/// every alternative of a `oneOf`, required only where every alternative requires them).
fn request_body(doc: &serde_json::Value, op: &serde_json::Value) -> proc_macro2::TokenStream {
    let Some(body) = op
        .get("requestBody")
        .map(|b| opentrain_spec::resolve(doc, b))
    else {
        return quote! { None };
    };
    let required = body
        .get("required")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    // The JSON media type when the body has one, else the first the spec lists (a text or
    // binary body: sent as given, with no members to describe).
    let content = body.get("content").and_then(serde_json::Value::as_object);
    let media_type = content
        .and_then(|c| {
            c.keys()
                .find(|k| *k == "application/json")
                .or_else(|| c.keys().next())
        })
        .map_or("application/json", String::as_str);
    let schema = body
        .pointer("/content/application~1json/schema")
        .map(|s| flattened(doc, s))
        .unwrap_or(&serde_json::Value::Null);
    let alternatives: Vec<&serde_json::Value> = match schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(serde_json::Value::as_array)
    {
        Some(all) => all.iter().map(|s| flattened(doc, s)).collect(),
        None => vec![schema],
    };
    let mut fields: Vec<(String, &serde_json::Value, usize, String)> = Vec::new();
    for alternative in &alternatives {
        let required = strings(alternative, "required");
        let properties = alternative
            .get("properties")
            .and_then(serde_json::Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let counted = usize::from(required.contains(&name.as_str()));
            match fields.iter_mut().find(|(n, ..)| n == name) {
                Some(field) => field.2 += counted,
                None => fields.push((
                    name.clone(),
                    property,
                    counted,
                    match text(property, "description") {
                        "" => text(flattened(doc, property), "description"),
                        described => described,
                    }
                    .to_owned(),
                )),
            }
        }
    }
    let fields = fields
        .into_iter()
        .map(|(name, property, count, description)| {
            let required = count == alternatives.len();
            body_field(doc, &name, property, required, &description, true)
        });
    quote! {
        Some(RequestBody { required: #required, media_type: #media_type, fields: &[#(#fields),*] })
    }
}

/// One body member's row: its type, limits and description, and (with `nested`, one level
/// deep) the members of an object member (a hire's `milestone`).
fn body_field(
    doc: &serde_json::Value,
    name: &str,
    property: &serde_json::Value,
    required: bool,
    description: &str,
    nested: bool,
) -> proc_macro2::TokenStream {
    let kind = value_kind(doc, property);
    let Constraints {
        minimum,
        maximum,
        min_length,
        max_length,
        values,
        items,
    } = constraints(doc, property);
    let inner = flattened(doc, property);
    let members: Vec<proc_macro2::TokenStream> = if nested {
        let required = strings(inner, "required");
        inner
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .into_iter()
            .flatten()
            .map(|(member, schema)| {
                let described = match text(schema, "description") {
                    "" => text(flattened(doc, schema), "description"),
                    described => described,
                };
                body_field(
                    doc,
                    member,
                    schema,
                    required.contains(&member.as_str()),
                    described,
                    false,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    quote! {
        BodyField {
            name: #name,
            kind: #kind,
            required: #required,
            minimum: #minimum,
            maximum: #maximum,
            min_length: #min_length,
            max_length: #max_length,
            values: #values,
            items: #items,
            fields: &[#(#members),*],
            description: #description,
        }
    }
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

/// What progenitor generated for one operation: the success type its builder's `send` returns
/// (`None` for no body) and the JSON body type its builder's `body` takes (`None` without one).
#[derive(Clone, Default)]
struct Generated {
    success: Option<String>,
    body: Option<String>,
}

/// `Client` method name → what progenitor generated for it.
fn generated_methods(file: &syn::File) -> std::collections::BTreeMap<String, Generated> {
    use quote::ToTokens;
    let mut builder_of = std::collections::BTreeMap::new();
    let mut success_of = std::collections::BTreeMap::new();
    let mut body_of = std::collections::BTreeMap::new();
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
                        let syn::ImplItem::Fn(f) = f else { continue };
                        if f.sig.ident == "send"
                            && let syn::ReturnType::Type(_, ty) = &f.sig.output
                        {
                            success_of.insert(name.clone(), response_value_arg(ty));
                        }
                        if f.sig.ident == "body"
                            && let Some(ty) = try_into_target(&f.sig.generics)
                        {
                            body_of.insert(name.clone(), ty);
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
            let generated = Generated {
                success: success_of.get(&builder).cloned().flatten(),
                body: body_of.get(&builder).cloned(),
            };
            (method, generated)
        })
        .collect()
}

/// From a builder's `body<V>(value: V) where V: TryInto<T>`, the text of `T`.
fn try_into_target(generics: &syn::Generics) -> Option<String> {
    use quote::ToTokens;
    let clause = generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(typed) = predicate else {
            return None;
        };
        typed.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(t) => Some(t.to_token_stream().to_string()),
                _ => None,
            }
        })
    })
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
