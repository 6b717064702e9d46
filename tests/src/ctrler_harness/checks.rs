//! The course's checks on configurations: `check` (the right groups, every
//! shard on one of them, an even split) and `check_same_config`.

use std::collections::BTreeMap;

use shardctrler::{Clerk, Config, Gid};

use super::CtrlerConfig;

impl CtrlerConfig {
    /// The course's `check(groups, ck)`: the latest configuration has
    /// exactly the groups `groups`, every shard on one of them (when there
    /// are any), and no group holding more than one shard above another.
    #[track_caller]
    pub fn check(&self, groups: &[Gid], ck: &mut Clerk) {
        let c = ck.query(-1);
        assert_eq!(
            c.groups.len(),
            groups.len(),
            "wanted {} groups, got {}",
            groups.len(),
            c.groups.len()
        );
        for g in groups {
            assert!(c.groups.contains_key(g), "missing group {g}");
        }
        if !groups.is_empty() {
            for (s, g) in c.shards.iter().enumerate() {
                assert!(c.groups.contains_key(g), "shard {s} -> invalid group {g}");
            }
        }
        let mut counts: BTreeMap<Gid, usize> = c.groups.keys().map(|&g| (g, 0)).collect();
        for g in &c.shards {
            if let Some(n) = counts.get_mut(g) {
                *n += 1;
            }
        }
        if let (Some(max), Some(min)) = (counts.values().max(), counts.values().min()) {
            assert!(*max <= min + 1, "max {max} too much larger than min {min}");
        }
    }
}

/// The course's `check_same_config(a, b)`.
#[track_caller]
pub fn check_same_config(a: &Config, b: &Config) {
    assert_eq!(a.num, b.num, "Num wrong");
    assert_eq!(a.shards, b.shards, "Shards wrong");
    assert_eq!(a.groups.len(), b.groups.len(), "number of Groups is wrong");
    for (gid, sa) in &a.groups {
        let sb = b.groups.get(gid).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(sa.len(), sb.len(), "len(Groups) wrong");
        assert_eq!(sa.as_slice(), sb, "Groups wrong");
    }
}

/// A join's argument: each gid with the server names `names(gid)`.
pub fn gids_of(gids: &[Gid], names: impl Fn(Gid) -> Vec<String>) -> BTreeMap<Gid, Vec<String>> {
    gids.iter().map(|&g| (g, names(g))).collect()
}
