//! Webhooks: subscribing an HTTPS endpoint to events, listing, reading and deleting
//! subscriptions. The signing secret is in the create result only, once.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, id, json_of, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_create_webhook" => create_webhook(CreateWebhook), Write, CREATE_WEBHOOK;
}

const CREATE_WEBHOOK: &str = "Subscribe an HTTPS URL to platform events (push instead of \
polling). Deliveries are signed with HMAC-SHA256 (X-OpenTrain-Signature). The signing secret is \
returned once, in this result: store it immediately. Only events created after the subscription \
are delivered. Requires: webhooks:manage, the public_api_webhooks feature and the read scope of \
each subscribed event type. Wraps POST /webhooks.";

/// Parameters of `opentrain_create_webhook`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateWebhook {
    /// HTTPS endpoint that will receive signed deliveries
    url: String,
    /// Event types to subscribe to, e.g. ["proposal.received", "message.received"]
    event_types: Vec<String>,
}

async fn create_webhook(ctx: &Ctx, params: CreateWebhook) -> Outcome {
    let url = id(&params.url, "url")?;
    if params.event_types.is_empty() {
        return Err(ToolFailure::argument(
            "eventTypes must name at least one event type, e.g. [\"proposal.received\"]",
        ));
    }
    let event_types: Vec<types::EventType> = params
        .event_types
        .iter()
        .map(|e| types::EventType::from(e.as_str()))
        .collect();
    let request: types::CreateWebhookRequest = super::built(
        types::CreateWebhookRequest::builder()
            .url(url)
            .event_types(event_types),
        "webhook",
    )?;
    let client = ctx.session.client()?;
    let created = client
        .create_webhook()
        .body(request)
        .send()
        .await?
        .into_inner();
    let value = json_of(&created);
    let id = text_at(&value, "/webhook/id").unwrap_or("(not stated)");
    ToolOutput::sent(
        &client,
        format!(
            "Created webhook {id} for {url}. Its signing secret is in structuredContent (secret) \
             and is shown only this once: store it now to verify X-OpenTrain-Signature."
        ),
        &created,
    )
}
