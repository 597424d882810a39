//! One HTTP exchange and what its answer comes to: a documented 2xx goes to the caller unread;
//! a transport failure, an error status or an undocumented status becomes an [`Attempted`]
//! failure, decoded once by the crate's one error decoder; a success body that carries a
//! secret is checked without ever being quoted.

use std::future::Future;
use std::time::Duration;

use opentrain_gen::operations::Operation;
use reqwest::header::RETRY_AFTER;

use crate::error::{Error, Failure, decode_failure, request_id};

/// A failed attempt: the decoded failure, the `Retry-After` header (if sent) and the URL the
/// request went to.
pub(super) struct Attempted {
    pub(super) error: Error,
    pub(super) retry_after: Option<Duration>,
    pub(super) url: Option<reqwest::Url>,
}

impl Attempted {
    pub(super) fn without_response(error: Error, url: Option<reqwest::Url>) -> Self {
        Self {
            error,
            retry_after: None,
            url,
        }
    }
}

/// One HTTP exchange: a documented 2xx comes back unread; anything else is read and decoded.
///
/// It takes the request already handed to `reqwest` (`sent`, a small future) rather than the
/// request itself, which would otherwise take room in every future around it.
pub(super) async fn exchange(
    sent: impl Future<Output = reqwest::Result<reqwest::Response>>,
    operation: &'static Operation,
) -> Result<reqwest::Response, Attempted> {
    match sent.await {
        Ok(response) if plain_success(operation, &response) => Ok(response),
        outcome => Box::pin(settle(outcome, operation)).await,
    }
}

/// Whether `response` is a documented 2xx of `operation` that goes to the caller as it is (one
/// whose body carries a secret is checked first).
pub(super) fn plain_success(operation: &Operation, response: &reqwest::Response) -> bool {
    let status = response.status().as_u16();
    (200..300).contains(&status)
        && documents(operation, status)
        && !(operation.carries_secret && operation.decode_success.is_some())
}

/// What an answer that is not a [`plain_success`] comes to: a transport failure, a secret body
/// checked, or a failure read and decoded. The rare paths run in futures of their own, so the
/// future every call keeps stays small.
pub(super) async fn settle(
    outcome: reqwest::Result<reqwest::Response>,
    operation: &'static Operation,
) -> Result<reqwest::Response, Attempted> {
    let response = outcome.map_err(|e| {
        let url = e.url().cloned();
        let error = match Error::from(e) {
            Error::Timeout { .. } => Error::Timeout {
                operation: Some(operation.operation_id),
            },
            other => other,
        };
        Attempted::without_response(error, url)
    })?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) && documents(operation, status) {
        return match operation.decode_success {
            Some(decode) if operation.carries_secret => {
                check_secret_body(response, operation, decode).await
            }
            _ => Ok(response),
        };
    }
    Err(read_failure(response).await)
}

/// Reads and decodes a response the operation does not accept: a 4xx/5xx, or a 2xx it does not
/// document.
async fn read_failure(mut response: reqwest::Response) -> Attempted {
    let status = response.status().as_u16();
    let url = response.url().clone();
    // Moved out, not copied: reading the body consumes the response.
    let headers = std::mem::take(response.headers_mut());
    let header = |name: &reqwest::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header(&RETRY_AFTER);
    let content_type = header(&reqwest::header::CONTENT_TYPE);
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => return Attempted::without_response(Error::from(e), Some(url)),
    };
    let error = if (200..300).contains(&status) {
        Error::Decode {
            status: Some(status),
            request_id: request_id(&headers),
            content_type,
            message: format!("status {status} is not one this operation documents"),
            body_snippet: crate::error::snippet(&body),
        }
    } else {
        decode_failure(Failure {
            status: Some(status),
            content_type: content_type.as_deref(),
            request_id: request_id(&headers),
            retry_after: retry_after.as_deref(),
            body: &body,
        })
    };
    Attempted {
        error,
        retry_after: retry_after
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_secs),
        url: Some(url),
    }
}

/// A success body that carries a secret (a created token, a webhook secret) is decoded here
/// first, so that a body of the wrong shape becomes a decode error that keeps the status and
/// the position but quotes nothing: neither the body nor serde's message, which can quote a
/// value. Only the two operations whose success carries a secret pay for the extra decode.
async fn check_secret_body(
    mut response: reqwest::Response,
    operation: &'static Operation,
    decode: fn(&[u8]) -> Result<serde_json::Value, serde_json::Error>,
) -> Result<reqwest::Response, Attempted> {
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = std::mem::take(response.headers_mut());
    let body = response
        .bytes()
        .await
        .map_err(|e| Attempted::without_response(Error::from(e), Some(url.clone())))?;
    if let Err(e) = decode(&body) {
        let error = Error::Decode {
            status: Some(status.as_u16()),
            request_id: request_id(&headers),
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            message: format!(
                "the {} success body does not match the documented response ({:?} error at \
                 line {}, column {}); it carries a secret, so it is not quoted",
                operation.operation_id,
                e.classify(),
                e.line(),
                e.column()
            ),
            body_snippet: String::new(),
        };
        return Err(Attempted::without_response(error, Some(url)));
    }
    let mut rebuilt = http::Response::new(reqwest::Body::from(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Whether `operation` declares the 2xx `status` (exactly, or as a `2XX` range).
fn documents(operation: &Operation, status: u16) -> bool {
    operation.success_statuses.contains(&status)
        || operation.status_ranges.contains(&(status / 100))
}
