//! Credits: the prepaid balance, its ledger, and top-ups (a Stripe checkout a human pays).

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, NoParams, id, json_of, limit, page_summary, shown, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_get_credits" => get_credits(NoParams), Read, GET_CREDITS;
    "opentrain_list_credit_ledger" => list_credit_ledger(ListLedger), Read, LIST_CREDIT_LEDGER;
    "opentrain_create_credit_top_up" => create_credit_top_up(CreateTopUp), Write, CREATE_CREDIT_TOP_UP;
    "opentrain_get_credit_top_up" => get_credit_top_up(TopUpId), Read, GET_CREDIT_TOP_UP;
}

const GET_CREDITS: &str = "Read the prepaid credit balance: available, reserved (escrow holds) \
and recent entries. Requires: payments:read and the public_api_credits feature. Wraps GET \
/credits.";

const LIST_CREDIT_LEDGER: &str = "Page through the credit ledger (top-ups, escrow holds, hold \
releases, captures, refunds, adjustments), newest first; each entry links its top-up, proposal, \
contract or milestone ids. Requires: payments:read and the public_api_credits feature. Wraps GET \
/credits/ledger.";

const CREATE_CREDIT_TOP_UP: &str = "Start a credit top-up of $10 to $10,000. Moves no money: it \
returns a Stripe checkoutUrl that a signed-in human must open and pay (expires in about 24 h); \
the balance updates once paid. Requires: payments:write, the public_api_credits feature and a \
claimed account. Next: opentrain_get_credit_top_up. Wraps POST /credits/top-ups.";

const GET_CREDIT_TOP_UP: &str = "Check a top-up: pending (awaiting the human's payment), \
completed (credits added), canceled or expired. Requires: payments:read and the \
public_api_credits feature. Wraps GET /credits/top-ups/{topUpId}.";

/// Parameters of `opentrain_list_credit_ledger`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListLedger {
    /// nextCursor from a previous page
    cursor: Option<String>,
    /// Page size, 1–100 (default 50)
    #[schemars(extend("default" = 50))]
    limit: Option<super::PageLimit<100>>,
}

/// Parameters of `opentrain_create_credit_top_up`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateTopUp {
    /// Top-up amount in USD (min $10, max $10,000)
    #[schemars(range(min = 10, max = 10000))]
    amount_usd: f64,
}

/// Parameters of `opentrain_get_credit_top_up`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TopUpId {
    /// Top-up id from opentrain_create_credit_top_up
    top_up_id: String,
}

async fn get_credits(ctx: &Ctx, _params: NoParams) -> Outcome {
    let client = ctx.session.client()?;
    let credits = client.get_credits().send().await?.into_inner();
    let value = json_of(&credits);
    let mut summary = String::from("Credit balance:");
    for (label, pointer) in [
        ("available (cents)", "/credits/availableCents"),
        ("reserved (cents)", "/credits/reservedCents"),
        ("currency", "/credits/currency"),
    ] {
        if let Some(v) = shown(&value, pointer) {
            summary.push_str(&format!(" {label}: {v};"));
        }
    }
    summary.push_str(" details in structuredContent.");
    ToolOutput::sent(&client, summary, &credits)
}

async fn list_credit_ledger(ctx: &Ctx, params: ListLedger) -> Outcome {
    let limit = limit(params.limit);
    let client = ctx.session.client()?;
    let mut request = client.list_credit_ledger();
    if let Some(cursor) = params.cursor.filter(|c| !c.is_empty()) {
        request = request.cursor(cursor);
    }
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    let page = request.send().await?.into_inner();
    let value = json_of(&page);
    let summary = page_summary(
        &value,
        "ledger entr(ies)",
        "entries",
        &["/id", "/type", "/amountCents", "/createdAt"],
    );
    ToolOutput::sent(&client, summary, &page)
}

async fn create_credit_top_up(ctx: &Ctx, params: CreateTopUp) -> Outcome {
    if !(10.0..=10_000.0).contains(&params.amount_usd) {
        return Err(ToolFailure::argument(format!(
            "amountUsd must be from 10 to 10000 (US dollars), got {}",
            params.amount_usd
        )));
    }
    let request: types::CreateTopUpRequest = super::built(
        types::CreateTopUpRequest::builder().amount_usd(params.amount_usd),
        "top-up",
    )?;
    let client = ctx.session.client()?;
    let created = client
        .create_top_up()
        .body(request)
        .send()
        .await?
        .into_inner();
    let value = json_of(&created);
    let id = text_at(&value, "/topUpId").unwrap_or("(not stated)");
    let url = text_at(&value, "/checkoutUrl").unwrap_or("(not stated)");
    ToolOutput::sent(
        &client,
        format!(
            "Top-up {id} started: no money has moved. A person must open {url} while signed in \
             and pay (the link expires in about 24 h). Next: opentrain_get_credit_top_up with \
             topUpId {id}."
        ),
        &created,
    )
}

async fn get_credit_top_up(ctx: &Ctx, params: TopUpId) -> Outcome {
    let top_up_id = id(&params.top_up_id, "topUpId")?;
    let client = ctx.session.client()?;
    let top_up = client
        .get_top_up()
        .top_up_id(top_up_id)
        .send()
        .await?
        .into_inner();
    let value = json_of(&top_up);
    let status = shown(&value, "/topUp/status").unwrap_or_else(|| "(not stated)".into());
    ToolOutput::sent(&client, format!("Top-up {top_up_id} is {status}."), &top_up)
}
