//! The command's part of the jobs in the table: the interactive `jobs post` loop, and the
//! body of `jobs update` and `jobs draft update`, typed from `--set` (every other jobs command
//! is a plain table command).

use std::io::{BufRead, IsTerminal, Write};

use opentrain::Client;
use opentrain::drafting::{Draft, DraftInput, Published, TerminalAnswerer};
use opentrain_tools::workflow;
use serde_json::{Map, Value};

use super::workflows::{switch, whole};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::set::{Assignment, FieldHints, build_patch};
use crate::{note, out};

/// The `--set` assignments the check passed on, as written.
fn assignments(arguments: &Map<String, Value>) -> Vec<Assignment> {
    arguments
        .get("patch")
        .and_then(Value::as_object)
        .map(|fields| {
            fields
                .iter()
                .map(|(key, raw)| Assignment {
                    key: key.clone(),
                    raw: raw.as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn print_published(ctx: &Ctx, published: &Published) -> Result<(), CliError> {
    if ctx.json {
        return output::sent(ctx, &published.response);
    }
    let typed = serde_json::to_value(&published.response).unwrap_or_default();
    for line in opentrain_tools::published(&typed, opentrain_tools::Surface::Command) {
        out!("{line}");
    }
    Ok(())
}

/// `jobs post`: the drafting loop with a person answering at the terminal, then publishing
/// once they confirm (or at once with `--yes`).
pub async fn post(ctx: &Ctx, arguments: &Map<String, Value>) -> Result<(), CliError> {
    let input = workflow::draft_input(arguments).map_err(|refusal| CliError::usage(refusal.0))?;
    let yes = switch(arguments, "yes");
    // `--max-rounds` has its default on the command line; the check kept it positive.
    let max_rounds = whole(arguments, "maxRounds")
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(u32::MAX);
    let client = ctx.authed()?;
    let draft = if ctx.json {
        // Questions go to stderr so that stdout stays JSON.
        let answerer = TerminalAnswerer::new(std::io::stdin().lock(), std::io::stderr());
        draft_loop(&client, input, answerer, max_rounds).await?
    } else {
        let answerer = TerminalAnswerer::stdio();
        draft_loop(&client, input, answerer, max_rounds).await?
    };
    if !ctx.json {
        out!("Draft {} is publish-ready.", draft.job_id());
        for line in workflow::draft_state(&draft) {
            out!("{line}");
        }
    }
    if !yes && !confirm(&format!("Publish job {} now? [y/N] ", draft.job_id()))? {
        if ctx.json {
            return output::json(draft.envelope());
        }
        out!(
            "Not published. Later: opentrain jobs publish {}",
            draft.job_id()
        );
        return Ok(());
    }
    let answer = client.publish_job().id(draft.job_id()).send().await?;
    let mut published = Published::from(answer.into_inner());
    published.draft = Some(draft);
    print_published(ctx, &published)
}

async fn draft_loop<R: BufRead, W: Write>(
    client: &Client,
    input: DraftInput,
    answerer: TerminalAnswerer<R, W>,
    max_rounds: u32,
) -> Result<Draft, CliError> {
    Ok(client
        .post_job(input)
        .answer_with(answerer)
        .max_rounds(max_rounds)
        .draft()
        .await?)
}

/// Asks a yes/no question on stderr and reads the answer from stdin (no answer: no).
fn confirm(question: &str) -> Result<bool, CliError> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::Io {
            what: "cannot read the answer".into(),
            source: e,
        })?;
    if !std::io::stdin().is_terminal() {
        let _ = writeln!(err);
    }
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// The body of `jobs update` and `jobs draft update`: the `--set` assignments typed by the
/// capabilities' field catalog (its patchable keys and enums), then by the spec's patch body;
/// without the drafting feature's catalog, by the spec's patch body alone.
pub async fn patch_body(
    client: &opentrain::Client,
    arguments: &Map<String, Value>,
) -> Result<Value, CliError> {
    let hints = match client.get_capabilities().send().await {
        Ok(caps) => FieldHints::from_capabilities(&caps),
        Err(e) => {
            let e = opentrain::Error::from(e);
            note!("Note: the field catalog is unavailable ({e}); typing values from the spec.");
            FieldHints::default()
        }
    };
    let patch = build_patch(&assignments(arguments), &hints)?;
    serde_json::to_value(patch)
        .map_err(|e| CliError::usage(format!("the patch cannot be written: {e}")))
}
