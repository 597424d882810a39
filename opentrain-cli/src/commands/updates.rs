//! `opentrain updates follow` (`poll` comes from the shared table of tools): follow the event
//! feed as a stream
//! (one line per event, resumable from a cursor file) with a live indicator on a terminal.

use std::time::Duration;

use futures::StreamExt;

use opentrain::updates::{CursorStore, FileCursorStore, MemoryCursorStore};

use crate::cli::UpdatesCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::out;
use crate::output::{self, columns};
use crate::progress::Indicator;

/// The columns of one event in human output.
const EVENT_COLUMNS: [&str; 5] = ["/id", "/createdAt", "/type", "/resourceId", "/jobId"];

/// Runs `opentrain updates …`.
pub async fn run(ctx: &Ctx, command: UpdatesCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        UpdatesCommand::Follow {
            cursor,
            cursor_file,
            max_events,
        } => match (cursor, cursor_file) {
            (_, Some(path)) => follow(ctx, &client, FileCursorStore::new(path), max_events).await,
            (Some(cursor), None) => {
                follow(
                    ctx,
                    &client,
                    MemoryCursorStore::with_cursor(cursor),
                    max_events,
                )
                .await
            }
            (None, None) => follow(ctx, &client, MemoryCursorStore::new(), max_events).await,
        },
    }
}

/// Streams the feed: each event printed, then committed to `store`; the indicator shows how
/// long the follow has run and how many events came.
async fn follow<S: CursorStore>(
    ctx: &Ctx,
    client: &opentrain::Client,
    store: S,
    max_events: Option<u64>,
) -> Result<(), CliError> {
    let indicator = Indicator::new("Following updates (Ctrl-C to stop)", ctx.json);
    let mut stream = std::pin::pin!(client.follow_updates(store));
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let mut seen = 0u64;
    if max_events == Some(0) {
        return Ok(());
    }
    loop {
        tokio::select! {
            next = stream.next() => {
                let Some(item) = next else { break };
                let item = item?;
                indicator.clear();
                if ctx.json {
                    output::json_line(&item.event().raw)?;
                } else {
                    out!("{}", columns(&item.event().raw, &EVENT_COLUMNS));
                }
                item.commit().await?;
                seen += 1;
                if max_events.is_some_and(|max| seen >= max) {
                    break;
                }
                indicator.show(&format!("{seen} event(s)"));
            }
            _ = ticker.tick() => indicator.show(&format!("{seen} event(s)")),
        }
    }
    indicator.clear();
    Ok(())
}
