//! The HTML the pages are made of: one escaping helper ([`escape`]) that every shown value
//! passes through, the document shell with its inline stylesheet, and the response builder that
//! answers `text/html; charset=utf-8` with headers that keep the pages private (no caching, no
//! referrer: the claim page's URL carries the claim-attempt token).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes `text` for HTML element content and double-quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become character references.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

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

/// A notice box with `message` (escaped here).
pub(crate) fn notice(tone: Tone, message: &str) -> String {
    let class = match tone {
        Tone::Success => "notice success",
        Tone::Error => "notice error",
        Tone::Info => "notice info",
    };
    format!(
        "<p class=\"{class}\" role=\"{role}\">{}</p>",
        escape(message),
        role = if tone == Tone::Error {
            "alert"
        } else {
            "status"
        }
    )
}

/// A definition list of `(label, value)` rows; both are escaped here.
pub(crate) fn facts(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<dl class=\"facts\">");
    for (label, value) in rows {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>",
            escape(label),
            escape(value)
        ));
    }
    out.push_str("</dl>");
    out
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

/// A whole page: `title` (escaped here) and `body`, markup the caller built from escaped
/// values.
pub(crate) fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{title} · OpenTrain sandbox</title><style>{STYLE}</style></head>\
         <body><main><p class=\"brand\">OpenTrain sandbox</p><h1>{title}</h1>{body}\
         <p class=\"foot\">This page is served by the local OpenTrain sandbox; nothing here \
         reaches the real service.</p></main></body></html>\n",
        title = escape(title),
    )
}

/// A page response: `status`, `text/html; charset=utf-8`, not cached, no referrer, and a
/// content security policy that allows only the inline stylesheet and forms posting back to
/// the sandbox.
pub(crate) fn respond(status: StatusCode, title: &str, body: &str) -> Response {
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
        document(title, body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("plain text, ünïcode"), "plain text, ünïcode");
    }

    #[test]
    fn the_shell_escapes_its_title_and_the_helpers_their_values() {
        let page = document("<b>", &facts(&[("<i>", "<u>".to_owned())]));
        assert!(page.contains("<h1>&lt;b&gt;</h1>"));
        assert!(page.contains("<dt>&lt;i&gt;</dt><dd>&lt;u&gt;</dd>"));
        assert!(notice(Tone::Error, "<x>").contains("&lt;x&gt;"));
        assert!(!page.contains("<b>") && !page.contains("<u>"));
    }
}
