//! How one run of a test ended, read from its exit status and output.

use std::process::ExitStatus;
use std::time::Duration;

use crate::report::{Report, plain_panic};

/// What libtest prints when the one test a run asked for passed.
const LIBTEST_PASSED: &str = "test result: ok. 1 passed";

/// How one run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The test passed.
    Passed,
    /// The test failed.
    Failed {
        /// What went wrong, in a line: `expected one leader, got none`.
        message: String,
        /// The replay command its report printed, if it printed one.
        replay: Option<String>,
    },
    /// It ran past the wall-clock limit and was killed.
    Hung {
        /// How long it ran, and what labrt said of it, if anything.
        message: String,
    },
}

impl Outcome {
    /// Whether the run failed or hung.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Outcome::Passed)
    }

    /// What went wrong, unless the run passed.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Passed => None,
            Outcome::Failed { message, .. } | Outcome::Hung { message } => Some(message),
        }
    }
}

/// What a run that ended with `status` (`None`: killed after `wall`) and
/// printed `output` did.
pub fn judge(status: Option<ExitStatus>, output: &str, wall: Duration) -> Outcome {
    let Some(status) = status else {
        // What labrt printed last, if anything: a real run may say why.
        let said = output
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with("labrt: "));
        let killed = format!("hung: killed after {:.0}s", wall.as_secs_f64());
        return Outcome::Hung {
            message: match said {
                Some(said) => format!("{killed}; {said}"),
                None => killed,
            },
        };
    };
    if status.success() {
        // Code under test can end the process with status 0 itself
        // (`std::process::exit(0)`): only the test harness's own verdict
        // counts.
        if output.contains(LIBTEST_PASSED) {
            return Outcome::Passed;
        }
        return Outcome::Failed {
            message: "the test process exited with status 0 before its test ended \
                      (a call of std::process::exit?)"
                .to_string(),
            replay: None,
        };
    }
    let report = Report::parse(output);
    let message = report
        .message
        .or_else(|| plain_panic(output))
        .or_else(|| {
            // The suite stops with `error: …` on a bad LAB_* variable.
            output
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("error: "))
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("no failure message; {status}"));
    Outcome::Failed {
        message,
        replay: report.replay,
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    fn exit(code: i32) -> Option<ExitStatus> {
        Some(ExitStatus::from_raw(code << 8))
    }

    const WALL: Duration = Duration::from_millis(1500);

    /// A failing run of the handout, as `lab stress` captured it: stdout,
    /// then stderr (backtraces cut).
    const FAILED_RUN: &str = include_str!("../../testdata/handout-re_election_2a-seed-2.txt");

    #[test]
    fn a_failed_run_gives_the_reports_message_and_replay() {
        assert_eq!(
            judge(exit(101), FAILED_RUN, WALL),
            Outcome::Failed {
                message: "expected one leader, got none".to_string(),
                replay: Some(
                    "LAB_RUNTIME=sim LAB_SEED=2 cargo test -p tests --test raft \
                     election::re_election_2a -- --exact"
                        .to_string()
                ),
            }
        );
    }

    #[test]
    fn without_a_report_the_panic_the_error_or_the_status_says_it() {
        let message = |output: &str| judge(exit(101), output, WALL).message().map(String::from);
        let plain = "thread 'x' (1) panicked at tests/tests/raft/a.rs:3:5:\nboom\n";
        assert_eq!(message(plain).as_deref(), Some("boom"));
        let env = "\nerror: LAB_SEED=\"x\" is not a seed\n";
        assert_eq!(
            message(env).as_deref(),
            Some("error: LAB_SEED=\"x\" is not a seed")
        );
        let signalled = judge(Some(ExitStatus::from_raw(9)), "", WALL);
        assert!(
            signalled.message().unwrap().contains("signal: 9"),
            "{signalled:?}"
        );
    }

    #[test]
    fn passed_and_hung_runs() {
        let passed = "test x ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n";
        assert_eq!(judge(exit(0), passed, WALL), Outcome::Passed);
        let exited = judge(exit(0), "Test (2A): initial election ...\n", WALL);
        assert!(
            exited.message().unwrap().contains("exited with status 0"),
            "{exited:?}"
        );
        assert_eq!(
            judge(None, "Test (2A): initial election ...\n", WALL),
            Outcome::Hung {
                message: "hung: killed after 2s".to_string()
            }
        );
        let watched = "labrt: the simulated run with seed 3 has made no labrt call for 10s\n";
        let hung = judge(None, watched, WALL);
        assert!(hung.is_failure());
        assert_eq!(
            hung.message(),
            Some(
                "hung: killed after 2s; labrt: the simulated run with seed 3 has made no labrt \
                 call for 10s"
            )
        );
    }
}
