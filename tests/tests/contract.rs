//! The contract corrections against the sandbox: every status these operations return is
//! declared (so even the raw client decodes the error envelope instead of handing back an
//! undeclared response), and `GET /jobs/{id}` tells a job that is no longer listed from one
//! that never existed.

use opentrain::{Client, Error};
use opentrain_gen::transport::Transport;
use opentrain_sandbox::Sandbox;

/// The generated client on the direct transport (no facade pipeline), with the sandbox's token.
fn raw(sandbox: &Sandbox) -> opentrain_gen::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", sandbox.token()).parse().unwrap(),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    opentrain_gen::Client::new_with_client(&sandbox.api_url(), http, Transport::direct())
}

/// The status of a declared error response; panics (naming `what`) on anything else.
fn declared<T: std::fmt::Debug, E: std::fmt::Debug>(
    what: &str,
    result: Result<T, opentrain_gen::Error<E>>,
) -> u16 {
    match result {
        Err(opentrain_gen::Error::ErrorResponse(response)) => response.status().as_u16(),
        other => panic!("{what}: expected a declared error response, got {other:?}"),
    }
}

#[tokio::test]
async fn the_statuses_these_operations_return_are_declared() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = raw(&sandbox);
    let cases = [
        (
            "getContract 404",
            declared(
                "getContract",
                raw.get_contract().contract_id("ctr_nope").send().await,
            ),
            404,
        ),
        (
            "getProposal 404",
            declared(
                "getProposal",
                raw.get_proposal().proposal_id("prop_nope").send().await,
            ),
            404,
        ),
        (
            "pollUpdates 400",
            declared(
                "pollUpdates",
                raw.poll_updates().limit(100_000u64).send().await,
            ),
            400,
        ),
    ];
    for (what, got, want) in cases {
        assert_eq!(got, want, "{what}");
    }
    // hireFromProposal: 404 for an unknown proposal, 400 for an unusable milestone.
    let milestone = |amount: f64| {
        serde_json::from_value::<opentrain_gen::types::HireRequest>(serde_json::json!({
            "milestone": {"amount": amount, "name": "Batch"}
        }))
        .unwrap()
    };
    let unknown = raw
        .hire_from_proposal()
        .proposal_id("prop_nope")
        .body(milestone(50.0))
        .send()
        .await;
    assert_eq!(declared("hireFromProposal", unknown), 404);
    // createWebhook: 400 for a URL the API does not accept.
    let bad = raw
        .create_webhook()
        .body(
            opentrain_gen::types::CreateWebhookRequest::builder()
                .url("not a url")
                .event_types(vec![]),
        )
        .send()
        .await;
    assert_eq!(declared("createWebhook", bad), 400);
}

#[tokio::test]
async fn a_job_that_is_no_longer_listed_is_told_from_one_that_never_existed() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .token(sandbox.token())
        .build()
        .unwrap();
    let published = client
        .post_job("We need 2 annotators to label 1,000 images, $0.05 per label.")
        .answer_with(opentrain::drafting::ExampleAnswerer)
        .max_rounds(3)
        .publish()
        .await
        .unwrap();
    let get_job = |id: &str| {
        let call = client.get_job().id(id);
        async move { call.send().await.map_err(Error::from) }
    };
    assert!(get_job(&published.job_id).await.is_ok());
    client
        .close_job()
        .id(&published.job_id)
        .send()
        .await
        .unwrap();

    match get_job(&published.job_id).await {
        Err(Error::JobNotListed { job_id, status }) => {
            assert_eq!(job_id, published.job_id);
            assert_eq!(status, "closed");
        }
        other => panic!("expected JobNotListed, got {other:?}"),
    }
    match get_job("job_never_existed").await {
        Err(Error::Api(api)) => assert_eq!((api.status, api.code.as_str()), (404, "NOT_FOUND")),
        other => panic!("expected a 404 envelope, got {other:?}"),
    }
    // The raw client decodes the same body as its typed error.
    let raw = raw(&sandbox)
        .get_job()
        .id(published.job_id.as_str())
        .send()
        .await;
    match raw {
        Err(opentrain_gen::Error::ErrorResponse(response)) => assert!(matches!(
            response.into_inner(),
            opentrain_gen::types::GetJobError::JobNotListed(_)
        ),),
        other => panic!("expected the typed closed-listing body, got {other:?}"),
    }
}
