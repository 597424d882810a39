//! How a tool reports: a short text summary plus the API response as `structuredContent`
//! ([`ToolOutput`]), or a tool result with `isError: true` carrying the HTTP status and the
//! error envelope ([`ToolFailure`]). A failure is never a protocol error and never a crash.
//!
//! The structured content of a success is the facade's typed response serialized with
//! `serde_json`: the generated types carry exactly the fields of the spec, so fields the API
//! sends that the spec does not know are not carried.
//!
//! A failure's structured content is
//! `{"status": 403, "error": {<the envelope: error, code, requestId, details>}, "code",
//! "reason", "claimUrl", "billingUrl"}` for an API error (the last four only when present),
//! `{"status": 400, "error": {"error", "error_description"}}` for the OAuth-shaped errors of the
//! agent-auth endpoints, and `{"status": <when a response arrived>, "kind", "message"}` for
//! everything that happened before or around the API (a bad argument, no token, a transport
//! failure, a timeout, an undecodable body).

use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A successful tool result: the summary shown to the model and the structured response.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    /// One or a few lines saying what happened and what to call next.
    pub summary: String,
    /// The API response (or, for the onboarding tools, what the facade returned).
    pub structured: Value,
}

impl ToolOutput {
    /// A result carrying `response` serialized; a response that cannot be serialized becomes a
    /// failure.
    pub fn new(summary: impl Into<String>, response: &impl Serialize) -> Result<Self, ToolFailure> {
        Ok(Self {
            summary: summary.into(),
            structured: encoded(response)?,
        })
    }

    /// A result carrying the API response exactly as the server sent it: the body `client`
    /// kept of its last response (the session's clients keep it), fields the spec does not
    /// know yet included. `response` is the typed value the summary was made from; it is what
    /// the result carries when no body was kept or the body is not a JSON object.
    pub fn sent(
        client: &opentrain::Client,
        summary: impl Into<String>,
        response: &impl Serialize,
    ) -> Result<Self, ToolFailure> {
        Ok(Self {
            summary: summary.into(),
            structured: sent_body(client, response)?,
        })
    }

    /// The MCP result: the summary as text content, the response as `structuredContent`.
    pub fn into_result(self) -> CallToolResult {
        let mut result = CallToolResult::success(vec![ContentBlock::text(self.summary)]);
        result.structured_content = Some(object(self.structured));
        result
    }
}

/// The body `client` kept of its last response, as JSON, when it is an object; else
/// `response` (the typed value) serialized.
pub(crate) fn sent_body(
    client: &opentrain::Client,
    response: &impl Serialize,
) -> Result<Value, ToolFailure> {
    let kept = client
        .last_body()
        .and_then(|body| serde_json::from_slice::<Value>(&body).ok())
        .filter(Value::is_object);
    match kept {
        Some(body) => Ok(body),
        None => encoded(response),
    }
}

/// `response` as JSON; a value that cannot be encoded is a failure.
fn encoded(response: &impl Serialize) -> Result<Value, ToolFailure> {
    serde_json::to_value(response).map_err(|e| {
        ToolFailure::local(
            "encode_failed",
            format!("the response could not be encoded as JSON: {e}"),
        )
    })
}

/// A failed tool call, reported as a tool result with `isError: true`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolFailure {
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// What went wrong and what to do about it.
    pub summary: String,
    /// The status and the error envelope (see the module docs for the shapes).
    pub structured: Value,
}

impl ToolFailure {
    /// A failure that happened on this side of the API (`kind` is a short snake_case word).
    pub fn local(kind: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: None,
            structured: json!({ "status": null, "kind": kind, "message": message }),
            summary: message,
        }
    }

    /// A bad tool argument.
    pub fn argument(message: impl Into<String>) -> Self {
        let message = message.into();
        Self::local("invalid_argument", format!("Invalid arguments: {message}"))
    }

    /// No token anywhere: only the onboarding tools work.
    pub fn no_token(file: Option<&opentrain::config::CredentialsFile>) -> Self {
        let place = file
            .map(|f| format!(" and {} holds no apiToken", f.path().display()))
            .unwrap_or_default();
        Self::local(
            "no_credentials",
            format!(
                "No OpenTrain credentials: {} is not set{place}. Call opentrain_register_agent to \
                 create an agent account (its token is saved for every other tool), or set {} to \
                 a personal API token (ot_pat_...).",
                crate::credentials::TOKEN_ENV_VAR,
                crate::credentials::TOKEN_ENV_VAR
            ),
        )
    }

    /// The MCP result: the summary as text, the envelope as `structuredContent`, `isError`.
    pub fn into_result(self) -> CallToolResult {
        let mut result = CallToolResult::error(vec![ContentBlock::text(self.summary)]);
        result.structured_content = Some(object(self.structured));
        result
    }
}

/// `structuredContent` must be a JSON object: anything else is wrapped as `{"result": ...}`.
fn object(value: Value) -> Value {
    match value {
        Value::Object(_) => value,
        other => json!({ "result": other }),
    }
}

impl From<opentrain::Error> for ToolFailure {
    fn from(error: opentrain::Error) -> Self {
        use opentrain::Error;
        if let Some(api) = error.api() {
            return api_failure(api);
        }
        match &error {
            Error::OAuth {
                status,
                error: code,
                description,
            } => {
                let mut envelope = Map::new();
                envelope.insert("error".into(), Value::String(code.clone()));
                if let Some(d) = description {
                    envelope.insert("error_description".into(), Value::String(d.clone()));
                }
                let hint = match code.as_str() {
                    "slow_down" => {
                        " Polling too fast: wait the poll interval before the next call."
                    }
                    "expired_token" => " The claim window closed: register again.",
                    "invalid_grant" => {
                        " The claim token is unknown or its token was already delivered."
                    }
                    "rate_limit_exceeded" => " Too many attempts: back off before retrying.",
                    _ => "",
                };
                Self {
                    status: Some(*status),
                    summary: format!("HTTP {error}.{hint}"),
                    structured: json!({ "status": status, "error": Value::Object(envelope) }),
                }
            }
            Error::ClaimExpired => Self::local(
                "claim_expired",
                "The claim expired before the owner confirmed it: call opentrain_claim_account \
                 again (or opentrain_register_agent if the ~24 h claim window closed).",
            ),
            Error::ClaimRefused {
                error: code,
                description,
            } => {
                let mut failure = Self::local("claim_refused", format!("{error}."));
                failure.status = Some(400);
                failure.structured = json!({
                    "status": 400,
                    "error": { "error": code, "error_description": description },
                });
                failure
            }
            Error::InvalidRequest(message) => {
                Self::local("invalid_request", format!("Invalid request: {message}"))
            }
            Error::Config(config) => Self::local("configuration", config.to_string()),
            other => {
                let kind = match other {
                    Error::Decode { .. } => "decode",
                    Error::Transport { .. } => "transport",
                    Error::Timeout { .. } => "timeout",
                    Error::ApprovalTimeout { .. } => "approval_timeout",
                    _ => "client",
                };
                let status = other.status();
                let retry = if other.is_retryable() {
                    " This is transient: retrying later may succeed."
                } else {
                    ""
                };
                Self {
                    status,
                    summary: format!("{other}.{retry}"),
                    structured: json!({
                        "status": status,
                        "kind": kind,
                        "message": other.to_string(),
                        "requestId": other.request_id(),
                    }),
                }
            }
        }
    }
}

/// A failed generated operation (`client.<operation>().send()`), through the facade's one
/// error type.
impl<E> From<opentrain::OperationError<E>> for ToolFailure
where
    opentrain::Error: From<opentrain::OperationError<E>>,
{
    fn from(error: opentrain::OperationError<E>) -> Self {
        ToolFailure::from(opentrain::Error::from(error))
    }
}

/// The failure of an error envelope: the envelope as sent, plus the keys an agent acts on.
fn api_failure(api: &opentrain::ApiError) -> ToolFailure {
    let code = serde_json::to_value(&api.code).unwrap_or(Value::Null);
    let mut envelope = Map::new();
    envelope.insert("error".into(), Value::String(api.message.clone()));
    envelope.insert("code".into(), code.clone());
    if let Some(id) = &api.request_id {
        envelope.insert("requestId".into(), Value::String(id.clone()));
    }
    if !api.details.is_empty() {
        envelope.insert("details".into(), Value::Object(api.details.clone()));
    }
    let mut structured = Map::new();
    structured.insert("status".into(), json!(api.status));
    structured.insert("error".into(), Value::Object(envelope));
    structured.insert("code".into(), code);
    let reason = api.reason().map(|r| r.to_string());
    if let Some(reason) = &reason {
        structured.insert("reason".into(), Value::String(reason.clone()));
    }
    if let Some(url) = api.claim_url() {
        structured.insert("claimUrl".into(), Value::String(url.to_owned()));
    }
    if let Some(url) = api.billing_url() {
        structured.insert("billingUrl".into(), Value::String(url.to_owned()));
    }

    let mut summary = format!("HTTP {api}.");
    match reason.as_deref() {
        Some("account_claim_required") => summary.push_str(
            " A human must claim this agent account first: ask them for their email and call \
             opentrain_claim_account, then opentrain_claim_status.",
        ),
        Some("payment_method_required") => {
            summary.push_str(" A human must add a payment method (billingUrl) and then retry.")
        }
        Some("not_fit_confirmation_required") => summary.push_str(
            " The proposal was marked Not a fit: retry with confirmNotFitOverride: true if the \
             hire is intentional.",
        ),
        Some("already_accepted") => summary.push_str(" The proposal was already hired."),
        _ => {}
    }
    if let Some(feature) = api.feature_key() {
        summary.push_str(&format!(
            " The feature {feature} is not enabled for this account."
        ));
    }
    let scopes = api.required_scopes();
    if !scopes.is_empty() {
        summary.push_str(&format!(" Required scopes: {}.", scopes.join(", ")));
    }
    if let Some(issues) = api.issues() {
        summary.push_str(&format!(" Issues: {issues}"));
    }
    if api.is_retryable() {
        summary.push_str(" This is transient: retrying later may succeed.");
    }
    ToolFailure {
        status: Some(api.status),
        summary,
        structured: Value::Object(structured),
    }
}

/// What a tool call gives: a success or a failure, both reported as tool results.
pub type Outcome = Result<ToolOutput, ToolFailure>;

/// The MCP result of an [`Outcome`].
pub fn into_call_result(outcome: Outcome) -> CallToolResult {
    match outcome {
        Ok(output) => output.into_result(),
        Err(failure) => failure.into_result(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: Value) -> opentrain::Error {
        let api = opentrain::ApiError::from_envelope(status, &body, None).expect("an envelope");
        opentrain::Error::Api(Box::new(api))
    }

    #[test]
    fn an_api_error_keeps_the_status_the_envelope_and_the_urls() {
        let failure = ToolFailure::from(api(
            403,
            json!({
                "error": "A human must claim this agent account before it can hire AI trainers.",
                "code": "FORBIDDEN",
                "requestId": "req_1",
                "details": { "reason": "account_claim_required", "action": "hire AI trainers",
                             "claimUrl": "https://app.opentrain.ai/claim" },
            }),
        ));
        assert_eq!(failure.status, Some(403));
        assert_eq!(failure.structured["status"], 403);
        assert_eq!(failure.structured["error"]["code"], "FORBIDDEN");
        assert_eq!(failure.structured["error"]["requestId"], "req_1");
        assert_eq!(
            failure.structured["error"]["details"]["action"],
            "hire AI trainers"
        );
        assert_eq!(failure.structured["reason"], "account_claim_required");
        assert_eq!(
            failure.structured["claimUrl"],
            "https://app.opentrain.ai/claim"
        );
        assert!(
            failure.summary.contains("opentrain_claim_account"),
            "{}",
            failure.summary
        );
        let result = failure.into_result();
        assert_eq!(result.is_error, Some(true));
    }

    #[test]
    fn a_billing_conflict_carries_the_billing_url() {
        let failure = ToolFailure::from(api(
            409,
            json!({
                "error": "Add a payment method first.",
                "code": "CONFLICT",
                "details": { "reason": "payment_method_required",
                             "billingUrl": "https://app.opentrain.ai/settings/billing" },
            }),
        ));
        assert_eq!(
            failure.structured["billingUrl"],
            "https://app.opentrain.ai/settings/billing"
        );
        assert!(failure.structured.get("claimUrl").is_none());
        assert!(
            failure.summary.contains("payment method"),
            "{}",
            failure.summary
        );
    }

    #[test]
    fn oauth_errors_keep_their_wire_shape() {
        let failure = ToolFailure::from(opentrain::Error::OAuth {
            status: 400,
            error: "slow_down".into(),
            description: Some("Polling too fast.".into()),
        });
        assert_eq!(
            failure.structured,
            json!({ "status": 400, "error": { "error": "slow_down", "error_description": "Polling too fast." } })
        );
        assert!(failure.summary.contains("wait"), "{}", failure.summary);
    }

    #[test]
    fn structured_content_is_always_an_object() {
        let output = ToolOutput::new("three", &json!([1, 2, 3])).expect("encodes");
        let result = output.into_result();
        assert_eq!(
            result.structured_content,
            Some(json!({ "result": [1, 2, 3] }))
        );
        assert_eq!(result.is_error, Some(false));
    }
}
