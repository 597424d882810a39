//! The MCP server: [`ServeOptions`], the [`OpenTrainServer`] handler (tools/list and
//! tools/call over the tool catalog), and [`serve_stdio`], the entry point the `opentrain mcp`
//! command and the `opentrain-mcp` binary call.

use std::path::PathBuf;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ErrorData, Implementation, JsonObject,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt};

use crate::credentials::{self, Session};
use crate::error::ServeError;
use crate::rehearsal::Rehearsal;
use crate::results::into_call_result;
use crate::tools::{self, Ctx};

/// The server name announced in `initialize`, the official server's.
pub const SERVER_NAME: &str = "opentrain";

/// How to serve. `ServeOptions::default()` is the official server's behaviour: everything from
/// the environment and the shared credentials file.
///
/// ```
/// let options = opentrain_mcp::ServeOptions { sandbox: true, ..Default::default() };
/// assert!(options.sandbox);
/// ```
#[derive(Clone, Default)]
pub struct ServeOptions {
    /// Serve against an embedded sandbox with a scripted human and a private credentials
    /// file instead of the real API (see [`crate::rehearsal`]). The token, base URL and file
    /// options below are then ignored.
    pub sandbox: bool,
    /// A personal API token that wins outright; `None` reads
    /// [`OPENTRAIN_PERSONAL_API_TOKEN`](credentials::TOKEN_ENV_VAR).
    pub personal_api_token: Option<String>,
    /// The base URL (server root); `None` reads
    /// [`OPENTRAIN_API_BASE_URL`](credentials::BASE_URL_ENV_VAR), then the file.
    pub base_url: Option<String>,
    /// The credentials file; `None` is `${XDG_CONFIG_HOME:-~/.config}/opentrain/cli.json`.
    pub credentials_file: Option<PathBuf>,
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("sandbox", &self.sandbox)
            .field(
                "personal_api_token",
                &self.personal_api_token.as_ref().map(|_| "(redacted)"),
            )
            .field("base_url", &self.base_url)
            .field("credentials_file", &self.credentials_file)
            .finish()
    }
}

/// The MCP server handler: the 41 tools over the `opentrain` facade. Cheap to clone.
///
/// Serve it on any rmcp transport (`server.serve(transport)`), or call its tools directly
/// with [`OpenTrainServer::call`] in tests.
#[derive(Clone, Debug)]
pub struct OpenTrainServer {
    ctx: Arc<Ctx>,
}

impl OpenTrainServer {
    /// A server with these options. With [`ServeOptions::sandbox`] this starts the embedded
    /// sandbox on the current tokio runtime; it stops when the last clone is dropped.
    pub async fn new(options: ServeOptions) -> Result<Self, ServeError> {
        let http = reqwest::Client::builder()
            .timeout(opentrain::DEFAULT_TIMEOUT)
            .connect_timeout(std::time::Duration::from_secs(10))
            .user_agent(concat!("opentrain-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ServeError::Client(e.into()))?;
        let (session, rehearsal) = if options.sandbox {
            let rehearsal = Rehearsal::start().await?;
            let file = opentrain::config::CredentialsFile::at(rehearsal.credentials_path());
            let session = Session::new(None, Some(rehearsal.base_url().to_owned()), Ok(file), http);
            (session, Some(rehearsal))
        } else {
            let env = |name: &str| std::env::var(name).ok();
            let token = options
                .personal_api_token
                .or_else(|| env(credentials::TOKEN_ENV_VAR));
            let base_url = options
                .base_url
                .or_else(|| env(credentials::BASE_URL_ENV_VAR));
            let file = match options.credentials_file {
                Some(path) => Ok(opentrain::config::CredentialsFile::at(path)),
                None => opentrain::config::CredentialsFile::locate_from_process_env()
                    .map_err(|e| e.to_string()),
            };
            (Session::new(token, base_url, file, http), None)
        };
        Ok(Self {
            ctx: Arc::new(Ctx { session, rehearsal }),
        })
    }

    /// The tool definitions, as `tools/list` returns them.
    pub fn tools(&self) -> Vec<Tool> {
        tools::definitions()
    }

    /// Runs one tool as `tools/call` would; `None` for an unknown tool name.
    pub async fn call(&self, name: &str, arguments: JsonObject) -> Option<CallToolResult> {
        tools::dispatch(&self.ctx, name, arguments)
            .await
            .map(into_call_result)
    }

    /// The embedded sandbox in `--sandbox` mode (its base URL and controls).
    pub fn rehearsal(&self) -> Option<&Rehearsal> {
        self.ctx.rehearsal.as_ref()
    }
}

const INSTRUCTIONS: &str = "OpenTrain employer tools: post data-labeling jobs, review proposals, \
hire AI trainers, pay milestones and message them. With no credentials, start with \
opentrain_register_agent, then opentrain_claim_account (ask the human for their email) and \
opentrain_claim_status. Draft with opentrain_create_job_draft, answer each missing field's ask: \
question through opentrain_update_job_draft_fields, then opentrain_publish_job. Money never moves \
from a tool call: hires, milestone funding and release, and some contract ends return an approval \
a signed-in human confirms at its approvalUrl; check it with opentrain_get_approval or watch \
opentrain_poll_updates.";

impl ServerHandler for OpenTrainServer {
    fn get_info(&self) -> ServerConfig {
        let mut instructions = INSTRUCTIONS.to_owned();
        if self.ctx.rehearsal.is_some() {
            instructions.push_str(
                " SANDBOX MODE: every call goes to an embedded offline sandbox with a scripted \
                 human (the claim completes on the second opentrain_claim_status, approvals are \
                 confirmed when read); nothing is real and nothing is charged.",
            );
        }
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")))
            .with_instructions(instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::definitions()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        match self.call(&request.name, arguments).await {
            Some(result) => Ok(result.into()),
            None => Err(ErrorData::invalid_params(
                format!(
                    "unknown tool {:?}; tools/list names the 41 tools",
                    request.name
                ),
                None,
            )),
        }
    }
}

/// Serves the tools over stdin/stdout until the client disconnects. Nothing is written to
/// stderr, and no token or secret is ever logged.
pub async fn serve_stdio(options: ServeOptions) -> Result<(), ServeError> {
    let server = OpenTrainServer::new(options).await?;
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| ServeError::Initialize(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| ServeError::Session(e.to_string()))?;
    Ok(())
}
