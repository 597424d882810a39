//! Jobs and the public marketplace: publish (validation, moderation, daily limit), live edits,
//! close, your own jobs, the tokenless reads (search, one job, facets, change feed), invites
//! and the freelancer profile.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    ClosedJob, ErrorReason, FacetCount, FreelancerLabelExperience, FreelancerLanguage,
    FreelancerProfile, FreelancerProfileResponse, FreelancerReview, FreelancerSkills,
    FreelancerStats, JobChange, JobChangeEventType, JobChangesPage, JobFacets, JobInvite,
    JobModeration, JobPay, JobSearchPage, JobStatus, JobSummary, JobUpdateResult, MyJob, MyJobPage,
    PayTypeFacetCount, PaymentType, ProposalCounts, ProposalStatus, PublishSideEffects,
    PublishedJob, Scope, UnlistedJob,
};
use serde_json::Value;

use super::{
    Freelancer, JobChangeRec, JobRec, Market, ProposalRec, add_applicant, job_not_found, owned_job,
    parse,
};
use crate::Feature;
use crate::app::{App, State as AppState};
use crate::errors::{ApiError, new_details};
use crate::routes::{Params, limit, object, ok, page, params, with_status};

/// Publishes allowed per 24 hours for a claimed account (documented).
const CLAIMED_DAILY_PUBLISHES: usize = 20;
/// Publishes allowed per 24 hours for an unclaimed account (documented).
const UNCLAIMED_DAILY_PUBLISHES: usize = 3;
/// The most change-feed events one call returns (documented).
const CHANGES_CAP: usize = 5_000;
/// How long a listing stays valid after it is posted (the docs' example shows 56 days).
const LISTING_DAYS: i64 = 56;

/// A URL slug of a title.
fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Minimal HTML of a plain-text description.
fn html_of(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<p>{escaped}</p>")
}

/// The company name shown for a job.
fn company_of(st: &AppState, job: &JobRec) -> Option<String> {
    job.company.clone().or_else(|| {
        st.account(&job.account_id)
            .map(|a| a.organization_name.clone())
    })
}

/// The listing category, derived from the job's data type (`Audio` -> `Audio Annotation`).
fn category_of(job: &JobRec) -> Option<String> {
    job.text("dataType").map(|d| format!("{d} Annotation"))
}

/// The public job object.
fn summary(app: &App, st: &AppState, job: &JobRec) -> Result<JobSummary, ConversionError> {
    let title = job.title();
    let slug = slugify(&title);
    let description = job.text("jobDescription").unwrap_or_default().to_owned();
    let posted = job.published_at;
    let label_types = job.strings("labelTypes");
    let pay = JobPay::try_from(
        JobPay::builder()
            .currency(Some("USD".to_owned()))
            .fixed_price(job.number("fixedPrice"))
            .hourly_rate(job.number("pricePerHour"))
            .payment_type(job.text("paymentType").map(PaymentType::from))
            .per_label_rate(job.number("pricePerLabel")),
    )?;
    JobSummary::try_from(
        JobSummary::builder()
            .apply_url(Some(
                app.url(&format!("/api/out?job={}&src=www_seo", job.id)),
            ))
            .category(category_of(job))
            .company_name(company_of(st, job))
            .countries(job.strings("countries"))
            .data_type(job.text("dataType").map(str::to_owned))
            .date_posted(posted)
            .description_html(Some(html_of(&description)))
            .description_text(Some(description))
            .employment_types(vec!["CONTRACTOR".to_owned()])
            .experience_level(job.text("experienceLevel").map(parse::experience_label))
            .id(job.id.clone())
            .label_types(label_types.clone())
            .labeling_software(job.text("labelingSoftware").map(str::to_owned))
            .languages(job.strings("languages"))
            .pay(Some(pay))
            .skills(label_types)
            .slug(Some(slug.clone()))
            .status(Some(job.status.clone()))
            .title(Some(title))
            .updated_at(Some(job.updated_at))
            .url(Some(app.url(&format!("/jobs/{slug}-{}", job.id))))
            .valid_through(posted.map(|p| p + Duration::days(LISTING_DAYS))),
    )
}

/// Open jobs, newest posted first.
fn open_jobs(market: &Market) -> Vec<&JobRec> {
    let mut open: Vec<&JobRec> = market
        .jobs
        .iter()
        .filter(|j| j.status == JobStatus::Open)
        .collect();
    open.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    open
}

/// Whether `values` contains `wanted`, ignoring case.
fn has(values: &[String], wanted: &str) -> bool {
    values.iter().any(|v| v.eq_ignore_ascii_case(wanted))
}

/// `GET /jobs` (tokenless): every word of `q` must appear in the title or description;
/// `language`, `country`, `category` and `payType` filter; cursor paging, 20 per page by
/// default (the docs give no default), at most 100.
pub(crate) async fn search(State(app): State<App>, query: Params) -> Result<Response, ApiError> {
    let params = params(query)?;
    let limit = limit(&params, 20, 100)?;
    let pay_type = match params.get("payType").filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => {
            let parsed = PaymentType::from(raw.as_str());
            if parsed.is_unknown() {
                return Err(ApiError::bad_field(
                    "payType",
                    "payType must be PAY_PER_HOUR, FIXED_PRICE or PAY_PER_LABEL.",
                ));
            }
            Some(parsed)
        }
    };
    let words: Vec<String> = params
        .get("q")
        .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
        .unwrap_or_default();
    let now = app.now();
    let st = app.state();
    let items: Vec<(String, JobSummary)> = open_jobs(&st.market)
        .into_iter()
        .filter(|job| {
            let haystack = format!(
                "{} {}",
                job.title(),
                job.text("jobDescription").unwrap_or_default()
            )
            .to_lowercase();
            words.iter().all(|w| haystack.contains(w))
                && params
                    .get("language")
                    .is_none_or(|l| has(&job.strings("languages"), l))
                && params
                    .get("country")
                    .is_none_or(|c| has(&job.strings("countries"), c))
                && params
                    .get("category")
                    .is_none_or(|c| category_of(job).is_some_and(|k| k.eq_ignore_ascii_case(c)))
                && pay_type
                    .as_ref()
                    .is_none_or(|p| job.text("paymentType") == Some(p.as_str()))
        })
        .map(|job| Ok((job.id.clone(), summary(&app, &st, job)?)))
        .collect::<Result<_, ConversionError>>()?;
    let (jobs, next_cursor) = page(items, params.get("cursor").map(String::as_str), limit)?;
    ok(&JobSearchPage::try_from(
        JobSearchPage::builder()
            .generated_at(Some(now))
            .jobs(jobs)
            .next_cursor(next_cursor),
    )?)
}

/// Counts of `values`, most frequent first (ties by value).
fn counted(values: impl Iterator<Item = String>) -> Vec<(String, i64)> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut out: Vec<(String, i64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// `GET /jobs/facets` (tokenless): counts over open jobs.
pub(crate) async fn facets(State(app): State<App>) -> Result<Response, ApiError> {
    let now = app.now();
    let st = app.state();
    let open = open_jobs(&st.market);
    let facet = |pairs: Vec<(String, i64)>| {
        pairs
            .into_iter()
            .map(|(value, count)| {
                FacetCount::try_from(FacetCount::builder().count(Some(count)).value(Some(value)))
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let pay_types = counted(
        open.iter()
            .filter_map(|j| j.text("paymentType").map(str::to_owned)),
    )
    .into_iter()
    .map(|(value, count)| {
        PayTypeFacetCount::try_from(
            PayTypeFacetCount::builder()
                .count(Some(count))
                .value(Some(PaymentType::from(value.as_str()))),
        )
    })
    .collect::<Result<Vec<_>, _>>()?;
    ok(&JobFacets::try_from(
        JobFacets::builder()
            .categories(facet(counted(open.iter().filter_map(|j| category_of(j))))?)
            .countries(facet(counted(
                open.iter().flat_map(|j| j.strings("countries")),
            ))?)
            .generated_at(Some(now))
            .languages(facet(counted(
                open.iter().flat_map(|j| j.strings("languages")),
            ))?)
            .pay_types(pay_types)
            .total_jobs(Some(open.len() as i64)),
    )?)
}

/// An ISO 8601 instant (RFC 3339, or a date meaning its midnight UTC).
fn instant(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// `GET /jobs/changes?since=` (tokenless): the latest event per job at or after `since`, oldest
/// first, at most 5,000; when capped, `until` is the last returned event's time so the next
/// window starts there.
pub(crate) async fn changes(State(app): State<App>, query: Params) -> Result<Response, ApiError> {
    let params = params(query)?;
    let since = params
        .get("since")
        .and_then(|s| instant(s))
        .ok_or_else(|| ApiError::bad_field("since", "since is required: an ISO 8601 timestamp."))?;
    let now = app.now();
    let st = app.state();
    let mut latest: Vec<&JobChangeRec> = Vec::new();
    for change in st.market.changes.iter().filter(|c| c.at >= since) {
        match latest.iter_mut().find(|c| c.job_id == change.job_id) {
            Some(slot) if slot.at <= change.at => *slot = change,
            Some(_) => {}
            None => latest.push(change),
        }
    }
    latest.sort_by(|a, b| a.at.cmp(&b.at).then(a.job_id.cmp(&b.job_id)));
    let capped = latest.len() > CHANGES_CAP;
    latest.truncate(CHANGES_CAP);
    let until = if capped {
        latest.last().map_or(now, |c| c.at)
    } else {
        now
    };
    let changes = latest
        .into_iter()
        .map(|c| {
            JobChange::try_from(
                JobChange::builder()
                    .event_type(Some(c.event.clone()))
                    .job_id(Some(c.job_id.clone()))
                    .occurred_at(Some(c.at)),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&JobChangesPage::try_from(
        JobChangesPage::builder()
            .changes(changes)
            .generated_at(Some(now))
            .since(Some(since))
            .until(until),
    )?)
}

/// `GET /jobs/{id}` (tokenless). A job that was listed but is not open any more answers 404
/// with the documented minimal `{id, status: "closed"}` body; an unknown id (or a draft that
/// was never listed) answers the 404 envelope.
pub(crate) async fn get_job(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id.trim().is_empty() || id.chars().count() > 64 {
        return Err(ApiError::bad_field(
            "id",
            "The job id must be 1 to 64 characters.",
        ));
    }
    let st = app.state();
    let job = st.market.job(&id).ok_or_else(|| job_not_found(&id))?;
    match (&job.status, job.published_at) {
        (JobStatus::Open, _) => ok(&summary(&app, &st, job)?),
        (_, Some(_)) => with_status(
            StatusCode::NOT_FOUND,
            &UnlistedJob::try_from(
                UnlistedJob::builder()
                    .id(Some(id.clone()))
                    .status(Some("closed".to_owned())),
            )?,
        ),
        _ => Err(job_not_found(&id)),
    }
}

/// Proposal counts of a job.
fn counts(market: &Market, job_id: &str) -> Result<ProposalCounts, ConversionError> {
    let on_job = market.proposals.iter().filter(|p| p.job_id == job_id);
    let (mut total, mut unreviewed) = (0, 0);
    for p in on_job {
        total += 1;
        if p.status == ProposalStatus::Unreviewed {
            unreviewed += 1;
        }
    }
    ProposalCounts::try_from(
        ProposalCounts::builder()
            .total(Some(total))
            .unreviewed(Some(unreviewed)),
    )
}

/// The status values `GET /jobs/mine` accepts: the documented values of the generated
/// [`JobStatus`] (the filter accepts exactly those `JobStatus::from` knows).
const MINE_STATUSES: &[&str] = JobStatus::DOCUMENTED;

/// `GET /jobs/mine`: your jobs, drafts included, newest first.
pub(crate) async fn mine(
    State(app): State<App>,
    headers: HeaderMap,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::JobsRead)?;
    let limit = limit(&params, 25, 100)?;
    let status = match params.get("status").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let parsed = JobStatus::from(raw.to_uppercase().as_str());
            if parsed.is_unknown() {
                return Err(
                    ApiError::bad_request(format!("Unsupported status '{raw}'.")).details(
                        new_details()
                            .field(Some("status".to_owned()))
                            .supported_statuses(
                                MINE_STATUSES
                                    .iter()
                                    .map(|s| (*s).to_owned())
                                    .collect::<Vec<_>>(),
                            ),
                    ),
                );
            }
            Some(parsed)
        }
    };
    let items: Vec<(String, MyJob)> = st
        .market
        .jobs
        .iter()
        .rev()
        .filter(|j| j.account_id == p.account_id)
        .filter(|j| status.as_ref().is_none_or(|s| *s == j.status))
        .map(|j| {
            let open = j.status == JobStatus::Open;
            let job = MyJob::try_from(
                MyJob::builder()
                    .accepting_applicants(Some(open))
                    .created_at(Some(j.created_at))
                    .id(j.id.clone())
                    .job_url(Some(app.url(&format!("/jobs/{}", j.id))))
                    .proposal_counts(Some(counts(&st.market, &j.id)?))
                    .published(Some(open))
                    .status(Some(j.status.clone()))
                    .title(Some(j.title()))
                    .updated_at(Some(j.updated_at)),
            )?;
            Ok((j.id.clone(), job))
        })
        .collect::<Result<_, ConversionError>>()?;
    let (jobs, next_cursor) = page(items, params.get("cursor").map(String::as_str), limit)?;
    ok(&MyJobPage::try_from(
        MyJobPage::builder().jobs(jobs).next_cursor(next_cursor),
    )?)
}

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

/// `POST /jobs/{id}/invites`: an invited proposal (201), or the existing proposal of that
/// trainer on the job (200 `alreadyInvited`). 409 `job_not_published` unless the job is OPEN,
/// `not_a_freelancer` for the employer's own user id, `freelancer_unavailable` for a trainer
/// not taking work. No `proposal.received` fires: the trainer has not answered yet.
pub(crate) async fn invite(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::ProposalsWrite)?;
    st.require_feature(Feature::Hiring)?;
    p.require_claimed("invite AI trainers")?;
    let body = object(&body, false)?;
    let freelancer_id = match body.get("freelancerId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(ApiError::issues(
                "freelancerId is required: the AI trainer's user ID.",
                vec![serde_json::json!({
                    "code": "invalid_type",
                    "expected": "string",
                    "path": ["freelancerId"],
                    "message": "Required",
                })],
            )
            .with(|d| d.field = Some("freelancerId".to_owned())));
        }
    };
    let job = owned_job(&st.market, &id, &p.account_id)?.clone();
    let own_user = st.account(&p.account_id).map(|a| a.user_id.clone());
    if own_user.as_deref() == Some(freelancer_id.as_str()) {
        return Err(ApiError::conflict(
            ErrorReason::NotAFreelancer,
            "That user is not an AI trainer.",
        ));
    }
    let freelancer = st
        .market
        .freelancer(&freelancer_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found("users", "No such user.").with(|d| d.job_id = Some(id.clone()))
        })?;
    if job.status != JobStatus::Open {
        return Err(ApiError::conflict(
            ErrorReason::JobNotPublished,
            "Publish the job before inviting AI trainers.",
        )
        .with(|d| d.job_id = Some(id.clone())));
    }
    let existing = st
        .market
        .proposals
        .iter()
        .find(|pr| pr.job_id == id && pr.freelancer_id == freelancer.id)
        .map(|pr| pr.id.clone());
    if let Some(proposal_id) = existing {
        return ok(&JobInvite::try_from(
            JobInvite::builder()
                .already_invited(Some(true))
                .freelancer_id(Some(freelancer.id.to_owned()))
                .job_id(Some(id))
                .ok(Some(true))
                .proposal_id(proposal_id),
        )?);
    }
    if !freelancer.available {
        return Err(ApiError::conflict(
            ErrorReason::FreelancerUnavailable,
            "This AI trainer is not taking new work.",
        ));
    }
    let proposal_id = st.next_id("prop");
    let (bid_amount, bid_unit) = parse::bid_for(&job, &freelancer);
    st.market.proposals.push(ProposalRec {
        id: proposal_id.clone(),
        job_id: id.clone(),
        account_id: p.account_id.clone(),
        freelancer_id: freelancer.id.to_owned(),
        status: ProposalStatus::Unreviewed,
        created_at: now,
        updated_at: now,
        bid_amount,
        bid_unit,
        invited: true,
        conversation_id: None,
        contract_id: None,
    });
    with_status(
        StatusCode::CREATED,
        &JobInvite::try_from(
            JobInvite::builder()
                .already_invited(Some(false))
                .freelancer_id(Some(freelancer.id.to_owned()))
                .job_id(Some(id))
                .ok(Some(true))
                .proposal_id(proposal_id),
        )?,
    )
}

/// The masked public profile of a trainer.
pub(crate) fn profile(app: &App, f: &Freelancer) -> Result<FreelancerProfile, ConversionError> {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let experience = FreelancerLabelExperience::try_from(
        FreelancerLabelExperience::builder()
            .data_type(f.data_types.first().map(|s| (*s).to_owned()))
            .description(Some(f.bio.to_owned()))
            .from_year(Some(2023))
            .id(Some(format!("exp_{}", f.slug)))
            .label_types(strings(f.label_types))
            .ongoing(Some(true))
            .title(Some(f.title.to_owned())),
    )?;
    let languages = f
        .languages
        .iter()
        .map(|(language, proficiency)| {
            FreelancerLanguage::try_from(
                FreelancerLanguage::builder()
                    .language(Some((*language).to_owned()))
                    .proficiency(Some((*proficiency).to_owned())),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let review = FreelancerReview::try_from(
        FreelancerReview::builder()
            .comment(Some("Fast, precise, great guideline questions.".to_owned()))
            .created_at(DateTime::from_timestamp(1_768_910_400, 0))
            .id(Some(format!("rev_{}", f.slug)))
            .rating(Some(f.rating.round())),
    )?;
    let skills = FreelancerSkills::try_from(
        FreelancerSkills::builder()
            .data_types(strings(f.data_types))
            .label_types(strings(f.label_types))
            .software(Vec::new())
            .subject_matter(Vec::new())
            .tags(strings(f.tags)),
    )?;
    let stats = FreelancerStats::try_from(
        FreelancerStats::builder()
            .average_rating(Some(f.rating))
            .billed_hours(Some((f.earned_usd / f.hourly_rate).round()))
            .job_success_score(Some(95.0))
            .review_count(Some(f.review_count))
            .total_earned_usd(Some(f.earned_usd)),
    )?;
    FreelancerProfile::try_from(
        FreelancerProfile::builder()
            .member_since(DateTime::from_timestamp(1_709_373_600, 0))
            .availability(Some(
                if f.available {
                    "FULL_TIME"
                } else {
                    "NOT_AVAILABLE"
                }
                .to_owned(),
            ))
            .bio(Some(f.bio.to_owned()))
            .city(Some(f.city.to_owned()))
            .country(Some(f.country.to_owned()))
            .country_code(Some(f.country_code.to_owned()))
            .display_name(Some(f.display_name()))
            .education(Vec::new())
            .english_level(
                f.languages
                    .iter()
                    .find(|(l, _)| *l == "English")
                    .map(|(_, level)| (*level).to_owned()),
            )
            .expertise_level(Some(
                if f.rating >= 4.8 {
                    "EXPERT"
                } else {
                    "INTERMEDIATE"
                }
                .to_owned(),
            ))
            .first_name(Some(f.first_name.to_owned()))
            .hourly_rate_usd(Some(f.hourly_rate))
            .id(f.id.to_owned())
            .identity_verified(Some(true))
            .label_experience(vec![experience])
            .languages(languages)
            .last_name_initial(Some(f.last_initial.to_owned()))
            .profile_path(Some(format!("/profile/{}", f.slug)))
            .profile_photo_url(Some(app.url(&format!("/photos/{}.jpg", f.slug))))
            .profile_slug(Some(f.slug.to_owned()))
            .reviews(vec![review])
            .skills(Some(skills))
            .stats(Some(stats))
            .talent_type(Some("Individual".to_owned()))
            .title(Some(f.title.to_owned()))
            .work_experience(Vec::new()),
    )
}

/// `GET /freelancers/{idOrSlug}` (`proposals:read`).
pub(crate) async fn freelancer(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id_or_slug): Path<String>,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::ProposalsRead)?;
    let f = st
        .market
        .freelancer(&id_or_slug)
        .ok_or_else(|| ApiError::not_found("freelancers", "No such AI trainer."))?;
    ok(&FreelancerProfileResponse::try_from(
        FreelancerProfileResponse::builder().freelancer(profile(&app, f)?),
    )?)
}
