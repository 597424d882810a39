//! The HTML pages over HTTP: the claim page behind `verification_uri` (right code, wrong code,
//! bad bodies, unknown, replaced and expired links) and the approval page behind `approvalUrl`
//! (confirm, decline, a finished approval, bad bodies), their escaping, their content type,
//! that they never show a token, and that they stay out of the API's fault queue and request
//! log.

mod common;

use std::time::Duration;

use common::{
    api, approval_status, draft_and_publish, get_page, hire_request, poll, post_page, register,
    start_claim,
};
use opentrain_sandbox::{Fault, Sandbox};

const HTML: &str = "text/html; charset=utf-8";

/// A sandbox whose claims wait for the page (no scripted human).
async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .claim_confirm_after_polls(None)
        .claim_poll_interval(Duration::from_secs(1))
        .start()
        .await
        .unwrap()
}

/// A 6-digit code that is not `code`.
fn wrong(code: &str) -> String {
    if code == "000000" {
        "111111".to_owned()
    } else {
        "000000".to_owned()
    }
}

#[tokio::test]
async fn the_claim_page_shows_the_attempt_escaped_and_never_a_token() {
    let sandbox = sandbox().await;
    let claim_token = register(&sandbox, "<script>alert('agent')</script>").await;
    let (code, uri) = start_claim(&sandbox, &claim_token, "mira@page.example").await;
    assert!(uri.starts_with(&format!("{}/claim?token=ot_cat_", sandbox.base_url())));
    let page = get_page(&uri).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    assert!(
        page.body
            .contains("&lt;script&gt;alert('agent')&lt;/script&gt;")
    );
    assert!(!page.body.contains("<script"), "{}", page.body);
    assert!(page.body.contains("Page Labs"));
    assert!(page.body.contains("mira@page.example"));
    assert!(page.body.contains("name=\"user_code\""));
    for secret in ["ot_cat_", "ot_clm_", "ot_pat_", code.as_str()] {
        assert!(!page.body.contains(secret), "the page shows {secret}");
    }
}

#[tokio::test]
async fn a_wrong_code_confirms_nothing_and_the_right_one_confirms_the_claim() {
    let sandbox = sandbox().await;
    let claim_token = register(&sandbox, "Page agent").await;
    let (code, uri) = start_claim(&sandbox, &claim_token, "owner@page.example").await;

    let page = post_page(&uri, &format!("user_code={}", wrong(&code))).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    assert!(
        page.body.contains("That code is not right"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"user_code\""),
        "the form is shown again"
    );
    let page = post_page(&uri, "user_code=12ab").await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("The code is 6 digits"));
    assert!(!sandbox.claims()[0].claimed);
    let (status, body) = poll(&sandbox, &claim_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );

    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let page = post_page(&uri, &format!("user_code={}", common::encode(&spaced))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("You claimed the agent account"));
    assert!(!page.body.contains("ot_"), "no token on the success page");
    assert!(sandbox.claims()[0].claimed);
    sandbox.advance_clock(Duration::from_secs(2));
    let (status, body) = poll(&sandbox, &claim_token).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["access_token"]
            .as_str()
            .unwrap()
            .starts_with("ot_pat_")
    );

    let again = get_page(&uri).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("already claimed"));
    assert!(!again.body.contains("<form"));
    let resubmitted = post_page(&uri, &format!("user_code={code}")).await;
    assert!(resubmitted.body.contains("already claimed"));
}

#[tokio::test]
async fn bad_claim_forms_are_400_pages() {
    let sandbox = sandbox().await;
    let claim_token = register(&sandbox, "Page agent").await;
    let (_, uri) = start_claim(&sandbox, &claim_token, "owner@page.example").await;
    let no_code = post_page(&uri, "other=1").await;
    assert_eq!((no_code.status, no_code.content_type.as_str()), (400, HTML));
    let json = common::http()
        .post(&uri)
        .header("content-type", "application/json")
        .body("{\"user_code\":\"123456\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400);
    assert_eq!(json.headers()["content-type"], HTML);
    let no_token = get_page(&format!("{}/claim", sandbox.base_url())).await;
    assert_eq!(
        (no_token.status, no_token.content_type.as_str()),
        (400, HTML)
    );
    let wrong_method = common::http().delete(&uri).send().await.unwrap();
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.headers()["content-type"], HTML);
    assert!(!sandbox.claims()[0].claimed);
}

#[tokio::test]
async fn unknown_replaced_and_expired_claim_links_say_so() {
    let sandbox = sandbox().await;
    let unknown = get_page(&format!("{}/claim?token=ot_cat_nope", sandbox.base_url())).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("not known"));
    assert!(
        !unknown.body.contains("ot_cat_nope"),
        "the token is not echoed"
    );

    let claim_token = register(&sandbox, "Page agent").await;
    let (first_code, first) = start_claim(&sandbox, &claim_token, "owner@page.example").await;
    let (_, second) = start_claim(&sandbox, &claim_token, "owner@page.example").await;
    let replaced = get_page(&first).await;
    assert_eq!(replaced.status, 410);
    assert!(replaced.body.contains("newer claim"), "{}", replaced.body);
    let refused = post_page(&first, &format!("user_code={first_code}")).await;
    assert_eq!(refused.status, 410);
    assert!(!sandbox.claims()[0].claimed);

    sandbox.advance_clock(Duration::from_secs(31 * 60));
    let expired = get_page(&second).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("expired"), "{}", expired.body);
    assert!(!expired.body.contains("<form"));
    let code = sandbox.claims()[0].user_code.clone().unwrap();
    let late = post_page(&second, &format!("user_code={code}")).await;
    assert_eq!(late.status, 410);
    assert!(!sandbox.claims()[0].claimed);
}

#[tokio::test]
async fn the_approval_page_shows_the_approval_and_confirm_runs_it() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "First labeling batch", 1250.0).await;
    let id = approval["id"].as_str().unwrap();
    let url = approval["approvalUrl"].as_str().unwrap();
    assert_eq!(url, format!("{}/approvals/{id}", sandbox.base_url()));
    let page = get_page(url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    for shown in [
        "Hire an AI trainer (proposal_hire)",
        "$1,250.00",
        "Spanish Sentiment Labeling",
        "First labeling batch",
        "Expires",
        "pending",
        "value=\"confirm\"",
        "value=\"decline\"",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown} missing from {}",
            page.body
        );
    }
    assert!(!page.body.contains("ot_pat_"));

    let confirmed = post_page(url, "decision=confirm").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("You confirmed this approval"));
    assert!(
        !confirmed.body.contains("name=\"decision\""),
        "no buttons any more"
    );
    assert_eq!(approval_status(&sandbox, id).await, "confirmed");
    let (_, read) = api(&sandbox, "GET", &format!("/approvals/{id}"), None).await;
    assert!(read["approval"]["result"]["contractId"].is_string());

    let finished = get_page(url).await;
    assert_eq!(finished.status, 200);
    assert!(finished.body.contains("This approval is confirmed"));
    assert!(!finished.body.contains("<form"));
    let twice = post_page(url, "decision=decline").await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("Nothing was changed"));
    assert_eq!(approval_status(&sandbox, id).await, "confirmed");
}

#[tokio::test]
async fn decline_runs_nothing_and_a_finished_approval_shows_no_buttons() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "Batch", 300.0).await;
    let id = approval["id"].as_str().unwrap();
    let url = approval["approvalUrl"].as_str().unwrap();
    let declined = post_page(url, "decision=decline").await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert!(declined.body.contains("You declined this approval"));
    assert_eq!(approval_status(&sandbox, id).await, "declined");
    let (_, contracts) = api(&sandbox, "GET", "/contracts", None).await;
    assert_eq!(contracts["contracts"].as_array().map(Vec::len), Some(0));

    let other = hire_request(&sandbox, "Batch", 300.0).await;
    let other_id = other["id"].as_str().unwrap();
    sandbox.expire_approval(other_id).unwrap();
    let expired = get_page(other["approvalUrl"].as_str().unwrap()).await;
    assert_eq!(expired.status, 200);
    assert!(expired.body.contains("expired"));
    assert!(expired.body.contains("This approval expired"));
    assert!(!expired.body.contains("<form"));
}

#[tokio::test]
async fn approval_values_are_escaped() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "<script>alert(\"x\")</script>", 300.0).await;
    let page = get_page(approval["approvalUrl"].as_str().unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script"));
}

#[tokio::test]
async fn bad_approval_forms_and_unknown_approvals_are_pages_too() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "Batch", 300.0).await;
    let id = approval["id"].as_str().unwrap();
    let url = approval["approvalUrl"].as_str().unwrap();
    for body in ["decision=maybe", "", "other=confirm"] {
        let page = post_page(url, body).await;
        assert_eq!(
            (page.status, page.content_type.as_str()),
            (400, HTML),
            "{body}"
        );
    }
    assert_eq!(approval_status(&sandbox, id).await, "pending");
    let missing = format!("{}/approvals/apr_missing", sandbox.base_url());
    let page = get_page(&missing).await;
    assert_eq!((page.status, page.content_type.as_str()), (404, HTML));
    assert_eq!(post_page(&missing, "decision=confirm").await.status, 404);
}

#[tokio::test]
async fn pages_take_no_queued_fault_and_are_not_recorded() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "Batch", 300.0).await;
    sandbox.clear_requests();
    sandbox.fail_next(1, Fault::ServiceUnavailable);
    let page = get_page(approval["approvalUrl"].as_str().unwrap()).await;
    assert_eq!(page.status, 200);
    let (status, _) = api(&sandbox, "GET", "/auth/me", None).await;
    assert_eq!(status, 503, "the fault was left for the API");
    let paths: Vec<String> = sandbox.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/public/v1/auth/me"]);
}

/// Publishes a draft titled `title` and returns (job id, the publish answer).
async fn published_job(sandbox: &Sandbox, title: &str) -> (String, serde_json::Value) {
    let (job, status, published) = draft_and_publish(
        sandbox,
        "We need 3 annotators to label 5,000 images at $0.05 per label.",
        title,
    )
    .await;
    assert_eq!(status, 200, "{published}");
    (job, published)
}

#[tokio::test]
async fn the_job_url_opens_the_job_page_with_its_fields_and_proposals_escaped() {
    let sandbox = sandbox().await;
    let (job, published) = published_job(&sandbox, "<b>Street</b> photos").await;
    let url = published["jobUrl"].as_str().unwrap();
    assert_eq!(url, format!("{}/jobs/{job}", sandbox.base_url()));
    let page = get_page(url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    assert!(page.body.contains("&lt;b&gt;Street&lt;/b&gt; photos"));
    assert!(!page.body.contains("<b>Street"), "{}", page.body);
    assert!(page.body.contains("OPEN"));
    // The sandbox sends two proposals on publish; the page lists both with their bids.
    let (_, list) = api(&sandbox, "GET", &format!("/jobs/{job}/proposals"), None).await;
    for proposal in list["proposals"].as_array().unwrap() {
        assert!(page.body.contains(proposal["id"].as_str().unwrap()));
    }
    assert!(page.body.contains("Proposals (2)"), "{}", page.body);
}

#[tokio::test]
async fn an_unknown_job_is_a_404_page() {
    let sandbox = sandbox().await;
    let page = get_page(&format!("{}/jobs/job_nope", sandbox.base_url())).await;
    assert_eq!(page.status, 404);
    assert_eq!(page.content_type, HTML);
    assert!(page.body.contains("job_nope"));
}

#[tokio::test]
async fn the_overview_shows_accounts_jobs_approvals_events_and_the_journal_without_tokens() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "First batch", 120.0).await;
    let approval_id = approval["id"].as_str().unwrap();
    // An error answer carries a request id; the journal shows it.
    let (status, missing) = api(&sandbox, "GET", "/proposals/prop_nope", None).await;
    assert_eq!(status, 404, "{missing}");
    let request_id = missing["requestId"].as_str().unwrap().to_owned();
    let page = get_page(&format!("{}/", sandbox.base_url())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    // The job, linked to its page; the pending approval, linked to its page.
    assert!(
        page.body.contains("Spanish Sentiment Labeling"),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/jobs/job_"));
    assert!(
        page.body
            .contains(&format!("href=\"/approvals/{approval_id}\""))
    );
    assert!(page.body.contains("Pending approvals (1)"));
    // The feed's events and the journal of the requests, newest first.
    assert!(page.body.contains("proposal.received"));
    let journal = &page.body[page.body.find("Request journal").unwrap()..];
    let hire = journal
        .find("/hire")
        .expect("the hire request is in the journal");
    let create = journal
        .find("POST /api/public/v1/job-drafts")
        .expect("the draft create is in the journal");
    assert!(hire < create, "newest first");
    assert!(
        journal.contains(&request_id),
        "request ids are shown: {journal}"
    );
    // Never a secret.
    for secret in ["ot_pat_", "ot_clm_", "ot_cat_", "whsec_", sandbox.token()] {
        assert!(!page.body.contains(secret), "the overview shows {secret}");
    }
}

#[tokio::test]
async fn a_form_sent_from_another_origin_is_refused_and_changes_nothing() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "First batch", 120.0).await;
    let id = approval["id"].as_str().unwrap();
    let url = approval["approvalUrl"].as_str().unwrap();
    let response = common::http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body("decision=confirm")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(approval_status(&sandbox, id).await, "pending");
    // A browser's Fetch Metadata saying another site sent it is refused too, whatever Origin.
    let response = common::http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "null")
        .body("decision=confirm")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(approval_status(&sandbox, id).await, "pending");
    // The same form from the sandbox's own origin goes through.
    let own = sandbox.base_url().to_owned();
    let response = common::http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", own)
        .body("decision=confirm")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(approval_status(&sandbox, id).await, "confirmed");
}

#[tokio::test]
async fn the_job_pages_button_makes_a_trainer_apply_to_an_open_job_only() {
    let sandbox = sandbox().await;
    let (job, published) = published_job(&sandbox, "Street photos").await;
    let url = published["jobUrl"].as_str().unwrap();
    let page = post_page(url, "action=propose").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("A trainer applied"), "{}", page.body);
    assert!(page.body.contains("Proposals (3)"), "{}", page.body);
    let (_, feed) = api(&sandbox, "GET", "/updates", None).await;
    let received = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "proposal.received")
        .count();
    assert_eq!(received, 3, "{feed}");
    // A closed job takes no proposal: 409, and the page says why.
    let (status, closed) = api(&sandbox, "POST", &format!("/jobs/{job}/close"), None).await;
    assert_eq!(status, 200, "{closed}");
    let refused = post_page(url, "action=propose").await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("not OPEN"), "{}", refused.body);
    assert_eq!(post_page(url, "action=dance").await.status, 400);
}

#[tokio::test]
async fn proposal_conversation_and_contract_pages_follow_a_hire() {
    let sandbox = sandbox().await;
    let approval = hire_request(&sandbox, "First batch", 120.0).await;
    let id = approval["id"].as_str().unwrap();
    let proposal = approval["proposalId"].as_str().unwrap().to_owned();
    let base = sandbox.base_url().to_owned();
    post_page(&format!("{base}/approvals/{id}"), "decision=confirm").await;
    let proposal_page = get_page(&format!("{base}/proposals/{proposal}")).await;
    assert_eq!(proposal_page.status, 200, "{}", proposal_page.body);
    assert!(
        proposal_page.body.contains("HIRED"),
        "{}",
        proposal_page.body
    );
    let contract = approval_contract(&sandbox, id).await;
    assert!(
        proposal_page
            .body
            .contains(&format!("href=\"/contracts/{contract}\""))
    );
    let contract_page = get_page(&format!("{base}/contracts/{contract}")).await;
    assert_eq!(contract_page.status, 200, "{}", contract_page.body);
    assert!(
        contract_page.body.contains("First batch"),
        "{}",
        contract_page.body
    );
    assert!(
        contract_page.body.contains("ACTIVE_FUNDED"),
        "{}",
        contract_page.body
    );
    assert!(
        contract_page
            .body
            .contains(&format!("href=\"/approvals/{id}\""))
    );
    // The post-hire conversation: the trainer replies from its page.
    let (_, conversations) = api(&sandbox, "GET", "/messages", None).await;
    let conversation = conversations["conversations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let replied = post_page(
        &format!("{base}/conversations/{conversation}"),
        "text=Starting+today%21",
    )
    .await;
    assert_eq!(replied.status, 200, "{}", replied.body);
    assert!(
        replied.body.contains("The trainer replied"),
        "{}",
        replied.body
    );
    assert!(replied.body.contains("Starting today!"), "{}", replied.body);
    let empty = post_page(&format!("{base}/conversations/{conversation}"), "text=").await;
    assert_eq!(empty.status, 400);
    assert_eq!(
        get_page(&format!("{base}/contracts/ctr_nope")).await.status,
        404
    );
}

/// The contract a confirmed hire approval created.
async fn approval_contract(sandbox: &Sandbox, id: &str) -> String {
    let (_, read) = api(sandbox, "GET", &format!("/approvals/{id}"), None).await;
    read["approval"]["contractId"]
        .as_str()
        .or_else(|| read["approval"]["result"]["contractId"].as_str())
        .expect("a contract id")
        .to_owned()
}

#[tokio::test]
async fn the_billing_page_adds_a_test_card_and_the_checkout_pays_a_top_up() {
    let sandbox = sandbox().await;
    sandbox.set_payment_method(false);
    let base = sandbox.base_url().to_owned();
    let billing = get_page(&format!("{base}/settings/billing")).await;
    assert_eq!(billing.status, 200, "{}", billing.body);
    assert!(
        billing.body.contains("no payment method"),
        "{}",
        billing.body
    );
    let (_, me) = api(&sandbox, "GET", "/auth/me", None).await;
    let account = me["account"]["organizationId"].as_str().unwrap().to_owned();
    let added = post_page(
        &format!("{base}/settings/billing"),
        &format!("account={account}"),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(
        added.body.contains("A test card is on file"),
        "{}",
        added.body
    );
    // The checkout of a top-up: pay it, and the credits land.
    let (status, top_up) = api(
        &sandbox,
        "POST",
        "/credits/top-ups",
        Some(serde_json::json!({ "amountUsd": 25 })),
    )
    .await;
    assert_eq!(status, 201, "{top_up}");
    let checkout = top_up["checkoutUrl"]
        .as_str()
        .or_else(|| top_up["topUp"]["checkoutUrl"].as_str())
        .expect("a checkout URL")
        .to_owned();
    let page = get_page(&checkout).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("$25.00") && page.body.contains("PENDING"),
        "{}",
        page.body
    );
    let paid = post_page(&checkout, "").await;
    assert_eq!(paid.status, 200, "{}", paid.body);
    assert!(paid.body.contains("COMPLETED"), "{}", paid.body);
    assert_eq!(post_page(&checkout, "").await.status, 409);
    let (_, credits) = api(&sandbox, "GET", "/credits", None).await;
    assert_eq!(credits["credits"]["availableCents"], 2500, "{credits}");
}

#[tokio::test]
async fn a_drafts_url_and_a_listings_slugged_url_open_the_job_page() {
    let sandbox = sandbox().await;
    let (status, draft) = api(
        &sandbox,
        "POST",
        "/job-drafts",
        Some(serde_json::json!({ "rawJobDescription": "Label 1,000 images at $0.05 per label." })),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let job = draft["jobId"].as_str().unwrap();
    let draft_url = draft["draftUrl"].as_str().expect("a draftUrl");
    let page = get_page(draft_url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(job) && page.body.contains("DRAFT"),
        "{}",
        page.body
    );
    let slugged = get_page(&format!("{}/jobs/label-images-{job}", sandbox.base_url())).await;
    assert_eq!(slugged.status, 200, "{}", slugged.body);
}

#[tokio::test]
async fn the_overviews_form_blocks_a_word_and_moderation_refuses_the_publish() {
    let sandbox = sandbox().await;
    let page = post_page(
        &format!("{}/settings/moderation", sandbox.base_url()),
        "word=Casino",
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Blocked words: casino"), "{}", page.body);
    let (_, status, refused) = draft_and_publish(
        &sandbox,
        "We need 3 annotators to label 5,000 casino screenshots at $0.05 per label.",
        "Casino screens",
    )
    .await;
    assert_eq!(status, 403, "{refused}");
}
