//! The runs of the table's job workflows: drafts (create, update with typed `--set`), the
//! interactive `post` loop and a live job's `update` with typed `--set` (list, search, get,
//! publish, close and invite are plain table commands).

use std::io::{BufRead, IsTerminal, Write};

use opentrain::Client;
use opentrain::drafting::{Draft, DraftInput, Published, TerminalAnswerer};
use opentrain::types::DraftEnvelope;
use opentrain_tools::{Tool, workflow};
use serde_json::{Map, Value};

use super::workflows::{print_summary, switch, text, whole};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::set::{Assignment, FieldHints, build_patch};
use crate::{note, out};

/// `jobs draft create`: a draft from the description (or its file).
pub async fn create_draft(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let input = workflow::draft_input(arguments).map_err(|refusal| CliError::usage(refusal.0))?;
    let client = ctx.authed()?;
    let created = client
        .create_job_draft()
        .body(input.to_request()?)
        .send()
        .await?;
    print_draft(ctx, tool, &created.into_inner(), arguments)
}

/// `jobs draft update`: the `--set` assignments typed from the capabilities, then the patch.
pub async fn update_draft(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let client = ctx.authed()?;
    let capabilities = client.get_capabilities().send().await?.into_inner();
    let hints = FieldHints::from_capabilities(&capabilities);
    let patch = build_patch(&assignments(arguments), &hints)?;
    let updated = client
        .update_job_draft()
        .job_id(text(arguments, "jobId").unwrap_or_default())
        .body(patch)
        .send()
        .await?;
    print_draft(ctx, tool, &updated.into_inner(), arguments)
}

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

/// A draft's envelope: with `--json` as sent, else the tool's summary.
fn print_draft(
    ctx: &Ctx,
    tool: &Tool,
    envelope: &DraftEnvelope,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    if ctx.json {
        return output::sent(ctx, envelope);
    }
    print_summary(tool, envelope, arguments);
    Ok(())
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

/// `jobs update`: a live job's patch, typed from the capabilities when the drafting feature
/// is on.
pub async fn update_published(
    ctx: &Ctx,
    tool: &Tool,
    arguments: &Map<String, Value>,
) -> Result<(), CliError> {
    let job_id = text(arguments, "jobId").unwrap_or_default();
    let client = ctx.authed()?;
    // The capabilities carry the patchable keys and enums; without the drafting feature the
    // spec's patch body alone types the values.
    let hints = match client.get_capabilities().send().await {
        Ok(caps) => FieldHints::from_capabilities(&caps),
        Err(e) => {
            let e = opentrain::Error::from(e);
            note!("Note: the field catalog is unavailable ({e}); typing values from the spec.");
            FieldHints::default()
        }
    };
    let patch = build_patch(&assignments(arguments), &hints)?;
    let result = client
        .update_job()
        .id(job_id)
        .body(patch)
        .send()
        .await?
        .into_inner();
    if ctx.json {
        return output::sent(ctx, &result);
    }
    print_summary(tool, &result, arguments);
    Ok(())
}
