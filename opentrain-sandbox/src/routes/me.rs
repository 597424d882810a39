//! `GET /auth/me` and the token family (`GET/POST /tokens`, `DELETE /tokens/{tokenId}`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use opentrain_gen::secret::Secret;
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    AccountKind, CreatedToken, Me, MeAccount, MeActor, MeToken, RevokedToken, Scope, TeamRole,
    TokenList, TokenRecord, TokenStatus, UserType,
};

use super::{object, ok, with_status};
use crate::app::{ALL_SCOPES, App, MAX_ACTIVE_TOKENS, Token, covers, preview};
use crate::errors::{ApiError, new_details};

fn record(token: &Token, now: DateTime<Utc>) -> Result<TokenRecord, ConversionError> {
    let status = if token.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if token.is_active(now) {
        TokenStatus::Active
    } else {
        // The docs list expired tokens but not their status string.
        TokenStatus::Unknown("expired".to_owned())
    };
    TokenRecord::try_from(
        TokenRecord::builder()
            .created_at(Some(token.created_at))
            .expires_at(token.expires_at)
            .id(Some(token.id.clone()))
            .last_used_at(token.last_used_at)
            .name(Some(token.name.clone()))
            .preview(Some(preview(&token.secret)))
            .revoked_at(token.revoked_at)
            .scopes(token.scopes.clone())
            .status(Some(status)),
    )
}

/// `GET /auth/me`.
pub(crate) async fn get_me(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, _) = app.signed_in(&headers)?;
    let token = st
        .tokens
        .iter()
        .find(|t| t.id == p.token_id)
        .ok_or_else(|| ApiError::unauthorized("Invalid, expired or revoked API token."))?;
    let account = st
        .account(&p.account_id)
        .ok_or_else(|| ApiError::not_found("users", "The token's user no longer exists."))?;
    let full_name = match (&account.first_name, &account.last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        _ => None,
    };
    let actor = MeActor::try_from(
        MeActor::builder()
            .email(account.email.clone())
            .first_name(account.first_name.clone())
            .full_name(full_name)
            .last_name(account.last_name.clone())
            .user_id(Some(account.user_id.clone()))
            .user_type(Some(UserType::Employer)),
    )?;
    let me_token = MeToken::try_from(
        MeToken::builder()
            .id(Some(token.id.clone()))
            .label(Some(token.name.clone()))
            .scopes(token.scopes.clone()),
    )?;
    let me_account = MeAccount::try_from(
        MeAccount::builder()
            .kind(Some(AccountKind::EmployerOrganization))
            .member_role(Some(TeamRole::Owner))
            .organization_id(Some(account.id.clone()))
            .owner_user_id(Some(account.user_id.clone())),
    )?;
    ok(&Me::try_from(
        Me::builder()
            .actor(Some(actor))
            .token(Some(me_token))
            .account(Some(me_account)),
    )?)
}

/// `GET /tokens`.
pub(crate) async fn list_tokens(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, now) = app.signed_in(&headers)?;
    let tokens = st
        .tokens
        .iter()
        .filter(|t| t.account_id == p.account_id)
        .map(|t| record(t, now))
        .collect::<Result<Vec<_>, _>>()?;
    ok(&TokenList::try_from(TokenList::builder().tokens(tokens))?)
}

/// `POST /tokens`.
pub(crate) async fn create_token(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    let body = object(&body, true)?;
    let name = match body.get("name") {
        None | Some(serde_json::Value::Null) => "API token".to_owned(),
        Some(serde_json::Value::String(name))
            if !name.is_empty() && name.chars().count() <= 120 =>
        {
            name.clone()
        }
        Some(_) => {
            return Err(ApiError::bad_field(
                "name",
                "name must be a non-empty string of at most 120 characters.",
            ));
        }
    };
    let scopes: Vec<Scope> = match body.get("scopes") {
        None | Some(serde_json::Value::Null) => p.scopes.clone(),
        Some(serde_json::Value::Array(items)) => {
            let mut scopes = Vec::new();
            let mut unknown = Vec::new();
            for item in items {
                match item.as_str().map(Scope::from) {
                    Some(scope) if !scope.is_unknown() => scopes.push(scope),
                    Some(scope) => unknown.push(scope.as_str().to_owned()),
                    None => {
                        return Err(ApiError::bad_field(
                            "scopes",
                            "scopes must be an array of strings.",
                        ));
                    }
                }
            }
            if !unknown.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "Unknown scopes: {}.",
                    unknown.join(", ")
                ))
                .details(
                    new_details()
                        .field(Some("scopes".to_owned()))
                        .unknown_scopes(unknown)
                        .supported_scopes(ALL_SCOPES.to_vec()),
                ));
            }
            scopes
        }
        Some(_) => {
            return Err(ApiError::bad_field(
                "scopes",
                "scopes must be an array of strings.",
            ));
        }
    };
    let uncovered: Vec<Scope> = scopes
        .iter()
        .filter(|s| !covers(&p.scopes, s))
        .cloned()
        .collect();
    if !uncovered.is_empty() {
        return Err(ApiError::missing_scope(&uncovered, &p.scopes));
    }
    let expires_at = match body.get("expiresAt") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(raw)) => match DateTime::parse_from_rfc3339(raw) {
            Ok(at) if at.with_timezone(&Utc) > now => Some(at.with_timezone(&Utc)),
            _ => {
                return Err(ApiError::bad_field(
                    "expiresAt",
                    "expiresAt must be an ISO 8601 timestamp in the future.",
                ));
            }
        },
        Some(_) => {
            return Err(ApiError::bad_field(
                "expiresAt",
                "expiresAt must be an ISO 8601 timestamp in the future.",
            ));
        }
    };
    let active = st
        .tokens
        .iter()
        .filter(|t| t.account_id == p.account_id && t.is_active(now))
        .count();
    if active >= MAX_ACTIVE_TOKENS {
        // The docs name the cap but not its error; the sandbox answers 400 with the limit.
        return Err(ApiError::bad_request(format!(
            "This account already has {MAX_ACTIVE_TOKENS} active tokens; revoke one first."
        ))
        .with(|d| d.limit = Some(MAX_ACTIVE_TOKENS as i64)));
    }
    let secret = st.mint_token(&p.account_id, &name, scopes, expires_at, now);
    let token = st
        .tokens
        .iter()
        .find(|t| t.secret == secret)
        .ok_or_else(|| ApiError::internal("the minted token vanished"))?;
    with_status(
        StatusCode::CREATED,
        &CreatedToken::try_from(
            CreatedToken::builder()
                .metadata(Some(record(token, now)?))
                .token(Some(Secret::from(secret.clone())))
                .token_type(Some("bearer".to_owned())),
        )?,
    )
}

/// `DELETE /tokens/{tokenId}`.
pub(crate) async fn revoke_token(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token_id): Path<String>,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    let token = st
        .tokens
        .iter_mut()
        .find(|t| t.id == token_id && t.account_id == p.account_id)
        .ok_or_else(|| {
            ApiError::not_found("tokens", "No such token.")
                .with(|d| d.token_id = Some(token_id.clone()))
        })?;
    if token.revoked_at.is_none() {
        token.revoked_at = Some(now);
    }
    ok(&RevokedToken::try_from(
        RevokedToken::builder().token(Some(record(token, now)?)),
    )?)
}
