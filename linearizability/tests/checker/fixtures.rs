//! The recorded histories get their documented verdicts, key by key and as
//! one map without partitioning.

use linearizability::models::kv::{KvInput, KvModel, KvValue};
use linearizability::models::kv_log::parse;
use linearizability::{Model, Verdict, check};

use crate::support::{KvMap, KvOp, assert_consistent, fixture_dir, name};

/// Steps for any fixture checked key by key; c50-ok, the largest, takes
/// about a million.
const BY_KEY: u64 = 10_000_000;
/// Steps for c01 and c10 checked as one map; each c10 takes about 1.7
/// million.
const ONE_MAP: u64 = 10_000_000;
/// Steps for c50 as one map: far too few for a verdict (100 million are not
/// enough), but enough to show the search never misjudges it on the way.
const ONE_MAP_C50: u64 = 1_000_000;

/// A recorded history and whether it is linearizable.
struct Fixture {
    name: String,
    clients: usize,
    linearizable: bool,
    history: Vec<KvOp>,
}

/// Every fixture in the directory, by name; `cNN-ok` and `cNN-bad` say the
/// client count and the verdict.
fn fixtures() -> Vec<Fixture> {
    let dir = fixture_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|f| f.strip_suffix(".txt").map(String::from))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "c01-bad", "c01-ok", "c10-bad", "c10-ok", "c50-bad", "c50-ok"
        ]
    );
    names
        .into_iter()
        .map(|name| {
            let (clients, verdict) = name.split_once('-').unwrap();
            let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
            Fixture {
                clients: clients[1..].parse().unwrap(),
                linearizable: verdict == "ok",
                history: parse(&text).unwrap_or_else(|e| panic!("{name}: {e}")),
                name,
            }
        })
        .collect()
}

/// Checks `fixture` with `model` and asserts the documented verdict.
fn assert_verdict<M>(model: &M, fixture: &Fixture, budget: u64)
where
    M: Model<Input = KvInput, Output = KvValue>,
    M::State: std::fmt::Debug,
{
    let report = check(model, &fixture.history, budget).unwrap();
    match (&report.verdict, fixture.linearizable) {
        (Verdict::Ok, true) => {}
        (Verdict::Illegal(illegal), false) => assert_consistent(model, &fixture.history, illegal),
        (verdict, _) => panic!(
            "{}: {} after {} steps, expected {}",
            fixture.name,
            name(verdict),
            report.steps,
            if fixture.linearizable {
                "Ok"
            } else {
                "Illegal"
            }
        ),
    }
}

#[test]
fn fixtures_by_key() {
    for fixture in fixtures() {
        assert_verdict(&KvModel, &fixture, BY_KEY);
    }
}

#[test]
fn fixtures_as_one_map() {
    for fixture in fixtures().iter().filter(|f| f.clients <= 10) {
        assert_verdict(&KvMap, fixture, ONE_MAP);
    }
}

#[test]
fn c50_as_one_map_is_never_misjudged() {
    for fixture in fixtures().iter().filter(|f| f.clients == 50) {
        let report = check(&KvMap, &fixture.history, ONE_MAP_C50).unwrap();
        let expected = if fixture.linearizable {
            "Ok"
        } else {
            "Illegal"
        };
        let got = name(&report.verdict);
        assert!(
            got == expected || got == "Unknown",
            "{}: {got}",
            fixture.name
        );
    }
}

#[test]
fn same_history_same_report() {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == "c50-bad")
        .unwrap();
    let first = check(&KvModel, &fixture.history, BY_KEY).unwrap();
    assert!(matches!(first.verdict, Verdict::Illegal(_)));
    assert_eq!(first, check(&KvModel, &fixture.history, BY_KEY).unwrap());
}
