//! The drafting entry points on [`Client`]: each step of the API ([`Client::create_draft`],
//! [`Client::update_draft`], [`Client::publish_job`], [`Client::capabilities`]) and the whole
//! loop ([`Client::post_job`]).

use super::{Draft, DraftInput, PostJob, Published, SkipAll};
use crate::types::{self, JobFieldsPatch};
use crate::{Client, Error};

#[cfg(doc)]
use super::{Answerer, PostJobError};
#[cfg(doc)]
use crate::ApiError;

impl Client {
    /// Creates a draft: `POST /job-drafts`. A create that carries an idempotency key is safe to
    /// repeat (the server returns the existing draft), so it is retried like a read with the
    /// same key; without one it is retried only when the server never saw it.
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// use opentrain::drafting::DraftInput;
    /// let draft = client
    ///     .create_draft(DraftInput::source_text("We need 10 annotators for dashcam images.")
    ///         .external_id("acme-batch-7")
    ///         .idempotency_key("acme-batch-7-v1"))
    ///     .await?;
    /// for field in draft.missing_fields() {
    ///     println!("{}: {}", field.field(), field.question());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_draft(&self, input: impl Into<DraftInput>) -> Result<Draft, Error> {
        let input = input.into();
        let body = input.to_request()?;
        // With an idempotency key in the body the pipeline retries the create like a read.
        let envelope = self
            .create_job_draft()
            .body(body)
            .send()
            .await?
            .into_inner();
        Ok(Draft::from(envelope))
    }

    /// Patches fields of a draft: `PATCH /job-drafts/{jobId}`; returns the refreshed draft.
    /// An empty patch is refused locally (the server answers it with 400).
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// use opentrain::types::{ExperienceLevel, JobFieldsPatch};
    /// let mut patch = JobFieldsPatch::default();
    /// patch.experience_level = Some(ExperienceLevel::Intermediate);
    /// patch.price_per_label = Some(0.06);
    /// let draft = client.update_draft("job_123", patch).await?;
    /// println!("publish-ready: {}", draft.publish_ready());
    /// # Ok(()) }
    /// ```
    pub async fn update_draft(&self, job_id: &str, patch: JobFieldsPatch) -> Result<Draft, Error> {
        if patch == JobFieldsPatch::default() {
            return Err(Error::InvalidRequest(
                "a draft patch needs at least one field".into(),
            ));
        }
        let envelope = self
            .update_job_draft()
            .job_id(job_id)
            .body(patch)
            .send()
            .await?
            .into_inner();
        Ok(Draft::from(envelope))
    }

    /// Publishes a draft: `POST /jobs/{id}/publish`, sent by [`PublishJob::send`] (idempotent:
    /// an open job answers `alreadyPublished: true`, and the pipeline may repeat it). A
    /// moderation block, the daily limit and a draft that is not publish-ready are
    /// [`Error::Api`]s with their details ([`ApiError::moderation_reasons`],
    /// [`ApiError::is_daily_limit`], [`ApiError::validation`]); [`Client::post_job`] turns them
    /// into [`PostJobError`] variants. The generated builder stays at
    /// `client.raw().publish_job()`.
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// let published = client.publish_job("job_123").send().await?;
    /// println!("live at {:?}", published.job_url);
    /// # Ok(()) }
    /// ```
    pub fn publish_job(&self, job_id: &str) -> PublishJob<'_> {
        PublishJob {
            client: self,
            job_id: job_id.to_owned(),
        }
    }

    /// Which features are on for this account, the accepted import formats, the patchable keys
    /// and the canonical enums: `GET /job-drafts/capabilities`.
    pub async fn capabilities(&self) -> Result<types::DraftCapabilities, Error> {
        Ok(self.get_capabilities().send().await?.into_inner())
    }

    /// The drafting loop: create a draft from `input`, ask the [`Answerer`] for each missing
    /// field, PATCH the answers (one PATCH per round), repeat until publish-ready, then stop
    /// ([`PostJob::draft`]) or publish ([`PostJob::publish`]).
    pub fn post_job(&self, input: impl Into<DraftInput>) -> PostJob {
        PostJob {
            client: self.clone(),
            input: input.into(),
            answerer: SkipAll,
            max_rounds: PostJob::DEFAULT_MAX_ROUNDS,
        }
    }
}

/// A publish request, sent by [`PublishJob::send`]. Made by [`Client::publish_job`].
#[must_use = "a publish request does nothing until sent"]
#[derive(Debug)]
pub struct PublishJob<'a> {
    client: &'a Client,
    job_id: String,
}

impl PublishJob<'_> {
    /// Sends the request.
    pub async fn send(self) -> Result<Published, Error> {
        let response = self
            .client
            .raw()
            .publish_job()
            .id(&self.job_id)
            .send()
            .await?;
        Ok(Published::from(response.into_inner()))
    }
}
