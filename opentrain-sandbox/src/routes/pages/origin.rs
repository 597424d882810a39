//! The one guard of every state-changing page request: a `POST` (or any method but `GET` and
//! `HEAD`) that a browser says came from another site is refused with a 403 page before its
//! handler runs, so a web page open in the same browser cannot confirm a claim or an approval.
//!
//! A browser's own word is `Sec-Fetch-Site` (sent with every request by current browsers, even
//! under the pages' `no-referrer` policy, which makes them send `Origin: null` for the pages' own
//! forms): only `same-origin` (and `none`, a request the person made themselves) pass. Without
//! it, `Origin` must name the sandbox (`Host`); the opaque `null` origin is refused. A request
//! with neither header (a command-line client) goes through.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::problem;

/// The Fetch Metadata header that says where a request came from.
const SEC_FETCH_SITE: &str = "sec-fetch-site";

/// The middleware.
pub(crate) async fn same_origin_only(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let allowed = match text(SEC_FETCH_SITE) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => same_origin(text(header::ORIGIN.as_str()), text(header::HOST.as_str())),
    };
    if allowed {
        next.run(request).await
    } else {
        problem(
            StatusCode::FORBIDDEN,
            "Refused",
            "This form was sent from another site. Open the page from the sandbox itself and \
             submit it there.",
        )
    }
}

/// Whether a request with these `Origin` and `Host` headers comes from the sandbox's own pages.
fn same_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Some(host) = host else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.trim_end_matches('/').eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn only_the_sandboxs_own_origin_or_none_may_change_state() {
        assert!(same_origin(None, Some("127.0.0.1:4010")));
        assert!(same_origin(
            Some("http://127.0.0.1:4010"),
            Some("127.0.0.1:4010")
        ));
        assert!(!same_origin(
            Some("http://127.0.0.1:9999"),
            Some("127.0.0.1:4010")
        ));
        assert!(!same_origin(
            Some("https://evil.example"),
            Some("127.0.0.1:4010")
        ));
        assert!(!same_origin(Some("null"), Some("127.0.0.1:4010")));
        assert!(!same_origin(Some("http://127.0.0.1:4010"), None));
    }
}
