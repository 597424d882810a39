//! The sandbox's state: accounts, tokens and every record the API exposes, behind one mutex,
//! plus the shared pieces every handler needs (clock, base URL, configuration, fault injection
//! and the request log). Handlers lock the state, apply the documented rules, and answer with
//! generated types; nothing here holds the lock across an `.await`.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use opentrain_gen::types::Scope;

use crate::clock::Clock;
use crate::errors::ApiError;
use crate::faults::Faults;
use crate::{Feature, RecordedRequest};

/// Scopes of a freshly registered (unclaimed) agent.
pub(crate) const PRE_CLAIM_SCOPES: [Scope; 6] = [
    Scope::JobsRead,
    Scope::JobsWrite,
    Scope::ProposalsRead,
    Scope::MessagesRead,
    Scope::PaymentsRead,
    Scope::TeamRead,
];

/// Scopes the token exchange grants after a claim (pre-claim + the three writes).
pub(crate) const POST_CLAIM_SCOPES: [Scope; 9] = [
    Scope::JobsRead,
    Scope::JobsWrite,
    Scope::ProposalsRead,
    Scope::ProposalsWrite,
    Scope::MessagesRead,
    Scope::MessagesWrite,
    Scope::PaymentsRead,
    Scope::TeamRead,
    Scope::TeamWrite,
];

/// Every scope of the catalog.
pub(crate) const ALL_SCOPES: [Scope; 11] = [
    Scope::JobsRead,
    Scope::JobsWrite,
    Scope::ProposalsRead,
    Scope::ProposalsWrite,
    Scope::MessagesRead,
    Scope::MessagesWrite,
    Scope::PaymentsRead,
    Scope::PaymentsWrite,
    Scope::TeamRead,
    Scope::TeamWrite,
    Scope::WebhooksManage,
];

/// The most active tokens one account may hold.
pub(crate) const MAX_ACTIVE_TOKENS: usize = 25;

/// Options fixed at start (see [`crate::SandboxBuilder`]).
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) claim_confirm_after_polls: Option<u32>,
    pub(crate) claim_poll_interval: Duration,
    pub(crate) anonymous_registration: bool,
    pub(crate) proposals_on_publish: usize,
    pub(crate) webhook_retry_delays: Vec<Duration>,
    pub(crate) webhook_disable_after: u32,
    /// The scripted human confirms every approval when it is created or first read.
    pub(crate) auto_confirm_approvals: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            claim_confirm_after_polls: Some(2),
            claim_poll_interval: Duration::from_secs(5),
            anonymous_registration: true,
            proposals_on_publish: 2,
            webhook_retry_delays: vec![
                Duration::from_secs(60),
                Duration::from_secs(300),
                Duration::from_secs(1800),
                Duration::from_secs(7200),
            ],
            webhook_disable_after: 10,
            auto_confirm_approvals: false,
        }
    }
}

/// An employer account (an organization with its owner).
#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) organization_name: String,
    pub(crate) claimed: bool,
    pub(crate) payment_method: bool,
    pub(crate) publishes: Vec<DateTime<Utc>>,
}

/// A personal API token (`ot_pat_...`).
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) account_id: String,
    pub(crate) name: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) last_used_at: Option<DateTime<Utc>>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
}

impl Token {
    /// Whether the token authenticates at `now`.
    pub(crate) fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// Who a request authenticated as.
#[derive(Clone, Debug)]
pub(crate) struct Principal {
    pub(crate) account_id: String,
    pub(crate) token_id: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) claimed: bool,
}

/// Whether `granted` covers `scope` (`:write` implies the matching `:read`).
pub(crate) fn covers(granted: &[Scope], scope: &Scope) -> bool {
    granted.contains(scope)
        || match scope {
            Scope::JobsRead => granted.contains(&Scope::JobsWrite),
            Scope::ProposalsRead => granted.contains(&Scope::ProposalsWrite),
            Scope::MessagesRead => granted.contains(&Scope::MessagesWrite),
            Scope::PaymentsRead => granted.contains(&Scope::PaymentsWrite),
            Scope::TeamRead => granted.contains(&Scope::TeamWrite),
            _ => false,
        }
}

impl Principal {
    /// 403 unless the token holds `scope`.
    pub(crate) fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if covers(&self.scopes, &scope) {
            Ok(())
        } else {
            Err(ApiError::missing_scope(&[scope], &self.scopes))
        }
    }

    /// 403 `account_claim_required` unless the account is claimed.
    pub(crate) fn require_claimed(&self, action: &str) -> Result<(), ApiError> {
        if self.claimed {
            Ok(())
        } else {
            Err(ApiError::claim_required(action))
        }
    }
}

/// Every record of the sandbox.
#[derive(Debug, Default)]
pub(crate) struct State {
    seq: u64,
    pub(crate) accounts: Vec<Account>,
    pub(crate) tokens: Vec<Token>,
    pub(crate) disabled_features: Vec<Feature>,
    /// The `/updates` log (see `events.rs`).
    pub(crate) events: crate::events::Events,
    /// Drafts, jobs, proposals, messages, approvals, contracts (see `routes/lifecycle`).
    pub(crate) market: crate::routes::Market,
    /// Registrations, claims, team, credits, webhooks (see `routes/account`).
    pub(crate) agents: crate::routes::Agents,
}

/// A random lowercase-hex string of `n` bytes.
pub(crate) fn random_hex(n: usize) -> String {
    (0..n)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A fresh `ot_pat_<publicId>_<secret>` value.
pub(crate) fn new_pat() -> String {
    format!("ot_pat_{}_{}", random_hex(4), random_hex(16))
}

/// The masked form of a token: prefix + first 4 + `********` + last 4.
pub(crate) fn preview(secret: &str) -> String {
    let body = secret.strip_prefix("ot_pat_").unwrap_or(secret);
    let chars: Vec<char> = body.chars().collect();
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len().saturating_sub(4)).collect();
    format!("ot_pat_{head}********{tail}")
}

impl State {
    /// The next id with `prefix` (ids are unique across kinds and ordered by creation).
    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}_{:05}", self.seq)
    }

    /// Adds an account and returns its id.
    pub(crate) fn add_account(&mut self, organization_name: &str, claimed: bool) -> String {
        let id = self.next_id("org");
        let user_id = self.next_id("usr");
        self.accounts.push(Account {
            id: id.clone(),
            user_id,
            email: None,
            first_name: None,
            last_name: None,
            organization_name: organization_name.to_owned(),
            claimed,
            payment_method: true,
            publishes: Vec::new(),
        });
        id
    }

    /// Mints a token for `account_id`; returns its secret.
    pub(crate) fn mint_token(
        &mut self,
        account_id: &str,
        name: &str,
        scopes: Vec<Scope>,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> String {
        let id = self.next_id("tok");
        let secret = new_pat();
        self.tokens.push(Token {
            id,
            secret: secret.clone(),
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            scopes,
            created_at: now,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        });
        secret
    }

    /// The account with `id`.
    pub(crate) fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The account with `id`, mutably.
    pub(crate) fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id == id)
    }

    /// Authenticates the request's bearer token (401 when missing, unknown, revoked or expired).
    pub(crate) fn authenticate(
        &mut self,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) -> Result<Principal, ApiError> {
        let secret = bearer(headers).ok_or_else(|| {
            ApiError::unauthorized("Missing bearer token. Send Authorization: Bearer ot_pat_...")
        })?;
        let token = self
            .tokens
            .iter_mut()
            .find(|t| t.secret == secret && t.is_active(now))
            .ok_or_else(|| ApiError::unauthorized("Invalid, expired or revoked API token."))?;
        token.last_used_at = Some(now);
        let (account_id, token_id, scopes) = (
            token.account_id.clone(),
            token.id.clone(),
            token.scopes.clone(),
        );
        let claimed = self.account(&account_id).is_some_and(|a| a.claimed);
        Ok(Principal {
            account_id,
            token_id,
            scopes,
            claimed,
        })
    }

    /// 403 with `featureKey` when `feature` is switched off.
    pub(crate) fn require_feature(&self, feature: Feature) -> Result<(), ApiError> {
        if self.disabled_features.contains(&feature) {
            Err(ApiError::feature_disabled(feature.key()))
        } else {
            Ok(())
        }
    }
}

/// The bearer token of a request, if it sent one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) state: Mutex<State>,
    pub(crate) clock: Clock,
    pub(crate) base_url: String,
    pub(crate) config: Config,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) recorded: Mutex<Vec<RecordedRequest>>,
}

/// The handlers' state: a cheap clone of the shared [`Inner`].
#[derive(Clone, Debug)]
pub(crate) struct App {
    pub(crate) inner: Arc<Inner>,
}

impl App {
    /// Locks the state (a poisoned lock is recovered: the state stays usable after a panic).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The start of every authenticated handler: locks the state, authenticates the request's
    /// bearer token (401 when missing, unknown, revoked or expired) and reads the clock once.
    pub(crate) fn signed_in(
        &self,
        headers: &HeaderMap,
    ) -> Result<(MutexGuard<'_, State>, Principal, DateTime<Utc>), ApiError> {
        let now = self.now();
        let mut st = self.state();
        let principal = st.authenticate(headers, now)?;
        Ok((st, principal, now))
    }

    /// Now, on the sandbox clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// An absolute URL on the sandbox (`path` starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base_url)
    }
}
