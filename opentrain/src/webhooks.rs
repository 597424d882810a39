//! Receiving webhook deliveries: signature verification and delivery parsing.
//!
//! OpenTrain POSTs each event to a subscribed URL as exactly one `/updates` record (ids only),
//! signed with the subscription's `whsec_...` secret:
//! `X-OpenTrain-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "{t}.{raw body}")>`.
//! [`verify`] checks that header against the raw body bytes exactly as received (re-serialized
//! JSON would not match), in constant time, within a clock tolerance (300 s by default, the
//! documented suggestion). [`parse_delivery`] turns a verified body into its
//! [`PlatformEvent`] with the `X-OpenTrain-Delivery` id, which
//! retries reuse: de-duplicate on it. [`Receiver`] does both from a request's headers.
//!
//! The same scheme signs Platform API deliveries, so one verifier serves both.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use opentrain::Secret;
//! use opentrain::webhooks;
//!
//! let secret = Secret::new("whsec_test_secret");
//! let body = br#"{"id":"1042","type":"proposal.received","data":{"proposalId":"prop_1"}}"#;
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_781_000_000);
//! let header = webhooks::sign(&secret, body, 1_781_000_000);
//! webhooks::verify(&secret, body, Some(&header), webhooks::DEFAULT_TOLERANCE, now)?;
//! let delivery = webhooks::parse_delivery(body, Some("dlv_1"))?;
//! assert_eq!(delivery.event.id, "1042");
//! # Ok::<(), opentrain::Error>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::types::PlatformEvent;
use crate::updates::Event;

/// The signature header: `t=<unix seconds>,v1=<hex hmac>`.
pub const SIGNATURE_HEADER: &str = "X-OpenTrain-Signature";

/// The delivery id header; retries of one delivery reuse it.
pub const DELIVERY_HEADER: &str = "X-OpenTrain-Delivery";

/// The event type header (the same value as the body's `type`).
pub const EVENT_HEADER: &str = "X-OpenTrain-Event";

/// The documented suggestion for how far a signature's timestamp may be from now: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

use crate::{Error, Secret};

type HmacSha256 = Hmac<Sha256>;

/// The HMAC-SHA256 of a webhook secret: the whole value, `whsec_` prefix included, is the key.
fn mac(secret: &Secret) -> HmacSha256 {
    // HMAC accepts keys of any length: this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC-SHA256 takes keys of any length"))
}

/// Why a delivery was refused, carried by [`Error::Webhook`]. Answer any of them with a 400
/// (the docs say a 400 on a signature failure is fine) and log it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header was not sent.
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    /// The signature header is not `t=<unix seconds>,v1=<64 hex digits>[,v1=...]`.
    #[error("the signature header is malformed: {0}")]
    BadSignatureHeader(String),
    /// The signature's timestamp is further from now than the tolerance (a replay, or a clock
    /// that is off).
    #[error(
        "the signature timestamp {timestamp} is {skew:?} away from now (tolerance {tolerance:?})"
    )]
    Stale {
        /// The `t` value of the header (unix seconds).
        timestamp: i64,
        /// How far it is from now, either way.
        skew: Duration,
        /// The tolerance it exceeded.
        tolerance: Duration,
    },
    /// No `v1` value matches the body: a wrong secret, or a body changed on the way.
    #[error("no signature matches the body")]
    Mismatch,
    /// The body is not an event record.
    #[error("the delivery body is not an event record: {0}")]
    BadBody(String),
}

/// Computes the signature header value for `raw_body` at `timestamp` (unix seconds), as the
/// service sends it: `t=<timestamp>,v1=<hex>`. Useful for tests of a receiver.
pub fn sign(secret: &Secret, raw_body: &[u8], timestamp: i64) -> String {
    let mut mac = mac(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    format!("t={timestamp},v1={}", to_hex(&mac.finalize().into_bytes()))
}

/// Checks a delivery's signature header against its raw body.
///
/// `signature_header` is the `X-OpenTrain-Signature` value (`None` when the request had none).
/// The header may carry several `v1` entries (e.g. while a secret rotates); one match is enough.
/// Unknown entries (another scheme version) are ignored. The comparison runs in constant time.
/// Returns the signed timestamp (unix seconds).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use opentrain::webhooks::{verify, WebhookError, DEFAULT_TOLERANCE};
/// use opentrain::{Error, Secret};
///
/// let secret = Secret::new("whsec_test_secret");
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_781_000_000);
/// let forged = "t=1781000000,v1=0000000000000000000000000000000000000000000000000000000000000000";
/// assert!(matches!(
///     verify(&secret, b"{}", Some(forged), DEFAULT_TOLERANCE, now),
///     Err(Error::Webhook(WebhookError::Mismatch)),
/// ));
/// assert!(matches!(
///     verify(&secret, b"{}", None, DEFAULT_TOLERANCE, now),
///     Err(Error::Webhook(WebhookError::MissingHeader("X-OpenTrain-Signature"))),
/// ));
/// ```
pub fn verify(
    secret: &Secret,
    raw_body: &[u8],
    signature_header: Option<&str>,
    tolerance: Duration,
    now: SystemTime,
) -> Result<i64, Error> {
    let header = signature_header.ok_or(WebhookError::MissingHeader(SIGNATURE_HEADER))?;
    let parsed = SignatureHeader::parse(header)?;

    let now_secs = unix_seconds(now);
    let skew_secs = (now_secs - i128::from(parsed.timestamp)).unsigned_abs();
    let skew = Duration::from_secs(u64::try_from(skew_secs).unwrap_or(u64::MAX));
    if skew > tolerance {
        return Err(WebhookError::Stale {
            timestamp: parsed.timestamp,
            skew,
            tolerance,
        }
        .into());
    }

    let mut mac = mac(secret);
    mac.update(parsed.timestamp_text.as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    // Try every candidate, each in constant time; stop only on a match.
    if parsed
        .signatures
        .iter()
        .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    {
        Ok(parsed.timestamp)
    } else {
        Err(WebhookError::Mismatch.into())
    }
}

/// Seconds since the Unix epoch, negative before it (as i128 so any `SystemTime` fits).
fn unix_seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => -i128::from(before.duration().as_secs()),
    }
}

/// The parts of an `X-OpenTrain-Signature` value.
struct SignatureHeader<'a> {
    timestamp: i64,
    /// `t` exactly as sent: the signed message starts with these bytes.
    timestamp_text: &'a str,
    signatures: Vec<[u8; 32]>,
}

impl<'a> SignatureHeader<'a> {
    fn parse(header: &'a str) -> Result<Self, WebhookError> {
        let bad = |why: &str| WebhookError::BadSignatureHeader(why.to_owned());
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for part in header.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| bad("every entry must be key=value"))?;
            match key.trim() {
                "t" => {
                    if timestamp.is_some() {
                        return Err(bad("more than one t entry"));
                    }
                    let text = value.trim();
                    let secs = text
                        .parse::<i64>()
                        .ok()
                        .filter(|_| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| bad("t must be unix seconds"))?;
                    timestamp = Some((secs, text));
                }
                "v1" => signatures.push(
                    from_hex_32(value.trim())
                        .ok_or_else(|| bad("v1 must be 64 hexadecimal digits"))?,
                ),
                // Other scheme versions: not ours to check.
                _ => {}
            }
        }
        let (timestamp, timestamp_text) = timestamp.ok_or_else(|| bad("no t entry"))?;
        if signatures.is_empty() {
            return Err(bad("no v1 entry"));
        }
        Ok(Self {
            timestamp,
            timestamp_text,
            signatures,
        })
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn from_hex_32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let nibble = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// One webhook delivery: its id (de-duplicate on it: retries reuse it) and its event.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// The `X-OpenTrain-Delivery` id.
    pub id: String,
    /// The event record, exactly one `/updates` record (ids only).
    pub event: PlatformEvent,
}

impl Delivery {
    /// The event with its payload typed by its `type`.
    pub fn typed(&self) -> Event {
        Event::from_raw(self.event.clone())
    }
}

/// Parses a delivery body (an event record) with its `X-OpenTrain-Delivery` id. Check the
/// signature with [`verify`] first: this only parses.
pub fn parse_delivery(raw_body: &[u8], delivery_id: Option<&str>) -> Result<Delivery, Error> {
    let id = delivery_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or(WebhookError::MissingHeader(DELIVERY_HEADER))?;
    let event: PlatformEvent =
        serde_json::from_slice(raw_body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    Ok(Delivery {
        id: id.to_owned(),
        event,
    })
}

/// A receiving endpoint's verifier: checks the signature of a request and parses it.
///
/// ```
/// use opentrain::Secret;
/// use opentrain::webhooks::{self, Receiver};
/// use http::HeaderMap;
///
/// let receiver = Receiver::new(Secret::new("whsec_test_secret"));
/// let body = br#"{"id":"7","type":"approval.confirmed","data":{"approvalId":"apr_1","status":"declined"}}"#;
/// let mut headers = HeaderMap::new();
/// let now = std::time::SystemTime::now();
/// let t = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
/// headers.insert(webhooks::SIGNATURE_HEADER, webhooks::sign(receiver.secret(), body, t).parse().unwrap());
/// headers.insert(webhooks::DELIVERY_HEADER, "dlv_9".parse().unwrap());
/// let delivery = receiver.receive(&headers, body, now)?;
/// assert_eq!(delivery.id, "dlv_9");
/// # Ok::<(), opentrain::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Receiver {
    secret: Secret,
    tolerance: Duration,
}

impl Receiver {
    /// A receiver for the subscription whose secret is `secret`, with the default tolerance.
    pub fn new(secret: impl Into<Secret>) -> Self {
        Self {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// How far a signature's timestamp may be from now (default [`DEFAULT_TOLERANCE`]).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Verifies the request's signature at `now`, then parses it.
    pub fn receive(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery, Error> {
        let header = |name: &'static str| -> Result<Option<&str>, WebhookError> {
            headers
                .get(name)
                .map(|v| {
                    v.to_str().map_err(|_| {
                        WebhookError::BadSignatureHeader(format!("{name} is not text"))
                    })
                })
                .transpose()
        };
        verify(
            &self.secret,
            raw_body,
            header(SIGNATURE_HEADER)?,
            self.tolerance,
            now,
        )?;
        parse_delivery(raw_body, header(DELIVERY_HEADER)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_bad_digits() {
        let bytes: Vec<u8> = (0u8..32).collect();
        let hex = to_hex(&bytes);
        assert_eq!(from_hex_32(&hex).map(|b| b.to_vec()), Some(bytes));
        assert_eq!(from_hex_32(&hex.to_uppercase()).map(|b| b[31]), Some(31));
        assert_eq!(from_hex_32(&hex[..62]), None);
        assert_eq!(from_hex_32(&format!("zz{}", &hex[2..])), None);
    }

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("whsec_do_not_print");
        assert_eq!(format!("{secret:?}"), "Secret((redacted))");
        let receiver = Receiver::new(secret);
        assert!(!format!("{receiver:?}").contains("do_not_print"));
    }
}
