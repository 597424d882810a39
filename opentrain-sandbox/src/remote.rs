//! Driving a running sandbox from another process: [`Remote`] calls the control routes of a
//! sandbox started elsewhere (`opentrain sandbox serve`, or [`crate::Sandbox::start`] in another
//! program) to play the trainers, the human who co-signs approvals and the moderation service.
//! The `opentrain sandbox trainer|approvals|moderation` commands are built on it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), opentrain_sandbox::RemoteError> {
//! use opentrain_sandbox::{Decision, Remote};
//! let sandbox = Remote::new("http://127.0.0.1:4010");
//! let proposal = sandbox.propose("job_00009").await?;
//! sandbox.decide("apr_00013", Decision::Confirm).await?;
//! # let _ = proposal; Ok(()) }
//! ```

use std::fmt;

use serde_json::{Value, json};

/// What the human does with an approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Confirm: the action runs.
    Confirm,
    /// Decline: nothing runs.
    Decline,
    /// Let it run out now: nothing runs.
    Expire,
}

impl Decision {
    fn path(self) -> &'static str {
        match self {
            Decision::Confirm => "confirm",
            Decision::Decline => "decline",
            Decision::Expire => "expire",
        }
    }
}

/// Why a control call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RemoteError {
    /// Nothing answered at the base URL.
    Unreachable {
        /// The base URL called.
        base_url: String,
        /// What failed.
        message: String,
    },
    /// Something answered, but not a sandbox's control routes (a wrong port, the real service).
    NotASandbox {
        /// The base URL called.
        base_url: String,
        /// The HTTP status it answered with.
        status: u16,
    },
    /// The sandbox refused the control: an unknown id (404), a record in another state (409),
    /// a bad argument (400).
    Refused {
        /// The HTTP status.
        status: u16,
        /// The sandbox's reason.
        message: String,
    },
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::Unreachable { base_url, message } => write!(
                f,
                "no sandbox answers at {base_url} ({message}); start one with `opentrain sandbox \
                 serve` and pass the URL it prints as --base-url"
            ),
            RemoteError::NotASandbox { base_url, status } => write!(
                f,
                "{base_url} answered {status} but is not an OpenTrain sandbox; pass the URL \
                 `opentrain sandbox serve` printed as --base-url"
            ),
            RemoteError::Refused { status, message } => {
                write!(f, "the sandbox refused ({status}): {message}")
            }
        }
    }
}

impl std::error::Error for RemoteError {}

/// A sandbox running elsewhere, by its base URL.
#[derive(Clone, Debug)]
pub struct Remote {
    base_url: String,
    http: reqwest::Client,
}

impl Remote {
    /// The sandbox at `base_url` (e.g. `http://127.0.0.1:4010`, what `opentrain sandbox serve`
    /// prints).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// A seeded trainer applies to the open job; returns the proposal id. The job's owner gets
    /// `proposal.received` (feed and webhooks).
    pub async fn propose(&self, job_id: &str) -> Result<String, RemoteError> {
        let answer = self
            .post("/sandbox/trainer/proposals", json!({ "jobId": job_id }))
            .await?;
        Ok(text(&answer, "proposalId"))
    }

    /// The conversation's trainer replies; returns the message id. The employer gets
    /// `message.received`.
    pub async fn reply(&self, conversation_id: &str, text_: &str) -> Result<String, RemoteError> {
        let answer = self
            .post(
                "/sandbox/trainer/replies",
                json!({ "conversationId": conversation_id, "text": text_ }),
            )
            .await?;
        Ok(text(&answer, "messageId"))
    }

    /// The human decides an approval; returns its status afterwards (`confirmed`, `declined`,
    /// `expired`).
    pub async fn decide(
        &self,
        approval_id: &str,
        decision: Decision,
    ) -> Result<String, RemoteError> {
        let path = format!("/sandbox/approvals/{approval_id}/{}", decision.path());
        let answer = self.post(&path, json!({})).await?;
        Ok(text(&answer, "status"))
    }

    /// Moderation blocks jobs containing `word` from now on; returns every blocked word.
    pub async fn block_word(&self, word: &str) -> Result<Vec<String>, RemoteError> {
        let answer = self
            .post("/sandbox/moderation/blocked-words", json!({ "word": word }))
            .await?;
        Ok(answer
            .get("blockedWords")
            .and_then(Value::as_array)
            .map(|words| {
                words
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, RemoteError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base_url))
            .json(&body)
            .send()
            .await
            .map_err(|e| RemoteError::Unreachable {
                base_url: self.base_url.clone(),
                message: e.to_string(),
            })?;
        let status = response.status().as_u16();
        let answer: Option<Value> = response.json().await.ok();
        // A control route's refusal is `{"error": "..."}`; an API error envelope (which also has
        // `code`) means the URL is not the sandbox's root.
        let reason = answer
            .as_ref()
            .filter(|a| a.get("code").is_none())
            .and_then(|a| a.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        match (status, answer, reason) {
            (200..=299, Some(answer), _) => Ok(answer),
            (400 | 404 | 409, _, Some(message)) => Err(RemoteError::Refused { status, message }),
            _ => Err(RemoteError::NotASandbox {
                base_url: self.base_url.clone(),
                status,
            }),
        }
    }
}

/// A string field of a control answer (empty when missing).
fn text(answer: &Value, key: &str) -> String {
    answer
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
