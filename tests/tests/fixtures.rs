//! Every example response of the docs (`tests/fixtures/<operationId>[.<variant>].json`) decodes
//! through the generated success type of its operation, loses no field, and is snapshotted.

use opentrain_gen::operations::Operation;

#[test]
fn every_docs_example_decodes_through_its_generated_type() {
    let fixtures = tests::fixtures();
    assert!(
        !fixtures.is_empty(),
        "no fixtures found in {}",
        tests::fixtures_dir().display()
    );
    let mut failures = Vec::new();
    for (stem, operation_id, bytes) in &fixtures {
        let Some(op) = Operation::by_id(operation_id) else {
            failures.push(format!(
                "{stem}: no operation `{operation_id}` in openapi.json"
            ));
            continue;
        };
        let Some(decode) = op.decode_success else {
            failures.push(format!("{stem}: `{operation_id}` has no JSON success body"));
            continue;
        };
        match decode(bytes) {
            Ok(decoded) => {
                let original: serde_json::Value =
                    serde_json::from_slice(bytes).expect("fixture is JSON");
                let lost = tests::lost_fields(&original, &decoded);
                if !lost.is_empty() {
                    failures.push(format!("{stem}: the generated type drops {lost:?}"));
                }
                insta::assert_json_snapshot!(format!("decoded__{stem}"), decoded);
            }
            Err(e) => failures.push(format!("{stem}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that do not decode:\n{}",
        failures.join("\n")
    );
}

#[test]
fn operations_without_a_docs_example_are_listed() {
    let covered: std::collections::BTreeSet<String> =
        tests::fixtures().into_iter().map(|(_, op, _)| op).collect();
    let missing: Vec<String> = opentrain_gen::operations::OPERATIONS
        .iter()
        .filter(|o| !covered.contains(o.operation_id))
        .map(|o| format!("{} {} {}", o.operation_id, o.method, o.path))
        .collect();
    insta::assert_snapshot!(missing.join("\n"));
}

#[test]
fn lost_fields_reports_what_a_decode_dropped() {
    let original = serde_json::json!({"a": 1, "b": {"c": [1, {"d": true}], "e": null}, "f": []});
    let decoded = serde_json::json!({"a": 1, "b": {"c": [1, {}]}});
    assert_eq!(
        tests::lost_fields(&original, &decoded),
        vec!["/b/c/1/d".to_owned()]
    );
}
