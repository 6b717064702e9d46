//! The grade of a batch as JSON: `OUT/grade.json`, read by `lab merge`
//! and by other tools. Each submission's `report.json` is its [`Graded`]
//! alone.
//!
//! ```text
//! {
//!   "kind": "grade", "format": 1,
//!   "plan": {
//!     "rubric": {"pass": "all-seeds", "parts": {"2A": 10.0}, "tests": {}},
//!     "tests": [{"suite": "raft", "name": "election::initial_election_2a", "part": "2A", "points": 3.33}, ...],
//!     "seeds": [1, 2, 3], "secret_seeds": false,
//!     "real": false, "release": false, "check_determinism": true,
//!     "timeout_secs": 120, "build_timeout_secs": 900,
//!     "submissions": ["alice", "bob"]          every submission of the batch, of all shares
//!   },
//!   "partition": {"share": 1, "of": 1},
//!   "submissions": [{
//!     "name": "alice", "source": "/home/grader/alice",
//!     "score": 6.67, "max": 10.0,
//!     "parts": [{"part": "2A", "earned": 6.67, "points": 10.0}],
//!     "build": {"ok": true, "timed_out": false, "wall_ms": 41200, "errors": null},
//!     "ignored": [{"path": "tests/tests/raft/election.rs", "change": "modified"}],
//!     "from_handout": [],
//!     "tests": [{"suite": "raft", "name": "election::re_election_2a", "part": "2A",
//!                "points": 3.33, "earned": 0.0, "runs": 3, "passed": 2, "wall_ms": 912,
//!                "failures": [{"mode": "sim", "seed": 2, "outcome": "failed",   or "hung", "not-run"
//!                              "message": "expected one leader, got none",
//!                              "replay": "LAB_RUNTIME=sim LAB_SEED=2 cargo test …",
//!                              "log": "submissions/alice/logs/sim/election.re_election_2a-2.log",
//!                              "wall_ms": 310}]}, ...],
//!     "determinism": {"checked": 3, "differences": [], "suspects": []},
//!     "error": null
//!   }]
//! }
//! ```
//!
//! Submissions are listed by name. With `secret_seeds`, a submission's
//! own `report.json` and `junit.xml` give no seed, no replay command and no
//! log (the logs, which name their seeds, are kept in `secret-logs/`), and
//! a seed in a failure's message reads `<seed>`; the batch's record, the
//! instructor's, keeps them all.

use serde::{Deserialize, Serialize};

use super::determinism::{Difference, Suspect};
use super::rubric::Rubric;
use super::submission::Ignored;
use crate::stress::partition::Partition;

/// The format this module writes and reads.
pub const FORMAT: u32 = 1;
/// The record's `kind`, which tells it from a stress record.
pub const KIND: &str = "grade";

/// A batch's grades, or several shares' merged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeRecord {
    /// [`KIND`].
    pub kind: String,
    /// [`FORMAT`].
    pub format: u32,
    /// What every submission was graded on.
    pub plan: GradePlan,
    /// Which share of the batch.
    pub partition: Partition,
    /// The share's submissions, by name.
    pub submissions: Vec<Graded>,
}

/// What decides a batch's grades.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradePlan {
    /// The rubric.
    pub rubric: Rubric,
    /// The graded tests and their points.
    pub tests: Vec<PlannedTest>,
    /// The sim seeds every test runs on.
    pub seeds: Vec<u64>,
    /// Whether the seeds are kept from the submissions' own reports.
    pub secret_seeds: bool,
    /// Whether every test also runs once in real time.
    pub real: bool,
    /// Whether the suites are built with optimizations.
    pub release: bool,
    /// Whether each test's first seed runs twice.
    pub check_determinism: bool,
    /// Wall-clock seconds a run may take.
    pub timeout_secs: u64,
    /// Wall-clock seconds a build may take.
    pub build_timeout_secs: u64,
    /// Every submission of the batch, of all the shares, by name.
    pub submissions: Vec<String>,
}

/// A graded test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedTest {
    /// Its suite.
    pub suite: String,
    /// Its full name.
    pub name: String,
    /// Its part, if it is of one of the rubric's.
    pub part: Option<String>,
    /// What it is worth.
    pub points: f64,
}

/// One submission's grade.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    /// Its name.
    pub name: String,
    /// Where it came from: its directory or git address.
    pub source: String,
    /// Points earned.
    pub score: f64,
    /// Points there were.
    pub max: f64,
    /// Per part of the rubric.
    pub parts: Vec<PartScore>,
    /// Its build.
    pub build: BuildRecord,
    /// Its files the grade left out.
    pub ignored: Vec<Ignored>,
    /// Student-owned files it lacks, graded as the handout has them.
    pub from_handout: Vec<String>,
    /// Per graded test.
    pub tests: Vec<TestScore>,
    /// Whether its runs replay.
    pub determinism: Determinism,
    /// Why it could not be graded at all, if it could not.
    pub error: Option<String>,
}

/// A part's points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartScore {
    /// The part.
    pub part: String,
    /// Earned.
    pub earned: f64,
    /// Of.
    pub points: f64,
}

/// A submission's build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    /// Whether it built.
    pub ok: bool,
    /// Whether it was stopped at the limit.
    pub timed_out: bool,
    /// Its wall time.
    pub wall_ms: u64,
    /// The compiler's errors, if it failed.
    pub errors: Option<String>,
}

/// A test's runs and points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestScore {
    /// Its suite.
    pub suite: String,
    /// Its full name.
    pub name: String,
    /// Its part, if any.
    pub part: Option<String>,
    /// What it is worth.
    pub points: f64,
    /// What it earned.
    pub earned: f64,
    /// Its runs: one per seed, and one in real time if asked.
    pub runs: u64,
    /// Those that passed.
    pub passed: u64,
    /// The wall time of its runs together.
    pub wall_ms: u64,
    /// The runs that failed or hung, sim ones by seed, then the real one.
    pub failures: Vec<FailedRun>,
}

/// A run that failed or hung.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRun {
    /// `sim` or `real`.
    pub mode: String,
    /// Its seed, unless secret.
    pub seed: Option<u64>,
    /// How it failed.
    pub outcome: Failure,
    /// What went wrong.
    pub message: String,
    /// The command that replays it, unless the seed is secret.
    pub replay: Option<String>,
    /// Its output, relative to the grade's directory.
    pub log: Option<String>,
    /// Its wall time.
    pub wall_ms: u64,
}

/// How a run failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// It failed.
    Failed,
    /// It was killed at the wall-clock limit.
    Hung,
    /// It was not run: its test had hung too often already.
    NotRun,
}

/// The determinism check of a submission.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determinism {
    /// Runs made twice.
    pub checked: u64,
    /// Those whose second run did otherwise.
    pub differences: Vec<Difference>,
    /// If any did: the lines of its code that can cause it.
    pub suspects: Vec<Suspect>,
}

impl Determinism {
    /// Whether every run made twice did the same.
    pub fn replays(&self) -> bool {
        self.differences.is_empty()
    }
}

impl Graded {
    /// The grade as a submission's own report shows it: without seeds
    /// or replay commands if they are secret.
    pub fn for_student(&self, secret_seeds: bool) -> Graded {
        let mut graded = self.clone();
        if secret_seeds {
            for run in graded.tests.iter_mut().flat_map(|t| &mut t.failures) {
                if let Some(seed) = run.seed.take() {
                    run.message = redact(&run.message, seed);
                }
                run.replay = None;
                run.log = None;
            }
            for difference in &mut graded.determinism.differences {
                difference.seed = None;
            }
        }
        graded
    }

    /// The same grade with every wall time zero: what two gradings of
    /// one submission must agree on.
    pub fn without_times(&self) -> Graded {
        let mut graded = self.clone();
        graded.build.wall_ms = 0;
        for test in &mut graded.tests {
            test.wall_ms = 0;
            for run in &mut test.failures {
                run.wall_ms = 0;
            }
        }
        graded
    }
}

/// `text` with every whole number equal to `seed` written `<seed>`.
fn redact(text: &str, seed: u64) -> String {
    let seed = seed.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&seed) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + seed.len()..].chars().next();
        let whole = !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(|c| c.is_ascii_digit());
        out.push_str(&rest[..at]);
        out.push_str(if whole { "<seed>" } else { &seed });
        rest = &rest[at + seed.len()..];
    }
    out.push_str(rest);
    out
}

impl GradeRecord {
    /// The record as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a record always serializes") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_is_redacted_where_it_stands_alone() {
        assert_eq!(
            redact("seed 17 failed at 17.5s; 170 and 917 stay", 17),
            "seed <seed> failed at <seed>.5s; 170 and 917 stay"
        );
        assert_eq!(redact("no seed here", 3), "no seed here");
    }
}
