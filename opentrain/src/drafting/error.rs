//! How drafting and publishing end when they do not succeed: [`PostJobError`], one variant per
//! outcome (the loop's own stops, the documented publish refusals, any other API failure), each
//! with what a caller needs to act on it, and the sorting of a publish failure into them.

use serde_json::Value;

use super::draft::merge_missing;
use super::{Draft, MissingField};
use crate::types::{DraftValidation, ErrorReason};
use crate::{ApiError, Error};

#[cfg(doc)]
use super::Answer;

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

    pub(super) fn api(job_id: Option<&str>) -> impl FnOnce(Error) -> Self {
        let job_id = job_id.map(str::to_owned);
        move |error| Self::Api {
            job_id,
            error: Box::new(error),
        }
    }

    /// Sorts a publish failure into its documented outcome.
    pub(super) fn from_publish(job_id: &str, error: Error) -> Self {
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
