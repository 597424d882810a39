//! `opentrain tokens create`: a created token is printed once, with a warning to store it. (The
//! other commands of the account's resources, `credits`, `payments`, `team`, `tokens list` and
//! `tokens revoke`, come from the shared table of tools.)

use serde_json::json;

use opentrain::types;

use super::body;
use crate::cli::TokensCommand;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, or_dash};
use crate::{note, out};

/// Runs `opentrain tokens …`.
pub async fn tokens(ctx: &Ctx, command: TokensCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        TokensCommand::Create {
            name,
            scopes,
            expires_at,
        } => {
            let mut fields = json!({ "name": name, "scopes": scopes });
            if let Some(at) = expires_at {
                fields["expiresAt"] = at.into();
            }
            let request: types::CreateTokenRequest = body(fields)?;
            let created = client
                .create_token()
                .body(request)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                note!(
                    "Warning: the response holds the new token; it is shown only once. Store it now."
                );
                return output::sent(ctx, &created);
            }
            let id = created.metadata.as_ref().and_then(|m| m.id.clone());
            out!("Created token {}.", or_dash(id.as_deref()));
            match &created.token {
                Some(token) => {
                    out!("{}", token.expose());
                    note!(
                        "Warning: this is the only time the token is shown. Store it now \
                         (e.g. `opentrain auth login --api-key <token>`)."
                    );
                }
                None => out!("The response carried no token value."),
            }
            Ok(())
        }
    }
}
