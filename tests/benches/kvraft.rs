//! kvraft benchmarks on the reference solution, in real mode with 3 servers
//! on a reliable network: how many operations per second one clerk gets
//! through when it waits for each before the next, and how many ten clerks
//! get through between them when they run at once.
//!
//! Run with `cargo bench -p tests --bench kvraft`.

use std::time::{Duration, Instant};

use labrt::Config;
use tests::bench_table::{header, median_p99, ms, row};
use tests::kv_harness::{KvConfig, KvSetup, TestClerk};

/// Servers in the cluster.
const SERVERS: usize = 3;
/// Appends, then as many gets, made one after the other by a single clerk.
const SEQUENTIAL: usize = 2_000;
/// Sequential operations per second the service should reach: every one
/// waits for a Raft agreement, so this is a bound on agreement latency.
const SEQUENTIAL_GOAL: f64 = 5_000.0;
/// Clerks running at once, and how many operations each makes.
const CLERKS: usize = 10;
const PER_CLERK: usize = 500;

/// A clerk on every server that has already found the leader, so no
/// election or leader search is timed.
fn warm_clerk(cfg: &KvConfig) -> TestClerk {
    let mut ck = cfg.make_client(&cfg.all());
    ck.direct().get("warm-up");
    ck
}

fn three_servers() -> KvConfig {
    KvConfig::new(KvSetup {
        servers: SERVERS,
        unreliable: false,
        maxraftstate: None,
    })
}

/// Latency of each of one clerk's `SEQUENTIAL` appends and `SEQUENTIAL`
/// gets, and the operations per second over the lot.
fn sequential() -> (Vec<Duration>, f64) {
    let (mut latencies, mut rate) = (Vec::new(), 0.0);
    Config::real(1).run(|| {
        let cfg = three_servers();
        let mut ck = warm_clerk(&cfg);
        let ck = ck.direct();
        let start = Instant::now();
        for _ in 0..SEQUENTIAL {
            let op = Instant::now();
            ck.append("k", "x");
            latencies.push(op.elapsed());
        }
        for _ in 0..SEQUENTIAL {
            let op = Instant::now();
            assert_eq!(ck.get("k").len(), SEQUENTIAL, "an append was lost");
            latencies.push(op.elapsed());
        }
        rate = latencies.len() as f64 / start.elapsed().as_secs_f64();
        cfg.cleanup();
    });
    (latencies, rate)
}

/// Operations per second of `CLERKS` clerks at once, each alternating
/// appends and gets on its own key.
fn concurrent() -> f64 {
    let mut rate = 0.0;
    Config::real(2).run(|| {
        let cfg = three_servers();
        let clerks: Vec<TestClerk> = (0..CLERKS).map(|_| warm_clerk(&cfg)).collect();
        let start = Instant::now();
        let threads: Vec<_> = clerks
            .into_iter()
            .enumerate()
            .map(|(c, mut ck)| {
                labrt::thread::spawn(format!("clerk {c}"), move || {
                    let (key, ck) = (format!("k{c}"), ck.direct());
                    for i in 0..PER_CLERK / 2 {
                        ck.append(&key, "x");
                        assert_eq!(ck.get(&key).len(), i + 1, "an append was lost");
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        rate = (CLERKS * PER_CLERK) as f64 / start.elapsed().as_secs_f64();
        cfg.cleanup();
    });
    rate
}

fn main() {
    header(&format!(
        "kvraft benchmarks (real mode, {SERVERS} servers, reliable network)"
    ));
    let (latencies, rate) = sequential();
    let (median, p99) = median_p99(latencies);
    row(
        &format!("ops per second, 1 clerk, sequential (goal: at least {SEQUENTIAL_GOAL:.0})"),
        format!("{rate:.0}"),
    );
    row("latency per op, 1 clerk, median", ms(median));
    row("latency per op, 1 clerk, p99", ms(p99));
    row(
        &format!("ops per second, {CLERKS} clerks at once, {PER_CLERK} ops each"),
        format!("{:.0}", concurrent()),
    );
}
