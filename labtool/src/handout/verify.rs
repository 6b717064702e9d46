//! `lab handout OUT --verify`: the handout builds without a warning, and
//! every test of the chosen parts fails there, in time, saying which
//! unwritten pieces it reached.
//!
//! Each test runs in a process of its own with a wall-clock limit, so a
//! test that hangs is caught and named rather than waited on.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::manifest::Manifest;
use crate::process::{self, ENV_SEEDS};
use crate::report::Report;
use crate::stress::StressError;
use crate::stress::plan::chosen;
use crate::stress::suite::Suite;

/// The seed every handout test runs with: any seed must fail alike.
const SEED: u64 = 1;

/// The harness's time limit on a test, on the run's clock.
const TIME_LIMIT_SECS: f64 = 120.0;

/// How to verify a handout.
#[derive(Clone, Debug)]
pub struct Options {
    /// The parts whose tests must all fail, e.g. `2A`.
    pub parts: Vec<String>,
    /// Cargo's target directory for the handout's build.
    pub target_dir: PathBuf,
    /// Wall-clock limit on one test's process.
    pub test_wall_limit: Duration,
}

/// What one test of the handout did.
#[derive(Clone, Debug)]
pub struct TestRun {
    /// Its full name, e.g. `election::initial_election_2a`.
    pub name: String,
    /// Wall time of its process.
    pub wall: Duration,
    /// How it ended.
    pub outcome: Outcome,
}

/// How a handout test ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// As it should: it failed in time, naming the stubs it reached.
    FailedAsExpected {
        /// Run-clock seconds at the failure.
        at_secs: f64,
        /// The stubs' names, as the report lists them.
        unimplemented: String,
    },
    /// It passed: a stub does too much, or the test checks too little.
    Passed,
    /// It failed without naming any unwritten piece.
    Unnamed {
        /// The end of its output.
        tail: String,
    },
    /// It failed later than the time limit allows.
    TooLate {
        /// Run-clock seconds at the failure.
        at_secs: f64,
    },
    /// It ran past the wall-clock limit and was killed.
    Hung,
}

impl Outcome {
    /// Whether this is what a handout test must do.
    pub fn is_expected(&self) -> bool {
        matches!(self, Outcome::FailedAsExpected { .. })
    }
}

impl fmt::Display for TestRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wall = self.wall.as_secs_f64();
        match &self.outcome {
            Outcome::FailedAsExpected {
                at_secs,
                unimplemented,
            } => write!(
                f,
                "{:<52} fails at {at_secs:6.1}s ({wall:.1}s wall): {unimplemented}",
                self.name
            ),
            Outcome::Passed => write!(f, "{:<52} PASSES, but it must fail", self.name),
            Outcome::Unnamed { tail } => write!(
                f,
                "{:<52} fails without naming what is unimplemented:\n{tail}",
                self.name
            ),
            Outcome::TooLate { at_secs } => write!(
                f,
                "{:<52} fails only at {at_secs:.1}s, past the {TIME_LIMIT_SECS}s limit",
                self.name
            ),
            Outcome::Hung => write!(f, "{:<52} HANGS: killed after {wall:.0}s", self.name),
        }
    }
}

/// What the verification found.
#[derive(Clone, Debug)]
pub struct Verified {
    /// Wall time of the handout's build.
    pub build: Duration,
    /// Every test run, part by part.
    pub tests: Vec<TestRun>,
}

/// Why a handout failed verification before its tests could judge it.
#[derive(Debug)]
pub enum VerifyError {
    /// A command could not be run at all.
    Spawn {
        /// The command.
        command: String,
        /// Why.
        error: std::io::Error,
    },
    /// The handout does not build, or builds with warnings.
    Build {
        /// What cargo said.
        output: String,
    },
    /// A part is not in the manifest.
    UnknownPart {
        /// The part asked for.
        part: String,
    },
    /// A suite could not be built or listed.
    Suite(StressError),
    /// A part has no tests.
    NoTests {
        /// The part.
        part: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Spawn { command, error } => write!(f, "cannot run {command}: {error}"),
            VerifyError::Build { output } => {
                write!(f, "the handout does not build cleanly:\n{output}")
            }
            VerifyError::UnknownPart { part } => {
                write!(f, "part {part} is in no lab of the manifest")
            }
            VerifyError::Suite(error) => error.fmt(f),
            VerifyError::NoTests { part } => write!(f, "part {part} has no tests to run"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Builds the handout at `out` and runs every test of `options.parts`.
pub fn verify(out: &Path, manifest: &Manifest, options: &Options) -> Result<Verified, VerifyError> {
    let started = Instant::now();
    build(out, options)?;
    let build = started.elapsed();
    let mut tests = Vec::new();
    for part in &options.parts {
        let lab = manifest
            .lab_of_part(part)
            .ok_or_else(|| VerifyError::UnknownPart { part: part.clone() })?;
        let suite =
            Suite::build(out, &lab.suite, Some(&options.target_dir)).map_err(VerifyError::Suite)?;
        let names: Vec<String> = suite
            .list()
            .map_err(VerifyError::Suite)?
            .into_iter()
            .filter(|name| chosen(name, std::slice::from_ref(part), &[]))
            .collect();
        if names.is_empty() {
            return Err(VerifyError::NoTests { part: part.clone() });
        }
        for name in names {
            let run = run_test(&suite, options, &name)?;
            println!("  {run}");
            tests.push(run);
        }
    }
    Ok(Verified { build, tests })
}

/// Builds every target of the student-facing crates; any warning fails.
fn build(out: &Path, options: &Options) -> Result<(), VerifyError> {
    let mut command = process::cargo();
    command
        .current_dir(out)
        .env("CARGO_TARGET_DIR", &options.target_dir)
        .env_remove(ENV_SEEDS)
        .env_remove("RUSTFLAGS")
        .args(["build", "--all-targets", "--message-format=short"]);
    let output = command.output().map_err(|error| VerifyError::Spawn {
        command: "cargo build".to_string(),
        error,
    })?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let warnings = stderr.lines().any(|l| l.contains("warning:"));
    if !output.status.success() || warnings {
        return Err(VerifyError::Build { output: stderr });
    }
    Ok(())
}

/// Runs test `name` of `suite` alone, in sim, under the wall-clock limit.
fn run_test(suite: &Suite, options: &Options, name: &str) -> Result<TestRun, VerifyError> {
    let mut command = suite.command(name, "sim", SEED);
    let finished = process::run(&mut command, options.test_wall_limit).map_err(|error| {
        VerifyError::Spawn {
            command: format!("{} {name}", suite.binary.display()),
            error,
        }
    })?;
    let outcome = match finished.status {
        None => Outcome::Hung,
        Some(status) => judge(status, &finished.output()),
    };
    Ok(TestRun {
        name: name.to_string(),
        wall: finished.wall,
        outcome,
    })
}

/// What a finished test's status and output say.
fn judge(status: ExitStatus, output: &str) -> Outcome {
    if status.success() {
        return Outcome::Passed;
    }
    let report = Report::parse(output);
    let Some(unimplemented) = report.unimplemented else {
        return Outcome::Unnamed {
            tail: tail(output, 15),
        };
    };
    let at_secs = report.clock_secs.unwrap_or(f64::NAN);
    if at_secs.is_nan() || at_secs > TIME_LIMIT_SECS {
        return Outcome::TooLate { at_secs };
    }
    Outcome::FailedAsExpected {
        at_secs,
        unimplemented,
    }
}

fn tail(output: &str, lines: usize) -> String {
    let all: Vec<&str> = output.lines().collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    fn failed() -> ExitStatus {
        ExitStatus::from_raw(101 << 8)
    }

    #[test]
    fn a_named_failure_in_time_is_what_a_handout_test_must_do() {
        let output = "labrt: thread 'main' panicked: expected one leader, got none\n  \
                      unimplemented, reached in this run: raft::make, Raft::get_state\n  \
                      sim seed 1, virtual time 5.012s\n";
        assert_eq!(
            judge(failed(), output),
            Outcome::FailedAsExpected {
                at_secs: 5.012,
                unimplemented: "raft::make, Raft::get_state".to_string()
            }
        );
    }

    #[test]
    fn passing_unnamed_and_late_failures_are_not() {
        assert_eq!(judge(ExitStatus::from_raw(0), ""), Outcome::Passed);
        assert!(matches!(
            judge(failed(), "boom\n  sim seed 1, virtual time 5.0s"),
            Outcome::Unnamed { .. }
        ));
        let late =
            "  unimplemented, reached in this run: Clerk::get\n  sim seed 1, virtual time 130.5s";
        assert_eq!(judge(failed(), late), Outcome::TooLate { at_secs: 130.5 });
    }
}
