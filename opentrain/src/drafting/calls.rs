//! The three requests of the drafting loop, each over its generated operation: create
//! (`createJobDraft`), patch (`updateJobDraft`) and publish (`publishJob`), with their answers
//! read as a [`Draft`] or [`Published`]. [`Client::post_job`] starts the loop.

use super::{Draft, DraftInput, PostJob, Published, SkipAll};
use crate::types::JobFieldsPatch;
use crate::{Client, Error};

#[cfg(doc)]
use super::Answerer;

/// Creates a draft: `POST /job-drafts`. A create that carries an idempotency key is safe to
/// repeat (the server returns the existing draft), so the pipeline retries it like a read.
pub(super) async fn create(client: &Client, input: DraftInput) -> Result<Draft, Error> {
    let body = input.to_request()?;
    let envelope = client
        .create_job_draft()
        .body(body)
        .send()
        .await?
        .into_inner();
    Ok(Draft::from(envelope))
}

/// Patches fields of a draft: `PATCH /job-drafts/{jobId}`; returns the refreshed draft. An
/// empty patch is refused locally (the server answers it with 400).
pub(super) async fn update(
    client: &Client,
    job_id: &str,
    patch: JobFieldsPatch,
) -> Result<Draft, Error> {
    if patch == JobFieldsPatch::default() {
        return Err(Error::InvalidRequest(
            "a draft patch needs at least one field".into(),
        ));
    }
    let envelope = client
        .update_job_draft()
        .job_id(job_id)
        .body(patch)
        .send()
        .await?
        .into_inner();
    Ok(Draft::from(envelope))
}

/// Publishes a draft: `POST /jobs/{id}/publish` (idempotent: an open job answers
/// `alreadyPublished: true`).
pub(super) async fn publish(client: &Client, job_id: &str) -> Result<Published, Error> {
    let response = client.publish_job().id(job_id).send().await?;
    Ok(Published::from(response.into_inner()))
}

impl Client {
    /// The drafting loop: create a draft from `input`, ask the [`Answerer`] for each missing
    /// field, PATCH the answers (one PATCH per round), repeat until publish-ready, then stop
    /// ([`PostJob::draft`]) or publish ([`PostJob::publish`]).
    ///
    /// Each step is also its operation (`create_job_draft`, `update_job_draft`,
    /// `publish_job`); read their answers with [`Draft::from`] and [`Published::from`].
    pub fn post_job(&self, input: impl Into<DraftInput>) -> PostJob {
        PostJob {
            client: self.clone(),
            input: input.into(),
            answerer: SkipAll,
            max_rounds: PostJob::DEFAULT_MAX_ROUNDS,
        }
    }
}
