//! The configurations the state machine keeps, and duplicate detection.

use std::collections::BTreeMap;

use crate::config::Gid;
use crate::state_machine::{Command, Op, StateMachine};

fn command(client_id: u64, seq: u64, op: Op) -> Command {
    Command { client_id, seq, op }
}

fn join(gids: &[Gid]) -> Op {
    Op::Join(gids.iter().map(|&g| (g, vec![format!("s{g}")])).collect())
}

#[test]
fn config_0_is_empty_and_every_change_makes_one_config() {
    let mut sm = StateMachine::default();
    let zero = sm.apply(&command(1, 1, Op::Query(-1)));
    assert_eq!((zero.num, zero.shards, zero.groups.len()), (0, [0; 10], 0));
    assert_eq!(sm.apply(&command(1, 2, join(&[1, 2]))).num, 1);
    assert_eq!(sm.apply(&command(1, 3, Op::Leave(vec![1]))).num, 2);
    let moved = sm.apply(&command(1, 4, Op::Move { shard: 0, gid: 7 }));
    assert_eq!((moved.num, moved.shards[0]), (3, 7));
    assert_eq!(sm.query(1).groups.keys().collect::<Vec<_>>(), [&1, &2]);
    assert_eq!(sm.query(99).num, 3);
    assert_eq!(sm.query(-5).num, 3);
}

#[test]
fn recorded_configs_never_change() {
    let mut sm = StateMachine::default();
    sm.apply(&command(1, 1, join(&[1])));
    let one = sm.query(1).clone();
    sm.apply(&command(1, 2, join(&[2])));
    sm.apply(&command(1, 3, Op::Leave(vec![1])));
    assert_eq!(sm.query(1), &one);
}

#[test]
fn a_retried_change_applies_once() {
    let mut sm = StateMachine::default();
    sm.apply(&command(7, 1, Op::Leave(vec![100])));
    sm.apply(&command(7, 2, join(&[100])));
    // The first leave, retried after its reply was lost, arrives late.
    sm.apply(&command(7, 1, Op::Leave(vec![100])));
    let latest = sm.query(-1);
    assert_eq!(latest.num, 2);
    assert_eq!(latest.shards, [100; 10]);
}

#[test]
fn malformed_changes_make_no_config() {
    let mut sm = StateMachine::default();
    let zero_gid = Op::Join(BTreeMap::from([(0, vec!["x".to_string()])]));
    assert_eq!(sm.apply(&command(1, 1, zero_gid)).num, 0);
    assert_eq!(
        sm.apply(&command(1, 2, Op::Move { shard: 10, gid: 1 })).num,
        0
    );
}
