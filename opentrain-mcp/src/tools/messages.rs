//! Messages: reading conversation summaries or one conversation, sending a message into an
//! existing conversation, and opening the pre-hire thread of a proposal.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, count, id, json_of, limit, next_page, page_summary, text_at};
use crate::results::{Outcome, ToolFailure, ToolOutput};

catalog! {
    "opentrain_read_messages" => read_messages(ReadMessages), Read, READ_MESSAGES;
    "opentrain_send_message" => send_message(SendMessage), Write, SEND_MESSAGE;
    "opentrain_start_proposal_conversation" => start_proposal_conversation(ProposalId), Idempotent, START_PROPOSAL_CONVERSATION;
}

const READ_MESSAGES: &str = "Read the conversations you take part in: omit conversationId to \
list conversation summaries (filter, unreadOnly), or give it to read that conversation's messages \
(direction). Never creates conversations or sends messages. Requires: messages:read. Next: \
opentrain_send_message to reply. Wraps GET /messages.";

const SEND_MESSAGE: &str = "Send a plain-text message (1 to 10,000 characters) into an existing \
conversation you take part in, with the same membership, rate-limit and content-policy checks as \
the app. Never creates conversations: they come from proposals \
(opentrain_start_proposal_conversation), invites and hires. Requires: messages:write, the \
public_api_messaging_writes feature and a claimed account. Wraps POST /messages.";

const START_PROPOSAL_CONVERSATION: &str = "Start (or fetch) the pre-hire direct-message thread of \
a proposal so you can message the candidate before hiring. Idempotent get-or-create; returns the \
conversationId to use with opentrain_send_message. Employer side only. Requires: messages:write, \
the public_api_messaging_writes feature and a claimed account. Wraps POST \
/proposals/{proposalId}/conversation.";

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

/// Parameters of `opentrain_send_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SendMessage {
    /// Existing conversation id
    conversation_id: String,
    /// Plain-text message (max 10,000 chars)
    #[schemars(length(min = 1, max = 10000))]
    content: String,
}

/// Parameters of `opentrain_start_proposal_conversation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ProposalId {
    /// Proposal to open the pre-hire thread for
    proposal_id: String,
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

async fn send_message(ctx: &Ctx, params: SendMessage) -> Outcome {
    let conversation_id = id(&params.conversation_id, "conversationId")?;
    let length = params.content.chars().count();
    if params.content.trim().is_empty() || length > 10_000 {
        return Err(ToolFailure::argument(format!(
            "content must be 1 to 10,000 characters of text (got {length})"
        )));
    }
    let request: types::SendMessageRequest = super::built(
        types::SendMessageRequest::builder()
            .conversation_id(conversation_id)
            .content(params.content),
        "message",
    )?;
    let client = ctx.session.client()?;
    let sent = client
        .send_message()
        .body(request)
        .send()
        .await?
        .into_inner();
    let value = json_of(&sent);
    let summary = match text_at(&value, "/message/id") {
        Some(id) => format!("Sent message {id} to conversation {conversation_id}."),
        None => format!("Sent the message to conversation {conversation_id}."),
    };
    ToolOutput::sent(&client, summary, &sent)
}

async fn start_proposal_conversation(ctx: &Ctx, params: ProposalId) -> Outcome {
    let proposal_id = id(&params.proposal_id, "proposalId")?;
    let client = ctx.session.client()?;
    let conversation = client
        .start_conversation()
        .proposal_id(proposal_id)
        .send()
        .await?
        .into_inner();
    let value = json_of(&conversation);
    let id = text_at(&value, "/conversationId").unwrap_or("(not stated)");
    let created = value.get("created").and_then(|c| c.as_bool()) == Some(true);
    let summary = format!(
        "{} conversation {id} for proposal {proposal_id}. Next: opentrain_send_message with this \
         conversationId.",
        if created {
            "Started"
        } else {
            "Found the existing"
        }
    );
    ToolOutput::sent(&client, summary, &conversation)
}
