//! Moving progenitor's `types` module, whole and unchanged, out of the generated client into a
//! file of its own for the `opentrain-types` crate. A crate of its own needs only serde and
//! chrono, so a consumer's build compiles the types while it compiles the HTTP and TLS stack the
//! client waits for; the client still finds them as `types` through a re-export.

/// Takes progenitor's `types` module, whole and unchanged, out of the generated file, as a file
/// of its own for `opentrain-types`. The types need serde and chrono only; in a crate of their
/// own a consumer's build compiles them while it compiles the HTTP and TLS stack the client
/// waits for (measured: `tests/build-cost`). The client finds them as `types` through the
/// `pub use opentrain_types::types` of `opentrain-gen`'s hand-written `lib.rs`.
pub(super) fn take_types_module(file: &mut syn::File) -> Result<syn::File, String> {
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
