//! Small hand-made histories, one per rule of the checker. Times are in
//! arbitrary units; `put(client, key, value, call, return)`.

use linearizability::models::kv::{KvInput, KvModel, KvValue};
use linearizability::{Error, Model, Operation, Verdict, check};

use crate::support::{KvOp, append, assert_consistent, get, name, put};

const BUDGET: u64 = 100_000;

fn verdict(history: &[KvOp]) -> Verdict<KvValue> {
    check(&KvModel, history, BUDGET).unwrap().verdict
}

fn assert_ok(history: &[KvOp]) {
    let v = verdict(history);
    assert_eq!(v, Verdict::Ok, "expected Ok, got {}", name(&v));
}

/// Asserts the history is illegal and returns where it fails.
fn assert_illegal(history: &[KvOp]) -> linearizability::Illegal<KvValue> {
    match verdict(history) {
        Verdict::Illegal(illegal) => {
            assert_consistent(&KvModel, history, &illegal);
            illegal
        }
        v => panic!("expected Illegal, got {}", name(&v)),
    }
}

fn pending_put(client: usize, key: &str, value: &str, call: u64) -> KvOp {
    let input = KvInput::Put {
        key: key.into(),
        value: value.into(),
    };
    Operation::pending(client, input, call)
}

#[test]
fn empty_history_is_linearizable_in_no_steps() {
    let report = check(&KvModel, &[], 0).unwrap();
    assert_eq!((report.verdict, report.steps), (Verdict::Ok, 0));
}

#[test]
fn overlapping_writes_may_linearize_either_way() {
    let writes = [put(0, "x", "1", 0, 10), put(1, "x", "2", 5, 15)];
    for seen in ["1", "2"] {
        let mut history = writes.to_vec();
        history.push(get(2, "x", 20, 30, seen));
        assert_ok(&history);
    }
    let mut history = writes.to_vec();
    history.push(get(2, "x", 20, 30, ""));
    assert_illegal(&history);
}

#[test]
fn a_read_overlapping_a_write_may_see_either_value() {
    for seen in ["", "1"] {
        assert_ok(&[put(0, "x", "1", 0, 10), get(1, "x", 5, 15, seen)]);
    }
}

#[test]
fn a_stale_read_after_a_completed_write_is_illegal() {
    let history = [put(0, "x", "1", 0, 10), get(1, "x", 20, 30, "")];
    let illegal = assert_illegal(&history);
    assert_eq!(
        (illegal.prefix, illegal.failed, illegal.state),
        (vec![0], 1, "1".into())
    );
    assert_eq!(illegal.partition, [0, 1]);
}

#[test]
fn appends_must_be_seen_in_one_order_by_everyone() {
    let appends = [append(0, "x", "a", 0, 10), append(1, "x", "b", 0, 10)];
    let mut history = appends.to_vec();
    history.extend([get(2, "x", 20, 30, "ba"), get(3, "x", 40, 50, "ba")]);
    assert_ok(&history);
    history[3] = get(3, "x", 40, 50, "ab");
    assert_illegal(&history);
}

#[test]
fn a_pending_write_may_take_effect_or_not() {
    // Its reply was lost: a later read may see it or not.
    for seen in ["", "1"] {
        assert_ok(&[pending_put(0, "x", "1", 0), get(1, "x", 10, 20, seen)]);
    }
    // It may take effect late, between two reads...
    let history = [
        pending_put(0, "x", "1", 0),
        get(1, "x", 10, 20, ""),
        get(1, "x", 30, 40, "1"),
    ];
    assert_ok(&history);
    // ...but only once, and not before its call.
    let history = [
        pending_put(0, "x", "1", 0),
        get(1, "x", 10, 20, "1"),
        get(1, "x", 30, 40, ""),
    ];
    assert_illegal(&history);
    assert_illegal(&[get(1, "x", 10, 20, "1"), pending_put(0, "x", "1", 30)]);
}

#[test]
fn a_pending_read_accepts_any_value() {
    let read = Operation::pending(1, KvInput::Get { key: "x".into() }, 5);
    assert_ok(&[put(0, "x", "1", 0, 10), read, get(2, "x", 20, 30, "1")]);
}

#[test]
fn touching_intervals_overlap() {
    // The get is called at the very time the put returns: either may have
    // gone first, so reading the old value is fine.
    assert_ok(&[put(0, "x", "1", 0, 10), get(1, "x", 10, 20, "")]);
    assert_illegal(&[put(0, "x", "1", 0, 10), get(1, "x", 11, 20, "")]);
    // An operation that takes no time at all is an instant.
    assert_ok(&[put(0, "x", "1", 5, 5), get(1, "x", 5, 5, "")]);
    assert_illegal(&[put(0, "x", "1", 5, 5), get(1, "x", 6, 6, "")]);
}

#[test]
fn operations_need_not_be_in_time_order() {
    let mut history = vec![
        put(0, "x", "1", 0, 10),
        put(1, "x", "2", 20, 30),
        get(2, "x", 40, 50, "2"),
    ];
    history.reverse();
    assert_ok(&history);
}

#[test]
fn keys_are_independent() {
    // Each key alone is linearizable, so the whole is.
    let history = [
        put(0, "x", "1", 0, 10),
        put(1, "y", "2", 0, 10),
        get(0, "y", 20, 30, "2"),
        get(1, "x", 20, 30, "1"),
        get(2, "z", 20, 30, ""),
    ];
    assert_ok(&history);
}

#[test]
fn a_return_before_its_call_is_an_error() {
    let history = [put(0, "x", "1", 0, 10), put(1, "x", "2", 20, 15)];
    let err = check(&KvModel, &history, BUDGET).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ReturnBeforeCall {
                op: 1,
                call: 20,
                ret: 15
            }
        ),
        "{err}"
    );
}

#[test]
fn a_tiny_budget_gives_unknown_and_the_exact_budget_suffices() {
    let history = [
        put(0, "x", "1", 0, 10),
        put(1, "x", "2", 5, 15),
        get(2, "x", 20, 30, "1"),
    ];
    let needed = check(&KvModel, &history, BUDGET).unwrap().steps;
    assert!(needed > 1);
    let report = check(&KvModel, &history, needed - 1).unwrap();
    assert_eq!(
        (report.verdict, report.steps),
        (Verdict::Unknown, needed - 1)
    );
    assert_eq!(
        check(&KvModel, &history, needed).unwrap().verdict,
        Verdict::Ok
    );
    assert_eq!(
        check(&KvModel, &history, 0).unwrap().verdict,
        Verdict::Unknown
    );
}

#[test]
fn an_easy_violation_is_found_while_a_hard_partition_is_undecided() {
    // Key "a": twelve concurrent appends and a read no order explains;
    // refuting it means trying every order. Key "b": a plain stale read.
    let mut history: Vec<KvOp> = (0..12)
        .map(|c| append(c, "a", &format!("<{c}>"), 0, 100))
        .collect();
    history.push(get(12, "a", 200, 300, "impossible"));
    history.extend([put(13, "b", "1", 0, 10), get(14, "b", 20, 30, "")]);
    let report = check(&KvModel, &history, BUDGET).unwrap();
    let Verdict::Illegal(illegal) = report.verdict else {
        panic!("expected Illegal, got {}", name(&report.verdict))
    };
    assert_eq!(illegal.failed, 14);
}

/// The key/value model with a partition that is wrong on purpose.
struct BadPartition(Vec<Vec<usize>>);

impl Model for BadPartition {
    type State = KvValue;
    type Input = KvInput;
    type Output = KvValue;

    fn init(&self) -> KvValue {
        KvModel.init()
    }

    fn step(&self, state: &KvValue, input: &KvInput, output: Option<&KvValue>) -> Option<KvValue> {
        KvModel.step(state, input, output)
    }

    fn partition(&self, _: &[KvOp]) -> Vec<Vec<usize>> {
        self.0.clone()
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&KvValue>) -> String {
        KvModel.describe_operation(input, output)
    }

    fn describe_state(&self, state: &KvValue) -> String {
        KvModel.describe_state(state)
    }
}

#[test]
fn a_partition_must_name_each_operation_once() {
    let history = [put(0, "x", "1", 0, 10), get(1, "x", 20, 30, "1")];
    let check_with = |groups: Vec<Vec<usize>>| check(&BadPartition(groups), &history, BUDGET);
    assert!(matches!(
        check_with(vec![vec![0], vec![2]]),
        Err(Error::PartitionOutOfRange { op: 2, len: 2 })
    ));
    assert!(matches!(
        check_with(vec![vec![0]]),
        Err(Error::PartitionNotExact { op: 1, times: 0 })
    ));
    assert!(matches!(
        check_with(vec![vec![0, 1], vec![1]]),
        Err(Error::PartitionNotExact { op: 1, times: 2 })
    ));
    assert_eq!(
        check_with(vec![vec![], vec![1, 0]]).unwrap().verdict,
        Verdict::Ok
    );
}
