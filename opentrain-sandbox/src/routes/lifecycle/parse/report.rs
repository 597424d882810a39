//! The validation report of a draft: the required keys still empty as the documented
//! missing-field objects (each with a prompt to ask the human), `publishReady` once none is
//! missing, the `normalizedFields` view, and the draft envelope create and PATCH answer.

use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    DataVolumeUnit, DraftEnvelope, DraftEnvelopeImport, DraftValidation, ExperienceLevel,
    MissingField, MissingFieldDetail, NormalizedFields, PaymentType, builder,
};
use serde_json::Value;

use super::vocab::{EXPERIENCE_LEVELS, PAYMENT_TYPES, rate_key};
use crate::routes::lifecycle::JobRec;

/// A missing-field entry.
#[allow(clippy::too_many_arguments)]
fn missing(
    field: &str,
    label: &str,
    message: &str,
    prompt: String,
    type_: &str,
    enum_values: Option<&[&str]>,
    example: &str,
    hint: Option<&str>,
) -> builder::MissingFieldDetail {
    MissingFieldDetail::builder()
        .code(Some("missing_required_field".to_owned()))
        .enum_values(enum_values.map(|v| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()))
        .example(Some(example.to_owned()))
        .field(Some(field.to_owned()))
        .hint(hint.map(str::to_owned))
        .label(Some(label.to_owned()))
        .message(Some(message.to_owned()))
        .prompt(Some(prompt))
        .type_(Some(type_.to_owned()))
        .update_keys(vec![field.to_owned()])
}

/// The required keys still empty, as the documented missing-field objects. Required before
/// publishing: `jobTitle`, `jobDescription`, `headcount`, `experienceLevel`, `paymentType` and
/// the rate that matches it (`pricePerHour`, `pricePerLabel` or `fixedPrice`).
pub(crate) fn missing_fields(job: &JobRec) -> Result<Vec<MissingFieldDetail>, ConversionError> {
    let mut out = Vec::new();
    if job.text("jobTitle").is_none() {
        out.push(missing(
            "jobTitle",
            "Job title",
            "A job title is required before publishing.",
            "ask: What should the job post be titled?".into(),
            "string",
            None,
            "Spanish Sentiment Labeling — Social Media Posts",
            Some("Name the task and the data, e.g. language + label type + content."),
        ));
    }
    if job.text("jobDescription").is_none() {
        out.push(missing(
            "jobDescription",
            "Job description",
            "A job description is required before publishing.",
            "ask: Describe the work AI trainers will do.".into(),
            "string",
            None,
            "Label the sentiment of 20,000 Spanish social media posts.",
            None,
        ));
    }
    if job.number("headcount").is_none() {
        out.push(missing(
            "headcount",
            "Headcount",
            "The number of AI trainers is required before publishing.",
            "ask: How many AI trainers do you want to hire?".into(),
            "number",
            None,
            "5",
            None,
        ));
    }
    if job.text("experienceLevel").is_none() {
        out.push(missing(
            "experienceLevel",
            "Experience level",
            "Experience level is required before publishing.",
            format!(
                "ask: What experience level should AI trainers have? ({})",
                EXPERIENCE_LEVELS.join(", ")
            ),
            "enum",
            Some(EXPERIENCE_LEVELS),
            ExperienceLevel::Intermediate.as_str(),
            Some("Pick the minimum level the work realistically needs."),
        ));
    }
    match job.text("paymentType") {
        None => out.push(missing(
            "paymentType",
            "Payment type",
            "A payment type is required before publishing.",
            format!(
                "ask: How will AI trainers be paid? ({})",
                PAYMENT_TYPES.join(", ")
            ),
            "enum",
            Some(PAYMENT_TYPES),
            PaymentType::PayPerLabel.as_str(),
            Some("Then set the matching rate: pricePerLabel, pricePerHour or fixedPrice."),
        )),
        Some(kind) => {
            let rate = rate_key(kind).filter(|key| job.number(key).is_none());
            if let Some(key) = rate {
                let (label, prompt, example) = match key {
                    "pricePerHour" => (
                        "Price per hour",
                        "ask: How much will you pay per hour (USD)?",
                        "15",
                    ),
                    "fixedPrice" => (
                        "Fixed price",
                        "ask: What is the fixed price for the whole job (USD)?",
                        "500",
                    ),
                    _ => (
                        "Price per label",
                        "ask: How much will you pay per label (USD)?",
                        "0.05",
                    ),
                };
                out.push(missing(
                    key,
                    label,
                    "A pay rate is required before publishing.",
                    prompt.into(),
                    "number",
                    None,
                    example,
                    None,
                ));
            }
        }
    }
    out.into_iter().map(MissingFieldDetail::try_from).collect()
}

/// The validation report of a job.
pub(crate) fn validation(job: &JobRec) -> Result<DraftValidation, ConversionError> {
    let missing = missing_fields(job)?;
    DraftValidation::try_from(
        DraftValidation::builder()
            .issue_count(Some(0))
            .issues(Vec::new())
            .missing_field_count(Some(missing.len() as i64))
            .publish_ready(missing.is_empty())
            .missing_fields(
                missing
                    .into_iter()
                    .map(MissingField::MissingFieldDetail)
                    .collect::<Vec<_>>(),
            ),
    )
}

/// The structured fields, in the documented `normalizedFields` shape.
pub(crate) fn normalized(job: &JobRec) -> Result<NormalizedFields, ConversionError> {
    NormalizedFields::try_from(
        NormalizedFields::builder()
            .data_volume(job.number("dataVolume"))
            .data_volume_unit(job.text("dataVolumeUnit").map(DataVolumeUnit::from))
            .headcount(job.fields.get("headcount").and_then(Value::as_i64))
            .job_title(job.text("jobTitle").map(str::to_owned))
            .languages(job.strings("languages"))
            .payment_type(job.text("paymentType").map(PaymentType::from)),
    )
}

/// The draft envelope answered by create and PATCH.
pub(crate) fn envelope(job: &JobRec, draft_url: String) -> Result<DraftEnvelope, ConversionError> {
    let validation = validation(job)?;
    DraftEnvelope::try_from(
        DraftEnvelope::builder()
            .draft_url(Some(draft_url.clone()))
            .job_id(job.id.clone())
            .low_confidence_fields(Some(Value::Array(Vec::new())))
            .missing_fields(missing_fields(job)?)
            .normalized_fields(Some(normalized(job)?))
            .ok(Some(true))
            .review_url(Some(draft_url))
            .status(Some(job.status.clone()))
            .unmapped_fields(job.unmapped.clone())
            .validation(validation)
            .warnings(Some(Value::Array(Vec::new())))
            // As the quickstart's create example shows: the raw text kept, never auto-published.
            .import(Some(DraftEnvelopeImport::try_from(
                DraftEnvelopeImport::builder()
                    .raw_source_preserved(Some(true))
                    .auto_published(Some(false)),
            )?))
            .parser(serde_json::Map::from_iter([(
                "name".to_owned(),
                Value::String("opentrain-sandbox".to_owned()),
            )])),
    )
}

#[cfg(test)]
mod tests {
    use opentrain_gen::types::MissingField;
    use serde_json::{Value, json};

    use super::{envelope, missing_fields, validation};
    use crate::routes::lifecycle::JobRec;

    /// A draft with `fields` (a JSON object literal).
    fn draft(fields: Value) -> JobRec {
        JobRec::draft_for_tests(fields)
    }

    /// The `field` of each missing-field entry, in order.
    fn missing(job: &JobRec) -> Vec<String> {
        missing_fields(job)
            .expect("the entries build")
            .into_iter()
            .filter_map(|m| m.field)
            .collect()
    }

    #[test]
    fn an_empty_draft_lists_every_required_key_and_is_not_publish_ready() {
        let job = draft(json!({}));
        assert_eq!(
            missing(&job),
            [
                "jobTitle",
                "jobDescription",
                "headcount",
                "experienceLevel",
                "paymentType"
            ]
        );
        let report = validation(&job).expect("the report builds");
        assert!(!report.publish_ready);
        assert_eq!(report.missing_field_count, Some(5));
        assert_eq!(report.missing_fields.len(), 5);
    }

    #[test]
    fn enum_entries_offer_the_generated_values_and_a_prompt_naming_them() {
        let entries = missing_fields(&draft(json!({}))).expect("the entries build");
        let level = entries
            .iter()
            .find(|m| m.field.as_deref() == Some("experienceLevel"))
            .expect("experienceLevel is missing");
        assert_eq!(level.type_.as_deref(), Some("enum"));
        assert_eq!(
            level.enum_values.as_deref(),
            Some(
                &[
                    "EXPERT".to_owned(),
                    "ENTRY_LEVEL".to_owned(),
                    "INTERMEDIATE".to_owned(),
                    "ANY_EXPERIENCE_LEVEL".to_owned()
                ][..]
            )
        );
        assert!(
            level
                .prompt
                .as_deref()
                .is_some_and(|p| p.contains("EXPERT, ENTRY_LEVEL")),
            "{:?}",
            level.prompt
        );
        let pay = entries
            .iter()
            .find(|m| m.field.as_deref() == Some("paymentType"))
            .expect("paymentType is missing");
        assert_eq!(pay.example.as_deref(), Some("PAY_PER_LABEL"));
    }

    #[test]
    fn a_payment_type_without_its_rate_asks_for_that_rate() {
        for (payment, rate) in [
            ("PAY_PER_HOUR", "pricePerHour"),
            ("PAY_PER_LABEL", "pricePerLabel"),
            ("FIXED_PRICE", "fixedPrice"),
        ] {
            let job = draft(json!({
                "jobTitle": "T",
                "jobDescription": "D",
                "headcount": 2,
                "experienceLevel": "EXPERT",
                "paymentType": payment,
            }));
            assert_eq!(missing(&job), [rate], "{payment}");
        }
    }

    #[test]
    fn a_complete_draft_is_publish_ready_with_nothing_missing() {
        let job = draft(json!({
            "jobTitle": "Spanish Sentiment Labeling",
            "jobDescription": "Label 20,000 posts.",
            "headcount": 5,
            "experienceLevel": "INTERMEDIATE",
            "paymentType": "PAY_PER_LABEL",
            "pricePerLabel": 0.05,
        }));
        let report = validation(&job).expect("the report builds");
        assert!(report.publish_ready);
        assert_eq!(report.missing_field_count, Some(0));
        assert!(report.missing_fields.is_empty());
    }

    #[test]
    fn the_envelope_carries_the_report_and_the_normalized_fields() {
        let job = draft(json!({
            "jobTitle": "Image QA",
            "headcount": 3,
            "paymentType": "PAY_PER_HOUR",
            "dataVolume": 500,
            "dataVolumeUnit": "NUMBER_OF_FILES",
            "languages": ["English"],
        }));
        let env = envelope(&job, "http://127.0.0.1/jobs/job_00001".to_owned())
            .expect("the envelope builds");
        assert_eq!(env.job_id, "job_00001");
        assert!(!env.validation.publish_ready);
        let missing: Vec<String> = env
            .validation
            .missing_fields
            .iter()
            .filter_map(|m| match m {
                MissingField::MissingFieldDetail(d) => d.field.clone(),
                MissingField::String(s) => Some(s.clone()),
            })
            .collect();
        assert_eq!(
            missing,
            ["jobDescription", "experienceLevel", "pricePerHour"]
        );
        let normalized = serde_json::to_value(env.normalized_fields).expect("it serializes");
        assert_eq!(normalized["jobTitle"], json!("Image QA"));
        assert_eq!(normalized["headcount"], json!(3));
        assert_eq!(normalized["paymentType"], json!("PAY_PER_HOUR"));
        assert_eq!(normalized["dataVolumeUnit"], json!("NUMBER_OF_FILES"));
        assert_eq!(normalized["languages"], json!(["English"]));
    }
}
