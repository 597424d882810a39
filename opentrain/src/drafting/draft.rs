//! What the server says about a draft: [`MissingField`] (one gap, with its prompt, type,
//! allowed values and update keys), the merge of the two documented shapes of `missingFields`
//! into one list, [`Draft`] (the validation envelope read through typed accessors) and
//! [`Published`] (the result of publishing).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::Value;

use crate::types::{self, DraftEnvelope, DraftValidation, MissingFieldDetail};

#[cfg(doc)]
use crate::Client;

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
        let mut detail = MissingFieldDetail::default();
        detail.field = Some(field.into());
        Self::new(detail)
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
pub(super) fn merge_missing(
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
    pub(super) fn carry_details(&mut self, known: &mut HashMap<String, MissingFieldDetail>) {
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
    /// `Published::from` of a `publish_job` answer.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(field: &str) -> MissingFieldDetail {
        MissingFieldDetail::builder()
            .field(Some(field.to_owned()))
            .prompt(Some(format!("ask: {field}?")))
            .update_keys(vec![field.to_owned()])
            .try_into()
            .expect("a complete MissingFieldDetail")
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
                MissingFieldDetail::builder()
                    .field(Some("a".to_owned()))
                    .try_into()
                    .expect("a complete MissingFieldDetail"),
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
}
