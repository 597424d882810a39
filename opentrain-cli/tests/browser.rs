//! The lifecycle through the command, with a person in a real browser on the sandbox's pages:
//! a job drafted, answered and published with `opentrain jobs …` shows on the overview;
//! `opentrain sandbox trainer propose` makes a proposal appear on the job's page and in
//! `opentrain updates poll`; the hire requested with `opentrain proposals hire` is confirmed on
//! its approval page; the contract's page shows the funded milestone.
//!
//! Needs Debian's chromium and chromium-driver (`.ci/run` installs them); set
//! `OPENTRAIN_SCREENSHOT_DIR` to keep a PNG of each page.

mod common;
#[path = "../../opentrain-sandbox/tests/webdriver/mod.rs"]
mod webdriver;

use common::{World, propose, published_job};
use opentrain_sandbox::Sandbox;
use webdriver::{Driver, Profile, browser_installed};

#[tokio::test]
async fn the_command_drives_the_lifecycle_and_the_pages_show_it() {
    if !browser_installed() {
        return;
    }
    let world = World::with("cli-browser", Sandbox::builder().proposals_on_publish(0)).await;
    let base = world.sandbox.base_url().to_owned();
    let job_id = published_job(&world).await;

    let driver = Driver::start().await;
    let profile = Profile::new();
    let browser = driver.session(&profile).await;
    browser.open(&format!("{base}/")).await;
    browser.wait_for_text(&job_id).await;
    browser.screenshot("cli-overview").await;

    // The trainer's side, from the command line.
    let proposal = propose(&world, &job_id).await;
    browser.open(&format!("{base}/jobs/{job_id}")).await;
    browser.wait_for_text(&proposal).await;
    browser.screenshot("cli-job").await;
    let feed = world.run(&["--json", "updates", "poll"]).await.json();
    assert!(
        feed["events"].as_array().expect("events").iter().any(|e| {
            e["type"] == "proposal.received" && e["data"]["proposalId"] == proposal.as_str()
        }),
        "{feed}"
    );

    // The hire, confirmed by the person on its approval page.
    world
        .run(&[
            "proposals",
            "hire",
            &proposal,
            "--amount",
            "80",
            "--name",
            "Trial",
        ])
        .await
        .ok();
    let approval = world
        .sandbox
        .pending_approvals()
        .pop()
        .expect("an approval");
    browser.open(&format!("{base}/approvals/{approval}")).await;
    browser.wait_for_text("Hire an AI trainer").await;
    browser.click("button[value=confirm]").await;
    browser.wait_for_text("You confirmed this approval").await;
    let read = world
        .run(&["--json", "approvals", "get", &approval])
        .await
        .json();
    assert_eq!(read["approval"]["status"], "confirmed", "{read}");
    let contract = read["approval"]["contractId"]
        .as_str()
        .or_else(|| read["approval"]["result"]["contractId"].as_str())
        .expect("a contract id")
        .to_owned();
    browser.open(&format!("{base}/contracts/{contract}")).await;
    browser.wait_for_text("ACTIVE_FUNDED").await;
    browser.screenshot("cli-contract").await;
    browser.close().await;
}
