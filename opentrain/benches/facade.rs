//! The facade's two performance goals, measured in one run and printed as ratios:
//!
//! (a) throughput of a facade call (`client.get_me().send()`, the client as `Client::builder()`
//!     makes it: 30 s attempt timeout, default retries, 120 s deadline) against the same
//!     request made with plain `reqwest` + `serde_json` into the same generated type, on a
//!     `reqwest::Client` configured as the facade configures its own (same timeouts), both
//!     against a keep-alive HTTP server on 127.0.0.1 (floor: facade >= 0.95x plain). The
//!     generated client on that same `reqwest::Client` with only the two headers added (no
//!     facade pipeline) is measured too, to show where any overhead lives. The paths take turns request by request, every path after every other
//!     equally often, so load on a shared machine hits them alike;
//! (b) peak memory (VmHWM) of a child process streaming 10,000 and 100,000 ledger entries
//!     through the paginator in pages of 100 (goal: flat, independent of the item count).
//!
//! `cargo bench -p opentrain --bench facade`. Without `--bench` (e.g. `cargo test
//! --all-targets`), it runs a small smoke version of the same code.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use opentrain::paging::Paginate;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const TOKEN: &str = "ot_pat_benchmark_token";
const ME_BODY: &str = include_str!("../../tests/fixtures/getMe.json");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Some(i) = args.iter().position(|a| a == "--child-stream") {
        let items: u64 = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .expect("--child-stream <items>");
        runtime.block_on(child_stream(items));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    // 61 rounds, not 21: on a shared 2-core machine the median of 21 moved by about 0.5 % from
    // one run to the next; that of 61 moves less (about 45 s a run).
    let (calls, rounds, sizes) = if full {
        (2_000, 61, [10_000, 100_000])
    } else {
        (50, 2, [1_000, 2_000])
    };
    runtime.block_on(throughput(calls, rounds));
    memory(sizes);
}

/// The generated client's transport for the comparison: the two headers the facade adds,
/// nothing else (no retries, deadline, tracing or error capture).
struct HeadersOnly {
    authorization: reqwest::header::HeaderValue,
}

impl HeadersOnly {
    fn new() -> Self {
        let mut authorization =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");
        authorization.set_sensitive(true);
        Self { authorization }
    }
}

impl opentrain_gen::transport::Pipeline for HeadersOnly {
    fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: reqwest::Request,
        _operation: &'static opentrain_gen::operations::Operation,
    ) -> opentrain_gen::transport::BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let headers = request.headers_mut();
        headers.insert(reqwest::header::AUTHORIZATION, self.authorization.clone());
        headers.insert(
            reqwest::header::USER_AGENT,
            reqwest::header::HeaderValue::from_static(opentrain::USER_AGENT),
        );
        Box::pin(http.execute(request))
    }
}

/// Each request of a round runs the three paths in one of these orders, in turn: every path
/// comes after every other path equally often (three times in 18 requests), so whatever one
/// request leaves behind (a connection still on its way back to the pool, a cold cache) is
/// shared out evenly.
const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [2, 1, 0],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
];

/// (a): interleaved rounds of `calls` sequential requests per path; the median round decides.
async fn throughput(calls: u32, rounds: usize) {
    let base = serve().await;
    let client = opentrain::Client::builder()
        .base_url(&base)
        .token(TOKEN)
        .build()
        .expect("facade client");
    // The `reqwest::Client` the facade builds for itself: the attempt timeout, and the
    // connect timeout cut to 10 s.
    let http = reqwest::Client::builder()
        .timeout(opentrain::DEFAULT_TIMEOUT)
        .connect_timeout(opentrain::DEFAULT_TIMEOUT.min(Duration::from_secs(10)))
        .build()
        .expect("plain client");
    let generated = opentrain_gen::Client::new_with_client(
        &format!("{base}/api/public/v1"),
        http.clone(),
        opentrain_gen::transport::Transport::new(HeadersOnly::new()),
    );
    let url = format!("{base}/api/public/v1/auth/me");

    let plain = async |http: &reqwest::Client| {
        // Byte for byte the request the generated client sends.
        let response = http
            .get(&url)
            .bearer_auth(TOKEN)
            .header(reqwest::header::USER_AGENT, opentrain::USER_AGENT)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                "api-version",
                <opentrain_gen::Client as opentrain_gen::ClientInfo<_>>::api_version(),
            )
            .send()
            .await
            .expect("plain request");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("plain body");
        serde_json::from_slice::<opentrain::types::Me>(&bytes).expect("plain decode")
    };
    // Warm the pool and every code path.
    for _ in 0..50 {
        client.get_me().send().await.expect("facade warm-up");
        plain(&http).await;
        generated.get_me().send().await.expect("generated warm-up");
    }
    // Each round sums the time of each path's own requests, so the ratio of a round compares
    // like with like; the median round decides.
    let mut rps: [Vec<f64>; 3] = Default::default();
    let mut ratios = Vec::new();
    let mut generated_ratios = Vec::new();
    for _ in 0..rounds {
        let mut spent = [Duration::ZERO; 3];
        for i in 0..calls {
            for path in ORDERS[i as usize % ORDERS.len()] {
                let start = Instant::now();
                match path {
                    0 => drop(std::hint::black_box(
                        client.get_me().send().await.expect("facade call"),
                    )),
                    1 => drop(std::hint::black_box(plain(&http).await)),
                    _ => drop(std::hint::black_box(
                        generated.get_me().send().await.expect("generated call"),
                    )),
                }
                spent[path] += start.elapsed();
            }
        }
        for (path, time) in spent.iter().enumerate() {
            rps[path].push(f64::from(calls) / time.as_secs_f64());
        }
        ratios.push(spent[1].as_secs_f64() / spent[0].as_secs_f64());
        generated_ratios.push(spent[1].as_secs_f64() / spent[2].as_secs_f64());
    }
    let [facade_rps, plain_rps, generated_rps] = &mut rps;
    println!(
        "throughput: {rounds} rounds x {calls} sequential GET /auth/me per path, interleaved, median round"
    );
    println!(
        "  facade client.get_me().send()   {:>10.0} req/s",
        median(facade_rps)
    );
    println!(
        "  plain reqwest + serde_json      {:>10.0} req/s",
        median(plain_rps)
    );
    println!(
        "  generated client, headers only  {:>10.0} req/s",
        median(generated_rps)
    );
    println!(
        "  ratio generated/plain           {:>10.3}  (the generated code's share)",
        median(&mut generated_ratios)
    );
    println!(
        "  ratio facade/plain              {:>10.3}  (floor >= 0.95)",
        median(&mut ratios)
    );
}

/// (b): one child process per size, so each peak is its own.
fn memory(sizes: [u64; 2]) {
    let exe = std::env::current_exe().expect("bench executable");
    let mut peaks = Vec::new();
    for items in sizes {
        let out = std::process::Command::new(&exe)
            .args(["--child-stream", &items.to_string()])
            .output()
            .expect("spawn child");
        assert!(
            out.status.success(),
            "child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let peak_kb: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("peak_kb "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        peaks.push((items, peak_kb));
    }
    println!(
        "memory: peak RSS (VmHWM) streaming ledger entries through the paginator, pages of 100"
    );
    for (items, kb) in &peaks {
        println!("  {items:>7} items  {:>8.1} MiB", *kb as f64 / 1024.0);
    }
    if let [(_, small), (_, large)] = peaks[..]
        && small > 0
    {
        println!(
            "  ratio {}/{}        {:>8.3}  (goal ~1.0: flat in the item count)",
            sizes[1],
            sizes[0],
            large as f64 / small as f64
        );
    } else {
        println!("  (VmHWM is not readable on this platform)");
    }
}

async fn child_stream(items: u64) {
    let base = serve_ledger(items).await;
    let client = opentrain::Client::builder()
        .base_url(&base)
        .token(TOKEN)
        .build()
        .expect("facade client");
    let mut stream = client.list_credit_ledger().limit(100u64).items();
    let mut seen = 0u64;
    let mut cents = 0i64;
    while let Some(entry) = stream.try_next().await.expect("page") {
        seen += 1;
        cents += entry.amount_cents;
    }
    assert_eq!(seen, items, "every item streamed once");
    std::hint::black_box(cents);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("peak_kb {peak}");
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A keep-alive HTTP/1.1 server answering `GET .../auth/me` with the documented example.
async fn serve() -> String {
    start(Arc::new(|_path: &str| ME_BODY.to_owned())).await
}

/// A server paging `total` ledger entries: cursor `n` is the page index.
async fn serve_ledger(total: u64) -> String {
    let pages = Arc::new(AtomicU64::new(0));
    start(Arc::new(move |path: &str| {
        pages.fetch_add(1, Ordering::Relaxed);
        let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
        let mut cursor = 0u64;
        let mut limit = 50u64;
        for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
            match k {
                "cursor" => cursor = v.parse().unwrap_or(0),
                "limit" => limit = v.parse().unwrap_or(50),
                _ => {}
            }
        }
        let first = cursor * limit;
        let last = (first + limit).min(total);
        let entries: Vec<serde_json::Value> = (first..last)
            .map(|i| {
                serde_json::json!({
                    "id": format!("led_{i}"), "type": "HOLD", "amountCents": -25,
                    "createdAt": "2026-06-11T15:30:00.000Z", "holdEntryId": null,
                    "jobofferId": null, "contractId": null, "milestoneId": null,
                    "topUpId": null, "note": null
                })
            })
            .collect();
        let next = (last < total).then(|| (cursor + 1).to_string());
        serde_json::json!({"entries": entries, "nextCursor": next}).to_string()
    }))
    .await
}

type Handler = Arc<dyn Fn(&str) -> String + Send + Sync>;

async fn start(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let handler = Arc::clone(&handler);
            // One write per response and no Nagle delay: a small-response benchmark otherwise
            // measures delayed ACKs, not the client.
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut reader = BufReader::new(read);
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let mut content_length = 0usize;
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some((name, value)) = line.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            content_length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; content_length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let body = handler(&path);
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req_bench\r\n\r\n{body}",
                        body.len()
                    );
                    if write.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    // Let the accept loop start before the first request.
    tokio::time::sleep(Duration::from_millis(1)).await;
    format!("http://{addr}")
}
