//! The employer team: `GET /team` (organization, members, pending invites) and
//! `POST /team/invites`, with their gates (`team:read` / `team:write`, feature
//! `public_api_team`, a claimed account for invites, the per-account "teams enabled"
//! condition) and the test controls that script the human side (accepting an invite, a failing
//! invitation mailer, teams switched off).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use opentrain_gen::types::error::ConversionError;
use opentrain_gen::types::{
    ErrorReason, Scope, Team, TeamInvite, TeamInviteResult, TeamInviteStatus, TeamMember,
    TeamOrganization, TeamResponse, TeamRole,
};

use super::valid_email;
use crate::Feature;
use crate::app::{Account, App, State as Records};
use crate::clock::hours;
use crate::errors::{ApiError, new_details};
use crate::routes::{object, ok};
use crate::sandbox::{ControlError, Sandbox};

/// How long an invite stays pending (the docs' example shows 7 days; the TTL is not stated).
const INVITE_TTL_HOURS: i64 = 7 * 24;

/// Team records of every account.
#[derive(Debug, Default)]
pub(crate) struct Teams {
    pub(crate) members: Vec<Member>,
    pub(crate) invites: Vec<Invite>,
    /// Accounts whose employer teams are switched off (`teams_not_enabled`).
    pub(crate) disabled: Vec<String>,
    /// How many of the next invitation emails fail to send (`invite_email_send_failed`).
    pub(crate) failing_emails: usize,
}

/// A member of an account's team other than its owner.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) account_id: String,
    pub(crate) user_id: String,
    pub(crate) name: Option<String>,
    pub(crate) email: String,
    pub(crate) joined_at: DateTime<Utc>,
}

/// A pending email invitation.
#[derive(Clone, Debug)]
pub(crate) struct Invite {
    pub(crate) id: String,
    pub(crate) account_id: String,
    pub(crate) email: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
}

/// The full name of an account's owner, when both parts are known.
fn owner_name(account: &Account) -> Option<String> {
    match (&account.first_name, &account.last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    }
}

/// The team record of `account`: the owner first, then members by join time, then invites
/// that are still pending at `now`.
fn team_of(st: &Records, account: &Account, now: DateTime<Utc>) -> Result<Team, ConversionError> {
    let mut members = vec![TeamMember::try_from(
        TeamMember::builder()
            .email(account.email.clone())
            .name(owner_name(account))
            .role(Some(TeamRole::Owner))
            .user_id(Some(account.user_id.clone())),
    )?];
    members.extend(
        st.agents
            .team
            .members
            .iter()
            .filter(|m| m.account_id == account.id)
            .map(|m| {
                TeamMember::try_from(
                    TeamMember::builder()
                        .email(Some(m.email.clone()))
                        .joined_at(Some(m.joined_at))
                        .name(m.name.clone())
                        .role(Some(TeamRole::Member))
                        .user_id(Some(m.user_id.clone())),
                )
            })
            .collect::<Result<Vec<_>, _>>()?,
    );
    let invites = st
        .agents
        .team
        .invites
        .iter()
        .filter(|i| i.account_id == account.id && i.expires_at > now)
        .map(|i| {
            TeamInvite::try_from(
                TeamInvite::builder()
                    .created_at(Some(i.created_at))
                    .email(Some(i.email.clone()))
                    .expires_at(Some(i.expires_at))
                    .id(Some(i.id.clone())),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Team::try_from(
        Team::builder()
            .invites(invites)
            .members(members)
            .organization(Some(TeamOrganization::try_from(
                TeamOrganization::builder()
                    .id(Some(account.id.clone()))
                    .name(Some(account.organization_name.clone()))
                    .owner_name(owner_name(account))
                    .owner_user_id(Some(account.user_id.clone())),
            )?)),
    )
}

/// 403 `teams_not_enabled` when employer teams are off for `account_id`.
fn require_teams(st: &Records, account_id: &str) -> Result<(), ApiError> {
    if st.agents.team.disabled.iter().any(|a| a == account_id) {
        Err(
            ApiError::forbidden("Employer teams are not enabled for this account.")
                .details(new_details().reason(Some(ErrorReason::TeamsNotEnabled))),
        )
    } else {
        Ok(())
    }
}

/// `GET /team`: `team:read` + `public_api_team`; works pre-claim.
pub(crate) async fn get_team(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::TeamRead)?;
    st.require_feature(Feature::Team)?;
    require_teams(&st, &p.account_id)?;
    let account = st
        .account(&p.account_id)
        .ok_or_else(|| ApiError::unauthorized("Invalid, expired or revoked API token."))?;
    ok(&TeamResponse::try_from(
        TeamResponse::builder().team(Some(team_of(&st, account, now)?)),
    )?)
}

/// `POST /team/invites` `{email}`: a claimed account + `team:write` + `public_api_team`. The
/// claim is checked first: the docs' own example shows an unclaimed account (whose pre-claim
/// token lacks the write scope) getting `account_claim_required`, which points the agent at
/// the claim ceremony rather than at a scope it cannot obtain.
///
/// Outcomes (`status`): `already_member` when the email is the owner's or a member's;
/// `member_added` when it belongs to another sandbox account (added at once);
/// `invite_created` otherwise. Inviting an email that already has a pending invite answers
/// `invite_created` again and keeps the one invite (the docs do not say what repeats do). The
/// success status is not documented; the sandbox answers 200. The response carries only
/// `status`, the one field `openapi.json` declares.
pub(crate) async fn invite(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require_claimed("invite team members")?;
    p.require(Scope::TeamWrite)?;
    st.require_feature(Feature::Team)?;
    require_teams(&st, &p.account_id)?;
    let body = object(&body, false)?;
    let email = match body.get("email") {
        Some(serde_json::Value::String(email)) if valid_email(email.trim()) => {
            email.trim().to_owned()
        }
        _ => {
            return Err(ApiError::issues(
                "Invalid request body: email must be a valid email address.",
                vec![serde_json::json!({
                    "code": "invalid_string",
                    "path": ["email"],
                    "message": "Invalid email",
                })],
            ));
        }
    };
    let account = st
        .account(&p.account_id)
        .cloned()
        .ok_or_else(|| ApiError::unauthorized("Invalid, expired or revoked API token."))?;
    let same = |other: &str| other.eq_ignore_ascii_case(&email);
    let is_member = account.email.as_deref().is_some_and(same)
        || st
            .agents
            .team
            .members
            .iter()
            .any(|m| m.account_id == account.id && same(&m.email));
    let status = if is_member {
        TeamInviteStatus::AlreadyMember
    } else if let Some(user) = st
        .accounts
        .iter()
        .find(|a| a.email.as_deref().is_some_and(same))
        .cloned()
    {
        st.agents.team.members.push(Member {
            account_id: account.id.clone(),
            user_id: user.user_id.clone(),
            name: owner_name(&user),
            email: email.clone(),
            joined_at: now,
        });
        st.agents
            .team
            .invites
            .retain(|i| !(i.account_id == account.id && same(&i.email)));
        TeamInviteStatus::MemberAdded
    } else {
        if st.agents.team.failing_emails > 0 {
            st.agents.team.failing_emails -= 1;
            return Err(ApiError::conflict(
                ErrorReason::InviteEmailSendFailed,
                "The invitation email could not be sent. Try again later.",
            ));
        }
        let pending = st
            .agents
            .team
            .invites
            .iter()
            .any(|i| i.account_id == account.id && same(&i.email) && i.expires_at > now);
        if !pending {
            let id = st.next_id("inv");
            st.agents.team.invites.push(Invite {
                id,
                account_id: account.id.clone(),
                email,
                created_at: now,
                expires_at: now + hours(INVITE_TTL_HOURS),
            });
        }
        TeamInviteStatus::InviteCreated
    };
    ok(&TeamInviteResult::try_from(
        TeamInviteResult::builder().status(Some(status)),
    )?)
}

impl Sandbox {
    /// The invitee accepts the seeded account's pending invite for `email`: the invite turns
    /// into a team member (role `MEMBER`, joined now).
    ///
    /// Errors: [`ControlError::NotFound`] when no pending invite has that email.
    pub fn accept_team_invite(&self, email: &str) -> Result<(), ControlError> {
        let now = self.app.now();
        let mut st = self.app.state();
        let position = st
            .agents
            .team
            .invites
            .iter()
            .position(|i| {
                i.account_id == self.owner_account
                    && i.email.eq_ignore_ascii_case(email)
                    && i.expires_at > now
            })
            .ok_or_else(|| ControlError::NotFound {
                kind: "team invite",
                id: email.to_owned(),
            })?;
        let invite = st.agents.team.invites.remove(position);
        let user_id = st.next_id("usr");
        st.agents.team.members.push(Member {
            account_id: invite.account_id,
            user_id,
            name: None,
            email: invite.email,
            joined_at: now,
        });
        Ok(())
    }

    /// Switches employer teams on or off for the seeded account (off: both team endpoints
    /// answer 403 with `details.reason: "teams_not_enabled"`).
    pub fn set_teams_enabled(&self, enabled: bool) {
        let mut st = self.app.state();
        let owner = self.owner_account.clone();
        st.agents.team.disabled.retain(|a| *a != owner);
        if !enabled {
            st.agents.team.disabled.push(owner);
        }
    }

    /// The next `count` invitation emails fail to send (409 `invite_email_send_failed`).
    pub fn fail_invite_emails(&self, count: usize) {
        self.app.state().agents.team.failing_emails = count;
    }
}
