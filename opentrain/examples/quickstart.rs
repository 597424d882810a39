//! The whole OpenTrain employer lifecycle in one run.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Without a token it starts the embedded sandbox (an offline stand-in for the API on
//! 127.0.0.1) and runs every step against it, with a scripted human who confirms the claim and
//! the hire: register → claim → capabilities → draft from a sentence → answer missing fields →
//! publish → list proposals → hire → wait for the approval → read the contract → poll updates.
//!
//! With `OT_API_TOKEN` set (or a credentials file from the official CLI) it talks to the real
//! API instead, and only does what cannot spend money or show anything to the public: it reads
//! the account and capabilities, creates (or, on a re-run, finds again thanks to the
//! idempotency key) a private draft and lists the questions still open on it, and reads the
//! first pages of your jobs and of the updates feed. Answering, publishing and hiring are left
//! to you (the sandbox run answers with the server's example values, which are placeholders).

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use opentrain::agent::{self, AgentConfig, Registration};
use opentrain::approvals::{Confirmation, Outcome, WaitForApproval};
use opentrain::config::CredentialsFile;
use opentrain::drafting::{Answer, Draft, DraftInput, ExampleAnswerer, MissingField, Published};
use opentrain::paging::Paginate;
use opentrain::types::{HireMilestone, HireRequest};
use opentrain::{Client, Error};
use opentrain_sandbox::Sandbox;

/// The job, in plain English, as an agent would get it from its user.
const JOB: &str = "We need 3 annotators to label 10,000 product images into 12 categories, \
                   paying $0.05 per label. English speakers.";

/// How a run ends.
type Run = Result<(), Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let result = match Client::from_env() {
        Ok(client) if client.has_token() => live(client).await,
        // No token anywhere (or no readable configuration): the embedded default.
        _ => offline().await,
    };
    match result {
        Ok(()) => {
            println!("\ndone in {:.1} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nstopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One numbered line of progress.
fn step(n: u32, what: &str) {
    println!("[{n:>2}] {what}");
}

/// The demo agent's answer to a missing field: a title of its own, else the server's example
/// value for it (see `ExampleAnswerer`: fine for a sandbox, never for a real posting), printed
/// as it goes.
fn demo_answer(field: &MissingField) -> Answer {
    let answer = match field.field() {
        // The one answer the sentence itself implies better than the example does.
        "jobTitle" => Answer::Value("Product image categorization (12 classes)".into()),
        _ => ExampleAnswerer::answer_for(field),
    };
    match &answer {
        Answer::Value(value) => println!("       {} = {value}", field.field()),
        _ => println!("       {} skipped", field.field()),
    }
    answer
}

/// The offline run: the sandbox and a scripted human.
async fn offline() -> Run {
    println!("No OpenTrain token found: running against the embedded sandbox.\n");
    let sandbox = Sandbox::builder()
        .claim_poll_interval(Duration::from_secs(1))
        .start()
        .await?;
    let scratch = Scratch::new()?;
    let config = AgentConfig::new()
        .base_url(sandbox.base_url())
        .credentials_file(CredentialsFile::at(scratch.path("cli.json")));

    step(1, "register an anonymous agent account");
    let agent = agent::register(
        &Registration::default()
            .agent_name("opentrain-rs quickstart")
            .organization_name("Quickstart Labs")
            .config(config),
    )
    .await?;
    println!(
        "       pre-claim token saved to {}",
        agent.credentials_file().path().display()
    );

    step(
        2,
        "claim it for a human (the sandbox's scripted human confirms)",
    );
    let claim = agent.start_claim("owner@example.com").await?;
    if let (Some(uri), Some(code)) = (&claim.verification_uri, &claim.user_code) {
        println!("       open {} and enter {}", uri.expose(), code.expose());
    }
    let client = claim.wait().await?;
    println!("       claimed; the post-claim token is saved");

    run_lifecycle(&client, &sandbox).await
}

/// The run against the real API: nothing public, nothing that moves money.
async fn live(client: Client) -> Run {
    println!("Using the OpenTrain API at {}.\n", client.base_url());
    step(1, "who am I");
    let me = client.get_me().send().await.map_err(Error::from)?;
    let org = me
        .account
        .as_ref()
        .and_then(|a| a.organization_id.as_deref());
    println!("       organization {}", org.unwrap_or("(not stated)"));
    step(2, "capabilities");
    print_capabilities(&client).await?;
    step(3, "draft from a sentence");
    let draft = create_draft(
        &client,
        DraftInput::text(JOB).idempotency_key("opentrain-rs-quickstart-v1"),
    )
    .await?;
    println!(
        "       draft {} is {}publish-ready; review it at {}",
        draft.job_id(),
        if draft.publish_ready() {
            ""
        } else {
            "not yet "
        },
        draft
            .review_url()
            .or(draft.draft_url())
            .unwrap_or("(no link)")
    );
    for field in draft.missing_fields() {
        println!("       still to answer: {}", field.question());
    }
    step(4, "your jobs (first page)");
    let jobs = client
        .list_my_jobs()
        .paginate()
        .max_items(10)
        .collect_all()
        .await?;
    println!("       {} job(s)", jobs.len());
    step(5, "updates feed (first 50 events)");
    let events = client
        .poll_updates()
        .paginate()
        .max_items(50)
        .collect_all()
        .await?;
    println!("       {} event(s)", events.len());
    println!("\nPublishing and hiring are not run against the real API by this example.");
    Ok(())
}

/// A draft from `input`: the `create_job_draft` operation, its answer read as a [`Draft`].
async fn create_draft(client: &Client, input: DraftInput) -> Result<Draft, Error> {
    let body = input.to_request()?;
    let envelope = client.create_job_draft().body(body).send().await?;
    Ok(Draft::from(envelope.into_inner()))
}

async fn print_capabilities(client: &Client) -> Result<(), Error> {
    let caps = client.get_capabilities().send().await?;
    let flags = serde_json::to_value(&caps.capabilities).unwrap_or_default();
    let on: Vec<&str> = flags
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v.as_bool() == Some(true))
                .map(|(k, _)| k.as_str())
                .collect()
        })
        .unwrap_or_default();
    println!("       enabled: {}", on.join(", "));
    Ok(())
}

/// Steps 3–11 of the offline run.
async fn run_lifecycle(client: &Client, sandbox: &Sandbox) -> Run {
    step(3, "capabilities");
    print_capabilities(client).await?;

    step(4, "draft from a sentence");
    let draft = create_draft(
        client,
        DraftInput::text(JOB).idempotency_key("quickstart-draft-1"),
    )
    .await?;
    println!(
        "       draft {}: {} field(s) missing",
        draft.job_id(),
        draft.missing_fields().len()
    );

    step(5, "answer the missing fields (one PATCH per round)");
    let ready = client
        .post_job(JOB)
        .idempotency_key("quickstart-draft-1")
        .answer_with(async |field: &MissingField| demo_answer(field))
        .max_rounds(5)
        .draft()
        .await?;
    println!("       {} is publish-ready", ready.job_id());

    step(6, "publish");
    let published = Published::from(
        client
            .publish_job()
            .id(ready.job_id())
            .send()
            .await
            .map_err(Error::from)?
            .into_inner(),
    );
    println!(
        "       job {} is live at {}",
        published.job_id,
        published.job_url.as_deref().unwrap_or("(no link)")
    );

    step(7, "list proposals");
    let proposals = client
        .list_job_proposals()
        .id(&published.job_id)
        .collect_all()
        .await?;
    for p in &proposals {
        let who = p
            .candidate
            .as_ref()
            .and_then(|c| c.display_name.as_deref())
            .unwrap_or("(name not shared)");
        let bid = p
            .bid
            .as_ref()
            .and_then(|b| b.amount_usd)
            .unwrap_or_default();
        println!("       {} from {who}, bid ${bid:.2}", p.id);
    }
    let Some(chosen) = proposals.first() else {
        return Err("no proposal arrived".into());
    };

    step(8, "hire (this asks a human to co-sign)");
    let pending = client
        .hire_from_proposal()
        .proposal_id(&chosen.id)
        .body(
            HireRequest::builder().milestone(
                HireMilestone::builder()
                    .amount(150.0)
                    .name("First 2,000 labels".to_owned())
                    .due_date("2026-12-31".to_owned()),
            ),
        )
        .send()
        .await
        .map_err(Error::from)?;
    println!(
        "       approval {} waits at {}",
        pending.approval.id, pending.approval.approval_url
    );

    step(9, "wait for the approval");
    let wait = pending
        .wait(client)
        .poll_interval(Duration::from_millis(250))
        .max_wait(Duration::from_secs(60))
        .into_future();
    // The scripted human: opens the link a moment later and confirms.
    let human = async {
        tokio::time::sleep(Duration::from_millis(600)).await;
        sandbox.confirm_approval(&pending.approval.id)
    };
    let (outcome, confirmed) = tokio::join!(wait, human);
    confirmed?;
    let outcome = outcome?;
    let contract_id = match &outcome {
        Outcome::Confirmed {
            result:
                Confirmation::Hired {
                    contract_id: Some(id),
                    ..
                },
            ..
        } => id.clone(),
        other => return Err(format!("the hire was not confirmed: {}", other.status()).into()),
    };
    println!("       confirmed");

    step(10, "read the contract");
    let contract = client
        .get_contract()
        .contract_id(&contract_id)
        .send()
        .await
        .map_err(Error::from)?
        .into_inner()
        .contract;
    println!(
        "       {} ({}) with {} milestone(s)",
        contract.id,
        contract.title.as_deref().unwrap_or("untitled"),
        contract.milestones.len()
    );

    step(11, "poll updates");
    let events: Vec<_> = client.poll_updates().items().try_collect().await?;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events {
        *by_type.entry(e.type_.to_string()).or_default() += 1;
    }
    for (kind, n) in &by_type {
        println!("       {n} × {kind}");
    }

    println!(
        "\nSummary: job {} published, {} proposal(s), hired {}, contract {}, {} event(s).",
        published.job_id,
        proposals.len(),
        chosen.id,
        contract.id,
        events.len()
    );
    Ok(())
}

/// A private scratch directory for the run's credentials file, removed at the end: the
/// offline run never touches your real `~/.config/opentrain`.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "opentrain-quickstart-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
