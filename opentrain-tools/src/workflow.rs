//! What both surfaces share for the entries that are more than one call of their operation:
//! the facade's inputs built from the checked arguments (the registration, the agent whose
//! claim to start or poll, a draft's source and body) and their summaries (the entries'
//! [`Summary::Text`](crate::Summary::Text)): a draft, a live job's patch, and what an
//! onboarding [`Workflow`](crate::Workflow) did, read from the facts its surface reports
//! (where it saved the tokens, which token API calls keep using).

use opentrain::Secret;
use opentrain::agent::{Agent, AgentConfig, ClaimCeremony, Registration};
use opentrain::drafting::{Draft, DraftInput};
use opentrain::types;
use serde_json::{Map, Value, json};

use crate::arguments::Refusal;
use crate::summary::{Surface, items, shown};
use crate::tool::{Naming, Tool};

/// The string argument `name`, if given (the check has trimmed it and left out an empty one).
pub fn text<'a>(arguments: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    arguments.get(name).and_then(Value::as_str)
}

/// The registration `agentName`, `organizationName` and `force` ask for, with `config`.
pub fn registration(config: AgentConfig, arguments: &Map<String, Value>) -> Registration {
    let mut registration = Registration::default()
        .config(config)
        .force(arguments.get("force") == Some(&Value::Bool(true)));
    if let Some(name) = text(arguments, "agentName") {
        registration = registration.agent_name(name);
    }
    if let Some(name) = text(arguments, "organizationName") {
        registration = registration.organization_name(name);
    }
    registration
}

/// The agent whose claim to start or poll: the one of `claimToken`, else the saved one.
pub fn agent(
    config: &AgentConfig,
    arguments: &Map<String, Value>,
) -> Result<Agent, opentrain::Error> {
    match text(arguments, "claimToken") {
        Some(token) => Agent::with_claim_token(config, Secret::new(token)),
        None => Agent::load(config),
    }
}

/// The summary of a registration. `facts`: `registrationId`, `scopes`, `claimTokenExpiresAt`,
/// `baseUrl`, `credentialsFile` (where the surface saved the tokens) and `environmentToken`
/// (the variable whose token API calls keep using, if one is set).
pub(crate) fn registered(facts: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let text = |pointer: &str| shown(facts, pointer).unwrap_or_else(|| "-".to_owned());
    let scopes: Vec<&str> = items(facts, "scopes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let expires = shown(facts, "/claimTokenExpiresAt");
    match surface {
        Surface::Command => {
            let mut lines = vec![
                format!(
                    "Registered agent account {} at {}.",
                    text("/registrationId"),
                    text("/baseUrl")
                ),
                format!("Its tokens are saved in {}.", text("/credentialsFile")),
            ];
            if !scopes.is_empty() {
                lines.push(format!("Pre-claim scopes: {}", scopes.join(" ")));
            }
            lines.push(format!(
                "Next: a person claims it with `opentrain auth claim --email <their address>`{}.",
                expires
                    .map(|at| format!(" before {at}"))
                    .unwrap_or_default()
            ));
            lines
        }
        Surface::Mcp => {
            let mut summary = format!(
                "Registered a new unclaimed agent account; its API token and claim token are \
                 saved in {}. Scopes before the claim: {}.",
                text("/credentialsFile"),
                if scopes.is_empty() {
                    "(not stated)".to_owned()
                } else {
                    scopes.join(", ")
                }
            );
            if let Some(expires) = expires {
                summary.push_str(&format!(" The claim window ends at {expires}."));
            }
            if let Some(variable) = shown(facts, "/environmentToken") {
                summary.push_str(&format!(
                    " Note: {variable} is set, so API calls keep using that token, not the saved \
                     one."
                ));
            }
            summary.push_str(
                " Next: ask the human for their email and call opentrain_claim_account; drafting \
                 (opentrain_create_job_draft) already works.",
            );
            vec![summary]
        }
    }
}

/// The summary of a started claim. `facts`: `verificationUri`, `userCode`, `expiresIn`,
/// `interval` and `emailSent`; the link and code are shown, since the human needs them.
pub(crate) fn claim_started(
    facts: &Value,
    arguments: &Map<String, Value>,
    surface: Surface,
) -> Vec<String> {
    let email = arguments
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or("-");
    let not_sent = facts.get("emailSent") == Some(&Value::Bool(false));
    let uri = shown(facts, "/verificationUri");
    let code = shown(facts, "/userCode");
    let expires = facts.get("expiresIn").and_then(Value::as_u64);
    match surface {
        Surface::Command => {
            let mut lines = vec![
                if not_sent {
                    format!("The email to {email} was not sent; give the person the link below.")
                } else {
                    format!("OpenTrain emailed {email} a link to claim this agent account.")
                },
                format!("Open:  {}", uri.unwrap_or_else(|| "-".to_owned())),
                format!("Code:  {}", code.unwrap_or_else(|| "-".to_owned())),
            ];
            if let Some(seconds) = expires {
                lines.push(format!(
                    "This claim attempt expires in {}.",
                    crate::clock(std::time::Duration::from_secs(seconds))
                ));
            }
            lines.push("Then run `opentrain auth claim-status --wait`.".to_owned());
            lines
        }
        Surface::Mcp => {
            let mut summary = format!(
                "Claim started: OpenTrain {} {email} a verification link.",
                if not_sent { "did not email" } else { "emailed" }
            );
            if let (Some(uri), Some(code)) = (&uri, &code) {
                summary.push_str(&format!(
                    " Show the human: open {uri} and enter the code {code}."
                ));
            }
            if let Some(seconds) = expires {
                summary.push_str(&format!(" The code expires in {seconds} s."));
            }
            let interval = facts.get("interval").and_then(Value::as_u64).unwrap_or(0);
            summary.push_str(&format!(
                " Next: call opentrain_claim_status every {} s until it reports claimed.",
                interval.max(1)
            ));
            vec![summary]
        }
    }
}

/// The summary of a claim's state. `facts`: `status` (`claimed`, `slow_down` or
/// `authorization_pending`), and once claimed `credentialsFile` and `environmentToken`.
pub(crate) fn claim_state(facts: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let file = shown(facts, "/credentialsFile").unwrap_or_else(|| "-".to_owned());
    let status = facts.get("status").and_then(Value::as_str).unwrap_or("");
    match (surface, status) {
        (Surface::Command, "claimed") => vec![
            "Claimed: the account now belongs to its owner.".to_owned(),
            format!("The new API token replaced the saved one in {file}."),
        ],
        (Surface::Command, "slow_down") => {
            vec!["Pending, and checked too soon: wait a few seconds between checks.".to_owned()]
        }
        (Surface::Command, _) => vec![
            "Pending: the owner has not confirmed the claim yet.".to_owned(),
            "`opentrain auth claim-status --wait` waits for it.".to_owned(),
        ],
        (Surface::Mcp, "claimed") => {
            let mut summary = match shown(facts, "/environmentToken") {
                Some(variable) => format!(
                    "Claimed: the human now owns the account and the claimed token is saved in \
                     {file}, but API calls keep using {variable} (unset it to use the saved \
                     token)."
                ),
                None => format!(
                    "Claimed: the human now owns the account. The claimed API token is saved in \
                     {file} and used from now on."
                ),
            };
            summary.push_str(
                " Next: opentrain_auth_status to see the new scopes; hiring, messaging and \
                 payments are now possible.",
            );
            vec![summary]
        }
        (Surface::Mcp, "slow_down") => vec![
            "slow_down: polling too fast. Wait longer than the poll interval before calling \
             opentrain_claim_status again."
                .to_owned(),
        ],
        (Surface::Mcp, _) => vec![
            "authorization_pending: the human has not confirmed yet. Call \
             opentrain_claim_status again after the poll interval."
                .to_owned(),
        ],
    }
}

/// What a registration did, as both surfaces report it (the command's `--json`, the facts of
/// the entry's summary): the registration, the base URL and where the tokens were saved.
pub fn registered_facts(agent: &Agent) -> Value {
    let registered = agent.registration().cloned().unwrap_or_default();
    json!({
        "registrationId": registered.registration_id,
        "identityType": registered.identity_type,
        "tokenType": registered.token_type,
        "scopes": registered.scopes,
        "claimTokenExpiresAt": registered.claim_token_expires_at,
        "baseUrl": agent.client().base_url(),
        "credentialsFile": agent.credentials_file().path().display().to_string(),
    })
}

/// What a started claim gave: the link and code the human needs, the expiry, the poll
/// interval and whether the email went out.
pub fn claim_facts(ceremony: &ClaimCeremony) -> Value {
    json!({
        "verificationUri": ceremony.verification_uri.as_ref().map(Secret::expose),
        "userCode": ceremony.user_code.as_ref().map(Secret::expose),
        "expiresIn": ceremony.expires_in,
        "interval": ceremony.interval,
        "emailSent": ceremony.email_sent,
    })
}

/// The draft's sources: plain text (the primary workflow), a canonical job, an import.
const SOURCES: [&str; 3] = ["jobDescription", "canonicalJob", "importPayload"];

/// The rule of a draft's create: exactly one source of those the surface takes, and a title
/// only with a plain-text description.
pub(crate) fn one_draft_source(
    tool: &Tool,
    arguments: &Map<String, Value>,
    naming: Naming,
) -> Result<(), String> {
    let surface = naming.surface();
    let sources: Vec<String> = SOURCES
        .iter()
        .filter_map(|name| tool.arg(name).filter(|a| a.on(surface)))
        .map(|arg| match (naming, arg.file) {
            (Naming::Flag, true) => format!("{} or `--{}-file`", arg.named(naming), arg.long()),
            _ => arg.named(naming),
        })
        .collect();
    let given = SOURCES
        .iter()
        .filter(|s| arguments.contains_key(**s))
        .count();
    if given != 1 {
        return Err(match sources.as_slice() {
            [only] => format!("give the job description with {only}"),
            all => format!(
                "give exactly one of {} (plain text, the primary workflow)",
                all.join(", ")
            ),
        });
    }
    if arguments.contains_key("title") && !arguments.contains_key("jobDescription") {
        let named = |name: &str| tool.arg(name).map(|a| a.named(naming)).unwrap_or_default();
        return Err(format!(
            "{} is prepended to a plain-text {}; it cannot go with another source",
            named("title"),
            named("jobDescription")
        ));
    }
    Ok(())
}

/// The draft input of the checked arguments of a draft's create (or `jobs post`): the source,
/// its title, `externalId` and `idempotencyKey`. A canonical job or an import the spec's types
/// refuse is refused here, before anything is sent.
pub fn draft_input(arguments: &Map<String, Value>) -> Result<DraftInput, Refusal> {
    fn typed(name: &'static str) -> impl Fn(serde_json::Error) -> Refusal {
        move |e| Refusal(format!("`{name}` is not valid: {e}"))
    }
    let mut input = if let Some(description) = text(arguments, "jobDescription") {
        match text(arguments, "title") {
            Some(title) => DraftInput::text(format!("{title}\n\n{description}")),
            None => DraftInput::text(description),
        }
    } else if let Some(job) = arguments.get("canonicalJob") {
        DraftInput::canonical(
            serde_json::from_value::<types::CanonicalJob>(job.clone())
                .map_err(typed("canonicalJob"))?,
        )
    } else if let Some(payload) = arguments.get("importPayload") {
        if payload.get("format").is_some() {
            // An object with a `format` is the import body itself.
            let request =
                serde_json::from_value::<types::CreateJobDraftFromImport>(payload.clone())
                    .map_err(typed("importPayload"))?;
            DraftInput::from(types::CreateJobDraftRequest::Import(request))
        } else {
            DraftInput::schema_org(payload.clone())
        }
    } else {
        return Err(Refusal("no job description was given".to_owned()));
    };
    if let Some(key) = text(arguments, "idempotencyKey") {
        input = input.idempotency_key(key);
    }
    if let Some(id) = text(arguments, "externalId") {
        input = input.external_id(id);
    }
    Ok(input)
}

/// The summary of a created draft (`typed`: its envelope as the generated type reads it).
pub(crate) fn created(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    drafted(typed, "Created", surface)
}

/// The summary of a patched draft.
pub(crate) fn updated(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    drafted(typed, "Updated", surface)
}

fn drafted(typed: &Value, verb: &str, surface: Surface) -> Vec<String> {
    match serde_json::from_value::<types::DraftEnvelope>(typed.clone()) {
        Ok(envelope) => draft_lines(&Draft::from(envelope), verb, surface),
        // The typed value was written from this type; should it not read back, say so.
        Err(e) => vec![format!(
            "{verb} the draft; its summary could not be read ({e})."
        )],
    }
}

/// The summary of a live job's patch: its id and status.
pub(crate) fn updated_job(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let text = |pointer: &str| shown(typed, pointer).unwrap_or_else(|| "-".to_owned());
    vec![match surface {
        Surface::Command => format!(
            "Updated job {} (status {}).",
            text("/jobId"),
            text("/status")
        ),
        Surface::Mcp => format!(
            "Updated live job {}; status {}.",
            text("/jobId"),
            shown(typed, "/status").unwrap_or_else(|| "(status not stated)".to_owned())
        ),
    }]
}

/// The request body of a draft's create: [`draft_input`] as the facade writes it.
pub fn draft_body(arguments: &Map<String, Value>) -> Result<Value, Refusal> {
    let request = draft_input(arguments)?
        .to_request()
        .map_err(|e| Refusal(e.to_string()))?;
    serde_json::to_value(request).map_err(|e| Refusal(format!("the draft cannot be written: {e}")))
}

/// A draft's state in `surface`'s words: its missing fields with the question to ask and the
/// key to set, its warnings and where to review it, and the next step.
fn draft_lines(draft: &Draft, verb: &str, surface: Surface) -> Vec<String> {
    match surface {
        Surface::Command => command_draft_lines(draft, verb),
        Surface::Mcp => vec![mcp_draft_summary(draft, verb)],
    }
}

fn command_draft_lines(draft: &Draft, verb: &str) -> Vec<String> {
    let mut lines = vec![format!(
        "Draft {} {} (status {}).",
        draft.job_id(),
        verb.to_lowercase(),
        draft
            .status()
            .map_or_else(|| "-".to_owned(), ToString::to_string)
    )];
    lines.extend(draft_state(draft));
    if draft.publish_ready() {
        lines.push(format!("Next: opentrain jobs publish {}", draft.job_id()));
    } else {
        lines.push(format!(
            "Next: opentrain jobs draft update --job-id {} --set <field>=<value> …",
            draft.job_id()
        ));
    }
    lines
}

/// Whether the draft is publish-ready, each missing field with its type (or its values when
/// the question does not list them) and question, its warnings and its review link: the
/// command's lines, which `jobs post` prints too.
pub fn draft_state(draft: &Draft) -> Vec<String> {
    let mut lines = Vec::new();
    if draft.publish_ready() {
        lines.push("Publish-ready: yes".to_owned());
    } else {
        lines.push(format!(
            "Publish-ready: no, {} field(s) missing:",
            draft.missing_fields().len()
        ));
        for field in draft.missing_fields() {
            let choices = field.enum_values();
            let listed = choices
                .iter()
                .all(|c| field.question().contains(c.as_str()));
            let kind = if !choices.is_empty() && !listed {
                format!(" (one of {})", choices.join(", "))
            } else {
                field
                    .field_type()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            };
            lines.push(format!("  {}{kind}: {}", field.field(), field.question()));
        }
    }
    for warning in draft.warnings() {
        lines.push(format!("Warning: {warning}"));
    }
    if let Some(url) = draft.review_url().or(draft.draft_url()) {
        lines.push(format!("Review: {url}"));
    }
    lines
}

fn mcp_draft_summary(draft: &Draft, verb: &str) -> String {
    let mut summary = format!("{verb} draft {}.", draft.job_id());
    if let Some(url) = draft.draft_url().or(draft.review_url()) {
        summary.push_str(&format!(" Review it at {url}."));
    }
    if draft.publish_ready() {
        summary.push_str(" It is publish-ready: next call opentrain_publish_job.");
    } else {
        let missing = draft.missing_fields();
        summary.push_str(&format!(
            " Not publish-ready yet: {} missing field(s). Ask the human each question, then call \
             opentrain_update_job_draft_fields with the answers keyed by the set: names:",
            missing.len()
        ));
        for field in missing {
            summary.push_str(&format!("\n- {}: ask: {}", field.field(), field.question()));
            let keys = field.update_keys();
            summary.push_str(&format!(
                " | set: {}",
                if keys.is_empty() {
                    field.field().to_owned()
                } else {
                    keys.join(", ")
                }
            ));
            if let Some(kind) = field.field_type() {
                summary.push_str(&format!(" | type: {kind}"));
            }
            if !field.enum_values().is_empty() {
                summary.push_str(&format!(" | one of: {}", field.enum_values().join(", ")));
            }
            if let Some(example) = field.example() {
                summary.push_str(&format!(" | e.g. {example}"));
            }
        }
    }
    for warning in draft.warnings() {
        summary.push_str(&format!("\nWarning: {warning}"));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::tests::arguments as object;
    use crate::{by_command, by_name, check};
    use serde_json::json;

    fn create() -> &'static Tool {
        by_name("opentrain_create_job_draft").expect("in the table")
    }

    #[test]
    fn a_draft_needs_exactly_one_source_named_as_each_surface_takes_it() {
        let mcp = check(create(), object(json!({"title": "T"})), Naming::Parameter);
        assert_eq!(
            mcp.expect_err("refused").0,
            "give exactly one of `jobDescription`, `canonicalJob`, `importPayload` (plain text, \
             the primary workflow)"
        );
        let both = object(json!({"jobDescription": "x", "canonicalJob": {}}));
        assert!(check(create(), both, Naming::Parameter).is_err());
        // The command line has the plain text only, as a flag or a file.
        let command = check(create(), object(json!({})), Naming::Flag);
        assert_eq!(
            command.expect_err("refused").0,
            "give the job description with `--description` or `--description-file`"
        );
        let titled = object(json!({"importPayload": {"title": "x"}, "title": "T"}));
        assert!(
            check(create(), titled, Naming::Parameter)
                .expect_err("refused")
                .0
                .contains("`title` is prepended")
        );
    }

    #[test]
    fn each_surface_refuses_the_arguments_only_the_other_takes() {
        let claim_status = by_name("opentrain_claim_status").expect("in the table");
        let waited = check(
            claim_status,
            object(json!({"wait": true})),
            Naming::Parameter,
        );
        assert!(
            waited
                .expect_err("refused")
                .0
                .starts_with("unknown argument `wait`; this tool takes: `claimToken`")
        );
        let imported = object(json!({"importPayload": {}, "jobDescription": "x"}));
        assert!(
            check(create(), imported, Naming::Flag)
                .expect_err("refused")
                .0
                .starts_with("unknown argument `importPayload`")
        );
        let waited = check(
            by_command("auth", "claim-status").expect("in the table"),
            object(json!({"wait": true, "timeout": 60})),
            Naming::Flag,
        );
        assert_eq!(waited.expect("accepted")["timeout"], json!(60));
    }

    #[test]
    fn the_draft_input_prepends_the_title_and_keeps_the_keys() {
        let arguments = object(json!({
            "jobDescription": "Label 500 images.",
            "title": "Image labeling",
            "idempotencyKey": "k-1",
            "externalId": "ext-9",
        }));
        let request = draft_input(&arguments)
            .expect("built")
            .to_request()
            .expect("a request");
        let sent = serde_json::to_value(&request).expect("encodes");
        assert_eq!(
            sent["rawJobDescription"],
            json!("Image labeling\n\nLabel 500 images.")
        );
        assert_eq!(sent["idempotencyKey"], json!("k-1"));
        assert_eq!(sent["externalId"], json!("ext-9"));
    }

    #[test]
    fn an_import_the_specs_types_refuse_is_refused_before_sending() {
        let arguments = object(json!({"importPayload": {"format": 7}}));
        let refusal = draft_input(&arguments).expect_err("refused");
        assert!(
            refusal.0.starts_with("`importPayload` is not valid:"),
            "{refusal}"
        );
        let schema_org = object(json!({"importPayload": {"@type": "JobPosting", "title": "x"}}));
        let request = draft_input(&schema_org)
            .expect("built")
            .to_request()
            .expect("a request");
        let sent = serde_json::to_value(&request).expect("encodes");
        assert_eq!(sent["format"], json!("schema_org_job_posting"));
    }

    #[test]
    fn registration_options_are_read_from_the_arguments() {
        let arguments = object(json!({"agentName": "Claude Code", "force": true}));
        let registration = registration(AgentConfig::new(), &arguments);
        let shown = format!("{registration:?}");
        assert!(shown.contains("Claude Code"), "{shown}");
        assert!(shown.contains("force: true"), "{shown}");
    }

    #[test]
    fn onboarding_summaries_say_where_the_tokens_went_and_what_comes_next() {
        let facts = json!({
            "registrationId": "reg_1",
            "scopes": ["jobs:write", "jobs:read"],
            "claimTokenExpiresAt": "2026-12-07T00:00:00Z",
            "baseUrl": "http://127.0.0.1:9",
            "credentialsFile": "cli.json",
            "environmentToken": "OPENTRAIN_PERSONAL_API_TOKEN",
        });
        let given = Map::new();
        assert_eq!(
            registered(&facts, &given, Surface::Command),
            [
                "Registered agent account reg_1 at http://127.0.0.1:9.",
                "Its tokens are saved in cli.json.",
                "Pre-claim scopes: jobs:write jobs:read",
                "Next: a person claims it with `opentrain auth claim --email <their address>` \
                 before 2026-12-07T00:00:00Z.",
            ]
        );
        let mcp = registered(&facts, &given, Surface::Mcp).join("");
        assert!(
            mcp.contains("Scopes before the claim: jobs:write, jobs:read."),
            "{mcp}"
        );
        assert!(
            mcp.contains("Note: OPENTRAIN_PERSONAL_API_TOKEN is set"),
            "{mcp}"
        );

        let started = json!({"verificationUri": "http://x/claim", "userCode": "ABCD",
            "expiresIn": 900, "interval": 5, "emailSent": false});
        let email = object(json!({"email": "owner@example.com"}));
        let lines = claim_started(&started, &email, Surface::Command);
        assert_eq!(
            lines[0],
            "The email to owner@example.com was not sent; give the person the link below."
        );
        assert_eq!(lines[3], "This claim attempt expires in 15m00s.");
        let mcp = claim_started(&started, &email, Surface::Mcp).join("");
        assert!(mcp.contains("did not email owner@example.com"), "{mcp}");
        assert!(
            mcp.contains("open http://x/claim and enter the code ABCD"),
            "{mcp}"
        );
        assert!(mcp.contains("every 5 s"), "{mcp}");

        let slow = json!({"status": "slow_down"});
        assert!(claim_state(&slow, &given, Surface::Mcp)[0].starts_with("slow_down:"));
        let claimed = json!({"status": "claimed", "credentialsFile": "cli.json"});
        assert_eq!(
            claim_state(&claimed, &given, Surface::Command)[1],
            "The new API token replaced the saved one in cli.json."
        );
    }
}
