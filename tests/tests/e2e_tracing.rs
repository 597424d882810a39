//! Tracing end to end: every span and event the client emits through a whole lifecycle against
//! the sandbox (registration, claim, drafting, publishing, hiring, an approval, a webhook and a
//! token created) is captured, and none of its fields holds a token, a claim code or a secret.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentrain::agent::{self, AgentConfig, Registration};
use opentrain::config::CredentialsFile;
use opentrain::drafting::ExampleAnswerer;
use opentrain::paging::Paginate;
use opentrain::types::{
    CreateTokenRequest, CreateWebhookRequest, EventType, HireMilestone, HireRequest,
};
use opentrain_sandbox::Sandbox;
use tests::Scratch;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Every span (with its fields, as recorded) and every event, one line each.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        let mut line = Line(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn on_record(&self, _id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        let mut line = Line("record".into());
        values.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let parent = ctx
            .event_span(event)
            .map(|s| s.name().to_owned())
            .unwrap_or_default();
        let mut line = Line(format!("event in {parent}:"));
        event.record(&mut line);
        self.0.lock().unwrap().push(line.0);
    }
}

#[tokio::test]
async fn no_span_or_event_of_a_whole_lifecycle_carries_a_secret() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .claim_confirm_after_polls(Some(1))
        .start()
        .await
        .unwrap();
    let scratch = Scratch::new("tracing");
    let agent = agent::register(
        &Registration::default().config(
            AgentConfig::new()
                .base_url(sandbox.base_url())
                .credentials_file(CredentialsFile::at(scratch.join("cli.json"))),
        ),
    )
    .await
    .unwrap();
    let mut secrets = vec![
        agent.api_token().expose().to_owned(),
        agent.claim_token().expose().to_owned(),
    ];
    let claim = agent.start_claim("owner@example.com").await.unwrap();
    secrets.push(claim.user_code.as_ref().unwrap().expose().to_owned());
    let client = claim.wait().await.unwrap();

    let published = client
        .post_job("We need 3 annotators to label 10,000 product images, $0.05 per label.")
        .idempotency_key("tracing-1")
        .answer_with(ExampleAnswerer)
        .max_rounds(3)
        .publish()
        .await
        .unwrap();
    let proposals = client
        .list_job_proposals()
        .id(&published.job_id)
        .collect_all()
        .await
        .unwrap();
    let pending = client
        .hire_from_proposal()
        .proposal_id(&proposals[0].id)
        .body(
            HireRequest::builder().milestone(
                HireMilestone::builder()
                    .amount(80.0)
                    .name("Trial".to_owned()),
            ),
        )
        .send()
        .await
        .unwrap();
    sandbox.confirm_approval(&pending.approval.id).unwrap();
    client
        .get_approval()
        .approval_id(&pending.approval.id)
        .send()
        .await
        .unwrap();

    // Webhooks and tokens need scopes an agent's token lacks: the seeded owner's token has them.
    let owner = opentrain::Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .build()
        .unwrap();
    secrets.push(sandbox.token().to_owned());
    let webhook = owner
        .create_webhook()
        .body(
            CreateWebhookRequest::builder()
                .url("https://example.com/hook")
                .event_types(vec![EventType::ProposalReceived]),
        )
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    let token = owner
        .create_token()
        .body(
            CreateTokenRequest::builder()
                .name("ci")
                .scopes(vec![opentrain::types::Scope::from("jobs:read")]),
        )
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    // Every kind of secret really went over the wire in this run.
    let secret = webhook.secret.expose().to_owned();
    assert!(secret.starts_with("whsec_"), "a webhook secret");
    let token = token.token.clone().expect("the plaintext token");
    assert!(token.expose().starts_with("ot_pat_"), "a personal token");
    secrets.push(secret);
    secrets.push(token.expose().to_owned());

    let lines = capture.0.lock().unwrap().clone();
    let all = lines.join("\n");
    // The capture saw the calls: spans name the operation, method and path template, events
    // the attempt and status.
    for expected in [
        "span opentrain.request operation=registerAgent method=POST path=/identity",
        "span opentrain.request operation=pollClaimToken",
        "span opentrain.request operation=createJobDraft method=POST path=/job-drafts",
        "span opentrain.request operation=publishJob method=POST path=/jobs/{id}/publish",
        "span opentrain.request operation=hireFromProposal",
        "span opentrain.request operation=createWebhook",
        "span opentrain.request operation=createToken",
        "attempt=1 status=201",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    for prefix in ["ot_pat_", "ot_clm_", "ot_cat_", "whsec_"] {
        assert!(!all.contains(prefix), "{prefix} in:\n{all}");
    }
    for secret in &secrets {
        assert!(!all.contains(secret.as_str()), "a secret in:\n{all}");
    }
}
