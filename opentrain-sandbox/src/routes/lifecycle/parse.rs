//! The draft "parser" and validator: a small, honest subset of what the real service extracts
//! from a description (a head count such as "5 annotators", a price such as "$0.05 per label"
//! or "$20/hour", the languages named in the text, a data volume such as "50,000 images"), the
//! mapping of the structured import formats, the checks of a PATCH body, and the validation
//! report (`missingFields`, `publishReady`) computed from the required keys still empty.
//! Nothing is guessed beyond that: a job title or an experience level is never invented, so
//! they come back as missing fields with a prompt.

use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    DataVolumeUnit, DraftEnvelope, DraftEnvelopeImport, DraftValidation, ExperienceLevel,
    MissingField, MissingFieldDetail, NormalizedFields, PaymentType, UnmappedField, builder,
};
use serde_json::{Map, Value, json};

use super::{Freelancer, JobRec};
use crate::errors::ApiError;

/// Every key `PATCH /job-drafts/{jobId}` and `PATCH /jobs/{id}` accept (the documented list).
pub(crate) const UPDATE_KEYS: [&str; 26] = [
    "jobTitle",
    "jobDescription",
    "labelingOverview",
    "datasetDescription",
    "dataType",
    "subjectMatter",
    "dataVolume",
    "dataVolumeUnit",
    "labelingSoftware",
    "headcount",
    "experienceLevel",
    "paymentType",
    "pricePerHour",
    "pricePerLabel",
    "fixedPrice",
    "countries",
    "languages",
    "labelTypes",
    "aiInterviewRequirements",
    "budgetRange",
    "workloadDesc",
    "timeRequirement",
    "projectDuration",
    "freelancerType",
    "projectScope",
    "visibility",
];

/// The canonical `paymentType` values.
pub(crate) const PAYMENT_TYPES: [&str; 3] = ["PAY_PER_LABEL", "PAY_PER_HOUR", "FIXED_PRICE"];
/// The canonical `experienceLevel` values.
pub(crate) const EXPERIENCE_LEVELS: [&str; 4] = [
    "EXPERT",
    "ENTRY_LEVEL",
    "INTERMEDIATE",
    "ANY_EXPERIENCE_LEVEL",
];
/// The canonical `dataVolumeUnit` values.
pub(crate) const DATA_VOLUME_UNITS: [&str; 4] = [
    "HOURS_OF_RECORDING_AUDIO_VIDEO",
    "NUMBER_OF_FILES",
    "NUMBER_OF_WORDS",
    "UNKNOWN_NOT_SPECIFIED",
];

/// Languages the parser recognises by name.
const LANGUAGES: [&str; 28] = [
    "English",
    "Spanish",
    "French",
    "German",
    "Italian",
    "Portuguese",
    "Dutch",
    "Japanese",
    "Chinese",
    "Mandarin",
    "Cantonese",
    "Korean",
    "Arabic",
    "Hindi",
    "Russian",
    "Polish",
    "Turkish",
    "Swedish",
    "Vietnamese",
    "Indonesian",
    "Thai",
    "Hebrew",
    "Greek",
    "Ukrainian",
    "Czech",
    "Romanian",
    "Bengali",
    "Tagalog",
];

/// Nouns that make a preceding number a head count.
const PEOPLE: [&str; 24] = [
    "annotator",
    "labeler",
    "labeller",
    "people",
    "person",
    "trainer",
    "speaker",
    "transcriber",
    "rater",
    "reviewer",
    "worker",
    "freelancer",
    "contractor",
    "expert",
    "translator",
    "linguist",
    "tester",
    "writer",
    "evaluator",
    "specialist",
    "tagger",
    "moderator",
    "native",
    "member",
];

/// Small number words for head counts ("three annotators").
const NUMBER_WORDS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// A word without surrounding punctuation, lower case.
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '$' && c != '.' && c != ',')
        .trim_end_matches(['.', ','])
        .to_lowercase()
}

/// The count in a token such as `5`, `~20,000` or `five` (no money amounts).
fn count_of(token: &str) -> Option<u64> {
    let t = bare(token);
    let t = t.trim_start_matches(['~', '≈']);
    if t.starts_with('$') {
        return None;
    }
    if let Some(i) = NUMBER_WORDS.iter().position(|w| *w == t) {
        return Some(i as u64 + 1);
    }
    let digits: String = t.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether `word` (bare) is a people noun, singular or plural.
fn is_people(word: &str) -> bool {
    let singular = word.strip_suffix('s').unwrap_or(word);
    PEOPLE.contains(&word) || PEOPLE.contains(&singular)
}

/// The unit a data-volume noun implies.
fn volume_unit(words: &[String]) -> Option<&'static str> {
    let first = words.first()?;
    let file_nouns = [
        "image",
        "file",
        "photo",
        "video",
        "clip",
        "document",
        "recording",
        "pdf",
        "screenshot",
        "frame",
    ];
    let singular = first.strip_suffix('s').unwrap_or(first);
    if file_nouns.contains(&singular) {
        return Some("NUMBER_OF_FILES");
    }
    if singular == "word" {
        return Some("NUMBER_OF_WORDS");
    }
    if singular == "hour"
        && words.get(1).is_some_and(|w| w == "of")
        && words.get(2).is_some_and(|w| {
            ["audio", "video", "recording", "recordings", "speech"].contains(&w.as_str())
        })
    {
        return Some("HOURS_OF_RECORDING_AUDIO_VIDEO");
    }
    None
}

/// The pay type a phrase right after an amount names (`/hour`, ` per label`, ` fixed`...).
fn pay_after(rest: &str) -> Option<&'static str> {
    let rest = rest.trim_start().to_lowercase();
    let hourly = [
        "/hour", "/hr", "/h ", "per hour", "an hour", "a hour", "hourly", "per hr",
    ];
    let per_label = [
        "/label",
        "per label",
        "per annotation",
        "/annotation",
        "per item",
        "per task",
        "per image",
        "per post",
        "per file",
        "per record",
    ];
    let fixed = ["fixed", "flat", "total", "for the whole", "for the project"];
    if hourly.iter().any(|p| rest.starts_with(p)) || rest == "/h" {
        Some("PAY_PER_HOUR")
    } else if per_label.iter().any(|p| rest.starts_with(p)) {
        Some("PAY_PER_LABEL")
    } else if fixed.iter().any(|p| rest.starts_with(p)) {
        Some("FIXED_PRICE")
    } else {
        None
    }
}

/// The pay type a description names without an amount ("Pay per label.").
fn pay_mentioned(lower: &str) -> Option<&'static str> {
    if lower.contains("per label") || lower.contains("per annotation") {
        Some("PAY_PER_LABEL")
    } else if lower.contains("per hour") || lower.contains("hourly") {
        Some("PAY_PER_HOUR")
    } else if lower.contains("fixed price") || lower.contains("fixed-price") {
        Some("FIXED_PRICE")
    } else {
        None
    }
}

/// The rate key that goes with a payment type.
pub(crate) fn rate_key(payment_type: &str) -> Option<&'static str> {
    match payment_type {
        "PAY_PER_HOUR" => Some("pricePerHour"),
        "PAY_PER_LABEL" => Some("pricePerLabel"),
        "FIXED_PRICE" => Some("fixedPrice"),
        _ => None,
    }
}

/// The first `$amount` with a pay phrase after it, e.g. `$0.05 per label` or `$20/hour`.
fn price_in(text: &str) -> Option<(&'static str, f64)> {
    let mut fallback = None;
    for (i, _) in text.match_indices('$') {
        let after = &text[i + 1..];
        let number: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect();
        let amount: f64 = match number.trim_end_matches(['.', ',']).replace(',', "").parse() {
            Ok(v) => v,
            Err(_) => continue,
        };
        let rest = &after[number.trim_end_matches(['.', ',']).len()..];
        match pay_after(rest) {
            Some(kind) => return Some((kind, amount)),
            None => {
                if fallback.is_none() {
                    fallback = Some(amount);
                }
            }
        }
    }
    // A bare amount counts when the text names the pay type elsewhere.
    let kind = pay_mentioned(&text.to_lowercase())?;
    fallback.map(|amount| (kind, amount))
}

/// The languages named in `text`, in order of first mention.
fn languages_in(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, &str)> = LANGUAGES
        .iter()
        .filter_map(|name| {
            text.match_indices(name)
                .find(|(i, _)| {
                    let before = text[..*i].chars().next_back();
                    let after = text[i + name.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                })
                .map(|(i, _)| (i, *name))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n.to_owned()).collect()
}

/// The fields the sandbox extracts from a plain-text description.
pub(crate) fn parse_text(text: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    let text = text.trim();
    fields.insert("jobDescription".into(), Value::String(text.to_owned()));
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let words: Vec<String> = tokens.iter().map(|t| bare(t)).collect();
    let mut headcount_at = None;
    for (i, token) in tokens.iter().enumerate() {
        let Some(n) = count_of(token) else { continue };
        if !(1..=10_000).contains(&n) {
            continue;
        }
        let window = words.iter().skip(i + 1).take(3);
        let mut hit = false;
        for w in window {
            if count_of(w).is_some() {
                break;
            }
            if is_people(w) {
                hit = true;
                break;
            }
        }
        if hit {
            fields.insert("headcount".into(), json!(n));
            headcount_at = Some(i);
            break;
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        if Some(i) == headcount_at {
            continue;
        }
        let Some(n) = count_of(token) else { continue };
        let next: Vec<String> = words.iter().skip(i + 1).take(3).cloned().collect();
        // "50,000 dashcam images": the noun may follow one adjective.
        let unit = volume_unit(&next).or_else(|| volume_unit(next.get(1..).unwrap_or(&[])));
        if let Some(unit) = unit {
            fields.insert("dataVolume".into(), json!(n));
            fields.insert("dataVolumeUnit".into(), json!(unit));
            break;
        }
    }
    match price_in(text) {
        Some((kind, amount)) => {
            fields.insert("paymentType".into(), json!(kind));
            if let Some(key) = rate_key(kind) {
                fields.insert(key.into(), json!(amount));
            }
        }
        None => {
            if let Some(kind) = pay_mentioned(&text.to_lowercase()) {
                fields.insert("paymentType".into(), json!(kind));
            }
        }
    }
    let languages = languages_in(text);
    if !languages.is_empty() {
        fields.insert("languages".into(), json!(languages));
    }
    fields
}

/// Copies the parsed fields of `text` into `fields` where a key is still unset.
fn fill_from_text(fields: &mut Map<String, Value>, text: &str) {
    for (key, value) in parse_text(text) {
        fields.entry(key).or_insert(value);
    }
}

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
                        fields.insert("paymentType".into(), json!("PAY_PER_HOUR"));
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

/// A zod-like issue.
fn issue(code: &str, path: &str, message: String) -> Value {
    json!({ "code": code, "path": [path], "message": message })
}

/// The JSON type name zod would report.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A 400 for one bad field: zod issues plus `details.field`.
fn bad(field: &str, message: String, issue_value: Value) -> ApiError {
    ApiError::issues(message, vec![issue_value]).with(|d| d.field = Some(field.to_owned()))
}

/// Checks a PATCH body (draft or live job): at least one key, only documented keys, the
/// documented types, canonical enum values. Returns the changes; a `null` value clears a key.
pub(crate) fn check_patch(body: Map<String, Value>) -> Result<Vec<(String, Value)>, ApiError> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "The request body must set at least one field.",
        ));
    }
    let unknown: Vec<&String> = body
        .keys()
        .filter(|k| !UPDATE_KEYS.contains(&k.as_str()))
        .collect();
    if let Some(first) = unknown.first() {
        let names: Vec<String> = unknown.iter().map(|k| format!("'{k}'")).collect();
        let message = format!("Unrecognized key(s) in object: {}", names.join(", "));
        return Err(ApiError::issues(
            message.clone(),
            vec![json!({
                "code": "unrecognized_keys",
                "keys": unknown,
                "path": [],
                "message": message,
            })],
        )
        .with(|d| d.field = Some((*first).clone())));
    }
    let mut changes = Vec::new();
    for (key, value) in body {
        if !value.is_null() {
            check_value(&key, &value)?;
        }
        changes.push((key, value));
    }
    Ok(changes)
}

/// Checks the type (and enum value) of one patched key.
fn check_value(key: &str, value: &Value) -> Result<(), ApiError> {
    let enum_values: Option<&[&str]> = match key {
        "paymentType" => Some(&PAYMENT_TYPES),
        "experienceLevel" => Some(&EXPERIENCE_LEVELS),
        "dataVolumeUnit" => Some(&DATA_VOLUME_UNITS),
        _ => None,
    };
    let wrong_type = |expected: &str| {
        bad(
            key,
            format!("{key}: expected {expected}, received {}.", type_name(value)),
            json!({
                "code": "invalid_type",
                "expected": expected,
                "received": type_name(value),
                "path": [key],
                "message": format!("Expected {expected}, received {}", type_name(value)),
            }),
        )
    };
    if let Some(options) = enum_values {
        let Some(s) = value.as_str() else {
            return Err(wrong_type("string"));
        };
        if !options.contains(&s) {
            return Err(bad(
                key,
                format!("{key} must be one of {}; got '{s}'.", options.join(", ")),
                json!({
                    "code": "invalid_enum_value",
                    "options": options,
                    "received": s,
                    "path": [key],
                    "message": format!("Invalid enum value. Expected {}, received '{s}'",
                        options.iter().map(|o| format!("'{o}'")).collect::<Vec<_>>().join(" | ")),
                }),
            ));
        }
        return Ok(());
    }
    match key {
        "jobTitle" | "jobDescription" => {
            let Some(s) = value.as_str() else {
                return Err(wrong_type("string"));
            };
            if s.trim().is_empty() {
                return Err(bad(
                    key,
                    format!("{key} must not be empty."),
                    issue(
                        "too_small",
                        key,
                        "String must contain at least 1 character(s)".into(),
                    ),
                ));
            }
        }
        "pricePerHour" | "pricePerLabel" | "fixedPrice" => match value.as_f64() {
            Some(v) if v > 0.0 => {}
            Some(_) => {
                return Err(bad(
                    key,
                    format!("{key} must be greater than 0."),
                    issue("too_small", key, "Number must be greater than 0".into()),
                ));
            }
            None => return Err(wrong_type("number")),
        },
        "dataVolume" => match value.as_f64() {
            Some(v) if v >= 0.0 => {}
            Some(_) => {
                return Err(bad(
                    key,
                    "dataVolume must not be negative.".into(),
                    issue(
                        "too_small",
                        key,
                        "Number must be greater than or equal to 0".into(),
                    ),
                ));
            }
            None => return Err(wrong_type("number")),
        },
        "headcount" => match value.as_u64() {
            Some(n) if n >= 1 => {}
            _ if value.is_number() => {
                return Err(bad(
                    key,
                    "headcount must be a whole number of at least 1.".into(),
                    issue("too_small", key, "Number must be a positive integer".into()),
                ));
            }
            _ => return Err(wrong_type("number")),
        },
        "languages" | "countries" | "labelTypes" => {
            let ok = value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string));
            if !ok {
                return Err(wrong_type("array of strings"));
            }
        }
        // The docs give no types for the remaining keys; any JSON value is kept as sent.
        _ => {}
    }
    Ok(())
}

/// Applies checked changes to a job's fields.
pub(crate) fn apply(fields: &mut Map<String, Value>, changes: Vec<(String, Value)>) {
    for (key, value) in changes {
        if value.is_null() {
            fields.remove(&key);
        } else {
            fields.insert(key, value);
        }
    }
}

/// A missing-field entry.
#[allow(clippy::too_many_arguments)]
fn missing(
    field: &str,
    label: &str,
    message: &str,
    prompt: String,
    type_: &str,
    enum_values: Option<&[&str]>,
    example: &str,
    hint: Option<&str>,
) -> builder::MissingFieldDetail {
    MissingFieldDetail::builder()
        .code(Some("missing_required_field".to_owned()))
        .enum_values(enum_values.map(|v| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()))
        .example(Some(example.to_owned()))
        .field(Some(field.to_owned()))
        .hint(hint.map(str::to_owned))
        .label(Some(label.to_owned()))
        .message(Some(message.to_owned()))
        .prompt(Some(prompt))
        .type_(Some(type_.to_owned()))
        .update_keys(vec![field.to_owned()])
}

/// The required keys still empty, as the documented missing-field objects. Required before
/// publishing: `jobTitle`, `jobDescription`, `headcount`, `experienceLevel`, `paymentType` and
/// the rate that matches it (`pricePerHour`, `pricePerLabel` or `fixedPrice`).
pub(crate) fn missing_fields(job: &JobRec) -> Result<Vec<MissingFieldDetail>, ConversionError> {
    let mut out = Vec::new();
    if job.text("jobTitle").is_none() {
        out.push(missing(
            "jobTitle",
            "Job title",
            "A job title is required before publishing.",
            "ask: What should the job post be titled?".into(),
            "string",
            None,
            "Spanish Sentiment Labeling — Social Media Posts",
            Some("Name the task and the data, e.g. language + label type + content."),
        ));
    }
    if job.text("jobDescription").is_none() {
        out.push(missing(
            "jobDescription",
            "Job description",
            "A job description is required before publishing.",
            "ask: Describe the work AI trainers will do.".into(),
            "string",
            None,
            "Label the sentiment of 20,000 Spanish social media posts.",
            None,
        ));
    }
    if job.number("headcount").is_none() {
        out.push(missing(
            "headcount",
            "Headcount",
            "The number of AI trainers is required before publishing.",
            "ask: How many AI trainers do you want to hire?".into(),
            "number",
            None,
            "5",
            None,
        ));
    }
    if job.text("experienceLevel").is_none() {
        out.push(missing(
            "experienceLevel",
            "Experience level",
            "Experience level is required before publishing.",
            format!(
                "ask: What experience level should AI trainers have? ({})",
                EXPERIENCE_LEVELS.join(", ")
            ),
            "enum",
            Some(&EXPERIENCE_LEVELS),
            "INTERMEDIATE",
            Some("Pick the minimum level the work realistically needs."),
        ));
    }
    match job.text("paymentType") {
        None => out.push(missing(
            "paymentType",
            "Payment type",
            "A payment type is required before publishing.",
            format!(
                "ask: How will AI trainers be paid? ({})",
                PAYMENT_TYPES.join(", ")
            ),
            "enum",
            Some(&PAYMENT_TYPES),
            "PAY_PER_LABEL",
            Some("Then set the matching rate: pricePerLabel, pricePerHour or fixedPrice."),
        )),
        Some(kind) => {
            let rate = rate_key(kind).filter(|key| job.number(key).is_none());
            if let Some(key) = rate {
                let (label, prompt, example) = match key {
                    "pricePerHour" => (
                        "Price per hour",
                        "ask: How much will you pay per hour (USD)?",
                        "15",
                    ),
                    "fixedPrice" => (
                        "Fixed price",
                        "ask: What is the fixed price for the whole job (USD)?",
                        "500",
                    ),
                    _ => (
                        "Price per label",
                        "ask: How much will you pay per label (USD)?",
                        "0.05",
                    ),
                };
                out.push(missing(
                    key,
                    label,
                    "A pay rate is required before publishing.",
                    prompt.into(),
                    "number",
                    None,
                    example,
                    None,
                ));
            }
        }
    }
    out.into_iter().map(MissingFieldDetail::try_from).collect()
}

/// The validation report of a job.
pub(crate) fn validation(job: &JobRec) -> Result<DraftValidation, ConversionError> {
    let missing = missing_fields(job)?;
    DraftValidation::try_from(
        DraftValidation::builder()
            .issue_count(Some(0))
            .issues(Vec::new())
            .missing_field_count(Some(missing.len() as i64))
            .publish_ready(missing.is_empty())
            .missing_fields(
                missing
                    .into_iter()
                    .map(MissingField::MissingFieldDetail)
                    .collect::<Vec<_>>(),
            ),
    )
}

/// The structured fields, in the documented `normalizedFields` shape.
pub(crate) fn normalized(job: &JobRec) -> Result<NormalizedFields, ConversionError> {
    NormalizedFields::try_from(
        NormalizedFields::builder()
            .data_volume(job.number("dataVolume"))
            .data_volume_unit(job.text("dataVolumeUnit").map(DataVolumeUnit::from))
            .headcount(job.fields.get("headcount").and_then(Value::as_i64))
            .job_title(job.text("jobTitle").map(str::to_owned))
            .languages(job.strings("languages"))
            .payment_type(job.text("paymentType").map(PaymentType::from)),
    )
}

/// The draft envelope answered by create and PATCH.
pub(crate) fn envelope(job: &JobRec, draft_url: String) -> Result<DraftEnvelope, ConversionError> {
    let validation = validation(job)?;
    DraftEnvelope::try_from(
        DraftEnvelope::builder()
            .draft_url(Some(draft_url.clone()))
            .job_id(job.id.clone())
            .low_confidence_fields(Some(Value::Array(Vec::new())))
            .missing_fields(missing_fields(job)?)
            .normalized_fields(Some(normalized(job)?))
            .ok(Some(true))
            .review_url(Some(draft_url))
            .status(Some(job.status.clone()))
            .unmapped_fields(job.unmapped.clone())
            .validation(validation)
            .warnings(Some(Value::Array(Vec::new())))
            // As the quickstart's create example shows: the raw text kept, never auto-published.
            .import(Some(DraftEnvelopeImport::try_from(
                DraftEnvelopeImport::builder()
                    .raw_source_preserved(Some(true))
                    .auto_published(Some(false)),
            )?))
            .parser(serde_json::Map::from_iter([(
                "name".to_owned(),
                Value::String("opentrain-sandbox".to_owned()),
            )])),
    )
}

/// The bid an applicant makes on `job`: the job's own rate in its unit (an hourly job without a
/// rate gets the trainer's hourly rate).
pub(crate) fn bid_for(
    job: &JobRec,
    freelancer: &Freelancer,
) -> (Option<f64>, Option<&'static str>) {
    match job.text("paymentType") {
        Some("PAY_PER_LABEL") => (job.number("pricePerLabel"), Some("PER_LABEL")),
        Some("FIXED_PRICE") => (job.number("fixedPrice"), Some("FIXED_PRICE")),
        _ => (
            job.number("pricePerHour").or(Some(freelancer.hourly_rate)),
            Some("PER_HOUR"),
        ),
    }
}

/// The display label of a draft experience level (`INTERMEDIATE` -> `Intermediate`), as the
/// public job object shows it.
pub(crate) fn experience_label(level: &str) -> String {
    match ExperienceLevel::from(level) {
        ExperienceLevel::Expert => "Expert".into(),
        ExperienceLevel::EntryLevel => "Entry level".into(),
        ExperienceLevel::Intermediate => "Intermediate".into(),
        ExperienceLevel::AnyExperienceLevel => "Any experience level".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_head_count_per_label_price_and_languages() {
        let f = parse_text(
            "We need 5 fluent Spanish speakers to label sentiment in ~20,000 social media posts. Pay is $0.05 per label.",
        );
        assert_eq!(f["headcount"], json!(5));
        assert_eq!(f["paymentType"], json!("PAY_PER_LABEL"));
        assert_eq!(f["pricePerLabel"], json!(0.05));
        assert_eq!(f["languages"], json!(["Spanish"]));
        assert!(
            !f.contains_key("dataVolume"),
            "posts are not a documented unit"
        );
    }

    #[test]
    fn reads_hourly_price_and_file_volume() {
        let f = parse_text(
            "We need 10 experienced annotators for bounding boxes on 50,000 dashcam images. Pay is $18/hour. English required.",
        );
        assert_eq!(f["headcount"], json!(10));
        assert_eq!(f["paymentType"], json!("PAY_PER_HOUR"));
        assert_eq!(f["pricePerHour"], json!(18.0));
        assert_eq!(f["dataVolume"], json!(50000));
        assert_eq!(f["dataVolumeUnit"], json!("NUMBER_OF_FILES"));
        assert_eq!(f["languages"], json!(["English"]));
    }

    #[test]
    fn reads_need_n_labelers_and_several_languages_in_order() {
        let f = parse_text("need 3 labelers fluent in German and French, $20 per hour");
        assert_eq!(f["headcount"], json!(3));
        assert_eq!(f["pricePerHour"], json!(20.0));
        assert_eq!(f["languages"], json!(["German", "French"]));
    }

    #[test]
    fn pay_type_without_amount_is_kept_without_a_rate() {
        let f = parse_text("Pay per label. Annotators should know Italian.");
        assert_eq!(f["paymentType"], json!("PAY_PER_LABEL"));
        assert!(!f.contains_key("pricePerLabel"));
        assert!(!f.contains_key("headcount"));
    }

    #[test]
    fn language_names_inside_other_words_do_not_count() {
        assert!(languages_in("Englishman Thailand").is_empty());
    }

    #[test]
    fn patch_rejects_unknown_keys_and_bad_enums() {
        let mut body = Map::new();
        body.insert("salary".into(), json!(3));
        let err = check_patch(body).err().map(|e| e.details);
        let field = err.flatten().and_then(|d| d.field);
        assert_eq!(field.as_deref(), Some("salary"));
        let mut body = Map::new();
        body.insert("experienceLevel".into(), json!("SENIOR"));
        let err = check_patch(body).err().and_then(|e| e.details);
        assert_eq!(
            err.and_then(|d| d.field).as_deref(),
            Some("experienceLevel")
        );
    }

    #[test]
    fn xml_title_and_description_are_read() {
        let imported = import_xml(
            "<job><title><![CDATA[Audio QA]]></title><description>Need 4 transcribers, $15/hour, Hindi.</description></job>",
        );
        assert_eq!(imported.fields["jobTitle"], json!("Audio QA"));
        assert_eq!(imported.fields["headcount"], json!(4));
        assert_eq!(imported.fields["languages"], json!(["Hindi"]));
    }
}
