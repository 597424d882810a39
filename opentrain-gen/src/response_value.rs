//! How a generated operation reads a response it decodes: the one replacement for
//! progenitor's `ResponseValue::from_response`.
//!
//! progenitor's version copies every response header into the `ResponseValue` it returns and
//! then drops the response with its own copy. `cargo xtask generate` has each operation call
//! [`read`] instead, which moves the headers out of the response: the same value, without a
//! copy of the header map (two allocations and a clone of every header) per call.

use progenitor_client::{Error, ResponseValue};

/// The body of `response` decoded as JSON, with its status and headers: what
/// `ResponseValue::from_response` returns, errors included (a body that fails to arrive is
/// [`Error::ResponseBodyError`], one that does not decode [`Error::InvalidResponsePayload`]
/// with the bytes).
///
/// ```
/// # async fn demo() -> Result<(), opentrain_gen::Error<()>> {
/// let response = reqwest::Response::from(
///     http::Response::builder()
///         .header("x-request-id", "req_1")
///         .body(r#"{"ok":true}"#)
///         .unwrap(),
/// );
/// let value: opentrain_gen::ResponseValue<serde_json::Value> =
///     opentrain_gen::response_value::read(response).await?;
/// assert_eq!(value.headers()["x-request-id"], "req_1");
/// assert_eq!(value.into_inner()["ok"], true);
/// # Ok(()) }
/// ```
pub async fn read<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    // Taking the headers leaves the body as it is: `reqwest` chose how to decode it when the
    // response arrived.
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static str) -> reqwest::Response {
        reqwest::Response::from(
            http::Response::builder()
                .status(201)
                .header("x-request-id", "req_1")
                .header("content-type", "application/json")
                .body(body)
                .expect("response"),
        )
    }

    /// What `ResponseValue::from_response` gives for the same response.
    async fn progenitors(
        body: &'static str,
    ) -> Result<ResponseValue<serde_json::Value>, Error<()>> {
        ResponseValue::from_response(response(body)).await
    }

    #[tokio::test]
    async fn a_decoded_response_equals_progenitors_status_headers_and_value() {
        let ours: ResponseValue<serde_json::Value> = read::<_, ()>(response(r#"{"id":"job_1"}"#))
            .await
            .expect("decodes");
        let theirs = progenitors(r#"{"id":"job_1"}"#).await.expect("decodes");
        assert_eq!(ours.status(), theirs.status());
        assert_eq!(ours.headers(), theirs.headers());
        assert_eq!(ours.headers()["x-request-id"], "req_1");
        assert_eq!(ours.into_inner(), theirs.into_inner());
    }

    #[tokio::test]
    async fn a_body_that_does_not_decode_keeps_its_bytes_as_progenitors_does() {
        let ours = read::<serde_json::Value, ()>(response("<html>502</html>"))
            .await
            .expect_err("not JSON");
        let theirs = progenitors("<html>502</html>").await.expect_err("not JSON");
        match (ours, theirs) {
            (Error::InvalidResponsePayload(a, _), Error::InvalidResponsePayload(b, _)) => {
                assert_eq!(a, b);
                assert_eq!(&a[..], b"<html>502</html>");
            }
            (a, b) => panic!("different errors: {a:?} / {b:?}"),
        }
    }
}
