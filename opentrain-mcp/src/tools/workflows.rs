//! The MCP runs of the table's workflow tools ([`opentrain_tools::Workflow`]): registration and
//! the claim, whose tokens are saved to the shared credentials file and never shown; and the
//! body of the patch tools, a JSON object of job fields. Their arguments were checked by the
//! table; the facade's inputs come from `opentrain_tools::workflow`.

use opentrain::agent::{Agent, ClaimStatus as Poll};
use opentrain::config::ConfigError;
use opentrain_tools::{Surface, Tool, Workflow, workflow};
use serde_json::{Map, Value, json};

use super::Ctx;
use crate::results::{Outcome, ToolFailure, ToolOutput};

/// Runs the workflow `workflow` with the checked `arguments`.
pub(crate) async fn run(
    ctx: &Ctx,
    tool: &Tool,
    workflow: Workflow,
    arguments: &Map<String, Value>,
) -> Outcome {
    match workflow {
        Workflow::Register => register_agent(ctx, tool, arguments).await,
        Workflow::Claim => claim_account(ctx, tool, arguments).await,
        Workflow::ClaimStatus => claim_status(ctx, tool, arguments).await,
        // The terminal's drafting loop is the command's alone (the entry has no MCP name).
        Workflow::PostJob => Err(ToolFailure::argument(
            "this workflow asks its questions at a terminal: use opentrain_create_job_draft and \
             opentrain_update_job_draft_fields",
        )),
    }
}

async fn register_agent(ctx: &Ctx, tool: &Tool, arguments: &Map<String, Value>) -> Outcome {
    let registration = workflow::registration(ctx.session.agent_config()?, arguments);
    let agent = match opentrain::agent::register(&registration).await {
        Ok(agent) => agent,
        Err(opentrain::Error::Config(ConfigError::CredentialsExist { path })) => {
            return Err(ToolFailure::local(
                "credentials_exist",
                format!(
                    "Credentials are already saved in {}; nothing was registered. The saved \
                     login keeps working (check it with opentrain_auth_status). To replace it \
                     with a brand-new account, call again with force: true (the old saved login \
                     is then lost).",
                    path.display()
                ),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let file = agent.credentials_file().path().display().to_string();
    let registered = agent.registration().cloned().unwrap_or_default();
    let structured = json!({
        "registration_id": registered.registration_id,
        "identity_type": registered.identity_type,
        "token_type": registered.token_type,
        "scopes": registered.scopes,
        "claim_token_expires_at": registered.claim_token_expires_at,
        "grant_type": registered.grant_type,
        "credentialsFile": file,
        "saved": ["apiToken", "claimToken", "baseUrl"],
    });
    let mut facts = workflow::registered_facts(&agent);
    facts["environmentToken"] = json!(environment_token(ctx));
    let summary = summary(tool, &facts, arguments);
    ToolOutput::new(summary, &structured)
}

/// The agent whose claim to start or poll: from the explicit claim token, else the saved one.
fn agent(ctx: &Ctx, arguments: &Map<String, Value>) -> Result<Agent, ToolFailure> {
    workflow::agent(&ctx.session.agent_config()?, arguments).map_err(|e| match e {
        opentrain::Error::Config(ConfigError::MissingCredentialsFile { path }) => {
            ToolFailure::local(
                "no_credentials",
                format!(
                    "No saved agent registration ({} does not exist): call \
                     opentrain_register_agent first, or pass claimToken.",
                    path.display()
                ),
            )
        }
        other => other.into(),
    })
}

async fn claim_account(ctx: &Ctx, tool: &Tool, arguments: &Map<String, Value>) -> Outcome {
    let email = workflow::text(arguments, "email").unwrap_or_default();
    let ceremony = agent(ctx, arguments)?.start_claim(email).await?;
    let user_code = ceremony.user_code.as_ref().map(|c| c.expose().to_owned());
    let uri = ceremony
        .verification_uri
        .as_ref()
        .map(|u| u.expose().to_owned());
    let structured = json!({
        "user_code": user_code,
        "verification_uri": uri,
        "expires_in": ceremony.expires_in,
        "interval": ceremony.interval,
        "email_sent": ceremony.email_sent,
    });
    let mut summary = summary(tool, &workflow::claim_facts(&ceremony), arguments);
    if ctx.rehearsal.is_some() {
        summary.push_str(" (Sandbox: the scripted human confirms after the first check.)");
    }
    ToolOutput::new(summary, &structured)
}

async fn claim_status(ctx: &Ctx, tool: &Tool, arguments: &Map<String, Value>) -> Outcome {
    let ceremony = agent(ctx, arguments)?.resume_claim();
    let file = ceremony
        .agent()
        .credentials_file()
        .path()
        .display()
        .to_string();
    match ceremony.poll().await? {
        Poll::Claimed(client) => {
            let me = client.get_me().send().await.ok().map(|me| me.into_inner());
            let structured = json!({
                "status": "claimed",
                "credentialsFile": file,
                "me": me,
            });
            let facts = json!({
                "status": "claimed",
                "credentialsFile": file,
                "environmentToken": environment_token(ctx),
            });
            let summary = summary(tool, &facts, arguments);
            ToolOutput::new(summary, &structured)
        }
        Poll::SlowDown => pending(tool, arguments, "slow_down"),
        _ => pending(tool, arguments, "authorization_pending"),
    }
}

/// A claim still waiting on the human: `status` is `authorization_pending`, or `slow_down`
/// when polled too fast.
fn pending(tool: &Tool, arguments: &Map<String, Value>, status: &str) -> Outcome {
    let facts = json!({ "status": status });
    ToolOutput::new(summary(tool, &facts, arguments), &facts)
}

/// The variable whose token API calls keep using, when one is set.
fn environment_token(ctx: &Ctx) -> Option<&'static str> {
    ctx.session
        .token_from_env()
        .then_some(crate::credentials::TOKEN_ENV_VAR)
}

/// The tool's summary of what the workflow did.
fn summary(tool: &Tool, facts: &Value, arguments: &Map<String, Value>) -> String {
    tool.summary
        .lines(facts, arguments, Surface::Mcp)
        .join("\n")
}

/// The patch body: a non-empty object of job fields.
pub(crate) fn patch_body(arguments: &Map<String, Value>) -> Result<Value, ToolFailure> {
    let fields = arguments
        .get("patch")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if fields.is_empty() {
        return Err(ToolFailure::argument(
            "patch must name at least one field, e.g. {\"pricePerHour\": 12}",
        ));
    }
    // The facade's one patch builder: a key or value the spec's patch body would not send as
    // given is refused rather than dropped.
    let patch = opentrain::drafting::fields_patch(&fields)
        .map_err(|e| ToolFailure::argument(format!("patch: {e}")))?;
    serde_json::to_value(patch).map_err(|e| {
        ToolFailure::local(
            "encode_failed",
            format!("the patch could not be written: {e}"),
        )
    })
}
