//! How the drafting loop ends when it does not succeed: [`PostJobError`], one variant per
//! outcome of its own (the loop's stops and the documented publish refusals), each with what a
//! caller needs to act on it, carried by [`Error::PostJob`]; and the sorting of a publish
//! failure into them. Any other failure of the loop's requests is the request's own [`Error`].

use serde_json::Value;

use super::draft::merge_missing;
use super::{Draft, MissingField};
use crate::types::{DraftValidation, ErrorReason};
use crate::{ApiError, Error};

#[cfg(doc)]
use super::Answer;

/// The drafting loop's own outcomes other than success, each with what a caller needs to act
/// on it: [`Client::post_job`](crate::Client::post_job) returns them as [`Error::PostJob`]
/// (a failed request of the loop is that request's own [`Error`] instead).
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

    /// Sorts a publish failure into its documented outcome ([`Error::PostJob`]); any other
    /// failure is returned as it is.
    pub(super) fn from_publish(job_id: &str, error: Error) -> Error {
        let Error::Api(api) = error else {
            return error;
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
            }
            .into();
        }
        if api.reason() == Some(&ErrorReason::ModerationBlocked) {
            return Self::ModerationBlocked {
                job_id,
                reasons: api.moderation_reasons(),
                error: api,
            }
            .into();
        }
        if api.is_daily_limit()
            && let (Some(limit), Some(window_hours)) = (api.limit(), api.window_hours())
        {
            return Self::DailyLimit {
                job_id,
                limit,
                window_hours,
                error: api,
            }
            .into();
        }
        Error::Api(api)
    }
}
