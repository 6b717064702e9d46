//! A submission's points, from its runs and the rubric.

use std::collections::BTreeMap;

use super::record::{FailedRun, Failure, PartScore, PlannedTest, TestScore};
use super::rubric::Rubric;
use crate::stress::outcome::Outcome;

/// A finished run of a graded test.
#[derive(Clone, Debug)]
pub struct Ran {
    /// The test's index in the plan.
    pub test: usize,
    /// `sim` or `real`.
    pub mode: &'static str,
    /// Its seed.
    pub seed: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// Its wall time, in milliseconds.
    pub wall_ms: u64,
    /// Its output's file, relative to the grade's directory, if kept.
    pub log: Option<String>,
    /// The command that replays it, if it failed or hung.
    pub replay: Option<String>,
    /// Whether it was not run, and counts as failed: its test had hung
    /// too often.
    pub not_run: bool,
}

/// What a submission earned.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// Per test, in the plan's order.
    pub tests: Vec<TestScore>,
    /// Per part of the rubric, in its order.
    pub parts: Vec<PartScore>,
    /// Points earned.
    pub score: f64,
    /// Points there were.
    pub max: f64,
}

/// Scores the runs `ran` of the plan's `tests` under `rubric`; a test
/// with no run earns nothing.
pub fn score(rubric: &Rubric, tests: &[PlannedTest], ran: &[Ran]) -> Scored {
    let mut scores: Vec<TestScore> = tests
        .iter()
        .map(|t| TestScore {
            suite: t.suite.clone(),
            name: t.name.clone(),
            part: t.part.clone(),
            points: t.points,
            earned: 0.0,
            runs: 0,
            passed: 0,
            wall_ms: 0,
            failures: Vec::new(),
        })
        .collect();
    for run in ran {
        let score = &mut scores[run.test];
        score.runs += 1;
        score.wall_ms += run.wall_ms;
        let outcome = match &run.outcome {
            Outcome::Passed => {
                score.passed += 1;
                continue;
            }
            Outcome::Failed { .. } if run.not_run => Failure::NotRun,
            Outcome::Failed { .. } => Failure::Failed,
            Outcome::Hung { .. } => Failure::Hung,
        };
        score.failures.push(FailedRun {
            mode: run.mode.to_string(),
            seed: Some(run.seed),
            outcome,
            message: run.outcome.message().unwrap_or_default().to_string(),
            replay: run.replay.clone(),
            log: run.log.clone(),
            wall_ms: run.wall_ms,
        });
    }
    for score in &mut scores {
        score.earned = rubric.earned(score.points, score.passed, score.runs);
        score
            .failures
            .sort_by_key(|run| (run.mode != "sim", run.seed));
    }
    let mut parts: BTreeMap<&str, PartScore> = BTreeMap::new();
    for score in &scores {
        if let Some(part) = &score.part {
            let entry = parts.entry(part).or_insert_with(|| PartScore {
                part: part.clone(),
                earned: 0.0,
                points: 0.0,
            });
            entry.earned += score.earned;
            entry.points += score.points;
        }
    }
    let mut parts: Vec<PartScore> = parts.into_values().collect();
    for part in &mut parts {
        part.earned = settle(part.earned);
        part.points = settle(part.points);
    }
    Scored {
        score: settle(scores.iter().map(|s| s.earned).sum()),
        max: settle(scores.iter().map(|s| s.points).sum()),
        parts,
        tests: scores,
    }
}

/// A sum of points with the float error of its adding taken off (a part
/// of 10 points over three tests adds up to 10, not 9.999999999999998),
/// so that full marks compare equal to the maximum.
fn settle(points: f64) -> f64 {
    (points * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(name: &str, points: f64) -> PlannedTest {
        PlannedTest {
            suite: "raft".to_string(),
            name: name.to_string(),
            part: Some("2A".to_string()),
            points,
        }
    }

    fn ran(test: usize, mode: &'static str, seed: u64, passed: bool) -> Ran {
        Ran {
            test,
            mode,
            seed,
            outcome: if passed {
                Outcome::Passed
            } else {
                Outcome::Failed {
                    message: format!("seed {seed} failed"),
                    replay: None,
                }
            },
            wall_ms: 10,
            log: None,
            replay: (!passed).then(|| format!("LAB_SEED={seed} …")),
            not_run: false,
        }
    }

    #[test]
    fn runs_earn_their_tests_points_by_the_rubrics_rule() {
        let tests = [planned("a_2a", 4.0), planned("b_2a", 6.0)];
        let runs = [
            ran(0, "sim", 1, true),
            ran(0, "sim", 2, true),
            ran(1, "real", 1, false),
            ran(1, "sim", 2, false),
            ran(1, "sim", 1, true),
        ];
        let all = Rubric::parse("[parts]\n2A = 10\n").unwrap();
        let scored = score(&all, &tests, &runs);
        assert_eq!((scored.score, scored.max), (4.0, 10.0));
        let b = &scored.tests[1];
        assert_eq!((b.runs, b.passed, b.wall_ms), (3, 1, 30));
        let order: Vec<(&str, Option<u64>)> = b
            .failures
            .iter()
            .map(|f| (f.mode.as_str(), f.seed))
            .collect();
        assert_eq!(order, [("sim", Some(2)), ("real", Some(1))]);
        assert_eq!(
            scored.parts,
            [PartScore {
                part: "2A".to_string(),
                earned: 4.0,
                points: 10.0
            }]
        );
        let proportional = Rubric::parse("pass = \"proportional\"\n[parts]\n2A = 10\n").unwrap();
        assert_eq!(score(&proportional, &tests, &runs).score, 6.0);
        assert_eq!(score(&all, &tests, &[]).score, 0.0, "no run earns nothing");
    }
}
