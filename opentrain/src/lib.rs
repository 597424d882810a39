#![doc = include_str!("../README.md")]
//!
//! # The crate
//!
//! - [`Client`]: one value for every call, configured like the official CLI
//!   ([`Client::from_env`]). It dereferences to the generated client, so **every one of the 43
//!   operations is a builder chain ending in `.send().await`**, named after the snake case of
//!   its `operationId`, and `?` turns any failure into the one [`Error`].
//! - [`pipeline`]: what happens to each of those HTTP requests (auth, retries of exactly the
//!   request that failed, one deadline across attempts, error capture, `tracing`).
//! - [`paging`]: one cursor paginator for every list, as `futures::Stream`s of pages or items.
//! - Workflows: [`drafting`], [`agent`] (registration and the claim), [`approvals`] (co-sign
//!   waits), [`updates`] (the event feed), [`webhooks`] (signature checks).
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain::Error> {
//! let client = opentrain::Client::from_env()?;
//! let me = client.me().await?;
//! client.close_job().id("job_123").send().await?;
//! println!("{me:?}");
//! # Ok(()) }
//! ```
//!
//! ## Vocabulary
//!
//! A generated operation is `client.<operation_id in snake case>()`. The facade adds the names
//! below, where a shorter name or a richer result reads better; each is built on its
//! operation's builder and goes through the same pipeline. Named reads are `async fn`s that
//! unwrap their one-field wrapper; requests with options end in `.send()`; waits end in
//! `.wait()`. Five money and publish requests keep their operation's name and take the id as an
//! argument (their generated builder stays at `client.raw().<operation>()`).
//!
//! | facade | operation | gives |
//! |---|---|---|
//! | `me()` | `getMe` | [`types::Me`] |
//! | `job(id)` | `getJob` | [`types::JobSummary`] |
//! | `job_facets()` | `getJobFacets` | [`types::JobFacets`] |
//! | `search()` | `searchJobs` | [`JobSearch`] → [`Paginator`] |
//! | `job_changes(since)` | `getJobChanges` | [`JobChanges`] follower |
//! | `my_jobs()` | `listMyJobs` | [`MyJobs`] → [`Paginator`] |
//! | `proposals(job_id)` | `listJobProposals` | [`JobProposals`] → [`Paginator`] |
//! | `proposal(id)` | `getProposal` | [`types::Proposal`] (unwrapped) |
//! | `conversations()`, `messages(conversation_id)` | `listMessages` | [`Paginator`]s |
//! | `contracts()` | `listContracts` | `Vec<`[`types::Contract`]`>` (unwrapped) |
//! | `contract(id)` | `getContract` | [`types::Contract`] (unwrapped) |
//! | `freelancer(id_or_slug)` | `getFreelancer` | [`types::FreelancerProfile`] (unwrapped) |
//! | `approval(id)` | `getApproval` | [`types::Approval`] (unwrapped) |
//! | `credits()` | `getCredits` | [`types::CreditsOverview`] |
//! | `credit_ledger()` | `listCreditLedger` | [`Paginator`] |
//! | `updates()`, `follow_updates(store)` | `pollUpdates` | [`Paginator`], [`updates::Follow`] |
//! | `capabilities()` | `getCapabilities` | [`types::DraftCapabilities`] |
//! | `create_draft(input)` | `createJobDraft` | [`drafting::Draft`] |
//! | `update_draft(job_id, patch)` | `updateJobDraft` | [`drafting::Draft`] |
//! | `publish_job(job_id).send()` | `publishJob` | [`drafting::Published`] |
//! | `post_job(text)….publish()` | create, update, publish | [`drafting::Published`] |
//! | `hire_from_proposal(id, milestone).send()` | `hireFromProposal` | [`approvals::PendingApproval`] |
//! | `fund_milestone(id).send()` | `fundMilestone` | [`approvals::PendingApproval`] |
//! | `approve_milestone(id).send()` | `approveMilestone` | [`approvals::PendingApproval`] |
//! | `end_contract(id).send()` | `endContract` | [`approvals::ContractEnd`] |
//!
//! Every other operation is its generated builder, e.g.
//! `client.send_message().body(..).send().await?` or `client.create_webhook().body(..).send()`.
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
pub mod paging;
pub mod pipeline;
pub mod prelude;
mod retry;
pub mod updates;
pub mod webhooks;

pub use backoff::{Backoff, PollProgress};
pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{ApiError, Error, request_id};
pub use retry::RetryPolicy;

/// The generated builder of every operation (what `client.<operation>()` returns); set its
/// parameters and body, then `.send()`.
pub use opentrain_gen::builder;
/// Every request and response type of the spec (open enums included); every struct is built
/// with its builder (`types::HireRequest::builder()`).
pub use opentrain_gen::types;
/// What `.send()` gives on success: the decoded body (it dereferences to it;
/// `.into_inner()` takes it), with the status and headers.
pub use opentrain_gen::ResponseValue;
/// What an operation's `.send()` fails with: `?` in a function returning [`Error`] (or
/// `Error::from`) turns it into the one [`Error`], decoded by the facade.
pub use opentrain_gen::Error as OperationError;
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
