//! The account's own resources: `opentrain credits …`, `payments pending`, `team …` and
//! `tokens …`. A created token is printed once, with a warning to store it.

use serde_json::json;

use opentrain::paging::Paginate;
use opentrain::types;

use super::{body, list, page_size};
use crate::cli::{CreditsCommand, PaymentsCommand, TeamCommand, TokensCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{self, columns, or_dash, record};
use crate::{note, out};

/// Cents as `$12.34`.
fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", cents / 100, cents % 100)
}

/// Runs `opentrain credits …`.
pub async fn credits(ctx: &Ctx, command: CreditsCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        CreditsCommand::Balance => {
            let overview = client.get_credits().send().await?.into_inner();
            if ctx.json {
                return output::sent(ctx, &overview);
            }
            let c = &overview.credits;
            out!(
                "Available: {}  Reserved: {}  ({})",
                dollars(c.available_cents),
                dollars(c.reserved_cents),
                c.currency.as_deref().unwrap_or("usd")
            );
            Ok(())
        }
        CreditsCommand::Ledger { paging } => {
            let c = client.clone();
            list(
                ctx,
                &paging,
                |limit, cursor| async move {
                    let mut call = c.list_credit_ledger();
                    if let Some(l) = limit {
                        call = call.limit(page_size(l));
                    }
                    if let Some(cursor) = cursor {
                        call = call.cursor(cursor);
                    }
                    Ok(call.send().await?.into_inner())
                },
                |page: &types::CreditLedgerPage| {
                    (page.entries.iter().collect(), page.next_cursor.as_deref())
                },
                |limit| {
                    let mut call = client.list_credit_ledger();
                    if let Some(l) = limit {
                        call = call.limit(page_size(l));
                    }
                    call.paginate()
                },
                |e: &types::CreditLedgerEntry| {
                    format!(
                        "{}  {}",
                        columns(e, &["/id", "/createdAt", "/type"]),
                        dollars(e.amount_cents)
                    )
                },
            )
            .await
        }
        CreditsCommand::TopUp { amount_usd } => {
            let request = types::CreateTopUpRequest::builder().amount_usd(amount_usd);
            let created = client
                .create_top_up()
                .body(request)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &created);
            }
            out!("Top-up {} started.", columns(&created, &["/topUpId"]));
            out!("A person pays at: {}", columns(&created, &["/checkoutUrl"]));
            out!(
                "`opentrain credits top-up-status {}` shows when it completes.",
                columns(&created, &["/topUpId"])
            );
            Ok(())
        }
        CreditsCommand::TopUpStatus { id } => {
            let response = client
                .get_top_up()
                .top_up_id(&id)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &response);
            }
            record(
                &response.top_up,
                &[
                    ("Top-up", "/id"),
                    ("Status", "/status"),
                    ("Amount (cents)", "/amountCents"),
                    ("Created", "/createdAt"),
                    ("Completed", "/completedAt"),
                    ("Expires", "/expiresAt"),
                ],
            );
            Ok(())
        }
    }
}

/// Runs `opentrain payments …`.
pub async fn payments(ctx: &Ctx, command: PaymentsCommand) -> Result<(), CliError> {
    match command {
        PaymentsCommand::Pending => {
            let list = ctx
                .authed()?
                .list_pending_payments()
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &list);
            }
            if list.payments.is_empty() {
                out!("(none)");
            }
            for p in &list.payments {
                out!(
                    "{}",
                    columns(
                        p,
                        &[
                            "/id",
                            "/status",
                            "/amountUsd",
                            "/job/title",
                            "/milestone/name"
                        ]
                    )
                );
            }
            Ok(())
        }
    }
}

/// Runs `opentrain team …`.
pub async fn team(ctx: &Ctx, command: TeamCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        TeamCommand::Get => {
            let response = client.get_team().send().await?.into_inner();
            if ctx.json {
                return output::sent(ctx, &response);
            }
            let Some(team) = &response.team else {
                out!("(no team)");
                return Ok(());
            };
            out!(
                "Organization: {}",
                columns(team, &["/organization/name", "/organization/id"])
            );
            for m in &team.members {
                out!("  member  {}", columns(m, &["/name", "/email", "/role"]));
            }
            for i in &team.invites {
                out!("  invited {}", columns(i, &["/email", "/expiresAt"]));
            }
            Ok(())
        }
        TeamCommand::Invite { email } => {
            let request = types::InviteTeamMemberRequest::builder().email(email.clone());
            let invited = client
                .invite_team_member()
                .body(request)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &invited);
            }
            out!("Invited {email}.");
            Ok(())
        }
    }
}

/// Runs `opentrain tokens …`.
pub async fn tokens(ctx: &Ctx, command: TokensCommand) -> Result<(), CliError> {
    let client = ctx.authed()?;
    match command {
        TokensCommand::List => {
            let list = client.list_tokens().send().await?.into_inner();
            if ctx.json {
                return output::sent(ctx, &list);
            }
            if list.tokens.is_empty() {
                out!("(none)");
            }
            for t in &list.tokens {
                out!(
                    "{}",
                    columns(t, &["/id", "/status", "/name", "/preview", "/lastUsedAt"])
                );
            }
            Ok(())
        }
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
        TokensCommand::Revoke { id } => {
            let revoked = client
                .revoke_token()
                .token_id(&id)
                .send()
                .await?
                .into_inner();
            if ctx.json {
                return output::sent(ctx, &revoked);
            }
            out!("Revoked token {}.", columns(&revoked, &["/token/id"]));
            Ok(())
        }
    }
}
