//! 2C: persistence, crashes and an unreliable network.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::chan;
use labrt::rand::RngExt;
use labrt::time::{Duration, sleep};
use tests::raft_harness::{ELECTION_TIMEOUT, as_int, rand_cmd};
use tests::{RaftConfig, Setup};

use crate::{cluster, plus};

fn unreliable_cluster(peers: usize) -> RaftConfig {
    RaftConfig::new(Setup {
        peers,
        unreliable: true,
        ..Setup::default()
    })
}

#[test]
fn persist1_2c() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2C): basic persistence");
        cfg.one(&11_i64, 3, true);

        // Crash and re-start all.
        for i in 0..cfg.n() {
            cfg.start1(i);
        }
        for i in 0..cfg.n() {
            cfg.disconnect(i);
            cfg.connect(i);
        }
        cfg.one(&12_i64, 3, true);

        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);
        cfg.start1(leader1);
        cfg.connect(leader1);
        cfg.one(&13_i64, 3, true);

        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);
        cfg.one(&14_i64, 2, true);
        cfg.start1(leader2);
        cfg.connect(leader2);

        // Wait for leader2 to join before killing i3.
        cfg.wait(4, 3, None);

        let i3 = plus(&cfg, cfg.check_one_leader(), 1);
        cfg.disconnect(i3);
        cfg.one(&15_i64, 2, true);
        cfg.start1(i3);
        cfg.connect(i3);
        cfg.one(&16_i64, 3, true);
        cfg.end();
    });
}

#[test]
fn persist2_2c() {
    tests::run(|| {
        let cfg = cluster(5);
        cfg.begin("Test (2C): more persistence");
        let mut index = 1_i64;
        for _ in 0..5 {
            cfg.one(&(10 + index), 5, true);
            index += 1;

            let leader1 = cfg.check_one_leader();
            cfg.disconnect(plus(&cfg, leader1, 1));
            cfg.disconnect(plus(&cfg, leader1, 2));
            cfg.one(&(10 + index), 3, true);
            index += 1;

            for k in [0, 3, 4] {
                cfg.disconnect(plus(&cfg, leader1, k));
            }
            cfg.start1(plus(&cfg, leader1, 1));
            cfg.start1(plus(&cfg, leader1, 2));
            cfg.connect(plus(&cfg, leader1, 1));
            cfg.connect(plus(&cfg, leader1, 2));
            sleep(ELECTION_TIMEOUT);

            // Only this peer has the newest entry, so it must win.
            cfg.start1(plus(&cfg, leader1, 3));
            cfg.connect(plus(&cfg, leader1, 3));
            cfg.one(&(10 + index), 3, true);
            index += 1;

            cfg.connect(plus(&cfg, leader1, 4));
            cfg.connect(leader1);
        }
        cfg.one(&1000_i64, 5, true);
        cfg.end();
    });
}

#[test]
fn persist3_2c() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2C): partitioned leader and one follower crash, leader restarts");
        cfg.one(&101_i64, 3, true);

        let leader = cfg.check_one_leader();
        cfg.disconnect(plus(&cfg, leader, 2));
        cfg.one(&102_i64, 2, true);

        cfg.crash1(leader);
        cfg.crash1(plus(&cfg, leader, 1));
        cfg.connect(plus(&cfg, leader, 2));
        cfg.start1(leader);
        cfg.connect(leader);
        cfg.one(&103_i64, 2, true);

        cfg.start1(plus(&cfg, leader, 1));
        cfg.connect(plus(&cfg, leader, 1));
        cfg.one(&104_i64, 3, true);
        cfg.end();
    });
}

/// The Figure 8 sleep: usually under 13 ms, one time in ten up to half an
/// election timeout.
fn figure_8_pause() {
    let mut rng = labrt::rand::rng();
    let ms = if rng.random_range(0..1000) < 100 {
        rng.random_range(0..ELECTION_TIMEOUT.as_millis() as u64 / 2)
    } else {
        rng.random_range(0..13)
    };
    sleep(Duration::from_millis(ms));
}

/// Figure 8 of the Raft paper: a leader must not commit an entry of an
/// older term by counting replicas.
#[test]
fn figure_8_2c() {
    tests::run(|| {
        let cfg = cluster(5);
        cfg.begin("Test (2C): Figure 8");
        cfg.one(&rand_cmd(), 1, true);

        let mut nup = cfg.n();
        for _ in 0..1000 {
            let mut leader = None;
            for i in 0..cfg.n() {
                if cfg.start(i, &rand_cmd()).is_some() {
                    leader = Some(i);
                }
            }
            figure_8_pause();
            if let Some(leader) = leader {
                cfg.crash1(leader);
                nup -= 1;
            }
            if nup < 3 {
                let s = labrt::rand::rng().random_range(0..cfg.n());
                if cfg.raft(s).is_none() {
                    cfg.start1(s);
                    cfg.connect(s);
                    nup += 1;
                }
            }
        }
        for i in 0..cfg.n() {
            if cfg.raft(i).is_none() {
                cfg.start1(i);
                cfg.connect(i);
            }
        }
        cfg.one(&rand_cmd(), 5, true);
        cfg.end();
    });
}

#[test]
fn unreliable_agree_2c() {
    tests::run(|| {
        let cfg = unreliable_cluster(5);
        cfg.begin("Test (2C): unreliable agreement");
        let mut clients = Vec::new();
        for iters in 1..50_i64 {
            for j in 0..4 {
                let cfg = cfg.clone();
                clients.push(labrt::thread::spawn(
                    format!("one {iters}.{j}"),
                    move || {
                        cfg.one(&(100 * iters + j), 1, true);
                    },
                ));
            }
            cfg.one(&iters, 1, true);
        }
        cfg.set_unreliable(false);
        for client in clients {
            client.join().unwrap();
        }
        cfg.one(&100_i64, 5, true);
        cfg.end();
    });
}

#[test]
fn figure_8_unreliable_2c() {
    tests::run(|| {
        let cfg = unreliable_cluster(5);
        cfg.begin("Test (2C): Figure 8 (unreliable)");
        let small = || labrt::rand::rng().random_range(0..10_000_i64);
        cfg.one(&small(), 1, true);

        let mut nup = cfg.n();
        for iters in 0..1000 {
            if iters == 200 {
                cfg.set_long_reordering(true);
            }
            let mut leader = None;
            for i in 0..cfg.n() {
                if cfg.start(i, &small()).is_some() && cfg.is_connected(i) {
                    leader = Some(i);
                }
            }
            figure_8_pause();
            let mut rng = labrt::rand::rng();
            let half_timeout = ELECTION_TIMEOUT.as_millis() as u32 / 2;
            if let Some(leader) = leader.filter(|_| rng.random_range(0..1000) < half_timeout) {
                cfg.disconnect(leader);
                nup -= 1;
            }
            if nup < 3 {
                let s = rng.random_range(0..cfg.n());
                if !cfg.is_connected(s) {
                    cfg.connect(s);
                    nup += 1;
                }
            }
        }
        for i in 0..cfg.n() {
            if !cfg.is_connected(i) {
                cfg.connect(i);
            }
        }
        cfg.one(&small(), 5, true);
        cfg.end();
    });
}

/// One churn client: offers random commands to every running peer and
/// keeps those it saw committed, until `stop`.
fn churn_client(cfg: RaftConfig, me: u64, stop: Arc<AtomicBool>) -> Vec<i64> {
    let mut values = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let x = rand_cmd();
        let mut index = None;
        for i in 0..cfg.n() {
            if let Some((i1, _)) = cfg.start(i, &x) {
                index = Some(i1);
            }
        }
        let Some(index) = index else {
            sleep(Duration::from_millis(79 + me * 17));
            continue;
        };
        // Maybe the leader will commit our value, maybe not; don't wait
        // forever.
        for ms in [10, 20, 50, 100, 200] {
            let (n, command) = cfg.n_committed(index);
            if n > 0 {
                let got = as_int(&command.expect("n > 0"));
                if got == x {
                    values.push(x);
                }
                break;
            }
            sleep(Duration::from_millis(ms));
        }
    }
    values
}

fn churn(description: &str, unreliable: bool) {
    let cfg = RaftConfig::new(Setup {
        peers: 5,
        unreliable,
        ..Setup::default()
    });
    cfg.begin(description);
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = chan::unbounded();
    for me in 0..3 {
        let (cfg, stop, tx) = (cfg.clone(), stop.clone(), tx.clone());
        labrt::thread::spawn(format!("churn client {me}"), move || {
            tx.send(churn_client(cfg, me, stop)).unwrap();
        });
    }
    drop(tx);

    for _ in 0..20 {
        let mut rng = labrt::rand::rng();
        if rng.random_range(0..1000) < 200 {
            cfg.disconnect(rng.random_range(0..cfg.n()));
        }
        if rng.random_range(0..1000) < 500 {
            let i = rng.random_range(0..cfg.n());
            if cfg.raft(i).is_none() {
                cfg.start1(i);
            }
            cfg.connect(i);
        }
        if rng.random_range(0..1000) < 200 {
            let i = rng.random_range(0..cfg.n());
            if cfg.raft(i).is_some() {
                cfg.crash1(i);
            }
        }
        // Often enough that peers rarely settle, rarely enough that they
        // often catch up.
        sleep(ELECTION_TIMEOUT * 7 / 10);
    }

    sleep(ELECTION_TIMEOUT);
    cfg.set_unreliable(false);
    for i in 0..cfg.n() {
        if cfg.raft(i).is_none() {
            cfg.start1(i);
        }
        cfg.connect(i);
    }
    stop.store(true, Ordering::Relaxed);
    let lists: Vec<Vec<i64>> = rx.iter().collect();
    if lists.len() != 3 {
        cfg.fail("client failed");
    }
    let values: Vec<i64> = lists.into_iter().flatten().collect();

    sleep(ELECTION_TIMEOUT);
    let last_index = cfg.one(&rand_cmd(), cfg.n(), true);
    let mut really = Vec::new();
    for index in 1..=last_index {
        let command = cfg.wait(index, cfg.n(), None).expect("no start term");
        really.push(as_int(&command));
    }
    for v in values {
        if !really.contains(&v) {
            cfg.fail(format_args!("didn't find a value: {v}"));
        }
    }
    cfg.end();
}

#[test]
fn reliable_churn_2c() {
    tests::run(|| churn("Test (2C): churn", false));
}

#[test]
fn unreliable_churn_2c() {
    tests::run(|| churn("Test (2C): unreliable churn", true));
}
