//! The transport hook: the one place a generated request leaves the client.
//!
//! progenitor hands every request of every operation to [`ClientHooks::exec`] together with its
//! operation name. Here that hook looks the operation up in the [operation
//! table](crate::operations) and gives request and operation to the client's [`Pipeline`] (its
//! `inner` value, a [`Transport`]). The pipeline decides everything that happens per HTTP
//! request: headers, retries, waits, a deadline, tracing, and what a failure means. The
//! `opentrain` facade supplies that pipeline; [`Transport::direct`] (the default) sends each
//! request once and hands back whatever came.
//!
//! A pipeline that has decided a call failed returns a [`verdict_response`]: a response that
//! carries its failure inside. Whatever branch of the generated code reads it (an error status
//! reads the body, an undeclared status returns the response), the failure travels inside the
//! generated error value, where [`take_verdict`] finds it again. Nothing is kept on the side:
//! no task-local, no global, no rewritten body.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderMap;

use crate::Client;
use crate::operations::Operation;
use crate::request_url::BaseUrl;

/// A boxed, `Send` future, the return type of [`Pipeline::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What happens to one HTTP request: implemented by the `opentrain` facade.
///
/// `execute` gets the request progenitor built (URL, query, body, `Accept`, `api-version`),
/// the `reqwest::Client` to send it on and the spec's facts about the operation. It returns the
/// response the generated code should decode, or a [`verdict_response`] for a failure.
pub trait Pipeline: Send + Sync + 'static {
    /// Sends `request` (possibly more than once) and returns the response to decode.
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// Sends each request once, unchanged.
struct Direct;

impl Pipeline for Direct {
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: reqwest::Request,
        _operation: &'static Operation,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        Box::pin(http.execute(request))
    }
}

/// The generated client's `inner` value: the [`Pipeline`] every request goes through.
#[derive(Clone)]
pub struct Transport {
    pipeline: Arc<dyn Pipeline>,
    /// The client's base URL, parsed on the first request (see [`crate::request_url`]).
    base_url: BaseUrl,
}

impl Transport {
    /// Every request goes through `pipeline`.
    pub fn new(pipeline: impl Pipeline) -> Self {
        Self::shared(Arc::new(pipeline))
    }

    /// Every request goes through the shared `pipeline`.
    pub fn shared(pipeline: Arc<dyn Pipeline>) -> Self {
        Self {
            pipeline,
            base_url: BaseUrl::default(),
        }
    }

    /// Sends each request once, with no headers added and no retries.
    pub fn direct() -> Self {
        Self::new(Direct)
    }

    /// The parsed base URL kept for [`crate::request_url::join`].
    pub(crate) fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }
}

impl Default for Transport {
    fn default() -> Self {
        Self::direct()
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Transport")
    }
}

// Only `exec` is implemented: `pre` and `post` stay progenitor's no-ops, and the generated
// operations do not call them (`cargo xtask generate` drops those calls, which would otherwise
// keep the request and its result in every operation's future). What they could do, the
// pipeline does inside `exec`.
impl ClientHooks<Transport> for Client {
    // A plain `fn` returning the pipeline's future, not an `async fn`: an `async fn` would keep
    // the request in its own state beside the pipeline's future, in every operation's future.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        match Operation::by_client_method(info.operation_id) {
            Some(operation) => self
                .inner()
                .pipeline
                .execute(self.client(), request, operation),
            // Every generated method is in the table (a test proves it); should one ever be
            // missing, the request still goes out, just without the pipeline.
            None => Box::pin(self.client().execute(request)),
        }
    }
}

/// A failure a [`Pipeline`] decided on, handed over once to whoever takes it.
struct Verdict {
    message: String,
    failure: Mutex<Option<Box<dyn StdError + Send + Sync>>>,
}

/// The error value a verdict response's body yields (and the extension it carries).
#[derive(Clone)]
struct Carried(Arc<Verdict>);

impl fmt::Debug for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Verdict").field(&self.0.message).finish()
    }
}

impl fmt::Display for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl StdError for Carried {}

/// The status of a verdict response for a failure that had no response of its own (the
/// connection failed, the deadline ran out): no operation declares it, so the generated code
/// returns the response itself and [`take_verdict`] finds the failure on it.
pub const NO_RESPONSE_STATUS: u16 = 599;

/// A response that carries `failure`: `status` and `headers` are what the caller's raw error
/// will report; the body yields the failure as an error when read, and the response's
/// extensions hold it too, so [`take_verdict`] finds it whichever way the generated code went.
///
/// The failure's `Display` text (which must hold no secret) is what a caller that never takes
/// the verdict sees in the raw error.
pub fn verdict_response(
    status: u16,
    url: Option<reqwest::Url>,
    headers: HeaderMap,
    failure: Box<dyn StdError + Send + Sync>,
) -> reqwest::Response {
    use reqwest::ResponseBuilderExt as _;
    let carried = Carried(Arc::new(Verdict {
        message: failure.to_string(),
        failure: Mutex::new(Some(failure)),
    }));
    let body_error = carried.clone();
    let body = reqwest::Body::wrap_stream(futures::stream::once(async move {
        Err::<Bytes, Carried>(body_error)
    }));
    let mut builder = http::Response::builder()
        .status(
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .extension(carried);
    if let Some(url) = url {
        // The raw error then names the request's URL.
        builder = builder.url(url);
    }
    let mut response = builder
        .body(body)
        .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(Bytes::new())));
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// The failure a [`verdict_response`] carried into `error`, taken out (a second call returns
/// `None`). `None` for an error no pipeline decided on.
pub fn take_verdict<E>(error: &crate::Error<E>) -> Option<Box<dyn StdError + Send + Sync>> {
    let carried = match error {
        crate::Error::UnexpectedResponse(response) => response.extensions().get::<Carried>(),
        crate::Error::ResponseBodyError(e) | crate::Error::CommunicationError(e) => {
            let mut next: Option<&(dyn StdError + 'static)> = Some(e);
            let mut found = None;
            while let Some(cause) = next {
                if let Some(carried) = cause.downcast_ref::<Carried>() {
                    found = Some(carried);
                    break;
                }
                next = cause.source();
            }
            found
        }
        _ => None,
    }?;
    carried
        .0
        .failure
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Boom(&'static str);
    impl fmt::Display for Boom {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Boom {}

    #[tokio::test]
    async fn a_verdict_read_as_a_body_is_found_in_the_body_error() {
        let response = verdict_response(503, None, HeaderMap::new(), Box::new(Boom("down")));
        assert_eq!(response.status().as_u16(), 503);
        let e = response.bytes().await.unwrap_err();
        let raw: crate::Error<()> = crate::Error::ResponseBodyError(e);
        let failure = take_verdict(&raw).expect("carried");
        assert_eq!(failure.to_string(), "down");
        assert!(failure.downcast_ref::<Boom>().is_some());
        assert!(take_verdict(&raw).is_none(), "handed over once");
    }

    #[test]
    fn a_verdict_on_a_returned_response_is_found_in_its_extensions() {
        let response = verdict_response(
            NO_RESPONSE_STATUS,
            None,
            HeaderMap::new(),
            Box::new(Boom("refused")),
        );
        let raw: crate::Error<()> = crate::Error::UnexpectedResponse(response);
        assert_eq!(take_verdict(&raw).unwrap().to_string(), "refused");
        let plain: crate::Error<()> = crate::Error::InvalidRequest("x".into());
        assert!(take_verdict(&plain).is_none());
    }
}
