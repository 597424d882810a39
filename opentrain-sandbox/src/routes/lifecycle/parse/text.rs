//! The text heuristics: a small, honest subset of what the real service extracts from a
//! description (a head count such as "5 annotators", a price such as "$0.05 per label" or
//! "$20/hour", the languages named in the text, a data volume such as "50,000 images"). Nothing
//! is guessed beyond that: a job title or an experience level is never invented. The pay types
//! and volume units found are values of the generated enums.

use opentrain_gen::types::{DataVolumeUnit, PaymentType};
use serde_json::{Map, Value, json};

use super::vocab::rate_key;

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
fn volume_unit(words: &[String]) -> Option<DataVolumeUnit> {
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
        return Some(DataVolumeUnit::NumberOfFiles);
    }
    if singular == "word" {
        return Some(DataVolumeUnit::NumberOfWords);
    }
    if singular == "hour"
        && words.get(1).is_some_and(|w| w == "of")
        && words.get(2).is_some_and(|w| {
            ["audio", "video", "recording", "recordings", "speech"].contains(&w.as_str())
        })
    {
        return Some(DataVolumeUnit::HoursOfRecordingAudioVideo);
    }
    None
}

/// The pay type a phrase right after an amount names (`/hour`, ` per label`, ` fixed`...).
fn pay_after(rest: &str) -> Option<PaymentType> {
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
        Some(PaymentType::PayPerHour)
    } else if per_label.iter().any(|p| rest.starts_with(p)) {
        Some(PaymentType::PayPerLabel)
    } else if fixed.iter().any(|p| rest.starts_with(p)) {
        Some(PaymentType::FixedPrice)
    } else {
        None
    }
}

/// The pay type a description names without an amount ("Pay per label.").
fn pay_mentioned(lower: &str) -> Option<PaymentType> {
    if lower.contains("per label") || lower.contains("per annotation") {
        Some(PaymentType::PayPerLabel)
    } else if lower.contains("per hour") || lower.contains("hourly") {
        Some(PaymentType::PayPerHour)
    } else if lower.contains("fixed price") || lower.contains("fixed-price") {
        Some(PaymentType::FixedPrice)
    } else {
        None
    }
}

/// The first `$amount` with a pay phrase after it, e.g. `$0.05 per label` or `$20/hour`.
fn price_in(text: &str) -> Option<(PaymentType, f64)> {
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
            fields.insert("dataVolumeUnit".into(), json!(unit.as_str()));
            break;
        }
    }
    match price_in(text) {
        Some((kind, amount)) => {
            fields.insert("paymentType".into(), json!(kind.as_str()));
            if let Some(key) = rate_key(kind.as_str()) {
                fields.insert(key.into(), json!(amount));
            }
        }
        None => {
            if let Some(kind) = pay_mentioned(&text.to_lowercase()) {
                fields.insert("paymentType".into(), json!(kind.as_str()));
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
pub(super) fn fill_from_text(fields: &mut Map<String, Value>, text: &str) {
    for (key, value) in parse_text(text) {
        fields.entry(key).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{languages_in, parse_text};

    #[test]
    fn a_description_yields_head_count_price_languages_and_volume() {
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
    fn the_description_itself_is_kept_trimmed() {
        let f = parse_text("  Label 200 photos.  ");
        assert_eq!(f["jobDescription"], json!("Label 200 photos."));
    }

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
    fn reads_need_n_labelers_and_several_languages_in_order() {
        let f = parse_text("need 3 labelers fluent in German and French, $20 per hour");
        assert_eq!(f["headcount"], json!(3));
        assert_eq!(f["pricePerHour"], json!(20.0));
        assert_eq!(f["languages"], json!(["German", "French"]));
    }

    #[test]
    fn reads_a_head_count_in_words_hours_of_audio_and_a_fixed_price() {
        let f = parse_text("Three transcribers for 120 hours of audio, $900 fixed.");
        assert_eq!(f["headcount"], json!(3));
        assert_eq!(f["dataVolume"], json!(120));
        assert_eq!(f["dataVolumeUnit"], json!("HOURS_OF_RECORDING_AUDIO_VIDEO"));
        assert_eq!(f["paymentType"], json!("FIXED_PRICE"));
        assert_eq!(f["fixedPrice"], json!(900.0));
    }

    #[test]
    fn a_bare_amount_counts_when_the_pay_type_is_named_elsewhere() {
        let f = parse_text("Budget $300. This is a fixed price job for 4 reviewers.");
        assert_eq!(f["paymentType"], json!("FIXED_PRICE"));
        assert_eq!(f["fixedPrice"], json!(300.0));
        assert_eq!(f["headcount"], json!(4));
    }

    #[test]
    fn pay_type_without_amount_is_kept_without_a_rate() {
        let f = parse_text("Pay per label. Annotators should know Italian.");
        assert_eq!(f["paymentType"], json!("PAY_PER_LABEL"));
        assert!(!f.contains_key("pricePerLabel"));
        assert!(!f.contains_key("headcount"));
    }

    #[test]
    fn nothing_is_invented_from_a_vague_description() {
        let f = parse_text("Help us make our model better.");
        let keys: Vec<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(keys, ["jobDescription"]);
    }

    #[test]
    fn language_names_inside_other_words_do_not_count() {
        assert!(languages_in("Englishman Thailand").is_empty());
    }
}
