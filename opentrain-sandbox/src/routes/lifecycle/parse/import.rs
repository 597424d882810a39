//! The structured importers: an `opentrain_canonical` job object, a schema.org `JobPosting`
//! (JSON-LD) and an Indeed-style or HR-XML feed entry. Each maps what it can to draft keys,
//! reads the description like plain text for the keys still unset, and lists what it could not
//! place as `unmappedFields`.

use opentrain_gen::types::{PaymentType, UnmappedField};
use serde_json::{Map, Value, json};

use super::text::fill_from_text;
use super::vocab::{EXPERIENCE_LEVELS, PAYMENT_TYPES, rate_key};

/// Text without XML/HTML tags and CDATA markers.
fn strip_tags(raw: &str) -> String {
    let raw = raw.replace("<![CDATA[", "").replace("]]>", "");
    let mut out = String::new();
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the first `<tag>...</tag>` among `tags` in `xml`.
fn xml_text(xml: &str, tags: &[&str]) -> Option<String> {
    tags.iter().find_map(|tag| {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let start = xml.find(&open)?;
        let body_start = start + xml[start..].find('>')? + 1;
        let end = body_start + xml[body_start..].find(&close)?;
        let text = strip_tags(&xml[body_start..end]);
        (!text.is_empty()).then_some(text)
    })
}

/// An `unmappedFields` entry.
fn unmapped(path: &str, reason: &str) -> UnmappedField {
    let mut field = UnmappedField::default();
    field.path = Some(Value::String(path.to_owned()));
    field.reason = Some(Value::String(reason.to_owned()));
    field
}

/// The result of reading an import payload.
pub(crate) struct Imported {
    /// The draft keys extracted.
    pub(crate) fields: Map<String, Value>,
    /// Input that could not be placed, with the reason.
    pub(crate) unmapped: Vec<UnmappedField>,
}

/// Maps an `opentrain_canonical` job object.
pub(crate) fn import_canonical(job: &Map<String, Value>) -> Imported {
    let mut fields = Map::new();
    let mut skipped = Vec::new();
    let payment_type = job
        .get("paymentType")
        .and_then(Value::as_str)
        .filter(|p| PAYMENT_TYPES.contains(p));
    for (key, value) in job {
        let path = format!("job.{key}");
        match key.as_str() {
            "title" => match value.as_str() {
                Some(s) => {
                    fields.insert("jobTitle".into(), json!(s));
                }
                None => skipped.push(unmapped(&path, "title must be a string")),
            },
            "description" => match value.as_str() {
                Some(s) => {
                    fields.insert("jobDescription".into(), json!(s));
                }
                None => skipped.push(unmapped(&path, "description must be a string")),
            },
            "paymentType" => match payment_type {
                Some(p) => {
                    fields.insert("paymentType".into(), json!(p));
                }
                None => skipped.push(unmapped(&path, "not a canonical paymentType")),
            },
            "rateAmount" => match (value.as_f64(), payment_type.and_then(rate_key)) {
                (Some(amount), Some(rate)) => {
                    fields.insert(rate.into(), json!(amount));
                }
                _ => skipped.push(unmapped(
                    &path,
                    "rateAmount needs a number and a canonical paymentType",
                )),
            },
            "experienceLevel" => match value.as_str().filter(|v| EXPERIENCE_LEVELS.contains(v)) {
                Some(level) => {
                    fields.insert("experienceLevel".into(), json!(level));
                }
                None => skipped.push(unmapped(&path, "not a canonical experienceLevel")),
            },
            "languages" | "countries" | "labelTypes" => match string_list(value) {
                Some(list) => {
                    fields.insert(key.clone(), json!(list));
                }
                None => skipped.push(unmapped(&path, "must be a list of strings")),
            },
            "tools" => match string_list(value) {
                Some(list) => {
                    fields.insert("labelingSoftware".into(), json!(list.join(", ")));
                }
                None => skipped.push(unmapped(&path, "must be a list of strings")),
            },
            _ => skipped.push(unmapped(&path, "not a canonical job key")),
        }
    }
    if let Some(text) = job.get("description").and_then(Value::as_str) {
        fill_from_text(&mut fields, text);
    }
    Imported {
        fields,
        unmapped: skipped,
    }
}

/// Maps a schema.org `JobPosting` (an object, or its JSON text).
pub(crate) fn import_json_ld(posting: &Map<String, Value>) -> Imported {
    let mut fields = Map::new();
    let mut skipped = Vec::new();
    for (key, value) in posting {
        match key.as_str() {
            "@context" | "@type" => {}
            "title" => {
                if let Some(s) = value.as_str() {
                    fields.insert("jobTitle".into(), json!(strip_tags(s)));
                }
            }
            "description" => {
                if let Some(s) = value.as_str() {
                    fields.insert("jobDescription".into(), json!(strip_tags(s)));
                }
            }
            "totalJobOpenings" => match value.as_u64() {
                Some(n) if n > 0 => {
                    fields.insert("headcount".into(), json!(n));
                }
                _ => skipped.push(unmapped(key, "totalJobOpenings must be a positive integer")),
            },
            "baseSalary" => {
                let amount = value
                    .pointer("/value/value")
                    .or_else(|| value.pointer("/value/minValue"))
                    .and_then(Value::as_f64);
                let unit = value.pointer("/value/unitText").and_then(Value::as_str);
                match (amount, unit) {
                    (Some(a), Some("HOUR")) => {
                        fields.insert(
                            "paymentType".into(),
                            json!(PaymentType::PayPerHour.as_str()),
                        );
                        fields.insert("pricePerHour".into(), json!(a));
                    }
                    _ => skipped.push(unmapped(
                        key,
                        "only an hourly baseSalary (unitText HOUR) maps to a pay rate",
                    )),
                }
            }
            _ => skipped.push(unmapped(key, "no matching draft field")),
        }
    }
    if let Some(text) = fields
        .get("jobDescription")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        fill_from_text(&mut fields, &text);
    }
    Imported {
        fields,
        unmapped: skipped,
    }
}

/// Maps an Indeed-style or HR-XML feed entry: the title and description elements; the
/// description is then read like plain text.
pub(crate) fn import_xml(xml: &str) -> Imported {
    let mut fields = Map::new();
    if let Some(title) = xml_text(xml, &["title", "PositionTitle", "JobTitle"]) {
        fields.insert("jobTitle".into(), json!(title));
    }
    let description = xml_text(
        xml,
        &[
            "description",
            "FormattedPositionDescription",
            "PositionDescription",
            "JobDescription",
        ],
    );
    if let Some(text) = description {
        fill_from_text(&mut fields, &text);
    }
    Imported {
        fields,
        unmapped: Vec::new(),
    }
}

/// A list of strings from an array (or a single string).
fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{Imported, import_canonical, import_json_ld, import_xml};

    /// A JSON object literal as a map.
    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    /// The `path` of every unmapped entry, in order.
    fn unmapped_paths(imported: &Imported) -> Vec<String> {
        imported
            .unmapped
            .iter()
            .filter_map(|u| u.path.as_ref().and_then(Value::as_str).map(str::to_owned))
            .collect()
    }

    #[test]
    fn canonical_job_maps_its_keys_and_lists_what_it_cannot_place() {
        let imported = import_canonical(&object(json!({
            "title": "Audio QA",
            "description": "Need 4 transcribers for Hindi audio.",
            "paymentType": "PAY_PER_HOUR",
            "rateAmount": 15,
            "experienceLevel": "EXPERT",
            "languages": ["Hindi"],
            "tools": ["Label Studio", "CVAT"],
            "salary": 3,
        })));
        let f = &imported.fields;
        assert_eq!(f["jobTitle"], json!("Audio QA"));
        assert_eq!(
            f["jobDescription"],
            json!("Need 4 transcribers for Hindi audio.")
        );
        assert_eq!(f["paymentType"], json!("PAY_PER_HOUR"));
        assert_eq!(f["pricePerHour"], json!(15.0));
        assert_eq!(f["experienceLevel"], json!("EXPERT"));
        assert_eq!(f["languages"], json!(["Hindi"]));
        assert_eq!(f["labelingSoftware"], json!("Label Studio, CVAT"));
        assert_eq!(f["headcount"], json!(4), "read from the description");
        assert_eq!(unmapped_paths(&imported), ["job.salary"]);
    }

    #[test]
    fn canonical_job_refuses_non_canonical_enum_values() {
        let imported = import_canonical(&object(json!({
            "title": "T",
            "paymentType": "WEEKLY",
            "rateAmount": 10,
            "experienceLevel": "SENIOR",
        })));
        assert!(!imported.fields.contains_key("paymentType"));
        assert!(!imported.fields.contains_key("experienceLevel"));
        let mut paths = unmapped_paths(&imported);
        paths.sort();
        assert_eq!(
            paths,
            ["job.experienceLevel", "job.paymentType", "job.rateAmount"]
        );
    }

    #[test]
    fn json_ld_job_posting_maps_title_openings_and_an_hourly_salary() {
        let imported = import_json_ld(&object(json!({
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": "<b>Image QA</b>",
            "description": "<p>Review 2,000 images. English.</p>",
            "totalJobOpenings": 6,
            "baseSalary": {"value": {"value": 22, "unitText": "HOUR"}},
            "hiringOrganization": {"name": "Acme"},
        })));
        let f = &imported.fields;
        assert_eq!(f["jobTitle"], json!("Image QA"));
        assert_eq!(f["jobDescription"], json!("Review 2,000 images. English."));
        assert_eq!(f["headcount"], json!(6));
        assert_eq!(f["paymentType"], json!("PAY_PER_HOUR"));
        assert_eq!(f["pricePerHour"], json!(22.0));
        assert_eq!(f["dataVolume"], json!(2000));
        assert_eq!(f["languages"], json!(["English"]));
        assert_eq!(unmapped_paths(&imported), ["hiringOrganization"]);
    }

    #[test]
    fn json_ld_salary_not_per_hour_is_left_unmapped() {
        let imported = import_json_ld(&object(json!({
            "title": "T",
            "baseSalary": {"value": {"value": 50000, "unitText": "YEAR"}},
        })));
        assert!(!imported.fields.contains_key("paymentType"));
        assert_eq!(unmapped_paths(&imported), ["baseSalary"]);
    }

    #[test]
    fn xml_title_and_description_are_read() {
        let imported = import_xml(
            "<job><title><![CDATA[Audio QA]]></title><description>Need 4 transcribers, $15/hour, Hindi.</description></job>",
        );
        assert_eq!(imported.fields["jobTitle"], json!("Audio QA"));
        assert_eq!(imported.fields["headcount"], json!(4));
        assert_eq!(imported.fields["pricePerHour"], json!(15.0));
        assert_eq!(imported.fields["languages"], json!(["Hindi"]));
        assert!(imported.unmapped.is_empty());
    }

    #[test]
    fn hr_xml_position_elements_are_read() {
        let imported = import_xml(
            "<PositionOpening><PositionTitle>Speech QA</PositionTitle><FormattedPositionDescription><p>Two raters, German.</p></FormattedPositionDescription></PositionOpening>",
        );
        assert_eq!(imported.fields["jobTitle"], json!("Speech QA"));
        assert_eq!(imported.fields["headcount"], json!(2));
        assert_eq!(imported.fields["languages"], json!(["German"]));
    }
}
