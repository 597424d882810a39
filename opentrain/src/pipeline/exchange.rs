//! One HTTP exchange and what its answer comes to: a 2xx goes to the caller unread; a transport
//! failure or an error status becomes an [`Attempted`] failure, its body read once and decoded
//! by the crate's one error decoder for the retry decision, and kept whole so that the very
//! response can be handed on.

use std::time::Duration;

use bytes::Bytes;

use opentrain_gen::operations::Operation;
use reqwest::ResponseBuilderExt as _;
use reqwest::header::RETRY_AFTER;

use crate::error::{Error, Failure, decode_failure, header, request_id};

/// A failed attempt: the failure decoded (what the retry decision, the tracing and the
/// facade's own requests read), the `Retry-After` header (if sent), and the failure itself as
/// it arrived, which is what the caller gets when no retry follows.
pub(super) struct Attempted {
    pub(super) error: Error,
    pub(super) retry_after: Option<Duration>,
    pub(super) arrived: Arrived,
}

/// A failure as it arrived.
pub(super) enum Arrived {
    /// A response with an error status; its body, read for the decision, is in it again.
    Response(reqwest::Response),
    /// No response: the transport error.
    Transport(reqwest::Error),
}

impl Attempted {
    /// The failure as it arrived, for the generated code to decode.
    pub(super) fn into_outcome(self) -> reqwest::Result<reqwest::Response> {
        match self.arrived {
            Arrived::Response(response) => Ok(response),
            Arrived::Transport(error) => Err(error),
        }
    }

    /// The failure as the facade's [`Error`] (a transport failure keeps its source).
    pub(super) fn into_error(self, operation: &'static Operation) -> Error {
        match self.arrived {
            Arrived::Response(_) => self.error,
            Arrived::Transport(error) => transport_error(error, operation),
        }
    }
}

/// The body of a failure the pipeline read, in the extensions of the response it hands on
/// (which holds the same bytes as its body): the one error mapping is synchronous and cannot
/// read a body, and an undocumented status (a 500 with the envelope, an HTML 502) reaches it
/// as the response itself.
#[derive(Clone, Debug)]
pub(crate) struct ReadBody(pub(crate) bytes::Bytes);

/// One HTTP exchange: a 2xx comes back unread; anything else is read and decoded.
pub(super) async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
    operation: &'static Operation,
) -> Result<reqwest::Response, Attempted> {
    match http.execute(request).await {
        Ok(response) if response.status().is_success() => Ok(response),
        Ok(response) => Err(read_failure(response, operation).await),
        Err(error) => Err(Attempted {
            error: transport_decision(&error, operation),
            retry_after: None,
            arrived: Arrived::Transport(error),
        }),
    }
}

/// A transport error as the facade's [`Error`], a timeout naming its operation.
fn transport_error(error: reqwest::Error, operation: &'static Operation) -> Error {
    match Error::from(error) {
        Error::Timeout { .. } => Error::Timeout {
            operation: Some(operation.operation_id),
        },
        other => other,
    }
}

/// What the retry decision reads of a transport error (which stays with the caller).
fn transport_decision(error: &reqwest::Error, operation: &'static Operation) -> Error {
    if error.is_timeout() {
        Error::Timeout {
            operation: Some(operation.operation_id),
        }
    } else {
        Error::Transport {
            connect: error.is_connect(),
            message: crate::error::error_chain(error),
            source: None,
        }
    }
}

/// Reads a response's body and rebuilds the response around it: the same status, version,
/// headers and URL, the bytes as its body and in its extensions ([`ReadBody`]).
async fn read_whole(
    mut response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, Bytes)> {
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    // Moved out, not copied: reading the body consumes the response.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    // The builder only records the URL here (it cannot fail on it); the rest is set directly.
    let mut rebuilt = http::Response::builder()
        .url(url)
        .extension(ReadBody(body.clone()))
        .body(())
        .unwrap_or_default()
        .map(|()| reqwest::Body::from(body.clone()));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((reqwest::Response::from(rebuilt), body))
}

/// A failed read of a body, as an attempt's failure.
fn unreadable(error: reqwest::Error, operation: &'static Operation) -> Attempted {
    Attempted {
        error: transport_decision(&error, operation),
        retry_after: None,
        arrived: Arrived::Transport(error),
    }
}

/// Reads a 2xx response whole, for a client that keeps the last body
/// ([`ClientBuilder::keep_last_body`](crate::ClientBuilder::keep_last_body)): the bytes, and
/// the response rebuilt around them for the generated code to decode.
pub(super) async fn read_success(
    response: reqwest::Response,
    operation: &'static Operation,
) -> Result<(reqwest::Response, Bytes), Attempted> {
    read_whole(response)
        .await
        .map_err(|error| unreadable(error, operation))
}

/// Reads and decodes a response with an error status, and rebuilds it around the body it read.
async fn read_failure(response: reqwest::Response, operation: &'static Operation) -> Attempted {
    let (response, body) = match read_whole(response).await {
        Ok(read) => read,
        Err(error) => return unreadable(error, operation),
    };
    let headers = response.headers();
    let retry_after = header(headers, RETRY_AFTER);
    let error = decode_failure(Failure {
        status: Some(response.status().as_u16()),
        content_type: header(headers, reqwest::header::CONTENT_TYPE).as_deref(),
        request_id: request_id(headers),
        retry_after: retry_after.as_deref(),
        body: &body,
    });
    Attempted {
        error,
        retry_after: retry_after
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_secs),
        arrived: Arrived::Response(response),
    }
}
