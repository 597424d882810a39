//! `opentrain jobs …`: drafts (create, update with typed `--set`), publish, the interactive
//! `post` loop and `update` with typed `--set` (list, search, get, close and invite come from
//! the shared table of tools).

use std::io::{BufRead, IsTerminal, Write};

use opentrain::Client;
use opentrain::drafting::{Draft, DraftInput, Published, TerminalAnswerer};

use crate::cli::{DescriptionSource, DraftCommand, JobsCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, or_dash};
use crate::set::{Assignment, FieldHints, build_patch};
use crate::{note, out};

/// Runs `opentrain jobs …`.
pub async fn run(ctx: &Ctx, command: JobsCommand) -> Result<(), CliError> {
    match command {
        JobsCommand::Draft(DraftCommand::Create {
            source,
            external_id,
            idempotency_key,
        }) => {
            let input = draft_input(&source, external_id, idempotency_key)?;
            let client = ctx.authed()?;
            let created = client
                .create_job_draft()
                .body(input.to_request()?)
                .send()
                .await?;
            print_draft(ctx, &Draft::from(created.into_inner()), "created")
        }
        JobsCommand::Draft(DraftCommand::Update { job_id, set }) => {
            let client = ctx.authed()?;
            let capabilities = client.get_capabilities().send().await?.into_inner();
            let hints = FieldHints::from_capabilities(&capabilities);
            let patch = build_patch(&set, &hints)?;
            let updated = client
                .update_job_draft()
                .job_id(&job_id)
                .body(patch)
                .send()
                .await?;
            print_draft(ctx, &Draft::from(updated.into_inner()), "updated")
        }
        JobsCommand::Post {
            source,
            external_id,
            idempotency_key,
            yes,
            max_rounds,
        } => {
            let input = draft_input(&source, external_id, idempotency_key)?;
            post(ctx, input, yes, max_rounds).await
        }
        JobsCommand::Update { job_id, set } => update_published(ctx, &job_id, &set).await,
    }
}

/// The description from `--description` or `--description-file` (`-`: stdin).
fn read_description(source: &DescriptionSource) -> Result<String, CliError> {
    let text = match (&source.description, &source.description_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => crate::input::read_text(path, "--description-file")?,
        (None, None) => {
            return Err(CliError::usage(
                "give the job with --description or --description-file",
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(CliError::usage("the job description is empty"));
    }
    Ok(text)
}

fn draft_input(
    source: &DescriptionSource,
    external_id: Option<String>,
    idempotency_key: Option<String>,
) -> Result<DraftInput, CliError> {
    let mut input = DraftInput::text(read_description(source)?);
    if let Some(id) = external_id {
        input = input.external_id(id);
    }
    if let Some(key) = idempotency_key {
        input = input.idempotency_key(key);
    }
    Ok(input)
}

fn print_draft(ctx: &Ctx, draft: &Draft, verb: &str) -> Result<(), CliError> {
    if ctx.json {
        return output::sent(ctx, draft.envelope());
    }
    out!(
        "Draft {} {verb} (status {}).",
        draft.job_id(),
        or_dash(draft.status())
    );
    describe_draft(draft);
    if draft.publish_ready() {
        out!("Next: opentrain jobs publish {}", draft.job_id());
    } else {
        out!(
            "Next: opentrain jobs draft update --job-id {} --set <field>=<value> …",
            draft.job_id()
        );
    }
    Ok(())
}

fn describe_draft(draft: &Draft) {
    if draft.publish_ready() {
        out!("Publish-ready: yes");
    } else {
        out!(
            "Publish-ready: no, {} field(s) missing:",
            draft.missing_fields().len()
        );
        for field in draft.missing_fields() {
            let choices = field.enum_values();
            let listed = choices
                .iter()
                .all(|c| field.question().contains(c.as_str()));
            let kind = if !choices.is_empty() && !listed {
                format!(" (one of {})", choices.join(", "))
            } else {
                field
                    .field_type()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            };
            out!("  {}{kind}: {}", field.field(), field.question());
        }
    }
    for warning in draft.warnings() {
        out!("Warning: {warning}");
    }
    if let Some(url) = draft.review_url().or(draft.draft_url()) {
        out!("Review: {url}");
    }
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
async fn post(ctx: &Ctx, input: DraftInput, yes: bool, max_rounds: u32) -> Result<(), CliError> {
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
        describe_draft(&draft);
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

async fn update_published(ctx: &Ctx, job_id: &str, set: &[Assignment]) -> Result<(), CliError> {
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
    let patch = build_patch(set, &hints)?;
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
    out!(
        "Updated job {} (status {}).",
        result.job_id,
        or_dash(result.status.as_ref())
    );
    Ok(())
}
