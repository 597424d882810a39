//! The drafting loop itself: [`PostJob`] creates the draft, asks the answerer for each missing
//! field, checks every answer locally (allowed enum value, a value the patch body carries
//! unchanged) before sending it, PATCHes one round at a time until the draft is publish-ready,
//! then returns it or publishes it.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use super::answer::IntoAnswerer;
use super::calls;
use super::patch::check_patch_value;
use super::{
    Answer, Answerer, Draft, DraftInput, MissingField, PostJobError, Published, SkipAll,
    fields_patch,
};
use crate::{Client, Error};

/// The drafting loop, configured by [`Client::post_job`]; run it with [`PostJob::draft`] or
/// [`PostJob::publish`].
#[must_use = "the loop does nothing until `.draft().await` or `.publish().await`"]
pub struct PostJob<A = SkipAll> {
    pub(super) client: Client,
    pub(super) input: DraftInput,
    pub(super) answerer: A,
    pub(super) max_rounds: u32,
}

impl<A> fmt::Debug for PostJob<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostJob")
            .field("input", &self.input)
            .field("answerer", &std::any::type_name::<A>())
            .field("max_rounds", &self.max_rounds)
            .finish_non_exhaustive()
    }
}

impl PostJob {
    /// Rounds (PATCHes) allowed unless [`PostJob::max_rounds`] says otherwise.
    pub(crate) const DEFAULT_MAX_ROUNDS: u32 = 5;
}

impl<A> PostJob<A> {
    /// The create's idempotency key: running the loop again with the same key continues the
    /// same draft instead of creating a second one.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.input = self.input.idempotency_key(key);
        self
    }

    /// Your external reference for the draft.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.input = self.input.external_id(id);
        self
    }

    /// Who answers the missing fields: any [`Answerer`] ([`SkipAll`], [`ExampleAnswerer`],
    /// [`MapAnswerer`], [`TerminalAnswerer`], your own), an async closure
    /// `async |field: &MissingField| -> Answer`, or a plain closure
    /// `|field: &MissingField| -> Answer`, which runs when the loop asks and answers at once.
    ///
    /// Write a closure's parameter type out (`field: &MissingField`): this method takes both
    /// kinds of closure, so no single closure signature can be inferred for it.
    ///
    /// ```
    /// use opentrain::drafting::{Answer, MapAnswerer, MissingField};
    ///
    /// let client = opentrain::Client::builder().base_url("http://127.0.0.1:1").build()?;
    /// let text = "We need 5 fluent Spanish speakers to label sentiment in ~20,000 posts.";
    /// let _ = client.post_job(text).answer_with(|_field: &MissingField| Answer::Skip);
    /// let _ = client.post_job(text).answer_with(|field: &MissingField| {
    ///     if field.field() == "experienceLevel" {
    ///         Answer::Value("INTERMEDIATE".into())
    ///     } else {
    ///         Answer::Skip
    ///     }
    /// });
    /// let _ = client
    ///     .post_job(text)
    ///     .answer_with(async |field: &MissingField| match field.field() {
    ///         "pricePerLabel" => Answer::Value(0.05.into()),
    ///         _ => Answer::Skip,
    ///     });
    /// let _ = client
    ///     .post_job(text)
    ///     .answer_with(MapAnswerer::new().with("experienceLevel", "EXPERT"));
    /// # Ok::<(), opentrain::Error>(())
    /// ```
    ///
    /// [`ExampleAnswerer`]: super::ExampleAnswerer
    /// [`MapAnswerer`]: super::MapAnswerer
    /// [`TerminalAnswerer`]: super::TerminalAnswerer
    pub fn answer_with<B, Marker>(self, answerer: B) -> PostJob<B::Answerer>
    where
        B: IntoAnswerer<Marker>,
    {
        PostJob {
            client: self.client,
            input: self.input,
            answerer: answerer.into_answerer(),
            max_rounds: self.max_rounds,
        }
    }

    /// At most this many rounds (each one PATCH); default 5.
    pub fn max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds;
        self
    }
}

impl<A: Answerer> PostJob<A> {
    /// Runs the loop until the draft is publish-ready and returns it, unpublished.
    pub async fn draft(mut self) -> Result<Draft, Error> {
        self.run().await
    }

    /// Runs the loop, then publishes the publish-ready draft.
    pub async fn publish(mut self) -> Result<Published, Error> {
        let draft = self.run().await?;
        let mut published = calls::publish(&self.client, draft.job_id())
            .await
            .map_err(|e| PostJobError::from_publish(draft.job_id(), e))?;
        published.draft = Some(draft);
        Ok(published)
    }

    async fn run(&mut self) -> Result<Draft, Error> {
        let mut draft = calls::create(&self.client, self.input.clone()).await?;
        let job_id = draft.job_id().to_owned();
        let mut known = HashMap::new();
        let mut skipped: HashSet<String> = HashSet::new();
        let mut rounds = 0;
        loop {
            draft.carry_details(&mut known);
            if draft.publish_ready() {
                return Ok(draft);
            }
            if rounds >= self.max_rounds {
                return Err(PostJobError::MaxRounds {
                    rounds,
                    remaining: draft.missing_fields().to_vec(),
                    draft: Box::new(draft),
                }
                .into());
            }
            let pending: Vec<MissingField> = draft
                .missing_fields()
                .iter()
                .filter(|f| !skipped.contains(f.field()))
                .cloned()
                .collect();
            if pending.is_empty() {
                return Err(PostJobError::Unanswered {
                    skipped: draft.missing_fields().to_vec(),
                    draft: Box::new(draft),
                }
                .into());
            }
            let mut fields = Map::new();
            for field in &pending {
                match self.answerer.answer(field).await {
                    Answer::Skip => {
                        skipped.insert(field.field().to_owned());
                    }
                    Answer::Abort => {
                        return Err(PostJobError::Aborted {
                            field: Box::new(field.clone()),
                            draft: Box::new(draft),
                        }
                        .into());
                    }
                    Answer::Value(value) => {
                        if let Err(reason) = check_answer(field, &value) {
                            return Err(reason.into_error(field, value, draft).into());
                        }
                        for key in field.update_keys() {
                            fields.insert(key.clone(), value.clone());
                        }
                    }
                }
            }
            if fields.is_empty() {
                continue;
            }
            let patch = fields_patch(&fields)?;
            draft = calls::update(&self.client, &job_id, patch).await?;
            rounds += 1;
        }
    }
}

/// Why an answer was refused before sending.
enum Refusal {
    NotAllowed(Vec<String>),
    Unusable(String),
}

impl Refusal {
    fn into_error(self, field: &MissingField, value: Value, draft: Draft) -> PostJobError {
        let draft = Box::new(draft);
        let name = field.field().to_owned();
        match self {
            Refusal::NotAllowed(allowed) => PostJobError::NotAnEnumValue {
                field: name,
                value,
                allowed,
                draft,
            },
            Refusal::Unusable(reason) => PostJobError::UnusableAnswer {
                field: name,
                value,
                reason,
                draft,
            },
        }
    }
}

/// Checks an answer locally: an enum answer must be one of `enumValues` exactly, and every
/// update key must carry the value unchanged.
fn check_answer(field: &MissingField, value: &Value) -> Result<(), Refusal> {
    let allowed = field.enum_values();
    if !allowed.is_empty()
        && !value
            .as_str()
            .is_some_and(|v| allowed.iter().any(|a| a == v))
    {
        return Err(Refusal::NotAllowed(allowed.to_vec()));
    }
    if field.update_keys().is_empty() {
        return Err(Refusal::Unusable(
            "the server named no update keys for this field".into(),
        ));
    }
    for key in field.update_keys() {
        check_patch_value(key, value).map_err(Refusal::Unusable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const DRAFTS: &str = "/api/public/v1/job-drafts";

    /// A `missingFields` detail in the create page's shape.
    fn detail(field: &str, kind: &str, enum_values: Option<&[&str]>) -> Value {
        json!({
            "field": field, "label": field, "code": "missing_required_field",
            "message": format!("{field} is required before publishing."),
            "prompt": format!("ask: {field}?"), "type": kind, "enumValues": enum_values,
            "updateKeys": [field], "example": null, "hint": null
        })
    }

    fn envelope(ready: bool, missing: Vec<Value>) -> Value {
        json!({
            "ok": true, "jobId": "job_1", "status": "DRAFT",
            "draftUrl": "https://app.opentrain.ai/job-post?jobId=job_1",
            "validation": {
                "publishReady": ready, "issueCount": 0, "missingFieldCount": missing.len(),
                "missingFields": [], "issues": []
            },
            "missingFields": missing
        })
    }

    #[tokio::test]
    async fn a_plain_closure_answers_the_loop_and_its_answers_are_patched() {
        let mut server = mockito::Server::new_async().await;
        let create = server
            .mock("POST", DRAFTS)
            .with_status(201)
            .with_header("content-type", "application/json")
            .with_body(
                envelope(
                    false,
                    vec![
                        detail("experienceLevel", "enum", Some(&["EXPERT", "INTERMEDIATE"])),
                        detail("pricePerLabel", "number", None),
                        detail("dataVolumeUnit", "enum", Some(&["NUMBER_OF_FILES"])),
                    ],
                )
                .to_string(),
            )
            .expect(1)
            .create_async()
            .await;
        // Only the answered fields are sent; the skipped one is not.
        let patch = server
            .mock("PATCH", format!("{DRAFTS}/job_1").as_str())
            .match_body(mockito::Matcher::Json(
                json!({"experienceLevel": "INTERMEDIATE", "pricePerLabel": 0.05}),
            ))
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(envelope(true, vec![]).to_string())
            .expect(1)
            .create_async()
            .await;
        let client = Client::builder()
            .base_url(server.url())
            .token("ot_pat_plain_closure_test")
            .without_deadline()
            .build()
            .expect("client");

        let mut asked = Vec::new();
        let draft = client
            .post_job("We need 3 AI trainers to label 10,000 product images.")
            .answer_with(|field: &MissingField| {
                asked.push(field.field().to_owned());
                match field.field() {
                    "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
                    "pricePerLabel" => Answer::Value(0.05.into()),
                    _ => Answer::Skip,
                }
            })
            .draft()
            .await
            .expect("a publish-ready draft");

        assert!(draft.publish_ready());
        assert_eq!(
            asked,
            ["experienceLevel", "pricePerLabel", "dataVolumeUnit"]
        );
        create.assert_async().await;
        patch.assert_async().await;
    }
}
