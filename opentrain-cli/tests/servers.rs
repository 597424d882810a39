//! The command's two servers as processes: `opentrain sandbox serve` prints its base URL on the
//! first line of stdout and serves until stopped, and another `opentrain` process works
//! against it; `opentrain mcp` answers an MCP `initialize` over stdio.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn sandbox_serve_prints_its_url_first_and_serves_other_clients() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_opentrain"))
        .args(["sandbox", "serve", "--auto-confirm"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    let url = stdout.next_line().await.unwrap().expect("a first line");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // Another client (this very command) searches the sandbox's public marketplace.
    let search = Command::new(env!("CARGO_BIN_EXE_opentrain"))
        .args(["--base-url", &url, "--json", "jobs", "search"])
        .env_remove("OT_API_TOKEN")
        .env_remove("OPENTRAIN_API_TOKEN")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("opentrain-cli-serve-test"),
        )
        .output()
        .await
        .unwrap();
    assert!(
        search.status.success(),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
    let body: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(body.is_object() || body.is_array(), "{body}");
    server.kill().await.unwrap();
}

#[tokio::test]
async fn sandbox_serve_on_a_taken_port_is_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_opentrain"))
        .args(["sandbox", "serve", "--port", &port])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage error"));
}

#[tokio::test]
async fn mcp_answers_initialize_over_stdio() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_opentrain"))
        .args(["mcp", "--sandbox"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = server.stdin.take().unwrap();
    let initialize = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "cli-test", "version": "0"}}
    });
    stdin
        .write_all(format!("{initialize}\n").as_bytes())
        .await
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    let line = stdout.next_line().await.unwrap().expect("an answer");
    let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(answer["id"], 1);
    assert_eq!(
        answer["result"]["serverInfo"]["name"], "opentrain",
        "{answer}"
    );
    server.kill().await.unwrap();
}
