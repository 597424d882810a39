//! Integration tests of the employer lifecycle against a running sandbox: drafts, publishing
//! (validation, moderation, daily limits), the marketplace reads, proposals, messages, and the
//! co-signed money flows (hire, fund, release, end) with their approvals and events.

use std::collections::HashSet;
use std::time::Duration;

use opentrain_gen::types::Scope;
use opentrain_sandbox::{Feature, Sandbox};
use serde_json::{Value, json};

const SPANISH: &str = "We need 5 fluent Spanish speakers to label sentiment in ~20,000 social media posts. Pay is $0.05 per label. Annotators should have prior text-classification experience.";

/// A client on the sandbox's Public API with one token.
struct Api<'a> {
    sandbox: &'a Sandbox,
    token: Option<String>,
    http: reqwest::Client,
}

impl<'a> Api<'a> {
    fn new(sandbox: &'a Sandbox) -> Self {
        Self::with_token(sandbox, Some(sandbox.token().to_owned()))
    }

    fn with_token(sandbox: &'a Sandbox, token: Option<String>) -> Self {
        Self {
            sandbox,
            token,
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.sandbox.api_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    async fn post_empty(&self, path: &str) -> (u16, Value) {
        self.call("POST", path, None).await
    }

    async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("PATCH", path, Some(body)).await
    }

    /// A publish-ready draft (the Spanish description plus the two answers it lacks).
    async fn ready_draft(&self) -> String {
        let (status, draft) = self
            .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
            .await;
        assert_eq!(status, 201, "{draft}");
        let id = draft["jobId"].as_str().unwrap().to_owned();
        let (status, patched) = self
            .patch(
                &format!("/job-drafts/{id}"),
                json!({ "jobTitle": "Spanish Sentiment Labeling", "experienceLevel": "INTERMEDIATE" }),
            )
            .await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["validation"]["publishReady"], json!(true));
        id
    }

    /// A published job.
    async fn published_job(&self) -> String {
        let id = self.ready_draft().await;
        let (status, body) = self.post_empty(&format!("/jobs/{id}/publish")).await;
        assert_eq!(status, 200, "{body}");
        id
    }

    /// Hires the newest proposal of a fresh job and confirms; returns (job, proposal, contract).
    async fn hired(&self) -> (String, String, String) {
        let job = self.published_job().await;
        let (_, list) = self.get(&format!("/jobs/{job}/proposals")).await;
        let proposal = list["proposals"][0]["id"].as_str().unwrap().to_owned();
        let (status, pending) = self
            .post(&format!("/proposals/{proposal}/hire"), hire_body(300.0))
            .await;
        assert_eq!(status, 202, "{pending}");
        let approval = pending["approval"]["id"].as_str().unwrap().to_owned();
        self.sandbox.confirm_approval(&approval).unwrap();
        let (_, read) = self.get(&format!("/approvals/{approval}")).await;
        let contract = read["approval"]["result"]["contractId"]
            .as_str()
            .unwrap()
            .to_owned();
        (job, proposal, contract)
    }

    /// Every event type on `/updates`, oldest first.
    async fn event_types(&self) -> Vec<String> {
        let (status, page) = self.get("/updates?limit=200").await;
        assert_eq!(status, 200, "{page}");
        page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn hire_body(amount: f64) -> Value {
    json!({
        "milestone": {
            "name": "First labeling batch",
            "description": "Label the first 5,000 posts per the guidelines",
            "amount": amount,
            "dueDate": "2026-07-01"
        }
    })
}

fn fields_of(missing: &Value) -> Vec<String> {
    missing
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["field"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Drafts

#[tokio::test]
async fn a_text_draft_extracts_count_price_and_language_and_lists_what_is_missing() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (status, draft) = api
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["status"], json!("DRAFT"));
    assert_eq!(draft["normalizedFields"]["headcount"], json!(5));
    assert_eq!(
        draft["normalizedFields"]["paymentType"],
        json!("PAY_PER_LABEL")
    );
    assert_eq!(draft["normalizedFields"]["languages"], json!(["Spanish"]));
    assert_eq!(draft["validation"]["publishReady"], json!(false));
    assert_eq!(draft["validation"]["missingFieldCount"], json!(2));
    assert_eq!(
        fields_of(&draft["missingFields"]),
        ["jobTitle", "experienceLevel"]
    );
    assert_eq!(
        fields_of(&draft["validation"]["missingFields"]),
        ["jobTitle", "experienceLevel"]
    );
    let level = &draft["missingFields"][1];
    assert_eq!(level["type"], json!("enum"));
    assert_eq!(
        level["enumValues"],
        json!([
            "EXPERT",
            "ENTRY_LEVEL",
            "INTERMEDIATE",
            "ANY_EXPERIENCE_LEVEL"
        ])
    );
    assert_eq!(level["updateKeys"], json!(["experienceLevel"]));
    assert_eq!(level["code"], json!("missing_required_field"));
    assert!(level["prompt"].as_str().unwrap().starts_with("ask: "));
    assert_eq!(level["example"], json!("INTERMEDIATE"));
    assert!(
        draft["draftUrl"]
            .as_str()
            .unwrap()
            .contains("/job-post?jobId=")
    );
}

#[tokio::test]
async fn an_hourly_description_and_a_missing_rate_are_read_honestly() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, hourly) = api
        .post(
            "/job-drafts",
            json!({ "rawJobDescription": "need 3 labelers for 50,000 dashcam images, $20/hour, English and German" }),
        )
        .await;
    assert_eq!(hourly["normalizedFields"]["headcount"], json!(3));
    assert_eq!(
        hourly["normalizedFields"]["paymentType"],
        json!("PAY_PER_HOUR")
    );
    assert_eq!(hourly["normalizedFields"]["dataVolume"], json!(50000.0));
    assert_eq!(
        hourly["normalizedFields"]["dataVolumeUnit"],
        json!("NUMBER_OF_FILES")
    );
    assert_eq!(
        hourly["normalizedFields"]["languages"],
        json!(["English", "German"])
    );
    assert!(!fields_of(&hourly["missingFields"]).contains(&"pricePerHour".to_owned()));
    let (_, vague) = api
        .post(
            "/job-drafts",
            json!({ "rawJobDescription": "Label product photos. Pay per label." }),
        )
        .await;
    let missing = fields_of(&vague["missingFields"]);
    assert_eq!(
        missing,
        ["jobTitle", "headcount", "experienceLevel", "pricePerLabel"]
    );
    let rate = &vague["missingFields"][3];
    assert_eq!(rate["type"], json!("number"));
    assert_eq!(rate["example"], json!("0.05"));
}

#[tokio::test]
async fn patching_the_missing_fields_makes_the_draft_publish_ready() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, draft) = api
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    let id = draft["jobId"].as_str().unwrap();
    let (status, half) = api
        .patch(
            &format!("/job-drafts/{id}"),
            json!({ "jobTitle": "Spanish sentiment" }),
        )
        .await;
    assert_eq!(status, 200, "{half}");
    assert_eq!(half["validation"]["missingFieldCount"], json!(1));
    let (status, done) = api
        .patch(
            &format!("/job-drafts/{id}"),
            json!({ "experienceLevel": "INTERMEDIATE", "pricePerLabel": 0.06 }),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["validation"]["publishReady"], json!(true));
    assert_eq!(done["validation"]["missingFieldCount"], json!(0));
    assert_eq!(done["status"], json!("DRAFT"));
}

#[tokio::test]
async fn draft_patch_rejects_bad_enums_unknown_keys_wrong_types_and_empty_bodies() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, draft) = api
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    let path = format!("/job-drafts/{}", draft["jobId"].as_str().unwrap());
    let (status, err) = api
        .patch(&path, json!({ "experienceLevel": "SENIOR" }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], json!("BAD_REQUEST"));
    assert_eq!(err["details"]["field"], json!("experienceLevel"));
    let (status, err) = api.patch(&path, json!({ "salary": 10 })).await;
    assert_eq!(status, 400);
    assert_eq!(
        err["details"]["issues"][0]["code"],
        json!("unrecognized_keys")
    );
    assert_eq!(err["details"]["issues"][0]["keys"], json!(["salary"]));
    let (status, err) = api.patch(&path, json!({ "pricePerLabel": "cheap" })).await;
    assert_eq!(status, 400);
    assert_eq!(err["details"]["field"], json!("pricePerLabel"));
    let (status, _) = api.patch(&path, json!({})).await;
    assert_eq!(status, 400);
    let (status, err) = api
        .patch("/job-drafts/job_missing", json!({ "jobTitle": "x" }))
        .await;
    assert_eq!(status, 404);
    assert_eq!(err["code"], json!("NOT_FOUND"));
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_draft() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let body = json!({ "rawJobDescription": SPANISH, "idempotencyKey": "sentiment-es-001" });
    let (first_status, first) = api.post("/job-drafts", body.clone()).await;
    let (second_status, second) = api.post("/job-drafts", body).await;
    assert_eq!((first_status, second_status), (201, 200));
    assert_eq!(first["jobId"], second["jobId"]);
    let nested =
        json!({ "source": { "type": "text", "text": SPANISH, "idempotencyKey": "acme-7" } });
    let (_, a) = api.post("/job-drafts", nested.clone()).await;
    let (_, b) = api.post("/job-drafts", nested).await;
    assert_eq!(a["jobId"], b["jobId"]);
    let (_, mine) = api.get("/jobs/mine?status=DRAFT").await;
    assert_eq!(mine["jobs"].as_array().unwrap().len(), 2, "{mine}");
}

#[tokio::test]
async fn every_documented_body_shape_creates_a_draft_and_other_shapes_are_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (status, canonical) = api
        .post(
            "/job-drafts",
            json!({ "format": "opentrain_canonical", "job": {
                "title": "Audio QA", "description": "Need 4 transcribers for Hindi call audio.",
                "paymentType": "PAY_PER_HOUR", "rateAmount": 15, "experienceLevel": "EXPERT",
                "languages": ["Hindi"], "mood": "sunny"
            }}),
        )
        .await;
    assert_eq!(status, 201, "{canonical}");
    assert_eq!(
        canonical["validation"]["publishReady"],
        json!(true),
        "{canonical}"
    );
    assert_eq!(canonical["unmappedFields"][0]["path"], json!("job.mood"));
    let (status, json_ld) = api
        .post(
            "/job-drafts",
            json!({ "format": "schema_org_job_posting", "jsonLd": {
                "@context": "https://schema.org", "@type": "JobPosting",
                "title": "Image boxes", "description": "<p>We need 8 annotators.</p>",
                "baseSalary": { "value": { "value": 14, "unitText": "HOUR" } }
            }}),
        )
        .await;
    assert_eq!(status, 201, "{json_ld}");
    assert_eq!(
        json_ld["normalizedFields"]["jobTitle"],
        json!("Image boxes")
    );
    assert_eq!(json_ld["normalizedFields"]["headcount"], json!(8));
    let (status, xml) = api
        .post(
            "/job-drafts",
            json!({ "format": "indeed_xml", "xml": "<job><title>French raters</title><description><![CDATA[6 raters, French, $25/hour]]></description></job>" }),
        )
        .await;
    assert_eq!(status, 201, "{xml}");
    assert_eq!(xml["normalizedFields"]["languages"], json!(["French"]));
    // The docs set no minimum: an empty description is an empty draft, not a refusal.
    let (status, empty) = api
        .post("/job-drafts", json!({ "rawJobDescription": "" }))
        .await;
    assert_eq!(status, 201, "{empty}");
    for bad in [
        json!({}),
        json!({ "rawJobDescription": "x", "source": { "text": "y" } }),
        json!({ "format": "pdf", "job": {} }),
        json!({ "format": "hr_xml" }),
        json!({ "rawJobDescription": "x".repeat(60_001) }),
    ] {
        let (status, err) = api.post("/job-drafts", bad.clone()).await;
        assert_eq!(status, 400, "{bad} -> {err}");
    }
}

#[tokio::test]
async fn capabilities_report_the_features_and_the_drafting_contract() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (status, caps) = api.get("/job-drafts/capabilities").await;
    assert_eq!(status, 200);
    assert_eq!(caps["featureKey"], json!("public_api_job_drafting"));
    assert_eq!(caps["capabilities"]["hiring"], json!(true));
    assert!(
        caps["draft"]["updateKeys"]
            .as_array()
            .unwrap()
            .contains(&json!("pricePerLabel"))
    );
    assert_eq!(caps["draft"]["importFormats"].as_array().unwrap().len(), 5);
    sandbox.set_feature(Feature::Hiring, false);
    let (_, caps) = api.get("/job-drafts/capabilities").await;
    assert_eq!(caps["capabilities"]["hiring"], json!(false));
    sandbox.set_feature(Feature::JobDrafting, false);
    let (status, err) = api.get("/job-drafts/capabilities").await;
    assert_eq!(status, 403);
    assert_eq!(
        err["details"]["featureKey"],
        json!("public_api_job_drafting")
    );
    let (status, _) = api
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn drafting_needs_jobs_write() {
    let sandbox = Sandbox::start().await.unwrap();
    let reader = Api::with_token(&sandbox, Some(sandbox.issue_token(&[Scope::JobsRead])));
    let (status, err) = reader
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    assert_eq!(status, 403);
    assert_eq!(err["details"]["requiredScopes"], json!(["jobs:write"]));
    let anonymous = Api::with_token(&sandbox, None);
    let (status, _) = anonymous.get("/jobs/mine").await;
    assert_eq!(status, 401);
}

// ---------------------------------------------------------------------------------------------
// Jobs

#[tokio::test]
async fn publishing_goes_live_seeds_proposals_and_is_idempotent() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let id = api.ready_draft().await;
    let (status, live) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 200, "{live}");
    assert_eq!(live["status"], json!("OPEN"));
    assert_eq!(live["alreadyPublished"], json!(false));
    assert_eq!(live["sideEffects"]["status"], json!("queued"));
    let (status, again) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 200);
    assert_eq!(again["alreadyPublished"], json!(true));
    let public = Api::with_token(&sandbox, None);
    let (status, job) = public.get(&format!("/jobs/{id}")).await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["companyName"], json!("Acme Research"));
    assert_eq!(job["pay"]["perLabelRate"], json!(0.05));
    assert_eq!(job["experienceLevel"], json!("Intermediate"));
    let (_, proposals) = api.get(&format!("/jobs/{id}/proposals")).await;
    assert_eq!(proposals["proposals"].as_array().unwrap().len(), 2);
    let received = api
        .event_types()
        .await
        .into_iter()
        .filter(|t| t == "proposal.received")
        .count();
    assert_eq!(received, 2);
    let (_, mine) = api.get("/jobs/mine?status=OPEN").await;
    assert_eq!(mine["jobs"][0]["proposalCounts"]["total"], json!(2));
    assert_eq!(mine["jobs"][0]["published"], json!(true));
}

#[tokio::test]
async fn publishing_an_incomplete_draft_is_400_with_the_validation_report() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, draft) = api
        .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
        .await;
    let id = draft["jobId"].as_str().unwrap();
    let (status, err) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["details"]["validation"]["publishReady"], json!(false));
    assert_eq!(
        fields_of(&err["details"]["validation"]["missingFields"]),
        ["jobTitle", "experienceLevel"]
    );
    let (status, _) = api.post_empty("/jobs/job_nope/publish").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn moderation_blocks_a_publish_with_reasons() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let id = api.ready_draft().await;
    sandbox.block_words(&["sentiment"]);
    let (status, err) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 403, "{err}");
    assert_eq!(err["details"]["reason"], json!("moderation_blocked"));
    assert!(!err["details"]["reasons"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn live_edits_pass_or_unpublish_the_job_back_to_draft() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let id = api.published_job().await;
    let (status, edited) = api
        .patch(
            &format!("/jobs/{id}"),
            json!({ "headcount": 8, "pricePerLabel": 0.07 }),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["moderation"]["decision"], json!("ALLOW"));
    sandbox.block_words(&["crypto"]);
    let (status, err) = api
        .patch(
            &format!("/jobs/{id}"),
            json!({ "jobDescription": "Label crypto tweets" }),
        )
        .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["details"]["reason"], json!("moderation_blocked"));
    assert_eq!(err["details"]["status"], json!("DRAFT"));
    let (status, unlisted) = Api::with_token(&sandbox, None)
        .get(&format!("/jobs/{id}"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(unlisted, json!({ "id": id, "status": "closed" }));
    let (status, err) = api
        .patch(&format!("/jobs/{id}"), json!({ "headcount": 2 }))
        .await;
    assert_eq!(status, 409);
    assert_eq!(err["details"]["requiredStatus"], json!("OPEN"));
    let (status, draft) = api
        .patch(
            &format!("/job-drafts/{id}"),
            json!({ "jobDescription": "Label tweets" }),
        )
        .await;
    assert_eq!(status, 200, "{draft}");
}

#[tokio::test]
async fn a_live_job_cannot_be_patched_as_a_draft() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let id = api.published_job().await;
    let (status, err) = api
        .patch(&format!("/job-drafts/{id}"), json!({ "headcount": 2 }))
        .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["details"]["requiredStatus"], json!("DRAFT"));
}

#[tokio::test]
async fn unclaimed_accounts_publish_three_jobs_a_day() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_owner_claimed(false);
    let api = Api::new(&sandbox);
    for _ in 0..3 {
        api.published_job().await;
    }
    let id = api.ready_draft().await;
    let (status, err) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 429, "{err}");
    assert_eq!(err["code"], json!("RATE_LIMITED"));
    assert_eq!(err["details"]["limit"], json!(3));
    assert_eq!(err["details"]["windowHours"], json!(24));
    sandbox.advance_clock(Duration::from_secs(25 * 3600));
    let (status, _) = api.post_empty(&format!("/jobs/{id}/publish")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn closing_is_idempotent_and_unlists_the_job() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let since = sandbox.now().to_rfc3339();
    let id = api.published_job().await;
    let (status, closed) = api.post_empty(&format!("/jobs/{id}/close")).await;
    assert_eq!(status, 200);
    assert_eq!(closed["status"], json!("ARCHIVED"));
    assert_eq!(closed["alreadyClosed"], json!(false));
    let (_, again) = api.post_empty(&format!("/jobs/{id}/close")).await;
    assert_eq!(again["alreadyClosed"], json!(true));
    let public = Api::with_token(&sandbox, None);
    let (status, body) = public.get(&format!("/jobs/{id}")).await;
    assert_eq!((status, body["status"].clone()), (404, json!("closed")));
    let (status, feed) = public
        .get(&format!(
            "/jobs/changes?since={}",
            since.replace('+', "%2B")
        ))
        .await;
    assert_eq!(status, 200, "{feed}");
    let changes = feed["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "latest event per job only: {feed}");
    assert_eq!(changes[0]["eventType"], json!("CLOSED"));
    let (status, _) = public.get("/jobs/changes").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn marketplace_search_filters_and_pages_without_duplicates() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let mine = api.published_job().await;
    let public = Api::with_token(&sandbox, None);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/jobs?limit=1&cursor={c}"),
            None => "/jobs?limit=1".to_owned(),
        };
        let (status, page) = public.get(&path).await;
        assert_eq!(status, 200, "{page}");
        for job in page["jobs"].as_array().unwrap() {
            seen.push(job["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 4, "three seeded jobs and ours: {seen:?}");
    assert_eq!(unique.len(), seen.len());
    assert_eq!(seen[0], mine, "newest first");
    let (_, spanish) = public.get("/jobs?q=spanish%20sentiment").await;
    assert_eq!(spanish["jobs"].as_array().unwrap().len(), 1);
    let (_, german) = public.get("/jobs?language=German").await;
    assert_eq!(german["jobs"][0]["id"], json!("job_market_3"));
    let (_, hourly) = public.get("/jobs?payType=PAY_PER_HOUR").await;
    assert_eq!(hourly["jobs"].as_array().unwrap().len(), 1);
    let (status, _) = public.get("/jobs?payType=WEEKLY").await;
    assert_eq!(status, 400);
    let (status, _) = public.get("/jobs?cursor=nope").await;
    assert_eq!(status, 400);
    let (_, facets) = public.get("/jobs/facets").await;
    assert_eq!(facets["totalJobs"], json!(4));
    assert_eq!(facets["languages"][0]["value"], json!("English"));
    let label_count = facets["payTypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == json!("PAY_PER_LABEL"))
        .unwrap()["count"]
        .clone();
    assert_eq!(label_count, json!(2));
}

#[tokio::test]
async fn my_jobs_list_newest_first_with_paging_and_a_status_filter() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let mut created = Vec::new();
    for _ in 0..3 {
        let (_, d) = api
            .post("/job-drafts", json!({ "rawJobDescription": SPANISH }))
            .await;
        created.push(d["jobId"].as_str().unwrap().to_owned());
    }
    let (_, first) = api.get("/jobs/mine?limit=2").await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = api
        .get(&format!("/jobs/mine?limit=2&cursor={cursor}"))
        .await;
    let ids: Vec<&str> = first["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["jobs"].as_array().unwrap())
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = created.iter().rev().map(String::as_str).collect();
    assert_eq!(ids, newest_first);
    assert_eq!(second["nextCursor"], Value::Null);
    let (status, err) = api.get("/jobs/mine?status=LIVE").await;
    assert_eq!(status, 400);
    assert!(
        err["details"]["supportedStatuses"]
            .as_array()
            .unwrap()
            .contains(&json!("OPEN"))
    );
    let (status, _) = api.get("/jobs/mine?limit=0").await;
    assert_eq!(status, 400);
    let (_, open) = api.get("/jobs/mine?status=OPEN").await;
    assert!(open["jobs"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn invites_are_idempotent_and_refuse_what_the_docs_refuse() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_feature(Feature::Hiring, true);
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let path = format!("/jobs/{job}/invites");
    let (status, first) = api
        .post(&path, json!({ "freelancerId": "usr_fl_chloe" }))
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["alreadyInvited"], json!(false));
    let (status, again) = api
        .post(&path, json!({ "freelancerId": "usr_fl_chloe" }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(again["alreadyInvited"], json!(true));
    assert_eq!(again["proposalId"], first["proposalId"]);
    let (status, err) = api
        .post(&path, json!({ "freelancerId": "usr_fl_sam" }))
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("freelancer_unavailable"))
    );
    let (status, _) = api
        .post(&path, json!({ "freelancerId": "usr_nobody" }))
        .await;
    assert_eq!(status, 404);
    let (status, _) = api.post(&path, json!({})).await;
    assert_eq!(status, 400);
    let draft = api.ready_draft().await;
    let (status, err) = api
        .post(
            &format!("/jobs/{draft}/invites"),
            json!({ "freelancerId": "usr_fl_chloe" }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("job_not_published"))
    );
    let proposal = first["proposalId"].as_str().unwrap();
    let (status, err) = api.get(&format!("/proposals/{proposal}/interview")).await;
    assert_eq!(status, 404, "an invited trainer has no interview yet");
    assert_eq!(err["details"]["proposalId"], json!(proposal));
    sandbox.set_owner_claimed(false);
    let (status, err) = api
        .post(&path, json!({ "freelancerId": "usr_fl_maria" }))
        .await;
    assert_eq!(status, 403);
    assert_eq!(err["details"]["reason"], json!("account_claim_required"));
}

#[tokio::test]
async fn freelancer_profiles_are_masked_and_found_by_id_or_slug() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (status, by_slug) = api.get("/freelancers/maria-g").await;
    assert_eq!(status, 200);
    assert_eq!(by_slug["freelancer"]["displayName"], json!("Maria G."));
    assert_eq!(by_slug["freelancer"]["lastNameInitial"], json!("G"));
    let (_, by_id) = api.get("/freelancers/usr_fl_maria").await;
    assert_eq!(by_id["freelancer"]["profileSlug"], json!("maria-g"));
    let (status, _) = api.get("/freelancers/nobody").await;
    assert_eq!(status, 404);
    let jobs_only = Api::with_token(&sandbox, Some(sandbox.issue_token(&[Scope::JobsRead])));
    let (status, _) = jobs_only.get("/freelancers/maria-g").await;
    assert_eq!(status, 403);
}

// ---------------------------------------------------------------------------------------------
// Proposals and messages

#[tokio::test]
async fn proposals_page_newest_first_without_duplicates_and_filter_by_status() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let mut added = Vec::new();
    for _ in 0..3 {
        added.push(sandbox.add_proposal(&job).unwrap());
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/jobs/{job}/proposals?limit=2&cursor={c}"),
            None => format!("/jobs/{job}/proposals?limit=2"),
        };
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        for p in page["proposals"].as_array().unwrap() {
            seen.push(p["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);
    assert_eq!(seen[0], added[2], "newest first");
    sandbox
        .set_proposal_status(&added[0], "SHORTLISTED")
        .unwrap();
    let (_, shortlisted) = api
        .get(&format!("/jobs/{job}/proposals?status=shortlisted"))
        .await;
    assert_eq!(shortlisted["proposals"][0]["id"], json!(added[0]));
    assert_eq!(
        shortlisted["proposals"][0]["status"]["label"],
        json!("Shortlisted")
    );
    let (_, not_fit) = api
        .get(&format!("/jobs/{job}/proposals?status=not-a-fit"))
        .await;
    assert!(not_fit["proposals"].as_array().unwrap().is_empty());
    let (status, err) = api
        .get(&format!("/jobs/{job}/proposals?status=great"))
        .await;
    assert_eq!(status, 400);
    assert!(
        err["details"]["supportedStatuses"]
            .as_array()
            .unwrap()
            .contains(&json!("HIRED"))
    );
    let (status, _) = api.get("/jobs/job_nope/proposals").await;
    assert_eq!(status, 404);
    assert!(sandbox.add_proposal("job_nope").is_err());
}

#[tokio::test]
async fn a_proposal_reads_in_full_with_its_interview() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let proposal = sandbox.add_proposal(&job).unwrap();
    let (status, detail) = api.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(status, 200, "{detail}");
    let p = &detail["proposal"];
    assert_eq!(p["jobId"], json!(job));
    assert_eq!(p["aiInterview"]["transcriptAvailable"], json!(true));
    assert_eq!(p["bid"]["unit"], json!("PER_LABEL"));
    assert!(
        p["candidate"]["displayName"]
            .as_str()
            .unwrap()
            .ends_with('.')
    );
    let (status, interview) = api.get(&format!("/proposals/{proposal}/interview")).await;
    assert_eq!(status, 200);
    assert_eq!(
        interview["interview"]["messages"].as_array().unwrap().len(),
        4
    );
    assert_eq!(
        interview["interview"]["messages"][0]["role"],
        json!("interviewer")
    );
    let (status, err) = api.get("/proposals/prop_nope").await;
    assert_eq!(status, 404);
    assert_eq!(err["details"]["proposalId"], json!("prop_nope"));
}

#[tokio::test]
async fn conversations_and_messages_follow_the_documented_rules() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let proposal = sandbox.add_proposal(&job).unwrap();
    let path = format!("/proposals/{proposal}/conversation");
    let (status, opened) = api.post_empty(&path).await;
    assert_eq!(status, 201, "{opened}");
    assert_eq!(opened["created"], json!(true));
    let conversation = opened["conversationId"].as_str().unwrap().to_owned();
    let (status, again) = api.post_empty(&path).await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["created"].clone(), again["conversationId"].clone()),
        (json!(false), json!(conversation))
    );
    assert!(
        sandbox.freelancer_reply(&conversation, "hello?").is_err(),
        "employer writes first"
    );
    let (status, sent) = api
        .post(
            "/messages",
            json!({ "conversationId": conversation, "content": "Could you start Monday?" }),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["message"]["isFromViewer"], json!(true));
    sandbox
        .freelancer_reply(&conversation, "Yes, Monday works.")
        .unwrap();
    let (_, list) = api.get("/messages?filter=proposal&unreadOnly=true").await;
    let summary = &list["conversations"][0];
    assert_eq!(summary["id"], json!(conversation));
    assert_eq!(summary["unreadCount"], json!(1));
    assert_eq!(
        summary["lastMessage"]["content"],
        json!("Yes, Monday works.")
    );
    let (_, jobs_only) = api.get("/messages?filter=job").await;
    assert!(
        jobs_only["conversations"].is_null()
            || jobs_only["conversations"].as_array().unwrap().is_empty()
    );
    let (_, older) = api
        .get(&format!("/messages?conversationId={conversation}&limit=1"))
        .await;
    assert_eq!(older["messages"][0]["content"], json!("Yes, Monday works."));
    let cursor = older["nextCursor"].as_str().unwrap();
    let (_, rest) = api
        .get(&format!(
            "/messages?conversationId={conversation}&limit=1&cursor={cursor}"
        ))
        .await;
    assert_eq!(
        rest["messages"][0]["content"],
        json!("Could you start Monday?")
    );
    assert_eq!(rest["nextCursor"], Value::Null);
    let (_, newer) = api
        .get(&format!(
            "/messages?conversationId={conversation}&direction=newer"
        ))
        .await;
    assert_eq!(
        newer["messages"][0]["content"],
        json!("Could you start Monday?")
    );
    let (status, _) = api
        .get("/messages?direction=sideways&conversationId=x")
        .await;
    assert_eq!(status, 400);
    let (status, _) = api.get("/messages?conversationId=conv_nope").await;
    assert_eq!(status, 404);
    let (status, err) = api
        .post(
            "/messages",
            json!({ "conversationId": conversation, "content": "mail me at me@example.com" }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (403, json!("message_policy_blocked"))
    );
    let (status, _) = api
        .post(
            "/messages",
            json!({ "conversationId": conversation, "content": "" }),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        api.event_types()
            .await
            .contains(&"message.received".to_owned())
    );
    sandbox.set_owner_claimed(false);
    let (status, err) = api
        .post(
            "/messages",
            json!({ "conversationId": conversation, "content": "hi" }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (403, json!("account_claim_required"))
    );
}

// ---------------------------------------------------------------------------------------------
// Money

#[tokio::test]
async fn a_confirmed_hire_creates_the_contract_and_records_the_events() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let (_, list) = api.get(&format!("/jobs/{job}/proposals")).await;
    let proposal = list["proposals"][0]["id"].as_str().unwrap().to_owned();
    let (status, pending) = api
        .post(&format!("/proposals/{proposal}/hire"), hire_body(300.0))
        .await;
    assert_eq!(status, 202, "{pending}");
    let approval = &pending["approval"];
    assert_eq!(approval["type"], json!("proposal_hire"));
    assert_eq!(approval["status"], json!("pending"));
    assert_eq!(approval["proposalId"], json!(proposal));
    assert!(
        approval["approvalUrl"]
            .as_str()
            .unwrap()
            .ends_with(approval["id"].as_str().unwrap())
    );
    let id = approval["id"].as_str().unwrap().to_owned();
    let (_, same) = api
        .post(&format!("/proposals/{proposal}/hire"), hire_body(300.0))
        .await;
    assert_eq!(
        same["approval"]["id"],
        json!(id),
        "same terms, same approval"
    );
    assert_eq!(sandbox.pending_approvals(), vec![id.clone()]);
    sandbox.confirm_approval(&id).unwrap();
    let (_, read) = api.get(&format!("/approvals/{id}")).await;
    assert_eq!(read["approval"]["status"], json!("confirmed"));
    assert_eq!(read["approval"]["result"]["hired"], json!(true));
    let contract = read["approval"]["result"]["contractId"].as_str().unwrap();
    let (_, detail) = api.get(&format!("/contracts/{contract}")).await;
    let c = &detail["contract"];
    assert_eq!(c["status"], json!("active"));
    assert_eq!(c["paymentType"], json!("PAY_PER_LABEL"));
    assert_eq!(c["milestones"][0]["status"], json!("ACTIVE_FUNDED"));
    assert_eq!(c["milestones"][0]["amountUsd"], json!(300.0));
    assert_eq!(c["milestones"][0]["dueDate"], json!("2026-07-01T00:00:00Z"));
    assert!(c["jobDmConversationId"].is_string());
    assert_eq!(c["budget"]["fundedAmountUsd"], json!(300.0));
    let (_, contracts) = api.get("/contracts?status=active").await;
    assert_eq!(contracts["contracts"].as_array().unwrap().len(), 1);
    assert!(contracts["contracts"][0]["jobDmConversationId"].is_null());
    let (_, hired) = api.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(hired["proposal"]["status"]["raw"], json!("HIRED"));
    assert_eq!(hired["proposal"]["contract"]["id"], json!(contract));
    let types = api.event_types().await;
    let tail: Vec<&str> = types
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "proposal.status_changed",
            "contract.created",
            "milestone.status_changed",
            "approval.confirmed"
        ]
    );
    let (_, updates) = api.get("/updates?limit=200").await;
    let last = updates["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last["data"],
        json!({ "approvalId": id, "status": "confirmed" })
    );
    let (status, err) = api
        .post(&format!("/proposals/{proposal}/hire"), hire_body(300.0))
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("already_accepted"))
    );
    let (_, threads) = api.get("/messages?filter=job").await;
    assert_eq!(threads["conversations"][0]["bucket"], json!("job"));
}

#[tokio::test]
async fn new_hire_terms_supersede_and_declined_or_expired_approvals_run_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let (_, list) = api.get(&format!("/jobs/{job}/proposals")).await;
    let first = list["proposals"][0]["id"].as_str().unwrap().to_owned();
    let second = list["proposals"][1]["id"].as_str().unwrap().to_owned();
    let (_, a) = api
        .post(&format!("/proposals/{first}/hire"), hire_body(300.0))
        .await;
    let (_, b) = api
        .post(&format!("/proposals/{first}/hire"), hire_body(450.0))
        .await;
    let (old, new) = (
        a["approval"]["id"].as_str().unwrap(),
        b["approval"]["id"].as_str().unwrap(),
    );
    assert_ne!(old, new);
    let (_, superseded) = api.get(&format!("/approvals/{old}")).await;
    assert_eq!(superseded["approval"]["status"], json!("expired"));
    sandbox.decline_approval(new).unwrap();
    let (_, declined) = api.get(&format!("/approvals/{new}")).await;
    assert_eq!(declined["approval"]["status"], json!("declined"));
    assert!(declined["approval"]["resolvedAt"].is_string());
    assert!(
        sandbox.confirm_approval(new).is_err(),
        "declined is terminal"
    );
    let (_, lazy) = api
        .post(&format!("/proposals/{second}/hire"), hire_body(100.0))
        .await;
    let lazy = lazy["approval"]["id"].as_str().unwrap().to_owned();
    sandbox.advance_clock(Duration::from_secs(73 * 3600));
    let (_, expired) = api.get(&format!("/approvals/{lazy}")).await;
    assert_eq!(expired["approval"]["status"], json!("expired"));
    assert!(sandbox.pending_approvals().is_empty());
    assert!(sandbox.confirm_approval(&lazy).is_err());
    let (_, contracts) = api.get("/contracts").await;
    assert!(contracts["contracts"].as_array().is_none_or(Vec::is_empty));
    let (_, updates) = api.get("/updates?limit=200").await;
    let statuses: Vec<Value> = updates["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == json!("approval.confirmed"))
        .map(|e| e["data"]["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!("expired"), json!("declined"), json!("expired")]
    );
    let (status, err) = api.get("/approvals/apr_nope").await;
    assert_eq!(status, 404);
    assert_eq!(err["details"]["resource"], json!("approvals"));
    assert_eq!(err["details"]["approvalId"], json!("apr_nope"));
    sandbox.expire_approval("apr_nope").unwrap_err();
}

#[tokio::test]
async fn milestones_are_created_funded_and_released_through_approvals() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, _, contract) = api.hired().await;
    let path = format!("/contracts/{contract}/milestones");
    let (status, err) = api.post(&path, json!({ "name": "Batch 2" })).await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("description"))
    );
    let (status, err) = api
        .post(&path, json!({ "description": "Next 5,000 posts" }))
        .await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("volume")),
        "per-label contracts need a volume"
    );
    let (status, err) = api
        .post(
            &path,
            json!({ "description": "Next 5,000 posts", "volume": 5000, "amountUsd": 1 }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("amountUsd"))
    );
    let (status, created) = api
        .post(&path, json!({ "name": "Batch 2", "description": "Next 5,000 posts", "volume": 5000, "dueDate": "2026-07-15" }))
        .await;
    assert_eq!(status, 201, "{created}");
    let m = &created["milestone"];
    assert_eq!(m["status"], json!("NOT_FUNDED"));
    assert_eq!(m["milestoneNumber"], json!(2));
    assert_eq!(m["amountUsd"], json!(250.0), "0.05 per label x 5,000");
    let milestone = m["id"].as_str().unwrap().to_owned();
    let (status, err) = api
        .post_empty(&format!("/milestones/{milestone}/approve"))
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("milestone_not_funded"))
    );
    let (status, fund) = api
        .post_empty(&format!("/milestones/{milestone}/fund"))
        .await;
    assert_eq!(status, 202, "{fund}");
    assert_eq!(fund["approval"]["type"], json!("milestone_fund"));
    let (_, again) = api
        .post_empty(&format!("/milestones/{milestone}/fund"))
        .await;
    assert_eq!(again["approval"]["id"], fund["approval"]["id"]);
    let (_, pending) = api.get("/payments/pending").await;
    assert_eq!(pending["payments"][0]["status"], json!("PENDING_FUNDING"));
    assert_eq!(pending["payments"][0]["milestone"]["id"], json!(milestone));
    let (_, detail) = api.get(&format!("/contracts/{contract}")).await;
    assert_eq!(
        detail["contract"]["milestones"][1]["pendingApproval"],
        json!(true)
    );
    sandbox
        .confirm_approval(fund["approval"]["id"].as_str().unwrap())
        .unwrap();
    let (_, pending) = api.get("/payments/pending").await;
    assert!(pending["payments"].as_array().unwrap().is_empty());
    let (_, detail) = api.get(&format!("/contracts/{contract}")).await;
    assert_eq!(
        detail["contract"]["milestones"][1]["status"],
        json!("ACTIVE_FUNDED")
    );
    let (status, err) = api
        .post_empty(&format!("/milestones/{milestone}/fund"))
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("milestone_not_fundable"))
    );
    let (status, release) = api
        .post_empty(&format!("/milestones/{milestone}/approve"))
        .await;
    assert_eq!(status, 202, "{release}");
    let release_id = release["approval"]["id"].as_str().unwrap().to_owned();
    sandbox.confirm_approval(&release_id).unwrap();
    let (_, read) = api.get(&format!("/approvals/{release_id}")).await;
    assert!(read["approval"]["result"]["payoutTransactionId"].is_string());
    let (_, detail) = api.get(&format!("/contracts/{contract}")).await;
    assert_eq!(detail["contract"]["milestones"][1]["status"], json!("PAID"));
    let types = api.event_types().await;
    assert!(types.contains(&"payment.pending".to_owned()));
    let (status, _) = api.post_empty("/milestones/ms_nope/fund").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn ending_a_contract_is_direct_without_funds_and_co_signed_with_them() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (_, _, funded) = api.hired().await;
    let (status, pending) = api.post_empty(&format!("/contracts/{funded}/end")).await;
    assert_eq!(status, 202, "{pending}");
    assert_eq!(pending["approval"]["type"], json!("contract_end"));
    let (_, same) = api.post_empty(&format!("/contracts/{funded}/end")).await;
    assert_eq!(same["approval"]["id"], pending["approval"]["id"]);
    let approval = pending["approval"]["id"].as_str().unwrap();
    sandbox.confirm_approval(approval).unwrap();
    let (_, read) = api.get(&format!("/approvals/{approval}")).await;
    assert_eq!(read["approval"]["result"], json!({ "contractEnded": true }));
    let (status, err) = api.post_empty(&format!("/contracts/{funded}/end")).await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("contract_ended"))
    );
    let (status, err) = api
        .post(
            &format!("/contracts/{funded}/milestones"),
            json!({ "description": "more", "volume": 10 }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("contract_ended"))
    );
    let (_, _, second) = api.hired().await;
    let (_, detail) = api.get(&format!("/contracts/{second}")).await;
    let first_milestone = detail["contract"]["milestones"][0]["id"].as_str().unwrap();
    let (_, release) = api
        .post_empty(&format!("/milestones/{first_milestone}/approve"))
        .await;
    sandbox
        .confirm_approval(release["approval"]["id"].as_str().unwrap())
        .unwrap();
    let (status, ended) = api.post_empty(&format!("/contracts/{second}/end")).await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(
        ended,
        json!({ "ok": true, "contractId": second, "status": "ended" })
    );
    let (_, ended_list) = api.get("/contracts?status=ended").await;
    assert_eq!(ended_list["contracts"].as_array().unwrap().len(), 2);
    let (status, err) = api.get("/contracts?status=paused").await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("status"))
    );
    let (status, _) = api.get("/contracts/ctr_nope").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn money_calls_enforce_scope_claim_feature_payment_method_and_not_a_fit() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let job = api.published_job().await;
    let (_, list) = api.get(&format!("/jobs/{job}/proposals")).await;
    let proposal = list["proposals"][0]["id"].as_str().unwrap().to_owned();
    let hire = format!("/proposals/{proposal}/hire");
    let (status, err) = api
        .post(
            &hire,
            json!({ "milestone": { "name": "x", "amount": "ten" } }),
        )
        .await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("milestone.amount"))
    );
    let (status, err) = api
        .post(&hire, json!({ "milestone": { "amount": 10 } }))
        .await;
    assert_eq!(
        (status, err["details"]["field"].clone()),
        (400, json!("milestone.name"))
    );
    let reader = Api::with_token(&sandbox, Some(sandbox.issue_token(&[Scope::ProposalsRead])));
    let (status, err) = reader.post(&hire, hire_body(300.0)).await;
    assert_eq!(status, 403);
    assert_eq!(err["details"]["requiredScopes"], json!(["proposals:write"]));
    sandbox.set_payment_method(false);
    let (status, err) = api.post(&hire, hire_body(300.0)).await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("payment_method_required"))
    );
    assert!(err["details"]["billingUrl"].is_string());
    sandbox.set_payment_method(true);
    sandbox.set_proposal_status(&proposal, "NOT_A_FIT").unwrap();
    let (status, err) = api.post(&hire, hire_body(300.0)).await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (409, json!("not_fit_confirmation_required"))
    );
    let mut body = hire_body(300.0);
    body["confirmNotFitOverride"] = json!(true);
    let (status, _) = api.post(&hire, body).await;
    assert_eq!(status, 202);
    sandbox.set_feature(Feature::Hiring, false);
    let (status, err) = api.post(&hire, hire_body(300.0)).await;
    assert_eq!(
        (status, err["details"]["featureKey"].clone()),
        (403, json!("public_api_hiring"))
    );
    sandbox.set_feature(Feature::Hiring, true);
    sandbox.set_owner_claimed(false);
    let (status, err) = api.post(&hire, hire_body(300.0)).await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (403, json!("account_claim_required"))
    );
    let (status, err) = api.post_empty("/contracts/ctr_any/end").await;
    assert_eq!(
        (status, err["details"]["reason"].clone()),
        (403, json!("account_claim_required"))
    );
    sandbox.set_owner_claimed(true);
    sandbox.set_feature(Feature::PaymentsWrite, false);
    let (status, err) = api.post_empty("/milestones/ms_any/fund").await;
    assert_eq!(
        (status, err["details"]["featureKey"].clone()),
        (403, json!("public_api_payments_write"))
    );
    let payments_reader = Api::with_token(&sandbox, Some(sandbox.issue_token(&[Scope::JobsRead])));
    let (status, _) = payments_reader.get("/payments/pending").await;
    assert_eq!(status, 403);
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// Registers an anonymous agent (a second, unclaimed account) and returns its pre-claim token.
async fn register_agent(sandbox: &Sandbox) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/api/agent/identity", sandbox.base_url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn another_account_neither_sees_nor_touches_my_records() {
    let sandbox = Sandbox::start().await.unwrap();
    let api = Api::new(&sandbox);
    let (job, proposal, contract) = api.hired().await;
    let (_, hire) = api
        .post(&format!("/proposals/{proposal}/hire"), hire_body(1.0))
        .await;
    assert_eq!(hire["details"]["reason"], json!("already_accepted"));
    let (_, detail) = api.get(&format!("/contracts/{contract}")).await;
    let milestone = detail["contract"]["milestones"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, release) = api
        .post_empty(&format!("/milestones/{milestone}/approve"))
        .await;
    let approval = release["approval"]["id"].as_str().unwrap().to_owned();

    let other = Api::with_token(&sandbox, Some(register_agent(&sandbox).await));
    let (status, _) = other.get(&format!("/jobs/{job}/proposals")).await;
    assert_eq!(status, 403);
    let (status, _) = other.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(status, 403);
    let (status, _) = other.post_empty(&format!("/jobs/{job}/publish")).await;
    assert_eq!(status, 404);
    let (status, _) = other.get(&format!("/approvals/{approval}")).await;
    assert_eq!(status, 404);
    let (status, _) = other.get(&format!("/contracts/{contract}")).await;
    assert_eq!(status, 404);
    let (status, _) = other.get(&format!("/contracts?jobId={job}")).await;
    assert_eq!(status, 403);
    let (status, err) = other
        .post(&format!("/proposals/{proposal}/hire"), hire_body(1.0))
        .await;
    assert_eq!(status, 403, "pre-claim tokens lack proposals:write");
    assert_eq!(err["details"]["requiredScopes"], json!(["proposals:write"]));
    let (_, mine) = other.get("/jobs/mine").await;
    assert!(mine["jobs"].as_array().unwrap().is_empty());
    // A fresh agent may draft and publish before its claim, within the lower daily limit.
    for _ in 0..3 {
        other.published_job().await;
    }
    let extra = other.ready_draft().await;
    let (status, err) = other.post_empty(&format!("/jobs/{extra}/publish")).await;
    assert_eq!((status, err["details"]["limit"].clone()), (429, json!(3)));
}
