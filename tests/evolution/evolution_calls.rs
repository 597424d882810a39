//! The operations a served-spec change added, called through the facade against mockito.
//!
//! Template: `tests/tests/spec_evolution.rs` copies this file to `opentrain/tests/` of a scratch
//! copy of the workspace whose client was regenerated from the changed spec (see
//! `tests/evolution/changes.rs`), and runs it there. It does not compile against the committed
//! client.

mod common;
// The spec changes, for the names of `searchWidgets`' parameters (the rest is unused here).
#[allow(dead_code)]
#[path = "../../tests/evolution/changes.rs"]
mod changes;

use changes::{SEARCH_PARAMETERS, search_value};
use common::{TOKEN, client, fixture};
use futures::TryStreamExt;
use mockito::{Matcher, Mock, ServerGuard};
use serde_json::json;

const API: &str = "/api/public/v1";

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// A mock of `method path` that only answers a request carrying the client's bearer token
/// (mockito answers anything else with 501, which fails the call).
fn authed(server: &mut ServerGuard, method: &str, path: &str) -> Mock {
    server
        .mock(method, format!("{API}{path}").as_str())
        .match_header("authorization", bearer().as_str())
}

#[tokio::test(start_paused = true)]
async fn list_widgets_is_retried_after_a_503_and_reads_the_page() {
    let mut server = mockito::Server::new_async().await;
    let query = Matcher::AllOf(vec![
        Matcher::UrlEncoded("status".into(), "archived".into()),
        Matcher::UrlEncoded("limit".into(), "2".into()),
        Matcher::UrlEncoded("cursor".into(), "c_1".into()),
    ]);
    let unavailable = authed(&mut server, "GET", "/widgets")
        .match_query(query.clone())
        .with_status(503)
        .with_body("upstream unavailable")
        .expect(1)
        .create_async()
        .await;
    let page = json!({
        "items": [
            {"id": "w_1", "name": "First", "kind": "a", "note": "fragile"},
            {"id": "w_2", "name": "Second", "kind": "b", "note": null},
            {"id": "w_3", "name": "Third", "kind": "c"}
        ],
        "nextCursor": null
    });
    let ok = authed(&mut server, "GET", "/widgets")
        .match_query(query)
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(page.to_string())
        .expect(1)
        .create_async()
        .await;
    let page = client(&server)
        .list_widgets()
        .status("archived")
        .limit(2)
        .cursor("c_1")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect("the read succeeds after one retry")
        .into_inner();
    unavailable.assert_async().await;
    ok.assert_async().await;
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[0].id, "w_1");
    assert_eq!(page.items[0].kind.to_string(), "a");
    assert_eq!(page.items[1].kind.to_string(), "b");
    // The inline enum is open: a value the spec does not list yet still decodes.
    assert_eq!(page.items[2].kind.to_string(), "c");
    assert!(page.items[2].kind.is_unknown());
    assert!(!page.items[0].kind.is_unknown());
    // The 3.1 `type: ["string", "null"]` field, converted to a nullable optional string.
    assert_eq!(page.items[0].note.as_deref(), Some("fragile"));
    assert_eq!(page.items[1].note, None);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test(start_paused = true)]
async fn create_widget_answered_503_is_not_sent_again() {
    let mut server = mockito::Server::new_async().await;
    let unavailable = authed(&mut server, "POST", "/widgets")
        .match_body(Matcher::Json(json!({"name": "New"})))
        .with_status(503)
        .with_body("upstream unavailable")
        .expect(1)
        .create_async()
        .await;
    let err = client(&server)
        .create_widget()
        .body_map(|b| b.name("New"))
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect_err("a write the server saw is never re-sent");
    assert_eq!(err.status(), Some(503));
    unavailable.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn create_widget_answered_201_reads_the_widget() {
    let mut server = mockito::Server::new_async().await;
    let created = authed(&mut server, "POST", "/widgets")
        .match_body(Matcher::Json(json!({"name": "New"})))
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_body(json!({"id": "w_9", "name": "New", "kind": "a"}).to_string())
        .expect(1)
        .create_async()
        .await;
    let widget = client(&server)
        .create_widget()
        .body_map(|b| b.name("New"))
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    created.assert_async().await;
    assert_eq!(widget.id, "w_9");
    assert_eq!(widget.note, None);
}

#[tokio::test(start_paused = true)]
async fn delete_widget_answered_204_succeeds() {
    let mut server = mockito::Server::new_async().await;
    let deleted = authed(&mut server, "DELETE", "/widgets/w_1")
        .with_status(204)
        .expect(1)
        .create_async()
        .await;
    let response = client(&server)
        .delete_widget()
        .id("w_1")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect("204 is the documented success");
    assert_eq!(response.status().as_u16(), 204);
    deleted.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn the_widget_shape_decodes_to_the_variant_its_type_names() {
    let mut server = mockito::Server::new_async().await;
    for (id, body) in [
        ("w_c", json!({"type": "circle", "radius": 1.5})),
        ("w_s", json!({"type": "square", "side": 2.0})),
    ] {
        authed(&mut server, "GET", &format!("/widgets/{id}/shape"))
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(body.to_string())
            .expect(1)
            .create_async()
            .await;
    }
    let client = client(&server);
    let circle = client
        .get_widget_shape()
        .id("w_c")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    match circle {
        opentrain_gen::types::WidgetShape::Circle(c) => assert_eq!(c.radius, 1.5),
        other => panic!("a circle decoded as {other:?}"),
    }
    let square = client
        .get_widget_shape()
        .id("w_s")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    match square {
        opentrain_gen::types::WidgetShape::Square(s) => assert_eq!(s.side, 2.0),
        other => panic!("a square decoded as {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn the_csv_export_returns_its_bytes() {
    let mut server = mockito::Server::new_async().await;
    let csv = "id,name,kind\nw_1,First,a\nw_2,\"Se,cond\",b\n";
    let export = authed(&mut server, "GET", "/widgets/export")
        .with_status(200)
        .with_header("content-type", "text/csv")
        .with_body(csv)
        .expect(1)
        .create_async()
        .await;
    let stream = client(&server)
        .export_widgets()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    let chunks: Vec<bytes::Bytes> = stream.into_inner().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), csv.as_bytes());
    export.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn text_and_binary_bodies_are_sent_as_they_are_with_their_media_type() {
    let mut server = mockito::Server::new_async().await;
    let note = authed(&mut server, "PUT", "/widgets/w_1/note")
        .match_header("content-type", "text/plain")
        .match_body("fragile, handle with care")
        .with_status(204)
        .expect(1)
        .create_async()
        .await;
    let image: &[u8] = &[0x89, b'P', b'N', b'G', 0, 1, 2, 0xff];
    let upload = authed(&mut server, "PUT", "/widgets/w_1/image")
        .match_header("content-type", "application/octet-stream")
        .match_body(image.to_vec())
        .with_status(204)
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    let saved = client
        .put_widget_note()
        .id("w_1")
        .body("fragile, handle with care")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    assert_eq!(saved.status().as_u16(), 204);
    let stored = client
        .put_widget_image()
        .id("w_1")
        .body(image.to_vec())
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap();
    assert_eq!(stored.status().as_u16(), 204);
    note.assert_async().await;
    upload.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn a_new_value_of_a_named_enum_decodes_as_a_documented_variant() {
    let mut server = mockito::Server::new_async().await;
    let mut job: serde_json::Value = serde_json::from_str(&fixture("getJob.json")).unwrap();
    job["status"] = json!("PAUSED");
    let mock = authed(&mut server, "GET", "/jobs/job_1")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(job.to_string())
        .expect(1)
        .create_async()
        .await;
    let job = client(&server)
        .get_job()
        .id("job_1")
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let status = job.status.expect("the job's status");
    assert_eq!(status.as_str(), "PAUSED");
    assert!(!status.is_unknown(), "PAUSED is documented now: {status:?}");
}

#[tokio::test(start_paused = true)]
async fn the_new_optional_response_field_is_read() {
    let mut server = mockito::Server::new_async().await;
    let mut me: serde_json::Value = serde_json::from_str(&fixture("getMe.json")).unwrap();
    me["locale"] = json!("de-DE");
    let mock = authed(&mut server, "GET", "/auth/me")
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(me.to_string())
        .expect(1)
        .create_async()
        .await;
    let me = client(&server)
        .get_me()
        .send()
        .await
        .map_err(opentrain::Error::from)
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(me.locale.as_deref(), Some("de-DE"));
}

#[tokio::test(start_paused = true)]
async fn the_newly_required_request_field_is_sent_and_enforced() {
    let mut server = mockito::Server::new_async().await;
    let sent = json!({
        "id": "msg_1", "conversationId": "conv_1", "content": "hi", "createdAt": "2026-06-01T12:00:00.000Z"
    });
    let mock = authed(&mut server, "POST", "/messages")
        .match_body(Matcher::Json(
            json!({"conversationId": "conv_1", "content": "hi", "channel": "in_app"}),
        ))
        .with_status(201)
        .with_header("content-type", "application/json")
        .with_body(sent.to_string())
        .expect(1)
        .create_async()
        .await;
    let client = client(&server);
    // The wire body carries the new field (the answer may not decode: only the request is
    // under test here).
    let _ = client
        .send_message()
        .body_map(|b| b.conversation_id("conv_1").content("hi").channel("in_app"))
        .send()
        .await;
    mock.assert_async().await;
    // Without it the request is refused before anything is sent.
    let err = client
        .send_message()
        .body_map(|b| b.conversation_id("conv_1").content("hi"))
        .send()
        .await
        .expect_err("`channel` is required now");
    assert!(
        matches!(err, opentrain_gen::Error::InvalidRequest(_)),
        "{err:?}"
    );
    mock.assert_async().await;
}

#[tokio::test(start_paused = true)]
async fn parameters_named_like_keywords_and_locals_go_on_the_wire_under_their_names() {
    let mut server = mockito::Server::new_async().await;
    let mock = authed(&mut server, "GET", "/widgets/search")
        .match_query(Matcher::AllOf(
            SEARCH_PARAMETERS
                .iter()
                .map(|name| Matcher::UrlEncoded((*name).into(), search_value(name)))
                .collect(),
        ))
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(json!({"id": "w_1", "name": "First", "kind": "a"}).to_string())
        .expect(1)
        .create_async()
        .await;
    let widget = client(&server)
        .search_widgets()
        .type_(search_value("type"))
        .match_(search_value("match"))
        .ref_(search_value("ref"))
        .self_(search_value("self"))
        .async_(search_value("async"))
        .fn_(search_value("fn"))
        .crate_(search_value("crate"))
        .super_(search_value("super"))
        .url(search_value("url"))
        .request(search_value("request"))
        .response(search_value("response"))
        .client(search_value("client"))
        .body(search_value("body"))
        .result(search_value("result"))
        .info(search_value("info"))
        .value(search_value("value"))
        .send()
        .await
        .map_err(opentrain::Error::from)
        .expect("every parameter is sent under its spec name")
        .into_inner();
    mock.assert_async().await;
    assert_eq!(widget.id, "w_1");
}
