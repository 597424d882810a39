//! The two error wire shapes the sandbox answers with: the Public API envelope
//! `{error, code, requestId, details}` (built from the generated `ErrorEnvelope`) for everything
//! under `/api/public/v1`, and the OAuth shape `{error, error_description}` for the four
//! `/api/agent/...` endpoints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{ErrorCode, ErrorDetails, ErrorEnvelope, ErrorReason, Scope, builder};
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

/// An `ErrorDetails` builder with no key set: every details object the sandbox sends starts
/// here (the builder wants the open object's `extra` map even when it is empty).
pub(crate) fn new_details() -> builder::ErrorDetails {
    ErrorDetails::builder().extra(serde_json::Map::new())
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
        Self::bad_request(message).details(new_details().field(Some(field.to_owned())))
    }

    /// 400 with zod-like `details.issues`.
    pub(crate) fn issues(message: impl Into<String>, issues: Vec<serde_json::Value>) -> Self {
        Self::bad_request(message)
            .details(new_details().issues(Some(serde_json::Value::Array(issues))))
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
        .details(
            new_details()
                .required_scopes(required.to_vec())
                .granted_scopes(granted.to_vec()),
        )
    }

    /// 403 for a feature flag that is off, with `featureKey`.
    pub(crate) fn feature_disabled(feature_key: &str) -> Self {
        Self::forbidden(format!(
            "The {feature_key} feature is not enabled for this account."
        ))
        .details(new_details().feature_key(Some(feature_key.to_owned())))
    }

    /// 403 `account_claim_required` with `action` and `claimUrl`.
    pub(crate) fn claim_required(action: &str) -> Self {
        Self::forbidden(format!(
            "A human must claim this agent account before it can {action}."
        ))
        .details(
            new_details()
                .reason(Some(ErrorReason::AccountClaimRequired))
                .action(Some(action.to_owned()))
                .claim_url(Some(CLAIM_URL.to_owned())),
        )
    }

    /// 404 `NOT_FOUND` with `details.resource` (callers add the id key).
    pub(crate) fn not_found(resource: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
            .details(new_details().resource(Some(resource.to_owned())))
    }

    /// 409 `CONFLICT` with a `details.reason`.
    pub(crate) fn conflict(reason: ErrorReason, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
            .details(new_details().reason(Some(reason)))
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

    /// Replaces the details with the ones `details` builds (start it from [`new_details`]: every
    /// other key of `ErrorDetails` is optional, so this cannot fail; if it ever did, the answer
    /// is the 500 of `From<ConversionError>` rather than a panic).
    pub(crate) fn details(mut self, details: builder::ErrorDetails) -> Self {
        match ErrorDetails::try_from(details) {
            Ok(details) => {
                self.details = Some(Box::new(details));
                self
            }
            Err(e) => Self::from(e),
        }
    }

    /// Edits the details in place (creating empty ones if absent).
    pub(crate) fn with(mut self, edit: impl FnOnce(&mut ErrorDetails)) -> Self {
        let details = match self.details.take() {
            Some(details) => Ok(*details),
            None => ErrorDetails::try_from(new_details()),
        };
        match details {
            Ok(mut details) => {
                edit(&mut details);
                self.details = Some(Box::new(details));
                self
            }
            Err(e) => Self::from(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let id = request_id();
        let mut response = envelope(
            self.status,
            self.code,
            self.message,
            self.details.map(|details| *details),
            &id,
        );
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        response
    }
}

/// What a 500 says when the sandbox built a generated response type with a required field
/// missing (a sandbox bug, never the client's).
const INCOMPLETE_RESPONSE: &str = "The sandbox built an incomplete response.";

/// A generated type's builder that was missing a required field: a 500 `INTERNAL_ERROR`
/// (the message names no internals), so handlers propagate conversions with `?`.
impl From<ConversionError> for ApiError {
    fn from(_: ConversionError) -> Self {
        Self::internal(INCOMPLETE_RESPONSE)
    }
}

/// The Public API error envelope `{error, code, requestId, details}` as a JSON response with
/// `status` (no headers added). Its required keys are always set here, so building it cannot
/// fail; if it ever did, the answer is a hand-written 500 envelope rather than a panic.
pub(crate) fn envelope(
    status: StatusCode,
    code: ErrorCode,
    message: String,
    details: Option<ErrorDetails>,
    request_id: &str,
) -> Response {
    let built = ErrorEnvelope::builder()
        .code(code)
        .details(details)
        .error(message)
        .request_id(Some(request_id.to_owned()))
        .extra(serde_json::Map::new());
    match ErrorEnvelope::try_from(built) {
        Ok(envelope) => json(status, &envelope),
        Err(_) => {
            let mut body = serde_json::Map::new();
            body.insert("error".into(), INCOMPLETE_RESPONSE.into());
            body.insert("code".into(), ErrorCode::InternalError.as_str().into());
            body.insert("requestId".into(), request_id.into());
            json(StatusCode::INTERNAL_SERVER_ERROR, &body)
        }
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
