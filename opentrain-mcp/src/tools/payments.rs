//! Payments: the read-only list of pending payments.

use super::{Ctx, NoParams, count, json_of, list_lines};
use crate::results::{Outcome, ToolOutput};

catalog! {
    "opentrain_list_pending_payments" => list_pending_payments(NoParams), Read, LIST_PENDING_PAYMENTS;
}

const LIST_PENDING_PAYMENTS: &str = "List pending payments on the account. Read-only: never \
releases funds (releasing is opentrain_request_milestone_approval, which a human confirms). \
Requires: payments:read. Wraps GET /payments/pending.";

async fn list_pending_payments(ctx: &Ctx, _params: NoParams) -> Outcome {
    let client = ctx.session.client()?;
    let list = client.list_pending_payments().send().await?.into_inner();
    let value = json_of(&list);
    let summary = format!(
        "{} pending payment(s):{}",
        count(&value, "payments"),
        list_lines(
            &value,
            "payments",
            &["/id", "/status", "/amountUsd", "/job/title"]
        )
    );
    ToolOutput::sent(&client, summary, &list)
}
