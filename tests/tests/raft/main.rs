//! The Raft suite, parts 2A-2D: one test per scenario of the course, named
//! `<scenario>_<part>` so `cargo test 2a` selects a part.

mod agreement;
mod beyond;
mod beyond_links;
mod election;
mod interleavings;
mod persistence;
mod snapshots;

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
