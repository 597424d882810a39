//! The handle's own promises: a free port on 127.0.0.1, two sandboxes side by side, and
//! dropping the handle stops the server.

use opentrain_sandbox::Sandbox;

#[tokio::test]
async fn each_sandbox_binds_its_own_loopback_port_and_dropping_it_stops_the_server() {
    let first = Sandbox::start().await.unwrap();
    let second = Sandbox::start().await.unwrap();
    assert!(first.base_url().starts_with("http://127.0.0.1:"));
    assert_ne!(first.base_url(), second.base_url());

    let http = reqwest::Client::new();
    let me = |base: &str, token: &str| {
        http.get(format!("{base}/api/public/v1/auth/me"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        me(first.base_url(), first.token()).await.unwrap().status(),
        200
    );
    // Tokens are per sandbox.
    assert_eq!(
        me(second.base_url(), first.token()).await.unwrap().status(),
        401
    );

    let base = first.base_url().to_owned();
    let token = first.token().to_owned();
    drop(first);
    // The listener goes with the aborted task; give the runtime a moment to drop it.
    let mut stopped = false;
    for _ in 0..50 {
        let fresh = reqwest::Client::new();
        let answer = fresh
            .get(format!("{base}/api/public/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await;
        if answer.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(stopped, "the dropped sandbox still answers");
    assert_eq!(
        me(second.base_url(), second.token())
            .await
            .unwrap()
            .status(),
        200
    );
}
