//! `--json FILE`: a session's results as JSON, for `lab merge` and for
//! other tools.
//!
//! Format 1, one object:
//!
//! ```text
//! {
//!   "format": 1,
//!   "plan": {
//!     "suites": ["raft"],                      the suites built, in the manifest's order
//!     "tests": [{"suite": "raft", "name": "election::re_election_2a"}, ...],
//!                                              every test chosen, of all the shares
//!     "seeds_per_test": 100,                   or null, under --duration
//!     "duration_secs": null,                   or the seconds of --duration
//!     "first_seed": 1,
//!     "mode": "sim"                            or "real"
//!   },
//!   "partition": {"share": 1, "of": 2},        {"share": 1, "of": 1} for the whole plan
//!   "runs": [
//!     {
//!       "suite": "raft",
//!       "test": "election::re_election_2a",
//!       "seed": 17,
//!       "outcome": "failed",                   "passed", "failed" or "hung"
//!       "message": "expected one leader, got none",     null if it passed
//!       "replay": "LAB_RUNTIME=sim LAB_SEED=17 cargo test -p tests --test raft election::re_election_2a -- --exact",
//!       "wall_ms": 312,
//!       "log": "target/stress/election.re_election_2a-17.log"   null if it passed
//!     }, ...
//!   ]
//! }
//! ```
//!
//! Runs are listed by test, in the plan's order, then by seed. A change
//! that would make an older reader misread a file takes a new `format`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use super::partition::Partition;
use super::plan::{Job, Limit, Test};
use super::summary::{Run, replay};

/// The format this module writes and reads.
pub const FORMAT: u32 = 1;

/// A session's results, or several sessions' merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// [`FORMAT`].
    pub format: u32,
    /// What was run.
    pub plan: PlanRecord,
    /// Which share of it.
    pub partition: Partition,
    /// The runs made, by test in the plan's order, then by seed.
    pub runs: Vec<RunRecord>,
}

/// The arguments that decide a session's runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// The suites built.
    pub suites: Vec<String>,
    /// Every test chosen, of all the shares, in the session's order.
    pub tests: Vec<Test>,
    /// Seeds per test, unless the session ran for a duration.
    pub seeds_per_test: Option<u64>,
    /// The seconds it ran for, if it did.
    pub duration_secs: Option<u64>,
    /// Each test's first seed.
    pub first_seed: u64,
    /// `sim` or `real`.
    pub mode: String,
}

/// One run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The test's suite.
    pub suite: String,
    /// The test's full name.
    pub test: String,
    /// The seed.
    pub seed: u64,
    /// How it ended.
    pub outcome: Kind,
    /// What went wrong, unless it passed.
    pub message: Option<String>,
    /// The command that runs it again.
    pub replay: String,
    /// Its process's wall time, in milliseconds.
    pub wall_ms: u64,
    /// Its output, if it failed: relative to the repository's root of the
    /// machine that ran it, unless outside it.
    pub log: Option<String>,
}

/// How a run ended, in a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It was killed at the wall-clock limit.
    Hung,
}

impl PlanRecord {
    /// The plan of a session over `tests`, of `suites`, under `limit`.
    pub fn new(
        suites: Vec<String>,
        tests: Vec<Test>,
        limit: Limit,
        first_seed: u64,
        mode: &str,
    ) -> PlanRecord {
        let (seeds_per_test, duration_secs) = match limit {
            Limit::Seeds(seeds) => (Some(seeds), None),
            Limit::Duration(d) => (None, Some(d.as_secs())),
        };
        PlanRecord {
            suites,
            tests,
            seeds_per_test,
            duration_secs,
            first_seed,
            mode: mode.to_string(),
        }
    }

    /// The first of the arguments in which `other` differs, if any.
    pub fn differs(&self, other: &PlanRecord) -> Option<&'static str> {
        let fields = [
            ("suites", self.suites == other.suites),
            ("tests", self.tests == other.tests),
            (
                "seeds per test",
                self.seeds_per_test == other.seeds_per_test,
            ),
            ("duration", self.duration_secs == other.duration_secs),
            ("first seed", self.first_seed == other.first_seed),
            ("mode", self.mode == other.mode),
        ];
        fields.iter().find(|(_, same)| !same).map(|(name, _)| *name)
    }

    /// The index of the test `name` of `suite` in the plan.
    pub fn index(&self, suite: &str, name: &str) -> Option<usize> {
        self.tests
            .iter()
            .position(|t| t.suite == suite && t.name == name)
    }
}

impl Record {
    /// The record of `runs` of `tests` (which `run.job.test` indexes), a
    /// share of `plan`; `log` gives the log's path of a failed run.
    pub fn new(
        plan: PlanRecord,
        partition: Partition,
        tests: &[Test],
        runs: &[Run],
        log: impl Fn(&Test, u64) -> String,
    ) -> Record {
        let mut records: Vec<(usize, RunRecord)> = runs
            .iter()
            .map(|run| {
                let test = &tests[run.job.test];
                let index = plan
                    .index(&test.suite, &test.name)
                    .unwrap_or_else(|| panic!("{} is of a share but not of its plan", test.name));
                let kind = match run.outcome {
                    Outcome::Passed => Kind::Passed,
                    Outcome::Failed { .. } => Kind::Failed,
                    Outcome::Hung { .. } => Kind::Hung,
                };
                let record = RunRecord {
                    suite: test.suite.clone(),
                    test: test.name.clone(),
                    seed: run.job.seed,
                    outcome: kind,
                    message: run.outcome.message().map(String::from),
                    replay: replay(test, run, &plan.mode),
                    wall_ms: run.wall.as_millis().try_into().unwrap_or(u64::MAX),
                    log: run.outcome.is_failure().then(|| log(test, run.job.seed)),
                };
                (index, record)
            })
            .collect();
        records.sort_by_key(|(index, run)| (*index, run.seed));
        Record {
            format: FORMAT,
            plan,
            partition,
            runs: records.into_iter().map(|(_, run)| run).collect(),
        }
    }

    /// The runs as the table reads them, indexing the plan's tests; `None`
    /// if a run is of a test the plan does not hold.
    pub fn runs(&self) -> Option<Vec<Run>> {
        self.runs
            .iter()
            .map(|run| {
                let message = run.message.clone().unwrap_or_default();
                let outcome = match run.outcome {
                    Kind::Passed => Outcome::Passed,
                    Kind::Failed => Outcome::Failed {
                        message,
                        replay: Some(run.replay.clone()),
                    },
                    Kind::Hung => Outcome::Hung { message },
                };
                Some(Run {
                    job: Job {
                        test: self.plan.index(&run.suite, &run.test)?,
                        seed: run.seed,
                    },
                    wall: Duration::from_millis(run.wall_ms),
                    outcome,
                })
            })
            .collect()
    }

    /// The record as JSON.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a record is plain data");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_the_runs_it_was_made_of() {
        let tests: Vec<Test> = ["a_2a", "b_2a"]
            .map(|name| Test {
                suite: "raft".to_string(),
                name: name.to_string(),
            })
            .to_vec();
        let plan = PlanRecord::new(
            vec!["raft".to_string()],
            tests.clone(),
            Limit::Seeds(2),
            5,
            "sim",
        );
        let run = |test, seed, outcome| Run {
            job: Job { test, seed },
            wall: Duration::from_millis(40),
            outcome,
        };
        let runs = vec![
            run(
                1,
                6,
                Outcome::Hung {
                    message: "hung: killed after 1s".to_string(),
                },
            ),
            run(0, 5, Outcome::Passed),
            run(
                1,
                5,
                Outcome::Failed {
                    message: "boom".to_string(),
                    replay: None,
                },
            ),
        ];
        let record = Record::new(plan, Partition::WHOLE, &tests, &runs, |t, seed| {
            format!("target/stress/{}-{seed}.log", t.name)
        });
        let json = record.to_json();
        assert!(json.contains("\"format\": 1") && json.contains("\"outcome\": \"hung\""));
        let read: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(read, record);
        assert_eq!(record.runs[0].log, None);
        assert_eq!(
            record.runs[1].log.as_deref(),
            Some("target/stress/b_2a-5.log")
        );
        assert_eq!(
            record.runs[1].replay,
            "LAB_RUNTIME=sim LAB_SEED=5 cargo test -p tests --test raft b_2a -- --exact"
        );
        let back = read.runs().unwrap();
        let seeds: Vec<(usize, u64)> = back.iter().map(|r| (r.job.test, r.job.seed)).collect();
        assert_eq!(seeds, [(0, 5), (1, 5), (1, 6)]);
        assert_eq!(back[2].outcome, runs[0].outcome);
    }
}
