//! `ExampleAnswerer`: the documented example of each field, typed by the field's `type`.

use opentrain::drafting::{Answer, ExampleAnswerer, MissingField};
use opentrain::types::MissingFieldDetail;

fn field(type_: &str, example: Option<&str>, enum_values: Option<&[&str]>) -> MissingField {
    MissingField::new(
        MissingFieldDetail::builder()
            .field(Some("f".to_owned()))
            .type_(Some(type_.to_owned()))
            .example(example.map(str::to_owned))
            .enum_values(enum_values.map(|v| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()))
            .try_into()
            .expect("a complete MissingFieldDetail"),
    )
}

#[test]
fn numbers_keep_integer_or_decimal_form() {
    assert_eq!(
        ExampleAnswerer::answer_for(&field("number", Some("5"), None)),
        Answer::Value(serde_json::json!(5))
    );
    assert_eq!(
        ExampleAnswerer::answer_for(&field("number", Some("0.05"), None)),
        Answer::Value(serde_json::json!(0.05))
    );
    assert_eq!(
        ExampleAnswerer::answer_for(&field("number", Some("about five"), None)),
        Answer::Skip
    );
}

#[test]
fn enums_use_the_example_when_allowed_else_the_first_value() {
    let levels: &[&str] = &["ENTRY", "INTERMEDIATE", "EXPERT"];
    assert_eq!(
        ExampleAnswerer::answer_for(&field("enum", Some("INTERMEDIATE"), Some(levels))),
        Answer::Value("INTERMEDIATE".into())
    );
    assert_eq!(
        ExampleAnswerer::answer_for(&field("enum", Some("Intermediate"), Some(levels))),
        Answer::Value("ENTRY".into())
    );
}

#[test]
fn text_uses_the_example_and_no_example_is_a_skip() {
    assert_eq!(
        ExampleAnswerer::answer_for(&field("string", Some("Label images"), None)),
        Answer::Value("Label images".into())
    );
    assert_eq!(
        ExampleAnswerer::answer_for(&field("string", None, None)),
        Answer::Skip
    );
}
