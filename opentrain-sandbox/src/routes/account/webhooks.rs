//! Webhook subscriptions: `POST /webhooks` (returns the `whsec_` secret once), `GET /webhooks`
//! (newest first, not paginated), `GET /webhooks/{webhookId}` and `DELETE
//! /webhooks/{webhookId}`. Every route needs `webhooks:manage` + `public_api_webhooks`;
//! creating one also needs the read scope of each subscribed type. Deliveries live in
//! `delivery.rs`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::{
    CreatedWebhook, DeletedWebhook, EventType, Scope, Webhook, WebhookList, WebhookResponse,
    WebhookStatus,
};

use crate::Feature;
use crate::app::{App, Principal, State as Records, covers, random_hex};
use crate::errors::ApiError;
use crate::events::scope_of;
use crate::routes::{object, ok, with_status};

/// The most subscriptions one account may hold.
pub(crate) const MAX_WEBHOOKS: usize = 10;

/// The longest accepted delivery URL.
const MAX_URL_CHARS: usize = 2048;

/// The documented reminder sent with a new secret.
const SECRET_MESSAGE: &str = "Store the secret now — it is only returned once. Use it to \
verify the X-OpenTrain-Signature header on deliveries.";

/// One subscription and what only the sandbox knows about it.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    pub(crate) account_id: String,
    pub(crate) webhook: Webhook,
    pub(crate) secret: String,
    /// The event-log length at creation: only later events are delivered (no backfill).
    pub(crate) start: usize,
    /// Failed attempts since the last successful one.
    pub(crate) consecutive_failures: u32,
}

/// Checks a delivery URL: at most 2048 characters, absolute, `https`, or plain `http` only for
/// `localhost`, `127.0.0.1` or `[::1]` (the docs allow `http` for localhost during
/// development; the loopback addresses are accepted too so tests can receive deliveries).
pub(crate) fn check_url(url: &str) -> Result<(), ApiError> {
    let invalid = |message: &str| ApiError::bad_field("url", message.to_owned());
    if url.chars().count() > MAX_URL_CHARS {
        return Err(invalid("url must be at most 2048 characters."));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("url must be an absolute URL without spaces."));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(invalid("url must be an absolute https URL."));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(invalid("url must name a host."));
    }
    let local = matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    );
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if local => Ok(()),
        _ => Err(invalid(
            "url must use https (plain http is allowed only for localhost).",
        )),
    }
}

/// The authenticated principal of a webhook route, after the shared gates.
fn gate(st: &mut Records, headers: &HeaderMap, app: &App) -> Result<Principal, ApiError> {
    let p = st.authenticate(headers, app.now())?;
    p.require(Scope::WebhooksManage)?;
    st.require_feature(Feature::Webhooks)?;
    Ok(p)
}

/// The subscription `webhook_id` of `account_id`, else 404 `{resource: "webhooks", webhookId}`.
fn find<'a>(
    st: &'a Records,
    account_id: &str,
    webhook_id: &str,
) -> Result<&'a Subscription, ApiError> {
    st.agents
        .webhooks
        .iter()
        .find(|s| s.account_id == account_id && s.webhook.id == webhook_id)
        .ok_or_else(|| {
            ApiError::not_found("webhooks", "No such webhook.")
                .with(|d| d.webhook_id = Some(webhook_id.to_owned()))
        })
}

/// `POST /webhooks` `{url, eventTypes}` → 201 `{webhook, secret, message}`. `eventTypes` must be
/// a non-empty array of the 8 documented types (duplicates removed); a type whose read scope
/// the token lacks is a 403 naming the missing scopes. The docs give no error for the
/// 10-subscription cap; the sandbox answers 400 with `details.limit`.
pub(crate) async fn create_webhook(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let now = app.now();
    let mut st = app.state();
    let p = gate(&mut st, &headers, &app)?;
    let body = object(&body, false)?;
    let url = match body.get("url") {
        Some(serde_json::Value::String(url)) => url.trim().to_owned(),
        _ => return Err(ApiError::bad_field("url", "url is required.")),
    };
    check_url(&url)?;
    let invalid_types = || {
        ApiError::bad_field(
            "eventTypes",
            format!(
                "eventTypes must be a non-empty array of: {}.",
                EventType::DOCUMENTED.join(", ")
            ),
        )
    };
    let raw_types = match body.get("eventTypes") {
        Some(serde_json::Value::Array(items)) if !items.is_empty() => items,
        _ => return Err(invalid_types()),
    };
    let mut event_types: Vec<EventType> = Vec::new();
    for item in raw_types {
        let event_type = item
            .as_str()
            .map(EventType::from)
            .filter(|t| !t.is_unknown())
            .ok_or_else(invalid_types)?;
        if !event_types.contains(&event_type) {
            event_types.push(event_type);
        }
    }
    let mut missing: Vec<Scope> = Vec::new();
    for scope in event_types.iter().map(scope_of) {
        if !covers(&p.scopes, &scope) && !missing.contains(&scope) {
            missing.push(scope);
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::missing_scope(&missing, &p.scopes));
    }
    let held = st
        .agents
        .webhooks
        .iter()
        .filter(|s| s.account_id == p.account_id)
        .count();
    if held >= MAX_WEBHOOKS {
        return Err(ApiError::bad_request(format!(
            "This account already has {MAX_WEBHOOKS} webhook subscriptions; delete one first."
        ))
        .with(|d| d.limit = Some(MAX_WEBHOOKS as i64)));
    }
    let webhook = Webhook::try_from(
        Webhook::builder()
            .created_at(Some(now))
            .event_types(event_types)
            .id(st.next_id("whk"))
            .status(WebhookStatus::Active)
            .url(url),
    )?;
    let secret = format!("whsec_{}", random_hex(24));
    let start = st.events.log.len();
    st.agents.webhooks.push(Subscription {
        account_id: p.account_id.clone(),
        webhook: webhook.clone(),
        secret: secret.clone(),
        start,
        consecutive_failures: 0,
    });
    with_status(
        StatusCode::CREATED,
        &CreatedWebhook::try_from(
            CreatedWebhook::builder()
                .message(Some(SECRET_MESSAGE.to_owned()))
                .secret(secret)
                .webhook(webhook),
        )?,
    )
}

/// `GET /webhooks`: the account's subscriptions, newest first, without secrets.
pub(crate) async fn list_webhooks(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut st = app.state();
    let p = gate(&mut st, &headers, &app)?;
    let webhooks = st
        .agents
        .webhooks
        .iter()
        .rev()
        .filter(|s| s.account_id == p.account_id)
        .map(|s| s.webhook.clone())
        .collect::<Vec<_>>();
    ok(&WebhookList::try_from(
        WebhookList::builder().webhooks(webhooks),
    )?)
}

/// `GET /webhooks/{webhookId}`; another account's webhook is a 404.
pub(crate) async fn get_webhook(
    State(app): State<App>,
    headers: HeaderMap,
    Path(webhook_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut st = app.state();
    let p = gate(&mut st, &headers, &app)?;
    let webhook = find(&st, &p.account_id, &webhook_id)?.webhook.clone();
    ok(&WebhookResponse::try_from(
        WebhookResponse::builder().webhook(webhook),
    )?)
}

/// `DELETE /webhooks/{webhookId}` → `{webhook, deleted: true}`. Deliveries stop at once and
/// the subscription's delivery history (pending deliveries and recorded attempts) is removed.
pub(crate) async fn delete_webhook(
    State(app): State<App>,
    headers: HeaderMap,
    Path(webhook_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut st = app.state();
    let p = gate(&mut st, &headers, &app)?;
    let webhook = find(&st, &p.account_id, &webhook_id)?.webhook.clone();
    st.agents
        .webhooks
        .retain(|s| !(s.account_id == p.account_id && s.webhook.id == webhook_id));
    st.agents.deliveries.forget(&webhook_id);
    ok(&DeletedWebhook::try_from(
        DeletedWebhook::builder().deleted(true).webhook(webhook),
    )?)
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn check_url_requires_https_except_on_loopback_hosts() {
        for good in [
            "https://example.com/hooks",
            "https://user@example.com:8443/x?y#z",
            "http://localhost:8080/hook",
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/hook",
            "HTTP://LOCALHOST/hook",
        ] {
            assert!(check_url(good).is_ok(), "{good} should be accepted");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        for bad in [
            "example.com/hooks",
            "http://example.com/hooks",
            "http://localhost.evil.com/hook",
            "ftp://localhost/hook",
            "https:///nohost",
            "https://exa mple.com",
            long.as_str(),
        ] {
            assert!(check_url(bad).is_err(), "{bad} should be rejected");
        }
    }
}
