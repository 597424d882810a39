//! Shared by the stdio tests: spawning the `opentrain-mcp` binary as a real MCP server over
//! stdio (rmcp's client and `TokioChildProcess`) with a scratch `XDG_CONFIG_HOME`, and calling
//! its tools.

#![allow(dead_code)]

use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tests::Scratch;

/// A running server process and the client talking to it.
pub struct Mcp {
    /// The client side of the session.
    pub client: RunningService<RoleClient, ()>,
    /// The scratch directory used as `XDG_CONFIG_HOME` (and `HOME`).
    pub scratch: Scratch,
}

/// Where the server keeps the credentials file under the scratch config home.
pub fn credentials_path(scratch: &Scratch) -> std::path::PathBuf {
    scratch.join("opentrain/cli.json")
}

/// Spawns `opentrain-mcp args...` with a fresh config home, `base_url` as
/// `OPENTRAIN_API_BASE_URL` (when given) and `token` as `OPENTRAIN_PERSONAL_API_TOKEN`.
pub async fn spawn(label: &str, args: &[&str], base_url: Option<&str>, token: Option<&str>) -> Mcp {
    spawn_capturing(label, args, base_url, token).await.0
}

/// [`spawn`], keeping the server's stderr to read after the session.
pub async fn spawn_capturing(
    label: &str,
    args: &[&str],
    base_url: Option<&str>,
    token: Option<&str>,
) -> (Mcp, tokio::process::ChildStderr) {
    let scratch = Scratch::new(label);
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_opentrain-mcp"));
    command
        .args(args)
        .env("XDG_CONFIG_HOME", scratch.path())
        .env("HOME", scratch.path())
        .env_remove("OPENTRAIN_PERSONAL_API_TOKEN")
        .env_remove("OPENTRAIN_API_BASE_URL")
        .env_remove("OT_API_TOKEN")
        .env_remove("OPENTRAIN_API_TOKEN")
        .env_remove("OT_API_BASE_URL");
    if let Some(url) = base_url {
        command.env("OPENTRAIN_API_BASE_URL", url);
    }
    if let Some(token) = token {
        command.env("OPENTRAIN_PERSONAL_API_TOKEN", token);
    }
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let stderr = stderr.expect("stderr is piped");
    let client = tokio::time::timeout(Duration::from_secs(60), ().serve(transport))
        .await
        .expect("initialize answers")
        .expect("initialize succeeds");
    (Mcp { client, scratch }, stderr)
}

/// What one tool call returned, read for assertions.
#[derive(Debug)]
pub struct Reply {
    /// `isError`.
    pub is_error: bool,
    /// The text content, joined.
    pub text: String,
    /// `structuredContent`.
    pub structured: Value,
}

impl Mcp {
    /// Calls `name` with `arguments` (a JSON object) and returns the tool result.
    pub async fn call(&self, name: &str, arguments: Value) -> Reply {
        let arguments = match arguments {
            Value::Object(map) => map,
            other => panic!("arguments must be an object, got {other}"),
        };
        let result: CallToolResult = tokio::time::timeout(
            Duration::from_secs(120),
            self.client
                .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(arguments)),
        )
        .await
        .unwrap_or_else(|_| panic!("{name} answers"))
        .unwrap_or_else(|e| panic!("{name} is a tool result, not a protocol error: {e}"));
        let text = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        Reply {
            is_error: result.is_error == Some(true),
            text,
            structured: result.structured_content.unwrap_or(Value::Null),
        }
    }

    /// Calls `name` and insists it succeeded.
    pub async fn ok(&self, name: &str, arguments: Value) -> Reply {
        let reply = self.call(name, arguments).await;
        assert!(
            !reply.is_error,
            "{name} failed: {}\n{}",
            reply.text, reply.structured
        );
        reply
    }

    /// Calls `name` and insists it failed (as a tool result).
    pub async fn fails(&self, name: &str, arguments: Value) -> Reply {
        let reply = self.call(name, arguments).await;
        assert!(
            reply.is_error,
            "{name} should have failed: {}\n{}",
            reply.text, reply.structured
        );
        reply
    }

    /// Ends the session and waits for the server to exit.
    pub async fn close(self) {
        let _ = self.client.cancel().await;
    }
}
