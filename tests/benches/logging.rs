//! What logging costs: the same simulated Raft runs with logs off, with
//! every event written to a JSON-lines file (what a failing test's replay
//! does), and with every event printed as text (`LAB_LOG=trace`) to a sink
//! that drops it. Off must cost nothing measurable: compare its wall time
//! with a build from before logging, or with the suite's own timings.
//!
//! Run with `make bench` (or `cargo bench -p tests --bench logging`).

use std::time::{Duration, Instant};

use labrt::Config;
use tests::bench_table::{header, row};
use tests::logging::{self, with_log};
use tests::{RaftConfig, Setup};
use tracing::Dispatch;

/// Seeds per mode; each a full scenario.
const SEEDS: u64 = 40;
/// Commands agreed before and after a follower's crash.
const COMMANDS: i64 = 50;

/// Elects a leader, agrees commands, crashes and restarts a follower, and
/// agrees more: most of what the suite's tests do.
fn scenario() {
    let cfg = RaftConfig::new(Setup {
        peers: 3,
        ..Setup::default()
    });
    let leader = cfg.check_one_leader();
    for x in 0..COMMANDS {
        cfg.one(&x, 3, true);
    }
    let follower = (leader + 1) % 3;
    cfg.crash1(follower);
    for x in 0..COMMANDS {
        cfg.one(&x, 2, true);
    }
    cfg.start1(follower);
    cfg.connect(follower);
    cfg.one(&-1_i64, 3, true);
    cfg.cleanup();
}

/// Wall time of the scenario on every seed, each run with the dispatcher
/// `log` makes for it, if any.
fn timed(log: impl Fn(u64) -> Option<Dispatch>) -> Duration {
    let start = Instant::now();
    for seed in 0..SEEDS {
        let log = log(seed);
        with_log(log.as_ref(), || Config::sim(seed).run(scenario));
    }
    start.elapsed()
}

fn main() {
    header(&format!(
        "logging (sim, 3 peers, {SEEDS} seeds of an election, {} commands and a restart)",
        2 * COMMANDS + 1
    ));
    let dir = std::env::temp_dir().join(format!("lab-bench-logs-{}", std::process::id()));
    let off = timed(|_| None);
    let file = timed(|seed| {
        let path = dir.join(format!("seed{seed}.jsonl"));
        Some(logging::to_file(&path, "bench", Some(seed), "sim").expect("a log file"))
    });
    let bytes: u64 = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    let text = timed(|_| {
        let filter = tracing_subscriber::EnvFilter::new("trace");
        Some(logging::to_writer(filter, Box::new(std::io::sink())))
    });
    let per_run = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3 / SEEDS as f64);
    row("wall time per run, logs off", per_run(off));
    row(
        "wall time per run, every event to a JSON-lines file",
        per_run(file),
    );
    row(
        "wall time per run, every event as text (LAB_LOG=trace)",
        per_run(text),
    );
    row(
        "log written per run (JSON lines)",
        format!("{:.0} KiB", bytes as f64 / 1024.0 / SEEDS as f64),
    );
}
