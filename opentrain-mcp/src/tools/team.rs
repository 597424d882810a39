//! Team: reading the employer team and inviting a human to it.

use opentrain::types;
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use super::{Ctx, NoParams, count, id, json_of, shown};
use crate::results::{Outcome, ToolOutput};

catalog! {
    "opentrain_get_team" => get_team(NoParams), Read, GET_TEAM;
    "opentrain_invite_team_member" => invite_team_member(InviteMember), Idempotent, INVITE_TEAM_MEMBER;
}

const GET_TEAM: &str = "Read the employer team: organization, members with roles and pending \
email invites. Requires: team:read and the public_api_team feature. Wraps GET /team.";

const INVITE_TEAM_MEMBER: &str = "Invite a human to the employer team by email, giving them \
shared access to jobs and the team inbox once they accept. Inviting an existing member returns \
already_member; users with existing accounts are added directly (member_added). Requires: \
team:write, the public_api_team feature and a claimed account. Wraps POST /team/invites.";

/// Parameters of `opentrain_invite_team_member`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct InviteMember {
    /// Email of the human to invite
    email: String,
}

async fn get_team(ctx: &Ctx, _params: NoParams) -> Outcome {
    let client = ctx.session.client()?;
    let team = client.get_team().send().await?.into_inner();
    let value = json_of(&team);
    let members = value.get("team").map_or(0, |t| count(t, "members"));
    let invites = value.get("team").map_or(0, |t| count(t, "invites"));
    let name = shown(&value, "/team/organization/name").unwrap_or_else(|| "The team".into());
    ToolOutput::sent(
        &client,
        format!("{name}: {members} member(s), {invites} pending invite(s)."),
        &team,
    )
}

async fn invite_team_member(ctx: &Ctx, params: InviteMember) -> Outcome {
    let email = id(&params.email, "email")?;
    let request: types::InviteTeamMemberRequest = super::built(
        types::InviteTeamMemberRequest::builder().email(email),
        "invite",
    )?;
    let client = ctx.session.client()?;
    let result = client
        .invite_team_member()
        .body(request)
        .send()
        .await?
        .into_inner();
    let value = json_of(&result);
    let status = shown(&value, "/status").unwrap_or_else(|| "(not stated)".into());
    ToolOutput::sent(&client, format!("Invited {email}: {status}."), &result)
}
