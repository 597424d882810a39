//! `GET /payments/pending`: the funding invoices still waiting for their co-sign, in the
//! documented pending-payment shape.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use opentrain_gen::types::{
    PendingPayment, PendingPaymentJob, PendingPaymentList, PendingPaymentMilestone,
    PendingPaymentStatus, Scope,
};

use super::cents;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::ok;

/// `GET /payments/pending`: funding invoices still waiting for their co-sign, newest first.
pub(crate) async fn pending_payments(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::PaymentsRead)?;
    let market = &st.market;
    let payments = market
        .invoices
        .iter()
        .rev()
        .filter(|i| i.account_id == p.account_id && i.pending)
        .map(|i| {
            let job = market
                .contract(&i.contract_id)
                .and_then(|c| market.job(&c.job_id));
            let job = job
                .map(|j| {
                    PendingPaymentJob::try_from(
                        PendingPaymentJob::builder()
                            .id(Some(j.id.clone()))
                            .title(Some(j.title())),
                    )
                })
                .transpose()?;
            let milestone = market
                .milestone(&i.milestone_id)
                .map(|m| {
                    PendingPaymentMilestone::try_from(
                        PendingPaymentMilestone::builder()
                            .id(Some(m.id.clone()))
                            .name(m.name.clone()),
                    )
                })
                .transpose()?;
            PendingPayment::try_from(
                PendingPayment::builder()
                    .amount_usd(Some(cents(i.amount_usd)))
                    .created_at(Some(i.created_at))
                    .id(i.id.clone())
                    .invoice_kind(Some("FUNDING".to_owned()))
                    .invoice_number(Some(i.number))
                    .job(job)
                    .milestone(milestone)
                    .status(Some(PendingPaymentStatus::PendingFunding))
                    .viewer_role(Some("EMPLOYER".to_owned())),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    ok(&PendingPaymentList::try_from(
        PendingPaymentList::builder().payments(payments),
    )?)
}
