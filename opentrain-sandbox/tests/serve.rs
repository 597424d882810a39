//! The serve options: a chosen port (and a taken one, as a typed error), auto-confirm on and
//! off for claims and approvals, and serving until a shutdown future completes.

mod common;

use std::time::Duration;

use common::{approval_status, get_page, hire_request, poll, post_page, register, start_claim};
use opentrain_sandbox::{Sandbox, StartError};

#[tokio::test]
async fn port_binds_loopback_on_that_port() {
    // Find a free port, release it, then ask for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = Sandbox::builder().port(port).start().await.unwrap();
    assert_eq!(sandbox.base_url(), format!("http://127.0.0.1:{port}"));
    let (status, _) = common::api(&sandbox, "GET", "/auth/me", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_taken_port_is_a_typed_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = Sandbox::builder().port(port).start().await.unwrap_err();
    assert!(
        matches!(error, StartError::PortInUse { port: p } if p == port),
        "{error:?}"
    );
    assert!(error.to_string().contains(&port.to_string()));
    let io: std::io::Error = error.into();
    assert_eq!(io.kind(), std::io::ErrorKind::AddrInUse);
}

#[tokio::test]
async fn auto_confirm_confirms_a_claim_after_one_pending_poll() {
    let sandbox = Sandbox::builder().auto_confirm(true).start().await.unwrap();
    let claim_token = register(&sandbox, "Auto agent").await;
    start_claim(&sandbox, &claim_token, "auto@page.example").await;
    let (status, body) = poll(&sandbox, &claim_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    sandbox.advance_clock(Duration::from_secs(6));
    let (status, body) = poll(&sandbox, &claim_token).await;
    assert_eq!(status, 200, "{body}");
    assert!(sandbox.claims()[0].claimed);
}

#[tokio::test]
async fn auto_confirm_confirms_every_approval_once_created() {
    let sandbox = Sandbox::builder().auto_confirm(true).start().await.unwrap();
    let approval = hire_request(&sandbox, "Auto batch", 300.0).await;
    assert_eq!(approval["status"], "pending", "the 202 shows the request");
    let id = approval["id"].as_str().unwrap();
    assert!(sandbox.pending_approvals().is_empty());
    assert_eq!(approval_status(&sandbox, id).await, "confirmed");
    let page = get_page(approval["approvalUrl"].as_str().unwrap()).await;
    assert!(page.body.contains("This approval is confirmed"));
    assert!(!page.body.contains("<form"));
}

#[tokio::test]
async fn without_auto_confirm_only_a_person_confirms() {
    let sandbox = Sandbox::builder()
        .auto_confirm(false)
        .start()
        .await
        .unwrap();
    let claim_token = register(&sandbox, "Manual agent").await;
    let (code, uri) = start_claim(&sandbox, &claim_token, "manual@page.example").await;
    for _ in 0..4 {
        let (status, body) = poll(&sandbox, &claim_token).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("authorization_pending"))
        );
        sandbox.advance_clock(Duration::from_secs(6));
    }
    assert_eq!(
        post_page(&uri, &format!("user_code={code}")).await.status,
        200
    );
    let (status, _) = poll(&sandbox, &claim_token).await;
    assert_eq!(status, 200);

    let approval = hire_request(&sandbox, "Manual batch", 300.0).await;
    let id = approval["id"].as_str().unwrap();
    assert_eq!(approval_status(&sandbox, id).await, "pending");
    assert_eq!(sandbox.pending_approvals(), [id]);
}

#[tokio::test]
async fn serve_until_serves_then_stops_when_the_shutdown_future_completes() {
    let sandbox = Sandbox::start().await.unwrap();
    let base_url = sandbox.base_url().to_owned();
    let me = format!("{}/auth/me", sandbox.api_url());
    let token = sandbox.token().to_owned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(sandbox.serve_until(async move {
        let _ = stopped.await;
    }));
    let answer = common::http()
        .get(&me)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
    let after = reqwest::Client::new()
        .get(format!("{base_url}/claim"))
        .send()
        .await;
    assert!(after.is_err(), "the server is gone: {after:?}");
}
