//! The API surface: every operation of `openapi.json` has a generated client method, the
//! sorted operation list is a snapshot so any change to the surface shows up in review, the
//! facade's `Client` has the same one method per operation, and the names the facade adds over
//! the operations (paging, followers, drafting, approval waits) exist and are called.

use opentrain_gen::operations::{CLIENT_METHODS, OPERATIONS};

#[test]
fn every_spec_operation_has_a_generated_client_method() {
    let spec = tests::spec();
    let mut spec_ids: Vec<String> = Vec::new();
    for (_, item) in spec["paths"].as_object().expect("paths").iter() {
        for (_, op) in item.as_object().expect("path item") {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                spec_ids.push(id.to_owned());
            }
        }
    }
    spec_ids.sort();
    let mut table_ids: Vec<String> = OPERATIONS
        .iter()
        .map(|o| o.operation_id.to_owned())
        .collect();
    table_ids.sort();
    assert_eq!(
        spec_ids, table_ids,
        "the operation table is out of step with openapi.json"
    );

    let missing: Vec<&str> = OPERATIONS
        .iter()
        .filter(|o| o.client_method.is_empty() || !CLIENT_METHODS.contains(&o.client_method))
        .map(|o| o.operation_id)
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a generated client method: {missing:?}"
    );
    assert_eq!(
        CLIENT_METHODS.len(),
        OPERATIONS.len(),
        "the client has methods the spec does not list"
    );
}

#[test]
fn operation_list_snapshot() {
    let mut lines: Vec<String> = OPERATIONS
        .iter()
        .map(|o| {
            format!(
                "{:<22} {:<6} {:<40} {:<12} {}{}",
                o.operation_id,
                o.method,
                o.path,
                o.tag,
                o.client_method,
                if o.tokenless { "  (tokenless)" } else { "" }
            )
        })
        .collect();
    lines.sort();
    insta::assert_snapshot!(lines.join("\n"));
}

/// The facade's `Client` has one method per operation, named as the generated client names it
/// and returning that operation's generated builder: the list is the one `opentrain-gen` hands
/// the facade, checked here against the operation table.
#[test]
fn the_facade_client_has_one_method_per_operation_returning_its_builder() {
    macro_rules! facade_methods {
        ($( $(#[$doc:meta])* $method:ident => $builder:ident; )*) => {
            fn facade_methods(client: &opentrain::Client) -> Vec<&'static str> {
                vec![$({
                    let _: opentrain::builder::$builder<'_> = client.$method();
                    stringify!($method)
                }),*]
            }
        };
    }
    opentrain_gen::for_each_operation!(facade_methods);

    let client = opentrain::Client::builder().build().expect("client");
    let mut methods = facade_methods(&client);
    methods.sort_unstable();
    let mut expected: Vec<&str> = OPERATIONS.iter().map(|o| o.client_method).collect();
    expected.sort_unstable();
    assert_eq!(methods, expected);
}

/// The names the facade adds over the operations, each called (nothing is sent): the paging
/// traits on the list operations, message mode, the `/jobs/changes` and `/updates` followers,
/// the drafting loop and its step readers, the approval waits, and the root re-exports.
#[test]
fn the_facade_names_over_the_operations_exist() {
    use opentrain::approvals::{Wait, WaitForApproval, WaitManyOptions, wait_many};
    use opentrain::drafting::{Draft, Published};
    use opentrain::job_changes::JobChanges;
    use opentrain::paging::{MessagePages, Paginate, Paginator};
    use opentrain::types;
    use opentrain::updates::{Follow, MemoryCursorStore};

    fn send<T: Send>(_: &T) {}

    let client = opentrain::Client::builder().build().expect("client");

    // Paging hangs off each list operation's builder; the page size is the builder's `limit`.
    let jobs: Paginator<'_, types::JobSummary> =
        client.search_jobs().q("audio").limit(10u64).paginate();
    send(&jobs.max_items(5).start_at("c_1").items());
    send(&client.list_my_jobs().pages());
    send(&client.list_job_proposals().id("job_1").items());
    send(&client.list_messages().collect_all());
    send(&client.list_credit_ledger().items());
    send(&client.poll_updates().pages());
    let thread: Paginator<'_, types::Message> =
        client.list_messages().conversation_id("conv_1").messages();
    send(&thread.items());
    // The same names through the prelude.
    {
        use opentrain::prelude::*;
        send(&client.list_my_jobs().items());
        send(
            &client
                .list_messages()
                .conversation_id("conv_1")
                .messages()
                .items(),
        );
    }

    // The followers.
    let since = "2026-06-11T00:00:00Z".parse().expect("time");
    let changes: JobChanges = client.follow_job_changes(since);
    assert_eq!(changes.since(), since);
    send(&changes.catch_up());
    let feed: Follow<MemoryCursorStore> = client
        .follow_updates(MemoryCursorStore::new())
        .page_size(50)
        .start_at("1000")
        .backoff(opentrain::Backoff::fixed(std::time::Duration::from_secs(1)));
    send(&feed);

    // The drafting loop, and its steps' answers read as `Draft` and `Published`.
    send(&client.post_job("Label 1,000 images.").publish());
    let draft_from: fn(types::DraftEnvelope) -> Draft = Draft::from;
    let published_from: fn(types::PublishedJob) -> Published = Published::from;
    let _ = (draft_from, published_from);

    // Waiting on what a money operation answers (or an approval read later).
    let pending: types::ApprovalPending = serde_json::from_value(serde_json::json!({
        "approval": {
            "id": "apr_1", "type": "proposal_hire", "status": "pending",
            "approvalUrl": "https://app.opentrain.ai/approvals/apr_1"
        },
        "message": "A human must confirm."
    }))
    .expect("pending approval");
    let wait: Wait<'_> = pending.wait(&client);
    let _ = wait.max_wait(std::time::Duration::from_secs(1));
    let _ = pending.approval.wait(&client);
    send(&wait_many(&client, [&pending], WaitManyOptions::default()));

    // The root: errors, the operations' results and the pipeline's default deadline.
    let _: fn(opentrain::OperationError<types::ErrorEnvelope>) -> opentrain::Error =
        opentrain::Error::from;
    let _: Option<&opentrain::ApiError> = None;
    let _ = opentrain::request_id;
    let _: fn(opentrain::ResponseValue<types::Me>) -> types::Me =
        opentrain::ResponseValue::into_inner;
    assert!(opentrain::pipeline::DEFAULT_DEADLINE > std::time::Duration::ZERO);
}
