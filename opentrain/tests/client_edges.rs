//! Edges of the facade core: a client re-made with another token keeps its configuration, an
//! `/updates` page that leaves out the optional `hasMore` still ends the feed, and `https` works
//! out of the box.

mod common;

use mockito::Matcher;
use opentrain::Secret;
use opentrain::paging::Paginate;

#[tokio::test]
async fn with_token_keeps_the_custom_user_agent_and_sends_the_new_token() {
    let mut server = mockito::Server::new_async().await;
    let me = server
        .mock("GET", "/api/public/v1/auth/me")
        .match_header("user-agent", "my-agent/1.0")
        .match_header("authorization", "Bearer ot_pat_second_token")
        .with_header("content-type", "application/json")
        .with_body(common::fixture("getMe.json"))
        .create_async()
        .await;
    let first = opentrain::Client::builder()
        .base_url(server.url())
        .token(common::TOKEN)
        .user_agent("my-agent/1.0")
        .build()
        .unwrap();
    let second = first
        .with_token(Secret::new("ot_pat_second_token"))
        .unwrap();
    second.get_me().send().await.unwrap();
    me.assert_async().await;
}

#[tokio::test]
async fn an_updates_page_without_has_more_that_echoes_the_cursor_ends_the_feed() {
    let mut server = mockito::Server::new_async().await;
    let first = server
        .mock("GET", "/api/public/v1/updates")
        .match_query(Matcher::Missing)
        .with_header("content-type", "application/json")
        .with_body(
            r#"{"events":[{"id":"7","type":"proposal.received","data":{"proposalId":"p1"}}],"nextCursor":"7"}"#,
        )
        .create_async()
        .await;
    let echo = server
        .mock("GET", "/api/public/v1/updates")
        .match_query(Matcher::UrlEncoded("cursor".into(), "7".into()))
        .with_header("content-type", "application/json")
        .with_body(r#"{"events":[],"nextCursor":"7"}"#)
        .expect(1)
        .create_async()
        .await;
    let events = common::client(&server)
        .poll_updates()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["7"]
    );
    first.assert_async().await;
    echo.assert_async().await;
}

/// With the default `rustls` feature an `https` base URL is spoken: the first bytes on the
/// wire are a TLS handshake (a ClientHello record starts with 0x16).
#[cfg(feature = "rustls")]
#[tokio::test]
async fn https_is_spoken_by_default() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_byte = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut byte = [0u8; 1];
        socket.read_exact(&mut byte).await.map(|_| byte[0]).ok()
        // Dropping the socket ends the handshake; the client reports a transport error.
    });
    let client = opentrain::Client::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .token(common::TOKEN)
        .retry(opentrain::RetryPolicy::none())
        .build()
        .unwrap();
    let outcome = client.get_me().send().await.map_err(opentrain::Error::from);
    assert!(
        matches!(outcome, Err(opentrain::Error::Transport { .. })),
        "{outcome:?}"
    );
    let first_byte = tokio::time::timeout(std::time::Duration::from_secs(5), first_byte)
        .await
        .expect("the client never connected: no TLS in this build")
        .unwrap();
    assert_eq!(first_byte, Some(0x16));
}
