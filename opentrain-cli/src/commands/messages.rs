//! `opentrain messages read`: conversations, or one conversation's messages (send and
//! start-conversation come from the shared table of tools).

use futures::TryStreamExt;

use opentrain::paging::{MessagePages, Paginate};
use opentrain::types;

use super::{list, page_size};
use crate::cli::{MessagesCommand, Paging};
use crate::context::Ctx;
use crate::error::CliError;
use crate::out;
use crate::output::{self, columns};

/// Runs `opentrain messages …`.
pub async fn run(ctx: &Ctx, command: MessagesCommand) -> Result<(), CliError> {
    match command {
        MessagesCommand::Read {
            conversation_id: Some(id),
            direction,
            paging,
            ..
        } => read_messages(ctx, id, direction, &paging).await,
        MessagesCommand::Read {
            conversation_id: None,
            filter,
            unread_only,
            paging,
            ..
        } => {
            let client = ctx.authed()?;
            let mut call = client.list_messages();
            if let Some(f) = filter {
                call = call.filter(types::ConversationFilter::from(f.as_str()));
            }
            if unread_only {
                call = call.unread_only(true);
            }
            let first = call.clone();
            list(
                ctx,
                &paging,
                |limit, cursor| async move {
                    let mut call = first;
                    if let Some(l) = limit {
                        call = call.limit(page_size(l));
                    }
                    if let Some(cursor) = cursor {
                        call = call.cursor(cursor);
                    }
                    Ok(call.send().await?.into_inner())
                },
                |page: &types::MessagesPage| {
                    (
                        page.conversations.iter().collect(),
                        page.next_cursor.as_deref(),
                    )
                },
                |limit| match limit {
                    Some(l) => call.limit(page_size(l)).paginate(),
                    None => call.paginate(),
                },
                |c: &types::ConversationSummary| {
                    columns(c, &["/id", "/type", "/unreadCount", "/lastMessage/content"])
                },
            )
            .await
        }
    }
}

/// One conversation's messages. The API's message-mode array key is not documented, so the
/// facade's paginator reads it; `--json` of one page prints the response as received.
async fn read_messages(
    ctx: &Ctx,
    id: String,
    direction: Option<String>,
    paging: &Paging,
) -> Result<(), CliError> {
    let client = ctx.authed()?;
    let direction = direction.map(|d| types::MessageDirection::from(d.as_str()));
    if ctx.json && !paging.all {
        let mut call = client.list_messages().conversation_id(&id);
        if let Some(l) = paging.limit {
            call = call.limit(page_size(l));
        }
        if let Some(cursor) = &paging.cursor {
            call = call.cursor(cursor);
        }
        if let Some(d) = direction {
            call = call.direction(d);
        }
        return output::sent(ctx, &call.send().await?.into_inner());
    }
    let mut call = client.list_messages().conversation_id(&id);
    if let Some(d) = direction {
        call = call.direction(d);
    }
    if let Some(l) = paging.limit {
        call = call.limit(page_size(l));
    }
    let mut pages = call.messages();
    if let Some(cursor) = &paging.cursor {
        pages = pages.start_at(cursor.clone());
    }
    let mut stream = pages.pages();
    let mut all = Vec::new();
    while let Some(page) = stream.try_next().await? {
        let next = page.next_cursor.clone();
        if ctx.json {
            all.extend(page.items);
        } else {
            for m in &page.items {
                let who = if m.is_from_viewer == Some(true) {
                    "you"
                } else {
                    "them"
                };
                out!(
                    "{}  {who}: {}",
                    columns(m, &["/createdAt"]),
                    m.content.as_deref().unwrap_or("")
                );
            }
        }
        if !paging.all {
            if let Some(next) = next {
                out!(
                    "next cursor: {next}  (--cursor {next} for the next page, --all for every page)"
                );
            }
            break;
        }
    }
    if ctx.json {
        return output::json(&all);
    }
    Ok(())
}
