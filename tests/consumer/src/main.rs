//! A consumer of the packaged crates: a few calls of the facade against the sandbox, the way a
//! user's own crate makes them. `.ci/run` builds and runs it; it exits non-zero on any failure.

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = opentrain_sandbox::Sandbox::start().await?;
    let client = opentrain::Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .build()?;

    let me = client.me().await?;
    let draft = client
        .create_draft("We need 2 annotators to label 1,000 images at $0.05 per label.")
        .await?;
    client.job_facets().await?;
    let mine: Vec<_> = client.my_jobs().limit(10).items().try_collect().await?;
    client.close_job().id(draft.job_id()).send().await?;
    println!(
        "consumer ok: token of {:?}, draft {}, {} own job(s)",
        me.actor,
        draft.job_id(),
        mine.len(),
    );
    Ok(())
}
