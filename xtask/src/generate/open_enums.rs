//! The open enums, `opentrain-types/src/generated/open_enums.rs`: one Rust enum per string enum
//! of the spec, with the documented values as variants plus `Unknown(String)`, so a value the
//! server adds later decodes (and encodes back unchanged) instead of failing a response.
//! progenitor is told to use them in place of the enums it would generate (its replacement
//! setting, in `mod.rs`).

use opentrain_spec::StringEnum;
use proc_macro2::{Ident, Span};
use quote::quote;

/// Rust source for one open enum per spec enum: documented variants plus `Unknown(String)`.
pub(super) fn open_enums_source(enums: &[StringEnum]) -> Result<String, String> {
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
