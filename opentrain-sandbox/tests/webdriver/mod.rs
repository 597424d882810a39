//! A real browser for tests: Debian's headless Chromium, driven through chromedriver's
//! WebDriver HTTP JSON API with plain reqwest calls. Shared by the sandbox's browser test and
//! the command's (which includes this file by path).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). [`browser_installed`] fails when `CI` is set and
//! they are missing, and otherwise lets a test skip with a note. Set `OPENTRAIN_SCREENSHOT_DIR`
//! to a folder to save a PNG of each page a test photographs.

// Each test crate uses a different subset.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The key of a web element reference in WebDriver answers.
pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How many times a wait looks again (100 ms apart) before giving up.
pub const TRIES: usize = 300;

/// A fresh, empty profile folder for Chromium, removed afterwards.
pub struct Profile(pub PathBuf);

impl Profile {
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "opentrain-sandbox-chromium-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// chromedriver on a free loopback port, stopped (with its browsers) when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    http: reqwest::Client,
}

impl Driver {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            port,
            // A guard against a browser that never answers, not a timed assertion.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .build()
                .unwrap(),
        };
        for _ in 0..TRIES {
            let ready = driver
                .http
                .get(driver.url("/status"))
                .send()
                .await
                .ok()
                .map(|r| r.json::<Value>());
            if let Some(answer) = ready
                && answer.await.is_ok_and(|v| v["value"]["ready"] == true)
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not become ready on port {port}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// One WebDriver command; returns its `value` (panics with the driver's error otherwise).
    pub async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method.clone(), self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {answer}");
        answer["value"].clone()
    }

    /// A headless Chromium session with the flags this machine needs.
    pub async fn session(&self, profile: &Profile) -> Session<'_> {
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=900,1000".to_owned(),
            format!("--user-data-dir={}", profile.0.display()),
        ];
        let value = self
            .command(
                reqwest::Method::POST,
                "/session",
                Some(json!({
                    "capabilities": {
                        "alwaysMatch": {
                            "browserName": "chrome",
                            "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
                        }
                    }
                })),
            )
            .await;
        Session {
            driver: self,
            id: value["sessionId"].as_str().unwrap().to_owned(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver's own shutdown endpoint also quits the browsers it started.
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = stream.write_all(
                b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let _ = stream.read(&mut [0u8; 512]);
        }
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.driver
            .command(method, &format!("/session/{}{path}", self.id), body)
            .await
    }

    pub async fn open(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn find(&self, css: &str) -> String {
        let value = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        value[ELEMENT].as_str().unwrap().to_owned()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/clear"),
            Some(json!({})),
        )
        .await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (a bounded number of looks) until the page shows `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let mut source = String::new();
        for _ in 0..TRIES {
            source = self.source().await;
            if source.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {text:?}; it shows {source}");
    }

    /// Resizes the window (CSS pixels).
    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// Whether the page is wider than the window (a sideways scroll on a phone).
    pub async fn overflows_sideways(&self) -> bool {
        let value = self
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(json!({
                    "script": "return document.documentElement.scrollWidth > window.innerWidth",
                    "args": []
                })),
            )
            .await;
        value.as_bool().unwrap_or(true)
    }

    /// Saves a PNG of the page into `OPENTRAIN_SCREENSHOT_DIR`, when that is set.
    pub async fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("OPENTRAIN_SCREENSHOT_DIR") else {
            return;
        };
        let value = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64(value.as_str().unwrap());
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(self) {
        self.call(reqwest::Method::DELETE, "", None).await;
    }
}

/// Decodes standard base64 (what WebDriver screenshots are).
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Waits (a bounded number of looks) until `done` holds.
pub async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..TRIES {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} never happened");
}

/// Whether the browser and its driver are installed; when not, fails under CI and says how
/// to install them otherwise.
pub fn browser_installed() -> bool {
    installed(
        Path::new(CHROMIUM),
        Path::new(CHROMEDRIVER),
        std::env::var_os("CI").is_some(),
    )
}

/// Whether both `chromium` and `driver` exist; when not, panics if `ci`, else prints the
/// skip note.
pub fn installed(chromium: &Path, driver: &Path, ci: bool) -> bool {
    if chromium.exists() && driver.exists() {
        return true;
    }
    assert!(
        !ci,
        "CI is set but {} or {} is missing: install chromium and chromium-driver",
        chromium.display(),
        driver.display()
    );
    eprintln!(
        "skipped: install chromium and chromium-driver ({}, {}) to run the browser test",
        chromium.display(),
        driver.display()
    );
    false
}
