//! [`ServeError`]: why the server could not start or stopped serving. Failures of a single tool
//! are never this type: they come back to the client as `isError` tool results.

/// Why [`serve_stdio`](crate::serve_stdio) or [`OpenTrainServer::new`](crate::OpenTrainServer::new)
/// failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The embedded sandbox of `--sandbox` could not start (binding 127.0.0.1 failed).
    #[error("the embedded sandbox could not start: {0}")]
    Sandbox(#[source] opentrain_sandbox::StartError),

    /// The private credentials directory of `--sandbox` could not be created.
    #[error("the sandbox's private credentials directory could not be created: {0}")]
    PrivateDirectory(#[source] std::io::Error),

    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {0}")]
    Client(#[source] opentrain::Error),

    /// The MCP session over stdio could not be initialized (the client sent no valid
    /// `initialize`, or stdin closed first).
    #[error("the MCP session could not start: {0}")]
    Initialize(String),

    /// The MCP session ended with an error.
    #[error("the MCP session ended with an error: {0}")]
    Session(String),
}
