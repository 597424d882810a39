#![doc = include_str!("../README.md")]
//!
//! # The crate
//!
//! - [`Client`]: one value for every call, configured like the official CLI
//!   ([`Client::from_env`]). **Every operation of the API is one method of it**, named after
//!   the snake case of its `operationId` and returning the operation's generated [`builder`]:
//!   set the parameters and the body, end with `.send().await`, and `?` turns any failure into
//!   the one [`Error`]. There is no other name for an operation.
//! - What hangs off the operations ([`prelude`] imports the traits): paging on every list
//!   operation's builder ([`paging::Paginate`]: `.items()`, `.pages()`, `.collect_all()`), the
//!   messages of a conversation ([`paging::MessagePages`]), and waiting for the human on what a
//!   money operation returns ([`approvals::WaitForApproval`]: `.wait(&client)`).
//! - Workflows over several operations: [`Client::post_job`] ([`drafting`]),
//!   [`agent::register`] and the claim ceremony ([`agent`]), [`Client::follow_updates`]
//!   ([`updates`]), [`Client::follow_job_changes`] ([`job_changes`]),
//!   [`approvals::wait_many`], and webhook signature checks ([`webhooks`]).
//! - [`pipeline`]: what happens to each HTTP request (auth, retries of exactly the request that
//!   failed, one deadline across attempts, error capture, `tracing`).
//!
//! ```no_run
//! use opentrain::prelude::*;
//! use futures::TryStreamExt;
//!
//! # async fn demo() -> Result<(), opentrain::Error> {
//! let client = opentrain::Client::from_env()?;
//! let me = client.get_me().send().await?;
//! println!("{:?}", me.actor);
//! let mut proposals = client.list_job_proposals().id("job_123").items();
//! while let Some(proposal) = proposals.try_next().await? {
//!     println!("{}", proposal.id);
//! }
//! client.close_job().id("job_123").send().await?;
//! # Ok(()) }
//! ```
//!
//! ## A first agent
//!
//! Post a job, take the first proposal the feed brings, hire from it, wait for the human who
//! confirms the hire, and read the proposal:
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use opentrain::drafting::{Answer, MissingField};
//! use opentrain::prelude::*;
//! use opentrain::types::{HireMilestone, HireRequest};
//! use opentrain::updates::MemoryCursorStore;
//!
//! # async fn demo() -> Result<(), opentrain::Error> {
//! let client = opentrain::Client::from_env()?;
//! let job = client
//!     .post_job("We need 3 annotators to label 5,000 street photos, $0.05 per label.")
//!     .answer_with(|field: &MissingField| match field.field() {
//!         "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
//!         _ => Answer::Skip,
//!     })
//!     .publish()
//!     .await?;
//! let mut feed = client.follow_updates(MemoryCursorStore::new());
//! let proposal_id = loop {
//!     let Some(event) = feed.try_next().await? else { return Ok(()) };
//!     event.commit().await?;
//!     if event.job_id() == Some(job.job_id.as_str()) {
//!         if let Some(id) = event.proposal_id() {
//!             break id.to_owned();
//!         }
//!     }
//! };
//! let milestone = HireMilestone::builder().amount(100.0).name("First batch".to_owned());
//! let pending = client
//!     .hire_from_proposal()
//!     .proposal_id(&proposal_id)
//!     .body(HireRequest::builder().milestone(milestone))
//!     .send()
//!     .await?;
//! println!("confirm the hire at {}", pending.approval.approval_url);
//! let outcome = pending.wait(&client).await?;
//! let proposal = client.get_proposal().proposal_id(&proposal_id).send().await?;
//! println!("{}: {:?}", outcome.status(), proposal.proposal.status);
//! # Ok(()) }
//! ```
//!
//! ## Vocabulary
//!
//! | to | call | gives |
//! |---|---|---|
//! | run any operation | `client.<operation_id>()….send()` | `ResponseValue<`[`types`]`::…>` |
//! | page a list | `client.list_job_proposals().id(..).items()` (also `search_jobs`, `list_my_jobs`, `list_messages`, `list_credit_ledger`, `poll_updates`) | `Stream` of items, [`paging::Paginator`] |
//! | read a conversation | `client.list_messages().conversation_id(..).messages()` | [`paging::Paginator`]`<`[`types::Message`]`>` |
//! | wait for a co-sign | `hire_from_proposal` / `fund_milestone` / `approve_milestone` / `end_contract` `….send().await?.wait(&client)` | [`approvals::Outcome`] |
//! | wait for many | [`approvals::wait_many`] | [`approvals::ManyOutcomes`] |
//! | post a job from text | [`Client::post_job`]`(text).answer_with(..).publish()` | [`drafting::Published`] |
//! | read a draft answer | [`drafting::Draft`]`::from(create_job_draft/update_job_draft answer)` | missing fields, publish-readiness |
//! | follow the feed | [`Client::follow_updates`]`(store)` | [`updates::Follow`] of [`updates::FeedEvent`]s |
//! | follow marketplace changes | [`Client::follow_job_changes`]`(since)` | [`job_changes::JobChanges`] |
//! | register an agent | [`agent::register`], then [`agent::Agent::start_claim`] | [`agent::Agent`], [`agent::ClaimCeremony`] |
//! | check a webhook | [`webhooks`] | the verified event |
//!
//! Request bodies are built with the generated types' builders
//! (`types::SendMessageRequest::builder().content("Hi")`): every generated struct is
//! `#[non_exhaustive]`, so a field the spec adds later breaks no code that builds one.
//!
//! ## Tracing
//!
//! Each request is a `tracing` span `opentrain.request` (fields `operation`, `method`, `path`,
//! and once known `attempts`, `status`, `request_id`) with a `debug` event per attempt. No
//! field ever holds a header, a body, a token or a secret. See `examples/tracing.rs`.

pub mod agent;
pub mod approvals;
mod backoff;
mod client;
pub mod config;
pub mod drafting;
mod error;
pub mod job_changes;
pub mod operations;
pub mod paging;
pub mod pipeline;
pub mod prelude;
mod retry;
pub mod updates;
pub mod webhooks;

pub use backoff::{Backoff, PollProgress};
pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{ApiError, Error, request_id};
/// The one secret type: tokens, claim codes and webhook secrets, never shown by `Debug` or
/// `Display`.
pub use opentrain_gen::secret::Secret;
pub use retry::RetryPolicy;

/// What an operation's `.send()` fails with: `?` in a function returning [`Error`] (or
/// `Error::from`) turns it into the one [`Error`], decoded by the facade.
pub use opentrain_gen::Error as OperationError;
/// What `.send()` gives on success: the decoded body (it dereferences to it;
/// `.into_inner()` takes it), with the status and headers.
pub use opentrain_gen::ResponseValue;
/// The generated builder of every operation (what `client.<operation>()` returns); set its
/// parameters and body, then `.send()`.
pub use opentrain_gen::builder;
/// Every request and response type of the spec (open enums included); every struct is built
/// with its builder (`types::HireRequest::builder()`).
pub use opentrain_gen::types;
/// The reqwest this crate uses: build the `reqwest::Client` for
/// [`ClientBuilder::http_client`] with it.
pub use reqwest;

/// Builds a generated type from its typify builder (every generated struct is
/// `#[non_exhaustive]`, so the facade builds them this way); a required field left unset is an
/// [`Error::InvalidRequest`] naming `what`.
pub(crate) fn build<T, B>(what: &str, builder: B) -> Result<T, Error>
where
    T: TryFrom<B, Error = types::error::ConversionError>,
{
    T::try_from(builder).map_err(|e| Error::InvalidRequest(format!("{what} is incomplete: {e}")))
}
