//! Webhook deliveries: a background task reads the new events of `State.events.log`, queues one
//! delivery per matching active subscription, and POSTs each event record to its URL, signed
//! as documented (`X-OpenTrain-Signature: t=<unix secs>,v1=<hex HMAC-SHA256(secret,
//! "{t}.{raw body}")>`, plus `X-OpenTrain-Event`, `X-OpenTrain-Delivery` and the documented
//! `User-Agent`). A failed attempt (no 2xx, a transport error or a 10 s timeout) is retried after
//! the configured delays, reusing the delivery id; a subscription is disabled after the
//! configured number of consecutive failures. Every attempt is recorded for
//! [`Sandbox::deliveries`].
//!
//! Retry times are on the sandbox clock, so `Sandbox::advance_clock` moves them forward; the
//! signature's `t` is the sandbox clock's time too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use opentrain_gen::types::{EventType, PlatformEventData, WebhookStatus};
use sha2::Sha256;
use tokio::task::JoinSet;

use crate::app::{App, State as Records, random_hex};
use crate::sandbox::{ControlError, Sandbox};

/// How often the task looks for new events and due retries.
const TICK: Duration = Duration::from_millis(25);

/// How long a receiver has to answer (the docs: a 2xx within 10 seconds).
const RECEIVER_TIMEOUT: Duration = Duration::from_secs(10);

/// The `disabledReason` of an auto-disabled subscription (the documented example).
pub(crate) const DISABLED_REASON: &str = "Disabled after repeated delivery failures";

/// The `User-Agent` of deliveries.
const USER_AGENT: &str = "OpenTrain-Webhooks/1.0";

/// Queued deliveries, recorded attempts, and how far the event log has been read.
#[derive(Debug, Default)]
pub(crate) struct Deliveries {
    read_up_to: usize,
    queue: Vec<Delivery>,
    attempts: Vec<DeliveryAttempt>,
}

impl Deliveries {
    /// Every attempt so far, oldest first.
    pub(crate) fn attempts(&self) -> &[DeliveryAttempt] {
        &self.attempts
    }

    /// Drops every delivery and recorded attempt of `webhook_id` (its history goes with it).
    pub(crate) fn forget(&mut self, webhook_id: &str) {
        self.queue.retain(|d| d.webhook_id != webhook_id);
        self.attempts.retain(|a| a.webhook_id != webhook_id);
    }
}

/// One event on its way to one subscription.
#[derive(Clone, Debug)]
struct Delivery {
    id: String,
    webhook_id: String,
    event_id: String,
    event_type: String,
    body: Vec<u8>,
    attempts: u32,
    next_at: DateTime<Utc>,
    in_flight: bool,
    done: bool,
}

/// One delivery attempt, as [`Sandbox::deliveries`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// The `X-OpenTrain-Delivery` id (the same on every attempt of one delivery).
    pub delivery_id: String,
    /// The subscription delivered to.
    pub webhook_id: String,
    /// The delivered event's `id`.
    pub event_id: String,
    /// The delivered event's `type`.
    pub event_type: String,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// When the attempt finished, on the sandbox clock.
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why the attempt failed without a status (connection error, timeout).
    pub error: Option<String>,
    /// Whether the receiver answered 2xx.
    pub succeeded: bool,
    /// The `X-OpenTrain-Signature` header the attempt carried (`t=…,v1=…`: a signature, never
    /// the secret).
    pub signature: String,
}

/// What one attempt needs, copied out of the state so no lock is held while sending.
struct Job {
    delivery_id: String,
    webhook_id: String,
    event_id: String,
    event_type: String,
    url: String,
    secret: String,
    body: Vec<u8>,
    attempt: u32,
    timestamp: i64,
}

/// How one attempt ended.
struct Outcome {
    job: Job,
    signature: String,
    status: Option<u16>,
    error: Option<String>,
}

/// The lower-case hex `HMAC-SHA256(secret, "{t}.{body}")` of the signature header.
pub(crate) fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Queues a delivery for every new event and every active subscription that wants it.
fn enqueue_new(st: &mut Records, now: DateTime<Utc>) {
    let from = st.agents.deliveries.read_up_to;
    let mut wanted = Vec::new();
    for (index, logged) in st.events.log.iter().enumerate().skip(from) {
        for sub in &st.agents.webhooks {
            if sub.account_id == logged.account_id
                && sub.webhook.status == WebhookStatus::Active
                && index >= sub.start
                && sub.webhook.event_types.contains(&logged.event.type_)
                && let Ok(body) = serde_json::to_vec(&logged.event)
            {
                wanted.push(Delivery {
                    id: format!("dlv_{}", random_hex(12)),
                    webhook_id: sub.webhook.id.clone(),
                    event_id: logged.event.id.clone(),
                    event_type: logged.event.type_.as_str().to_owned(),
                    body,
                    attempts: 0,
                    next_at: now,
                    in_flight: false,
                    done: false,
                });
            }
        }
    }
    st.agents.deliveries.read_up_to = st.events.log.len();
    st.agents.deliveries.queue.extend(wanted);
}

/// Marks the due deliveries in flight and returns their jobs. Deliveries whose subscription is
/// gone or disabled are finished without an attempt.
fn take_due(st: &mut Records, now: DateTime<Utc>) -> Vec<Job> {
    let Records { agents, .. } = st;
    let mut jobs = Vec::new();
    for delivery in agents
        .deliveries
        .queue
        .iter_mut()
        .filter(|d| !d.done && !d.in_flight && d.next_at <= now)
    {
        let Some(sub) = agents
            .webhooks
            .iter()
            .find(|s| s.webhook.id == delivery.webhook_id)
            .filter(|s| s.webhook.status == WebhookStatus::Active)
        else {
            delivery.done = true;
            continue;
        };
        delivery.in_flight = true;
        jobs.push(Job {
            delivery_id: delivery.id.clone(),
            webhook_id: delivery.webhook_id.clone(),
            event_id: delivery.event_id.clone(),
            event_type: delivery.event_type.clone(),
            url: sub.webhook.url.clone(),
            secret: sub.secret.clone(),
            body: delivery.body.clone(),
            attempt: delivery.attempts + 1,
            timestamp: now.timestamp(),
        });
    }
    agents.deliveries.queue.retain(|d| !d.done);
    jobs
}

/// Sends one signed attempt.
async fn send(client: reqwest::Client, job: Job) -> Outcome {
    let signature = format!(
        "t={},v1={}",
        job.timestamp,
        sign(&job.secret, job.timestamp, &job.body)
    );
    let result = client
        .post(&job.url)
        .header("content-type", "application/json")
        .header("user-agent", USER_AGENT)
        .header("x-opentrain-event", &job.event_type)
        .header("x-opentrain-delivery", &job.delivery_id)
        .header("x-opentrain-signature", &signature)
        .body(job.body.clone())
        .send()
        .await;
    match result {
        Ok(response) => Outcome {
            status: Some(response.status().as_u16()),
            error: None,
            signature,
            job,
        },
        Err(e) => Outcome {
            signature,
            status: None,
            error: Some(if e.is_timeout() {
                "the receiver did not answer within 10 seconds".to_owned()
            } else {
                format!("the receiver could not be reached: {e}")
            }),
            job,
        },
    }
}

/// Records an attempt's outcome: success finishes the delivery and resets the subscription's
/// failure count; a failure schedules the next retry (or gives up after the last delay) and
/// disables the subscription once its consecutive failures reach the threshold.
fn record(app: &App, outcome: Outcome) {
    let now = app.now();
    let delays = &app.inner.config.webhook_retry_delays;
    let disable_after = app.inner.config.webhook_disable_after;
    let mut st = app.state();
    let Records { agents, .. } = &mut *st;
    let Some(delivery) = agents
        .deliveries
        .queue
        .iter_mut()
        .find(|d| d.id == outcome.job.delivery_id)
    else {
        // The subscription was deleted meanwhile: its history is gone.
        return;
    };
    let succeeded = outcome.status.is_some_and(|s| (200..300).contains(&s));
    delivery.in_flight = false;
    delivery.attempts = outcome.job.attempt;
    let sub = agents
        .webhooks
        .iter_mut()
        .find(|s| s.webhook.id == outcome.job.webhook_id);
    if succeeded {
        delivery.done = true;
        if let Some(sub) = sub {
            sub.consecutive_failures = 0;
        }
    } else {
        match delays.get(delivery.attempts as usize - 1) {
            Some(delay) => {
                delivery.next_at =
                    now + chrono::Duration::from_std(*delay).unwrap_or(chrono::TimeDelta::MAX);
            }
            None => delivery.done = true,
        }
        if let Some(sub) = sub {
            sub.consecutive_failures += 1;
            if sub.consecutive_failures >= disable_after
                && sub.webhook.status == WebhookStatus::Active
            {
                sub.webhook.status = WebhookStatus::Disabled;
                sub.webhook.disabled_at = Some(now);
                sub.webhook.disabled_reason = Some(DISABLED_REASON.to_owned());
                let id = sub.webhook.id.clone();
                for pending in agents
                    .deliveries
                    .queue
                    .iter_mut()
                    .filter(|d| d.webhook_id == id)
                {
                    pending.done = true;
                }
            }
        }
    }
    agents.deliveries.attempts.push(DeliveryAttempt {
        delivery_id: outcome.job.delivery_id,
        webhook_id: outcome.job.webhook_id,
        event_id: outcome.job.event_id,
        event_type: outcome.job.event_type,
        attempt: outcome.job.attempt,
        at: now,
        status: outcome.status,
        error: outcome.error,
        succeeded,
        signature: outcome.signature,
    });
    agents.deliveries.queue.retain(|d| !d.done || d.in_flight);
}

/// Starts a plain thread that sends a tick every [`TICK`] of real time until the receiver is
/// gone. The loop waits on these ticks rather than on a tokio timer: a test running on a paused
/// tokio clock auto-advances to the next pending timer whenever its runtime idles (e.g. while
/// waiting on a socket), so a perpetual tokio timer would make the sandbox clock drift. `None`
/// if the thread could not be started.
fn ticks() -> Option<tokio::sync::mpsc::Receiver<()>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    std::thread::Builder::new()
        .name("sandbox-webhook-ticks".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(TICK);
                match sender.try_send(()) {
                    Ok(()) | Err(tokio::sync::mpsc::error::TrySendError::Full(())) => {}
                    Err(tokio::sync::mpsc::error::TrySendError::Closed(())) => return,
                }
            }
        })
        .ok()
        .map(|_| receiver)
}

/// Waits for the next tick (a tokio sleep if the tick thread is unavailable).
async fn next_tick(ticks: &mut Option<tokio::sync::mpsc::Receiver<()>>) {
    if let Some(receiver) = ticks {
        if receiver.recv().await.is_some() {
            return;
        }
        *ticks = None;
    }
    tokio::time::sleep(TICK).await;
}

/// The delivery loop (runs until the sandbox is dropped; its in-flight attempts are aborted
/// with it, and the tick thread ends on its next tick).
pub(crate) async fn run(app: App) {
    let client = reqwest::Client::builder()
        .timeout(RECEIVER_TIMEOUT)
        .build()
        .unwrap_or_default();
    let mut in_flight: JoinSet<Outcome> = JoinSet::new();
    let mut ticks = ticks();
    loop {
        let jobs = {
            let now = app.now();
            let mut st = app.state();
            enqueue_new(&mut st, now);
            take_due(&mut st, now)
        };
        for job in jobs {
            in_flight.spawn(send(client.clone(), job));
        }
        tokio::select! {
            Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                if let Ok(outcome) = done {
                    record(&app, outcome);
                }
            }
            () = next_tick(&mut ticks) => {}
        }
    }
}

impl Sandbox {
    /// Every webhook delivery attempt so far, oldest first (attempts of deleted subscriptions
    /// are removed with them).
    pub fn deliveries(&self) -> Vec<DeliveryAttempt> {
        self.app.state().agents.deliveries.attempts.clone()
    }

    /// Records an event on the seeded account's `/updates` log, as the platform would when
    /// something happens (webhook subscriptions of its type receive it). Returns the event id.
    ///
    /// Errors: [`ControlError::InvalidState`] only if the sandbox could not build the event
    /// (it sets every required key, so this does not happen in practice).
    pub fn emit_event(
        &self,
        event_type: EventType,
        resource_id: &str,
        job_id: Option<&str>,
        data: PlatformEventData,
    ) -> Result<String, ControlError> {
        let now = self.app.now();
        let owner = self.owner_account.clone();
        Ok(self.app.state().record_event(
            &owner,
            event_type,
            resource_id,
            job_id,
            data.into(),
            now,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn sign_is_hex_hmac_sha256_of_timestamp_dot_body() {
        // The signed message is "{t}." followed by the raw body bytes.
        let body = b"what do ya want for nothing?";
        let expected = {
            use hmac::{Hmac, Mac};
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"Jefe").unwrap();
            mac.update(b"42.what do ya want for nothing?");
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(sign("Jefe", 42, body), expected);
        assert_eq!(sign("Jefe", 42, body).len(), 64);
    }
}
