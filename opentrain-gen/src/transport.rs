//! The transport hook: the one place a generated request leaves the client.
//!
//! progenitor hands every request of every operation to [`ClientHooks::exec`] together with its
//! operation name. Here that hook looks the operation up in the [operation
//! table](crate::operations) and gives request and operation to the client's [`Pipeline`] (its
//! `inner` value, a [`Transport`]). The pipeline decides everything that happens per HTTP
//! request: headers, retries, waits, a deadline and tracing. The `opentrain` facade supplies
//! that pipeline; [`Transport::direct`] (the default) sends each request once and hands back
//! whatever came.
//!
//! What a pipeline hands back is real: the final response as the server sent it (its status,
//! headers and body), or the transport error of the last attempt. The generated code decodes
//! it exactly as it would decode a response it had fetched itself, so a documented error
//! status is an `Error::ErrorResponse` carrying the decoded envelope with its status and
//! headers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Client;
use crate::operations::Operation;

/// A boxed, `Send` future, the return type of [`Pipeline::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What happens to one HTTP request: implemented by the `opentrain` facade.
///
/// `execute` gets the request progenitor built (URL, query, body, `Accept`, `api-version`),
/// the `reqwest::Client` to send it on and the spec's facts about the operation. It returns the
/// final response for the generated code to decode (a response whose body it has read must be
/// handed on with that same body), or the transport error of the last attempt.
pub trait Pipeline: Send + Sync + 'static {
    /// Sends `request` (possibly more than once) and returns the final response.
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
}

impl Transport {
    /// Every request goes through `pipeline`.
    pub fn new(pipeline: impl Pipeline) -> Self {
        Self::shared(Arc::new(pipeline))
    }

    /// Every request goes through the shared `pipeline`.
    pub fn shared(pipeline: Arc<dyn Pipeline>) -> Self {
        Self { pipeline }
    }

    /// Sends each request once, with no headers added and no retries.
    pub fn direct() -> Self {
        Self::new(Direct)
    }
}

impl Default for Transport {
    fn default() -> Self {
        Self::direct()
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transport")
    }
}

// Only `exec` is implemented: `pre` and `post` stay progenitor's no-ops. What they could do,
// the pipeline does inside `exec`, per attempt.
impl ClientHooks<Transport> for Client {
    // A plain `fn` handing on the pipeline's future: an `async fn` would keep the request in
    // a state of its own beside that future.
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        // `cargo xtask generate` fails when a generated method has no row in the table, so
        // every generated request finds its operation; a hand-made `OperationInfo` with a name
        // the table does not know still goes through the pipeline, as an unlisted operation.
        let operation =
            Operation::by_client_method(info.operation_id).unwrap_or(&Operation::UNLISTED);
        self.inner()
            .pipeline
            .execute(self.client(), request, operation)
    }
}
