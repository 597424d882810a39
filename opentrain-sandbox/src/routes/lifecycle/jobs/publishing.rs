//! The job's own writes: publish (ownership, state, validation, the daily limit, moderation,
//! then the seeded applicants), live edits (re-moderated; a blocked edit sends the job back to
//! DRAFT) and close.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Duration;
use opentrain_gen::types::{
    ClosedJob, ErrorReason, JobChangeEventType, JobModeration, JobStatus, JobUpdateResult,
    PublishSideEffects, PublishedJob, Scope,
};

use crate::Feature;
use crate::app::App;
use crate::errors::{ApiError, new_details};
use crate::routes::lifecycle::{JobChangeRec, add_applicant, owned_job, parse};
use crate::routes::{object, ok};

/// Publishes allowed per 24 hours for a claimed account (documented).
const CLAIMED_DAILY_PUBLISHES: usize = 20;
/// Publishes allowed per 24 hours for an unclaimed account (documented).
const UNCLAIMED_DAILY_PUBLISHES: usize = 3;

/// `POST /jobs/{id}/publish`. Checks, in order: the job is yours (404), already open (200
/// `alreadyPublished`), a draft (409 otherwise: an archived job is not re-published),
/// publish-ready (400 with `details.validation`), the daily limit (429 `{limit,
/// windowHours: 24}`), moderation (403 `moderation_blocked` with `reasons`). Works pre-claim
/// within the lower limit. A successful publish seeds the configured number of proposals, each
/// recorded as `proposal.received`.
pub(crate) async fn publish(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::JobsWrite)?;
    st.require_feature(Feature::JobPublishing)?;
    let job = owned_job(&st.market, &id, &p.account_id)?.clone();
    let job_url = app.url(&format!("/jobs/{id}"));
    if job.status == JobStatus::Open {
        return ok(&PublishedJob::try_from(
            PublishedJob::builder()
                .already_published(Some(true))
                .job_id(id)
                .job_url(Some(job_url))
                .ok(Some(true))
                .status(Some(JobStatus::Open))
                .warnings(Vec::new()),
        )?);
    }
    if job.status != JobStatus::Draft {
        return Err(ApiError::conflict_plain(format!(
            "Job {id} is {}; only drafts can be published.",
            job.status
        ))
        .details(
            new_details()
                .job_id(Some(id.clone()))
                .status(Some(job.status.to_string()))
                .required_status(Some("DRAFT".to_owned())),
        ));
    }
    let report = parse::validation(&job)?;
    if !report.publish_ready {
        let missing = report.missing_field_count.unwrap_or_default();
        return Err(ApiError::bad_request(format!(
            "The draft is not publish-ready: {missing} required field(s) missing."
        ))
        .details(
            new_details()
                .job_id(Some(id.clone()))
                .validation(Some(report.clone())),
        ));
    }
    let daily = if p.claimed {
        CLAIMED_DAILY_PUBLISHES
    } else {
        UNCLAIMED_DAILY_PUBLISHES
    };
    let window_start = now - Duration::hours(24);
    let recent = st.account(&p.account_id).map_or(0, |a| {
        a.publishes.iter().filter(|t| **t > window_start).count()
    });
    if recent >= daily {
        return Err(ApiError::rate_limited(format!(
            "Daily publish limit reached: {daily} publishes per 24 hours for this account."
        ))
        .details(
            new_details()
                .limit(Some(daily as i64))
                .window_hours(Some(24)),
        ));
    }
    let reasons = st.market.moderate(&job);
    if !reasons.is_empty() {
        return Err(
            ApiError::forbidden("Content moderation blocked this job.").details(
                new_details()
                    .job_id(Some(id.clone()))
                    .reason(Some(ErrorReason::ModerationBlocked))
                    .reasons(reasons),
            ),
        );
    }
    if let Some(account) = st.account_mut(&p.account_id) {
        account.publishes.push(now);
    }
    if let Some(job) = st.market.job_mut(&id) {
        job.status = JobStatus::Open;
        job.published_at = Some(now);
        job.updated_at = now;
    }
    st.market.changes.push(JobChangeRec {
        job_id: id.clone(),
        event: JobChangeEventType::Published,
        at: now,
    });
    let attempt = st.next_id("pub");
    for _ in 0..app.inner.config.proposals_on_publish {
        add_applicant(&mut st, &id, now)?;
    }
    let side_effects = PublishSideEffects::try_from(
        PublishSideEffects::builder()
            .dispatched(Some(true))
            .status(Some("queued".to_owned())),
    )?;
    ok(&PublishedJob::try_from(
        PublishedJob::builder()
            .already_published(Some(false))
            .job_id(id)
            .job_url(Some(job_url))
            .ok(Some(true))
            .publish_attempt_id(Some(attempt))
            .side_effects(Some(side_effects))
            .status(Some(JobStatus::Open))
            .warnings(Vec::new()),
    )?)
}

/// `PATCH /jobs/{id}`: edits an OPEN job. Every edit is re-moderated; a blocked edit is still
/// applied, the job goes back to DRAFT (leaving the marketplace) and the answer is 409
/// `moderation_blocked`.
pub(crate) async fn update_job(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::JobsWrite)?;
    st.require_feature(Feature::JobPublishing)?;
    let body = object(&body, false)?;
    let job = owned_job(&st.market, &id, &p.account_id)?;
    if job.status != JobStatus::Open {
        let hint = if job.status == JobStatus::Draft {
            format!(" Edit drafts with PATCH /job-drafts/{id}.")
        } else {
            String::new()
        };
        return Err(ApiError::conflict_plain(format!(
            "Job {id} is {}, not OPEN.{hint}",
            job.status
        ))
        .details(
            new_details()
                .job_id(Some(id.clone()))
                .status(Some(job.status.to_string()))
                .required_status(Some("OPEN".to_owned())),
        ));
    }
    let changes = parse::check_patch(body)?;
    let mut edited = job.clone();
    parse::apply(&mut edited.fields, changes);
    edited.updated_at = now;
    let reasons = st.market.moderate(&edited);
    let blocked = !reasons.is_empty();
    if blocked {
        edited.status = JobStatus::Draft;
    }
    if let Some(slot) = st.market.job_mut(&id) {
        *slot = edited;
    }
    st.market.changes.push(JobChangeRec {
        job_id: id.clone(),
        event: if blocked {
            JobChangeEventType::Closed
        } else {
            JobChangeEventType::Updated
        },
        at: now,
    });
    if blocked {
        return Err(ApiError::conflict(
            ErrorReason::ModerationBlocked,
            "Content moderation rejected the edit: it was applied, and the job is a DRAFT again. Fix it and publish again.",
        )
        .with(|d| {
            d.job_id = Some(id.clone());
            d.reasons = reasons;
            d.status = Some("DRAFT".to_owned());
        }));
    }
    let moderation = JobModeration::try_from(
        JobModeration::builder()
            .decision(Some("ALLOW".to_owned()))
            .reasons(Vec::new()),
    )?;
    ok(&JobUpdateResult::try_from(
        JobUpdateResult::builder()
            .job_id(id)
            .moderation(Some(moderation))
            .ok(Some(true))
            .status(Some(JobStatus::Open)),
    )?)
}

/// `POST /jobs/{id}/close`: ARCHIVED; idempotent (`alreadyClosed`).
pub(crate) async fn close(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::JobsWrite)?;
    st.require_feature(Feature::JobPublishing)?;
    let was = owned_job(&st.market, &id, &p.account_id)?.status.clone();
    let already = was == JobStatus::Archived;
    if !already {
        if let Some(job) = st.market.job_mut(&id) {
            job.status = JobStatus::Archived;
            job.updated_at = now;
        }
        if was == JobStatus::Open {
            st.market.changes.push(JobChangeRec {
                job_id: id.clone(),
                event: JobChangeEventType::Closed,
                at: now,
            });
        }
    }
    ok(&ClosedJob::try_from(
        ClosedJob::builder()
            .already_closed(Some(already))
            .job_id(id)
            .ok(Some(true))
            .status(Some(JobStatus::Archived)),
    )?)
}
