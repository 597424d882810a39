//! What a draft is created from: [`DraftInput`], one of the documented body shapes of
//! `POST /job-drafts` (plain text, text in the `source` shape, a structured import or a body
//! built by the caller) with its optional idempotency key and external reference.

use serde_json::Value;

use crate::Error;
use crate::types::{
    self, CreateJobDraftFromImport, CreateJobDraftFromSource, CreateJobDraftFromText,
    CreateJobDraftRequest, DraftSource, ImportFormat,
};

/// What a draft is created from: one of the documented body shapes of `POST /job-drafts`, plus
/// an optional idempotency key and external reference.
///
/// ```
/// use opentrain::drafting::DraftInput;
/// let input = DraftInput::text("We need 5 fluent Spanish speakers to label sentiment.")
///     .idempotency_key("sentiment-es-2026-001");
/// assert_eq!(input.key(), Some("sentiment-es-2026-001"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct DraftInput {
    kind: InputKind,
    idempotency_key: Option<String>,
    external_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum InputKind {
    /// `{"rawJobDescription": ...}`
    Text(String),
    /// `{"source": {"type": "text", "text": ...}}`
    SourceText(String),
    /// `{"format": ..., "job" | "jsonLd" | "xml": ...}`
    Import(ImportFormat, ImportPayload),
    /// A body built by the caller.
    Request(Box<CreateJobDraftRequest>),
}

#[derive(Clone, Debug, PartialEq)]
enum ImportPayload {
    Canonical(Box<types::CanonicalJob>),
    JsonLd(Value),
    Xml(String),
}

impl DraftInput {
    /// Plain text, sent as `{"rawJobDescription": ...}` (the recommended shape: send the
    /// description as-is and let OpenTrain parse it). At most 60,000 characters.
    pub fn text(description: impl Into<String>) -> Self {
        Self::of(InputKind::Text(description.into()))
    }

    /// Plain text in the `source` shape: `{"source": {"type": "text", "text": ...}}`; the
    /// idempotency key and external id then go inside `source`.
    pub fn source_text(text: impl Into<String>) -> Self {
        Self::of(InputKind::SourceText(text.into()))
    }

    /// An OpenTrain canonical job: `{"format": "opentrain_canonical", "job": {...}}`. The spec
    /// names the canonical keys without types, so only the keys of [`types::CanonicalJob`] are
    /// sent.
    pub fn canonical(job: types::CanonicalJob) -> Self {
        Self::of(InputKind::Import(
            ImportFormat::OpentrainCanonical,
            ImportPayload::Canonical(Box::new(job)),
        ))
    }

    /// A schema.org `JobPosting` in JSON-LD: `{"format": "schema_org_job_posting", "jsonLd": ...}`.
    pub fn schema_org(json_ld: Value) -> Self {
        Self::of(InputKind::Import(
            ImportFormat::SchemaOrgJobPosting,
            ImportPayload::JsonLd(json_ld),
        ))
    }

    /// An Indeed-style XML feed entry: `{"format": "indeed_xml", "xml": "..."}`. The docs do not
    /// state the JSON type of `xml`; it is sent as the XML text.
    pub fn indeed_xml(xml: impl Into<String>) -> Self {
        Self::of(InputKind::Import(
            ImportFormat::IndeedXml,
            ImportPayload::Xml(xml.into()),
        ))
    }

    /// An HR-XML document: `{"format": "hr_xml", "xml": "..."}` (sent as the XML text).
    pub fn hr_xml(xml: impl Into<String>) -> Self {
        Self::of(InputKind::Import(
            ImportFormat::HrXml,
            ImportPayload::Xml(xml.into()),
        ))
    }

    fn of(kind: InputKind) -> Self {
        Self {
            kind,
            idempotency_key: None,
            external_id: None,
        }
    }

    /// The retry key: creating again with the same key returns the existing draft instead of a
    /// second one, so a create that carries it is retried like a read.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Your external reference for the draft (optional, recommended by the docs).
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// The idempotency key the request will carry, if any (set here or inside a body passed
    /// with `From<CreateJobDraftRequest>`).
    pub fn key(&self) -> Option<&str> {
        if let Some(key) = &self.idempotency_key {
            return Some(key);
        }
        let InputKind::Request(request) = &self.kind else {
            return None;
        };
        match request.as_ref() {
            CreateJobDraftRequest::Text(t) => t.idempotency_key.as_deref(),
            CreateJobDraftRequest::Source(s) => s
                .source
                .idempotency_key
                .as_deref()
                .or(s.idempotency_key.as_deref()),
            CreateJobDraftRequest::Import(i) => i.idempotency_key.as_deref(),
        }
    }

    /// The request body this input is sent as. Fails on a plain-text description longer than
    /// 60,000 characters.
    pub fn to_request(&self) -> Result<CreateJobDraftRequest, Error> {
        let key = self.idempotency_key.clone();
        let external_id = self.external_id.clone();
        Ok(match &self.kind {
            InputKind::Text(text) => {
                let description: types::CreateJobDraftFromTextRawJobDescription =
                    text.as_str().try_into().map_err(|e| {
                        Error::InvalidRequest(format!("the job description is unusable: {e}"))
                    })?;
                CreateJobDraftRequest::Text(crate::build(
                    "the draft body",
                    CreateJobDraftFromText::builder()
                        .external_id(external_id)
                        .idempotency_key(key)
                        .raw_job_description(description),
                )?)
            }
            InputKind::SourceText(text) => {
                let source: DraftSource = crate::build(
                    "the draft source",
                    DraftSource::builder()
                        .external_id(external_id)
                        .idempotency_key(key)
                        .text(Some(text.clone()))
                        .type_(Some(ImportFormat::Text)),
                )?;
                CreateJobDraftRequest::Source(crate::build(
                    "the draft body",
                    CreateJobDraftFromSource::builder().source(source),
                )?)
            }
            InputKind::Import(format, payload) => {
                let body = CreateJobDraftFromImport::builder()
                    .external_id(external_id)
                    .format(format.clone())
                    .idempotency_key(key);
                let body = match payload {
                    ImportPayload::Canonical(job) => {
                        body.job(Some(types::CanonicalJob::clone(job)))
                    }
                    ImportPayload::JsonLd(json) => body.json_ld(Some(json.clone())),
                    ImportPayload::Xml(xml) => body.xml(Some(Value::String(xml.clone()))),
                };
                CreateJobDraftRequest::Import(crate::build("the draft body", body)?)
            }
            InputKind::Request(request) => {
                let mut request = CreateJobDraftRequest::clone(request);
                match &mut request {
                    CreateJobDraftRequest::Text(t) => {
                        t.idempotency_key = key.or(t.idempotency_key.take());
                        t.external_id = external_id.or(t.external_id.take());
                    }
                    CreateJobDraftRequest::Source(s) => {
                        let source = &mut s.source;
                        source.idempotency_key = key.or(source.idempotency_key.take());
                        source.external_id = external_id.or(source.external_id.take());
                    }
                    CreateJobDraftRequest::Import(i) => {
                        i.idempotency_key = key.or(i.idempotency_key.take());
                        i.external_id = external_id.or(i.external_id.take());
                    }
                }
                request
            }
        })
    }
}

impl From<&str> for DraftInput {
    fn from(text: &str) -> Self {
        DraftInput::text(text)
    }
}

impl From<String> for DraftInput {
    fn from(text: String) -> Self {
        DraftInput::text(text)
    }
}

impl From<CreateJobDraftRequest> for DraftInput {
    fn from(request: CreateJobDraftRequest) -> Self {
        Self::of(InputKind::Request(Box::new(request)))
    }
}
