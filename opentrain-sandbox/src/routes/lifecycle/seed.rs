//! The records every sandbox starts with: a handful of AI trainers (who apply to published jobs
//! and can be invited) and three open jobs of another company, so marketplace search, facets
//! and profiles answer something useful before a test publishes anything.

use chrono::{DateTime, Utc};
use opentrain_gen::types::JobStatus;
use serde_json::json;

use super::{Freelancer, JobRec};

/// The seeded AI trainers. `usr_fl_sam` is unavailable (an invite answers 409
/// `freelancer_unavailable`); the others apply to published jobs in turn.
pub(crate) fn freelancers() -> Vec<Freelancer> {
    vec![
        Freelancer {
            id: "usr_fl_maria",
            slug: "maria-g",
            first_name: "Maria",
            last_initial: "G",
            title: "Text Annotation Specialist",
            bio: "Native Spanish speaker with 4 years of NLP annotation experience.",
            city: "Madrid",
            country: "Spain",
            country_code: "ES",
            hourly_rate: 18.0,
            languages: &[("Spanish", "NATIVE"), ("English", "FLUENT")],
            tags: &["SENTIMENT_ANALYSIS", "TEXT_CLASSIFICATION"],
            data_types: &["TEXT"],
            label_types: &["CLASSIFICATION"],
            earned_usd: 2400.0,
            review_count: 7,
            rating: 4.9,
            interview_score: 86.0,
            match_score: 0.91,
            available: true,
        },
        Freelancer {
            id: "usr_fl_alex",
            slug: "alex-r",
            first_name: "Alex",
            last_initial: "R",
            title: "Senior AI Trainer",
            bio: "Bounding boxes, polygons and QA review for autonomous-driving datasets.",
            city: "Austin",
            country: "United States",
            country_code: "US",
            hourly_rate: 42.0,
            languages: &[("English", "NATIVE")],
            tags: &["BOUNDING_BOX", "POLYGON"],
            data_types: &["IMAGE", "VIDEO"],
            label_types: &["BOUNDING_BOX"],
            earned_usd: 12000.0,
            review_count: 9,
            rating: 4.8,
            interview_score: 78.0,
            match_score: 0.84,
            available: true,
        },
        Freelancer {
            id: "usr_fl_priya",
            slug: "priya-s",
            first_name: "Priya",
            last_initial: "S",
            title: "Audio Transcriber",
            bio: "Transcription and speaker diarization in Hindi and English.",
            city: "Pune",
            country: "India",
            country_code: "IN",
            hourly_rate: 12.0,
            languages: &[("Hindi", "NATIVE"), ("English", "FLUENT")],
            tags: &["TRANSCRIPTION", "DIARIZATION"],
            data_types: &["AUDIO"],
            label_types: &["TRANSCRIPTION"],
            earned_usd: 5100.0,
            review_count: 14,
            rating: 4.7,
            interview_score: 91.0,
            match_score: 0.88,
            available: true,
        },
        Freelancer {
            id: "usr_fl_lukas",
            slug: "lukas-m",
            first_name: "Lukas",
            last_initial: "M",
            title: "German Linguist",
            bio: "Named-entity and intent labeling for German customer-support text.",
            city: "Leipzig",
            country: "Germany",
            country_code: "DE",
            hourly_rate: 25.0,
            languages: &[("German", "NATIVE"), ("English", "FLUENT")],
            tags: &["NER", "INTENT_CLASSIFICATION"],
            data_types: &["TEXT"],
            label_types: &["NER"],
            earned_usd: 3300.0,
            review_count: 4,
            rating: 5.0,
            interview_score: 82.0,
            match_score: 0.79,
            available: true,
        },
        Freelancer {
            id: "usr_fl_chloe",
            slug: "chloe-d",
            first_name: "Chloe",
            last_initial: "D",
            title: "French RLHF Rater",
            bio: "Preference ranking and response rewriting for French chat models.",
            city: "Lyon",
            country: "France",
            country_code: "FR",
            hourly_rate: 30.0,
            languages: &[("French", "NATIVE"), ("English", "FLUENT")],
            tags: &["RLHF", "RANKING"],
            data_types: &["TEXT"],
            label_types: &["RANKING"],
            earned_usd: 7800.0,
            review_count: 11,
            rating: 4.9,
            interview_score: 88.0,
            match_score: 0.86,
            available: true,
        },
        Freelancer {
            id: "usr_fl_sam",
            slug: "sam-w",
            first_name: "Sam",
            last_initial: "W",
            title: "Video Annotator",
            bio: "Action recognition and temporal segmentation. Not taking new work.",
            city: "Leeds",
            country: "United Kingdom",
            country_code: "GB",
            hourly_rate: 20.0,
            languages: &[("English", "NATIVE")],
            tags: &["ACTION_RECOGNITION"],
            data_types: &["VIDEO"],
            label_types: &["SEGMENTATION"],
            earned_usd: 900.0,
            review_count: 2,
            rating: 4.5,
            interview_score: 74.0,
            match_score: 0.62,
            available: false,
        },
    ]
}

/// A fixed instant (seconds since the epoch), for seeded records.
fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Three open jobs of "Northwind Labs", an employer that is not a sandbox account.
pub(crate) fn marketplace_jobs() -> Vec<JobRec> {
    let specs = [
        (
            "job_market_1",
            1_767_614_400, // 2026-01-05T12:00:00Z
            json!({
                "jobTitle": "Spanish Audio Annotation",
                "jobDescription": "Transcribe and annotate Spanish call-center audio. Native Spanish speakers only.",
                "dataType": "Audio",
                "labelTypes": ["Transcription"],
                "languages": ["Spanish"],
                "countries": [],
                "experienceLevel": "INTERMEDIATE",
                "paymentType": "PAY_PER_HOUR",
                "pricePerHour": 12,
                "headcount": 6
            }),
        ),
        (
            "job_market_2",
            1_768_219_200, // 2026-01-12T12:00:00Z
            json!({
                "jobTitle": "Product Image Bounding Boxes",
                "jobDescription": "Draw bounding boxes around products in 40,000 retail shelf images.",
                "dataType": "Image",
                "labelTypes": ["Bounding Box"],
                "languages": ["English"],
                "countries": ["US", "IN"],
                "experienceLevel": "ENTRY_LEVEL",
                "paymentType": "PAY_PER_LABEL",
                "pricePerLabel": 0.04,
                "headcount": 20
            }),
        ),
        (
            "job_market_3",
            1_768_824_000, // 2026-01-19T12:00:00Z
            json!({
                "jobTitle": "German Chatbot Response Review",
                "jobDescription": "Rate and rewrite German chatbot answers for a customer-support model.",
                "dataType": "Text",
                "labelTypes": ["Ranking"],
                "languages": ["German", "English"],
                "countries": ["DE"],
                "experienceLevel": "EXPERT",
                "paymentType": "FIXED_PRICE",
                "fixedPrice": 1500,
                "headcount": 2
            }),
        ),
    ];
    specs
        .into_iter()
        .map(|(id, seconds, fields)| JobRec {
            id: id.to_owned(),
            account_id: "org_northwind".to_owned(),
            company: Some("Northwind Labs".to_owned()),
            status: JobStatus::Open,
            fields: match fields {
                serde_json::Value::Object(map) => map,
                _ => serde_json::Map::new(),
            },
            created_at: at(seconds),
            updated_at: at(seconds),
            published_at: Some(at(seconds)),
            idempotency_key: None,
            unmapped: Vec::new(),
        })
        .collect()
}
