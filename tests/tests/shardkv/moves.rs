//! The tests of shards moving between groups with no client racing the
//! moves: a group down, joins and leaves, snapshots, and servers that miss
//! configurations.

use labrt::chan;
use labrt::time::{Duration, sleep};

use super::{check_and_append, fill, setup, verify};

/// TestStaticShards: with a group down, exactly the keys of the live
/// group can be read; a group serving a shard it does not own lets more
/// through, a live group held up behind the dead one lets fewer.
#[test]
fn static_shards_4b() {
    tests::run(|| {
        let cfg = setup(false, None);
        let mut ck = cfg.make_client();
        cfg.begin("Test: static shards ...");
        cfg.join(0);
        cfg.join(1);
        let (ka, va) = fill(&mut ck, 10, 20);
        verify(&mut ck, &ka, &va);

        // Make sure that the data really is sharded by shutting down one
        // group and checking that some Get()s don't succeed.
        cfg.shutdown_group(1);
        cfg.check_logs(); // forbid snapshots

        let (tx, rx) = chan::unbounded::<Option<String>>();
        for (i, (k, v)) in ka.iter().zip(&va).enumerate() {
            let (cfg, tx, k, v) = (cfg.clone(), tx.clone(), k.clone(), v.clone());
            // One call per clerk: the Gets of the dead group's keys stay
            // blocked, and finish harmlessly once it is back.
            labrt::thread::spawn(format!("get {i}"), move || {
                let mut ck1 = cfg.make_client();
                let _ = tx.send(ck1.mismatch(&k, &v));
            });
        }

        // Wait a bit, only about half the Gets should succeed.
        let mut ndone = 0;
        while let Ok(mismatch) = rx.recv_timeout(Duration::from_secs(2)) {
            if let Some(mismatch) = mismatch {
                panic!("{mismatch}");
            }
            ndone += 1;
        }
        assert_eq!(
            ndone, 5,
            "expected 5 completions with one shard dead; got {ndone}"
        );

        // Bring the crashed shard/group back to life.
        cfg.start_group(1);
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestJoinLeave: every shard handed from 100 to 101, in two steps, with
/// 100 down at the end.
#[test]
fn join_leave_4b() {
    tests::run(|| {
        let cfg = setup(false, None);
        let mut ck = cfg.make_client();
        cfg.begin("Test: join then leave ...");
        cfg.join(0);
        let (ka, mut va) = fill(&mut ck, 10, 5);
        verify(&mut ck, &ka, &va);

        cfg.join(1);
        check_and_append(&mut ck, &ka, &mut va, 5);
        cfg.leave(0);
        check_and_append(&mut ck, &ka, &mut va, 5);

        // Allow time for shards to transfer.
        sleep(Duration::from_secs(1));
        cfg.check_logs();
        cfg.shutdown_group(0);
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestSnapshot: joins and leaves under maxraftstate 1000, then every
/// group restarted from its snapshots and log tails.
#[test]
fn snapshot_4b() {
    tests::run(|| {
        let cfg = setup(false, Some(1000));
        let mut ck = cfg.make_client();
        cfg.begin("Test: snapshots, join, and leave ...");
        cfg.join(0);
        let (ka, mut va) = fill(&mut ck, 30, 20);
        verify(&mut ck, &ka, &va);

        cfg.join(1);
        cfg.join(2);
        cfg.leave(0);
        check_and_append(&mut ck, &ka, &mut va, 20);
        cfg.leave(1);
        cfg.join(0);
        check_and_append(&mut ck, &ka, &mut va, 20);

        sleep(Duration::from_secs(1));
        verify(&mut ck, &ka, &va);
        sleep(Duration::from_secs(1));
        cfg.check_logs();

        for gi in 0..3 {
            cfg.shutdown_group(gi);
        }
        for gi in 0..3 {
            cfg.start_group(gi);
        }
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestMissChange: one server of each group misses configuration changes
/// while down, twice, and must catch up on them in order.
#[test]
fn miss_change_4b() {
    tests::run(|| {
        let cfg = setup(false, Some(1000));
        let mut ck = cfg.make_client();
        cfg.begin("Test: servers miss configuration changes...");
        cfg.join(0);
        let (ka, mut va) = fill(&mut ck, 10, 20);
        verify(&mut ck, &ka, &va);

        cfg.join(1);
        for gi in 0..3 {
            cfg.shutdown_server(gi, 0);
        }
        cfg.join(2);
        cfg.leave(1);
        cfg.leave(0);
        check_and_append(&mut ck, &ka, &mut va, 20);
        cfg.join(1);
        check_and_append(&mut ck, &ka, &mut va, 20);
        for gi in 0..3 {
            cfg.start_server(gi, 0);
        }
        check_and_append(&mut ck, &ka, &mut va, 20);

        sleep(Duration::from_secs(2));
        for gi in 0..3 {
            cfg.shutdown_server(gi, 1);
        }
        cfg.join(0);
        cfg.leave(2);
        check_and_append(&mut ck, &ka, &mut va, 20);
        for gi in 0..3 {
            cfg.start_server(gi, 1);
        }
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}
