//! The two error wire shapes the sandbox answers with: the Public API envelope
//! `{error, code, requestId, details}` (built from the generated `ErrorEnvelope`) for everything
//! under `/api/public/v1`, and the OAuth shape `{error, error_description}` for the four
//! `/api/agent/...` endpoints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opentrain_gen::types::{ErrorCode, ErrorDetails, ErrorEnvelope, ErrorReason, Scope};
use serde::Serialize;

/// Response header carrying the request id (the same value as the envelope's `requestId`).
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// A random request id, `req_` + 16 hex digits.
pub(crate) fn request_id() -> String {
    format!("req_{:016x}", rand::random::<u64>())
}

/// Serializes `body` as a JSON response with `status`.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("the sandbox could not encode its response: {e}"))
            .into_response(),
    }
}

/// A Public API error: status, machine code, human message and optional details.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    /// Boxed: the details struct is large and every handler returns `Result<_, ApiError>`.
    pub(crate) details: Option<Box<ErrorDetails>>,
}

/// The `claimUrl` sent with `account_claim_required` (the documented value).
pub(crate) const CLAIM_URL: &str = "https://app.opentrain.ai/claim";

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// 400 `BAD_REQUEST`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// 400 naming the offending field in `details.field`.
    pub(crate) fn bad_field(field: &str, message: impl Into<String>) -> Self {
        Self::bad_request(message).details(ErrorDetails {
            field: Some(field.to_owned()),
            ..ErrorDetails::default()
        })
    }

    /// 400 with zod-like `details.issues`.
    pub(crate) fn issues(message: impl Into<String>, issues: Vec<serde_json::Value>) -> Self {
        Self::bad_request(message).details(ErrorDetails {
            issues: Some(serde_json::Value::Array(issues)),
            ..ErrorDetails::default()
        })
    }

    /// 401 `UNAUTHORIZED`.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    /// 403 `FORBIDDEN`.
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    /// 403 for a missing scope, with `requiredScopes` and `grantedScopes`.
    pub(crate) fn missing_scope(required: &[Scope], granted: &[Scope]) -> Self {
        let names: Vec<&str> = required.iter().map(Scope::as_str).collect();
        Self::forbidden(format!(
            "This token is missing the required scope: {}.",
            names.join(" or ")
        ))
        .details(ErrorDetails {
            required_scopes: required.to_vec(),
            granted_scopes: granted.to_vec(),
            ..ErrorDetails::default()
        })
    }

    /// 403 for a feature flag that is off, with `featureKey`.
    pub(crate) fn feature_disabled(feature_key: &str) -> Self {
        Self::forbidden(format!(
            "The {feature_key} feature is not enabled for this account."
        ))
        .details(ErrorDetails {
            feature_key: Some(feature_key.to_owned()),
            ..ErrorDetails::default()
        })
    }

    /// 403 `account_claim_required` with `action` and `claimUrl`.
    pub(crate) fn claim_required(action: &str) -> Self {
        Self::forbidden(format!(
            "A human must claim this agent account before it can {action}."
        ))
        .details(ErrorDetails {
            reason: Some(ErrorReason::AccountClaimRequired),
            action: Some(action.to_owned()),
            claim_url: Some(CLAIM_URL.to_owned()),
            ..ErrorDetails::default()
        })
    }

    /// 404 `NOT_FOUND` with `details.resource` (callers add the id key).
    pub(crate) fn not_found(resource: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message).details(ErrorDetails {
            resource: Some(resource.to_owned()),
            ..ErrorDetails::default()
        })
    }

    /// 409 `CONFLICT` with a `details.reason`.
    pub(crate) fn conflict(reason: ErrorReason, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message).details(ErrorDetails {
            reason: Some(reason),
            ..ErrorDetails::default()
        })
    }

    /// 409 `CONFLICT` without a reason.
    pub(crate) fn conflict_plain(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }

    /// 429 `RATE_LIMITED`.
    pub(crate) fn rate_limited(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            message,
        )
    }

    /// 500 `INTERNAL_ERROR`.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            message,
        )
    }

    /// 503 `INTERNAL_ERROR` (an injected outage).
    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::InternalError,
            "The service is temporarily unavailable. Try again shortly.",
        )
    }

    /// Replaces the details.
    pub(crate) fn details(mut self, details: ErrorDetails) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// Edits the details in place (creating them if absent).
    pub(crate) fn with(mut self, edit: impl FnOnce(&mut ErrorDetails)) -> Self {
        let mut details = self.details.take().unwrap_or_default();
        edit(&mut details);
        self.details = Some(details);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let id = request_id();
        let envelope = ErrorEnvelope {
            code: self.code,
            details: self.details,
            error: self.message,
            request_id: Some(id.clone()),
        };
        let mut response = json(self.status, &envelope);
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        response
    }
}

/// An OAuth-shaped error of the agent-auth endpoints.
#[derive(Debug)]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: Option<String>,
}

impl OAuthError {
    /// A 400 with `error` and `error_description`.
    pub(crate) fn bad(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            description: Some(description.into()),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut body = serde_json::Map::new();
        body.insert("error".into(), self.error.into());
        if let Some(description) = self.description {
            body.insert("error_description".into(), description.into());
        }
        json(self.status, &body)
    }
}
