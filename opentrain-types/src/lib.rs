//! The request and response types of the OpenTrain Public API, generated from `openapi.json` by
//! progenitor (typify) with `cargo xtask generate` and checked in under `src/generated/`. They
//! are a crate of their own, depending on serde and chrono only, so that a consumer's build
//! compiles them while it compiles the HTTP and TLS stack of `opentrain-gen`, which re-exports
//! them (as does the `opentrain` facade).
//!
//! - [`types`] holds every request and response schema, each `#[non_exhaustive]` and built with
//!   its builder (`types::Job::builder()`); every string enum of the spec is an open enum from
//!   [`open_enums`] (documented variants plus `Unknown(String)`), re-exported in `types` too.
//! - [`secret`] holds [`secret::Secret`], the one secret type: every property the spec marks
//!   `format: password` is generated as one, so `Debug` never prints it.
//! - [`lenient`] holds the deserializers `cargo xtask generate` gives optional lists and maps
//!   (a `null` reads as empty) and the error details (a value of another shape reads as absent).
//!
//! Nothing in the generated part is edited by hand.

#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub)]

pub mod lenient;
pub mod open_enums;
pub mod secret;

#[allow(rustdoc::all)]
mod generated {
    include!("generated/types.rs");
}

/// Every request and response type of the spec, with the open enums alongside the generated
/// structs (the structs reference them from [`open_enums`]; they are re-exported here so one
/// `types::` path reaches everything).
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::open_enums::*;
}
