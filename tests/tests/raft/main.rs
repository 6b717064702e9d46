//! The Raft suite, parts 2A-2D: one test per scenario of the course, named
//! `<scenario>_<part>` so `cargo test 2a` selects a part.

mod agreement;
mod beyond;
mod beyond_links;
mod beyond_snapshots;
mod election;
mod interleavings;
mod persistence;
mod snapshots;

use labrt::time::{Duration, Instant, sleep};
use tests::raft_harness::rand_cmd;
use tests::{RaftConfig, Setup};

/// A cluster of `peers` on a reliable network with the plain applier.
pub fn cluster(peers: usize) -> RaftConfig {
    RaftConfig::new(Setup {
        peers,
        ..Setup::default()
    })
}

/// Peer `i + k`, wrapping around the cluster.
pub fn plus(cfg: &RaftConfig, i: usize, k: usize) -> usize {
    (i + k) % cfg.n()
}

/// How often [`wait_until`] looks.
const POLL: Duration = Duration::from_millis(10);

/// Waits up to `limit` for `done`, polling; whether it came.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() >= limit {
            return false;
        }
        sleep(POLL);
    }
    true
}

/// Ends a scenario on faulty links: every link back to the course's
/// model, every peer connected, and one command agreed on by all.
pub fn heal(cfg: &RaftConfig) {
    cfg.clear_link_faults();
    for i in 0..cfg.n() {
        cfg.connect(i);
    }
    cfg.one(&rand_cmd(), cfg.n(), true);
}
