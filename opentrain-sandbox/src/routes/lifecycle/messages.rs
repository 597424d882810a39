//! Messaging: `GET /messages` (list mode: conversation summaries; message mode with
//! `conversationId`: the thread's messages under `messages`, paged `older` or `newer`) and
//! `POST /messages`. Unread model (the docs define no read receipts): a trainer's message is
//! unread, and needs a reply, until the employer writes after it in the thread.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    ConversationFilter, ConversationLastMessage, ConversationSummary, ErrorReason, Message,
    MessageDirection, MessagesPage, Scope, SentMessage,
};
use serde_json::{Value, json};

use super::{Conversation, Market, Msg};
use crate::Feature;
use crate::app::App;
use crate::errors::ApiError;
use crate::routes::{Params, limit, object, ok, page, params, with_status};

/// The longest message accepted (documented).
const MAX_CONTENT_CHARS: usize = 10_000;

/// The array key of message mode. The stored docs do not name it; `messages` is the sandbox's
/// choice (the generated `MessagesPage` keeps it as an extra property).
pub(crate) const MESSAGES_KEY: &str = "messages";

/// A 400 with one zod-like issue on `field`.
fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::issues(
        format!("Invalid query parameter {field}: {message}"),
        vec![json!({ "code": "invalid_enum_value", "path": [field], "message": message })],
    )
    .with(|d| d.field = Some(field.to_owned()))
}

/// The zod-like message of an enum refusal, e.g. `Expected 'older' | 'newer'`, from the
/// documented values of the generated enum.
fn expected(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    format!("Expected {}", quoted.join(" | "))
}

/// Whether a trainer's message still waits for the employer: no employer message follows it
/// in its thread (messages are stored in sending order, so order decides, not timestamps that
/// may tie).
fn unread(market: &Market, m: &Msg) -> bool {
    if m.from_employer {
        return false;
    }
    market
        .messages
        .iter()
        .skip_while(|other| other.id != m.id)
        .skip(1)
        .all(|later| later.conversation_id != m.conversation_id || !later.from_employer)
}

/// The wire form of a message.
pub(crate) fn message_view(
    market: &Market,
    conversation: &Conversation,
    m: &Msg,
) -> Result<Message, ConversionError> {
    Message::try_from(
        Message::builder()
            .attachment_count(Some(0))
            .content(Some(m.content.clone()))
            .conversation_id(Some(m.conversation_id.clone()))
            .created_at(Some(m.created_at))
            .has_audio(Some(false))
            .has_unread_flag(Some(unread(market, m)))
            .id(m.id.clone())
            .is_from_viewer(Some(m.from_employer))
            .job_id((conversation.bucket == "job").then(|| conversation.job_id.clone()))
            .reaction_count(Some(0))
            .sender_user_id(Some(m.sender_user_id.clone()))
            .system(Some(false))
            .updated_at(Some(m.created_at)),
    )
}

/// A conversation summary.
fn summary(market: &Market, c: &Conversation) -> Result<ConversationSummary, ConversionError> {
    let thread: Vec<&Msg> = market
        .messages
        .iter()
        .filter(|m| m.conversation_id == c.id)
        .collect();
    let waiting = thread.iter().filter(|m| unread(market, m)).count() as i64;
    let last_message = thread
        .last()
        .map(|m| {
            ConversationLastMessage::try_from(
                ConversationLastMessage::builder()
                    .content(Some(m.content.clone()))
                    .created_at(Some(m.created_at))
                    .id(Some(m.id.clone()))
                    .is_from_viewer(Some(m.from_employer))
                    .sender_user_id(Some(m.sender_user_id.clone())),
            )
        })
        .transpose()?;
    ConversationSummary::try_from(
        ConversationSummary::builder()
            .bucket(Some(c.bucket.to_owned()))
            .id(c.id.clone())
            .job_id((c.bucket == "job").then(|| c.job_id.clone()))
            .last_message(last_message)
            .needs_reply_count(Some(waiting))
            .proposal_id(c.proposal_id.clone())
            .type_(Some("DIRECT_MESSAGE".to_owned()))
            .unread_count(Some(waiting))
            .updated_at(Some(c.updated_at)),
    )
}

/// The conversation `id` of `account_id`: 404 when unknown, 403 when not a participant.
fn my_conversation<'a>(
    market: &'a Market,
    id: &str,
    account_id: &str,
) -> Result<&'a Conversation, ApiError> {
    let c = market
        .conversations
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::not_found("conversations", "No such conversation."))?;
    if c.account_id != account_id {
        return Err(ApiError::forbidden(
            "You are not a participant in this conversation.",
        ));
    }
    Ok(c)
}

/// `GET /messages`.
pub(crate) async fn list(
    State(app): State<App>,
    headers: HeaderMap,
    query: Params,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    let (st, p, _) = app.signed_in(&headers)?;
    p.require(Scope::MessagesRead)?;
    let limit = limit(&params, 20, 100)?;
    let cursor = params.get("cursor").map(String::as_str);
    let market = &st.market;
    if let Some(conversation_id) = params.get("conversationId").filter(|c| !c.is_empty()) {
        let newer = match params.get("direction").map(MessageDirection::from) {
            None | Some(MessageDirection::Older) => false,
            Some(MessageDirection::Newer) => true,
            Some(_) => {
                return Err(invalid(
                    "direction",
                    &expected(MessageDirection::DOCUMENTED),
                ));
            }
        };
        let c = my_conversation(market, conversation_id, &p.account_id)?;
        let mut thread: Vec<&Msg> = market
            .messages
            .iter()
            .filter(|m| m.conversation_id == c.id)
            .collect();
        if !newer {
            thread.reverse();
        }
        let items = thread
            .into_iter()
            .map(|m| Ok((m.id.clone(), message_view(market, c, m)?)))
            .collect::<Result<_, ConversionError>>()?;
        let (messages, next_cursor) = page(items, cursor, limit)?;
        let mut extra = serde_json::Map::new();
        extra.insert(
            MESSAGES_KEY.to_owned(),
            serde_json::to_value(messages)
                .map_err(|e| ApiError::internal(format!("could not encode messages: {e}")))?,
        );
        return ok(&MessagesPage::try_from(
            MessagesPage::builder()
                .conversations(Vec::new())
                .next_cursor(next_cursor)
                .extra(extra),
        )?);
    }
    let bucket = match params.get("filter").map(ConversationFilter::from) {
        None | Some(ConversationFilter::All) => None,
        Some(ConversationFilter::Job) => Some("job"),
        Some(ConversationFilter::Proposal) => Some("proposal"),
        Some(_) => return Err(invalid("filter", &expected(ConversationFilter::DOCUMENTED))),
    };
    let unread_only = match params.get("unreadOnly").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(invalid("unreadOnly", "Expected true, false, 1 or 0")),
    };
    let mut mine: Vec<&Conversation> = market
        .conversations
        .iter()
        .filter(|c| c.account_id == p.account_id)
        .filter(|c| bucket.is_none_or(|b| c.bucket == b))
        .collect();
    mine.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    let items: Vec<(String, ConversationSummary)> = mine
        .into_iter()
        .map(|c| Ok((c.id.clone(), summary(market, c)?)))
        .collect::<Result<Vec<_>, ConversionError>>()?
        .into_iter()
        .filter(|(_, s)| !unread_only || s.unread_count.unwrap_or_default() > 0)
        .collect();
    let (conversations, next_cursor) = page(items, cursor, limit)?;
    ok(&MessagesPage::try_from(
        MessagesPage::builder()
            .conversations(conversations)
            .next_cursor(next_cursor)
            .extra(serde_json::Map::new()),
    )?)
}

/// Whether `content` carries an email address (off-platform contact details break the
/// messaging policy).
fn has_email(content: &str) -> bool {
    content.split_whitespace().any(|word| {
        word.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.trim_end_matches(['.', ',']).contains('.')
        })
    })
}

/// `POST /messages`: 201 with the sent message. Content with an email address is blocked
/// (403 `message_policy_blocked`, `details.policy: "contact_details"`).
pub(crate) async fn send(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::MessagesWrite)?;
    st.require_feature(Feature::MessagingWrites)?;
    p.require_claimed("send messages")?;
    let body = object(&body, false)?;
    // Any string is an ID (the docs state no format); one that names nothing is a 404 below.
    let conversation_id = match body.get("conversationId") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(ApiError::issues(
                "conversationId is required.",
                vec![json!({"code": "invalid_type", "expected": "string", "path": ["conversationId"], "message": "Required"})],
            )
            .with(|d| d.field = Some("conversationId".to_owned())));
        }
    };
    let content = match body.get("content") {
        // "plain text, 1–10,000 characters": counted as sent, blanks included.
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= MAX_CONTENT_CHARS => {
            s.clone()
        }
        _ => {
            return Err(ApiError::issues(
                "content must be plain text of 1 to 10,000 characters.",
                vec![json!({"code": "too_small", "path": ["content"], "message": "content must be 1-10000 characters"})],
            )
            .with(|d| d.field = Some("content".to_owned())));
        }
    };
    let conversation = my_conversation(&st.market, &conversation_id, &p.account_id)?.clone();
    if has_email(&content) {
        return Err(ApiError::forbidden(
            "Sharing personal contact details is against the messaging policy.",
        )
        .with(|d| {
            d.reason = Some(ErrorReason::MessagePolicyBlocked);
            d.policy = Some(Value::String("contact_details".to_owned()));
        }));
    }
    let sender = st
        .account(&p.account_id)
        .map(|a| a.user_id.clone())
        .unwrap_or_default();
    let id = st.next_id("msg");
    let msg = Msg {
        id,
        conversation_id: conversation_id.clone(),
        sender_user_id: sender,
        from_employer: true,
        content,
        created_at: now,
    };
    st.market.messages.push(msg.clone());
    if let Some(c) = st
        .market
        .conversations
        .iter_mut()
        .find(|c| c.id == conversation_id)
    {
        c.updated_at = now;
    }
    let view = message_view(&st.market, &conversation, &msg)?;
    with_status(
        StatusCode::CREATED,
        &SentMessage::try_from(SentMessage::builder().message(view).ok(true))?,
    )
}

#[cfg(test)]
mod tests {
    use opentrain_gen::types::{ConversationFilter, MessageDirection};

    use super::expected;

    #[test]
    fn enum_refusals_quote_the_generated_values_as_zod_does() {
        assert_eq!(
            expected(MessageDirection::DOCUMENTED),
            "Expected 'older' | 'newer'"
        );
        assert_eq!(
            expected(ConversationFilter::DOCUMENTED),
            "Expected 'all' | 'job' | 'proposal'"
        );
    }
}
