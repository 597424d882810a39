//! Jobs: drafting (`opentrain_create_job_draft`, `opentrain_update_job_draft_fields`),
//! publishing and editing live jobs, closing, and the two job lists.

use opentrain::drafting::{Draft, DraftInput};
use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Ctx, body, id, json_of, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_create_job_draft" => create_job_draft(CreateJobDraft), Write, CREATE_JOB_DRAFT;
    "opentrain_update_job_draft_fields" => update_job_draft_fields(PatchJob), Idempotent, UPDATE_JOB_DRAFT_FIELDS;
    "opentrain_update_published_job" => update_published_job(PatchJob), Idempotent, UPDATE_PUBLISHED_JOB;
}

const CREATE_JOB_DRAFT: &str = "Create an unpublished job draft from a full plain-text job \
description (the primary workflow) or a supported import (canonicalJob, or importPayload such as \
schema.org JSON-LD); give exactly one of jobDescription, canonicalJob, importPayload. OpenTrain \
parses it into structured job fields server-side. The result lists each missing field with an \
ask: question to relay to the human, its type and allowed values, and the set: field names to \
use with opentrain_update_job_draft_fields. Reuse idempotencyKey on retries to avoid duplicate \
drafts. Requires: jobs:write and the public_api_job_drafting feature. Wraps POST /job-drafts.";

const UPDATE_JOB_DRAFT_FIELDS: &str = "Fill in or correct fields on an existing unpublished \
draft. Ask the human each missing field's ask: question, then patch the answers keyed by the \
set: field names (e.g. {\"experienceLevel\": \"INTERMEDIATE\", \"pricePerHour\": 12}); never ask \
the human to write raw JSON. The result shows what is still missing. Never publishes: when the \
draft is publish-ready, call opentrain_publish_job. Requires: jobs:write and the \
public_api_job_drafting feature. Wraps PATCH /job-drafts/{jobId}.";

const UPDATE_PUBLISHED_JOB: &str = "Update fields on a live published (OPEN) job. The revised \
listing is re-checked by moderation; if it is blocked, the job is moved back to draft and the \
error explains what to fix. For unpublished drafts use opentrain_update_job_draft_fields. \
Requires: jobs:write and the public_api_job_publishing feature. Wraps PATCH /jobs/{id}.";

/// Parameters of `opentrain_create_job_draft`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateJobDraft {
    /// Full plain-text job description or project brief (primary workflow)
    job_description: Option<String>,
    /// Title to prepend for plain-text imports
    title: Option<String>,
    /// Source-system id for audit/idempotency
    external_id: Option<String>,
    /// Reuse the same key to avoid duplicate drafts on retry
    idempotency_key: Option<String>,
    /// OpenTrain canonical job object (format=opentrain_canonical)
    canonical_job: Option<Map<String, Value>>,
    /// Supported import payload, e.g. schema.org JSON-LD. An object with a `format` key is sent as
    /// the import body itself (`format` plus `job`, `jsonLd` or `xml`); any other object is sent
    /// as a schema.org JobPosting (`format: schema_org_job_posting`).
    import_payload: Option<Map<String, Value>>,
}

/// Parameters of the two patch tools.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PatchJob {
    /// The job id: an unpublished draft (opentrain_update_job_draft_fields) or a published OPEN
    /// job (opentrain_update_published_job)
    job_id: String,
    /// Field patch keyed by OpenTrain field names, e.g. {"experienceLevel": "INTERMEDIATE",
    /// "pricePerHour": 12}
    patch: Map<String, Value>,
}

/// The draft input of the create parameters: exactly one source.
fn draft_input(params: CreateJobDraft) -> Result<DraftInput, ToolFailure> {
    let given = [
        params.job_description.is_some(),
        params.canonical_job.is_some(),
        params.import_payload.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(ToolFailure::argument(
            "give exactly one of jobDescription (plain text, the primary workflow), canonicalJob \
             or importPayload",
        ));
    }
    if params.title.is_some() && params.job_description.is_none() {
        return Err(ToolFailure::argument(
            "title is prepended to a plain-text jobDescription; it cannot go with canonicalJob or \
             importPayload",
        ));
    }
    let mut input = if let Some(text) = params.job_description {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(ToolFailure::argument("jobDescription must not be empty"));
        }
        match params
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
        {
            Some(title) => DraftInput::text(format!("{title}\n\n{text}")),
            None => DraftInput::text(text),
        }
    } else if let Some(job) = params.canonical_job {
        DraftInput::canonical(body::<types::CanonicalJob>(
            Value::Object(job),
            "canonicalJob",
        )?)
    } else if let Some(payload) = params.import_payload {
        if payload.contains_key("format") {
            let request: types::CreateJobDraftFromImport =
                body(Value::Object(payload), "importPayload")?;
            DraftInput::from(types::CreateJobDraftRequest::Import(request))
        } else {
            DraftInput::schema_org(Value::Object(payload))
        }
    } else {
        return Err(ToolFailure::argument("no draft source given"));
    };
    if let Some(key) = params.idempotency_key.filter(|k| !k.is_empty()) {
        input = input.idempotency_key(key);
    }
    if let Some(external) = params.external_id.filter(|k| !k.is_empty()) {
        input = input.external_id(external);
    }
    Ok(input)
}

/// The summary of a draft: its state and each missing field with its question and keys.
fn draft_summary(verb: &str, draft: &Draft) -> String {
    let mut summary = format!("{verb} draft {}.", draft.job_id());
    if let Some(url) = draft.draft_url().or(draft.review_url()) {
        summary.push_str(&format!(" Review it at {url}."));
    }
    if draft.publish_ready() {
        summary.push_str(" It is publish-ready: next call opentrain_publish_job.");
    } else {
        let missing = draft.missing_fields();
        summary.push_str(&format!(
            " Not publish-ready yet: {} missing field(s). Ask the human each question, then call \
             opentrain_update_job_draft_fields with the answers keyed by the set: names:",
            missing.len()
        ));
        for field in missing {
            summary.push_str(&format!("\n- {}: ask: {}", field.field(), field.question()));
            let keys = field.update_keys();
            summary.push_str(&format!(
                " | set: {}",
                if keys.is_empty() {
                    field.field().to_owned()
                } else {
                    keys.join(", ")
                }
            ));
            if let Some(kind) = field.field_type() {
                summary.push_str(&format!(" | type: {kind}"));
            }
            if !field.enum_values().is_empty() {
                summary.push_str(&format!(" | one of: {}", field.enum_values().join(", ")));
            }
            if let Some(example) = field.example() {
                summary.push_str(&format!(" | e.g. {example}"));
            }
        }
    }
    for warning in draft.warnings() {
        summary.push_str(&format!("\nWarning: {warning}"));
    }
    summary
}

async fn create_job_draft(ctx: &Ctx, params: CreateJobDraft) -> Outcome {
    let input = draft_input(params)?;
    let body = input.to_request()?;
    let client = ctx.session.client()?;
    let created = client.create_job_draft().body(body).send().await?;
    let draft = Draft::from(created.into_inner());
    ToolOutput::sent(&client, draft_summary("Created", &draft), draft.envelope())
}

/// The patch body: a non-empty object of job fields.
fn patch(params_patch: Map<String, Value>) -> Result<types::JobFieldsPatch, ToolFailure> {
    if params_patch.is_empty() {
        return Err(ToolFailure::argument(
            "patch must name at least one field, e.g. {\"pricePerHour\": 12}",
        ));
    }
    body(Value::Object(params_patch), "patch")
}

async fn update_job_draft_fields(ctx: &Ctx, params: PatchJob) -> Outcome {
    let job_id = id(&params.job_id, "jobId")?;
    let patch = patch(params.patch)?;
    let client = ctx.session.client()?;
    let updated = client
        .update_job_draft()
        .job_id(job_id)
        .body(patch)
        .send()
        .await?;
    let draft = Draft::from(updated.into_inner());
    ToolOutput::sent(&client, draft_summary("Updated", &draft), draft.envelope())
}

async fn update_published_job(ctx: &Ctx, params: PatchJob) -> Outcome {
    let job_id = id(&params.job_id, "jobId")?;
    let patch = patch(params.patch)?;
    let client = ctx.session.client()?;
    let result = client
        .update_job()
        .id(job_id)
        .body(patch)
        .send()
        .await?
        .into_inner();
    let value = json_of(&result);
    let status = text_at(&value, "/status").unwrap_or("(status not stated)");
    ToolOutput::sent(
        &client,
        format!("Updated live job {job_id}; status {status}."),
        &result,
    )
}
