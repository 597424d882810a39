//! Webhooks: subscribing an HTTPS endpoint to events, listing, reading and deleting
//! subscriptions. The signing secret is in the create result only, once.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, NoParams, count, id, json_of, list_lines, shown, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_create_webhook" => create_webhook(CreateWebhook), Write, CREATE_WEBHOOK;
    "opentrain_list_webhooks" => list_webhooks(NoParams), Read, LIST_WEBHOOKS;
    "opentrain_get_webhook" => get_webhook(WebhookId), Read, GET_WEBHOOK;
    "opentrain_delete_webhook" => delete_webhook(WebhookId), Destructive, DELETE_WEBHOOK;
}

const CREATE_WEBHOOK: &str = "Subscribe an HTTPS URL to platform events (push instead of \
polling). Deliveries are signed with HMAC-SHA256 (X-OpenTrain-Signature). The signing secret is \
returned once, in this result: store it immediately. Only events created after the subscription \
are delivered. Requires: webhooks:manage, the public_api_webhooks feature and the read scope of \
each subscribed event type. Wraps POST /webhooks.";

const LIST_WEBHOOKS: &str = "List all webhook subscriptions with URL, event types and status. \
Signing secrets are never included. Requires: webhooks:manage and the public_api_webhooks \
feature. Wraps GET /webhooks.";

const GET_WEBHOOK: &str = "Read one webhook subscription: URL, event types, status (ACTIVE or \
DISABLED) and failure or disable details. The signing secret is never returned; if it is lost, \
delete and re-create the subscription. Requires: webhooks:manage and the public_api_webhooks \
feature. Wraps GET /webhooks/{webhookId}.";

const DELETE_WEBHOOK: &str = "Delete a webhook subscription and stop its deliveries. This is \
also how a DISABLED subscription is resumed: delete it and create a new one (with a new secret). \
Requires: webhooks:manage and the public_api_webhooks feature. Wraps DELETE \
/webhooks/{webhookId}.";

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

/// Parameters of the tools that take one webhook id.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WebhookId {
    /// Webhook subscription id
    webhook_id: String,
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

async fn list_webhooks(ctx: &Ctx, _params: NoParams) -> Outcome {
    let client = ctx.session.client()?;
    let list = client.list_webhooks().send().await?.into_inner();
    let value = json_of(&list);
    let summary = format!(
        "{} webhook(s):{}",
        count(&value, "webhooks"),
        list_lines(&value, "webhooks", &["/id", "/status", "/url"])
    );
    ToolOutput::sent(&client, summary, &list)
}

async fn get_webhook(ctx: &Ctx, params: WebhookId) -> Outcome {
    let webhook_id = id(&params.webhook_id, "webhookId")?;
    let client = ctx.session.client()?;
    let webhook = client
        .get_webhook()
        .webhook_id(webhook_id)
        .send()
        .await?
        .into_inner();
    let value = json_of(&webhook);
    let status = shown(&value, "/webhook/status").unwrap_or_else(|| "(not stated)".into());
    ToolOutput::sent(
        &client,
        format!("Webhook {webhook_id} is {status}."),
        &webhook,
    )
}

async fn delete_webhook(ctx: &Ctx, params: WebhookId) -> Outcome {
    let webhook_id = id(&params.webhook_id, "webhookId")?;
    let client = ctx.session.client()?;
    let deleted = client
        .delete_webhook()
        .webhook_id(webhook_id)
        .send()
        .await?
        .into_inner();
    ToolOutput::sent(
        &client,
        format!("Deleted webhook {webhook_id}; its deliveries stop."),
        &deleted,
    )
}
