//! The course's checks on results: appends present once and in order, and
//! the whole history linearizable.

use linearizability::models::kv::KvModel;
use linearizability::{Verdict, check, visualize};

use super::History;

/// Search steps the linearizability checker may take on one test's
/// history. The verdict depends on steps, not on the machine's speed; a
/// history that needs more gets no verdict, and the test fails.
const CHECK_BUDGET: u64 = 50_000_000;

/// The token client `client`'s `j`-th append wrote.
pub fn append_token(client: usize, j: usize) -> String {
    format!("x {client} {j} y")
}

/// Checks that `value` holds client `client`'s first `count` appends, each
/// exactly once and in order.
pub fn check_clnt_appends(client: usize, value: &str, count: usize) {
    let mut last_offset = None;
    for j in 0..count {
        let wanted = append_token(client, j);
        let Some(offset) = value.find(&wanted) else {
            panic!(
                "{client} missing element {wanted:?} in Append result {}",
                shorten(value)
            );
        };
        let last = value.rfind(&wanted).expect("found above");
        assert_eq!(
            last,
            offset,
            "duplicate element {wanted:?} in Append result {}",
            shorten(value)
        );
        if let Some(previous) = last_offset {
            assert!(
                offset > previous,
                "wrong order for element {wanted:?} in Append result {}",
                shorten(value)
            );
        }
        last_offset = Some(offset);
    }
}

/// [`check_clnt_appends`] for every client `i`, with `counts[i]` appends.
pub fn check_concurrent_appends(value: &str, counts: &[usize]) {
    for (client, &count) in counts.iter().enumerate() {
        check_clnt_appends(client, value, count);
    }
}

/// A value for a failure message: long ones are cut in the middle.
fn shorten(value: &str) -> String {
    const KEEP: usize = 200;
    if value.len() <= 2 * KEEP {
        return format!("{value:?}");
    }
    let head = value
        .char_indices()
        .nth(KEEP)
        .map_or(value.len(), |(i, _)| i);
    let tail = value.char_indices().rev().nth(KEEP).map_or(0, |(i, _)| i);
    format!(
        "{:?} ... {:?} ({} bytes)",
        &value[..head],
        &value[tail..],
        value.len()
    )
}

/// Fails unless the recorded history is linearizable. On an illegal
/// history it writes the HTML timeline and prints its path first; a history
/// the step budget cannot decide also fails.
pub fn check_linearizable(history: &History) {
    let ops = history.operations();
    let report = check(&KvModel, &ops, CHECK_BUDGET)
        .unwrap_or_else(|error| panic!("checking linearizability: {error}"));
    match report.verdict {
        Verdict::Ok => {}
        Verdict::Illegal(illegal) => {
            match visualize::write_temp(&KvModel, &ops, &illegal) {
                Ok(path) => println!("info: wrote visualization to {}", path.display()),
                Err(error) => println!("info: failed to write visualization: {error}"),
            }
            panic!(
                "history is not linearizable: {}",
                illegal.describe(&KvModel, &ops)
            );
        }
        Verdict::Unknown => panic!(
            "linearizability check gave no verdict within {CHECK_BUDGET} steps \
             ({} operations): the history is too hard to decide",
            ops.len()
        ),
    }
}
