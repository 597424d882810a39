//! The tokenless marketplace reads: search over open jobs, facets, the change feed and one job
//! (a listed job that closed answers the documented minimal 404 body).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    FacetCount, JobChange, JobChangesPage, JobFacets, JobSearchPage, JobStatus, JobSummary,
    PayTypeFacetCount, PaymentType, UnlistedJob,
};

use super::listing::{category_of, summary};
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::lifecycle::{JobChangeRec, JobRec, Market, job_not_found};
use crate::routes::{Params, limit, ok, page, params, with_status};

/// The most change-feed events one call returns (documented).
const CHANGES_CAP: usize = 5_000;

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

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::{counted, instant};

    #[test]
    fn instant_reads_rfc3339_and_a_bare_date_as_its_midnight_utc() {
        let midnight = DateTime::from_timestamp(1_782_864_000, 0);
        assert_eq!(instant("2026-07-01"), midnight);
        assert_eq!(instant(" 2026-07-01T02:00:00+02:00 "), midnight);
        assert_eq!(instant("yesterday"), None);
        assert_eq!(instant("2026-02-30"), None);
    }

    #[test]
    fn counted_orders_by_count_then_by_value() {
        let values = ["Text", "Audio", "Image", "Audio", "Image", "Audio"];
        assert_eq!(
            counted(values.iter().map(|v| (*v).to_owned())),
            [
                ("Audio".to_owned(), 3),
                ("Image".to_owned(), 2),
                ("Text".to_owned(), 1)
            ]
        );
    }
}
