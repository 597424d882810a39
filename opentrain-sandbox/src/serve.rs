//! Serving: binding the loopback port, running until a shutdown signal
//! ([`Sandbox::serve_until`]), and the typed errors of starting ([`StartError`]) and serving
//! ([`ServeError`]).

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::Sandbox;

/// How long [`Sandbox::serve_until`] lets requests in flight finish after the shutdown signal.
const GRACE: Duration = Duration::from_secs(5);

/// Why a sandbox could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// Something else already listens on `127.0.0.1:{port}`.
    PortInUse {
        /// The port asked for.
        port: u16,
    },
    /// Listening on `127.0.0.1:{port}` failed for another reason (`port` 0: a free port).
    Bind {
        /// The port asked for.
        port: u16,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::PortInUse { port } => write!(
                f,
                "port {port} on 127.0.0.1 is already in use; choose another port (or 0 for a free one)"
            ),
            StartError::Bind { port, source } => {
                write!(
                    f,
                    "the sandbox could not listen on 127.0.0.1:{port}: {source}"
                )
            }
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::PortInUse { .. } => None,
            StartError::Bind { source, .. } => Some(source),
        }
    }
}

impl From<StartError> for std::io::Error {
    fn from(error: StartError) -> Self {
        let kind = match &error {
            StartError::PortInUse { .. } => std::io::ErrorKind::AddrInUse,
            StartError::Bind { source, .. } => source.kind(),
        };
        std::io::Error::new(kind, error)
    }
}

/// Why [`Sandbox::serve_until`] returned before (or while) shutting down cleanly.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// The HTTP server stopped with an I/O error.
    Server(std::io::Error),
    /// The HTTP server task ended before the shutdown signal (it panicked, or its handle was
    /// already used by an earlier `serve_until`).
    Stopped,
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Server(e) => write!(f, "the sandbox server failed: {e}"),
            ServeError::Stopped => f.write_str("the sandbox server stopped unexpectedly"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Server(e) => Some(e),
            ServeError::Stopped => None,
        }
    }
}

/// Listens on `127.0.0.1:{port}` (`0`: a free port).
pub(crate) async fn bind(port: u16) -> Result<TcpListener, StartError> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                StartError::PortInUse { port }
            } else {
                StartError::Bind { port, source }
            }
        })
}

impl Sandbox {
    /// Serves until `shutdown` completes, then stops: the server stops accepting, lets the
    /// requests in flight finish (for at most 5 s), and the background tasks end. This is the
    /// entry point of a long-running sandbox a person clicks through, e.g. `opentrain sandbox
    /// serve`, whose `ctrl_c` is e.g. `async { let _ = tokio::signal::ctrl_c().await; }`:
    ///
    /// ```no_run
    /// # async fn serve(
    /// #     port: u16,
    /// #     auto_confirm: bool,
    /// #     ctrl_c: impl std::future::Future<Output = ()>,
    /// # ) -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = opentrain_sandbox::Sandbox::builder()
    ///     .port(port)
    ///     .auto_confirm(auto_confirm)
    ///     .start()
    ///     .await?;
    /// println!("{}", sandbox.base_url());
    /// sandbox.serve_until(ctrl_c).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Errors: [`ServeError::Server`] when the server fails, [`ServeError::Stopped`] when it
    /// ended before `shutdown` completed.
    pub async fn serve_until<F>(mut self, shutdown: F) -> Result<(), ServeError>
    where
        F: Future<Output = ()>,
    {
        let Some(mut server) = self.server.take() else {
            return Err(ServeError::Stopped);
        };
        let ended_early = tokio::select! {
            () = shutdown => None,
            ended = &mut server => Some(ended),
        };
        let outcome = match ended_early {
            Some(Ok(Err(e))) => Err(ServeError::Server(e)),
            Some(_) => Err(ServeError::Stopped),
            None => {
                if let Some(stop) = self.stop.take() {
                    let _ = stop.send(());
                }
                match tokio::time::timeout(GRACE, &mut server).await {
                    Ok(Ok(Ok(()))) => Ok(()),
                    Ok(Ok(Err(e))) => Err(ServeError::Server(e)),
                    Ok(Err(_)) => Err(ServeError::Stopped),
                    Err(_) => {
                        // Requests still open after the grace period are cut off.
                        server.abort();
                        Ok(())
                    }
                }
            }
        };
        drop(self);
        outcome
    }
}
