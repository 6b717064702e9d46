//! The course's checks on results: appends present once and in order, and
//! the whole history linearizable.

use linearizability::models::kv::KvModel;
use linearizability::{Verdict, check, visualize};

use crate::history::KvOperation;

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
///
/// # Panics
/// With [`appends_failure`]'s message, if it finds one.
pub fn check_clnt_appends(client: usize, value: &str, count: usize) {
    if let Some(failure) = appends_failure(client, value, count) {
        panic!("{failure}");
    }
}

/// What is wrong with client `client`'s first `count` appends in `value`,
/// if anything: one missing, duplicated or out of order.
pub fn appends_failure(client: usize, value: &str, count: usize) -> Option<String> {
    let mut last_offset = None;
    for j in 0..count {
        let wanted = append_token(client, j);
        let Some(offset) = value.find(&wanted) else {
            return Some(format!(
                "{client} missing element {wanted:?} in Append result {}",
                shorten(value)
            ));
        };
        if value.rfind(&wanted) != Some(offset) {
            return Some(format!(
                "duplicate element {wanted:?} in Append result {}",
                shorten(value)
            ));
        }
        if last_offset.is_some_and(|previous| offset <= previous) {
            return Some(format!(
                "wrong order for element {wanted:?} in Append result {}",
                shorten(value)
            ));
        }
        last_offset = Some(offset);
    }
    None
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

/// Why `ops` fail the linearizability check, if they do. An illegal
/// history gets its HTML timeline written and its path printed first; a
/// history the step budget cannot decide fails too.
pub fn linearizability_failure(ops: &[KvOperation]) -> Option<String> {
    // A long check makes no labrt call: it must not look like a hang.
    let report = match labrt::thread::compute(|| check(&KvModel, ops, CHECK_BUDGET)) {
        Ok(report) => report,
        Err(error) => return Some(format!("checking linearizability: {error}")),
    };
    match report.verdict {
        Verdict::Ok => None,
        Verdict::Illegal(illegal) => {
            let timeline = match visualize::write_temp(&KvModel, ops, &illegal) {
                Ok(path) => {
                    println!("info: wrote visualization to {}", path.display());
                    format!("timeline in {}", path.display())
                }
                Err(error) => {
                    println!("info: failed to write visualization: {error}");
                    "no timeline".to_string()
                }
            };
            Some(format!(
                "history is not linearizable: {} ({timeline})",
                illegal.describe(&KvModel, ops)
            ))
        }
        Verdict::Unknown => Some(format!(
            "linearizability check gave no verdict within {CHECK_BUDGET} steps \
             ({} operations): the history is too hard to decide",
            ops.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use linearizability::Operation;
    use linearizability::models::kv::{KvInput, KvValue};

    use super::*;

    fn put(value: &str) -> KvInput {
        KvInput::Put {
            key: "k".into(),
            value: value.into(),
        }
    }

    fn get() -> KvInput {
        KvInput::Get { key: "k".into() }
    }

    /// The check's verdict on `ops`, reached as the harness reaches it: on
    /// a thread of a labrt run, which `labrt::thread::compute` requires.
    fn verdict(ops: &[KvOperation]) -> Option<String> {
        let mut failure = None;
        labrt::Config::sim(1).run(|| failure = linearizability_failure(ops));
        failure
    }

    #[test]
    fn a_stale_read_fails_with_a_written_timeline() {
        let ops = [
            Operation::returned(1, put("a"), 0, KvValue::default(), 10),
            Operation::returned(1, put("b"), 20, KvValue::default(), 30),
            Operation::returned(2, get(), 40, "a".into(), 50),
        ];
        let failure = verdict(&ops).expect("a stale read is illegal");
        assert!(
            failure.starts_with("history is not linearizable"),
            "{failure}"
        );
        let path = failure
            .split("timeline in ")
            .nth(1)
            .and_then(|rest| rest.strip_suffix(')'))
            .expect("the failure names the timeline's file");
        let html = std::fs::read_to_string(path).expect("the timeline was written");
        assert!(html.contains("<svg"), "not a timeline: {path}");
        std::fs::remove_file(path).expect("remove the timeline");
    }

    #[test]
    fn overlapping_operations_may_be_ordered_either_way() {
        let ops = [
            Operation::returned(1, put("a"), 0, KvValue::default(), 30),
            Operation::returned(2, get(), 10, "a".into(), 20),
            Operation::returned(3, get(), 10, KvValue::default(), 20),
        ];
        assert_eq!(verdict(&ops), None);
    }

    #[test]
    fn appends_are_checked_once_and_in_order() {
        let value = format!("{}{}", append_token(0, 0), append_token(0, 1));
        check_clnt_appends(0, &value, 2);
        let missing = std::panic::catch_unwind(|| check_clnt_appends(0, &value, 3));
        assert!(missing.is_err());
        let twice = format!("{value}{}", append_token(0, 1));
        assert!(std::panic::catch_unwind(|| check_clnt_appends(0, &twice, 2)).is_err());
        let swapped = format!("{}{}", append_token(0, 1), append_token(0, 0));
        assert!(std::panic::catch_unwind(|| check_clnt_appends(0, &swapped, 2)).is_err());
    }
}
