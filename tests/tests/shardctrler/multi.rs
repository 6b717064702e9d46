//! TestMulti: joins and leaves of several groups per call, concurrently
//! too, minimal transfers, and the same configuration on a new leader.

use std::collections::BTreeMap;

use labrt::time::{Duration, sleep};
use shardctrler::Gid;
use tests::CtrlerConfig;
use tests::ctrler_harness::check_same_config;

use super::{check_no_shard_gained, concurrently, names};

/// Concurrent clerks in the concurrent section.
const NPARA: usize = 10;

/// `TestMulti`. The "Minimal transfers" sections are strengthened as in
/// `basic_4a`, over the groups 1000..1009. "Check Same config on servers"
/// re-reads the leader on each of its three tries, as MadRaft does (the
/// course reads it once).
#[test]
fn multi_4a() {
    tests::run(|| {
        let cfg = CtrlerConfig::new(3, false);
        let mut ck = cfg.make_client(&cfg.all());

        cfg.begin("Test: Multi-group join/leave");
        let mut cfa = Vec::new();
        cfa.push(ck.query(-1));
        cfg.check(&[], &mut ck);
        let (gid1, gid2, gid3): (Gid, Gid, Gid) = (1, 2, 3);
        ck.join(BTreeMap::from([
            (gid1, names(&["x", "y", "z"])),
            (gid2, names(&["a", "b", "c"])),
        ]))
        .expect("a valid join");
        cfg.check(&[gid1, gid2], &mut ck);
        cfa.push(ck.query(-1));
        ck.join(BTreeMap::from([(gid3, names(&["j", "k", "l"]))]))
            .expect("a valid join");
        cfg.check(&[gid1, gid2, gid3], &mut ck);
        cfa.push(ck.query(-1));
        let cfx = ck.query(-1);
        for (gid, want) in [
            (gid1, ["x", "y", "z"]),
            (gid2, ["a", "b", "c"]),
            (gid3, ["j", "k", "l"]),
        ] {
            let sa = cfx.groups.get(&gid).cloned().unwrap_or_default();
            assert_eq!(sa, names(&want), "wrong servers for gid {gid}: {sa:?}");
        }
        ck.leave(&[gid1, gid3]);
        cfg.check(&[gid2], &mut ck);
        cfa.push(ck.query(-1));
        let cfx = ck.query(-1);
        let sa2 = cfx.groups.get(&gid2).cloned().unwrap_or_default();
        assert_eq!(
            sa2,
            names(&["a", "b", "c"]),
            "wrong servers for gid {gid2}: {sa2:?}"
        );
        ck.leave(&[gid2]);
        cfg.end();

        cfg.begin("Test: Concurrent multi leave/join");
        let gids: Vec<Gid> = (0..NPARA).map(|i| (i + 1000) as Gid).collect();
        let clerks = (0..NPARA).map(|_| cfg.make_client(&cfg.all())).collect();
        concurrently(clerks, |i, ck| {
            let gid = (i + 1000) as Gid;
            let groups = BTreeMap::from([
                (
                    gid,
                    vec![format!("{gid}a"), format!("{gid}b"), format!("{gid}c")],
                ),
                (gid + 1000, vec![format!("{}a", gid + 1000)]),
                (gid + 2000, vec![format!("{}a", gid + 2000)]),
            ]);
            ck.join(groups).expect("a valid join");
            ck.leave(&[gid + 1000, gid + 2000]);
        });
        cfg.check(&gids, &mut ck);
        cfg.end();

        cfg.begin("Test: Minimal transfers after multijoins");
        let c1 = ck.query(-1);
        let newgids: Vec<Gid> = (0..5).map(|i| (NPARA + 1 + i) as Gid).collect();
        let joins = newgids
            .iter()
            .map(|&gid| (gid, vec![format!("{gid}a"), format!("{gid}b")]))
            .collect();
        ck.join(joins).expect("a valid join");
        let c2 = ck.query(-1);
        check_no_shard_gained(&gids, &c1, &c2, "non-minimal transfer after Join()s");
        cfg.end();

        cfg.begin("Test: Minimal transfers after multileaves");
        ck.leave(&newgids);
        let c3 = ck.query(-1);
        check_no_shard_gained(&gids, &c3, &c2, "non-minimal transfer after Leave()s");
        cfg.end();

        cfg.begin("Test: Check Same config on servers");
        let Some(leader) = cfg.leader() else {
            panic!("Leader not found")
        };
        let c = ck.query(-1);
        cfg.shutdown_server(leader);
        let mut attempts = 0;
        while cfg.leader().is_some() {
            attempts += 1;
            assert!(attempts < 3, "Leader not found");
            sleep(Duration::from_secs(1));
        }
        let c1 = ck.query(-1);
        check_same_config(&c, &c1);
        cfg.end();

        cfg.cleanup();
    });
}
