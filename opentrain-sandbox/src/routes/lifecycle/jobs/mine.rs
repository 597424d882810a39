//! `GET /jobs/mine`: the account's own jobs, drafts included, with their proposal counts and
//! the status filter (the documented `JobStatus` values).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{JobStatus, MyJob, MyJobPage, ProposalCounts, ProposalStatus, Scope};

use crate::app::App;
use crate::errors::{ApiError, new_details};
use crate::routes::lifecycle::Market;
use crate::routes::{Params, limit, ok, page, params};

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
