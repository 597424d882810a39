//! The handle: starting the server, its options, and the test controls. Serving until a
//! shutdown signal and the start and serve errors live in `serve.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use opentrain_gen::types::Scope;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Feature;
use crate::app::{ALL_SCOPES, App, Config, Inner, State};
use crate::clock::Clock;
use crate::faults::{Fault, Faults, RecordedRequest};
use crate::serve::StartError;

/// Why a control could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlError {
    /// No record of that kind has that id (or code).
    NotFound {
        /// What was looked up, e.g. `approval`.
        kind: &'static str,
        /// The id or code given.
        id: String,
    },
    /// The record is not in a state the control applies to.
    InvalidState(String),
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::NotFound { kind, id } => write!(f, "no {kind} {id} in the sandbox"),
            ControlError::InvalidState(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ControlError {}

/// A generated type's builder that was missing a required field while a control recorded
/// something (a sandbox bug, never the caller's): reported as [`ControlError::InvalidState`].
impl From<opentrain_gen::types::error::ConversionError> for ControlError {
    fn from(_: opentrain_gen::types::error::ConversionError) -> Self {
        ControlError::InvalidState("the sandbox built an incomplete record".to_owned())
    }
}

/// Options for [`Sandbox`]; start with [`Sandbox::builder`].
#[derive(Clone, Debug, Default)]
pub struct SandboxBuilder {
    config: Config,
    disabled: Vec<Feature>,
    port: u16,
}

impl SandboxBuilder {
    /// The scripted human confirms a claim after answering this many token polls with
    /// `authorization_pending` (default `Some(2)`); `None` waits for [`Sandbox::confirm_claim`].
    pub fn claim_confirm_after_polls(mut self, polls: Option<u32>) -> Self {
        self.config.claim_confirm_after_polls = polls;
        self
    }

    /// The claim poll `interval` (default 5 s; whole seconds on the wire). Polls closer together
    /// than this get `slow_down`.
    pub fn claim_poll_interval(mut self, interval: Duration) -> Self {
        self.config.claim_poll_interval = interval;
        self
    }

    /// Whether anonymous agent registration is enabled (default `true`; when off, registration
    /// and claim answer 403 `anonymous_not_enabled`).
    pub fn anonymous_registration(mut self, enabled: bool) -> Self {
        self.config.anonymous_registration = enabled;
        self
    }

    /// How many proposals arrive on each newly published job (default 2).
    pub fn proposals_on_publish(mut self, count: usize) -> Self {
        self.config.proposals_on_publish = count;
        self
    }

    /// The waits between webhook delivery attempts (default 1 m, 5 m, 30 m, 120 m: five
    /// attempts in all, as documented).
    pub fn webhook_retry_delays(mut self, delays: Vec<Duration>) -> Self {
        self.config.webhook_retry_delays = delays;
        self
    }

    /// Consecutive failed deliveries after which a webhook is disabled (default 10; the
    /// Public API's threshold is not documented, 10 is the Platform API's).
    pub fn webhook_disable_after(mut self, failures: u32) -> Self {
        self.config.webhook_disable_after = failures.max(1);
        self
    }

    /// Binds `127.0.0.1` on `port` instead of a free port (`0`, the default, picks a free one).
    /// A port already in use makes [`SandboxBuilder::start`] fail with
    /// [`StartError::PortInUse`].
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Who confirms claims and approvals, for a sandbox a person clicks through.
    ///
    /// `true`: the scripted human does everything. A claim is confirmed after one
    /// `authorization_pending` poll (this sets [`claim_confirm_after_polls`] to `Some(1)`), and
    /// every approval is confirmed as soon as it is created (the 202 still shows it `pending`;
    /// every later read shows it `confirmed`) or, should that confirm have been refused, when
    /// it is next read (`GET /approvals/{id}` or its page).
    ///
    /// `false`: nobody scripted confirms anything. A claim waits for a person on its claim
    /// page (or [`Sandbox::confirm_claim`]: this sets [`claim_confirm_after_polls`] to `None`),
    /// and an approval for its approval page's buttons (or [`Sandbox::confirm_approval`]).
    ///
    /// Without this call the defaults hold: the scripted human confirms a claim after two polls
    /// and approvals wait. A later [`claim_confirm_after_polls`] call overrides the claim part.
    ///
    /// [`claim_confirm_after_polls`]: SandboxBuilder::claim_confirm_after_polls
    pub fn auto_confirm(mut self, on: bool) -> Self {
        self.config.claim_confirm_after_polls = on.then_some(1);
        self.config.auto_confirm_approvals = on;
        self
    }

    /// Starts with `feature` switched off.
    pub fn disable(mut self, feature: Feature) -> Self {
        if !self.disabled.contains(&feature) {
            self.disabled.push(feature);
        }
        self
    }

    /// Binds `127.0.0.1` on the chosen [`port`](SandboxBuilder::port) (a free one by default)
    /// and serves on the current tokio runtime until the handle is dropped or
    /// [`Sandbox::serve_until`] returns.
    ///
    /// Errors: [`StartError::PortInUse`] when the port is taken, [`StartError::Bind`] for any
    /// other failure to listen. [`StartError`] converts into [`std::io::Error`], so `?` works
    /// in functions returning `std::io::Result`.
    pub async fn start(self) -> Result<Sandbox, StartError> {
        let port = self.port;
        let listener = crate::serve::bind(port).await?;
        let address = listener
            .local_addr()
            .map_err(|source| StartError::Bind { port, source })?;
        let base_url = format!("http://{address}");
        let clock = Clock::new();
        let now = clock.now();
        let mut state = State::default();
        state.disabled_features = self.disabled;
        let owner_account = state.add_account("Acme Research", true);
        if let Some(account) = state.account_mut(&owner_account) {
            account.email = Some("mira@acme.example".to_owned());
            account.first_name = Some("Mira".to_owned());
            account.last_name = Some("Chen".to_owned());
        }
        let owner_token = state.mint_token(
            &owner_account,
            "Sandbox owner",
            ALL_SCOPES.to_vec(),
            None,
            now,
        );
        let app = App {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                clock,
                base_url: base_url.clone(),
                config: self.config,
                faults: Mutex::new(Faults::default()),
                recorded: Mutex::new(Vec::new()),
            }),
        };
        let router = crate::routes::router(app.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        // The server runs until the handle is dropped (the task is aborted then) or
        // `serve_until` asks it to stop gracefully.
        let server = tokio::spawn(
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .into_future(),
        );
        let tasks = crate::routes::start_background(&app);
        Ok(Sandbox {
            app,
            base_url,
            owner_account,
            owner_token,
            server: Some(server),
            stop: Some(stop),
            tasks,
        })
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    pub(crate) app: App,
    pub(crate) base_url: String,
    pub(crate) owner_account: String,
    pub(crate) owner_token: String,
    /// The HTTP server (taken by [`Sandbox::serve_until`]).
    pub(crate) server: Option<JoinHandle<std::io::Result<()>>>,
    /// Asks the server to stop gracefully (taken by [`Sandbox::serve_until`]).
    pub(crate) stop: Option<oneshot::Sender<()>>,
    /// Background tasks (webhook delivery).
    pub(crate) tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Sandbox {
    /// Starts a sandbox with the default options on a free port.
    pub async fn start() -> Result<Sandbox, StartError> {
        Self::builder().start().await
    }

    /// Options for a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The server root, e.g. `http://127.0.0.1:PORT` (the API is under `/api/public/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The Public API root, `{base_url}/api/public/v1`.
    pub fn api_url(&self) -> String {
        format!("{}{}", self.base_url, crate::API_PREFIX)
    }

    /// A token with every scope on the seeded, claimed employer account ("Acme Research",
    /// owner Mira Chen), as a human would mint in the app.
    pub fn token(&self) -> &str {
        &self.owner_token
    }

    /// Mints another token on the seeded account with exactly `scopes` (an in-app mint).
    pub fn issue_token(&self, scopes: &[Scope]) -> String {
        let now = self.app.now();
        self.app.state().mint_token(
            &self.owner_account,
            "Sandbox token",
            scopes.to_vec(),
            None,
            now,
        )
    }

    /// Answers the next `count` requests (any route) with `fault` instead of handling them.
    pub fn fail_next(&self, count: usize, fault: Fault) {
        let mut faults = self
            .app
            .inner
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        faults.queue.extend(std::iter::repeat_n(fault, count));
    }

    /// Delays every response by `delay` (`None` removes the delay). The delay is a tokio sleep,
    /// so it follows a paused test clock.
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.app
            .inner
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .delay = delay;
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app
            .inner
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.app
            .inner
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Now, on the sandbox clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }

    /// Moves the sandbox clock forward (claim windows, approval expiry, daily limits...).
    pub fn advance_clock(&self, by: Duration) {
        self.app.inner.clock.advance(by);
    }

    /// Switches a feature flag on or off.
    pub fn set_feature(&self, feature: Feature, enabled: bool) {
        let mut st = self.app.state();
        st.disabled_features.retain(|f| *f != feature);
        if !enabled {
            st.disabled_features.push(feature);
        }
    }
}
