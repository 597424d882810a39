//! The copy of a request its retries are made from.

use std::time::Duration;

/// What the retries of a call are made from: the request as the generated code built it
/// (before the pipeline's own headers), copied once per call.
///
/// It holds what a request built through `reqwest`'s public API can hold (method, URL, headers,
/// version, timeout, a body in memory), what [`reqwest::Request::try_clone`] copies too, but
/// not a request: every call pays for the copy, and most never use it. The header map is
/// cloned whole: the facade bench measured that cheaper than copying its entries into a list
/// (the copy of the headers was most of what the pipeline cost a call). A test holds a request
/// made from it equal to the original.
pub(super) struct RetryCopy {
    method: reqwest::Method,
    pub(super) url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    version: reqwest::Version,
    timeout: Option<Duration>,
    body: Option<bytes::Bytes>,
}

impl RetryCopy {
    /// The copy of `request`; `None` for a streamed body, which cannot be sent twice.
    pub(super) fn of(request: &reqwest::Request) -> Option<Self> {
        let body = match request.body() {
            None => None,
            Some(body) => Some(bytes::Bytes::copy_from_slice(body.as_bytes()?)),
        };
        Some(Self {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            version: request.version(),
            timeout: request.timeout().copied(),
            body,
        })
    }

    /// A request to send again, equal to the one copied.
    pub(super) fn request(&self) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = self.headers.clone();
        *request.version_mut() = self.version;
        if self.timeout.is_some() {
            *request.timeout_mut() = self.timeout;
        }
        *request.body_mut() = self.body.clone().map(reqwest::Body::from);
        request
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::RetryCopy;

    fn parts(request: &reqwest::Request) -> String {
        format!(
            "{} {} {:?} {:?} {:?} {:?}",
            request.method(),
            request.url(),
            request.headers(),
            request.version(),
            request.timeout(),
            request.body().and_then(|body| body.as_bytes()),
        )
    }

    #[test]
    fn a_request_made_from_the_copy_equals_the_original_and_reqwests_own_clone() {
        let request = reqwest::Client::new()
            .post("http://127.0.0.1:1/api/public/v1/jobs/draft?x=1")
            .header("accept", "application/json")
            .header("api-version", "1.0.0")
            .header("x-two", "first")
            .header("x-two", "second")
            .timeout(Duration::from_secs(7))
            .body(r#"{"brief":"label 500 images"}"#)
            .build()
            .unwrap();
        let copy = RetryCopy::of(&request).expect("a body in memory copies");
        let again = copy.request();
        assert_eq!(parts(&again), parts(&request));
        assert_eq!(parts(&again), parts(&request.try_clone().unwrap()));
        // Every retry is made from the same copy.
        assert_eq!(parts(&copy.request()), parts(&request));
    }

    #[test]
    fn a_request_without_a_body_or_timeout_copies_as_it_is() {
        let request = reqwest::Client::new()
            .get("http://127.0.0.1:1/api/public/v1/auth/me")
            .build()
            .unwrap();
        let again = RetryCopy::of(&request).unwrap().request();
        assert_eq!(parts(&again), parts(&request));
        assert!(again.body().is_none() && again.timeout().is_none());
    }

    #[test]
    fn a_streamed_body_cannot_be_copied() {
        let stream = futures::stream::once(async { Ok::<_, std::io::Error>("chunk") });
        let request = reqwest::Client::new()
            .post("http://127.0.0.1:1/upload")
            .body(reqwest::Body::wrap_stream(stream))
            .build()
            .unwrap();
        assert!(RetryCopy::of(&request).is_none());
        assert!(request.try_clone().is_none(), "reqwest agrees");
    }
}
