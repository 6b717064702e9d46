//! The state machine through configuration changes: who serves what, and
//! what moves, one committed command at a time.

use std::collections::BTreeMap;

use shardctrler::Config;

use crate::common::{Gid, NSHARDS, key2shard};
use crate::rpc::KvError;
use crate::shard::Status;
use crate::state_machine::{Command, MoveError, Op, StateMachine};

/// Configuration `num` with `shards`, every group named in it present.
fn config(num: u64, shards: [Gid; NSHARDS]) -> Config {
    let groups: BTreeMap<Gid, Vec<String>> = shards
        .iter()
        .filter(|&&g| g != 0)
        .map(|&g| (g, vec![format!("server-{g}-0")]))
        .collect();
    Config {
        num,
        shards,
        groups,
    }
}

fn put(client_id: u64, seq: u64, key: &str, value: &str) -> Command {
    let op = Op::Put {
        key: key.into(),
        value: value.into(),
    };
    Command::Client { client_id, seq, op }
}

fn append(client_id: u64, seq: u64, key: &str, value: &str) -> Command {
    let op = Op::Append {
        key: key.into(),
        value: value.into(),
    };
    Command::Client { client_id, seq, op }
}

fn get(sm: &mut StateMachine, key: &str) -> Result<String, KvError> {
    sm.apply(&Command::Client {
        client_id: 999,
        seq: 1,
        op: Op::Get { key: key.into() },
    })
}

/// A command that must apply with nothing to say.
#[track_caller]
fn ok(result: Result<String, KvError>) {
    assert_eq!(result, Ok(String::new()));
}

/// Group 100 with every shard, taken from config 1.
fn owner_of_all() -> StateMachine {
    let mut sm = StateMachine::new(100);
    ok(sm.apply(&Command::Config(config(1, [100; NSHARDS]))));
    sm
}

#[test]
fn nothing_is_served_before_the_first_configuration() {
    let mut sm = StateMachine::new(100);
    assert_eq!(sm.apply(&put(1, 1, "a", "x")), Err(KvError::WrongGroup));
    assert_eq!(sm.wants_config(), Some(1));
}

#[test]
fn shards_from_no_group_are_served_at_once_and_writes_apply_once() {
    let mut sm = owner_of_all();
    assert_eq!(get(&mut sm, "a"), Err(KvError::NoKey));
    ok(sm.apply(&put(1, 1, "a", "x")));
    ok(sm.apply(&append(1, 2, "a", "y")));
    ok(sm.apply(&append(1, 2, "a", "y")));
    assert_eq!(get(&mut sm, "a"), Ok("xy".into()));
    assert_eq!(sm.wants_config(), Some(2));
}

#[test]
fn configurations_are_taken_one_at_a_time_in_order() {
    let mut sm = owner_of_all();
    ok(sm.apply(&Command::Config(config(3, [101; NSHARDS]))));
    assert_eq!(sm.config().num, 1);
    ok(sm.apply(&Command::Config(config(1, [101; NSHARDS]))));
    assert_eq!(sm.config().shards, [100; NSHARDS]);
}

#[test]
fn a_shard_handed_away_is_frozen_then_dropped_once_the_new_owner_has_it() {
    let mut sm = owner_of_all();
    ok(sm.apply(&put(1, 1, "0", "v")));
    let s = key2shard("0");
    let mut shards = [100; NSHARDS];
    shards[s] = 101;
    ok(sm.apply(&Command::Config(config(2, shards))));
    assert_eq!(sm.shard(s).status, Status::Leaving);
    assert_eq!(sm.apply(&append(1, 2, "0", "w")), Err(KvError::WrongGroup));
    assert_eq!(
        sm.wants_config(),
        None,
        "a change in progress holds the next"
    );
    assert_eq!(sm.handover(1, &[s]), Err(MoveError::NotReady));
    let data = sm.handover(2, &[s]).expect("the data, frozen");
    assert_eq!(data[&s].store["0"], "v");
    assert_eq!(data[&s].last_seq[&1], 1);
    assert_eq!(sm.dropped(2, &[s]), Ok(false));
    ok(sm.apply(&Command::Delete {
        num: 2,
        shards: vec![s],
    }));
    assert_eq!(sm.shard(s).status, Status::Absent);
    assert!(sm.shard(s).data.store.is_empty(), "challenge 1: deleted");
    assert_eq!(sm.dropped(2, &[s]), Ok(true));
    assert_eq!(sm.dropped(3, &[s]), Err(MoveError::NotReady));
    assert_eq!(sm.wants_config(), Some(3));
}

#[test]
fn a_shard_gained_is_served_once_it_arrives_with_its_duplicate_table() {
    let mut old = owner_of_all();
    ok(old.apply(&put(7, 1, "0", "v")));
    let s = key2shard("0");
    let mut new = StateMachine::new(101);
    ok(new.apply(&Command::Config(config(1, [100; NSHARDS]))));
    let mut shards = [100; NSHARDS];
    shards[s] = 101;
    for sm in [&mut old, &mut new] {
        ok(sm.apply(&Command::Config(config(2, shards))));
    }
    assert_eq!(new.shard(s).status, Status::Pulling);
    assert_eq!(get(&mut new, "0"), Err(KvError::WrongGroup));
    let pulls = new.pulls();
    assert_eq!(pulls[&100], (vec!["server-100-0".to_string()], vec![s]));
    let data = old.handover(2, &[s]).unwrap();
    // A stale insert, for another configuration, changes nothing.
    ok(new.apply(&Command::Insert {
        num: 1,
        shards: data.clone(),
    }));
    assert_eq!(new.shard(s).status, Status::Pulling);
    ok(new.apply(&Command::Insert {
        num: 2,
        shards: data,
    }));
    assert_eq!(new.shard(s).status, Status::Confirming);
    // The retried write the old owner applied is not applied again.
    ok(new.apply(&put(7, 1, "0", "again")));
    assert_eq!(get(&mut new, "0"), Ok("v".into()));
    assert_eq!(new.confirms()[&100].1, vec![s]);
    assert_eq!(new.wants_config(), None);
    ok(new.apply(&Command::Confirmed {
        num: 2,
        shards: vec![s],
    }));
    assert_eq!(new.shard(s).status, Status::Serving);
    assert_eq!(new.wants_config(), Some(3));
}

#[test]
fn unaffected_shards_stay_served_during_a_change() {
    let mut sm = StateMachine::new(101);
    ok(sm.apply(&Command::Config(config(1, [101; NSHARDS]))));
    ok(sm.apply(&put(1, 1, "1", "x")));
    let mut shards = [101; NSHARDS];
    shards[key2shard("0")] = 100;
    ok(sm.apply(&Command::Config(config(2, shards))));
    assert_eq!(get(&mut sm, "1"), Ok("x".into()));
}

#[test]
fn hostile_shard_numbers_are_refused_or_ignored() {
    let mut sm = owner_of_all();
    assert_eq!(sm.handover(1, &[NSHARDS]), Err(MoveError::NotReady));
    assert_eq!(sm.dropped(1, &[usize::MAX]), Ok(true));
    ok(sm.apply(&Command::Delete {
        num: 1,
        shards: vec![NSHARDS + 3],
    }));
    ok(sm.apply(&Command::Insert {
        num: 1,
        shards: BTreeMap::from([(usize::MAX, Default::default())]),
    }));
    assert_eq!(sm.wants_config(), Some(2));
}

#[test]
fn round_trips_through_the_codec() {
    let mut sm = owner_of_all();
    ok(sm.apply(&put(1, 1, "a", "x")));
    let bytes = labcodec::encode(&sm);
    assert_eq!(labcodec::decode::<StateMachine>(&bytes).unwrap(), sm);
}
