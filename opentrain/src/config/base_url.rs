//! The base URL: the default origin, the Public API path appended to it ([`api_url`]), and
//! the check that a configured base URL is an `http(s)://host[:port][/path]` URL this client
//! can use (its error never echoes a URL that may hold a password).

use super::{ConfigError, Source};

/// The origin the official CLI and MCP server use when no base URL is configured.
pub const DEFAULT_BASE_URL: &str = "https://app.opentrain.ai";

/// The path of the Public API under a base URL; [`api_url`] appends it.
pub const API_PATH: &str = "/api/public/v1";

/// The URL of the Public API under `base`: `base` without trailing `/`, followed by [`API_PATH`]
/// unless it already ends with it.
pub fn api_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with(API_PATH) {
        base.to_owned()
    } else {
        format!("{base}{API_PATH}")
    }
}

/// Checks that `raw` is an absolute `http(s)://host[:port][/path]` URL and returns it without
/// trailing `/`.
pub(super) fn normalize_base_url(raw: &str, origin: Source) -> Result<String, ConfigError> {
    check_base_url(raw).map_err(|problem| ConfigError::InvalidBaseUrl {
        origin,
        value: (!raw.contains('@')).then(|| raw.chars().take(200).collect()),
        problem,
    })
}

fn check_base_url(raw: &str) -> Result<String, &'static str> {
    if raw.is_empty() {
        return Err("it is empty");
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace or control characters");
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err("it has no scheme; write it in full, like https://app.opentrain.ai");
    };
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return Err("its scheme is not http:// or https://");
    }
    if rest.contains(['?', '#']) {
        return Err("it has a query (?) or a fragment (#); give only scheme, host, port and path");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err("it contains user credentials (user:password@); put the token in OT_API_TOKEN");
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((ip6, tail)) = bracketed.split_once(']') else {
            return Err("its IPv6 host is missing the closing `]`");
        };
        if ip6.is_empty()
            || !ip6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("its IPv6 host is not valid");
        }
        match tail {
            "" => (ip6, None),
            _ => match tail.strip_prefix(':') {
                Some(port) => (ip6, Some(port)),
                None => return Err("it has unexpected characters after the IPv6 host"),
            },
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.starts_with(['.', '-'])
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err("its host has characters that are not allowed in a host name");
        }
        (host, port)
    };
    if host.is_empty() {
        return Err("it has no host");
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err("its port is not a number from 1 to 65535");
        }
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_check_accepts_http_and_https_urls_and_strips_trailing_slashes() {
        for (raw, want) in [
            ("https://app.opentrain.ai", "https://app.opentrain.ai"),
            ("https://app.opentrain.ai/", "https://app.opentrain.ai"),
            ("https://app.opentrain.ai//", "https://app.opentrain.ai"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("HTTPS://App.Example", "HTTPS://App.Example"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            (
                "http://localhost/proxy/opentrain/",
                "http://localhost/proxy/opentrain",
            ),
            ("https://my_host.internal", "https://my_host.internal"),
        ] {
            assert_eq!(check_base_url(raw).as_deref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn base_url_check_rejects_what_is_not_an_http_url() {
        for raw in [
            "",
            "app.opentrain.ai",
            "ftp://app.opentrain.ai",
            "https://",
            "https:///path",
            "https://app.opentrain.ai?x=1",
            "https://app.opentrain.ai/#frag",
            "https://user:pw@app.opentrain.ai",
            "https://app opentrain.ai",
            "https://app.opentrain.ai\n",
            "https://app.opentrain.ai:",
            "https://app.opentrain.ai:99999",
            "https://app.opentrain.ai:0",
            "https://app.opentrain.ai:80:80",
            "http://[::1",
            "http://[zz]",
            "http://[::1]x",
            "https://.example",
            "https://exa$mple.com",
        ] {
            assert!(check_base_url(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn invalid_base_url_with_credentials_is_not_echoed() {
        let err =
            normalize_base_url("https://user:hunter2@example.com", Source::Explicit).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{err:?}").contains("hunter2"));
        let err = normalize_base_url("ftp://example.com", Source::Env("OT_API_BASE_URL"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"ftp://example.com\"") && err.contains("OT_API_BASE_URL"),
            "{err}"
        );
    }

    #[test]
    fn api_url_appends_the_api_path_once() {
        assert_eq!(
            api_url(DEFAULT_BASE_URL),
            "https://app.opentrain.ai/api/public/v1"
        );
        assert_eq!(api_url("http://h:1/"), "http://h:1/api/public/v1");
        assert_eq!(api_url("http://h/api/public/v1"), "http://h/api/public/v1");
        assert_eq!(api_url("http://h/api/public/v1/"), "http://h/api/public/v1");
        assert_eq!(api_url("http://h/proxy"), "http://h/proxy/api/public/v1");
    }
}
