//! Updates: one cheap poll of the account's event feed (`opentrain_poll_updates`).

use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, count, json_of, limit, list_lines, text_at};
use crate::results::{Outcome, ToolOutput};

catalog! {
    "opentrain_poll_updates" => poll_updates(PollUpdates), Read, POLL_UPDATES;
}

const POLL_UPDATES: &str = "Poll the delta feed of account events (new proposals, proposal \
status changes, new messages, contracts, milestone changes, pending payments, confirmed \
approvals, budget state changes) in one cheap call instead of re-reading every resource. Omit \
cursor on the first poll, then pass the returned nextCursor. Payloads carry ids only: fetch \
details with the matching read tool. Event visibility follows the token's scopes \
(proposals:read, messages:read, payments:read). Wraps GET /updates.";

/// Parameters of `opentrain_poll_updates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PollUpdates {
    /// nextCursor from the previous poll; omit on the first poll
    cursor: Option<String>,
    /// Max events, 1–200 (default 50)
    #[schemars(extend("default" = 50))]
    limit: Option<super::PageLimit<200>>,
}

async fn poll_updates(ctx: &Ctx, params: PollUpdates) -> Outcome {
    let limit = limit(params.limit);
    let client = ctx.session.client()?;
    let mut request = client.poll_updates();
    if let Some(cursor) = params.cursor.filter(|c| !c.is_empty()) {
        request = request.cursor(cursor);
    }
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    let page = request.send().await?.into_inner();
    let value = json_of(&page);
    let mut summary = format!(
        "{} event(s):{}",
        count(&value, "events"),
        list_lines(
            &value,
            "events",
            &["/id", "/type", "/resourceId", "/createdAt"]
        )
    );
    if let Some(cursor) = text_at(&value, "/nextCursor") {
        let more = value.get("hasMore").and_then(|h| h.as_bool()) == Some(true);
        summary.push_str(&format!(
            "\nNext poll: cursor \"{cursor}\"{}.",
            if more {
                " (more events are waiting)"
            } else {
                ""
            }
        ));
    }
    ToolOutput::sent(&client, summary, &page)
}
