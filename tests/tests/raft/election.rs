//! 2A: leader election.

use labrt::rand::RngExt;
use labrt::time::sleep;
use tests::raft_harness::ELECTION_TIMEOUT;

use crate::{cluster, plus};

#[test]
fn initial_election_2a() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2A): initial election");

        // Is a leader elected?
        cfg.check_one_leader();

        // Sleep a bit to avoid racing with followers learning of the
        // election, then check that all peers agree on the term.
        sleep(labrt::time::Duration::from_millis(50));
        let term1 = cfg.check_terms();
        if term1 < 1 {
            cfg.fail(format_args!("term is {term1}, but should be at least 1"));
        }

        // Does the leader and term stay the same if there is no failure?
        sleep(2 * ELECTION_TIMEOUT);
        let term2 = cfg.check_terms();
        if term1 != term2 {
            println!("warning: term changed even though there were no failures");
        }

        // There should still be a leader.
        cfg.check_one_leader();
        cfg.end();
    });
}

#[test]
fn re_election_2a() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2A): election after network failure");
        let leader1 = cfg.check_one_leader();

        // If the leader disconnects, a new one should be elected.
        cfg.disconnect(leader1);
        cfg.check_one_leader();

        // If the old leader rejoins, that shouldn't disturb the new one.
        cfg.connect(leader1);
        let leader2 = cfg.check_one_leader();

        // If there's no quorum, no new leader should be elected.
        cfg.disconnect(leader2);
        cfg.disconnect(plus(&cfg, leader2, 1));
        sleep(2 * ELECTION_TIMEOUT);
        // Check that the one connected server does not think it is the leader.
        cfg.check_no_leader();

        // If a quorum arises, it should elect a leader.
        cfg.connect(plus(&cfg, leader2, 1));
        cfg.check_one_leader();

        // Re-join of last node shouldn't prevent leader from existing.
        cfg.connect(leader2);
        cfg.check_one_leader();
        cfg.end();
    });
}

#[test]
fn many_elections_2a() {
    tests::run(|| {
        let cfg = cluster(7);
        cfg.begin("Test (2A): multiple elections");
        cfg.check_one_leader();

        for _ in 0..9 {
            // Disconnect three nodes, drawn independently.
            let mut rng = labrt::rand::rng();
            let victims: Vec<usize> = (0..3).map(|_| rng.random_range(0..cfg.n())).collect();
            for &i in &victims {
                cfg.disconnect(i);
            }
            // Either the current leader should still be alive, or the
            // remaining four should elect a new one.
            cfg.check_one_leader();
            for &i in &victims {
                cfg.connect(i);
            }
        }
        cfg.check_one_leader();
        cfg.end();
    });
}
