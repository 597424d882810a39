//! The URL of a generated request, built on a base URL that is parsed once.
//!
//! progenitor formats every request's URL as one string (`"{base}/jobs/{id}"`) and hands it to
//! `reqwest`, which parses the whole of it again (scheme, host, port, path) on every request.
//! `cargo xtask generate` has each operation call [`join`] instead, with only the path: the
//! base is parsed the first time and kept in the client's [`Transport`](crate::transport),
//! and each request extends a copy of it with its path. That costs a copy and a parse of the
//! path, a third of a full parse.
//!
//! The result is the URL the formatted string parses to, exactly: [`join`] takes the short way
//! only when the base is already in the form `Url` writes it (no query, no fragment, nothing a
//! parser would rewrite) and the path holds nothing a parser treats apart (`?`, `#`, control
//! characters, spaces), and otherwise formats the whole string and lets `reqwest` parse it as
//! before, errors included.

use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use reqwest::Url;

/// The parsed base URL a [`Transport`](crate::transport::Transport) keeps, with the string it
/// was parsed from (one transport can serve clients with different bases: a base that is not
/// this one takes the long way).
#[derive(Clone, Debug, Default)]
pub(crate) struct BaseUrl {
    parsed: OnceLock<Option<(String, Url)>>,
}

impl BaseUrl {
    /// The parsed form of `base`, when appending a path to it needs no full parse.
    fn joinable(&self, base: &str) -> Option<&Url> {
        let (text, url) = self
            .parsed
            .get_or_init(|| {
                let url = Url::parse(base).ok()?;
                // Only a base that serializes to exactly itself, with nothing after its path:
                // then `base + path` parses to this base with `path` appended to its path.
                (url.as_str() == base
                    && url.has_host()
                    && url.query().is_none()
                    && url.fragment().is_none()
                    && !url.cannot_be_a_base())
                .then(|| (base.to_owned(), url))
            })
            .as_ref()?;
        (text == base).then_some(url)
    }
}

/// The URL of `client.baseurl` followed by `path` (which starts with `/`), as `reqwest` would
/// parse the formatted string; an error is the one `reqwest` gives for that string.
///
/// ```
/// let client = opentrain_gen::Client::new(
///     "https://api.example.com/api/public/v1",
///     opentrain_gen::transport::Transport::direct(),
/// );
/// let url = opentrain_gen::request_url::join(&client, format_args!("/jobs/{}", "job_1"))?;
/// assert_eq!(url.as_str(), "https://api.example.com/api/public/v1/jobs/job_1");
/// # Ok::<(), reqwest::Error>(())
/// ```
pub fn join(client: &crate::Client, path: fmt::Arguments<'_>) -> Result<Url, reqwest::Error> {
    let base = client.baseurl.as_str();
    if let Some(parsed) = client.inner.base_url().joinable(base) {
        let mut full_path = String::with_capacity(parsed.path().len() + 64);
        full_path.push_str(parsed.path());
        full_path
            .write_fmt(path)
            .expect("writing to a String cannot fail");
        // A parser reads `?` and `#` as the start of the query and fragment (`set_path` would
        // encode them), drops tabs and newlines and trims control characters and spaces off
        // the end: a path holding any of them takes the long way. (Generated paths never do:
        // `encode_path` encodes all of them.)
        if !full_path
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'?' || b == b'#')
        {
            let mut url = parsed.clone();
            url.set_path(&full_path);
            return Ok(url);
        }
    }
    client
        .client
        .get(format!("{base}{path}"))
        .build()
        .map(|request| request.url().clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Transport;
    use progenitor_client::encode_path;

    /// What the generated code did before: format the whole string and let reqwest parse it.
    fn formatted(base: &str, path: &str) -> Result<Url, String> {
        reqwest::Client::new()
            .get(format!("{base}{path}"))
            .build()
            .map(|r| r.url().clone())
            .map_err(|e| e.to_string())
    }

    const BASES: [&str; 12] = [
        "http://127.0.0.1:8080/api/public/v1",
        "https://api.example.com/api/public/v1",
        "https://api.example.com/api/public/v1/",
        "https://api.example.com",
        "https://api.example.com/",
        "https://API.Example.com/api",
        "https://api.example.com/a/../api",
        "https://api.example.com/api?x=1",
        "https://api.example.com/api#top",
        "https://api.example.com/%7Eapi",
        "mailto:someone@example.com",
        "not a url",
    ];

    const SEGMENTS: [&str; 18] = [
        "job_1", "", ".", "..", "%2e%2e", "a b", "ü", "日本", "a\\b", "x/y", "x?y#z", "%", "%41",
        "a+b", "[::1]", "\u{0}", "a\tb", "tail ",
    ];

    #[test]
    fn every_url_equals_the_one_the_formatted_string_parses_to() {
        for base in BASES {
            let client = crate::Client::new(base, Transport::direct());
            for segment in SEGMENTS {
                for template in ["/jobs/{}", "/jobs/{}/proposals", "{}"] {
                    let path = template.replace("{}", &encode_path(segment));
                    let raw = template.replace("{}", segment);
                    for path in [path, raw] {
                        let joined =
                            join(&client, format_args!("{path}")).map_err(|e| e.to_string());
                        assert_eq!(
                            joined,
                            formatted(base, &path),
                            "base {base:?}, path {path:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_canonical_base_is_parsed_once_and_an_odd_one_never_takes_the_short_way() {
        // The bases the facade builds (`api_url`) are canonical: every request takes the short way.
        for facade_base in [
            "https://app.opentrain.ai/api/public/v1",
            "http://127.0.0.1:8080/api/public/v1",
        ] {
            assert!(
                BaseUrl::default().joinable(facade_base).is_some(),
                "{facade_base}"
            );
        }
        let kept = BaseUrl::default();
        assert!(
            kept.joinable("https://api.example.com/api/public/v1")
                .is_some()
        );
        // The first base stays the parsed one; another base string is not mistaken for it.
        assert!(kept.joinable("https://api.example.com/other").is_none());
        for odd in [
            "https://api.example.com",
            "https://API.example.com/api",
            "https://api.example.com/api?x=1",
            "mailto:someone@example.com",
        ] {
            assert!(BaseUrl::default().joinable(odd).is_none(), "{odd}");
        }
    }
}
