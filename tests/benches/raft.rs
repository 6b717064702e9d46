//! Raft benchmarks on the reference solution, in real mode with 3 peers:
//! how long one command takes to be agreed, and how many commands per
//! second are agreed when many are started at once.
//!
//! Run with `make bench` (or `cargo bench -p tests --bench raft`).

use std::time::{Duration, Instant};

use labrt::Config;
use tests::bench_table::{header, median_p99, ms, row};
use tests::{RaftConfig, Setup};

/// Sequential commands timed for the latency figures.
const SEQUENTIAL: usize = 200;
/// Commands started at once for the throughput figure, and by how many
/// threads.
const CONCURRENT: u64 = 2_000;
const STARTERS: u64 = 16;
/// How often the bench looks at what the peers applied.
const POLL: labrt::time::Duration = labrt::time::Duration::from_micros(50);

fn three_peers() -> RaftConfig {
    RaftConfig::new(Setup {
        peers: 3,
        ..Setup::default()
    })
}

/// Waits until `peers` peers applied `index`.
fn wait_applied(cfg: &RaftConfig, index: u64, peers: usize) {
    while cfg.n_committed(index).0 < peers {
        labrt::time::sleep(POLL);
    }
}

/// Per command: time from `start` until the leader applied it, and until
/// all three peers did.
fn agreement_latency() -> (Vec<Duration>, Vec<Duration>) {
    let (mut leader, mut all) = (Vec::new(), Vec::new());
    Config::real(1).run(|| {
        let cfg = three_peers();
        let id = cfg.check_one_leader();
        for x in 0..SEQUENTIAL as i64 {
            let start = Instant::now();
            let (index, _) = cfg
                .start(id, &x)
                .expect("the leader changed during the bench");
            wait_applied(&cfg, index, 1);
            leader.push(start.elapsed());
            wait_applied(&cfg, index, 3);
            all.push(start.elapsed());
        }
        cfg.cleanup();
    });
    (leader, all)
}

/// Commands agreed by all three peers per second, with `STARTERS` threads
/// starting `CONCURRENT` commands between them.
fn agreement_throughput() -> f64 {
    let mut rate = 0.0;
    Config::real(2).run(|| {
        let cfg = three_peers();
        let id = cfg.check_one_leader();
        let start = Instant::now();
        let starters: Vec<_> = (0..STARTERS)
            .map(|t| {
                let cfg = cfg.clone();
                labrt::thread::spawn(format!("starter {t}"), move || {
                    let per_thread = CONCURRENT / STARTERS;
                    let commands = (0..per_thread).map(|i| (t * per_thread + i) as i64);
                    let indices = commands.map(|x| cfg.start(id, &x).expect("leader").0);
                    indices.max().unwrap_or(0)
                })
            })
            .collect();
        let last = starters
            .into_iter()
            .map(|s| s.join().unwrap())
            .max()
            .unwrap();
        wait_applied(&cfg, last, 3);
        rate = CONCURRENT as f64 / start.elapsed().as_secs_f64();
        cfg.cleanup();
    });
    rate
}

fn main() {
    header("raft benchmarks (real mode, 3 peers, reliable network)");
    let (leader, all) = agreement_latency();
    let (leader_median, leader_p99) = median_p99(leader);
    let (all_median, all_p99) = median_p99(all);
    row(
        "agreement latency, applied by the leader, median",
        ms(leader_median),
    );
    row(
        "agreement latency, applied by the leader, p99",
        ms(leader_p99),
    );
    row(
        "agreement latency, applied by all 3 peers, median",
        ms(all_median),
    );
    row(
        "agreement latency, applied by all 3 peers, p99",
        ms(all_p99),
    );
    row(
        &format!("commands agreed per second, {STARTERS} threads starting"),
        format!("{:.0}", agreement_throughput()),
    );
}
