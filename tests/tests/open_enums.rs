//! Every enum schema of `openapi.json` is an open enum: an unknown value decodes to `Unknown`
//! and encodes back to the same string, and every documented value round-trips as itself.
//! The test walks the spec file, so a new enum is covered without touching this file.

#[test]
fn every_spec_enum_is_open_and_round_trips() {
    let spec = tests::spec();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(|v| v.as_array()) else {
            continue;
        };
        let unknown = "\"a-value-from-the-future\"";
        let seen = opentrain_gen::open_enums::roundtrip(name, unknown)
            .unwrap_or_else(|| panic!("enum schema {name} has no open enum"))
            .unwrap_or_else(|e| panic!("{name}: unknown value failed to decode: {e}"));
        assert!(
            seen.unknown,
            "{name}: an undocumented value must decode to Unknown"
        );
        assert_eq!(seen.wire, "a-value-from-the-future", "{name}");
        assert_eq!(
            seen.encoded, unknown,
            "{name}: Unknown must re-encode unchanged"
        );

        for value in values {
            let json = value.to_string();
            let seen = opentrain_gen::open_enums::roundtrip(name, &json)
                .expect("present")
                .unwrap_or_else(|e| panic!("{name}: {json} failed to decode: {e}"));
            assert!(
                !seen.unknown,
                "{name}: documented value {json} decoded to Unknown"
            );
            assert_eq!(
                seen.encoded, json,
                "{name}: {json} must re-encode unchanged"
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "the spec has no enum schema to check");
    assert_eq!(
        checked,
        opentrain_gen::open_enums::ALL.len(),
        "open enums and spec enums differ"
    );
}

#[test]
fn a_non_string_is_a_decode_error_not_a_panic() {
    let (name, _) = opentrain_gen::open_enums::ALL
        .first()
        .expect("at least one enum");
    let result = opentrain_gen::open_enums::roundtrip(name, "42").expect("present");
    assert!(result.is_err());
}
