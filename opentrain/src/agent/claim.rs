//! The claim ceremony: [`Agent::start_claim`] (`POST /api/agent/identity/claim`) or
//! [`Agent::resume_claim`] gives a [`ClaimCeremony`], whose [`poll`](ClaimCeremony::poll) and
//! [`wait`](ClaimCeremony::wait) ask the token endpoint (`POST /api/agent/oauth/token`) until
//! the human confirms, then save the one-shot post-claim token before handing it over.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::wire::{Body, CLAIM_TOKEN, Reply, START_CLAIM, Seconds, lenient, post};
use super::{Agent, CLAIM_GRANT_TYPE, DEFAULT_POLL_INTERVAL, SLOW_DOWN_STEP};
use crate::Client;
use crate::backoff::{Backoff, OnPoll, PollProgress, pause_until};
use crate::config::{self, ConfigError, Credentials, CredentialsFile, Overwrite, Secret};
use crate::error::Error;

/// The success body of `POST /api/agent/identity/claim`, every documented field. `user_code`
/// (a string, or a number taken as its digits), `verification_uri` and `expires_in` are
/// required (checked after decoding, so the error names the key); `interval` defaults to
/// [`DEFAULT_POLL_INTERVAL`]. Fields are read leniently and unknown keys are ignored.
#[derive(Deserialize)]
struct ClaimStartReply {
    #[serde(default, deserialize_with = "lenient::code")]
    user_code: Option<Secret>,
    #[serde(default, deserialize_with = "lenient::string")]
    verification_uri: Option<Secret>,
    #[serde(default)]
    expires_in: Option<Seconds>,
    #[serde(default)]
    interval: Option<Seconds>,
    #[serde(default, deserialize_with = "lenient::boolean")]
    email_sent: Option<bool>,
}

/// The success body of `POST /api/agent/oauth/token`: the post-claim token (required) and what
/// the docs say comes with it. Fields are read leniently and unknown keys are ignored.
#[derive(Deserialize)]
struct TokenReply {
    #[serde(default, deserialize_with = "lenient::string")]
    access_token: Option<Secret>,
    /// `token_type` (`bearer`): documented, not needed to use the token.
    #[serde(default, deserialize_with = "lenient::string")]
    #[expect(dead_code, reason = "documented, but the flow does not need it")]
    token_type: Option<String>,
    /// `scopes`: the post-claim scope set, documented, not needed to use the token.
    #[serde(default, deserialize_with = "lenient::strings")]
    #[expect(dead_code, reason = "documented, but the flow does not need it")]
    scopes: Vec<String>,
}

/// A claim-start reply with its required fields present.
struct Started {
    user_code: Secret,
    verification_uri: Secret,
    expires_in: u64,
    interval: u64,
    email_sent: Option<bool>,
}

impl ClaimStartReply {
    /// Decodes and checks the reply, in the order the fields matter: a missing code, URL or
    /// lifetime is a decode error naming the key.
    fn read(reply: &Reply) -> Result<Started, Error> {
        let claim: Self = reply.decode()?;
        Ok(Started {
            user_code: claim.user_code.ok_or_else(|| reply.missing("user_code"))?,
            verification_uri: reply.required(claim.verification_uri, "verification_uri")?,
            expires_in: reply
                .seconds(claim.expires_in, "expires_in")?
                .ok_or_else(|| reply.absent("expires_in"))?,
            interval: reply
                .seconds(claim.interval, "interval")?
                .unwrap_or(DEFAULT_POLL_INTERVAL),
            email_sent: claim.email_sent,
        })
    }
}

impl TokenReply {
    /// Decodes the reply and returns its `access_token`, which must be a non-empty string.
    fn read(reply: &Reply) -> Result<Secret, Error> {
        let token: Self = reply.decode()?;
        reply.required(token.access_token, "access_token")
    }
}

/// What an OAuth error of the token endpoint (all HTTP 400, decoded by the crate's error
/// decoder into [`Error::OAuth`]) means for the ceremony, by its `error` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenRefusal {
    /// `authorization_pending`: the human has not finished.
    Pending,
    /// `slow_down`: polled faster than the interval.
    SlowDown,
    /// `expired_token`: the claim window closed.
    Expired,
    /// `invalid_grant` or `access_denied`: the grant is gone for good.
    Refused,
    /// Anything else (`invalid_request`, `unsupported_grant_type`, …): passed on as is.
    Other,
}

impl TokenRefusal {
    fn from_code(code: &str) -> Self {
        match code {
            "authorization_pending" => Self::Pending,
            "slow_down" => Self::SlowDown,
            "expired_token" => Self::Expired,
            "invalid_grant" | "access_denied" => Self::Refused,
            _ => Self::Other,
        }
    }
}

impl Agent {
    /// Resumes a claim started earlier (by this process, another one, or the official CLI or
    /// MCP server) from the claim token alone: the returned ceremony polls the token endpoint
    /// with the same `interval` and `slow_down` handling as a fresh one, and saves the claimed
    /// token over the pre-claim one. It knows neither the user code nor the verification URL
    /// (they were shown when the claim started), nor when the attempt expires: bound the wait
    /// with [`ClaimCeremony::max_wait`]; an expired attempt still ends it with
    /// [`Error::ClaimExpired`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), opentrain::Error> {
    /// use std::time::Duration;
    /// use opentrain::agent::{Agent, AgentConfig};
    /// let agent = Agent::load(&AgentConfig::new())?;
    /// let client = agent.resume_claim().max_wait(Duration::from_secs(1800)).wait().await?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn resume_claim(self) -> ClaimCeremony {
        ClaimCeremony {
            user_code: None,
            verification_uri: None,
            expires_in: None,
            interval: DEFAULT_POLL_INTERVAL,
            email_sent: None,
            agent: self,
            started: Instant::now(),
            max_wait: None,
            received: Arc::default(),
            exchange: Arc::default(),
        }
    }

    /// Starts the claim ceremony (`POST /api/agent/identity/claim`): OpenTrain emails `email`
    /// a verification link, and the returned [`ClaimCeremony`] holds the `verification_uri`
    /// and `user_code` to show the human directly (the email may land in spam).
    ///
    /// The email must not already belong to an OpenTrain account. Calling again restarts the
    /// ceremony with a new code. Errors are [`Error::OAuth`]: 400 `invalid_request` (bad
    /// claim token or email, claim window over, or email already registered — only the
    /// description tells which), 403 `anonymous_not_enabled`, 429 `rate_limit_exceeded`,
    /// 500 `server_error`. Not retried.
    pub async fn start_claim(&self, email: &str) -> Result<ClaimCeremony, Error> {
        let email = email.trim();
        if email.is_empty() {
            return Err(Error::InvalidRequest(
                "the owner's email is empty; the claim needs the human's email address".into(),
            ));
        }
        #[derive(Serialize)]
        struct ClaimBody<'a> {
            claim_token: &'a str,
            email: &'a str,
        }
        let body = ClaimBody {
            claim_token: self.claim_token.expose(),
            email,
        };
        let reply = post(&self.client, &START_CLAIM, Body::json(&body)?).await?;
        let started = Instant::now();
        let claim = ClaimStartReply::read(&reply)?;
        Ok(ClaimCeremony {
            user_code: Some(claim.user_code),
            verification_uri: Some(claim.verification_uri),
            expires_in: Some(claim.expires_in),
            interval: claim.interval,
            email_sent: claim.email_sent,
            agent: self.clone(),
            started,
            max_wait: None,
            received: Arc::default(),
            exchange: Arc::default(),
        })
    }
}

/// A started claim: show [`verification_uri`](Self::verification_uri) and
/// [`user_code`](Self::user_code) to the human, then [`wait`](Self::wait).
///
/// `Debug` shows neither token.
#[derive(Debug)]
pub struct ClaimCeremony {
    /// `user_code`: the 6-digit code the human enters on the claim page (a secret: show it to
    /// the human with [`Secret::expose`], never log it). `None` for a
    /// [resumed](Agent::resume_claim) claim.
    pub user_code: Option<Secret>,
    /// `verification_uri`: the page the human opens (`https://app.opentrain.ai/claim?token=…`;
    /// the URL carries the `ot_cat_` claim-attempt token, so it is a secret too). `None` for a
    /// [resumed](Agent::resume_claim) claim.
    pub verification_uri: Option<Secret>,
    /// `expires_in`: seconds this claim attempt lives (1800 in the docs); counted from the
    /// moment the response arrived. `None` for a [resumed](Agent::resume_claim) claim.
    pub expires_in: Option<u64>,
    /// `interval`: the least number of seconds between two polls of the token endpoint.
    pub interval: u64,
    /// `email_sent`: whether the verification email went out, if the server said.
    pub email_sent: Option<bool>,
    agent: Agent,
    started: Instant,
    max_wait: Option<Duration>,
    /// A post-claim token that arrived: saved already (a poll whose caller went away finished
    /// in the background) or not yet (the save failed). The next poll hands it over.
    received: Arc<Mutex<Option<Secret>>>,
    /// Held by the one token-endpoint exchange in flight (its task keeps it past a drop).
    exchange: Arc<tokio::sync::Mutex<()>>,
}

/// What one poll of the token endpoint found.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClaimStatus {
    /// `authorization_pending`: the human has not finished; poll again after the interval.
    Pending,
    /// `slow_down`: polled too fast; wait longer before the next poll.
    SlowDown,
    /// Claimed: the post-claim token is saved, and this client carries it.
    Claimed(Client),
}

impl ClaimCeremony {
    /// Caps how long [`wait`](Self::wait) polls, counted from the start of each `wait`; the
    /// claim attempt's own `expires_in` still applies.
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = Some(max);
        self
    }

    /// The agent this claim is for.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The post-claim token if it arrived and has not been handed over yet: its save failed
    /// (the error was returned), or a poll whose caller went away received it (and saved it).
    /// [`wait`](Self::wait) and [`poll`](Self::poll) save it again and hand it over first; this
    /// is the last resort for keeping the token some other way.
    pub fn unsaved_token(&self) -> Option<Secret> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Polls the token endpoint until the human confirms, and returns a [`Client`] with the
    /// post-claim token, which is already saved in the credentials file.
    ///
    /// The first poll comes one `interval` after the call; `authorization_pending` keeps it
    /// going at that pace and every `slow_down` adds 5 seconds to the interval.
    /// Transient failures (timeouts, connection errors, 502/503/504) are sat out at the same
    /// pace, up to the retry policy's attempt count in a row. It ends with:
    ///
    /// - [`Error::ClaimExpired`] on `expired_token`, or when the next poll would come after the
    ///   attempt's `expires_in` or the [`max_wait`](Self::max_wait) (start a new claim);
    /// - [`Error::ClaimRefused`] on `invalid_grant` or `access_denied` (the token was already
    ///   handed out, the claim token is unknown, or the human declined);
    /// - [`Error::OAuth`] for other endpoint errors, [`Error::Config`] if the token could not be
    ///   saved (see [`unsaved_token`](Self::unsaved_token); calling `wait` again retries the
    ///   save without polling).
    ///
    /// On success the token goes to the credentials file before anything else: `apiToken`
    /// replaced, `claimToken` removed, `baseUrl` set, other keys kept, written atomically with
    /// mode `0600` (a file that is no longer valid JSON is replaced, since the one-shot token
    /// matters more). Do not run two waits of one ceremony at once.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future loses nothing: each poll runs as a task of its own that saves the
    /// token once its answer arrives (see [`poll`](Self::poll)), and the next `wait` or `poll`
    /// of this ceremony returns the claimed client without asking the server again.
    pub async fn wait(&self) -> Result<Client, Error> {
        self.wait_inner(OnPoll::none()).await
    }

    /// [`wait`](Self::wait), calling `progress` before each pause with the polls made, the
    /// time waited and the pause ahead (for a live status line; the wait is the same).
    pub async fn wait_with_progress(
        &self,
        progress: impl FnMut(PollProgress) + Send,
    ) -> Result<Client, Error> {
        self.wait_inner(OnPoll::new(progress)).await
    }

    async fn wait_inner(&self, mut on_poll: OnPoll<'_>) -> Result<Client, Error> {
        let started = Instant::now();
        let mut polls = 0;
        if let Some(token) = self.take_received() {
            return self.finish(token).await;
        }
        let policy = self.agent.client.retry_policy().clone();
        let mut schedule = Backoff::fixed(Duration::from_secs(self.interval.max(1)));
        let expires = self
            .expires_in
            .and_then(|seconds| self.started.checked_add(Duration::from_secs(seconds)));
        let capped = self
            .max_wait
            .and_then(|max| Instant::now().checked_add(max));
        let deadline = match (expires, capped) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut failures = 0;
        loop {
            let Some(next) = Instant::now().checked_add(schedule.delay(0)) else {
                return Err(Error::ClaimExpired);
            };
            if deadline.is_some_and(|deadline| next > deadline) {
                return Err(Error::ClaimExpired);
            }
            on_poll.report(PollProgress {
                polls,
                waited: started.elapsed(),
                next_poll_in: next.saturating_duration_since(Instant::now()),
            });
            pause_until(next).await;
            polls += 1;
            match self.poll().await {
                Ok(ClaimStatus::Claimed(client)) => return Ok(client),
                Ok(ClaimStatus::Pending) => failures = 0,
                Ok(ClaimStatus::SlowDown) => {
                    failures = 0;
                    schedule = schedule.lengthen(SLOW_DOWN_STEP);
                }
                Err(error) => {
                    failures += 1;
                    if failures >= policy.attempts() || !policy.should_retry(&error, true) {
                        return Err(error);
                    }
                }
            }
        }
    }

    /// Polls the token endpoint once (`POST /api/agent/oauth/token`, form body `grant_type`,
    /// `claim_token`), with no waiting: the CLI's `auth claim-status`. Respect
    /// [`interval`](Self::interval) between calls. On success the token is saved exactly as
    /// [`wait`](Self::wait) saves it; errors map as there.
    ///
    /// # Cancel safety
    ///
    /// The post-claim token is handed out exactly once. The request, the read of its answer
    /// and the atomic save of the token run as one spawned task that this future only awaits,
    /// so dropping the future (a timeout around it, a `select!`) at any point never loses the
    /// token: once the answer arrives it is saved to the credentials file, and the next
    /// `poll` or `wait` of this ceremony returns the claimed client without asking the server
    /// again. The same holds for [`wait`](Self::wait), which polls through this method.
    pub async fn poll(&self) -> Result<ClaimStatus, Error> {
        // One exchange at a time: a poll whose caller went away may still be in flight, and
        // its answer (the one-shot token) must be waited for, not asked for again.
        let in_flight = Arc::clone(&self.exchange).lock_owned().await;
        if let Some(token) = self.take_received() {
            drop(in_flight);
            return self.finish(token).await.map(ClaimStatus::Claimed);
        }
        let form = Body::form(&[
            ("grant_type", CLAIM_GRANT_TYPE),
            ("claim_token", self.agent.claim_token.expose()),
        ])?;
        let (client, file, received) = (
            self.agent.client.clone(),
            self.agent.credentials.clone(),
            Arc::clone(&self.received),
        );
        let exchange = tokio::spawn(async move {
            let _in_flight = in_flight;
            let reply = post(&client, &CLAIM_TOKEN, form).await?;
            let token = TokenReply::read(&reply)?;
            // Kept before the save: if the save fails, the next poll saves it again.
            *received.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
            let base_url = client.base_url().to_owned();
            config::off_runtime(move || save_claimed(&file, &token, &base_url)).await?;
            Ok::<(), Error>(())
        });
        let outcome = match exchange.await {
            Ok(outcome) => outcome,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::InvalidRequest(
                "the claim poll was cancelled by the runtime shutting down".into(),
            )),
        };
        match outcome {
            Ok(()) => {
                let token = self.take_received().ok_or_else(|| {
                    Error::InvalidRequest("the claimed token was handed over twice".into())
                })?;
                self.agent
                    .client
                    .with_token(token)
                    .map(ClaimStatus::Claimed)
            }
            Err(Error::OAuth {
                status,
                error,
                description,
            }) => match TokenRefusal::from_code(&error) {
                TokenRefusal::Pending => Ok(ClaimStatus::Pending),
                TokenRefusal::SlowDown => Ok(ClaimStatus::SlowDown),
                TokenRefusal::Expired => Err(Error::ClaimExpired),
                TokenRefusal::Refused => Err(Error::ClaimRefused { error, description }),
                TokenRefusal::Other => Err(Error::OAuth {
                    status,
                    error,
                    description,
                }),
            },
            Err(other) => Err(other),
        }
    }

    fn take_received(&self) -> Option<Secret> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Saves the post-claim token, then (only then) builds the client that carries it.
    async fn finish(&self, token: Secret) -> Result<Client, Error> {
        let (file, saved, base_url) = (
            self.agent.credentials.clone(),
            token.clone(),
            self.agent.client.base_url().to_owned(),
        );
        if let Err(error) =
            config::off_runtime(move || save_claimed(&file, &saved, &base_url)).await
        {
            *self.received.lock().unwrap_or_else(PoisonError::into_inner) = Some(token);
            return Err(error);
        }
        self.agent.client.with_token(token)
    }
}

/// Writes the post-claim token: `apiToken` replaced, `claimToken` dropped, `baseUrl` set, other
/// keys kept. A file that is no longer valid JSON is replaced rather than losing the token.
fn save_claimed(file: &CredentialsFile, token: &Secret, base_url: &str) -> Result<(), Error> {
    let apply = |c: &mut Credentials| {
        c.api_token = Some(token.clone());
        c.claim_token = None;
        c.base_url = Some(base_url.to_owned());
    };
    match file.update(apply) {
        Err(Error::Config(ConfigError::MalformedCredentialsFile { .. })) => {
            let mut fresh = Credentials::default();
            apply(&mut fresh);
            file.save(&fresh, Overwrite::Allow)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(err: Error) -> String {
        match err {
            Error::Decode { message, .. } => message,
            other => panic!("expected Decode, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_claim_start_reply_gives_every_field() {
        let reply = Reply::for_test(
            r#"{"user_code": "439218", "verification_uri": "https://app.opentrain.ai/claim?token=ot_cat_x",
                "expires_in": 1800, "interval": 7, "email_sent": true, "attempt": {"new": 1}}"#,
        );
        let started = ClaimStartReply::read(&reply).expect("decodes");
        assert_eq!(started.user_code.expose(), "439218");
        assert_eq!(
            started.verification_uri.expose(),
            "https://app.opentrain.ai/claim?token=ot_cat_x"
        );
        assert_eq!(started.expires_in, 1800);
        assert_eq!(started.interval, 7);
        assert_eq!(started.email_sent, Some(true));
    }

    #[test]
    fn a_numeric_user_code_is_taken_as_its_digits_and_the_interval_defaults() {
        let reply = Reply::for_test(
            r#"{"user_code": 439218, "verification_uri": "https://x/claim", "expires_in": 2.5,
                "interval": null, "email_sent": "yes"}"#,
        );
        let started = ClaimStartReply::read(&reply).expect("decodes");
        assert_eq!(started.user_code.expose(), "439218");
        assert_eq!(started.expires_in, 3);
        assert_eq!(started.interval, DEFAULT_POLL_INTERVAL);
        assert_eq!(started.email_sent, None);
    }

    #[test]
    fn a_claim_start_reply_missing_a_required_field_names_it() {
        let uri = r#""verification_uri": "https://x/claim""#;
        for (body, expected) in [
            (
                format!(r#"{{{uri}, "expires_in": 1800}}"#),
                "`user_code` is missing or not a string",
            ),
            (
                format!(r#"{{"user_code": true, {uri}, "expires_in": 1800}}"#),
                "`user_code` is missing or not a string",
            ),
            (
                r#"{"user_code": "1", "verification_uri": null, "expires_in": 1800}"#.to_owned(),
                "`verification_uri` is missing or not a string",
            ),
            (
                format!(r#"{{"user_code": "1", {uri}}}"#),
                "`expires_in` is missing",
            ),
            (
                format!(r#"{{"user_code": "1", {uri}, "expires_in": "1800"}}"#),
                "`expires_in` is not a number",
            ),
            (
                format!(r#"{{"user_code": "1", {uri}, "expires_in": 1800, "interval": -5}}"#),
                "`interval` is not a non-negative number",
            ),
        ] {
            let err = ClaimStartReply::read(&Reply::for_test(&body))
                .err()
                .expect(&body);
            assert_eq!(message(err), expected, "{body}");
        }
    }

    #[test]
    fn the_token_reply_gives_its_access_token_and_refuses_one_that_is_null() {
        let reply = Reply::for_test(
            r#"{"access_token": "ot_pat_post", "token_type": "bearer", "scopes": ["jobs:read"]}"#,
        );
        assert_eq!(
            TokenReply::read(&reply).expect("decodes").expose(),
            "ot_pat_post"
        );
        let err = TokenReply::read(&Reply::for_test(r#"{"access_token": null}"#))
            .expect_err("a decode error");
        assert_eq!(message(err), "`access_token` is missing or not a string");
        let err = TokenReply::read(&Reply::for_test("<html>502 Bad Gateway</html>"))
            .expect_err("a decode error");
        assert_eq!(message(err), "not JSON (line 1, column 1)");
    }

    #[test]
    fn token_endpoint_error_codes_map_to_what_the_ceremony_does() {
        for (code, expected) in [
            ("authorization_pending", TokenRefusal::Pending),
            ("slow_down", TokenRefusal::SlowDown),
            ("expired_token", TokenRefusal::Expired),
            ("invalid_grant", TokenRefusal::Refused),
            ("access_denied", TokenRefusal::Refused),
            ("unsupported_grant_type", TokenRefusal::Other),
            ("invalid_request", TokenRefusal::Other),
            ("", TokenRefusal::Other),
        ] {
            assert_eq!(TokenRefusal::from_code(code), expected, "{code}");
        }
    }
}
