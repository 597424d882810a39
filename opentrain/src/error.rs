//! The one error type of the facade, and the one decoder that turns every failure into it.
//!
//! Whatever went wrong (an error envelope from `/v1`, an OAuth-shaped error from the agent-auth
//! endpoints, an HTML 502 from a proxy, a truncated body, a timeout, a bad configuration), the
//! caller gets an [`Error`] that keeps the HTTP status, the request id when there is one and a
//! short snippet of a body it could not read, and answers [`Error::is_retryable`] and
//! [`Error::needs_claim`]. Secrets never appear in it.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::config::ConfigError;
use crate::types::{ErrorCode, ErrorDetails, ErrorReason};

/// Statuses that are worth retrying for a request that may be repeated.
pub const RETRYABLE_STATUSES: [u16; 5] = [408, 429, 502, 503, 504];

/// Everything that can go wrong in the facade.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The `/v1` API answered with its error envelope.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// An agent-auth endpoint (`/api/agent/...`) answered with an OAuth-shaped error.
    #[error("{status} {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// HTTP status.
        status: u16,
        /// The OAuth `error` code, e.g. `authorization_pending`, `slow_down`, `expired_token`.
        error: String,
        /// The `error_description`, if sent.
        description: Option<String>,
    },

    /// A response arrived but its body could not be read as what the API documents (an HTML
    /// error page, an empty or truncated body, JSON of another shape).
    #[error("{}could not decode the response{}: {message}{}",
        status.map(|s| format!("{s}: ")).unwrap_or_default(),
        content_type.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(),
        if body_snippet.is_empty() { String::new() } else { format!(" — body: {body_snippet}") })]
    Decode {
        /// HTTP status, when a response arrived.
        status: Option<u16>,
        /// The request id header, when present.
        request_id: Option<String>,
        /// The response `Content-Type`, when known.
        content_type: Option<String>,
        /// What failed to decode.
        message: String,
        /// The first characters of the body, whitespace collapsed.
        body_snippet: String,
    },

    /// No response arrived: DNS, connection, TLS or I/O failure.
    #[error("request failed before a response arrived{}: {message}", if *connect { " (could not connect; the server never saw it)" } else { "" })]
    Transport {
        /// Whether the failure happened while connecting, so the server never saw the request.
        connect: bool,
        /// What failed.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// An attempt took longer than its timeout, or the call's deadline ran out during one
    /// (see [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)); a write may or may
    /// not have reached the server. The call's `tracing` span records the attempts made.
    #[error("request timed out{}", operation.map(|o| format!(" ({o})")).unwrap_or_default())]
    Timeout {
        /// The spec's `operationId` of the request that timed out, if known.
        operation: Option<&'static str>,
    },

    /// `GET /jobs/{id}` for a job that exists but is no longer publicly listed (closed,
    /// archived, unlisted): the API answers 404 with `{id, status: "closed"}` instead of the
    /// error envelope. A job that never existed is an [`Error::Api`] 404 `NOT_FOUND`.
    #[error("job {job_id} is no longer listed (status {status})")]
    JobNotListed {
        /// The job's ID.
        job_id: String,
        /// The status the body gave (`closed` in the docs).
        status: String,
    },

    /// The request could not be built (a missing required parameter, a value the spec rejects).
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The token, base URL or credentials file is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The claim ceremony ended without a token because the code expired (`expired_token`) or
    /// the wait's own deadline passed. Start a new claim.
    #[error("the claim expired before the owner confirmed it; start a new claim")]
    ClaimExpired,

    /// The claim ceremony ended without a token because the server refused the grant
    /// (`invalid_grant` or `access_denied`: already delivered, declined or revoked).
    #[error("the claim was refused ({error}){}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    ClaimRefused {
        /// The OAuth `error` code.
        error: String,
        /// The `error_description`, if sent.
        description: Option<String>,
    },

    /// A co-sign approval was still pending when the wait's `max_wait` ran out. Nothing was
    /// cancelled: the human can still confirm it; wait again or check it later.
    #[error("approval {approval_id} still pending after {waited:?}")]
    ApprovalTimeout {
        /// The approval that is still pending.
        approval_id: String,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// The drafting loop of [`Client::post_job`](crate::Client::post_job) ended without a live
    /// job for a reason of its own (max rounds, an aborted or unusable answer, moderation, the
    /// daily limit, a draft that is not publish-ready). Match the boxed [`PostJobError`] for
    /// the typed outcome. A failed request of the loop is that request's own error
    /// ([`Error::Api`], [`Error::Transport`], ...) instead.
    ///
    /// [`PostJobError`]: crate::drafting::PostJobError
    #[error(transparent)]
    PostJob(Box<crate::drafting::PostJobError>),

    /// A webhook delivery was refused: a missing or malformed signature header, a stale
    /// timestamp, a signature that does not match, or a body that is not an event record.
    #[error(transparent)]
    Webhook(#[from] crate::webhooks::WebhookError),

    /// A cursor store of the `/updates` follower could not load or save.
    #[error(transparent)]
    CursorStore(#[from] crate::updates::CursorStoreError),

    /// The server returned the same cursor twice; paging stopped instead of looping forever.
    #[error("the server returned cursor {cursor:?} twice; stopping to avoid an endless loop")]
    RepeatedCursor {
        /// The cursor that came back again.
        cursor: String,
    },
}

impl Error {
    /// The HTTP status of the response, if one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::OAuth { status, .. } => Some(*status),
            Error::Decode { status, .. } => *status,
            Error::JobNotListed { .. } => Some(404),
            _ => None,
        }
    }

    /// The server's request id, if the response carried one; quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The envelope, when the API answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether repeating the same request later may succeed: 408, 429 (except the daily publish
    /// limit), 502, 503, 504 (in either error shape), a 409 `invite_email_send_failed` ("retry
    /// later"), the OAuth `authorization_pending` and `slow_down` answers, timeouts and
    /// transport failures. Whether a retry is *safe* (a write the server may have seen) is the
    /// retry policy's question, not this one's.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Decode { status, .. } => status.is_some_and(|s| RETRYABLE_STATUSES.contains(&s)),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::OAuth { status, error, .. } => {
                error == "authorization_pending"
                    || error == "slow_down"
                    || RETRYABLE_STATUSES.contains(status)
            }
            _ => false,
        }
    }

    /// Whether a human must claim this agent account first (403 `account_claim_required`);
    /// [`ApiError::claim_url`] says where.
    pub fn needs_claim(&self) -> bool {
        self.api()
            .is_some_and(|e| e.reason() == Some(&ErrorReason::AccountClaimRequired))
    }

    /// How long the server asked to wait before retrying (`details.retryAfterSeconds` or a
    /// `Retry-After` header), if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(ApiError::retry_after)
    }

    /// Whether the failure happened before the server could see the request.
    pub fn never_reached_server(&self) -> bool {
        matches!(
            self,
            Error::Transport { connect: true, .. } | Error::InvalidRequest(_) | Error::Config(_)
        )
    }
}

/// The `/v1` error envelope `{error, code, requestId, details}` with its HTTP status.
///
/// `details` is kept whole (every key the server sent) and read through typed accessors for
/// every documented key.
#[derive(Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The machine code (`FORBIDDEN`, `RATE_LIMITED`, ...), an open enum.
    pub code: ErrorCode,
    /// The human-readable message (`error`).
    pub message: String,
    /// The request id, if sent.
    pub request_id: Option<String>,
    /// Every key of `details`, as sent.
    pub details: Map<String, Value>,
    /// `details` read through the spec's typed schema (a key whose value does not match its
    /// documented type reads as absent here but stays in [`ApiError::details`]).
    pub typed: Option<ErrorDetails>,
    /// The `Retry-After` header, in seconds, if sent.
    pub retry_after_header: Option<u64>,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("reason", &self.reason())
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("details", &self.details)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)?;
        if let Some(reason) = self.reason() {
            write!(f, " ({reason})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(url) = self.claim_url() {
            write!(f, " — claim the account at {url}")?;
        } else if let Some(url) = self.billing_url() {
            write!(f, " — add a payment method at {url}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Builds an `ApiError` from a status and the envelope's JSON object.
    /// Returns `None` unless the object has the envelope's `error` and `code` strings.
    pub fn from_envelope(
        status: u16,
        body: &Value,
        retry_after_header: Option<u64>,
    ) -> Option<Self> {
        let obj = body.as_object()?;
        let message = obj.get("error")?.as_str()?.to_owned();
        let code = ErrorCode::from(obj.get("code")?.as_str()?);
        let details = obj
            .get("details")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let typed = typed_details(&details);
        Some(Self {
            status,
            code,
            message,
            request_id: obj
                .get("requestId")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            details,
            typed,
            retry_after_header,
        })
    }

    /// `details.reason`, an open enum.
    pub fn reason(&self) -> Option<&ErrorReason> {
        self.typed.as_ref().and_then(|typed| typed.reason.as_ref())
    }

    fn str_detail(&self, key: &str) -> Option<&str> {
        self.details.get(key).and_then(Value::as_str)
    }

    /// A whole, non-negative number under `key` (`12` or `12.0`: the spec types some counts as
    /// `number`, and a value read through the typed details is written back as a float).
    fn u64_detail(&self, key: &str) -> Option<u64> {
        let value = self.details.get(key)?;
        value.as_u64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        })
    }

    /// `details.claimUrl`: where a human claims the agent account.
    pub fn claim_url(&self) -> Option<&str> {
        self.str_detail("claimUrl")
    }
    /// `details.action`: the claim-gated action, in words.
    pub fn action(&self) -> Option<&str> {
        self.str_detail("action")
    }
    /// `details.billingUrl`: where a human adds a payment method.
    pub fn billing_url(&self) -> Option<&str> {
        self.str_detail("billingUrl")
    }
    /// `details.featureKey`: the account feature flag that is off.
    pub fn feature_key(&self) -> Option<&str> {
        self.str_detail("featureKey")
    }
    /// `details.validation`: the draft validation report of a 400 on publish.
    pub fn validation(&self) -> Option<&Map<String, Value>> {
        self.details.get("validation").and_then(Value::as_object)
    }
    /// `details.reasons`: why moderation blocked a job, as sent.
    pub fn moderation_reasons(&self) -> Vec<String> {
        self.details
            .get("reasons")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|r| match r {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    /// `details.retryAfterSeconds`, else the `Retry-After` header.
    pub fn retry_after(&self) -> Option<Duration> {
        self.u64_detail("retryAfterSeconds")
            .or(self.retry_after_header)
            .map(Duration::from_secs)
    }
    /// `details.limit` of a 429 daily publish limit.
    pub fn limit(&self) -> Option<u64> {
        self.u64_detail("limit")
    }
    /// `details.windowHours` of a 429 daily publish limit.
    pub fn window_hours(&self) -> Option<u64> {
        self.u64_detail("windowHours")
    }
    /// Whether this is the daily publish limit (429 with `limit` and `windowHours`), which no
    /// retry within the window can get past.
    pub fn is_daily_limit(&self) -> bool {
        self.status == 429 && self.limit().is_some() && self.window_hours().is_some()
    }
    /// `details.requiredStatus`: the job status an edit needs (e.g. `OPEN`).
    pub fn required_status(&self) -> Option<&str> {
        self.str_detail("requiredStatus")
    }
    /// `details.status`: the resource's current status, where sent.
    pub fn current_status(&self) -> Option<&str> {
        self.str_detail("status")
    }
    /// `details.jobId`, where sent.
    pub fn job_id(&self) -> Option<&str> {
        self.str_detail("jobId")
    }
    /// `details.requiredScopes`: the scopes the operation needs.
    pub fn required_scopes(&self) -> Vec<String> {
        self.strings("requiredScopes")
    }
    /// `details.grantedScopes`: the scopes the token carries.
    pub fn granted_scopes(&self) -> Vec<String> {
        self.strings("grantedScopes")
    }
    /// `details.supportedStatuses`: the accepted values of a `status` filter.
    pub fn supported_statuses(&self) -> Vec<String> {
        self.strings("supportedStatuses")
    }
    /// `details.field`: the offending request field of a 400.
    pub fn field(&self) -> Option<&str> {
        self.str_detail("field")
    }
    /// `details.resource`: the kind of resource a 404 is about.
    pub fn resource(&self) -> Option<&str> {
        self.str_detail("resource")
    }
    /// `details.issues`: validation issues of a 400, as sent.
    pub fn issues(&self) -> Option<&Value> {
        self.details.get("issues")
    }

    fn strings(&self, key: &str) -> Vec<String> {
        self.details
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// See [`Error::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        if self.is_daily_limit() {
            return false;
        }
        RETRYABLE_STATUSES.contains(&self.status)
            || (self.status == 409 && self.reason() == Some(&ErrorReason::InviteEmailSendFailed))
    }
}

/// Reads `details` through the spec's typed schema. Every field of it reads a value of
/// another shape as absent (`cargo xtask generate` makes the error details never fail), so
/// this is `None` only for a `details` that is no object at all.
fn typed_details(details: &Map<String, Value>) -> Option<ErrorDetails> {
    serde_json::from_value(Value::Object(details.clone())).ok()
}

/// Everything the decoder knows about one failed exchange.
#[derive(Debug, Default)]
pub(crate) struct Failure<'a> {
    pub(crate) status: Option<u16>,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The single error decoder: a status and body (of a `/v1` or agent-auth response) to [`Error`].
pub(crate) fn decode_failure(f: Failure<'_>) -> Error {
    let retry_after = f.retry_after.and_then(|v| v.trim().parse::<u64>().ok());
    let parsed: Result<Value, _> = serde_json::from_slice(f.body);
    if let (Some(status), Ok(value)) = (f.status, &parsed) {
        if let Some(mut api) = ApiError::from_envelope(status, value, retry_after) {
            if api.request_id.is_none() {
                api.request_id = f.request_id;
            }
            return Error::Api(Box::new(api));
        }
        if status == 404
            && let Some(obj) = value.as_object()
            && let (Some(Value::String(id)), Some(Value::String(listing))) =
                (obj.get("id"), obj.get("status"))
            && !obj.contains_key("error")
        {
            return Error::JobNotListed {
                job_id: id.clone(),
                status: listing.clone(),
            };
        }
        if let Some(obj) = value.as_object()
            && let Some(Value::String(error)) = obj.get("error")
            && !obj.contains_key("code")
        {
            return Error::OAuth {
                status,
                error: error.clone(),
                description: obj
                    .get("error_description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            };
        }
    }
    let message = match parsed {
        Err(e) if f.body.is_empty() => format!("empty body ({e})"),
        Err(e) => format!("not JSON: {e}"),
        Ok(_) => "JSON that is not the documented error envelope".to_owned(),
    };
    Error::Decode {
        status: f.status,
        request_id: f.request_id,
        content_type: f.content_type.map(str::to_owned),
        message,
        body_snippet: snippet(f.body),
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            return Error::Timeout { operation: None };
        }
        if e.is_decode() || e.is_body() {
            return Error::Decode {
                status: e.status().map(|s| s.as_u16()),
                request_id: None,
                content_type: None,
                message: e.to_string(),
                body_snippet: String::new(),
            };
        }
        Error::Transport {
            connect: e.is_connect(),
            message: error_chain(&e),
            source: Some(e),
        }
    }
}

/// An error's message with its sources, `: `-joined (reqwest hides the cause in `source()`).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

/// How many characters of an unreadable body an error keeps.
pub const SNIPPET_CHARS: usize = 200;

/// The prefixes of every secret the API hands out; a snippet never shows what follows them.
pub(crate) const SECRET_PREFIXES: [&str; 4] = ["ot_pat_", "ot_clm_", "ot_cat_", "whsec_"];

/// The first [`SNIPPET_CHARS`] characters of a body, lossily decoded, whitespace collapsed, and
/// every secret-looking value (`ot_pat_…`, `ot_clm_…`, `ot_cat_…`, `whsec_…`) cut to its prefix.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = redact(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    if let Some((cut, _)) = out.char_indices().nth(SNIPPET_CHARS) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// `text` with every secret-looking value (`ot_pat_…`, `ot_clm_…`, `ot_cat_…`, `whsec_…`) cut to
/// its prefix.
pub(crate) fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    for prefix in SECRET_PREFIXES {
        let mut from = 0;
        while let Some(found) = out[from..].find(prefix) {
            let start = from + found + prefix.len();
            let end = out[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .map_or(out.len(), |n| start + n);
            out.replace_range(start..end, "(redacted)");
            from = start + "(redacted)".len();
        }
    }
    out
}

/// Response headers read as the request id, in order of preference.
pub const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-opentrain-request-id"];

/// The request id a response's headers carry, if any.
///
/// ```no_run
/// # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
/// let me = client.get_me().send().await?;
/// println!("request id: {:?}", opentrain::request_id(me.headers()));
/// # Ok(()) }
/// ```
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A token refused by [`Secret::api_token`](crate::Secret::api_token) (or its siblings): a
/// [`ConfigError::InvalidToken`] for a token given explicitly.
impl From<opentrain_gen::secret::InvalidSecret> for Error {
    fn from(invalid: opentrain_gen::secret::InvalidSecret) -> Self {
        Error::Config(ConfigError::from(invalid))
    }
}

impl From<crate::drafting::PostJobError> for Error {
    fn from(error: crate::drafting::PostJobError) -> Self {
        Error::PostJob(Box::new(error))
    }
}

/// A refusal of the generated code in the API's words: progenitor says "conversion to
/// `CreateWebhookRequest` for body failed: error converting supplied value for url: shorter
/// than 1 characters", which names a Rust type; the caller wrote the request member `url`.
fn plain_refusal(message: &str) -> String {
    let Some((_, why)) = message.split_once(" failed: ") else {
        return message.to_owned();
    };
    match why
        .strip_prefix("error converting supplied value for ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((member, problem)) => format!("the request's `{member}` is not valid: {problem}"),
        None => format!("the request is not valid: {why}"),
    }
}

/// `?` on any generated call: the one mapping from the generated error to [`Error`], used by
/// the facade, the command and the MCP server alike.
///
/// The pipeline hands the generated code the real final response or transport error, so:
/// - a documented error status is `ErrorResponse`, whose decoded body goes through the crate's
///   one error decoder with its status and headers (an envelope is [`Error::Api`], the
///   unlisted job's body [`Error::JobNotListed`]);
/// - an undocumented status is `UnexpectedResponse`: the pipeline read its body for the retry
///   decision and handed the response on with the same bytes, so it is decoded the same way;
/// - a body that is not what the spec documents is [`Error::Decode`] (progenitor keeps no
///   status for it); no secret of the body, or of serde's message about it, is quoted;
/// - a transport failure is [`Error::Transport`], or [`Error::Timeout`] when an attempt's
///   timeout or the call's deadline ended it.
impl<E: serde::Serialize> From<opentrain_gen::Error<E>> for Error {
    fn from(error: opentrain_gen::Error<E>) -> Self {
        use opentrain_gen::Error as Raw;
        match error {
            Raw::InvalidRequest(message) => Error::InvalidRequest(plain_refusal(&message)),
            Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e) => {
                Error::from(e)
            }
            Raw::ErrorResponse(value) => {
                let body = serde_json::to_vec(value.as_ref()).unwrap_or_default();
                decode_response(value.status(), value.headers(), &body, true)
            }
            Raw::UnexpectedResponse(response) => {
                match response.extensions().get::<crate::pipeline::ReadBody>() {
                    Some(read) => {
                        decode_response(response.status(), response.headers(), &read.0, false)
                    }
                    None => Error::Decode {
                        status: Some(response.status().as_u16()),
                        request_id: request_id(response.headers()),
                        content_type: header(response.headers(), reqwest::header::CONTENT_TYPE),
                        message: format!(
                            "status {} is not one this operation documents",
                            response.status().as_u16()
                        ),
                        body_snippet: String::new(),
                    },
                }
            }
            Raw::InvalidResponsePayload(body, e) => Error::Decode {
                status: None,
                request_id: None,
                content_type: None,
                message: redact(&format!(
                    "the body does not match the documented response: {e}"
                )),
                body_snippet: snippet(&body),
            },
            Raw::Custom(message) => Error::Transport {
                connect: false,
                message,
                source: None,
            },
        }
    }
}

/// A response's status, headers and body through the one error decoder; `json` when the body
/// is the generated code's decoded value written back as JSON.
fn decode_response(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    json: bool,
) -> Error {
    let content_type = header(headers, reqwest::header::CONTENT_TYPE);
    let retry_after = header(headers, reqwest::header::RETRY_AFTER);
    decode_failure(Failure {
        status: Some(status.as_u16()),
        content_type: if json {
            Some("application/json")
        } else {
            content_type.as_deref()
        },
        request_id: request_id(headers),
        retry_after: retry_after.as_deref(),
        body,
    })
}

/// A header's value as text, if it has one.
pub(crate) fn header(
    headers: &reqwest::header::HeaderMap,
    name: impl reqwest::header::AsHeaderName,
) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod snippet_tests {
    use super::*;

    #[test]
    fn snippet_collapses_whitespace_and_truncates() {
        assert_eq!(
            snippet(b"<html>\n  <body>Bad   gateway</body>"),
            "<html> <body>Bad gateway</body>"
        );
        let long = "x".repeat(500);
        let s = snippet(long.as_bytes());
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn snippet_never_shows_a_secret() {
        let body = br#"{"token":"ot_pat_abc123XYZ","secret":"whsec_s3cr3t-x","u":"https://x/claim?t=ot_cat_q1"}"#;
        let s = snippet(body);
        for secret in ["abc123XYZ", "s3cr3t", "q1\""] {
            assert!(!s.contains(secret), "{s}");
        }
        assert!(
            s.contains("ot_pat_(redacted)") && s.contains("whsec_(redacted)"),
            "{s}"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_refusal_of_the_generated_code_names_the_member_not_the_rust_type() {
        let said = super::plain_refusal(
            "conversion to `CreateWebhookRequest` for body failed: error converting supplied \
             value for url: shorter than 1 characters",
        );
        assert_eq!(
            said,
            "the request's `url` is not valid: shorter than 1 characters"
        );
        assert_eq!(super::plain_refusal("something else"), "something else");
    }
}
