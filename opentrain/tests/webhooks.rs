//! Webhook signature verification and delivery parsing, against vectors computed independently
//! with Python's standard library:
//!
//! ```python
//! import hmac, hashlib
//! hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentrain::Secret;
use opentrain::types::EventType;
use opentrain::updates::EventData;
use opentrain::webhooks::{
    DEFAULT_TOLERANCE, DELIVERY_HEADER, Receiver, SIGNATURE_HEADER, WebhookError,
};

/// A refusal of the webhook checks as the [`WebhookError`] that `opentrain::Error::Webhook`
/// carries; any other error fails the test.
fn refusal<T>(result: Result<T, opentrain::Error>) -> Result<T, WebhookError> {
    result.map_err(|e| match e {
        opentrain::Error::Webhook(refused) => refused,
        other => panic!("a webhook check failed with another error: {other}"),
    })
}

/// The crate's webhook checks, each with its refusal unwrapped by [`refusal`].
mod webhooks {
    use std::time::{Duration, SystemTime};

    pub use opentrain::webhooks::*;

    pub fn verify(
        secret: &opentrain::Secret,
        raw_body: &[u8],
        signature_header: Option<&str>,
        tolerance: Duration,
        now: SystemTime,
    ) -> Result<i64, WebhookError> {
        super::refusal(opentrain::webhooks::verify(
            secret,
            raw_body,
            signature_header,
            tolerance,
            now,
        ))
    }

    pub fn parse_delivery(
        raw_body: &[u8],
        delivery_id: Option<&str>,
    ) -> Result<Delivery, WebhookError> {
        super::refusal(opentrain::webhooks::parse_delivery(raw_body, delivery_id))
    }
}

/// (secret, t, body, hex digest from Python's `hmac`).
const PYTHON_VECTORS: [(&str, i64, &str, &str); 4] = [
    (
        "whsec_3f9a1c2b7d4e",
        1_781_000_000,
        r#"{"id":"1042","type":"proposal.received","apiVersion":"v1","createdAt":"2026-06-12T10:00:00.000Z","resourceId":"prop_1","jobId":"job_1","data":{"proposalId":"prop_1","jobId":"job_1"}}"#,
        "e7227490098852ba1330f850abd9cc8533ddf396c7bacd7304bbc33d2f6a084d",
    ),
    (
        "whsec_rotating_secret_2",
        1_781_000_300,
        r#"{"id":"1043","type":"approval.confirmed","data":{"approvalId":"apr_9","status":"expired"}}"#,
        "05ca1544cec60fbe89903eb6a8d020e41dc681c4eaa1c8c0c9acdc57ab0e7727",
    ),
    (
        "whsec_unicode",
        1_700_000_000,
        r#"{"id":"1","type":"message.received","data":{"conversationId":"cé","messageId":"m1"}}"#,
        "bf3d5ca28d0d0d4373d13d22689cb03a2f85fd83c6df1545a95367465fd52804",
    ),
    (
        "whsec_empty_body",
        1_781_000_000,
        "",
        "13f6ad4ac210f01782096b58e8d3a755fbb6fbbab5c8de864f7a24fe81eb1c75",
    ),
];

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
}

#[test]
fn python_vectors_verify_and_sign_reproduces_them() {
    for (secret, t, body, hex) in PYTHON_VECTORS {
        let secret = Secret::new(secret);
        let header = format!("t={t},v1={hex}");
        assert_eq!(
            webhooks::verify(
                &secret,
                body.as_bytes(),
                Some(&header),
                DEFAULT_TOLERANCE,
                at(t)
            ),
            Ok(t),
            "vector {header}"
        );
        assert_eq!(webhooks::sign(&secret, body.as_bytes(), t), header);
    }
}

#[test]
fn a_changed_body_or_another_secret_is_a_mismatch() {
    let (secret, t, body, hex) = PYTHON_VECTORS[0];
    let header = format!("t={t},v1={hex}");
    let tampered = body.replace("prop_1", "prop_2");
    assert_eq!(
        webhooks::verify(
            &Secret::new(secret),
            tampered.as_bytes(),
            Some(&header),
            DEFAULT_TOLERANCE,
            at(t)
        ),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        webhooks::verify(
            &Secret::new("whsec_other"),
            body.as_bytes(),
            Some(&header),
            DEFAULT_TOLERANCE,
            at(t)
        ),
        Err(WebhookError::Mismatch)
    );
    // The timestamp is part of the signed message: moving it breaks the signature.
    let moved = format!("t={},v1={hex}", t + 1);
    assert_eq!(
        webhooks::verify(
            &Secret::new(secret),
            body.as_bytes(),
            Some(&moved),
            DEFAULT_TOLERANCE,
            at(t)
        ),
        Err(WebhookError::Mismatch)
    );
}

#[test]
fn any_matching_v1_entry_is_enough_and_unknown_entries_are_ignored() {
    let (secret, t, body, hex) = PYTHON_VECTORS[1];
    let stale_secret_sig = "ab".repeat(32);
    let header = format!(
        "t={t}, v0=legacy, v1={stale_secret_sig}, v1={}",
        hex.to_uppercase()
    );
    assert_eq!(
        webhooks::verify(
            &Secret::new(secret),
            body.as_bytes(),
            Some(&header),
            DEFAULT_TOLERANCE,
            at(t)
        ),
        Ok(t)
    );
}

#[test]
fn tolerance_is_inclusive_both_ways_and_stale_reports_the_skew() {
    let (secret, t, body, hex) = PYTHON_VECTORS[0];
    let secret = Secret::new(secret);
    let header = format!("t={t},v1={hex}");
    let check = |now| {
        webhooks::verify(
            &secret,
            body.as_bytes(),
            Some(&header),
            DEFAULT_TOLERANCE,
            at(now),
        )
    };
    assert_eq!(check(t + 300), Ok(t));
    assert_eq!(check(t - 300), Ok(t));
    assert_eq!(
        check(t + 301),
        Err(WebhookError::Stale {
            timestamp: t,
            skew: Duration::from_secs(301),
            tolerance: DEFAULT_TOLERANCE
        })
    );
    assert!(matches!(check(t - 301), Err(WebhookError::Stale { .. })));
    // A stale timestamp is refused before the signature is looked at.
    assert!(matches!(
        webhooks::verify(
            &secret,
            b"anything",
            Some(&format!("t={t},v1={}", "00".repeat(32))),
            Duration::from_secs(10),
            at(t + 11)
        ),
        Err(WebhookError::Stale { .. })
    ));
}

#[test]
fn malformed_signature_headers_are_typed_errors() {
    let secret = Secret::new("whsec_x");
    let sig = "0".repeat(64);
    let cases = [
        String::new(),
        "garbage".to_owned(),
        format!("v1={sig}"),
        "t=1781000000".to_owned(),
        format!("t=soon,v1={sig}"),
        format!("t=-5,v1={sig}"),
        format!("t=1,t=2,v1={sig}"),
        "t=1781000000,v1=abc".to_owned(),
        format!("t=1781000000,v1={}", "g".repeat(64)),
        format!("t=99999999999999999999999,v1={sig}"),
    ];
    let report: Vec<String> = cases
        .iter()
        .map(|header| {
            let outcome = webhooks::verify(
                &secret,
                b"{}",
                Some(header),
                DEFAULT_TOLERANCE,
                at(1_781_000_000),
            );
            match outcome {
                Err(e @ WebhookError::BadSignatureHeader(_)) => format!("{header:?} -> {e}"),
                other => panic!("{header:?} gave {other:?}"),
            }
        })
        .collect();
    insta::assert_snapshot!(report.join("\n"));
    assert_eq!(
        webhooks::verify(&secret, b"{}", None, DEFAULT_TOLERANCE, at(0)),
        Err(WebhookError::MissingHeader(SIGNATURE_HEADER))
    );
}

#[test]
fn parse_delivery_types_the_event_and_keeps_the_delivery_id() {
    let (_, _, body, _) = PYTHON_VECTORS[1];
    let delivery = webhooks::parse_delivery(body.as_bytes(), Some(" dlv_01 ")).unwrap();
    assert_eq!(delivery.id, "dlv_01");
    assert_eq!(delivery.event.type_, EventType::ApprovalConfirmed);
    match delivery.typed().data {
        EventData::ApprovalConfirmed(data) => {
            assert_eq!(data.approval_id.as_deref(), Some("apr_9"));
        }
        other => panic!("typed as {other:?}"),
    }
}

#[test]
fn parse_delivery_keeps_unknown_event_types_and_refuses_bad_bodies() {
    let unknown =
        webhooks::parse_delivery(br#"{"id":"9","type":"job.teleported"}"#, Some("d")).unwrap();
    assert_eq!(
        unknown.event.type_,
        EventType::Unknown("job.teleported".into())
    );

    assert_eq!(
        webhooks::parse_delivery(br#"{"id":"9","type":"proposal.received"}"#, None),
        Err(WebhookError::MissingHeader(DELIVERY_HEADER))
    );
    let html = webhooks::parse_delivery(b"<html>502 Bad Gateway</html>", Some("d"));
    assert!(matches!(html, Err(WebhookError::BadBody(_))), "{html:?}");
    let no_id = webhooks::parse_delivery(br#"{"type":"proposal.received"}"#, Some("d"));
    assert!(
        matches!(no_id, Err(WebhookError::BadBody(ref m)) if m.contains("id")),
        "{no_id:?}"
    );
}

#[test]
fn receiver_checks_headers_then_parses() {
    let (secret, t, body, hex) = PYTHON_VECTORS[0];
    let receiver = Receiver::new(secret).tolerance(Duration::from_secs(60));
    let mut headers = http::HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, format!("t={t},v1={hex}").parse().unwrap());
    headers.insert(DELIVERY_HEADER, "dlv_abc".parse().unwrap());
    let delivery = receiver
        .receive(&headers, body.as_bytes(), at(t + 60))
        .unwrap();
    assert_eq!(
        (delivery.id.as_str(), delivery.event.id.as_str()),
        ("dlv_abc", "1042")
    );
    assert!(matches!(
        refusal(receiver.receive(&headers, body.as_bytes(), at(t + 61))),
        Err(WebhookError::Stale { .. })
    ));
    headers.remove(DELIVERY_HEADER);
    assert_eq!(
        refusal(receiver.receive(&headers, body.as_bytes(), at(t))),
        Err(WebhookError::MissingHeader(DELIVERY_HEADER))
    );
}
