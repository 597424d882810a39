//! The draft vocabulary: the keys a PATCH accepts, the canonical values of the three draft enums
//! (taken from the generated open enums, never re-listed here), the rate key each payment type
//! goes with, and what other records read off these keys: an applicant's bid and the public
//! label of an experience level.

use opentrain_gen::types::{DataVolumeUnit, ExperienceLevel, PaymentType};

use crate::routes::lifecycle::{Freelancer, JobRec};

/// Every key `PATCH /job-drafts/{jobId}` and `PATCH /jobs/{id}` accept (the documented list).
pub(crate) const UPDATE_KEYS: [&str; 26] = [
    "jobTitle",
    "jobDescription",
    "labelingOverview",
    "datasetDescription",
    "dataType",
    "subjectMatter",
    "dataVolume",
    "dataVolumeUnit",
    "labelingSoftware",
    "headcount",
    "experienceLevel",
    "paymentType",
    "pricePerHour",
    "pricePerLabel",
    "fixedPrice",
    "countries",
    "languages",
    "labelTypes",
    "aiInterviewRequirements",
    "budgetRange",
    "workloadDesc",
    "timeRequirement",
    "projectDuration",
    "freelancerType",
    "projectScope",
    "visibility",
];

/// The canonical `paymentType` values: the documented values of the generated [`PaymentType`].
pub(crate) const PAYMENT_TYPES: &[&str] = PaymentType::DOCUMENTED;
/// The canonical `experienceLevel` values: the documented values of the generated
/// [`ExperienceLevel`].
pub(crate) const EXPERIENCE_LEVELS: &[&str] = ExperienceLevel::DOCUMENTED;
/// The canonical `dataVolumeUnit` values: the documented values of the generated
/// [`DataVolumeUnit`].
pub(crate) const DATA_VOLUME_UNITS: &[&str] = DataVolumeUnit::DOCUMENTED;

/// The rate key that goes with a payment type (`None` for a value the spec does not document).
pub(crate) fn rate_key(payment_type: &str) -> Option<&'static str> {
    match PaymentType::from(payment_type) {
        PaymentType::PayPerHour => Some("pricePerHour"),
        PaymentType::PayPerLabel => Some("pricePerLabel"),
        PaymentType::FixedPrice => Some("fixedPrice"),
        _ => None,
    }
}

/// The bid an applicant makes on `job`: the job's own rate in its unit (an hourly job without a
/// rate gets the trainer's hourly rate).
pub(crate) fn bid_for(
    job: &JobRec,
    freelancer: &Freelancer,
) -> (Option<f64>, Option<&'static str>) {
    match job.text("paymentType").map(PaymentType::from) {
        Some(PaymentType::PayPerLabel) => (job.number("pricePerLabel"), Some("PER_LABEL")),
        Some(PaymentType::FixedPrice) => (job.number("fixedPrice"), Some("FIXED_PRICE")),
        _ => (
            job.number("pricePerHour").or(Some(freelancer.hourly_rate)),
            Some("PER_HOUR"),
        ),
    }
}

/// The display label of a draft experience level (`INTERMEDIATE` -> `Intermediate`), as the
/// public job object shows it.
pub(crate) fn experience_label(level: &str) -> String {
    match ExperienceLevel::from(level) {
        ExperienceLevel::Expert => "Expert".into(),
        ExperienceLevel::EntryLevel => "Entry level".into(),
        ExperienceLevel::Intermediate => "Intermediate".into(),
        ExperienceLevel::AnyExperienceLevel => "Any experience level".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::DateTime;
    use opentrain_gen::types::JobStatus;
    use serde_json::{Value, json};

    use super::{
        EXPERIENCE_LEVELS, PAYMENT_TYPES, UPDATE_KEYS, bid_for, experience_label, rate_key,
    };
    use crate::routes::lifecycle::{Freelancer, JobRec};

    #[test]
    fn every_documented_payment_type_has_its_own_rate_key_among_the_update_keys() {
        let keys: Vec<&str> = PAYMENT_TYPES.iter().filter_map(|p| rate_key(p)).collect();
        assert_eq!(
            keys.len(),
            PAYMENT_TYPES.len(),
            "a payment type has no rate key"
        );
        assert_eq!(keys.iter().collect::<HashSet<_>>().len(), keys.len());
        assert!(keys.iter().all(|k| UPDATE_KEYS.contains(k)));
        assert_eq!(rate_key("WEEKLY"), None);
    }

    #[test]
    fn every_documented_experience_level_has_a_display_label() {
        for level in EXPERIENCE_LEVELS {
            assert_ne!(experience_label(level), *level, "no label for {level}");
        }
        assert_eq!(experience_label("ENTRY_LEVEL"), "Entry level");
        assert_eq!(experience_label("GURU"), "GURU", "an unknown value is kept");
    }

    #[test]
    fn an_applicant_bids_the_jobs_rate_in_its_unit_or_its_own_hourly_rate() {
        let freelancer = crate::routes::lifecycle::seed::freelancers()
            .into_iter()
            .next()
            .expect("a seeded trainer");
        let job = |fields: Value| {
            let Value::Object(fields) = fields else {
                panic!("fields must be an object");
            };
            let at = DateTime::from_timestamp(1_780_000_000, 0).expect("a valid timestamp");
            JobRec {
                id: "job_00001".to_owned(),
                account_id: "org_00001".to_owned(),
                company: None,
                status: JobStatus::Open,
                fields,
                created_at: at,
                updated_at: at,
                published_at: Some(at),
                idempotency_key: None,
                unmapped: Vec::new(),
            }
        };
        let bid = |fields: Value, f: &Freelancer| bid_for(&job(fields), f);
        assert_eq!(
            bid(
                json!({"paymentType": "PAY_PER_LABEL", "pricePerLabel": 0.05}),
                &freelancer
            ),
            (Some(0.05), Some("PER_LABEL"))
        );
        assert_eq!(
            bid(
                json!({"paymentType": "FIXED_PRICE", "fixedPrice": 500}),
                &freelancer
            ),
            (Some(500.0), Some("FIXED_PRICE"))
        );
        assert_eq!(
            bid(json!({"paymentType": "PAY_PER_HOUR"}), &freelancer),
            (Some(freelancer.hourly_rate), Some("PER_HOUR"))
        );
    }
}
