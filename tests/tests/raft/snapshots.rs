//! 2D: log compaction with snapshots. Every test uses the snapshot applier,
//! which snapshots every ten entries.

use labrt::rand::RngExt;
use tests::raft_harness::{SNAPSHOT_INTERVAL, rand_cmd};
use tests::{RaftConfig, Setup};

use crate::plus;

/// The 2D bound on persisted Raft state, in bytes.
const MAX_LOG_SIZE: usize = 2000;

fn snapshot_cluster(reliable: bool) -> RaftConfig {
    RaftConfig::new(Setup {
        peers: 3,
        unreliable: !reliable,
        snapshot: true,
    })
}

/// A random number of commands: enough, perhaps, for a snapshot.
fn some_commands() -> u64 {
    SNAPSHOT_INTERVAL / 2 + labrt::rand::rng().random_range(0..SNAPSHOT_INTERVAL)
}

/// The faults one `snap_common` scenario injects.
#[derive(Clone, Copy, Default)]
struct Faults {
    disconnect: bool,
    unreliable: bool,
    crash: bool,
}

fn snap_common(description: &str, faults: Faults) {
    let cfg = snapshot_cluster(!faults.unreliable);
    let n = cfg.n();
    cfg.begin(description);
    cfg.one(&rand_cmd(), n, true);
    let mut leader1 = cfg.check_one_leader();

    for i in 0..30 {
        let (victim, sender) = if i % 3 == 1 {
            (leader1, plus(&cfg, leader1, 1))
        } else {
            (plus(&cfg, leader1, 1), leader1)
        };
        if faults.disconnect {
            cfg.disconnect(victim);
            cfg.one(&rand_cmd(), n - 1, true);
        }
        if faults.crash {
            cfg.crash1(victim);
            cfg.one(&rand_cmd(), n - 1, true);
        }

        // Perhaps send enough to get a snapshot.
        for _ in 0..some_commands() {
            cfg.start(sender, &rand_cmd());
        }

        // Let applier threads catch up with the starts.
        if faults.disconnect || faults.crash {
            cfg.one(&rand_cmd(), n - 1, true);
        } else {
            // All followers catch up, so no InstallSnapshot is needed.
            cfg.one(&rand_cmd(), n, true);
        }
        let size = cfg.log_size();
        if size >= MAX_LOG_SIZE {
            cfg.fail(format_args!("Log size too large: {size} bytes"));
        }

        if faults.disconnect {
            // A follower that may be behind, and need a snapshot.
            cfg.connect(victim);
            cfg.one(&rand_cmd(), n, true);
            leader1 = cfg.check_one_leader();
        }
        if faults.crash {
            cfg.start1(victim);
            cfg.connect(victim);
            cfg.one(&rand_cmd(), n, true);
            leader1 = cfg.check_one_leader();
        }
    }
    cfg.end();
}

#[test]
fn snapshot_basic_2d() {
    tests::run(|| snap_common("Test (2D): snapshots basic", Faults::default()));
}

#[test]
fn snapshot_install_2d() {
    let faults = Faults {
        disconnect: true,
        ..Faults::default()
    };
    tests::run(|| snap_common("Test (2D): install snapshots (disconnect)", faults));
}

#[test]
fn snapshot_install_unreliable_2d() {
    let faults = Faults {
        disconnect: true,
        unreliable: true,
        ..Faults::default()
    };
    tests::run(|| {
        snap_common(
            "Test (2D): install snapshots (disconnect+unreliable)",
            faults,
        )
    });
}

#[test]
fn snapshot_install_crash_2d() {
    let faults = Faults {
        crash: true,
        ..Faults::default()
    };
    tests::run(|| snap_common("Test (2D): install snapshots (crash)", faults));
}

#[test]
fn snapshot_install_uncrash_2d() {
    let faults = Faults {
        unreliable: true,
        crash: true,
        ..Faults::default()
    };
    tests::run(|| snap_common("Test (2D): install snapshots (unreliable+crash)", faults));
}

fn crash_and_restart_all(cfg: &RaftConfig) {
    for i in 0..cfg.n() {
        cfg.crash1(i);
    }
    for i in 0..cfg.n() {
        cfg.start1(i);
        cfg.connect(i);
    }
}

#[test]
fn snapshot_all_crash_2d() {
    tests::run(|| {
        let cfg = snapshot_cluster(true);
        cfg.begin("Test (2D): crash and restart all servers");
        cfg.one(&rand_cmd(), 3, true);
        for _ in 0..5 {
            // Perhaps enough to get a snapshot.
            for _ in 0..some_commands() {
                cfg.one(&rand_cmd(), 3, true);
            }
            let index1 = cfg.one(&rand_cmd(), 3, true);
            crash_and_restart_all(&cfg);
            let index2 = cfg.one(&rand_cmd(), 3, true);
            if index2 <= index1 {
                cfg.fail(format_args!("index decreased from {index1} to {index2}"));
            }
        }
        cfg.end();
    });
}

#[test]
fn snapshot_init_2d() {
    tests::run(|| {
        let cfg = snapshot_cluster(true);
        cfg.begin("Test (2D): snapshot initialization after crash");
        cfg.one(&rand_cmd(), 3, true);
        // Enough ops to make a snapshot.
        for _ in 0..=SNAPSHOT_INTERVAL {
            cfg.one(&rand_cmd(), 3, true);
        }
        crash_and_restart_all(&cfg);
        // A single op, to get something written back to persistent storage.
        cfg.one(&rand_cmd(), 3, true);
        crash_and_restart_all(&cfg);
        // Another op, to trigger a potential bug.
        cfg.one(&rand_cmd(), 3, true);
        cfg.end();
    });
}
