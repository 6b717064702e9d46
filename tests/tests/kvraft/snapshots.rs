//! 3B: snapshots: InstallSnapshot to a lagging server, their size, speed
//! with them, and the generic scenarios with a 1000-byte limit.

use tests::GenericTest;
use tests::kv_harness::{KvConfig, KvSetup, speed_test};

/// The limit on persisted Raft state the 3B tests use.
const MAXRAFTSTATE: usize = 1000;
/// Largest snapshot allowed in the size test: the state plus the duplicate
/// table, nothing more.
const MAX_SNAPSHOT: usize = 500;

fn snapshotting(test: GenericTest) -> GenericTest {
    GenericTest {
        maxraftstate: Some(MAXRAFTSTATE),
        ..test
    }
}

fn three_servers() -> KvConfig {
    KvConfig::new(KvSetup {
        servers: 3,
        unreliable: false,
        maxraftstate: Some(MAXRAFTSTATE),
    })
}

/// A majority trims its log while the third server is cut off; the third
/// then catches up through InstallSnapshot.
#[test]
fn snapshot_rpc_3b() {
    tests::run(|| {
        let cfg = three_servers();
        let mut ck = cfg.make_client(&cfg.all());
        cfg.begin("Test: InstallSnapshot RPC (3B)");
        ck.put("a", "A");
        ck.check("a", "A");

        // A bunch of puts into the majority partition.
        cfg.partition(&[0, 1], &[2]);
        {
            let mut ck1 = cfg.make_client(&[0, 1]);
            for i in 0..50 {
                ck1.put(&i.to_string(), &i.to_string());
            }
            labrt::time::sleep(tests::raft_harness::ELECTION_TIMEOUT);
            ck1.put("b", "B");
            cfg.delete_client(ck1);
        }

        // Check that the majority's Raft has thrown away most of its log.
        let size = cfg.log_size();
        if size > 8 * MAXRAFTSTATE {
            cfg.fail(format_args!(
                "logs were not trimmed ({size} > 8*{MAXRAFTSTATE})"
            ));
        }

        // Now make a group that requires participation of the lagging
        // server, so that it has to catch up.
        cfg.partition(&[0, 2], &[1]);
        {
            let mut ck1 = cfg.make_client(&[0, 2]);
            ck1.put("c", "C");
            ck1.put("d", "D");
            ck1.check("a", "A");
            ck1.check("b", "B");
            ck1.check("1", "1");
            ck1.check("49", "49");
            cfg.delete_client(ck1);
        }

        // Now everybody.
        cfg.partition(&[0, 1, 2], &[]);
        ck.put("e", "E");
        ck.check("c", "C");
        ck.check("e", "E");
        ck.check("1", "1");
        cfg.end();
        cfg.cleanup();
    });
}

/// Snapshots hold the state and the duplicate table only: after 800
/// operations on one small key they stay small.
#[test]
fn snapshot_size_3b() {
    tests::run(|| {
        let cfg = three_servers();
        let mut ck = cfg.make_client(&cfg.all());
        cfg.begin("Test: snapshot size is reasonable (3B)");
        for _ in 0..200 {
            ck.put("x", "0");
            ck.check("x", "0");
            ck.put("x", "1");
            ck.check("x", "1");
        }
        let log = cfg.log_size();
        if log > 8 * MAXRAFTSTATE {
            cfg.fail(format_args!(
                "logs were not trimmed ({log} > 8*{MAXRAFTSTATE})"
            ));
        }
        let snapshot = cfg.snapshot_size();
        if snapshot > MAX_SNAPSHOT {
            cfg.fail(format_args!(
                "snapshot too large ({snapshot} > {MAX_SNAPSHOT})"
            ));
        }
        cfg.end();
        cfg.cleanup();
    });
}

#[test]
fn speed_3b() {
    tests::run(|| speed_test("3B", Some(MAXRAFTSTATE)));
}

#[test]
fn snapshot_recover_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            crash: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}

#[test]
fn snapshot_recover_many_clients_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            clients: 20,
            crash: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}

#[test]
fn snapshot_unreliable_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            clients: 5,
            unreliable: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}

#[test]
fn snapshot_unreliable_recover_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            clients: 5,
            unreliable: true,
            crash: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}

#[test]
fn snapshot_unreliable_recover_concurrent_partition_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            clients: 5,
            unreliable: true,
            crash: true,
            partitions: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}

#[test]
fn snapshot_unreliable_recover_concurrent_partition_linearizable_3b() {
    tests::run(|| {
        snapshotting(GenericTest {
            clients: 15,
            servers: 7,
            unreliable: true,
            crash: true,
            partitions: true,
            random_keys: true,
            ..GenericTest::default()
        })
        .run("3B")
    });
}
