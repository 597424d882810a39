//! # opentrain
//!
//! The Rust client for the [OpenTrain](https://app.opentrain.ai) Public API.
//!
//! - [`Client`]: one value for every call, configured like the official CLI
//!   ([`Client::from_env`]), with one retry policy and one [`Error`] type for every operation.
//! - [`Client::call`] runs any of the 43 generated operations of [`raw`] with the facade's
//!   authentication, retries and error decoding; named methods exist where they add meaning.
//! - [`paging`]: one cursor paginator for every list, as `futures::Stream`s of pages or items.
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain::Error> {
//! let client = opentrain::Client::from_env()?;
//! let me = client.me().await?;
//! println!("{me:?}");
//! # Ok(()) }
//! ```

pub mod agent;
pub mod approvals;
mod backoff;
mod client;
pub mod config;
pub mod drafting;
mod endpoints;
pub mod error;
pub mod paging;
pub mod pipeline;
mod retry;
pub mod updates;
pub mod webhooks;

pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT, USER_AGENT};
pub use endpoints::{
    ConversationMessages, Conversations, JOB_CHANGES_CAP, JobChanges, JobProposals, JobSearch,
    MyJobs,
};
pub use backoff::Backoff;
pub use error::{ApiError, Error, request_id};
pub use pipeline::DEFAULT_DEADLINE;
pub use paging::{Page, PageRequest, Paginator};
pub use retry::{IDEMPOTENT_WRITES, RetryPolicy};

/// The generated, spec-exact client and types (`opentrain-gen`), for anything the facade does
/// not wrap. Prefer [`Client::call`] to run its operations with the facade's auth, retries and
/// errors.
pub use opentrain_gen as raw;
/// Every request and response type of the spec (open enums included).
pub use opentrain_gen::types;
