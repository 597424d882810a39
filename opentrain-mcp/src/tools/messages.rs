//! Messages: reading conversation summaries or one conversation, sending a message into an
//! existing conversation, and opening the pre-hire thread of a proposal.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, count, json_of, limit, next_page, page_summary};
use crate::results::{Outcome, ToolOutput};

catalog! {
    "opentrain_read_messages" => read_messages(ReadMessages), Read, READ_MESSAGES;
}

const READ_MESSAGES: &str = "Read the conversations you take part in: omit conversationId to \
list conversation summaries (filter, unreadOnly), or give it to read that conversation's messages \
(direction). Never creates conversations or sends messages. Requires: messages:read. Next: \
opentrain_send_message to reply. Wraps GET /messages.";

/// Message pagination direction.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars", inline)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Direction {
    Older,
    Newer,
}

/// Conversation summary filter.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars", inline)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Filter {
    All,
    Job,
    Proposal,
}

/// Parameters of `opentrain_read_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ReadMessages {
    /// Conversation to read; omit to list summaries
    conversation_id: Option<String>,
    /// Pagination cursor
    cursor: Option<String>,
    /// Max records, 1–100
    limit: Option<super::PageLimit<100>>,
    /// Message pagination direction (with conversationId)
    direction: Option<Direction>,
    /// Summary filter (without conversationId)
    filter: Option<Filter>,
    /// Only conversations with unread messages (without conversationId)
    unread_only: Option<bool>,
}

async fn read_messages(ctx: &Ctx, params: ReadMessages) -> Outcome {
    let limit = limit(params.limit);
    let client = ctx.session.client()?;
    let mut request = client.list_messages();
    let conversation = params.conversation_id.filter(|c| !c.trim().is_empty());
    if let Some(conversation) = &conversation {
        request = request.conversation_id(conversation.trim());
    }
    if let Some(cursor) = params.cursor.filter(|c| !c.is_empty()) {
        request = request.cursor(cursor);
    }
    if let Some(limit) = limit {
        request = request.limit(limit);
    }
    if let Some(direction) = params.direction {
        request = request.direction(match direction {
            Direction::Older => types::MessageDirection::Older,
            Direction::Newer => types::MessageDirection::Newer,
        });
    }
    if let Some(filter) = params.filter {
        request = request.filter(match filter {
            Filter::All => types::ConversationFilter::All,
            Filter::Job => types::ConversationFilter::Job,
            Filter::Proposal => types::ConversationFilter::Proposal,
        });
    }
    if let Some(unread) = params.unread_only {
        request = request.unread_only(unread);
    }
    let page = request.send().await?.into_inner();
    let value = json_of(&page);
    let summary = match &conversation {
        Some(id) => format!(
            "Conversation {id}: {} message(s) in structuredContent.{}",
            count(&value, "messages").max(count(&value, "conversations")),
            next_page(&value)
        ),
        None => page_summary(
            &value,
            "conversation(s)",
            "conversations",
            &["/id", "/type", "/channelName", "/unreadCount"],
        ),
    };
    ToolOutput::sent(&client, summary, &page)
}
