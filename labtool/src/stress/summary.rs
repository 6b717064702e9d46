//! The table a stress session ends with, and the commands that replay its
//! failures.
//!
//! ```text
//! test                      runs  failed   rate  mean wall  failing seeds  first failure
//! election::re_election_2a    20       2  10.0%      0.05s  17, 42         expected one leader, got none
//! ```
//!
//! Everything here depends only on the runs' outcomes, not on the order
//! they finished in: failing seeds are listed in increasing order and the
//! first failure is that of the lowest one.

use std::fmt::Write;
use std::time::Duration;

use super::outcome::Outcome;
use super::plan::{Job, Test};
use crate::process::{ENV_RUNTIME, ENV_SEED};
use crate::table::{self, Align};

/// Failing seeds a row lists before it only counts the rest.
const SEEDS_SHOWN: usize = 3;
/// Replay commands listed per test; the logs have the rest.
const REPLAYS_SHOWN: usize = 5;
/// The longest failure message a row shows.
const MESSAGE_CHARS: usize = 100;

/// One finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Which test, on which seed.
    pub job: Job,
    /// Its process's wall time.
    pub wall: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

/// One test's line of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The test's full name.
    pub test: String,
    /// Runs made.
    pub runs: u64,
    /// Runs that failed or hung.
    pub failures: u64,
    /// The seeds of the runs that failed or hung, in increasing order,
    /// each once.
    pub failing_seeds: Vec<u64>,
    /// The message of the failure on the lowest failing seed.
    pub first_failure: Option<String>,
    /// Wall time of all its runs together.
    pub wall: Duration,
}

impl Row {
    fn new(test: &str) -> Row {
        Row {
            test: test.to_string(),
            runs: 0,
            failures: 0,
            failing_seeds: Vec::new(),
            first_failure: None,
            wall: Duration::ZERO,
        }
    }

    fn add(&mut self, run: &Run) {
        self.runs += 1;
        self.wall += run.wall;
        if let Some(message) = run.outcome.message() {
            self.failures += 1;
            self.failing_seeds.push(run.job.seed);
            if self.first_failure.is_none() {
                self.first_failure = Some(message.to_string());
            }
        }
    }

    fn rate(&self) -> String {
        if self.runs == 0 {
            return "-".to_string();
        }
        format!("{:.1}%", 100.0 * self.failures as f64 / self.runs as f64)
    }

    fn mean_wall(&self) -> String {
        if self.runs == 0 {
            return "-".to_string();
        }
        format!("{:.2}s", self.wall.as_secs_f64() / self.runs as f64)
    }

    fn seeds(&self) -> String {
        let shown: Vec<String> = self
            .failing_seeds
            .iter()
            .take(SEEDS_SHOWN)
            .map(u64::to_string)
            .collect();
        let more = self.failing_seeds.len().saturating_sub(SEEDS_SHOWN);
        let mut seeds = shown.join(", ");
        if more > 0 {
            write!(seeds, " and {more} more").unwrap();
        }
        seeds
    }
}

/// `runs` sorted by test and seed.
fn in_order(runs: &[Run]) -> Vec<&Run> {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|run| run.job);
    sorted
}

/// One row per test, in the tests' order, and a last row for them all.
pub fn summarize(tests: &[Test], runs: &[Run]) -> Vec<Row> {
    let mut rows: Vec<Row> = tests.iter().map(|t| Row::new(&t.name)).collect();
    let mut total = Row::new("total");
    for run in in_order(runs) {
        rows[run.job.test].add(run);
        total.add(run);
    }
    total.failing_seeds.sort_unstable();
    total.failing_seeds.dedup();
    total.first_failure = None;
    rows.push(total);
    rows
}

/// The table of `rows`, a line each under a header.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "test",
        "runs",
        "failed",
        "rate",
        "mean wall",
        "failing seeds",
        "first failure",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            [
                row.test.clone(),
                row.runs.to_string(),
                row.failures.to_string(),
                row.rate(),
                row.mean_wall(),
                row.seeds(),
                row.first_failure
                    .as_deref()
                    .map(shorten)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let rows: Vec<Vec<String>> = std::iter::once(header.map(String::from))
        .chain(cells)
        .map(Vec::from)
        .collect();
    use Align::{Left, Right};
    table::render(&rows, &[Left, Right, Right, Right, Right, Left, Left])
}

fn shorten(message: &str) -> String {
    table::shorten(message, MESSAGE_CHARS)
}

/// The table of `runs` of `tests`, and under it, if any failed, their
/// replay commands. `runtime` is the backend the runs used, `sim` or
/// `real`; the failed runs' logs are in `logs`, and `machine`, if given,
/// says whose (`of the machine that ran it`).
pub fn report(
    tests: &[Test],
    runs: &[Run],
    runtime: &str,
    logs: &str,
    machine: Option<&str>,
) -> String {
    let rows = summarize(tests, runs);
    let mut text = format!("\n{}", table(&rows));
    if rows.last().is_some_and(|total| total.failures > 0) {
        let on = machine.map(|m| format!(" {m}")).unwrap_or_default();
        writeln!(
            text,
            "\nReplay a failure (the output of each is in {logs}/<test>-<seed>.log{on}):"
        )
        .unwrap();
        for line in replays(tests, runs, runtime, logs) {
            writeln!(text, "  {line}").unwrap();
        }
    }
    text
}

/// The command that replays each failed run, a few per test; `logs` is
/// where the rest are.
pub fn replays(tests: &[Test], runs: &[Run], runtime: &str, logs: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, test) in tests.iter().enumerate() {
        let failed: Vec<&Run> = in_order(runs)
            .into_iter()
            .filter(|run| run.job.test == index && run.outcome.is_failure())
            .collect();
        for run in failed.iter().take(REPLAYS_SHOWN) {
            lines.push(replay(test, run, runtime));
        }
        if failed.len() > REPLAYS_SHOWN {
            lines.push(format!(
                "(and {} more failures of {}: see {logs})",
                failed.len() - REPLAYS_SHOWN,
                test.name
            ));
        }
    }
    lines
}

/// The command that replays `run` of `test` on `runtime`: the one its
/// report printed, or one made like it for a run that printed none (a
/// hang, or a pass).
pub fn replay(test: &Test, run: &Run, runtime: &str) -> String {
    let printed = match &run.outcome {
        Outcome::Failed { replay, .. } => replay.clone(),
        _ => None,
    };
    printed.unwrap_or_else(|| {
        format!(
            "{ENV_RUNTIME}={runtime} {ENV_SEED}={} cargo test -p tests --test {} {} -- --exact",
            run.job.seed, test.suite, test.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tests() -> Vec<Test> {
        ["election::initial_election_2a", "election::re_election_2a"]
            .map(|name| Test {
                suite: "raft".to_string(),
                name: name.to_string(),
            })
            .to_vec()
    }

    fn run(test: usize, seed: u64, millis: u64, outcome: Outcome) -> Run {
        Run {
            job: Job { test, seed },
            wall: Duration::from_millis(millis),
            outcome,
        }
    }

    fn failed(message: &str, replay: Option<&str>) -> Outcome {
        Outcome::Failed {
            message: message.to_string(),
            replay: replay.map(String::from),
        }
    }

    /// Two tests on seeds 1-4, finished out of order: the second fails on
    /// seed 4 and hangs on seed 2.
    fn session() -> Vec<Run> {
        vec![
            run(
                1,
                4,
                300,
                failed("expected one leader, got none", Some("replay 4")),
            ),
            run(0, 1, 10, Outcome::Passed),
            run(1, 1, 50, Outcome::Passed),
            run(0, 2, 30, Outcome::Passed),
            run(
                1,
                2,
                120_000,
                Outcome::Hung {
                    message: "hung: killed after 120s".to_string(),
                },
            ),
            run(0, 3, 20, Outcome::Passed),
            run(1, 3, 50, Outcome::Passed),
            run(0, 4, 20, Outcome::Passed),
        ]
    }

    #[test]
    fn rows_count_runs_and_failures_whatever_order_runs_finished_in() {
        let rows = summarize(&tests(), &session());
        let mut reversed = session();
        reversed.reverse();
        assert_eq!(rows, summarize(&tests(), &reversed));
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].runs, rows[0].failures), (4, 0));
        assert_eq!(rows[1].failing_seeds, [2, 4]);
        assert_eq!(
            rows[1].first_failure.as_deref(),
            Some("hung: killed after 120s")
        );
        assert_eq!(
            (rows[2].runs, rows[2].failing_seeds.clone()),
            (8, vec![2, 4])
        );
    }

    #[test]
    fn the_table_lines_up_its_columns() {
        let table = table(&summarize(&tests(), &session()));
        let expected = "\
test                           runs  failed   rate  mean wall  failing seeds  first failure
election::initial_election_2a     4       0   0.0%      0.02s
election::re_election_2a          4       2  50.0%     30.10s  2, 4           hung: killed after 120s
total                             8       2  25.0%     15.06s  2, 4
";
        assert_eq!(table, expected);
    }

    #[test]
    fn a_row_lists_a_few_seeds_and_counts_the_rest() {
        let runs: Vec<Run> = (1..=5)
            .map(|seed| run(0, seed, 10, failed(&"x".repeat(150), None)))
            .collect();
        let rows = summarize(&tests()[..1], &runs);
        assert_eq!(rows[0].seeds(), "1, 2, 3 and 2 more");
        let twice: Vec<Run> = [0, 1]
            .map(|test| run(test, 9, 10, failed("boom", None)))
            .to_vec();
        let total = &summarize(&tests(), &twice)[2];
        assert_eq!((total.failures, total.failing_seeds.clone()), (2, vec![9]));
        let table = table(&rows);
        assert!(table.contains(&format!("{}…", "x".repeat(99))), "{table}");
    }

    #[test]
    fn replays_are_the_printed_ones_or_made_alike() {
        assert_eq!(
            replays(&tests(), &session(), "sim", "target/stress"),
            [
                "LAB_RUNTIME=sim LAB_SEED=2 cargo test -p tests --test raft \
                 election::re_election_2a -- --exact",
                "replay 4"
            ]
        );
        let many: Vec<Run> = (1..=7)
            .map(|seed| run(0, seed, 10, failed("boom", None)))
            .collect();
        let lines = replays(&tests(), &many, "real", "target/stress");
        assert_eq!(lines.len(), REPLAYS_SHOWN + 1);
        assert!(lines[0].starts_with("LAB_RUNTIME=real LAB_SEED=1 "));
        assert_eq!(
            lines[REPLAYS_SHOWN],
            "(and 2 more failures of election::initial_election_2a: see target/stress)"
        );
    }
}
