//! The raw OpenTrain Public API client, generated from `openapi.json` by progenitor with
//! `cargo xtask generate` and checked in under `src/generated/` (no code generator runs in a
//! consumer's build). Most users want the `opentrain` facade, which adds authentication, retries, one error
//! type, pagination and the workflows; this crate is the spec-exact layer underneath.
//!
//! - [`Client`] has one builder method per operation (`client.get_job().id("job_1").send()`),
//!   named after the snake_case of the spec's `operationId`.
//! - [`types`] holds every request and response schema. Every string enum of the spec is an
//!   open enum from [`open_enums`] (documented variants plus `Unknown(String)`).
//! - [`transport`] is the one hand-written hook: it hands every request, with its operation's
//!   facts from [`operations`], to the client's pipeline (the facade's auth, retries, deadline,
//!   error capture and tracing), and carries a failure the pipeline decided on back inside the
//!   generated error value.
//!
//! - [`request_url`] builds each operation's URL on the base URL parsed once, and
//!   [`response_value`] decodes a response into a [`ResponseValue`] without copying its
//!   headers: `cargo xtask generate` has every operation call them in place of progenitor's
//!   `format!` + parse and `ResponseValue::from_response`. It also has every operation build
//!   its request and hand it to the transport in one block (so the operation's future keeps
//!   none of it while the response is read), and boxes the objects nested in the error type
//!   (`ErrorEnvelope::details`), so every call's `Result` is the size of its success.
//! - [`secret`] holds [`secret::Secret`], the one secret type: every property the spec marks
//!   `format: password` is generated as one, so `Debug` never prints it.
//!
//! Nothing in the generated part is edited by hand: change `openapi.json`, run
//! `cargo xtask generate`, review the diff; CI's `cargo xtask generate --check` fails when the
//! checked-in files are stale.

#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub)]

pub mod lenient;
pub mod open_enums;
pub mod operations;
pub mod request_url;
pub mod response_value;
pub mod secret;
pub mod transport;

#[allow(rustdoc::all)]
mod generated {
    include!("generated/client.rs");
}

pub use generated::*;

/// Every request and response type of the spec, with the open enums alongside the generated
/// structs (progenitor references them from [`open_enums`]; they are re-exported here so one
/// `types::` path reaches everything).
pub mod types {
    pub use crate::generated::types::*;
    pub use crate::open_enums::*;
}
pub use progenitor_client::{
    ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue,
};
