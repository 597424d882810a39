//! Who answers the missing fields: an [`Answer`] per field, the [`Answerer`] trait (any async
//! closure is one), and the ready-made answerers [`SkipAll`] (the default), [`ExampleAnswerer`]
//! (the server's own examples) and [`MapAnswerer`] (answers from a map).

use std::collections::BTreeMap;
use std::future::Future;

use serde_json::Value;

use super::MissingField;

#[cfg(doc)]
use crate::Client;

/// An answerer's reply to one missing field.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The value to PATCH under each of the field's update keys.
    Value(Value),
    /// Leave this field for this run; it is not asked again.
    Skip,
    /// Stop the loop now; nothing more is sent (answers given earlier in the same round
    /// included) and the draft stays a draft.
    Abort,
}

/// Answers one missing field at a time for [`Client::post_job`].
///
/// Any async closure `async |field: &MissingField| -> Answer` is an answerer, and so is a plain
/// closure returning a future that does not borrow the field.
///
/// ```
/// use opentrain::drafting::{Answer, Answerer, MissingField};
///
/// struct Intermediate;
/// impl Answerer for Intermediate {
///     async fn answer(&mut self, field: &MissingField) -> Answer {
///         if field.enum_values().iter().any(|v| v == "INTERMEDIATE") {
///             Answer::Value("INTERMEDIATE".into())
///         } else {
///             Answer::Skip
///         }
///     }
/// }
/// ```
pub trait Answerer {
    /// The answer for `field`.
    fn answer(&mut self, field: &MissingField) -> impl Future<Output = Answer>;
}

impl<F> Answerer for F
where
    F: AsyncFnMut(&MissingField) -> Answer,
{
    fn answer(&mut self, field: &MissingField) -> impl Future<Output = Answer> {
        self(field)
    }
}

/// The answerer of a loop given none: skips everything, so only a draft that is publish-ready
/// from the start gets through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipAll;

impl Answerer for SkipAll {
    async fn answer(&mut self, _field: &MissingField) -> Answer {
        Answer::Skip
    }
}

/// Answers every field with the server's own documented `example` for it, typed by the field's
/// `type` (`"5"` → `5`, `"0.05"` → `0.05`; an enum example outside `enumValues` → the first
/// value); skips a field without an example.
///
/// For demos, tests and dry runs against a sandbox: the examples are placeholders ("Spanish
/// Sentiment Labeling — ..."), not your job, so never publish a real job with them.
///
/// ```
/// use opentrain::drafting::{Answer, ExampleAnswerer, MissingField};
/// use opentrain::types::MissingFieldDetail;
///
/// let detail = MissingFieldDetail::builder()
///     .field(Some("headcount".to_owned()))
///     .type_(Some("number".to_owned()))
///     .example(Some("5".to_owned()));
/// let field = MissingField::new(detail.try_into().expect("a complete MissingFieldDetail"));
/// assert_eq!(ExampleAnswerer::answer_for(&field), Answer::Value(5.into()));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExampleAnswerer;

impl ExampleAnswerer {
    /// The answer for `field`, without the async wrapper.
    pub fn answer_for(field: &MissingField) -> Answer {
        let Some(example) = field.example() else {
            return Answer::Skip;
        };
        if field.is_number() {
            // "5" stays an integer (counts), "0.05" a decimal (prices).
            let number = match example.trim().parse::<i64>() {
                Ok(n) => Some(serde_json::Number::from(n)),
                Err(_) => example
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64),
            };
            return number.map_or(Answer::Skip, |n| Answer::Value(Value::Number(n)));
        }
        if field.is_enum() && !field.enum_values().iter().any(|v| v == example) {
            return field
                .enum_values()
                .first()
                .map_or(Answer::Skip, |v| Answer::Value(v.clone().into()));
        }
        Answer::Value(example.into())
    }
}

impl Answerer for ExampleAnswerer {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        Self::answer_for(field)
    }
}

/// Answers from a map, looked up by field name and then by each update key; skips the rest.
///
/// ```
/// use opentrain::drafting::MapAnswerer;
/// let answers = MapAnswerer::new()
///     .with("experienceLevel", "INTERMEDIATE")
///     .with("pricePerLabel", 0.06);
/// assert_eq!(answers.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct MapAnswerer {
    answers: BTreeMap<String, Value>,
}

impl MapAnswerer {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the answer for a field name or update key.
    pub fn with(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.answers.insert(field.into(), value.into());
        self
    }

    /// How many answers the map holds.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// Whether the map holds no answers.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    fn lookup(&self, field: &MissingField) -> Option<&Value> {
        self.answers
            .get(field.field())
            .or_else(|| field.update_keys().iter().find_map(|k| self.answers.get(k)))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for MapAnswerer {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            answers: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl Answerer for MapAnswerer {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        match self.lookup(field) {
            Some(value) => Answer::Value(value.clone()),
            None => Answer::Skip,
        }
    }
}
