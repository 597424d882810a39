//! The HTML the pages are made of, built with maud like every page (maud escapes every value it
//! interpolates): the document shell with its inline stylesheet, the notice box and the facts
//! list the pages share, and the response builder that answers `text/html; charset=utf-8` with
//! headers that keep the pages private (no caching, no referrer: the claim page's URL carries
//! the claim-attempt token).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The tone of a notice box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Something went through.
    Success,
    /// Something was refused or failed.
    Error,
    /// Neutral information.
    Info,
}

/// A notice box with `message`; an error is an alert, anything else a status.
pub(crate) fn notice(tone: Tone, message: &str) -> Markup {
    let (class, role) = match tone {
        Tone::Success => ("notice success", "status"),
        Tone::Error => ("notice error", "alert"),
        Tone::Info => ("notice info", "status"),
    };
    html! { p class=(class) role=(role) { (message) } }
}

/// A definition list of `(label, value)` rows.
pub(crate) fn facts(rows: &[(&str, String)]) -> Markup {
    html! {
        dl.facts {
            @for (label, value) in rows {
                dt { (label) }
                dd { (value) }
            }
        }
    }
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f4f5f7;color:#1d2330;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(20,30,60,.08)}\
.brand{margin:0 0 1.5rem;font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;color:#5b6478}\
h1{margin:0 0 1rem;font-size:1.5rem;line-height:1.25}\
p{margin:0 0 1rem}\
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1.25rem;margin:0 0 1.5rem}\
.facts dt{color:#5b6478}\
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}\
.notice{padding:.75rem 1rem;border-radius:8px;border:1px solid}\
.success{background:#e8f6ee;border-color:#9bd3b0;color:#14532d}\
.error{background:#fdecec;border-color:#f0a8a8;color:#7f1d1d}\
.info{background:#eef2fb;border-color:#b3c3ea;color:#1e3a8a}\
form{margin:0}\
label{display:block;margin:0 0 .4rem;font-weight:600}\
input[type=text]{width:100%;padding:.65rem .8rem;font:1.5rem/1.2 ui-monospace,Menlo,monospace;letter-spacing:.3em;border:1px solid #c4c9d4;border-radius:8px}\
.actions{display:flex;gap:.75rem;margin-top:1rem}\
button{flex:1;padding:.7rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid transparent;cursor:pointer}\
.primary{background:#2952cc;color:#fff}\
.secondary{background:#fff;color:#7f1d1d;border-color:#e2b4b4}\
.foot{margin:1.5rem 0 0;font-size:.85rem;color:#5b6478}\
h2{margin:1.75rem 0 .5rem;font-size:1.1rem}\
.records{list-style:none;padding:0;margin:0 0 1rem}\
.records li{padding:.4rem 0;border-bottom:1px solid #eceef2;overflow-wrap:anywhere}\
.muted{color:#5b6478;font-size:.9rem}\
code{font:.9em ui-monospace,Menlo,monospace}";

/// A whole page: `title` in the tab and the heading, then `body`.
pub(crate) fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · OpenTrain sandbox" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    p.brand { "OpenTrain sandbox" }
                    h1 { (title) }
                    (body)
                    p.foot {
                        "This page is served by the local OpenTrain sandbox; nothing here \
                         reaches the real service."
                    }
                }
            }
        }
    }
}

/// A page response: `status`, `text/html; charset=utf-8`, not cached, no referrer, and a
/// content security policy that allows only the inline stylesheet and forms posting back to
/// the sandbox.
pub(crate) fn respond(status: StatusCode, title: &str, body: Markup) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
                     frame-ancestors 'none'; base-uri 'none'",
                ),
            ),
        ],
        document(title, body).into_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_escapes_every_markup_character() {
        // maud writes attribute values in double quotes, so `'` needs no escaping.
        assert_eq!(
            notice(Tone::Info, r#"<script>alert("x" & 'y')</script>"#).into_string(),
            "<p class=\"notice info\" role=\"status\">&lt;script&gt;alert(&quot;x&quot; &amp; 'y')&lt;/script&gt;</p>"
        );
    }

    #[test]
    fn the_shell_escapes_its_title_and_the_helpers_their_values() {
        let page = document("<b>", facts(&[("<i>", "<u>".to_owned())])).into_string();
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(page.contains("<title>&lt;b&gt; · OpenTrain sandbox</title>"));
        assert!(page.contains("<h1>&lt;b&gt;</h1>"));
        assert!(page.contains("<dl class=\"facts\"><dt>&lt;i&gt;</dt><dd>&lt;u&gt;</dd></dl>"));
        assert!(!page.contains("<b>") && !page.contains("<i>") && !page.contains("<u>"));
        assert!(page.contains(STYLE), "the stylesheet is not escaped");
    }

    #[test]
    fn a_notice_escapes_its_message_and_says_its_tone() {
        assert_eq!(
            notice(Tone::Error, "<x> & 'y'").into_string(),
            "<p class=\"notice error\" role=\"alert\">&lt;x&gt; &amp; 'y'</p>"
        );
        assert_eq!(
            notice(Tone::Success, "done").into_string(),
            "<p class=\"notice success\" role=\"status\">done</p>"
        );
        assert!(
            notice(Tone::Info, "i")
                .into_string()
                .contains("notice info")
        );
    }

    #[test]
    fn the_body_markup_is_placed_as_built_and_the_headers_keep_the_page_private() {
        let response = respond(
            StatusCode::IM_A_TEAPOT,
            "T",
            html! { p.muted { "<" em { "kept" } } },
        );
        assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert!(
            headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'")
        );
        let page = document("T", html! { p.muted { "<" em { "kept" } } }).into_string();
        assert!(
            page.contains("<h1>T</h1><p class=\"muted\">&lt;<em>kept</em></p><p class=\"foot\">")
        );
    }
}
