//! The answerer for a person at a terminal: [`TerminalAnswerer`] shows each field's question,
//! choices, hint and example, and reads one typed line per answer (a choice by number or value
//! for enums, a number for `number` fields, the text otherwise).

use std::io::{BufRead, Write};

use serde_json::Value;

use super::{Answer, Answerer, MissingField};

/// Asks a person: prints each field's question, its choices, hint and example to `output`
/// and reads one line of `input` per answer.
///
/// A blank line skips the field; end of input (or a read/write failure, kept in
/// [`TerminalAnswerer::last_error`]) aborts. Enum choices are answered by number or by value
/// (case-insensitive); `number` fields must parse as a number. Anything else is asked again.
/// Reads block the calling thread, which suits an interactive program.
///
/// ```no_run
/// # async fn demo(client: opentrain::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let draft = client
///     .post_job("We need 3 AI trainers to label 10,000 product images.")
///     .answer_with(opentrain::drafting::TerminalAnswerer::stdio())
///     .draft()
///     .await?;
/// println!("ready: {}", draft.draft_url().unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TerminalAnswerer<R, W> {
    input: R,
    output: W,
    last_error: Option<std::io::Error>,
}

impl TerminalAnswerer<std::io::StdinLock<'static>, std::io::Stdout> {
    /// Asks on standard input and output.
    pub fn stdio() -> Self {
        Self::new(std::io::stdin().lock(), std::io::stdout())
    }
}

impl<R: BufRead, W: Write> TerminalAnswerer<R, W> {
    /// Asks on `output`, reads answers from `input`.
    pub fn new(input: R, output: W) -> Self {
        Self {
            input,
            output,
            last_error: None,
        }
    }

    /// The I/O error that made the last answer an abort, if that is why it aborted.
    pub fn last_error(&self) -> Option<&std::io::Error> {
        self.last_error.as_ref()
    }

    /// The reader and writer back.
    pub fn into_inner(self) -> (R, W) {
        (self.input, self.output)
    }

    fn show(&mut self, field: &MissingField) -> std::io::Result<()> {
        let out = &mut self.output;
        match field.label() {
            Some(label) => writeln!(out, "{label} ({})", field.field())?,
            None => writeln!(out, "{}", field.field())?,
        }
        writeln!(out, "{}", field.question())?;
        for (i, value) in field.enum_values().iter().enumerate() {
            writeln!(out, "  {}) {value}", i + 1)?;
        }
        if let Some(hint) = field.hint() {
            writeln!(out, "  hint: {hint}")?;
        }
        if let Some(example) = field.example() {
            writeln!(out, "  e.g. {example}")?;
        }
        Ok(())
    }

    /// One line, without its line ending; `None` at end of input.
    fn read_line(&mut self) -> std::io::Result<Option<String>> {
        write!(self.output, "> ")?;
        self.output.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim().to_owned()))
    }

    fn ask(&mut self, field: &MissingField) -> std::io::Result<Answer> {
        self.show(field)?;
        loop {
            let Some(line) = self.read_line()? else {
                writeln!(self.output)?;
                return Ok(Answer::Abort);
            };
            if line.is_empty() {
                return Ok(Answer::Skip);
            }
            match parse_typed(field, &line) {
                Ok(value) => return Ok(Answer::Value(value)),
                Err(problem) => writeln!(self.output, "{problem}; blank line to skip")?,
            }
        }
    }
}

/// Reads one typed line for `field`: a choice (number or value) for enums, a number for
/// `number` fields, the text otherwise.
fn parse_typed(field: &MissingField, line: &str) -> Result<Value, String> {
    let choices = field.enum_values();
    if !choices.is_empty() {
        if let Ok(n) = line.parse::<usize>()
            && let Some(choice) = n.checked_sub(1).and_then(|i| choices.get(i))
        {
            return Ok(Value::String(choice.clone()));
        }
        return choices
            .iter()
            .find(|c| c.eq_ignore_ascii_case(line))
            .map(|c| Value::String(c.clone()))
            .ok_or_else(|| {
                format!(
                    "{line:?} is not one of the choices: enter 1-{} or a listed value",
                    choices.len()
                )
            });
    }
    if field.is_number() {
        let number: f64 = line
            .parse()
            .map_err(|_| format!("{line:?} is not a number"))?;
        if !number.is_finite() {
            return Err(format!("{line:?} is not a finite number"));
        }
        // Whole numbers go out as integers, so integer keys (headcount) accept them.
        if number.fract() == 0.0 && number.abs() < 9.0e15 {
            return Ok(Value::from(number as i64));
        }
        return serde_json::Number::from_f64(number)
            .map(Value::Number)
            .ok_or_else(|| format!("{line:?} is not a number"));
    }
    Ok(Value::String(line.to_owned()))
}

impl<R: BufRead, W: Write> Answerer for TerminalAnswerer<R, W> {
    async fn answer(&mut self, field: &MissingField) -> Answer {
        match self.ask(field) {
            Ok(answer) => answer,
            Err(e) => {
                self.last_error = Some(e);
                Answer::Abort
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::MissingFieldDetail;
    use serde_json::json;

    #[test]
    fn terminal_numbers_parse_to_integers_when_whole() {
        let number = MissingField::new(
            MissingFieldDetail::builder()
                .field(Some("headcount".to_owned()))
                .type_(Some("number".to_owned()))
                .try_into()
                .expect("a complete MissingFieldDetail"),
        );
        assert_eq!(parse_typed(&number, "3"), Ok(json!(3)));
        assert_eq!(parse_typed(&number, "0.05"), Ok(json!(0.05)));
        assert!(parse_typed(&number, "lots").is_err());
        assert!(parse_typed(&number, "inf").is_err());
    }
}
