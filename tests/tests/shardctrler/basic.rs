//! TestBasic: joins and leaves one group at a time, historical queries
//! while each server is down, moves, concurrent joins and leaves, and
//! minimal transfers.

use std::collections::BTreeMap;

use shardctrler::{Config, Gid, NSHARDS};
use tests::CtrlerConfig;
use tests::ctrler_harness::check_same_config;

use super::{check_no_shard_gained, concurrently, names};

/// Concurrent clerks in the concurrent section.
const NPARA: usize = 10;

/// `TestBasic`. The "Minimal transfers" sections check what the course
/// meant rather than what it wrote: its loops look at gids 1 to 10, which
/// are not in play, and so check nothing. Here the pre-existing groups
/// 100..190 must gain no shard on the joins and lose none on the leaves.
#[test]
fn basic_4a() {
    tests::run(|| {
        let cfg = CtrlerConfig::new(3, false);
        let mut ck = cfg.make_client(&cfg.all());

        cfg.begin("Test: Basic leave/join");
        // Slot 3 is never filled: it keeps config 0, compared below.
        let mut cfa = vec![Config::default(); 6];
        cfa[0] = ck.query(-1);
        cfg.check(&[], &mut ck);
        let gid1: Gid = 1;
        ck.join(BTreeMap::from([(gid1, names(&["x", "y", "z"]))]))
            .expect("a valid join");
        cfg.check(&[gid1], &mut ck);
        cfa[1] = ck.query(-1);
        let gid2: Gid = 2;
        ck.join(BTreeMap::from([(gid2, names(&["a", "b", "c"]))]))
            .expect("a valid join");
        cfg.check(&[gid1, gid2], &mut ck);
        cfa[2] = ck.query(-1);
        let cfx = ck.query(-1);
        for (gid, want) in [(gid1, ["x", "y", "z"]), (gid2, ["a", "b", "c"])] {
            let sa = cfx.groups.get(&gid).cloned().unwrap_or_default();
            assert_eq!(sa, names(&want), "wrong servers for gid {gid}: {sa:?}");
        }
        ck.leave(&[gid1]);
        cfg.check(&[gid2], &mut ck);
        cfa[4] = ck.query(-1);
        ck.leave(&[gid2]);
        cfa[5] = ck.query(-1);
        cfg.end();

        cfg.begin("Test: Historical queries");
        for s in 0..cfg.n() {
            cfg.shutdown_server(s);
            for recorded in &cfa {
                let c = ck.query(recorded.num as i64);
                check_same_config(&c, recorded);
            }
            cfg.start_server(s);
            cfg.connect_all();
        }
        cfg.end();

        cfg.begin("Test: Move");
        let (gid3, gid4): (Gid, Gid) = (503, 504);
        ck.join(BTreeMap::from([(gid3, names(&["3a", "3b", "3c"]))]))
            .expect("a valid join");
        ck.join(BTreeMap::from([(gid4, names(&["4a", "4b", "4c"]))]))
            .expect("a valid join");
        let target = |i: usize| if i < NSHARDS / 2 { gid3 } else { gid4 };
        for i in 0..NSHARDS {
            let cf = ck.query(-1);
            ck.move_shard(i, target(i)).expect("a shard that exists");
            if cf.shards[i] != target(i) {
                let cf1 = ck.query(-1);
                assert!(cf1.num > cf.num, "Move should increase Config.Num");
            }
        }
        let cf2 = ck.query(-1);
        for i in 0..NSHARDS {
            assert_eq!(
                cf2.shards[i],
                target(i),
                "expected shard {i} on gid {} actually {}",
                target(i),
                cf2.shards[i]
            );
        }
        ck.leave(&[gid3]);
        ck.leave(&[gid4]);
        cfg.end();

        cfg.begin("Test: Concurrent leave/join");
        let gid = |i: usize| (i * 10 + 100) as Gid;
        let gids: Vec<Gid> = (0..NPARA).map(gid).collect();
        let clerks = (0..NPARA).map(|_| cfg.make_client(&cfg.all())).collect();
        concurrently(clerks, |i, ck| {
            let gid = (i * 10 + 100) as Gid;
            let (sid1, sid2) = (format!("s{gid}a"), format!("s{gid}b"));
            ck.join(BTreeMap::from([(gid + 1000, vec![sid1])]))
                .expect("a valid join");
            ck.join(BTreeMap::from([(gid, vec![sid2])]))
                .expect("a valid join");
            ck.leave(&[gid + 1000]);
        });
        cfg.check(&gids, &mut ck);
        cfg.end();

        cfg.begin("Test: Minimal transfers after joins");
        let c1 = ck.query(-1);
        for i in 0..5 {
            let gid = (NPARA + 1 + i) as Gid;
            let servers = vec![format!("{gid}a"), format!("{gid}b"), format!("{gid}b")];
            ck.join(BTreeMap::from([(gid, servers)]))
                .expect("a valid join");
        }
        let c2 = ck.query(-1);
        check_no_shard_gained(&gids, &c1, &c2, "non-minimal transfer after Join()s");
        cfg.end();

        cfg.begin("Test: Minimal transfers after leaves");
        for i in 0..5 {
            ck.leave(&[(NPARA + 1 + i) as Gid]);
        }
        let c3 = ck.query(-1);
        check_no_shard_gained(&gids, &c3, &c2, "non-minimal transfer after Leave()s");
        cfg.end();

        cfg.cleanup();
    });
}
