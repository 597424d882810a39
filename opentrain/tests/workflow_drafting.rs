//! The drafting loop on the wire: what `post_job` sends (create, one PATCH per round, publish),
//! how both documented shapes of `validation.missingFields` decode, and every way the loop ends
//! (publish-ready, max rounds, abort, an enum answer refused before sending, a 400 publish
//! validation, a 403 moderation block, the 429 daily limit), each as its own variant.

mod common;

use common::wire_log::Log;
use mockito::{Matcher, Mock, ServerGuard};
use opentrain::drafting::{
    Answer, Draft, DraftInput, MapAnswerer, MissingField, PostJobError, Published,
};
use serde_json::{Value, json};

/// The loop's own outcome that `post_job` ended with ([`opentrain::Error::PostJob`]); any other
/// error fails the test.
fn loop_outcome(error: opentrain::Error) -> PostJobError {
    match error {
        opentrain::Error::PostJob(outcome) => *outcome,
        other => panic!("post_job failed with another error: {other}"),
    }
}

const DRAFTS: &str = "/api/public/v1/job-drafts";

/// One create step on its own: `create_job_draft` with the input's documented body, its answer
/// read as a [`Draft`].
async fn create_draft(
    client: &opentrain::Client,
    input: impl Into<DraftInput>,
) -> Result<Draft, opentrain::Error> {
    let body = input.into().to_request()?;
    let envelope = client.create_job_draft().body(body).send().await?;
    Ok(Draft::from(envelope.into_inner()))
}

// ---------------------------------------------------------------------------------------------
// Draft envelopes, as the docs show them
// ---------------------------------------------------------------------------------------------

/// A top-level `missingFields` entry in the create page's shape.
fn detail(field: &str, kind: &str, enum_values: Option<&[&str]>) -> Value {
    json!({
        "field": field,
        "label": field,
        "message": format!("{field} is required before publishing."),
        "code": "missing_required_field",
        "prompt": format!("ask: {field}?"),
        "type": kind,
        "enumValues": enum_values,
        "updateKeys": [field],
        "example": null,
        "hint": null
    })
}

fn experience_level() -> Value {
    detail(
        "experienceLevel",
        "enum",
        Some(&[
            "EXPERT",
            "ENTRY_LEVEL",
            "INTERMEDIATE",
            "ANY_EXPERIENCE_LEVEL",
        ]),
    )
}

fn price_per_label() -> Value {
    detail("pricePerLabel", "number", None)
}

fn data_volume_unit() -> Value {
    detail(
        "dataVolumeUnit",
        "enum",
        Some(&[
            "HOURS_OF_RECORDING_AUDIO_VIDEO",
            "NUMBER_OF_FILES",
            "NUMBER_OF_WORDS",
            "UNKNOWN_NOT_SPECIFIED",
        ]),
    )
}

/// A draft envelope: `validation.missingFields` as given, the top-level details as given.
fn envelope(job_id: &str, ready: bool, in_validation: Value, top_level: Vec<Value>) -> Value {
    let count = top_level
        .len()
        .max(in_validation.as_array().map_or(0, Vec::len));
    json!({
        "ok": true,
        "jobId": job_id,
        "status": "DRAFT",
        "draftUrl": format!("https://app.opentrain.ai/job-post?jobId={job_id}"),
        "validation": {
            "publishReady": ready,
            "issueCount": 0,
            "missingFieldCount": if ready { 0 } else { count },
            "missingFields": in_validation,
            "issues": []
        },
        "missingFields": top_level
    })
}

/// The create page's shape: `validation.missingFields` empty, the details at the top level.
fn created(job_id: &str, top_level: Vec<Value>) -> Value {
    envelope(job_id, false, json!([]), top_level)
}

fn ready(job_id: &str) -> Value {
    envelope(job_id, true, json!([]), vec![])
}

fn published(job_id: &str) -> Value {
    json!({
        "ok": true, "jobId": job_id, "status": "OPEN", "alreadyPublished": false,
        "jobUrl": format!("https://app.opentrain.ai/jobs/{job_id}"),
        "publishAttemptId": "pa_1", "warnings": [],
        "sideEffects": {"dispatched": true, "status": "queued"}
    })
}

async fn create_mock(server: &mut ServerGuard, log: &Log, body: &Value) -> Mock {
    log.answer(server.mock("POST", DRAFTS), 201, body)
        .expect(1)
        .create_async()
        .await
}

fn patch_path(job_id: &str) -> String {
    format!("{DRAFTS}/{job_id}")
}

fn publish_path(job_id: &str) -> String {
    format!("/api/public/v1/jobs/{job_id}/publish")
}

const DESCRIPTION: &str = "We need 5 fluent Spanish speakers to label sentiment in ~20,000 posts.";

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn two_rounds_then_publish_send_one_create_one_patch_per_round_and_one_publish() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let create = create_mock(
        &mut server,
        &log,
        &created("job_1", vec![experience_level(), price_per_label()]),
    )
    .await;
    // Round one leaves a gap the create did not list; the PATCH names it the guide's way (a
    // name in `validation.missingFields`) with its details at the top level.
    let round_one = log
        .answer(
            server
                .mock("PATCH", patch_path("job_1").as_str())
                .match_body(Matcher::Json(
                    json!({"experienceLevel": "INTERMEDIATE", "pricePerLabel": 0.05}),
                )),
            200,
            &envelope(
                "job_1",
                false,
                json!(["dataVolumeUnit"]),
                vec![data_volume_unit()],
            ),
        )
        .expect(1)
        .create_async()
        .await;
    let round_two = log
        .answer(
            server
                .mock("PATCH", patch_path("job_1").as_str())
                .match_body(Matcher::Json(json!({"dataVolumeUnit": "NUMBER_OF_FILES"}))),
            200,
            &ready("job_1"),
        )
        .expect(1)
        .create_async()
        .await;
    let publish = log
        .answer(
            server.mock("POST", publish_path("job_1").as_str()),
            200,
            &published("job_1"),
        )
        .expect(1)
        .create_async()
        .await;

    let mut asked = Vec::new();
    let job = common::client(&server)
        .post_job(DESCRIPTION)
        .idempotency_key("sentiment-es-2026-001")
        .answer_with(async |field: &MissingField| {
            asked.push(format!("{}: {}", field.field(), field.question()));
            match field.field() {
                "experienceLevel" => Answer::Value("INTERMEDIATE".into()),
                "pricePerLabel" => Answer::Value(0.05.into()),
                "dataVolumeUnit" => Answer::Value("NUMBER_OF_FILES".into()),
                _ => Answer::Skip,
            }
        })
        .publish()
        .await
        .unwrap();

    assert_eq!(job.job_id, "job_1");
    assert_eq!(
        job.job_url.as_deref(),
        Some("https://app.opentrain.ai/jobs/job_1")
    );
    assert!(job.draft.as_ref().unwrap().publish_ready());
    assert_eq!(
        asked,
        [
            "experienceLevel: experienceLevel?",
            "pricePerLabel: pricePerLabel?",
            "dataVolumeUnit: dataVolumeUnit?"
        ]
    );
    for mock in [&create, &round_one, &round_two, &publish] {
        mock.assert_async().await;
    }
    insta::assert_yaml_snapshot!(log.sent());
}

#[tokio::test]
async fn one_patch_per_round_carries_every_answer_under_its_update_keys() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    // `rate` is patched under its update key, not its name.
    let mut rate = price_per_label();
    rate["field"] = json!("rate");
    let _create = create_mock(
        &mut server,
        &log,
        &created("job_2", vec![experience_level(), rate, data_volume_unit()]),
    )
    .await;
    let patch = log
        .answer(
            server.mock("PATCH", patch_path("job_2").as_str()),
            200,
            &ready("job_2"),
        )
        .expect(1)
        .create_async()
        .await;
    let answers = MapAnswerer::new()
        .with("experienceLevel", "EXPERT")
        .with("rate", 0.07)
        .with("dataVolumeUnit", "NUMBER_OF_WORDS");
    let draft = common::client(&server)
        .post_job(DESCRIPTION)
        .answer_with(answers)
        .draft()
        .await
        .unwrap();
    assert!(draft.publish_ready());
    patch.assert_async().await;
    let sent = log.sent();
    assert_eq!(
        log.lines(),
        [
            "POST /api/public/v1/job-drafts",
            "PATCH /api/public/v1/job-drafts/job_2"
        ]
    );
    assert_eq!(
        sent[1]["body"],
        json!({"experienceLevel": "EXPERT", "pricePerLabel": 0.07, "dataVolumeUnit": "NUMBER_OF_WORDS"})
    );
}

#[tokio::test]
async fn an_enum_answer_outside_enum_values_is_refused_before_any_patch() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _create = create_mock(
        &mut server,
        &log,
        &created("job_3", vec![price_per_label(), experience_level()]),
    )
    .await;
    let patch = server
        .mock("PATCH", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let err = loop_outcome(
        common::client(&server)
            .post_job(DESCRIPTION)
            .answer_with(
                MapAnswerer::new()
                    .with("pricePerLabel", 0.05)
                    .with("experienceLevel", "SENIOR"),
            )
            .draft()
            .await
            .unwrap_err(),
    );
    let PostJobError::NotAnEnumValue {
        field,
        value,
        allowed,
        draft,
    } = &err
    else {
        panic!("expected NotAnEnumValue, got {err:?}");
    };
    assert_eq!(field, "experienceLevel");
    assert_eq!(value, &json!("SENIOR"));
    assert_eq!(
        allowed,
        &[
            "EXPERT",
            "ENTRY_LEVEL",
            "INTERMEDIATE",
            "ANY_EXPERIENCE_LEVEL"
        ]
    );
    assert_eq!(draft.job_id(), "job_3");
    assert_eq!(err.job_id(), Some("job_3"));
    // Neither the refused answer nor the good one before it went out.
    patch.assert_async().await;
    assert_eq!(log.lines(), ["POST /api/public/v1/job-drafts"]);
}

#[tokio::test]
async fn an_enum_answer_of_the_wrong_case_or_type_is_refused_too() {
    for bad in [json!("intermediate"), json!(2)] {
        let mut server = mockito::Server::new_async().await;
        let log = Log::default();
        let _create = create_mock(
            &mut server,
            &log,
            &created("job_3", vec![experience_level()]),
        )
        .await;
        let patch = server
            .mock("PATCH", Matcher::Any)
            .expect(0)
            .create_async()
            .await;
        let err = loop_outcome(
            common::client(&server)
                .post_job(DESCRIPTION)
                .answer_with(MapAnswerer::new().with("experienceLevel", bad.clone()))
                .draft()
                .await
                .unwrap_err(),
        );
        assert!(
            matches!(&err, PostJobError::NotAnEnumValue { value, .. } if *value == bad),
            "{bad}: {err:?}"
        );
        patch.assert_async().await;
    }
}

#[tokio::test]
async fn abort_ends_the_loop_and_nothing_of_the_round_is_sent() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _create = create_mock(
        &mut server,
        &log,
        &created("job_4", vec![experience_level(), price_per_label()]),
    )
    .await;
    let nothing_else = server
        .mock("PATCH", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let no_publish = server
        .mock("POST", Matcher::Regex("/publish$".into()))
        .expect(0)
        .create_async()
        .await;
    let err = loop_outcome(
        common::client(&server)
            .post_job(DESCRIPTION)
            .answer_with(async |field: &MissingField| match field.field() {
                "experienceLevel" => Answer::Value("EXPERT".into()),
                _ => Answer::Abort,
            })
            .publish()
            .await
            .unwrap_err(),
    );
    let PostJobError::Aborted { field, draft } = &err else {
        panic!("expected Aborted, got {err:?}");
    };
    assert_eq!(field.field(), "pricePerLabel");
    assert_eq!(draft.job_id(), "job_4");
    assert!(!draft.publish_ready());
    nothing_else.assert_async().await;
    no_publish.assert_async().await;
}

#[tokio::test]
async fn max_rounds_exhausted_ends_after_exactly_that_many_patches() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _create = create_mock(
        &mut server,
        &log,
        &created("job_5", vec![price_per_label()]),
    )
    .await;
    // The server keeps asking for the price (say, the answers fail a server-side rule).
    let patches = log
        .answer(
            server.mock("PATCH", patch_path("job_5").as_str()),
            200,
            &envelope("job_5", false, json!(["pricePerLabel"]), vec![]),
        )
        .expect(2)
        .create_async()
        .await;
    let err = loop_outcome(
        common::client(&server)
            .post_job(DESCRIPTION)
            .answer_with(MapAnswerer::new().with("pricePerLabel", 0.01))
            .max_rounds(2)
            .draft()
            .await
            .unwrap_err(),
    );
    let PostJobError::MaxRounds {
        rounds,
        remaining,
        draft,
    } = &err
    else {
        panic!("expected MaxRounds, got {err:?}");
    };
    assert_eq!(*rounds, 2);
    let names: Vec<_> = remaining.iter().map(MissingField::field).collect();
    assert_eq!(names, ["pricePerLabel"]);
    // The names-only PATCH response kept the details the create gave.
    assert!(remaining[0].is_number());
    assert_eq!(draft.job_id(), "job_5");
    patches.assert_async().await;
}

#[tokio::test]
async fn skipping_every_field_ends_unanswered_without_a_patch() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _create = create_mock(
        &mut server,
        &log,
        &created("job_6", vec![experience_level()]),
    )
    .await;
    let patch = server
        .mock("PATCH", Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let err = loop_outcome(
        common::client(&server)
            .post_job(DESCRIPTION)
            .draft()
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(&err, PostJobError::Unanswered { skipped, .. } if skipped.len() == 1),
        "{err:?}"
    );
    patch.assert_async().await;
}

// ---------------------------------------------------------------------------------------------
// Publish outcomes
// ---------------------------------------------------------------------------------------------

/// Runs `post_job(...).publish()` on a draft that is ready at once, with publish answering
/// `status` and `body`; returns the error and the publish mock.
async fn publish_failing(status: usize, body: Value) -> (PostJobError, Mock, ServerGuard) {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _create = create_mock(&mut server, &log, &ready("job_7")).await;
    let publish = log
        .answer(
            server.mock("POST", publish_path("job_7").as_str()),
            status,
            &body,
        )
        .expect(1)
        .create_async()
        .await;
    let err = loop_outcome(
        common::client(&server)
            .post_job(DESCRIPTION)
            .publish()
            .await
            .unwrap_err(),
    );
    (err, publish, server)
}

#[tokio::test]
async fn a_400_on_publish_is_not_publish_ready_with_the_missing_fields_of_either_shape() {
    for missing in [
        json!(["experienceLevel", "dataVolumeUnit"]),
        json!([
            {"field": "experienceLevel", "type": "enum", "enumValues": ["EXPERT"], "updateKeys": ["experienceLevel"]},
            {"field": "dataVolumeUnit", "updateKeys": ["dataVolumeUnit"]}
        ]),
    ] {
        let validation = json!({"publishReady": false, "issueCount": 0, "missingFieldCount": 2, "missingFields": missing, "issues": []});
        let (err, publish, _server) = publish_failing(
            400,
            common::error_body("BAD_REQUEST", json!({"validation": validation})),
        )
        .await;
        let PostJobError::NotPublishReady {
            job_id,
            validation,
            missing: fields,
            error,
        } = &err
        else {
            panic!("expected NotPublishReady, got {err:?}");
        };
        assert_eq!(job_id, "job_7");
        assert!(!validation.as_ref().unwrap().publish_ready);
        let names: Vec<_> = fields.iter().map(MissingField::field).collect();
        assert_eq!(names, ["experienceLevel", "dataVolumeUnit"], "{missing}");
        assert_eq!(error.request_id.as_deref(), Some("req_test"));
        publish.assert_async().await;
    }
}

#[tokio::test]
async fn a_403_moderation_block_is_its_own_variant_with_the_reasons() {
    let (err, publish, _server) = publish_failing(
        403,
        common::error_body(
            "FORBIDDEN",
            json!({"reason": "moderation_blocked", "reasons": ["contact details in description", {"rule": "offsite_payment"}]}),
        ),
    )
    .await;
    let PostJobError::ModerationBlocked {
        job_id, reasons, ..
    } = &err
    else {
        panic!("expected ModerationBlocked, got {err:?}");
    };
    assert_eq!(job_id, "job_7");
    assert_eq!(
        reasons,
        &[
            "contact details in description",
            r#"{"rule":"offsite_payment"}"#
        ]
    );
    publish.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn the_429_daily_publish_limit_is_its_own_variant_and_is_not_retried() {
    let started = tokio::time::Instant::now();
    let (err, publish, _server) = publish_failing(
        429,
        common::error_body("RATE_LIMITED", json!({"limit": 3, "windowHours": 24})),
    )
    .await;
    let PostJobError::DailyLimit {
        job_id,
        limit,
        window_hours,
        ..
    } = &err
    else {
        panic!("expected DailyLimit, got {err:?}");
    };
    assert_eq!((job_id.as_str(), *limit, *window_hours), ("job_7", 3, 24));
    publish.assert_async().await;
    assert_eq!(started.elapsed().as_secs(), 0, "no retry wait");
}

#[tokio::test]
async fn publish_failures_display_what_happened_and_to_which_job() {
    // Displayed, they name what happened (the variants themselves are matched above).
    let (limit, _, _s1) = publish_failing(
        429,
        common::error_body("RATE_LIMITED", json!({"limit": 20, "windowHours": 24})),
    )
    .await;
    let (blocked, _, _s2) = publish_failing(
        403,
        common::error_body(
            "FORBIDDEN",
            json!({"reason": "moderation_blocked", "reasons": ["spam"]}),
        ),
    )
    .await;
    let (invalid, _, _s3) = publish_failing(
        400,
        common::error_body(
            "BAD_REQUEST",
            json!({"validation": {"publishReady": false, "missingFields": ["jobTitle"]}}),
        ),
    )
    .await;
    insta::assert_snapshot!(
        [limit.to_string(), blocked.to_string(), invalid.to_string()].join("\n"),
        @r"
    daily publish limit reached for job job_7: 20 per 24 h
    moderation blocked job job_7: spam
    job job_7 is not publish-ready; missing: jobTitle
    "
    );
}

// ---------------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rerunning_with_the_same_idempotency_key_sends_the_same_key_and_continues_the_same_draft() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    // The server answers both creates with the same draft, as it does for a repeated key.
    let creates = log
        .answer(
            server
                .mock("POST", DRAFTS)
                .match_body(Matcher::PartialJson(json!({"idempotencyKey": "acme-7-v1"}))),
            200,
            &created("job_8", vec![experience_level()]),
        )
        .expect(2)
        .create_async()
        .await;
    let patch = log
        .answer(
            server.mock("PATCH", patch_path("job_8").as_str()),
            200,
            &ready("job_8"),
        )
        .expect(1)
        .create_async()
        .await;
    let client = common::client(&server);

    // First run: the person walks away.
    let first = loop_outcome(
        client
            .post_job(DESCRIPTION)
            .idempotency_key("acme-7-v1")
            .answer_with(async |_: &MissingField| Answer::Abort)
            .draft()
            .await
            .unwrap_err(),
    );
    assert_eq!(first.job_id(), Some("job_8"));

    // Second run, same key: the same draft is continued, not a second one created.
    let draft = client
        .post_job(DESCRIPTION)
        .idempotency_key("acme-7-v1")
        .answer_with(MapAnswerer::new().with("experienceLevel", "ENTRY_LEVEL"))
        .draft()
        .await
        .unwrap();
    assert_eq!(draft.job_id(), "job_8");
    creates.assert_async().await;
    patch.assert_async().await;
    let sent = log.sent();
    assert_eq!(sent[0]["body"], sent[1]["body"], "the same create twice");
    assert_eq!(sent[1]["body"]["idempotencyKey"], "acme-7-v1");
}

#[tokio::test(start_paused = true)]
async fn a_create_with_an_idempotency_key_is_retried_through_a_503_with_the_same_key() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let busy = log
        .answer(
            server.mock("POST", DRAFTS),
            503,
            &json!({"error": "busy", "code": "SERVICE_UNAVAILABLE"}),
        )
        .expect(1)
        .create_async()
        .await;
    let ok = create_mock(&mut server, &log, &ready("job_9")).await;
    let draft = create_draft(
        &common::client(&server),
        DraftInput::text(DESCRIPTION).idempotency_key("k-1"),
    )
    .await
    .unwrap();
    assert_eq!(draft.job_id(), "job_9");
    busy.assert_async().await;
    ok.assert_async().await;
    let sent = log.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["body"], sent[1]["body"]);
}

#[tokio::test(start_paused = true)]
async fn a_create_without_a_key_is_not_sent_again_after_a_503() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let busy = log
        .answer(
            server.mock("POST", DRAFTS),
            503,
            &json!({"error": "busy", "code": "SERVICE_UNAVAILABLE"}),
        )
        .expect(1)
        .create_async()
        .await;
    let err = create_draft(&common::client(&server), DESCRIPTION)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    busy.assert_async().await;
}

// ---------------------------------------------------------------------------------------------
// Decoding and the single endpoints
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn both_shapes_of_validation_missing_fields_decode() {
    let names_with_details = envelope(
        "job_a",
        false,
        json!(["experienceLevel", "dataVolumeUnit"]),
        vec![experience_level()],
    );
    let objects = envelope(
        "job_b",
        false,
        json!([experience_level(), {"field": "dataVolumeUnit", "updateKeys": ["dataVolumeUnit"]}]),
        vec![],
    );
    let create_page = created("job_c", vec![experience_level(), data_volume_unit()]);
    for body in [names_with_details, objects, create_page] {
        let mut server = mockito::Server::new_async().await;
        let log = Log::default();
        let _m = create_mock(&mut server, &log, &body).await;
        let draft = create_draft(&common::client(&server), DESCRIPTION)
            .await
            .unwrap();
        let fields = draft.missing_fields();
        let names: Vec<_> = fields.iter().map(MissingField::field).collect();
        assert_eq!(names, ["experienceLevel", "dataVolumeUnit"], "{body}");
        assert!(fields[0].is_enum());
        assert_eq!(fields[0].enum_values().len(), 4);
        assert_eq!(fields[0].question(), "experienceLevel?");
        assert_eq!(fields[1].update_keys(), ["dataVolumeUnit".to_owned()]);
    }
}

#[tokio::test]
async fn each_draft_input_is_sent_in_its_documented_body_shape() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let _m = log
        .answer(server.mock("POST", DRAFTS), 201, &ready("job_d"))
        .expect(4)
        .create_async()
        .await;
    let client = common::client(&server);
    for input in [
        DraftInput::text("Label 500 receipts.").idempotency_key("k-text"),
        DraftInput::source_text("Label 500 receipts.")
            .external_id("acme-7")
            .idempotency_key("k-source"),
        DraftInput::schema_org(json!({"@type": "JobPosting", "title": "Receipt labeling"}))
            .external_id("acme-8"),
        DraftInput::indeed_xml("<job><title>Receipt labeling</title></job>"),
    ] {
        create_draft(&client, input).await.unwrap();
    }
    insta::assert_yaml_snapshot!(log.sent());
}

#[tokio::test]
async fn publishing_an_open_job_again_reports_already_published() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let mut again = published("job_e");
    again["alreadyPublished"] = json!(true);
    let _m = log
        .answer(
            server.mock("POST", publish_path("job_e").as_str()),
            200,
            &again,
        )
        .expect(1)
        .create_async()
        .await;
    let published = Published::from(
        common::client(&server)
            .publish_job()
            .id("job_e")
            .send()
            .await
            .unwrap()
            .into_inner(),
    );
    assert!(published.already_published);
    assert!(published.draft.is_none());
    assert_eq!(
        log.sent()[0],
        json!({"method": "POST", "path": "/api/public/v1/jobs/job_e/publish", "contentType": null, "bearer": true, "body": null})
    );
}

#[tokio::test]
async fn capabilities_are_one_authenticated_get_decoded_whole() {
    let mut server = mockito::Server::new_async().await;
    let log = Log::default();
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/getCapabilities.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let _m = log
        .answer(
            server.mock("GET", "/api/public/v1/job-drafts/capabilities"),
            200,
            &fixture,
        )
        .expect(1)
        .create_async()
        .await;
    let capabilities = common::client(&server)
        .get_capabilities()
        .send()
        .await
        .unwrap()
        .into_inner();
    let decoded = serde_json::to_value(&capabilities).unwrap();
    assert_eq!(decoded["capabilities"]["publish"], json!(true));
    assert_eq!(
        decoded["draft"]["importFormats"],
        fixture["draft"]["importFormats"]
    );
    assert_eq!(
        log.sent(),
        [
            json!({"method": "GET", "path": "/api/public/v1/job-drafts/capabilities", "contentType": null, "bearer": true, "body": null})
        ]
    );
}
