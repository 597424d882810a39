//! # opentrain-mcp
//!
//! The OpenTrain MCP server: the 41 tools of the official server (`@opentrain-ai/mcp`, server
//! name `opentrain`) with their documented names and parameters, served over stdio and built on
//! the [`opentrain`] facade only (every tool is one facade call, or two for
//! `opentrain_get_proposal` with `includeInterview`).
//!
//! - Credentials are found as the official server finds them ([`credentials`]):
//!   `OPENTRAIN_PERSONAL_API_TOKEN` wins outright, else the `cli.json` shared with the CLI,
//!   else only the onboarding tools work until `opentrain_register_agent` saves a login. The
//!   base URL comes from `OPENTRAIN_API_BASE_URL`, then the file, then the default.
//! - A tool answers with a short text summary plus the API response as `structuredContent`; a
//!   failure is a tool result with `isError: true` carrying the HTTP status and the error
//!   envelope ([`results`]), never a protocol error.
//! - [`ServeOptions::sandbox`] serves the same tools against an embedded
//!   [`opentrain_sandbox::Sandbox`] with a scripted human, so an agent can rehearse the whole
//!   employer lifecycle with no account and no network ([`rehearsal`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain_mcp::ServeError> {
//! // What `opentrain mcp --sandbox` runs:
//! opentrain_mcp::serve_stdio(opentrain_mcp::ServeOptions { sandbox: true, ..Default::default() }).await
//! # }
//! ```

pub mod credentials;
mod error;
pub mod rehearsal;
pub mod results;
mod server;
mod tools;

pub use error::ServeError;
pub use server::{OpenTrainServer, SERVER_NAME, ServeOptions, serve_stdio};
pub use tools::{TOOL_COUNT, tool_names};
