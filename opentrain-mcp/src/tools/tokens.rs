//! Tokens: listing the account's API tokens (masked) and revoking one.

use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, NoParams, count, id, json_of, list_lines};
use crate::results::{Outcome, ToolOutput};

catalog! {
    "opentrain_list_tokens" => list_tokens(NoParams), Read, LIST_TOKENS;
    "opentrain_revoke_token" => revoke_token(TokenId), Destructive, REVOKE_TOKEN;
}

const LIST_TOKENS: &str = "List the account's API tokens with masked previews, scopes, status \
and last-used times; secrets are never shown. Requires: any valid token (token management needs \
no specific scope or feature). Wraps GET /tokens.";

const REVOKE_TOKEN: &str = "Revoke an API token by id. Irreversible: the token stops working \
immediately (revoking the token this server uses ends its access). Wraps DELETE \
/tokens/{tokenId}.";

/// Parameters of `opentrain_revoke_token`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenId {
    /// Id of the token to revoke
    token_id: String,
}

async fn list_tokens(ctx: &Ctx, _params: NoParams) -> Outcome {
    let client = ctx.session.client()?;
    let list = client.list_tokens().send().await?.into_inner();
    let value = json_of(&list);
    let summary = format!(
        "{} token(s):{}",
        count(&value, "tokens"),
        list_lines(&value, "tokens", &["/id", "/label", "/status", "/preview"])
    );
    ToolOutput::sent(&client, summary, &list)
}

async fn revoke_token(ctx: &Ctx, params: TokenId) -> Outcome {
    let token_id = id(&params.token_id, "tokenId")?;
    let client = ctx.session.client()?;
    let revoked = client
        .revoke_token()
        .token_id(token_id)
        .send()
        .await?
        .into_inner();
    ToolOutput::sent(
        &client,
        format!("Revoked token {token_id}; it no longer authenticates."),
        &revoked,
    )
}
