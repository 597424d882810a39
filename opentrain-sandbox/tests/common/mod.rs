//! Helpers shared by the page, serve and browser tests: the claim ceremony and a hire request
//! through the sandbox's own HTTP API, and plain HTTP reads of the pages.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use opentrain_sandbox::Sandbox;
use serde_json::{Value, json};

/// The claim grant type of the token poll.
pub const GRANT: &str = "urn:opentrain:agent-auth:grant-type:claim";

const SPANISH: &str = "We need 5 fluent Spanish speakers to label sentiment in ~20,000 social media posts. Pay is $0.05 per label. Annotators should have prior text-classification experience.";

/// A client that does not follow redirects (the pages answer directly).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Percent-encodes `value` for a form body.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An anonymous registration named `agent_name`; returns its claim token.
pub async fn register(sandbox: &Sandbox, agent_name: &str) -> String {
    let response = http()
        .post(format!("{}/api/agent/identity", sandbox.base_url()))
        .json(&json!({ "agent_name": agent_name, "organization_name": "Page Labs" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["claim_token"].as_str().unwrap().to_owned()
}

/// Starts a claim for `email`; returns `(user_code, verification_uri)`.
pub async fn start_claim(sandbox: &Sandbox, claim_token: &str, email: &str) -> (String, String) {
    let response = http()
        .post(format!("{}/api/agent/identity/claim", sandbox.base_url()))
        .json(&json!({ "claim_token": claim_token, "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    (
        body["user_code"].as_str().unwrap().to_owned(),
        body["verification_uri"].as_str().unwrap().to_owned(),
    )
}

/// One token poll of the claim grant; returns (status, body).
pub async fn poll(sandbox: &Sandbox, claim_token: &str) -> (u16, Value) {
    let response = http()
        .post(format!("{}/api/agent/oauth/token", sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type={}&claim_token={}",
            encode(GRANT),
            encode(claim_token)
        ))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A Public API call with the sandbox owner's token; returns (status, body).
pub async fn api(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http()
        .request(method, format!("{}{path}", sandbox.api_url()))
        .bearer_auth(sandbox.token());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Drafts `description`, sets `title` and the experience level, and asks to publish the draft;
/// returns the job id and the publish answer's status and body.
pub async fn draft_and_publish(
    sandbox: &Sandbox,
    description: &str,
    title: &str,
) -> (String, u16, Value) {
    let (status, draft) = api(
        sandbox,
        "POST",
        "/job-drafts",
        Some(json!({ "rawJobDescription": description })),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let job = draft["jobId"].as_str().unwrap().to_owned();
    let (status, patched) = api(
        sandbox,
        "PATCH",
        &format!("/job-drafts/{job}"),
        Some(json!({ "jobTitle": title, "experienceLevel": "INTERMEDIATE" })),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    let (status, published) = api(sandbox, "POST", &format!("/jobs/{job}/publish"), None).await;
    (job, status, published)
}

/// Publishes a job and asks to hire its newest proposal with a first milestone named
/// `milestone_name` of `amount` USD; returns the 202's approval object.
pub async fn hire_request(sandbox: &Sandbox, milestone_name: &str, amount: f64) -> Value {
    let (job, status, published) =
        draft_and_publish(sandbox, SPANISH, "Spanish Sentiment Labeling").await;
    assert_eq!(status, 200, "{published}");
    let (status, list) = api(sandbox, "GET", &format!("/jobs/{job}/proposals"), None).await;
    assert_eq!(status, 200, "{list}");
    let proposal = list["proposals"][0]["id"].as_str().unwrap().to_owned();
    let (status, pending) = api(
        sandbox,
        "POST",
        &format!("/proposals/{proposal}/hire"),
        Some(json!({
            "milestone": {
                "name": milestone_name,
                "description": "Label the first 5,000 posts per the guidelines",
                "amount": amount,
                "dueDate": "2026-07-01"
            }
        })),
    )
    .await;
    assert_eq!(status, 202, "{pending}");
    pending["approval"].clone()
}

/// The approval's `status` as `GET /approvals/{id}` reads it.
pub async fn approval_status(sandbox: &Sandbox, id: &str) -> String {
    let (status, body) = api(sandbox, "GET", &format!("/approvals/{id}"), None).await;
    assert_eq!(status, 200, "{body}");
    body["approval"]["status"].as_str().unwrap().to_owned()
}

/// A page answer: status, content type, body.
pub struct Page {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Page {
        status,
        content_type,
        body: response.text().await.unwrap(),
    }
}

/// GETs a page.
pub async fn get_page(url: &str) -> Page {
    page(http().get(url).send().await.unwrap()).await
}

/// POSTs an (already encoded) form body to a page.
pub async fn post_page(url: &str, form: &str) -> Page {
    page(
        http()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap(),
    )
    .await
}
