//! Who answers the missing fields: an [`Answer`] per field, the [`Answerer`] trait (any async
//! closure is one), the ready-made answerers [`SkipAll`] (the default), [`ExampleAnswerer`]
//! (the server's own examples) and [`MapAnswerer`] (answers from a map), and [`IntoAnswerer`],
//! through which [`PostJob::answer_with`] also takes a plain closure returning an [`Answer`].

use std::collections::BTreeMap;
use std::future::Future;

use serde_json::Value;

use super::MissingField;

#[cfg(doc)]
use super::PostJob;
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
/// closure returning a future that does not borrow the field. A plain closure returning an
/// [`Answer`] is not one, but [`PostJob::answer_with`] takes it all the same.
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

/// What [`PostJob::answer_with`] accepts: any [`Answerer`] (the ready-made ones, your own, an
/// async closure `async |field: &MissingField| -> Answer`), or a plain closure
/// `|field: &MissingField| -> Answer`, which becomes a [`FnAnswerer`].
///
/// `Marker` only keeps the two blanket impls apart (it is [`AnAnswerer`] or [`AFunction`]); the
/// compiler picks it, so code never names it. Write the closure's parameter type out
/// (`field: &MissingField`): Rust infers a closure's signature only from a bound that names
/// it, and this one cannot.
///
/// ```
/// use opentrain::drafting::{Answer, MissingField};
///
/// let client = opentrain::Client::builder().base_url("http://127.0.0.1:1").build()?;
/// // A plain closure.
/// let _plain = client
///     .post_job("We need 3 AI trainers to label 10,000 product images.")
///     .answer_with(|field: &MissingField| match field.field() {
///         "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
///         _ => Answer::Skip,
///     });
/// // An async closure (it may await, e.g. ask a model).
/// let _async = client
///     .post_job("We need 3 AI trainers to label 10,000 product images.")
///     .answer_with(async |field: &MissingField| match field.field() {
///         "pricePerLabel" => Answer::Value(0.05.into()),
///         _ => Answer::Skip,
///     });
/// # Ok::<(), opentrain::Error>(())
/// ```
pub trait IntoAnswerer<Marker> {
    /// The answerer the loop runs.
    type Answerer: Answerer;

    /// `self` as that answerer.
    fn into_answerer(self) -> Self::Answerer;
}

/// The [`IntoAnswerer`] marker of everything that already is an [`Answerer`].
#[derive(Debug)]
pub enum AnAnswerer {}

/// The [`IntoAnswerer`] marker of a plain closure `|field: &MissingField| -> Answer`.
#[derive(Debug)]
pub enum AFunction {}

impl<A: Answerer> IntoAnswerer<AnAnswerer> for A {
    type Answerer = A;

    fn into_answerer(self) -> A {
        self
    }
}

impl<F> IntoAnswerer<AFunction> for F
where
    F: FnMut(&MissingField) -> Answer,
{
    type Answerer = FnAnswerer<F>;

    fn into_answerer(self) -> FnAnswerer<F> {
        FnAnswerer(self)
    }
}

/// A plain closure `|field: &MissingField| -> Answer` as an [`Answerer`]: the closure runs when
/// the loop asks, and its answer is ready at once.
#[derive(Clone, Copy)]
pub struct FnAnswerer<F>(pub F);

impl<F> std::fmt::Debug for FnAnswerer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FnAnswerer")
            .field(&std::any::type_name::<F>())
            .finish()
    }
}

impl<F> Answerer for FnAnswerer<F>
where
    F: FnMut(&MissingField) -> Answer,
{
    fn answer(&mut self, field: &MissingField) -> impl Future<Output = Answer> {
        std::future::ready((self.0)(field))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::MissingFieldDetail;

    fn field(name: &str) -> MissingField {
        let detail = MissingFieldDetail::builder()
            .field(Some(name.to_owned()))
            .update_keys(vec![name.to_owned()]);
        MissingField::new(detail.try_into().expect("a complete MissingFieldDetail"))
    }

    async fn ask<M>(answerer: impl IntoAnswerer<M>, names: &[&str]) -> Vec<Answer> {
        let mut answerer = answerer.into_answerer();
        let mut answers = Vec::new();
        for name in names {
            answers.push(answerer.answer(&field(name)).await);
        }
        answers
    }

    #[tokio::test]
    async fn a_plain_closure_answers_each_field_and_keeps_its_state() {
        let mut asked = Vec::new();
        let answers = ask(
            |field: &MissingField| {
                asked.push(field.field().to_owned());
                if field.field() == "headcount" {
                    Answer::Value(5.into())
                } else {
                    Answer::Skip
                }
            },
            &["headcount", "experienceLevel"],
        )
        .await;
        assert_eq!(answers, [Answer::Value(5.into()), Answer::Skip]);
        assert_eq!(asked, ["headcount", "experienceLevel"]);
    }

    #[tokio::test]
    async fn async_closures_and_ready_made_answerers_still_answer() {
        let from_async = ask(
            async |field: &MissingField| Answer::Value(field.field().into()),
            &["rate"],
        )
        .await;
        assert_eq!(from_async, [Answer::Value("rate".into())]);
        assert_eq!(ask(SkipAll, &["rate"]).await, [Answer::Skip]);
        let from_map = ask(MapAnswerer::new().with("rate", 0.07), &["rate", "other"]).await;
        assert_eq!(from_map, [Answer::Value(0.07.into()), Answer::Skip]);
    }
}
