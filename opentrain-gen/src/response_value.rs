//! How a generated operation reads a response it decodes: the one replacement for
//! progenitor's `ResponseValue::from_response`.
//!
//! progenitor's version copies every response header into the `ResponseValue` it returns and
//! then drops the response with its own copy. `cargo xtask generate` has each operation call
//! [`read`] instead, which moves the headers out of the response: the same value, without a
//! copy of the header map (two allocations and a clone of every header) per call. It also
//! reads the body chunk by chunk into the same bytes `Response::bytes` returns, from a future a
//! third the size: every operation's future holds it, and is moved whole where it is awaited.

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
// A plain `fn` returning an `async move` block, not an `async fn`: an `async fn` keeps its
// argument twice in its state (as received and as the local it is moved into).
pub fn read<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> impl Future<Output = Result<ResponseValue<T>, Error<E>>> {
    async move {
        let full = whole_body(&mut response)
            .await
            .map_err(|e| Error::ResponseBodyError(e.with_url(response.url().clone())))?;
        let inner =
            serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
        // Taken once the body is in, so they are not kept through the wait for it; moved, not
        // copied.
        let headers = std::mem::take(response.headers_mut());
        Ok(ResponseValue::new(inner, response.status(), headers))
    }
}

/// The whole body of `response`: what `Response::bytes` returns, read chunk by chunk so that
/// the future waiting for it holds a borrow of the response rather than the response and a
/// collector of its own (about 600 bytes less in every operation's future, which is moved
/// whole at every `.await` that starts it). A body that comes in one chunk (most do) is
/// handed on without a copy, as `bytes` does.
async fn whole_body(response: &mut reqwest::Response) -> reqwest::Result<bytes::Bytes> {
    let Some(first) = response.chunk().await? else {
        return Ok(bytes::Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut whole = bytes::BytesMut::with_capacity(first.len() + second.len());
    whole.extend_from_slice(&first);
    whole.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        whole.extend_from_slice(&chunk);
    }
    Ok(whole.freeze())
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

    /// A response whose body arrives as `chunks`, then ends or (with `fail`) breaks off.
    fn streamed(chunks: &[&'static str], fail: bool) -> reqwest::Response {
        use reqwest::ResponseBuilderExt as _;
        let mut parts: Vec<Result<bytes::Bytes, std::io::Error>> = chunks
            .iter()
            .map(|c| Ok(bytes::Bytes::from_static(c.as_bytes())))
            .collect();
        if fail {
            parts.push(Err(std::io::Error::other("connection reset")));
        }
        reqwest::Response::from(
            http::Response::builder()
                .url("https://api.example/v1/jobs".parse().expect("url"))
                .body(reqwest::Body::wrap_stream(futures::stream::iter(parts)))
                .expect("response"),
        )
    }

    #[tokio::test]
    async fn a_body_in_any_number_of_chunks_decodes_as_progenitors_does() {
        for chunks in [
            &[][..],
            &[r#"{"id":"job_1"}"#],
            &[r#"{"id":"#, r#""job"#, r#"_1"}"#],
        ] {
            let ours = read::<serde_json::Value, ()>(streamed(chunks, false)).await;
            let theirs =
                ResponseValue::<serde_json::Value>::from_response::<()>(streamed(chunks, false))
                    .await;
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.into_inner(), b.into_inner());
                    assert_eq!(chunks.concat(), r#"{"id":"job_1"}"#);
                }
                // The empty body: the same (empty) bytes kept in the same error.
                (
                    Err(Error::InvalidResponsePayload(a, _)),
                    Err(Error::InvalidResponsePayload(b, _)),
                ) => {
                    assert_eq!(a, b);
                    assert!(chunks.is_empty() && a.is_empty());
                }
                (a, b) => panic!("{chunks:?}: {a:?} / {b:?}"),
            }
        }
    }

    #[tokio::test]
    async fn a_body_that_breaks_off_is_a_body_error_naming_the_url_as_reqwests_is() {
        let ours = read::<serde_json::Value, ()>(streamed(&[r#"{"id":"#], true))
            .await
            .expect_err("broken body");
        let theirs = streamed(&[r#"{"id":"#], true)
            .bytes()
            .await
            .expect_err("broken body");
        let Error::ResponseBodyError(ours) = ours else {
            panic!("not a body error: {ours:?}");
        };
        assert!(ours.is_decode() && theirs.is_decode());
        assert_eq!(ours.url(), theirs.url());
        assert_eq!(
            ours.url().map(|u| u.as_str()),
            Some("https://api.example/v1/jobs")
        );
        assert_eq!(ours.to_string(), theirs.to_string());
    }
}
