//! The drafting loop: a job description in, a publish-ready draft (or a live job) out.
//!
//! OpenTrain drafts jobs server-side: `POST /job-drafts` parses a description (or a structured
//! import) and answers with a validation envelope listing what is still missing, each gap with a
//! ready-to-ask `prompt`, its `type`, the allowed `enumValues` and the `updateKeys` to set;
//! `PATCH /job-drafts/{jobId}` fills gaps and returns the refreshed envelope; once
//! `validation.publishReady` is true, `POST /jobs/{id}/publish` takes the job live.
//!
//! This module wraps each step ([`Client::create_draft`], [`Client::update_draft`],
//! [`Client::publish_job`], [`Client::capabilities`]) and the whole loop
//! ([`Client::post_job`]), where an [`Answerer`] answers one [`MissingField`] at a time
//! ([`MapAnswerer`] from a map, [`TerminalAnswerer`] from a person at a terminal, or any async
//! closure). Every way the loop can end is a [`PostJobError`] variant a caller can match on.
//!
//! ```no_run
//! use opentrain::drafting::{Answer, MissingField, PostJobError};
//!
//! # async fn demo(client: opentrain::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let job = client
//!     .post_job("We need 3 AI trainers to label 10,000 product images into 12 categories.")
//!     .idempotency_key("acme-batch-7-v1")
//!     .answer_with(async |field: &MissingField| match field.field() {
//!         "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
//!         "pricePerLabel" => Answer::Value(0.05.into()),
//!         _ => Answer::Skip,
//!     })
//!     .max_rounds(5)
//!     .publish()
//!     .await;
//! match job {
//!     Ok(published) => println!("live at {:?}", published.job_url),
//!     Err(PostJobError::ModerationBlocked { reasons, .. }) => eprintln!("blocked: {reasons:?}"),
//!     Err(PostJobError::MaxRounds { remaining, .. }) => eprintln!("{} fields left", remaining.len()),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! Where the docs disagree, both shapes are accepted: `validation.missingFields` may hold field
//! names or detail objects (and may be empty while the details sit in the envelope's top-level
//! `missingFields`); [`Draft::missing_fields`] merges them into one list.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::io::{BufRead, Write};

use serde_json::{Map, Value};

use crate::types::{
    self, CreateJobDraftFromImport, CreateJobDraftFromSource, CreateJobDraftFromText,
    CreateJobDraftRequest, DraftEnvelope, DraftSource, DraftValidation, ErrorReason, ImportFormat,
    JobFieldsPatch, MissingFieldDetail,
};
use crate::{ApiError, Client, Error};

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

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
            InputKind::Text(text) => CreateJobDraftRequest::Text(CreateJobDraftFromText {
                external_id,
                idempotency_key: key,
                raw_job_description: text.as_str().try_into().map_err(|e| {
                    Error::InvalidRequest(format!("the job description is unusable: {e}"))
                })?,
            }),
            InputKind::SourceText(text) => {
                CreateJobDraftRequest::Source(CreateJobDraftFromSource {
                    external_id: None,
                    idempotency_key: None,
                    source: DraftSource {
                        external_id,
                        idempotency_key: key,
                        text: Some(text.clone()),
                        type_: Some(ImportFormat::Text),
                    },
                })
            }
            InputKind::Import(format, payload) => {
                let mut body = CreateJobDraftFromImport {
                    external_id,
                    format: format.clone(),
                    idempotency_key: key,
                    job: None,
                    json_ld: None,
                    xml: None,
                };
                match payload {
                    ImportPayload::Canonical(job) => {
                        body.job = Some(types::CanonicalJob::clone(job))
                    }
                    ImportPayload::JsonLd(json) => body.json_ld = Some(json.clone()),
                    ImportPayload::Xml(xml) => body.xml = Some(Value::String(xml.clone())),
                }
                CreateJobDraftRequest::Import(body)
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

// ---------------------------------------------------------------------------------------------
// Missing fields and drafts
// ---------------------------------------------------------------------------------------------

/// One gap of a draft: what to ask, what kind of answer fits, and where the answer goes.
///
/// Built from either documented shape of `validation.missingFields` (a field name, or a detail
/// object) merged with the envelope's top-level `missingFields` details.
#[derive(Clone, Debug, PartialEq)]
pub struct MissingField {
    detail: MissingFieldDetail,
    name: String,
    keys: Vec<String>,
}

impl MissingField {
    /// A missing field from its detail object.
    pub fn new(detail: MissingFieldDetail) -> Self {
        let name = detail
            .field
            .clone()
            .or_else(|| detail.update_keys.first().cloned())
            .unwrap_or_default();
        let keys = if detail.update_keys.is_empty() && !name.is_empty() {
            vec![name.clone()]
        } else {
            detail.update_keys.clone()
        };
        Self { detail, name, keys }
    }

    /// A missing field known only by name (the guide's `validation.missingFields` shape).
    pub fn named(field: impl Into<String>) -> Self {
        Self::new(MissingFieldDetail {
            field: Some(field.into()),
            ..MissingFieldDetail::default()
        })
    }

    /// The field name, e.g. `experienceLevel` (the first update key when the server sent no
    /// name; empty when it sent neither).
    pub fn field(&self) -> &str {
        &self.name
    }

    /// The human label, e.g. `Experience level`.
    pub fn label(&self) -> Option<&str> {
        self.detail.label.as_deref()
    }

    /// The requirement message.
    pub fn message(&self) -> Option<&str> {
        self.detail.message.as_deref()
    }

    /// The machine code (`missing_required_field` on the create page, `MISSING_...` in the guide).
    pub fn code(&self) -> Option<&str> {
        self.detail.code.as_deref()
    }

    /// The server's ready-to-ask question, as sent.
    pub fn prompt(&self) -> Option<&str> {
        self.detail.prompt.as_deref()
    }

    /// The best question to show a person: the prompt without the create page's `ask: ` prefix,
    /// else the message, the label or the field name.
    pub fn question(&self) -> &str {
        match self.prompt() {
            Some(p) => p.strip_prefix("ask: ").unwrap_or(p),
            None => self.message().or(self.label()).unwrap_or(self.field()),
        }
    }

    /// The expected answer type as sent (`enum` and `number` are the documented values).
    pub fn field_type(&self) -> Option<&str> {
        self.detail.type_.as_deref()
    }

    /// Whether the answer must be one of [`MissingField::enum_values`].
    pub fn is_enum(&self) -> bool {
        self.field_type() == Some("enum") || !self.enum_values().is_empty()
    }

    /// Whether the answer is a number.
    pub fn is_number(&self) -> bool {
        self.field_type() == Some("number")
    }

    /// The allowed values of an enum field (empty when the server sent none).
    pub fn enum_values(&self) -> &[String] {
        self.detail.enum_values.as_deref().unwrap_or_default()
    }

    /// The PATCH keys the answer is sent under. When the server lists none, the field name
    /// itself (every documented example has `updateKeys == [field]`).
    pub fn update_keys(&self) -> &[String] {
        &self.keys
    }

    /// A sample answer (a string even for numbers, e.g. `"0.05"`).
    pub fn example(&self) -> Option<&str> {
        self.detail.example.as_deref()
    }

    /// Extra guidance.
    pub fn hint(&self) -> Option<&str> {
        self.detail.hint.as_deref()
    }

    /// Everything the server sent about this field.
    pub fn detail(&self) -> &MissingFieldDetail {
        &self.detail
    }

    /// Fills what this entry lacks from another description of the same field.
    fn fill_from(&mut self, other: &MissingFieldDetail) {
        let d = &mut self.detail;
        macro_rules! fill {
            ($($f:ident),*) => {$( if d.$f.is_none() { d.$f = other.$f.clone(); } )*};
        }
        fill!(
            code,
            enum_values,
            example,
            field,
            hint,
            label,
            message,
            prompt,
            type_
        );
        if d.update_keys.is_empty() {
            d.update_keys = other.update_keys.clone();
        }
        *self = Self::new(self.detail.clone());
    }
}

impl fmt::Display for MissingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

/// Merges the two documented shapes: `validation.missingFields` (names or objects, in order)
/// completed by the top-level details, then any top-level entry not listed in `validation`.
fn merge_missing(
    validation: &[types::MissingField],
    top_level: &[MissingFieldDetail],
) -> Vec<MissingField> {
    let by_name: HashMap<&str, &MissingFieldDetail> = top_level
        .iter()
        .filter_map(|d| Some((d.field.as_deref()?, d)))
        .collect();
    let mut out: Vec<MissingField> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |field: MissingField, out: &mut Vec<MissingField>| {
        if field.field().is_empty() || seen.insert(field.field().to_owned()) {
            out.push(field);
        }
    };
    for entry in validation {
        let mut field = match entry {
            types::MissingField::String(name) => MissingField::named(name.clone()),
            types::MissingField::MissingFieldDetail(d) => MissingField::new(d.clone()),
        };
        if let Some(top) = by_name.get(field.field()) {
            field.fill_from(top);
        }
        push(field, &mut out);
    }
    for detail in top_level {
        push(MissingField::new(detail.clone()), &mut out);
    }
    out
}

/// A job draft: the validation envelope of `POST /job-drafts` or `PATCH /job-drafts/{jobId}`,
/// read through typed accessors.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    envelope: DraftEnvelope,
    missing: Vec<MissingField>,
}

impl From<DraftEnvelope> for Draft {
    fn from(envelope: DraftEnvelope) -> Self {
        let missing = merge_missing(
            &envelope.validation.missing_fields,
            &envelope.missing_fields,
        );
        Self { envelope, missing }
    }
}

impl Draft {
    /// The draft's job ID, for every PATCH and for publish.
    pub fn job_id(&self) -> &str {
        &self.envelope.job_id
    }

    /// The loop condition: whether the draft can be published as it is.
    pub fn publish_ready(&self) -> bool {
        self.envelope.validation.publish_ready
    }

    /// What is still missing, from both documented shapes of `missingFields` (see
    /// [`MissingField`]). Empty does not imply [`Draft::publish_ready`]: check both.
    pub fn missing_fields(&self) -> &[MissingField] {
        &self.missing
    }

    /// Values the parser extracted but is unsure of; review them before publishing. The docs do
    /// not state the entry shape, so entries are raw JSON; a value that is not an array is only
    /// in [`Draft::envelope`].
    pub fn low_confidence_fields(&self) -> &[Value] {
        json_items(self.envelope.low_confidence_fields.as_ref())
    }

    /// Input the parser could not place.
    pub fn unmapped_fields(&self) -> &[types::UnmappedField] {
        &self.envelope.unmapped_fields
    }

    /// Non-blocking warnings. The docs do not state their type for drafts: strings are kept,
    /// anything else is rendered as JSON.
    pub fn warnings(&self) -> Vec<String> {
        match self.envelope.warnings.as_ref() {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(json_text).collect(),
            Some(other) => vec![json_text(other)],
        }
    }

    /// The in-app draft editor URL.
    pub fn draft_url(&self) -> Option<&str> {
        self.envelope.draft_url.as_deref()
    }

    /// The in-app URL for human review (create responses only).
    pub fn review_url(&self) -> Option<&str> {
        self.envelope.review_url.as_deref()
    }

    /// The draft's status (`DRAFT`).
    pub fn status(&self) -> Option<&types::JobStatus> {
        self.envelope.status.as_ref()
    }

    /// The structured fields the parser extracted.
    pub fn normalized_fields(&self) -> Option<&types::NormalizedFields> {
        self.envelope.normalized_fields.as_ref()
    }

    /// The publish-readiness summary as sent.
    pub fn validation(&self) -> &DraftValidation {
        &self.envelope.validation
    }

    /// The whole envelope as decoded.
    pub fn envelope(&self) -> &DraftEnvelope {
        &self.envelope
    }

    /// The envelope, by value.
    pub fn into_envelope(self) -> DraftEnvelope {
        self.envelope
    }

    /// Completes fields that came without details (a later PATCH may list names only) from what
    /// earlier envelopes said about them, then remembers this envelope's details.
    fn carry_details(&mut self, known: &mut HashMap<String, MissingFieldDetail>) {
        for field in &mut self.missing {
            if let Some(earlier) = known.get(field.field()) {
                field.fill_from(earlier);
            }
            known.insert(field.field().to_owned(), field.detail.clone());
        }
    }
}

fn json_items(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The result of publishing: `POST /jobs/{id}/publish`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Published {
    /// The job ID.
    pub job_id: String,
    /// The public listing URL.
    pub job_url: Option<String>,
    /// Non-blocking warnings (e.g. fields worth improving).
    pub warnings: Vec<String>,
    /// True when the job was already open (publishing again changed nothing).
    pub already_published: bool,
    /// The publish-attempt id for support, when sent.
    pub publish_attempt_id: Option<String>,
    /// The response as decoded.
    pub response: types::PublishedJob,
    /// The draft as the loop left it (low-confidence fields, normalized fields...); `None` from
    /// [`Client::publish_job`].
    pub draft: Option<Draft>,
}

impl From<types::PublishedJob> for Published {
    fn from(response: types::PublishedJob) -> Self {
        Self {
            job_id: response.job_id.clone(),
            job_url: response.job_url.clone(),
            warnings: response.warnings.clone(),
            already_published: response.already_published.unwrap_or(false),
            publish_attempt_id: response.publish_attempt_id.clone(),
            response,
            draft: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/// An answerer's reply to one missing field.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The value to PATCH under each of the field's update keys.
    Value(Value),
    /// Leave this field for this run; it is not asked again.
    Skip,
    /// Stop the loop now; nothing more is sent (answers given earlier in the same round
    /// included) and the draft stays a draft.
    Abort,
}

/// Answers one missing field at a time for [`Client::post_job`].
///
/// Any async closure `async |field: &MissingField| -> Answer` is an answerer, and so is a plain
/// closure returning a future that does not borrow the field.
///
/// ```
/// use opentrain::drafting::{Answer, Answerer, MissingField};
///
/// struct Intermediate;
/// impl Answerer for Intermediate {
///     async fn answer(&mut self, field: &MissingField) -> Answer {
///         if field.enum_values().iter().any(|v| v == "INTERMEDIATE") {
///             Answer::Value("INTERMEDIATE".into())
///         } else {
///             Answer::Skip
///         }
///     }
/// }
/// ```
pub trait Answerer {
    /// The answer for `field`.
    fn answer(&mut self, field: &MissingField) -> impl Future<Output = Answer>;
}

impl<F> Answerer for F
where
    F: AsyncFnMut(&MissingField) -> Answer,
{
    fn answer(&mut self, field: &MissingField) -> impl Future<Output = Answer> {
        self(field)
    }
}

/// The answerer of a loop given none: skips everything, so only a draft that is publish-ready
/// from the start gets through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipAll;

impl Answerer for SkipAll {
    async fn answer(&mut self, _field: &MissingField) -> Answer {
        Answer::Skip
    }
}

/// Answers every field with the server's own documented `example` for it, typed by the field's
/// `type` (`"5"` → `5`, `"0.05"` → `0.05`; an enum example outside `enumValues` → the first
/// value); skips a field without an example.
///
/// For demos, tests and dry runs against a sandbox: the examples are placeholders ("Spanish
/// Sentiment Labeling — ..."), not your job, so never publish a real job with them.
///
/// ```
/// use opentrain::drafting::{Answer, ExampleAnswerer, MissingField};
/// use opentrain::types::MissingFieldDetail;
///
/// let field = MissingField::new(MissingFieldDetail {
///     field: Some("headcount".into()),
///     type_: Some("number".into()),
///     example: Some("5".into()),
///     ..MissingFieldDetail::default()
/// });
/// assert_eq!(ExampleAnswerer::answer_for(&field), Answer::Value(5.into()));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExampleAnswerer;

impl ExampleAnswerer {
    /// The answer for `field`, without the async wrapper.
    pub fn answer_for(field: &MissingField) -> Answer {
        let Some(example) = field.example() else {
            return Answer::Skip;
        };
        if field.is_number() {
            // "5" stays an integer (counts), "0.05" a decimal (prices).
            let number = match example.trim().parse::<i64>() {
                Ok(n) => Some(serde_json::Number::from(n)),
                Err(_) => example
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64),
            };
            return number.map_or(Answer::Skip, |n| Answer::Value(Value::Number(n)));
        }
        if field.is_enum() && !field.enum_values().iter().any(|v| v == example) {
            return field
                .enum_values()
                .first()
                .map_or(Answer::Skip, |v| Answer::Value(v.clone().into()));
        }
        Answer::Value(example.into())
    }
}

impl Answerer for ExampleAnswerer {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        Self::answer_for(field)
    }
}

/// Answers from a map, looked up by field name and then by each update key; skips the rest.
///
/// ```
/// use opentrain::drafting::MapAnswerer;
/// let answers = MapAnswerer::new()
///     .with("experienceLevel", "INTERMEDIATE")
///     .with("pricePerLabel", 0.06);
/// assert_eq!(answers.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct MapAnswerer {
    answers: BTreeMap<String, Value>,
}

impl MapAnswerer {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the answer for a field name or update key.
    pub fn with(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.answers.insert(field.into(), value.into());
        self
    }

    /// How many answers the map holds.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether the map holds no answers.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    fn lookup(&self, field: &MissingField) -> Option<&Value> {
        self.answers
            .get(field.field())
            .or_else(|| field.update_keys().iter().find_map(|k| self.answers.get(k)))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for MapAnswerer {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            answers: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl Answerer for MapAnswerer {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        match self.lookup(field) {
            Some(value) => Answer::Value(value.clone()),
            None => Answer::Skip,
        }
    }
}

/// Asks a person: prints each field's question, its choices, hint and example to `output`
/// and reads one line of `input` per answer.
///
/// A blank line skips the field; end of input (or a read/write failure, kept in
/// [`TerminalAnswerer::last_error`]) aborts. Enum choices are answered by number or by value
/// (case-insensitive); `number` fields must parse as a number. Anything else is asked again.
/// Reads block the calling thread, which suits an interactive program.
///
/// ```no_run
/// # async fn demo(client: opentrain::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let draft = client
///     .post_job("We need 3 AI trainers to label 10,000 product images.")
///     .answer_with(opentrain::drafting::TerminalAnswerer::stdio())
///     .draft()
///     .await?;
/// println!("ready: {}", draft.draft_url().unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TerminalAnswerer<R, W> {
    input: R,
    output: W,
    last_error: Option<std::io::Error>,
}

impl TerminalAnswerer<std::io::StdinLock<'static>, std::io::Stdout> {
    /// Asks on standard input and output.
    pub fn stdio() -> Self {
        Self::new(std::io::stdin().lock(), std::io::stdout())
    }
}

impl<R: BufRead, W: Write> TerminalAnswerer<R, W> {
    /// Asks on `output`, reads answers from `input`.
    pub fn new(input: R, output: W) -> Self {
        Self {
            input,
            output,
            last_error: None,
        }
    }

    /// The I/O error that made the last answer an abort, if that is why it aborted.
    pub fn last_error(&self) -> Option<&std::io::Error> {
        self.last_error.as_ref()
    }

    /// The reader and writer back.
    pub fn into_inner(self) -> (R, W) {
        (self.input, self.output)
    }

    fn show(&mut self, field: &MissingField) -> std::io::Result<()> {
        let out = &mut self.output;
        match field.label() {
            Some(label) => writeln!(out, "{label} ({})", field.field())?,
            None => writeln!(out, "{}", field.field())?,
        }
        writeln!(out, "{}", field.question())?;
        for (i, value) in field.enum_values().iter().enumerate() {
            writeln!(out, "  {}) {value}", i + 1)?;
        }
        if let Some(hint) = field.hint() {
            writeln!(out, "  hint: {hint}")?;
        }
        if let Some(example) = field.example() {
            writeln!(out, "  e.g. {example}")?;
        }
        Ok(())
    }

    /// One line, without its line ending; `None` at end of input.
    fn read_line(&mut self) -> std::io::Result<Option<String>> {
        write!(self.output, "> ")?;
        self.output.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim().to_owned()))
    }

    fn ask(&mut self, field: &MissingField) -> std::io::Result<Answer> {
        self.show(field)?;
        loop {
            let Some(line) = self.read_line()? else {
                writeln!(self.output)?;
                return Ok(Answer::Abort);
            };
            if line.is_empty() {
                return Ok(Answer::Skip);
            }
            match parse_typed(field, &line) {
                Ok(value) => return Ok(Answer::Value(value)),
                Err(problem) => writeln!(self.output, "{problem}; blank line to skip")?,
            }
        }
    }
}

/// Reads one typed line for `field`: a choice (number or value) for enums, a number for
/// `number` fields, the text otherwise.
fn parse_typed(field: &MissingField, line: &str) -> Result<Value, String> {
    let choices = field.enum_values();
    if !choices.is_empty() {
        if let Ok(n) = line.parse::<usize>()
            && let Some(choice) = n.checked_sub(1).and_then(|i| choices.get(i))
        {
            return Ok(Value::String(choice.clone()));
        }
        return choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case(line))
            .map(|c| Value::String(c.clone()))
            .ok_or_else(|| {
                format!(
                    "{line:?} is not one of the choices: enter 1-{} or a listed value",
                    choices.len()
                )
            });
    }
    if field.is_number() {
        let number: f64 = line
            .parse()
            .map_err(|_| format!("{line:?} is not a number"))?;
        if !number.is_finite() {
            return Err(format!("{line:?} is not a finite number"));
        }
        // Whole numbers go out as integers, so integer keys (headcount) accept them.
        if number.fract() == 0.0 && number.abs() < 9.0e15 {
            return Ok(Value::from(number as i64));
        }
        return serde_json::Number::from_f64(number)
            .map(Value::Number)
            .ok_or_else(|| format!("{line:?} is not a number"));
    }
    Ok(Value::String(line.to_owned()))
}

impl<R: BufRead, W: Write> Answerer for TerminalAnswerer<R, W> {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        match self.ask(field) {
            Ok(answer) => answer,
            Err(e) => {
                self.last_error = Some(e);
                Answer::Abort
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/// Every way drafting and publishing can end other than success, each with what a caller needs
/// to act on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostJobError {
    /// `max_rounds` PATCHes were sent and the draft is still not publish-ready.
    #[error("draft {} is still not publish-ready after {rounds} round(s); missing: {}", draft.job_id(), names(remaining))]
    MaxRounds {
        /// Rounds (PATCHes) sent.
        rounds: u32,
        /// What the server still lists as missing.
        remaining: Vec<MissingField>,
        /// The draft as the last response left it.
        draft: Box<Draft>,
    },

    /// The answerer returned [`Answer::Abort`]. The draft stays an unpublished draft.
    #[error("the answerer aborted at {field}; draft {} was left unpublished", draft.job_id())]
    Aborted {
        /// The field being answered.
        field: Box<MissingField>,
        /// The draft as the last response left it.
        draft: Box<Draft>,
    },

    /// An enum answer is not one of the field's `enumValues`; rejected before any PATCH.
    #[error("{value} is not an allowed value of {field}; allowed: {}", allowed.join(", "))]
    NotAnEnumValue {
        /// The field name.
        field: String,
        /// The rejected answer.
        value: Value,
        /// The field's `enumValues`.
        allowed: Vec<String>,
        /// The draft as the last response left it.
        draft: Box<Draft>,
    },

    /// An answer cannot be sent as a PATCH value (wrong JSON type for its key, a key the spec's
    /// patch body does not carry, no update keys); rejected before any PATCH.
    #[error("the answer {value} for {field} cannot be sent: {reason}")]
    UnusableAnswer {
        /// The field name.
        field: String,
        /// The rejected answer.
        value: Value,
        /// Why.
        reason: String,
        /// The draft as the last response left it.
        draft: Box<Draft>,
    },

    /// The draft is not publish-ready and nothing is left to ask: the answerer skipped every
    /// remaining field, or the server listed none.
    #[error("draft {} is not publish-ready and nothing is left to answer (skipped: {})", draft.job_id(), names(skipped))]
    Unanswered {
        /// The fields still missing that the answerer skipped.
        skipped: Vec<MissingField>,
        /// The draft as the last response left it.
        draft: Box<Draft>,
    },

    /// Publish answered 400: the draft is not publish-ready (`details.validation`).
    #[error("job {job_id} is not publish-ready; missing: {}", names(missing))]
    NotPublishReady {
        /// The job.
        job_id: String,
        /// `details.validation`, decoded (`None` if it did not match the documented shape; the
        /// raw object stays in `error.details`).
        validation: Option<Box<DraftValidation>>,
        /// The missing fields `details.validation` lists.
        missing: Vec<MissingField>,
        /// The error envelope.
        error: Box<ApiError>,
    },

    /// Publish answered 403 `moderation_blocked`: fix the flagged content and publish again.
    #[error("moderation blocked job {job_id}: {}", reasons.join("; "))]
    ModerationBlocked {
        /// The job.
        job_id: String,
        /// `details.reasons`, as sent.
        reasons: Vec<String>,
        /// The error envelope.
        error: Box<ApiError>,
    },

    /// Publish answered 429 with the daily publish limit (20/day claimed, 3/day unclaimed);
    /// no retry helps before the window passes.
    #[error("daily publish limit reached for job {job_id}: {limit} per {window_hours} h")]
    DailyLimit {
        /// The job.
        job_id: String,
        /// `details.limit`.
        limit: u64,
        /// `details.windowHours`.
        window_hours: u64,
        /// The error envelope.
        error: Box<ApiError>,
    },

    /// Any other failure of a create, PATCH or publish call.
    #[error("{}{error}", job_id.as_deref().map(|j| format!("job {j}: ")).unwrap_or_default())]
    Api {
        /// The draft's job ID, once one exists.
        job_id: Option<String>,
        /// The error.
        #[source]
        error: Box<Error>,
    },
}

fn names(fields: &[MissingField]) -> String {
    if fields.is_empty() {
        return "(none listed)".to_owned();
    }
    fields
        .iter()
        .map(MissingField::field)
        .collect::<Vec<_>>()
        .join(", ")
}

impl PostJobError {
    /// The draft's job ID, when a draft exists.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Self::MaxRounds { draft, .. }
            | Self::Aborted { draft, .. }
            | Self::NotAnEnumValue { draft, .. }
            | Self::UnusableAnswer { draft, .. }
            | Self::Unanswered { draft, .. } => Some(draft.job_id()),
            Self::NotPublishReady { job_id, .. }
            | Self::ModerationBlocked { job_id, .. }
            | Self::DailyLimit { job_id, .. } => Some(job_id),
            Self::Api { job_id, .. } => job_id.as_deref(),
        }
    }

    /// The draft the loop ended with, for the loop's own outcomes.
    pub fn draft(&self) -> Option<&Draft> {
        match self {
            Self::MaxRounds { draft, .. }
            | Self::Aborted { draft, .. }
            | Self::NotAnEnumValue { draft, .. }
            | Self::UnusableAnswer { draft, .. }
            | Self::Unanswered { draft, .. } => Some(draft),
            _ => None,
        }
    }

    /// The underlying API error, for the outcomes that come from one.
    pub fn error(&self) -> Option<&Error> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    fn api(job_id: Option<&str>) -> impl FnOnce(Error) -> Self {
        let job_id = job_id.map(str::to_owned);
        move |error| Self::Api {
            job_id,
            error: Box::new(error),
        }
    }

    /// Sorts a publish failure into its documented outcome.
    fn from_publish(job_id: &str, error: Error) -> Self {
        let Error::Api(api) = error else {
            return Self::api(Some(job_id))(error);
        };
        let job_id = job_id.to_owned();
        if api.status == 400
            && let Some(raw) = api.validation()
        {
            let validation: Option<DraftValidation> =
                serde_json::from_value(Value::Object(raw.clone())).ok();
            let missing = validation
                .as_ref()
                .map(|v| merge_missing(&v.missing_fields, &[]))
                .unwrap_or_default();
            return Self::NotPublishReady {
                job_id,
                validation: validation.map(Box::new),
                missing,
                error: api,
            };
        }
        if api.reason() == Some(&ErrorReason::ModerationBlocked) {
            return Self::ModerationBlocked {
                job_id,
                reasons: api.moderation_reasons(),
                error: api,
            };
        }
        if api.is_daily_limit()
            && let (Some(limit), Some(window_hours)) = (api.limit(), api.window_hours())
        {
            return Self::DailyLimit {
                job_id,
                limit,
                window_hours,
                error: api,
            };
        }
        Self::Api {
            job_id: Some(job_id),
            error: Box::new(Error::Api(api)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Patch bodies
// ---------------------------------------------------------------------------------------------

/// Builds a PATCH body from `key -> value` pairs (e.g. answers under `updateKeys`), refusing any
/// pair the spec's [`JobFieldsPatch`] would not send exactly as given (a key it does not model,
/// a value of another JSON type, `null`, an empty list) instead of dropping it silently.
///
/// ```
/// let fields = serde_json::json!({"experienceLevel": "INTERMEDIATE", "pricePerLabel": 0.06});
/// let patch = opentrain::drafting::fields_patch(fields.as_object().unwrap()).unwrap();
/// assert_eq!(patch.price_per_label, Some(0.06));
/// ```
pub fn fields_patch(fields: &Map<String, Value>) -> Result<JobFieldsPatch, Error> {
    for (key, value) in fields {
        check_patch_value(key, value)
            .map_err(|reason| Error::InvalidRequest(format!("{key}: {reason}")))?;
    }
    serde_json::from_value(Value::Object(fields.clone()))
        .map_err(|e| Error::InvalidRequest(format!("the patch body is unusable: {e}")))
}

/// Whether `{key: value}` goes through [`JobFieldsPatch`] unchanged.
fn check_patch_value(key: &str, value: &Value) -> Result<(), String> {
    let mut one = Map::new();
    one.insert(key.to_owned(), value.clone());
    let typed: JobFieldsPatch = serde_json::from_value(Value::Object(one))
        .map_err(|e| format!("{e} (the spec's type for {key})"))?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    match back.get(key) {
        Some(sent) if same_json(sent, value) => Ok(()),
        Some(sent) => Err(format!("it would be sent as {sent}")),
        None if value.is_null() => {
            Err("null cannot be sent (clearing a field is not documented)".into())
        }
        None if value.as_array().is_some_and(Vec::is_empty) => {
            Err("an empty list cannot be sent".into())
        }
        None => Err(format!(
            "{key} is not a key of the spec's draft patch body, so it cannot be sent"
        )),
    }
}

/// JSON equality with numbers compared by value (`10000` and `10000.0` are the same answer).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------------
// Client methods
// ---------------------------------------------------------------------------------------------

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
        let envelope = if input.key().is_some() {
            self.call_idempotent(|raw| {
                let body = body.clone();
                async move { raw.create_job_draft().body(body).send().await }
            })
            .await?
        } else {
            self.call_owned(|raw| {
                let body = body.clone();
                async move { raw.create_job_draft().body(body).send().await }
            })
            .await?
        };
        Ok(Draft::from(envelope))
    }

    /// Patches fields of a draft: `PATCH /job-drafts/{jobId}`; returns the refreshed draft.
    /// An empty patch is refused locally (the server answers it with 400).
    ///
    /// ```no_run
    /// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
    /// use opentrain::types::{ExperienceLevel, JobFieldsPatch};
    /// let patch = JobFieldsPatch {
    ///     experience_level: Some(ExperienceLevel::Intermediate),
    ///     price_per_label: Some(0.06),
    ///     ..JobFieldsPatch::default()
    /// };
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
            .call_owned(|raw| {
                let job_id = job_id.to_owned();
                let patch = patch.clone();
                async move {
                    raw.update_job_draft()
                        .job_id(job_id)
                        .body(patch)
                        .send()
                        .await
                }
            })
            .await?;
        Ok(Draft::from(envelope))
    }

    /// Publishes a draft: `POST /jobs/{id}/publish` (idempotent: an open job answers
    /// `alreadyPublished: true`). Moderation blocks, the daily limit and a draft that is not
    /// publish-ready come back as their own [`PostJobError`] variants.
    pub async fn publish_job(&self, job_id: &str) -> Result<Published, PostJobError> {
        self.call_owned(|raw| {
            let job_id = job_id.to_owned();
            async move { raw.publish_job().id(job_id).send().await }
        })
        .await
        .map(Published::from)
        .map_err(|e| PostJobError::from_publish(job_id, e))
    }

    /// Which features are on for this account, the accepted import formats, the patchable keys
    /// and the canonical enums: `GET /job-drafts/capabilities`.
    pub async fn capabilities(&self) -> Result<types::DraftCapabilities, Error> {
        self.call(async |raw| raw.get_capabilities().send().await)
            .await
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

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

/// The drafting loop, configured by [`Client::post_job`]; run it with [`PostJob::draft`] or
/// [`PostJob::publish`].
#[must_use = "the loop does nothing until `.draft().await` or `.publish().await`"]
pub struct PostJob<A = SkipAll> {
    client: Client,
    input: DraftInput,
    answerer: A,
    max_rounds: u32,
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
    pub const DEFAULT_MAX_ROUNDS: u32 = 5;
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

    /// Who answers the missing fields.
    pub fn answer_with<B: Answerer>(self, answerer: B) -> PostJob<B> {
        PostJob {
            client: self.client,
            input: self.input,
            answerer,
            max_rounds: self.max_rounds,
        }
    }

    /// At most this many rounds (each one PATCH); default [`PostJob::DEFAULT_MAX_ROUNDS`].
    pub fn max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds;
        self
    }
}

impl<A: Answerer> PostJob<A> {
    /// Runs the loop until the draft is publish-ready and returns it, unpublished.
    pub async fn draft(mut self) -> Result<Draft, PostJobError> {
        self.run().await
    }

    /// Runs the loop, then publishes the publish-ready draft.
    pub async fn publish(mut self) -> Result<Published, PostJobError> {
        let draft = self.run().await?;
        let mut published = self.client.publish_job(draft.job_id()).await?;
        published.draft = Some(draft);
        Ok(published)
    }

    async fn run(&mut self) -> Result<Draft, PostJobError> {
        let mut draft = self
            .client
            .create_draft(self.input.clone())
            .await
            .map_err(PostJobError::api(None))?;
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
                });
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
                });
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
                        });
                    }
                    Answer::Value(value) => {
                        if let Err(reason) = check_answer(field, &value) {
                            return Err(reason.into_error(field, value, draft));
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
            let patch = fields_patch(&fields).map_err(PostJobError::api(Some(&job_id)))?;
            draft = self
                .client
                .update_draft(&job_id, patch)
                .await
                .map_err(PostJobError::api(Some(&job_id)))?;
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
    use super::*;
    use serde_json::json;

    fn detail(field: &str) -> MissingFieldDetail {
        MissingFieldDetail {
            field: Some(field.into()),
            prompt: Some(format!("ask: {field}?")),
            update_keys: vec![field.into()],
            ..MissingFieldDetail::default()
        }
    }

    #[test]
    fn names_in_validation_take_their_details_from_the_top_level_list() {
        let merged = merge_missing(
            &[types::MissingField::String("experienceLevel".into())],
            &[detail("experienceLevel")],
        );
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].question(), "experienceLevel?");
        assert_eq!(merged[0].update_keys(), ["experienceLevel".to_owned()]);
    }

    #[test]
    fn top_level_details_count_when_validation_lists_nothing() {
        let merged = merge_missing(&[], &[detail("a"), detail("b")]);
        let names: Vec<_> = merged.iter().map(MissingField::field).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_field_listed_in_both_places_appears_once() {
        let merged = merge_missing(
            &[types::MissingField::MissingFieldDetail(
                MissingFieldDetail {
                    field: Some("a".into()),
                    ..MissingFieldDetail::default()
                },
            )],
            &[detail("a"), detail("b")],
        );
        let names: Vec<_> = merged.iter().map(MissingField::field).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(merged[0].prompt(), Some("ask: a?"));
    }

    #[test]
    fn a_name_without_details_is_patched_under_its_own_name() {
        let f = MissingField::named("dataVolumeUnit");
        assert_eq!(f.update_keys(), ["dataVolumeUnit".to_owned()]);
        assert_eq!(f.question(), "dataVolumeUnit");
    }

    #[test]
    fn patch_values_must_survive_the_typed_body() {
        assert!(check_patch_value("pricePerLabel", &json!(0.06)).is_ok());
        assert!(check_patch_value("dataVolume", &json!(10000)).is_ok());
        assert!(check_patch_value("headcount", &json!(3)).is_ok());
        assert!(check_patch_value("pricePerLabel", &json!("0.06")).is_err());
        assert!(check_patch_value("headcount", &json!(2.5)).is_err());
        let unknown = check_patch_value("notAKey", &json!("x")).unwrap_err();
        assert!(unknown.contains("not a key"), "{unknown}");
        assert!(check_patch_value("languages", &json!([])).is_err());
        assert!(check_patch_value("jobTitle", &Value::Null).is_err());
    }

    #[test]
    fn terminal_numbers_parse_to_integers_when_whole() {
        let number = MissingField::new(MissingFieldDetail {
            field: Some("headcount".into()),
            type_: Some("number".into()),
            ..MissingFieldDetail::default()
        });
        assert_eq!(parse_typed(&number, "3"), Ok(json!(3)));
        assert_eq!(parse_typed(&number, "0.05"), Ok(json!(0.05)));
        assert!(parse_typed(&number, "lots").is_err());
        assert!(parse_typed(&number, "inf").is_err());
    }
}
