//! The agent-auth wire: the four endpoints described as operations, their request bodies (JSON
//! or form), the tokenless `POST` through the facade's pipeline, and the decoding of a 2xx
//! reply into the typed reply struct of its endpoint.
//!
//! The reply structs (one per endpoint, beside the code that uses them) are read leniently:
//! every field is optional at the serde level, a field of an unexpected type reads as absent,
//! and unknown keys are ignored, so decoding a JSON object never fails over one field. The
//! fields the flow needs are then checked by [`Reply::required`] and [`Reply::seconds`], whose
//! errors name the key. Nothing here ever quotes a body: success bodies carry tokens.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AGENT_API_PATH;
use crate::Client;
use crate::config::{API_PATH, Secret};
use crate::error::Error;
use opentrain_gen::operations::Operation;

/// The agent-auth endpoints, described like the spec's operations so they go through the same
/// [pipeline](crate::pipeline) (they are OAuth wire, outside the `/v1` spec). All are writes
/// the pipeline never repeats once the server may have seen them.
const fn agent_operation(operation_id: &'static str, path: &'static str) -> Operation {
    Operation {
        operation_id,
        method: "POST",
        path,
        tag: "agentAuth",
        summary: "",
        parameters: &[],
        body: None,
        client_method: "",
        success_statuses: &[200, 201],
        error_statuses: &[],
        status_ranges: &[2],
        tokenless: true,
        // Registration and the claim token answer with tokens.
        carries_secret: true,
        decode_success: None,
        debug_success: None,
        encode_body: None,
    }
}

/// `POST /api/agent/identity`: registration.
pub(super) static REGISTER: Operation = agent_operation("registerAgent", "/identity");
/// `POST /api/agent/identity/claim`: the claim start.
pub(super) static START_CLAIM: Operation = agent_operation("startAgentClaim", "/identity/claim");
/// `POST /api/agent/oauth/token`: the claim-token poll.
pub(super) static CLAIM_TOKEN: Operation = agent_operation("pollClaimToken", "/oauth/token");
/// `POST /api/agent/oauth/revoke`: token revocation.
pub(super) static REVOKE: Operation = agent_operation("revokeAgentToken", "/oauth/revoke");

/// A request body with its content type.
pub(super) struct Body {
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl Body {
    /// A JSON body.
    pub(super) fn json(value: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| Error::InvalidRequest(format!("cannot encode the JSON body: {e}")))?;
        Ok(Self {
            content_type: "application/json",
            bytes,
        })
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub(super) fn form(pairs: &[(&str, &str)]) -> Result<Self, Error> {
        let text = serde_urlencoded::to_string(pairs)
            .map_err(|e| Error::InvalidRequest(format!("cannot encode the form body: {e}")))?;
        Ok(Self {
            content_type: "application/x-www-form-urlencoded",
            bytes: text.into_bytes(),
        })
    }
}

/// The URL of an agent-auth endpoint under the client's base URL (an `/api/public/v1` suffix
/// on the base is dropped: the agent endpoints sit beside it).
fn agent_url(base_url: &str, path: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let origin = base.strip_suffix(API_PATH).unwrap_or(base);
    format!("{origin}{AGENT_API_PATH}{path}")
}

/// A 2xx response of an agent-auth endpoint, not yet decoded.
pub(super) struct Reply {
    status: u16,
    request_id: Option<String>,
    content_type: Option<String>,
    body: bytes::Bytes,
}

/// Sends one request without a bearer token; a non-2xx answer goes through the crate's error
/// decoder (OAuth shape, envelope, or a body it cannot read).
pub(super) async fn post(
    client: &Client,
    operation: &'static Operation,
    body: Body,
) -> Result<Reply, Error> {
    let request = client
        .http()
        .post(agent_url(client.base_url(), operation.path))
        .header(CONTENT_TYPE, body.content_type)
        .header(ACCEPT, "application/json")
        .body(body.bytes)
        .build()?;
    let response = client
        .pipeline()
        .without_token()
        .send(client.http(), request, operation)
        .await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    Ok(Reply {
        status,
        request_id: crate::error::request_id(&headers),
        content_type: crate::error::header(&headers, CONTENT_TYPE),
        body: bytes,
    })
}

impl Reply {
    /// A decode error for this response. It never quotes the body: a success body of these
    /// endpoints carries tokens.
    fn shape_error(&self, message: impl Into<String>) -> Error {
        Error::Decode {
            status: Some(self.status),
            request_id: self.request_id.clone(),
            content_type: self.content_type.clone(),
            message: message.into(),
            body_snippet: String::new(),
        }
    }

    /// Whether the body is empty (RFC 7009 lets a revocation answer with no body).
    pub(super) fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The body as the reply struct `T`: an empty body, a body that is not JSON and JSON that
    /// is not an object are decode errors; any JSON object decodes (see the module docs).
    pub(super) fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if let Err(e) = serde_json::from_slice::<IgnoredAny>(&self.body) {
            return Err(if self.body.is_empty() {
                self.shape_error("empty body")
            } else {
                self.shape_error(format!(
                    "not JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ))
            });
        }
        // Valid JSON is an object exactly when its first token opens one.
        let first = self.body.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(self.shape_error("the body is JSON but not an object"));
        }
        // The reply structs read every field leniently, so only a key given twice fails here.
        serde_json::from_slice(&self.body)
            .map_err(|_| self.shape_error("the JSON object gives one of its keys twice"))
    }

    /// The decode error for a required field that is absent or unusable.
    pub(super) fn missing(&self, key: &str) -> Error {
        self.shape_error(format!("`{key}` is missing or not a string"))
    }

    /// The decode error for a required number that is absent or `null`.
    pub(super) fn absent(&self, key: &str) -> Error {
        self.shape_error(format!("`{key}` is missing"))
    }

    /// A required secret string: absent, `null`, not a string or empty is a decode error
    /// naming `key`.
    pub(super) fn required(&self, value: Option<Secret>, key: &str) -> Result<Secret, Error> {
        value
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.missing(key))
    }

    /// A number of seconds (see [`Seconds`]); `None` when absent or `null`, a decode error
    /// naming `key` when it is not a non-negative number.
    pub(super) fn seconds(&self, value: Option<Seconds>, key: &str) -> Result<Option<u64>, Error> {
        match value {
            None => Ok(None),
            Some(Seconds(Ok(seconds))) => Ok(Some(seconds)),
            Some(Seconds(Err(problem))) => Err(self.shape_error(format!("`{key}` {problem}"))),
        }
    }
}

#[cfg(test)]
impl Reply {
    /// A 200 `application/json` reply with `body`, for the reply structs' tests.
    pub(super) fn for_test(body: &str) -> Self {
        Reply {
            status: 200,
            request_id: None,
            content_type: Some("application/json".into()),
            body: bytes::Bytes::from(body.to_owned()),
        }
    }
}

/// A duration field in seconds as sent: a non-negative number (fractions rounded up), or what
/// is wrong with it. Decoding never fails on it, so [`Reply::seconds`] can name the key.
pub(super) struct Seconds(Result<u64, &'static str>);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Seconds(match Value::deserialize(deserializer)? {
            Value::Number(n) => match n.as_u64() {
                Some(s) => Ok(s),
                None => match n.as_f64() {
                    Some(f) if f.is_finite() && f >= 0.0 => Ok(f.ceil() as u64),
                    _ => Err("is not a non-negative number"),
                },
            },
            _ => Err("is not a number"),
        }))
    }
}

/// Field readers for `#[serde(default, deserialize_with = "…")]` that never fail: a value of
/// another type reads as absent (or, for lists, its non-string items are dropped).
pub(super) mod lenient {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// A string; anything else is `None`.
    pub(in crate::agent) fn string<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: From<String>,
    {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(s) => Some(T::from(s)),
            _ => None,
        })
    }

    /// A string, or a number taken as its decimal text (a code sent as `439218`); anything
    /// else is `None`.
    pub(in crate::agent) fn code<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: From<String>,
    {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(s) => Some(T::from(s)),
            Value::Number(n) => Some(T::from(n.to_string())),
            _ => None,
        })
    }

    /// The strings of an array; anything else is empty.
    pub(in crate::agent) fn strings<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
    where
        D: Deserializer<'de>,
    {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    /// A boolean; anything else is `None`.
    pub(in crate::agent) fn boolean<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
    where
        D: Deserializer<'de>,
    {
        Ok(Value::deserialize(deserializer)?.as_bool())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::CLAIM_GRANT_TYPE;

    #[test]
    fn agent_endpoints_sit_beside_the_public_api() {
        for base in [
            "https://app.opentrain.ai",
            "https://app.opentrain.ai/",
            "https://app.opentrain.ai/api/public/v1",
            "https://app.opentrain.ai/api/public/v1/",
        ] {
            assert_eq!(
                agent_url(base, CLAIM_TOKEN.path),
                "https://app.opentrain.ai/api/agent/oauth/token",
                "{base}"
            );
        }
        assert_eq!(
            agent_url("http://127.0.0.1:9/proxy", START_CLAIM.path),
            "http://127.0.0.1:9/proxy/api/agent/identity/claim"
        );
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let body = Body::form(&[("grant_type", CLAIM_GRANT_TYPE), ("claim_token", "a+b/c")])
            .expect("form");
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(body.bytes).expect("utf-8"),
            "grant_type=urn%3Aopentrain%3Aagent-auth%3Agrant-type%3Aclaim&claim_token=a%2Bb%2Fc"
        );
    }

    fn reply(body: &str) -> Reply {
        Reply::for_test(body)
    }

    /// A reply with one required token, as the token endpoint sends it.
    #[derive(Deserialize)]
    struct OneToken {
        #[serde(default, deserialize_with = "lenient::string")]
        access_token: Option<Secret>,
    }

    fn decode_message(body: &str) -> String {
        let r = reply(body);
        let err = r
            .decode::<OneToken>()
            .and_then(|o| r.required(o.access_token, "access_token"))
            .expect_err("a decode error");
        match err {
            Error::Decode { message, .. } => message,
            other => panic!("expected Decode, got {other:?}"),
        }
    }

    #[test]
    fn decode_errors_of_success_bodies_never_quote_the_body() {
        let secret = "ot_pat_leaky_SECRET";
        for body in [
            format!(r#"{{"access_token": 42, "note": "{secret}"}}"#),
            format!(r#"{{"access_token": "{secret}""#),
            format!(r#"["{secret}"]"#),
            format!("{secret} is not json"),
            format!(r#"{{"access_token": "{secret}", "access_token": "{secret}"}}"#),
        ] {
            let r = reply(&body);
            let err = r
                .decode::<OneToken>()
                .and_then(|o| r.required(o.access_token, "access_token"))
                .expect_err("a decode error");
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("SECRET"), "{shown}");
            }
        }
    }

    #[test]
    fn each_kind_of_unreadable_body_has_its_own_message() {
        assert_eq!(decode_message(""), "empty body");
        assert_eq!(
            decode_message("<html>502</html>"),
            "not JSON (line 1, column 1)"
        );
        assert_eq!(
            decode_message(r#"{"access_token": "ot_pat_x""#),
            "not JSON (line 1, column 27)"
        );
        assert_eq!(
            decode_message("[1, 2]"),
            "the body is JSON but not an object"
        );
        assert_eq!(
            decode_message(" \"ot_pat_x\""),
            "the body is JSON but not an object"
        );
        for body in [
            "{}",
            r#"{"access_token": null}"#,
            r#"{"access_token": 42}"#,
            r#"{"access_token": ""}"#,
            r#"{"access_token": ["ot_pat_x"]}"#,
        ] {
            assert_eq!(
                decode_message(body),
                "`access_token` is missing or not a string",
                "{body}"
            );
        }
    }

    #[test]
    fn unknown_keys_do_not_fail_decoding() {
        let r = reply(r#"{"access_token": "ot_pat_x", "refresh_token": {"nested": [1]}, "n": 1}"#);
        let decoded = r.decode::<OneToken>().expect("decodes");
        let token = r
            .required(decoded.access_token, "access_token")
            .expect("token");
        assert_eq!(token.expose(), "ot_pat_x");
    }

    #[derive(Deserialize)]
    struct Durations {
        #[serde(default)]
        a: Option<Seconds>,
        #[serde(default)]
        b: Option<Seconds>,
        #[serde(default)]
        c: Option<Seconds>,
        #[serde(default)]
        d: Option<Seconds>,
        #[serde(default)]
        e: Option<Seconds>,
        #[serde(default)]
        missing: Option<Seconds>,
    }

    #[test]
    fn seconds_accept_integers_and_round_fractions_up() {
        let r = reply(r#"{"a": 5, "b": 2.5, "c": null, "d": -1, "e": "5"}"#);
        let o: Durations = r.decode().expect("json");
        assert_eq!(r.seconds(o.a, "a").ok(), Some(Some(5)));
        assert_eq!(r.seconds(o.b, "b").ok(), Some(Some(3)));
        assert_eq!(r.seconds(o.c, "c").ok(), Some(None));
        assert_eq!(r.seconds(o.missing, "missing").ok(), Some(None));
        assert!(r.seconds(o.d, "d").is_err());
        assert!(r.seconds(o.e, "e").is_err());
    }

    #[test]
    fn lenient_fields_read_an_odd_type_as_absent() {
        #[derive(Deserialize)]
        struct Odd {
            #[serde(default, deserialize_with = "lenient::string")]
            text: Option<String>,
            #[serde(default, deserialize_with = "lenient::code")]
            code: Option<String>,
            #[serde(default, deserialize_with = "lenient::strings")]
            list: Vec<String>,
            #[serde(default, deserialize_with = "lenient::boolean")]
            flag: Option<bool>,
        }
        let odd: Odd =
            reply(r#"{"text": 1, "code": 439218, "list": ["a", 2, "b"], "flag": "yes"}"#)
                .decode()
                .expect("decodes");
        assert_eq!(odd.text, None);
        assert_eq!(odd.code.as_deref(), Some("439218"));
        assert_eq!(odd.list, ["a", "b"]);
        assert_eq!(odd.flag, None);
        let none: Odd = reply(r#"{"list": "a", "code": true}"#)
            .decode()
            .expect("decodes");
        assert_eq!(none.code, None);
        assert!(none.list.is_empty());
    }
}
