//! Startup time of the `opentrain` binary against `node -e 0` (the official CLI runs on
//! Node.js), measured in one run, alternating the two so that machine load hits both alike.
//!
//! `cargo bench -p opentrain-cli --bench startup` builds the binary with the bench (release)
//! profile and times `opentrain --version`; it prints both medians, their ratio (target
//! ≤ 0.2) and the binary's size. Without `node` on `PATH` it says so and prints only the
//! binary's figures. Run without `--bench` (as `cargo test --all-targets` does), it is a
//! two-iteration smoke run of the same code.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Iterations of each command in a real bench run.
const BENCH_ITERATIONS: usize = 41;
/// Iterations in a smoke run.
const SMOKE_ITERATIONS: usize = 2;

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let iterations = if bench {
        BENCH_ITERATIONS
    } else {
        SMOKE_ITERATIONS
    };
    if !bench {
        println!("smoke run ({SMOKE_ITERATIONS} iterations; `cargo bench` for real figures)");
    }
    let binary = env!("CARGO_BIN_EXE_opentrain");
    let node = node_available();
    if !node {
        println!("node is not on PATH: timing only the opentrain binary");
    }
    // One warm-up each, so the page cache holds both.
    time(binary, &["--version"]);
    if node {
        time("node", &["-e", "0"]);
    }
    let mut ours = Vec::with_capacity(iterations);
    let mut theirs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        ours.push(time(binary, &["--version"]));
        if node {
            theirs.push(time("node", &["-e", "0"]));
        }
    }
    let size = std::fs::metadata(binary).map(|m| m.len()).unwrap_or(0);
    let ours = median(&mut ours);
    println!("binary: {binary}");
    println!(
        "binary size: {size} bytes ({:.1} MiB)",
        size as f64 / (1024.0 * 1024.0)
    );
    println!(
        "opentrain --version: median {:.2} ms over {iterations} runs",
        ms(ours)
    );
    if node {
        let theirs = median(&mut theirs);
        println!(
            "node -e 0:           median {:.2} ms over {iterations} runs",
            ms(theirs)
        );
        let ratio = ours.as_secs_f64() / theirs.as_secs_f64().max(f64::MIN_POSITIVE);
        println!(
            "median wall ratio opentrain/node: {ratio:.3} (target <= 0.2: {})",
            if ratio <= 0.2 { "met" } else { "NOT met" }
        );
    }
}

fn node_available() -> bool {
    Command::new("node")
        .args(["-e", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The wall time of one run of `program args`; a run that fails to start or exits non-zero
/// stops the bench, since its time would mean nothing.
fn time(program: &str, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let elapsed = started.elapsed();
    match status {
        Ok(s) if s.success() => elapsed,
        Ok(s) => panic!("{program} {args:?} exited with {s}"),
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
