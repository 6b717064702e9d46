//! The rebalance rules, checked on the pure function.

use std::collections::BTreeMap;

use crate::config::{Gid, NSHARDS};
use crate::rebalance::rebalance;

fn groups(gids: &[Gid]) -> BTreeMap<Gid, ()> {
    gids.iter().map(|&g| (g, ())).collect()
}

fn counts(shards: &[Gid; NSHARDS], gids: &[Gid]) -> Vec<usize> {
    gids.iter()
        .map(|g| shards.iter().filter(|&s| s == g).count())
        .collect()
}

fn moved(a: &[Gid; NSHARDS], b: &[Gid; NSHARDS]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

/// Every shard on a member, and max - min <= 1 over the members.
fn assert_valid_and_balanced(shards: &[Gid; NSHARDS], gids: &[Gid]) {
    for (s, g) in shards.iter().enumerate() {
        assert!(gids.contains(g), "shard {s} on {g}, not one of {gids:?}");
    }
    let c = counts(shards, gids);
    let (max, min) = (c.iter().max().unwrap(), c.iter().min().unwrap());
    assert!(max - min <= 1, "{shards:?} over {gids:?}: counts {c:?}");
}

#[test]
fn no_groups_leaves_every_shard_on_gid_0() {
    assert_eq!(rebalance(&[7; NSHARDS], &groups(&[])), [0; NSHARDS]);
}

#[test]
fn the_first_join_takes_every_shard() {
    assert_eq!(rebalance(&[0; NSHARDS], &groups(&[5])), [5; NSHARDS]);
}

#[test]
fn joins_split_evenly_and_move_only_to_the_new_groups() {
    let mut shards = [0; NSHARDS];
    let mut gids = Vec::new();
    for gid in 1..=12 {
        gids.push(gid);
        let next = rebalance(&shards, &groups(&gids));
        assert_valid_and_balanced(&next, &gids);
        if gid > 1 {
            for s in 0..NSHARDS {
                assert!(
                    next[s] == shards[s] || next[s] == gid,
                    "joining {gid}: shard {s} went from {} to {}",
                    shards[s],
                    next[s]
                );
            }
            let want = if gid <= NSHARDS as Gid {
                NSHARDS / gid as usize
            } else {
                0
            };
            assert_eq!(moved(&shards, &next), want, "joining {gid}");
        }
        shards = next;
    }
}

#[test]
fn leaves_move_only_the_departed_groups_shards() {
    let mut gids: Vec<Gid> = (1..=7).collect();
    let mut shards = rebalance(&[0; NSHARDS], &groups(&gids));
    while gids.len() > 1 {
        let gone = gids.remove(gids.len() / 2);
        let next = rebalance(&shards, &groups(&gids));
        assert_valid_and_balanced(&next, &gids);
        for s in 0..NSHARDS {
            if shards[s] != gone {
                assert_eq!(next[s], shards[s], "leaving {gone}: shard {s} moved");
            }
        }
        shards = next;
    }
}

#[test]
fn an_unbalanced_config_sheds_only_its_surplus() {
    // After moves, group 1 holds 8 and group 2 holds 2; group 3 joins.
    let shards = [1, 1, 1, 1, 1, 1, 1, 1, 2, 2];
    let next = rebalance(&shards, &groups(&[1, 2, 3]));
    assert_valid_and_balanced(&next, &[1, 2, 3]);
    assert_eq!(counts(&next, &[1, 2, 3]), [4, 3, 3]);
    assert_eq!(moved(&shards, &next), 4);
    assert_eq!(&next[8..], [2, 2]);
}

#[test]
fn larger_shares_go_to_groups_that_already_hold_more() {
    // 3 groups: shares 4, 3, 3; group 3 already holds 4 and keeps them.
    let shards = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3];
    assert_eq!(rebalance(&shards, &groups(&[1, 2, 3])), shards);
}

#[test]
fn shards_of_departed_groups_and_gid_0_are_all_reassigned() {
    let shards = [0, 9, 9, 1, 1, 1, 1, 2, 2, 2];
    let next = rebalance(&shards, &groups(&[1, 2]));
    assert_valid_and_balanced(&next, &[1, 2]);
    assert_eq!(moved(&shards, &next), 3);
}

#[test]
fn the_result_depends_only_on_the_arguments() {
    let shards = [4, 4, 4, 4, 8, 8, 8, 0, 0, 0];
    let a = rebalance(&shards, &groups(&[8, 4, 6, 2]));
    let b = rebalance(&shards, &groups(&[2, 4, 6, 8]));
    assert_eq!(a, b);
    assert_valid_and_balanced(&a, &[2, 4, 6, 8]);
}
