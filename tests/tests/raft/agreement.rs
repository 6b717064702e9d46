//! 2B: log agreement.

use labrt::chan;
use labrt::rand::RngExt;
use labrt::time::{Duration, sleep};
use tests::RaftConfig;
use tests::raft_harness::{ELECTION_TIMEOUT, as_int, rand_cmd, rand_string};

use crate::{cluster, plus};

#[test]
fn basic_agree_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): basic agreement");
        for index in 1..=3_u64 {
            let (committed, _) = cfg.n_committed(index);
            if committed != 0 {
                cfg.fail("some have committed before Start()");
            }
            let got = cfg.one(&(index as i64 * 100), 3, false);
            if got != index {
                cfg.fail(format_args!("got index {got} but expected {index}"));
            }
        }
        cfg.end();
    });
}

/// Each command should be sent to each peer about once: 3 x 50,000 bytes
/// of commands, plus 50,000 for everything else. labcodec frames a
/// 5000-character command in 3 bytes more, inside the bound's slack.
#[test]
fn rpc_bytes_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): RPC byte count");
        cfg.one(&99_i64, 3, false);
        let bytes0 = cfg.bytes_total();
        let mut sent = 0;
        for index in 2..=11_u64 {
            let command = rand_string(5000);
            let got = cfg.one(&command, 3, false);
            assert_eq!(got, index, "got index {got} but expected {index}");
            sent += command.len() as u64;
        }
        let got = cfg.bytes_total() - bytes0;
        let expected = 3 * sent;
        assert!(
            got <= expected + 50_000,
            "too many RPC bytes; got {got}, expected {expected}"
        );
        cfg.end();
    });
}

#[test]
fn follower_failure_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): test progressive failure of followers");
        cfg.one(&101_i64, 3, false);

        // Disconnect one follower from the network.
        let leader1 = cfg.check_one_leader();
        cfg.disconnect(plus(&cfg, leader1, 1));

        // The leader and remaining follower should be able to agree
        // despite the disconnected follower.
        cfg.one(&102_i64, 2, false);
        sleep(ELECTION_TIMEOUT);
        cfg.one(&103_i64, 2, false);

        // Disconnect the remaining follower.
        let leader2 = cfg.check_one_leader();
        cfg.disconnect(plus(&cfg, leader2, 1));
        cfg.disconnect(plus(&cfg, leader2, 2));

        // Submit a command.
        let (index, _) = cfg
            .start(leader2, &104_i64)
            .expect("leader rejected Start()");
        assert_eq!(index, 4, "expected index 4, got {index}");
        sleep(2 * ELECTION_TIMEOUT);

        // Check that the command has not been committed.
        let (n, _) = cfg.n_committed(index);
        assert_eq!(n, 0, "{n} committed but no majority");
        cfg.end();
    });
}

#[test]
fn leader_failure_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): test failure of leaders");
        cfg.one(&101_i64, 3, false);

        // Disconnect the first leader.
        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);

        // The remaining followers should elect a new leader.
        cfg.one(&102_i64, 2, false);
        sleep(ELECTION_TIMEOUT);
        cfg.one(&103_i64, 2, false);

        // Disconnect the new leader.
        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);

        // Submit a command to each server.
        for i in 0..cfg.n() {
            cfg.start(i, &104_i64);
        }
        sleep(2 * ELECTION_TIMEOUT);

        // Check that command 104 did not commit.
        let (n, _) = cfg.n_committed(4);
        assert_eq!(n, 0, "{n} committed but no majority");
        cfg.end();
    });
}

#[test]
fn fail_agree_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): agreement after follower reconnects");
        cfg.one(&101_i64, 3, false);

        // Disconnect one follower from the network.
        let leader = cfg.check_one_leader();
        cfg.disconnect(plus(&cfg, leader, 1));

        // The leader and remaining follower should be able to agree
        // despite the disconnected follower.
        cfg.one(&102_i64, 2, false);
        cfg.one(&103_i64, 2, false);
        sleep(ELECTION_TIMEOUT);
        cfg.one(&104_i64, 2, false);
        cfg.one(&105_i64, 2, false);

        // Re-connect, and the full set of servers should preserve
        // previous agreements and be able to agree on new commands.
        cfg.connect(plus(&cfg, leader, 1));
        cfg.one(&106_i64, 3, true);
        sleep(ELECTION_TIMEOUT);
        cfg.one(&107_i64, 3, true);
        cfg.end();
    });
}

#[test]
fn fail_no_agree_2b() {
    tests::run(|| {
        let cfg = cluster(5);
        cfg.begin("Test (2B): no agreement if too many followers disconnect");
        cfg.one(&10_i64, 5, false);

        // Three of five followers disconnect.
        let leader = cfg.check_one_leader();
        for k in 1..=3 {
            cfg.disconnect(plus(&cfg, leader, k));
        }
        let (index, _) = cfg.start(leader, &20_i64).expect("leader rejected Start()");
        assert_eq!(index, 2, "expected index 2, got {index}");
        sleep(2 * ELECTION_TIMEOUT);
        let (n, _) = cfg.n_committed(index);
        assert_eq!(n, 0, "{n} committed but no majority");

        // Repair.
        for k in 1..=3 {
            cfg.connect(plus(&cfg, leader, k));
        }
        // The disconnected majority may have chosen a leader from among
        // their own ranks, forgetting index 2.
        let leader2 = cfg.check_one_leader();
        let (index2, _) = cfg
            .start(leader2, &30_i64)
            .expect("leader2 rejected Start()");
        assert!((2..=3).contains(&index2), "unexpected index {index2}");

        cfg.one(&1000_i64, 5, true);
        cfg.end();
    });
}

#[test]
fn concurrent_starts_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): concurrent Start()s");
        let mut success = false;
        'tries: for attempt in 0..5 {
            if attempt > 0 {
                // Give the solution some time to settle.
                sleep(Duration::from_secs(3));
            }
            let leader = cfg.check_one_leader();
            let Some((_, term)) = cfg.start(leader, &1_i64) else {
                // Leader moved on really quickly.
                continue;
            };
            let (tx, rx) = chan::unbounded();
            for i in 0..5_i64 {
                let (cfg, tx) = (cfg.clone(), tx.clone());
                labrt::thread::spawn(format!("starter {i}"), move || {
                    if let Some((index, term1)) = cfg.start(leader, &(100 + i)) {
                        if term1 == term {
                            tx.send(index).unwrap();
                        }
                    }
                });
            }
            drop(tx);
            let indices: Vec<u64> = rx.iter().collect();

            for j in 0..cfg.n() {
                if cfg.get_state(j).is_some_and(|(t, _)| t != term) {
                    // Term changed: can't expect low RPC counts.
                    continue 'tries;
                }
            }
            let mut commands = Vec::new();
            for index in indices {
                match cfg.wait(index, cfg.n(), Some(term)) {
                    Some(command) => commands.push(as_int(&command)),
                    // Peers have moved on to later terms, so we can't
                    // expect all Start()s to have succeeded.
                    None => continue 'tries,
                }
            }
            for x in 100..105 {
                assert!(commands.contains(&x), "cmd {x} missing in {commands:?}");
            }
            success = true;
            break;
        }
        assert!(success, "term changed too often");
        cfg.end();
    });
}

#[test]
fn rejoin_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): rejoin of partitioned leader");
        cfg.one(&101_i64, 3, true);

        // Leader network failure.
        let leader1 = cfg.check_one_leader();
        cfg.disconnect(leader1);

        // Make the old leader try to agree on some entries.
        for command in [102_i64, 103, 104] {
            cfg.start(leader1, &command);
        }

        // New leader commits, also for index 2.
        cfg.one(&103_i64, 2, true);

        // New leader network failure.
        let leader2 = cfg.check_one_leader();
        cfg.disconnect(leader2);

        // Old leader connected again.
        cfg.connect(leader1);
        cfg.one(&104_i64, 2, true);

        // All together now.
        cfg.connect(leader2);
        cfg.one(&105_i64, 3, true);
        cfg.end();
    });
}

#[test]
fn backup_2b() {
    tests::run(|| {
        let cfg = cluster(5);
        cfg.begin("Test (2B): leader backs up quickly over incorrect follower logs");
        cfg.one(&rand_cmd(), 5, true);

        // Put leader and one follower in a partition.
        let leader1 = cfg.check_one_leader();
        for k in 2..=4 {
            cfg.disconnect(plus(&cfg, leader1, k));
        }

        // Submit lots of commands that won't commit.
        for _ in 0..50 {
            cfg.start(leader1, &rand_cmd());
        }
        sleep(ELECTION_TIMEOUT / 2);
        cfg.disconnect(leader1);
        cfg.disconnect(plus(&cfg, leader1, 1));

        // Allow the other partition to recover.
        for k in 2..=4 {
            cfg.connect(plus(&cfg, leader1, k));
        }

        // Lots of successful commands to the new group.
        for _ in 0..50 {
            cfg.one(&rand_cmd(), 3, true);
        }

        // Now another partitioned leader and one follower.
        let leader2 = cfg.check_one_leader();
        let mut other = plus(&cfg, leader1, 2);
        if leader2 == other {
            other = plus(&cfg, leader2, 1);
        }
        cfg.disconnect(other);

        // Lots more commands that won't commit.
        for _ in 0..50 {
            cfg.start(leader2, &rand_cmd());
        }
        sleep(ELECTION_TIMEOUT / 2);

        // Bring the original leader back to life.
        for i in 0..cfg.n() {
            cfg.disconnect(i);
        }
        cfg.connect(leader1);
        cfg.connect(plus(&cfg, leader1, 1));
        cfg.connect(other);

        // Lots of successful commands to the new group.
        for _ in 0..50 {
            cfg.one(&rand_cmd(), 3, true);
        }

        // Now everyone.
        for i in 0..cfg.n() {
            cfg.connect(i);
        }
        cfg.one(&rand_cmd(), 5, true);
        cfg.end();
    });
}

/// Requests that reached every peer's current instance.
fn rpcs(cfg: &RaftConfig) -> u64 {
    (0..cfg.n()).map(|i| cfg.rpc_count(i)).sum()
}

#[test]
fn count_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B): RPC counts aren't too high");
        cfg.check_one_leader();
        let total1 = rpcs(&cfg);
        assert!(
            (1..=30).contains(&total1),
            "too many or few RPCs ({total1}) to elect initial leader"
        );

        const ITERS: u64 = 10;
        let mut total2 = 0;
        let mut success = false;
        'tries: for attempt in 0..5 {
            if attempt > 0 {
                // Give the solution some time to settle.
                sleep(Duration::from_secs(3));
            }
            let leader = cfg.check_one_leader();
            let total1 = rpcs(&cfg);
            let Some((start_index, term)) = cfg.start(leader, &1_i64) else {
                // Leader moved on really quickly.
                continue;
            };
            let mut commands = Vec::new();
            for i in 1..ITERS + 2 {
                let x = labrt::rand::rng().random_range(0..=i64::from(i32::MAX));
                commands.push(x);
                match cfg.start(leader, &x) {
                    Some((index, term1)) if term1 == term => {
                        assert_eq!(index, start_index + i, "Start() failed");
                    }
                    _ => continue 'tries,
                }
            }
            for i in 1..ITERS + 1 {
                let Some(command) = cfg.wait(start_index + i, cfg.n(), Some(term)) else {
                    // Term changed: try again.
                    continue 'tries;
                };
                let expected = commands[i as usize - 1];
                let got = as_int(&command);
                assert_eq!(
                    got,
                    expected,
                    "wrong value {got} committed for index {}; expected {commands:?}",
                    start_index + i
                );
            }
            if (0..cfg.n()).any(|j| cfg.get_state(j).is_some_and(|(t, _)| t != term)) {
                // Term changed: can't expect low RPC counts.
                continue;
            }
            total2 = rpcs(&cfg);
            let used = total2 - total1;
            assert!(
                used <= (ITERS + 1 + 3) * 3,
                "too many RPCs ({used}) for {ITERS} entries"
            );
            success = true;
            break;
        }
        assert!(success, "term changed too often");

        sleep(ELECTION_TIMEOUT);
        let idle = rpcs(&cfg) - total2;
        assert!(
            idle <= 3 * 20,
            "too many RPCs ({idle}) for 1 second of idleness"
        );
        cfg.end();
    });
}
