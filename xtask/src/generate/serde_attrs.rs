//! The one structural pass over progenitor's output, `null_decodes_as_absent`: it only adds serde
//! attributes to fields of the generated types, for what typify has no setting for (a field's
//! deserializer): a JSON `null` in an optional list or map reads as empty, and an oddly shaped
//! key of the error envelope reads as absent instead of failing the whole error. It reads the
//! syntax tree (the `serde` attribute's parsed arguments, the field type's path), never token
//! text.

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
pub(super) fn null_decodes_as_absent(file: &mut syn::File) {
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
