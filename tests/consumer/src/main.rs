//! A consumer of the packaged crates: a few calls of the facade against the sandbox, the way a
//! user's own crate makes them. `.ci/run` builds and runs it; it exits non-zero on any failure.

use futures::TryStreamExt;
use opentrain::drafting::{Draft, DraftInput};
use opentrain::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = opentrain_sandbox::Sandbox::start().await?;
    let client = opentrain::Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .build()?;
    run(&client).await?;
    Ok(())
}

/// The calls, with `?` turning every failure into the one `opentrain::Error`.
async fn run(client: &opentrain::Client) -> Result<(), opentrain::Error> {
    let me = client.get_me().send().await?.into_inner();
    let input = DraftInput::text("We need 2 annotators to label 1,000 images at $0.05 per label.");
    let created = client
        .create_job_draft()
        .body(input.to_request()?)
        .send()
        .await?;
    let draft = Draft::from(created.into_inner());
    client.get_job_facets().send().await?;
    let mine: Vec<_> = client.list_my_jobs().limit(10).items().try_collect().await?;
    client.close_job().id(draft.job_id()).send().await?;
    println!(
        "consumer ok: token of {:?}, draft {}, {} own job(s)",
        me.actor,
        draft.job_id(),
        mine.len(),
    );
    Ok(())
}
