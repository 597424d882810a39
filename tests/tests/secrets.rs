//! Secrets never print: every response property of the spec that holds a secret is generated as
//! the one redacting `Secret` type, every secret in a docs example is redacted in the `Debug` of
//! its decoded response, and the facade's public types that hold one show none of it.

use opentrain_gen::operations::{OPERATIONS, Operation};
use serde_json::Value;

const PREFIXES: [&str; 4] = ["ot_pat_", "ot_clm_", "ot_cat_", "whsec_"];

/// `(schema, property)` for every property the spec marks `format: password`.
fn password_properties(doc: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("components.schemas");
    for (name, schema) in schemas {
        for (key, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if property.get("format").and_then(Value::as_str) == Some("password") {
                found.push(format!("{name}.{key}"));
            }
        }
    }
    found
}

/// Every string value of `value` that starts with a secret prefix and is not a masked preview.
fn secret_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if PREFIXES.iter().any(|p| s.starts_with(p)) && !s.contains('*') => {
            out.push(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| secret_values(v, out)),
        Value::Object(map) => map.values().for_each(|v| secret_values(v, out)),
        _ => {}
    }
}

#[test]
fn the_spec_marks_every_secret_response_property_and_no_other() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(tests::workspace_root().join("openapi.json")).unwrap(),
    )
    .unwrap();
    // The walk finds exactly these, and they are the operations the table marks as carrying a
    // secret (whose decode errors never quote the body).
    assert_eq!(
        password_properties(&doc),
        ["CreatedToken.token", "CreatedWebhook.secret"]
    );
    let carrying: Vec<&str> = OPERATIONS
        .iter()
        .filter(|o| o.carries_secret)
        .map(|o| o.operation_id)
        .collect();
    assert_eq!(carrying, ["createToken", "createWebhook"]);
}

#[test]
fn every_secret_of_a_docs_example_is_redacted_in_the_debug_of_its_generated_type() {
    let mut checked = Vec::new();
    for (stem, operation_id, bytes) in tests::fixtures() {
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        let mut secrets = Vec::new();
        secret_values(&original, &mut secrets);
        if secrets.is_empty() {
            continue;
        }
        let op = Operation::by_id(&operation_id).expect("a fixture's operation");
        let debug = (op.debug_success.expect("a JSON success body"))(&bytes).unwrap();
        for secret in &secrets {
            assert!(
                !debug.contains(secret.as_str()),
                "{stem}: {secret} shows in\n{debug}"
            );
        }
        assert!(debug.contains("(redacted)"), "{stem}: {debug}");
        checked.push(stem);
    }
    // Both secret-bearing responses have a docs example, so both were checked here.
    checked.sort();
    assert_eq!(checked, ["createToken", "createWebhook"]);
}

#[test]
fn the_secret_type_of_the_generated_types_serializes_the_value_for_the_wire() {
    let created: opentrain_gen::types::CreatedWebhook = serde_json::from_slice(
        &std::fs::read(tests::fixtures_dir().join("createWebhook.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(created.secret.expose(), "whsec_<SECRET>");
    let back = serde_json::to_value(&created).unwrap();
    assert_eq!(back["secret"], "whsec_<SECRET>");
}

#[tokio::test]
async fn no_public_facade_type_that_holds_a_secret_prints_it() {
    use opentrain::Secret;
    use opentrain::config::Credentials;

    let pat = "ot_pat_facade_SuperSecret";
    let clm = "ot_clm_facade_SuperSecret";
    let credentials = Credentials {
        api_token: Some(Secret::new(pat)),
        claim_token: Some(Secret::new(clm)),
        ..Credentials::default()
    };
    let client = opentrain::Client::builder().token(pat).build().unwrap();
    let receiver = opentrain::webhooks::Receiver::new(Secret::new("whsec_facade_SuperSecret"));
    for printed in [
        format!("{credentials:?}"),
        format!("{client:?}"),
        format!("{:?}", opentrain::Client::builder().token(pat)),
        format!("{receiver:?}"),
        format!(
            "{:?}",
            Secret::new("https://app.opentrain.ai/claim?token=ot_cat_SuperSecret")
        ),
        format!("{}", Secret::new("123456")),
    ] {
        assert!(!printed.contains("SuperSecret"), "{printed}");
        assert!(!printed.contains("123456"), "{printed}");
    }
}
