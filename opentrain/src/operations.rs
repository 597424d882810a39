//! Any operation of the spec, called by its `operationId` with parameters and a body given as
//! data, and the table that describes them: what `opentrain api` is built on, and what a program
//! uses when the operation to call is only known at run time.
//!
//! [`OPERATIONS`] is generated from `openapi.json` with the client (method, path, summary, each
//! parameter's type, limits and default, the body's members), so an operation the spec gains is
//! callable here as soon as the client is regenerated, with no code written. The call goes
//! through the same request pipeline as the typed methods (token, retries, deadline, the one
//! error decoder); what comes back is the response body exactly as the server sent it
//! ([`RawResponse`]), fields the spec does not know included. Prefer the typed methods
//! (`client.get_job()`) where the operation is known when the code is written.
//!
//! ```no_run
//! # async fn demo(client: opentrain::Client) -> Result<(), opentrain::Error> {
//! let response = client
//!     .operation("searchJobs")?
//!     .field("q", "sentiment")?
//!     .field("limit", "5")?
//!     .send()
//!     .await?;
//! println!("{} {}", response.status(), response.text()?);
//! # Ok(()) }
//! ```

use std::fmt;

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde_json::{Map, Value};

use crate::Client;
use crate::error::{Error, header, request_id};
use crate::paging::{Page, PageRequest, sealed};

pub use opentrain_gen::operations::{
    BodyField, OPERATIONS, Operation, Parameter, ParameterLocation, RequestBody, ValueKind,
};

/// A call of one operation, built from data; made by [`Client::operation`].
#[derive(Clone)]
#[must_use = "a call does nothing until sent"]
pub struct OperationCall<'a> {
    client: &'a Client,
    operation: &'static Operation,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    body: Option<Body>,
}

/// What a call sends as its body.
#[derive(Clone)]
enum Body {
    /// JSON, for an `application/json` body.
    Json(Value),
    /// Bytes as given, for a text or binary body.
    Bytes(Vec<u8>),
}

impl fmt::Debug for OperationCall<'_> {
    // Values are not shown: a body may carry a secret (a webhook URL's token, a message).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationCall")
            .field("operation", &self.operation.operation_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A call of the operation named `operation_id` (the spec's `operationId`, e.g.
    /// `getJob`), to fill with [`OperationCall::field`] and send. An unknown name is
    /// [`Error::InvalidRequest`] naming the known ones.
    pub fn operation(&self, operation_id: &str) -> Result<OperationCall<'_>, Error> {
        let operation = Operation::by_id(operation_id).ok_or_else(|| {
            let known: Vec<&str> = OPERATIONS.iter().map(|o| o.operation_id).collect();
            Error::InvalidRequest(format!(
                "the API has no operation `{operation_id}`; known operations: {}",
                known.join(", ")
            ))
        })?;
        Ok(OperationCall {
            client: self,
            operation,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
        })
    }
}

impl<'a> OperationCall<'a> {
    /// The operation this call runs.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// Sets a path parameter, a query parameter or a top-level body member by its wire name,
    /// from text: the value is read as the type the spec declares (`"5"` is the number 5 for
    /// an integer, `"true"` a boolean, an array or object member takes JSON text). A name the
    /// operation does not have, or text that is not of the declared type or outside the
    /// declared range, is [`Error::InvalidRequest`] naming what the operation takes.
    pub fn field(mut self, name: &str, value: &str) -> Result<Self, Error> {
        if let Some(parameter) = self.operation.parameter(name) {
            check_parameter(self.operation, parameter, value)?;
            let list = match parameter.location {
                ParameterLocation::Path => &mut self.path,
                ParameterLocation::Query => &mut self.query,
            };
            replace(list, parameter.name, value.to_owned());
            return Ok(self);
        }
        let member = self
            .operation
            .body
            .and_then(|body| body.fields.iter().find(|f| f.name == name));
        let Some(member) = member else {
            return Err(Error::InvalidRequest(format!(
                "{} takes no field `{name}`; it takes: {}",
                self.operation.operation_id,
                field_names(self.operation)
            )));
        };
        let value = body_value(self.operation, member, value)?;
        match &mut self.body {
            Some(Body::Json(Value::Object(map))) => {
                map.insert(member.name.to_owned(), value);
            }
            _ => {
                let mut map = Map::new();
                map.insert(member.name.to_owned(), value);
                self.body = Some(Body::Json(Value::Object(map)));
            }
        }
        Ok(self)
    }

    /// The whole JSON request body (members set with [`field`](Self::field) afterwards are
    /// merged into it when it is an object). An operation without a JSON body refuses one.
    pub fn body(mut self, body: Value) -> Result<Self, Error> {
        match self.operation.body {
            Some(declared) if declared.is_json() => {
                self.body = Some(Body::Json(body));
                Ok(self)
            }
            Some(declared) => Err(Error::InvalidRequest(format!(
                "{} takes a {} body, not JSON: send it with `body_bytes`",
                self.operation.operation_id, declared.media_type
            ))),
            None => Err(self.no_body()),
        }
    }

    /// A body sent exactly as given, with the media type the spec declares for it (a
    /// `text/plain` note, an `application/octet-stream` upload, or JSON text that should not
    /// be re-encoded). An operation without a body refuses one.
    pub fn body_bytes(mut self, body: impl Into<Vec<u8>>) -> Result<Self, Error> {
        if self.operation.body.is_none() {
            return Err(self.no_body());
        }
        self.body = Some(Body::Bytes(body.into()));
        Ok(self)
    }

    fn no_body(&self) -> Error {
        Error::InvalidRequest(format!(
            "{} takes no request body",
            self.operation.operation_id
        ))
    }

    /// Sends the call through the client's pipeline and returns the 2xx response as sent; a
    /// failure is the same [`Error`] a typed method gives. A missing required path parameter
    /// is [`Error::InvalidRequest`] before anything is sent.
    pub async fn send(&self) -> Result<RawResponse, Error> {
        let request = self.request()?;
        let http = self.client.http();
        let response = self
            .client
            .pipeline()
            .send(http, request, self.operation)
            .await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(RawResponse::new(status, &headers, body))
    }

    fn request(&self) -> Result<reqwest::Request, Error> {
        let op = self.operation;
        let base = crate::config::api_url(self.client.base_url());
        let mut url = reqwest::Url::parse(&base).map_err(|e| {
            Error::InvalidRequest(format!("the base URL `{base}` is not a URL: {e}"))
        })?;
        {
            let mut segments = url.path_segments_mut().map_err(|()| {
                Error::InvalidRequest(format!("the base URL `{base}` cannot have a path"))
            })?;
            segments.pop_if_empty();
            for segment in op.path.trim_start_matches('/').split('/') {
                // A `{name}` segment takes the parameter's value, percent-encoded as one segment.
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        let Some((_, value)) = self.path.iter().find(|(n, _)| *n == name) else {
                            return Err(Error::InvalidRequest(format!(
                                "{} needs the path parameter `{name}`",
                                op.operation_id
                            )));
                        };
                        segments.push(value);
                    }
                    None => {
                        segments.push(segment);
                    }
                }
            }
        }
        let missing = op.parameters.iter().find(|p| {
            p.required
                && p.location == ParameterLocation::Query
                && !self.query.iter().any(|(n, _)| *n == p.name)
        });
        if let Some(parameter) = missing {
            return Err(Error::InvalidRequest(format!(
                "{} needs the query parameter `{}`",
                op.operation_id, parameter.name
            )));
        }
        if let Some(body) = op.body
            && body.required
            && self.body.is_none()
        {
            return Err(Error::InvalidRequest(format!(
                "{} needs a request body; members: {}",
                op.operation_id,
                field_names(op)
            )));
        }
        let method = Method::from_bytes(op.method.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("unknown method {}", op.method)))?;
        let mut builder = self
            .client
            .http()
            .request(method, url)
            .header(ACCEPT, "application/json")
            .query(&self.query);
        if let (Some(body), Some(declared)) = (&self.body, op.body) {
            let bytes = match body {
                Body::Json(value) => serde_json::to_vec(value)
                    .map_err(|e| Error::InvalidRequest(format!("the body is not JSON: {e}")))?,
                Body::Bytes(bytes) => bytes.clone(),
            };
            builder = builder
                .header(CONTENT_TYPE, declared.media_type)
                .body(bytes);
        }

        Ok(builder.build()?)
    }
}

/// Sets `name` to `value` in a list of parameters, replacing an earlier value.
fn replace(list: &mut Vec<(&'static str, String)>, name: &'static str, value: String) {
    list.retain(|(n, _)| *n != name);
    list.push((name, value));
}

/// The path, query and body names the operation takes, for messages.
fn field_names(operation: &Operation) -> String {
    let mut names: Vec<&str> = operation.parameters.iter().map(|p| p.name).collect();
    if let Some(body) = operation.body {
        names.extend(body.fields.iter().map(|f| f.name));
    }
    if names.is_empty() {
        "nothing (no parameters, no body)".to_owned()
    } else {
        names.join(", ")
    }
}

/// Checks a parameter's text against its declared type and range.
fn check_parameter(operation: &Operation, parameter: &Parameter, value: &str) -> Result<(), Error> {
    let refuse = |what: String| {
        Error::InvalidRequest(format!(
            "{} `{}`: {what}",
            operation.operation_id, parameter.name
        ))
    };
    let number = match parameter.kind {
        ValueKind::Integer => Some(
            value
                .parse::<i64>()
                .map(|n| n as f64)
                .map_err(|_| refuse(format!("`{value}` is not an integer")))?,
        ),
        ValueKind::Number => Some(
            value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| refuse(format!("`{value}` is not a number")))?,
        ),
        ValueKind::Boolean if value != "true" && value != "false" => {
            return Err(refuse(format!("`{value}` is not true or false")));
        }
        _ => None,
    };
    if let Some(n) = number {
        if let Some(min) = parameter.minimum
            && n < min
        {
            return Err(refuse(format!("{value} is below the minimum {min}")));
        }
        if let Some(max) = parameter.maximum
            && n > max
        {
            return Err(refuse(format!("{value} is above the maximum {max}")));
        }
    }
    Ok(())
}

/// A body member's text as the JSON value of its declared type.
fn body_value(operation: &Operation, member: &BodyField, value: &str) -> Result<Value, Error> {
    let refuse = |kind: &str| {
        Error::InvalidRequest(format!(
            "{} `{}`: `{value}` is not {kind}",
            operation.operation_id, member.name
        ))
    };
    match member.kind {
        ValueKind::String => Ok(Value::String(value.to_owned())),
        ValueKind::Integer => value
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| refuse("an integer")),
        ValueKind::Number => value
            .parse::<serde_json::Number>()
            .map(Value::Number)
            .map_err(|_| refuse("a number")),
        ValueKind::Boolean => value
            .parse::<bool>()
            .map(Value::Bool)
            .map_err(|_| refuse("true or false")),
        ValueKind::Array => match serde_json::from_str(value) {
            Ok(Value::Array(items)) => Ok(Value::Array(items)),
            _ => Err(refuse("a JSON array")),
        },
        ValueKind::Object => match serde_json::from_str(value) {
            Ok(Value::Object(map)) => Ok(Value::Object(map)),
            _ => Err(refuse("a JSON object")),
        },
        // No declared type: JSON text is taken as JSON, anything else as a string.
        ValueKind::Any => {
            Ok(serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned())))
        }
    }
}

/// A 2xx response of an [`OperationCall`]: the status and the body exactly as the server sent
/// it.
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    status: u16,
    request_id: Option<String>,
    content_type: Option<String>,
    body: bytes::Bytes,
}

impl fmt::Debug for RawResponse {
    // The body is not shown: a success body may carry a secret (a new token, a webhook secret).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl RawResponse {
    fn new(status: u16, headers: &HeaderMap, body: bytes::Bytes) -> Self {
        RawResponse {
            status,
            request_id: request_id(headers),
            content_type: header(headers, CONTENT_TYPE),
            body,
        }
    }

    /// The HTTP status (200, 201, 202, ...).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `X-Request-Id` the server sent, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `Content-Type` the server sent, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body's bytes, unchanged.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text ([`Error::Decode`] when it is not UTF-8).
    pub fn text(&self) -> Result<&str, Error> {
        std::str::from_utf8(&self.body).map_err(|e| self.decode_error(format!("not UTF-8: {e}")))
    }

    /// The body as JSON ([`Error::Decode`] when it is not).
    pub fn json(&self) -> Result<Value, Error> {
        serde_json::from_slice(&self.body).map_err(|e| {
            self.decode_error(format!(
                "not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })
    }

    /// The body as `T` (a generated response type): the human summary of a call whose exact
    /// body is printed as well.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error(e.to_string()))
    }

    /// The body read through `operation`'s generated success type and written back as JSON:
    /// the typed value a typed method would return, as JSON, so it carries the fields the spec
    /// knows and no others (an operation without a JSON success type gives the body as JSON).
    /// A body the type refuses is [`Error::Decode`].
    pub fn typed(&self, operation: &Operation) -> Result<Value, Error> {
        match operation.decode_success {
            Some(decode) => decode(&self.body).map_err(|e| self.decode_error(e.to_string())),
            None => self.json(),
        }
    }

    /// A decode error about this body. It never quotes the body: a success body may carry a
    /// secret.
    fn decode_error(&self, message: String) -> Error {
        Error::Decode {
            status: Some(self.status),
            request_id: self.request_id.clone(),
            content_type: self.content_type.clone(),
            message,
            body_snippet: String::new(),
        }
    }

    /// The list's page cursor and `hasMore`, when the body is a page of one.
    fn cursor(&self) -> (Option<String>, Option<bool>) {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&self.body) else {
            return (None, None);
        };
        let cursor = map
            .get("nextCursor")
            .and_then(Value::as_str)
            .map(str::to_owned);
        (cursor, map.get("hasMore").and_then(Value::as_bool))
    }
}

/// Paging an [`OperationCall`] of a cursor list ([`crate::paging::Paginate`]): each item is
/// one page's whole [`RawResponse`], and the next page is asked for with the `cursor` query
/// parameter while the body carries a `nextCursor` (and no `hasMore: false`). An operation
/// without a `cursor` parameter has one page.
impl<'a> sealed::FetchPage<'a> for OperationCall<'a> {
    type Item = RawResponse;

    fn fetch_page(
        self,
        request: PageRequest,
    ) -> crate::paging::BoxFuture<'a, Result<Page<RawResponse>, Error>> {
        let pages = self.operation.parameter("cursor").is_some();
        let mut call = self;
        if pages {
            if let Some(cursor) = request.cursor {
                replace(&mut call.query, "cursor", cursor);
            }
            if let Some(limit) = request.limit
                && call.operation.parameter("limit").is_some()
            {
                replace(&mut call.query, "limit", limit.to_string());
            }
        }
        Box::pin(async move {
            let response = call.send().await?;
            let (cursor, has_more) = if pages {
                response.cursor()
            } else {
                (None, None)
            };
            Ok(Page::new(vec![response], cursor, has_more))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> &'static Operation {
        Operation::by_id(id).expect("the operation is in the spec")
    }

    fn refusal(result: Result<impl fmt::Debug, Error>) -> String {
        match result {
            Err(Error::InvalidRequest(message)) => message,
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    #[test]
    fn the_table_carries_the_specs_limits_and_defaults() {
        let limit = op("searchJobs").parameter("limit").expect("limit");
        assert_eq!(limit.location, ParameterLocation::Query);
        assert_eq!(limit.kind, ValueKind::Integer);
        assert_eq!((limit.minimum, limit.maximum), (Some(1.0), Some(100.0)));
        let id = op("getJob").parameter("id").expect("id");
        assert!(id.required);
        assert_eq!(id.location, ParameterLocation::Path);
        let hire = op("hireFromProposal").body.expect("a body");
        assert!(
            hire.fields
                .iter()
                .any(|f| f.name == "milestone" && f.kind == ValueKind::Object)
        );
    }

    #[test]
    fn parameters_are_checked_against_their_declared_type_and_range() {
        let search = op("searchJobs");
        let limit = search.parameter("limit").expect("limit");
        assert!(check_parameter(search, limit, "100").is_ok());
        assert!(
            refusal(check_parameter(search, limit, "0").map(|()| 0))
                .contains("below the minimum 1")
        );
        assert!(
            refusal(check_parameter(search, limit, "ten").map(|()| 0))
                .contains("`ten` is not an integer")
        );
    }

    #[test]
    fn body_members_take_the_json_type_the_spec_declares() {
        let milestone = op("createMilestone");
        let member = |name: &str| {
            milestone
                .body
                .and_then(|b| b.fields.iter().find(|f| f.name == name))
                .expect("member")
        };
        assert_eq!(
            body_value(milestone, member("volume"), "1000").ok(),
            Some(Value::from(1000))
        );
        assert_eq!(
            body_value(milestone, member("description"), "1000").ok(),
            Some(Value::from("1000"))
        );
        assert!(
            refusal(body_value(milestone, member("amountUsd"), "lots")).contains("is not a number")
        );
        let webhook = op("createWebhook");
        let types = webhook
            .body
            .and_then(|b| b.fields.iter().find(|f| f.name == "eventTypes"))
            .expect("eventTypes");
        assert_eq!(
            body_value(webhook, types, r#"["proposal.received"]"#).ok(),
            Some(serde_json::json!(["proposal.received"]))
        );
        assert!(
            refusal(body_value(webhook, types, "proposal.received"))
                .contains("is not a JSON array")
        );
    }
}
