//! A log of what the mock server saw: every mock answers through [`Log::answer`], so the log
//! holds each request, rendered as a small JSON document by [`render`], in the order the server
//! answered them (mockito evaluates every mock's matchers per request, but builds only one
//! response), and the tokio-clock time each one arrived at, for the paused-clock tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mockito::Mock;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How a request's `authorization` header is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `"bearer": true` when the header is `Bearer` and the shared test token
    /// ([`super::TOKEN`]), `false` otherwise: for clients that always hold that token.
    TestToken,
    /// `"authorization"`: the header as sent, or `null`: for flows whose tokens change hands
    /// (test tokens only).
    Header,
}

/// One request as a small JSON document: method, path and query, content type, the
/// authorization header as `auth` says, and the body (JSON parsed, a form decoded to its
/// pairs, `null` when empty).
pub fn render(req: &mockito::Request, auth: Auth) -> Value {
    let header = |name: &str| {
        req.header(name)
            .first()
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type");
    let bytes = req.body().cloned().unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else if content_type.as_deref() == Some("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap();
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    let mut rendered = json!({
        "method": req.method(),
        "path": req.path_and_query(),
        "contentType": content_type,
        "body": body,
    });
    let authorization = header("authorization");
    let (key, value) = match auth {
        Auth::TestToken => (
            "bearer",
            json!(authorization == Some(format!("Bearer {}", super::TOKEN))),
        ),
        Auth::Header => ("authorization", json!(authorization)),
    };
    rendered[key] = value;
    rendered
}

/// Every request the mocks answered, rendered, and the virtual time each one arrived at.
///
/// The mock server runs on its own thread and cannot read the test's paused clock, so it
/// pings a task of the test's runtime, which reads the clock. The ping goes out before the
/// response, while the client still waits for it and no timer can fire, so the time read is
/// the time the request was sent.
#[derive(Clone)]
pub struct Log {
    auth: Auth,
    sent: Arc<Mutex<Vec<Value>>>,
    times: Arc<Mutex<Vec<Duration>>>,
    ping: mpsc::UnboundedSender<()>,
}

impl Default for Log {
    /// The same as [`Log::new`]: must be made inside the test's runtime.
    fn default() -> Self {
        Self::new()
    }
}

impl Log {
    /// A log rendering the authorization header as [`Auth::TestToken`].
    ///
    /// Must be made inside the test's runtime, at the moment the clock counts from.
    pub fn new() -> Self {
        Self::with_auth(Auth::TestToken)
    }

    /// A log rendering the authorization header as `auth` says.
    ///
    /// Must be made inside the test's runtime, at the moment the clock counts from.
    pub fn with_auth(auth: Auth) -> Self {
        let (ping, mut pings) = mpsc::unbounded_channel::<()>();
        let times = Arc::new(Mutex::new(Vec::new()));
        let started = Instant::now();
        let recorded = Arc::clone(&times);
        tokio::spawn(async move {
            while pings.recv().await.is_some() {
                recorded.lock().unwrap().push(started.elapsed());
            }
        });
        Self {
            auth,
            sent: Arc::default(),
            times,
            ping,
        }
    }

    /// Makes `mock` answer `status` with the JSON `body`, logging the request first.
    pub fn answer(&self, mock: Mock, status: usize, body: &Value) -> Mock {
        let log = self.clone();
        let body = body.to_string();
        mock.with_status(status)
            .with_header("content-type", "application/json")
            .with_body_from_request(move |req| {
                log.sent.lock().unwrap().push(render(req, log.auth));
                let _ = log.ping.send(());
                body.clone().into_bytes()
            })
    }

    /// Every request so far, rendered, in order.
    pub fn sent(&self) -> Vec<Value> {
        self.sent.lock().unwrap().clone()
    }

    /// The `path?query` of every request, in order.
    pub fn paths(&self) -> Vec<String> {
        self.sent()
            .iter()
            .map(|r| r["path"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `METHOD path` of every request, in order.
    pub fn lines(&self) -> Vec<String> {
        self.sent()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap()
                )
            })
            .collect()
    }

    /// Arrival times in whole seconds since the log was made.
    pub async fn seconds(&self) -> Vec<u64> {
        // Let the recording task catch up with the last ping.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        self.times
            .lock()
            .unwrap()
            .iter()
            .map(Duration::as_secs)
            .collect()
    }
}
