//! The handle: starting the server, its options, and the test controls.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use opentrain_gen::types::Scope;
use tokio::task::JoinHandle;

use crate::Feature;
use crate::app::{ALL_SCOPES, App, Config, Inner, State};
use crate::clock::Clock;
use crate::faults::{Fault, Faults, RecordedRequest};

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

/// Options for [`Sandbox`]; start with [`Sandbox::builder`].
#[derive(Clone, Debug, Default)]
pub struct SandboxBuilder {
    config: Config,
    disabled: Vec<Feature>,
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

    /// Starts with `feature` switched off.
    pub fn disable(mut self, feature: Feature) -> Self {
        if !self.disabled.contains(&feature) {
            self.disabled.push(feature);
        }
        self
    }

    /// Binds `127.0.0.1:0` and serves on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
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
        let server = tokio::spawn(async move {
            // The server runs until the handle is dropped (the task is aborted then).
            let _ = axum::serve(listener, router).await;
        });
        let mut tasks = vec![server];
        tasks.extend(crate::routes::start_background(&app));
        Ok(Sandbox {
            app,
            base_url,
            owner_account,
            owner_token,
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
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Sandbox {
    /// Starts a sandbox with the default options.
    pub async fn start() -> std::io::Result<Sandbox> {
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
