//! The raw OpenTrain Public API client, generated from `openapi.json` by progenitor with
//! `cargo xtask generate` and checked in under `src/generated/` (no code generator runs in a
//! consumer's build). Most users want the `opentrain` facade, which adds authentication, retries, one error
//! type, pagination and the workflows; this crate is the spec-exact layer underneath.
//!
//! - [`Client`] has one builder method per operation (`client.get_job().id("job_1").send()`),
//!   named after the snake_case of the spec's `operationId`.
//! - [`types`] holds every request and response schema, generated into the `opentrain-types`
//!   crate (serde and chrono only, so a build compiles them beside the HTTP stack) and
//!   re-exported here. Every string enum of the spec is an open enum from [`open_enums`]
//!   (documented variants plus `Unknown(String)`).
//! - [`transport`] is the one hand-written hook: it hands every request, with its operation's
//!   facts from [`operations`], to the client's pipeline (the facade's auth, retries, deadline
//!   and tracing), which hands back the real final response or transport error for the
//!   generated code to decode.
//! - [`secret`] holds [`secret::Secret`], the one secret type: every property the spec marks
//!   `format: password` is generated as one, so `Debug` never prints it.
//!
//! Nothing in the generated part is edited by hand: change `openapi.json`, run
//! `cargo xtask generate`, review the diff; CI's `cargo xtask generate --check` fails when the
//! checked-in files are stale.

#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub)]

pub mod operations;
pub mod transport;
pub use opentrain_types::{lenient, open_enums, secret};

#[allow(rustdoc::all)]
mod generated {
    // The types are generated into `opentrain-types`; the client refers to them as `types`.
    pub use opentrain_types::types;
    include!("generated/client.rs");
}

pub use generated::*;

/// Every request and response type of the spec, with the open enums alongside the generated
/// structs (progenitor references them from [`open_enums`]; they are re-exported here so one
/// `types::` path reaches everything).
pub mod types {
    pub use opentrain_types::types::*;
}
pub use progenitor_client::{
    ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue,
};
