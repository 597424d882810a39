//! The drafting loop: a job description in, a publish-ready draft (or a live job) out.
//!
//! OpenTrain drafts jobs server-side: `POST /job-drafts` parses a description (or a structured
//! import) and answers with a validation envelope listing what is still missing, each gap with a
//! ready-to-ask `prompt`, its `type`, the allowed `enumValues` and the `updateKeys` to set;
//! `PATCH /job-drafts/{jobId}` fills gaps and returns the refreshed envelope; once
//! `validation.publishReady` is true, `POST /jobs/{id}/publish` takes the job live.
//!
//! Each step is its operation (`client.create_job_draft()`, `update_job_draft()`,
//! `publish_job()`, `get_capabilities()`), whose answers read as a [`Draft`] or [`Published`];
//! this module adds the whole loop ([`Client::post_job`]), where an [`Answerer`] answers one [`MissingField`] at a time
//! ([`MapAnswerer`] from a map, [`TerminalAnswerer`] from a person at a terminal, or any
//! closure, plain or async). Every way the loop can stop on its own is a [`PostJobError`]
//! variant, carried by [`Error::PostJob`](crate::Error::PostJob); a failed request is its own
//! [`Error`](crate::Error).
//!
//! ```no_run
//! use opentrain::Error;
//! use opentrain::drafting::{Answer, MissingField, PostJobError};
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), Error> {
//! let job = client
//!     .post_job("We need 3 AI trainers to label 10,000 product images into 12 categories.")
//!     .idempotency_key("acme-batch-7-v1")
//!     .answer_with(|field: &MissingField| match field.field() {
//!         "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
//!         "pricePerLabel" => Answer::Value(0.05.into()),
//!         _ => Answer::Skip,
//!     })
//!     .max_rounds(5)
//!     .publish()
//!     .await;
//! match job {
//!     Ok(published) => println!("live at {:?}", published.job_url),
//!     Err(Error::PostJob(outcome)) => match *outcome {
//!         PostJobError::ModerationBlocked { reasons, .. } => eprintln!("blocked: {reasons:?}"),
//!         PostJobError::MaxRounds { remaining, .. } => eprintln!("{} fields left", remaining.len()),
//!         other => eprintln!("stopped: {other}"),
//!     },
//!     Err(other) => return Err(other),
//! }
//! # Ok(()) }
//! ```
//!
//! Where the docs disagree, both shapes are accepted: `validation.missingFields` may hold field
//! names or detail objects (and may be empty while the details sit in the envelope's top-level
//! `missingFields`); [`Draft::missing_fields`] merges them into one list.

mod answer;
mod calls;
mod draft;
mod error;
mod input;
mod patch;
mod post;
mod terminal;

pub use answer::{
    AFunction, AnAnswerer, Answer, Answerer, ExampleAnswerer, FnAnswerer, IntoAnswerer,
    MapAnswerer, SkipAll,
};
pub use draft::{Draft, MissingField, Published};
pub use error::PostJobError;
pub use input::DraftInput;
pub use patch::fields_patch;
pub use post::PostJob;
pub use terminal::TerminalAnswerer;

#[cfg(doc)]
use crate::Client;
