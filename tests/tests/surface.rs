//! The API surface: every operation of `openapi.json` has a generated client method, and the
//! sorted operation list is a snapshot so any change to the surface shows up in review.

use opentrain_gen::operations::{CLIENT_METHODS, OPERATIONS};

#[test]
fn every_spec_operation_has_a_generated_client_method() {
    let spec = tests::spec();
    let mut spec_ids: Vec<String> = Vec::new();
    for (_, item) in spec["paths"].as_object().expect("paths").iter() {
        for (_, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                spec_ids.push(id.to_owned());
            }
        }
    }
    spec_ids.sort();
    let mut table_ids: Vec<String> = OPERATIONS
        .iter()
        .map(|o| o.operation_id.to_owned())
        .collect();
    table_ids.sort();
    assert_eq!(
        spec_ids, table_ids,
        "the operation table is out of step with openapi.json"
    );

    let missing: Vec<&str> = OPERATIONS
        .iter()
        .filter(|o| o.client_method.is_empty() || !CLIENT_METHODS.contains(&o.client_method))
        .map(|o| o.operation_id)
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a generated client method: {missing:?}"
    );
    assert_eq!(
        CLIENT_METHODS.len(),
        OPERATIONS.len(),
        "the client has methods the spec does not list"
    );
}

#[test]
fn operation_list_snapshot() {
    let mut lines: Vec<String> = OPERATIONS
        .iter()
        .map(|o| {
            format!(
                "{:<22} {:<6} {:<40} {:<12} {}{}",
                o.operation_id,
                o.method,
                o.path,
                o.tag,
                o.client_method,
                if o.tokenless { "  (tokenless)" } else { "" }
            )
        })
        .collect();
    lines.sort();
    insta::assert_snapshot!(lines.join("\n"));
}
