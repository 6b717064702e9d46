//! `lab stress`: chosen tests on many seeds, each run a process of its own,
//! several at a time, ending with a table of failures and the commands
//! that replay them.
//!
//! ```text
//! lab stress --part 2A --seeds 500          every 2A test on 500 seeds
//! lab stress re_election --duration 10m     tests named like it, round the seeds for 10 minutes
//! lab stress --part 2C --first-seed 1 -j 4  seeds 1 to 100, four runs at a time
//! lab stress --part 2B --real --seeds 20    in real time, one run at a time
//! lab stress --part 2B --seeds 500 --first-seed 1 --partition 1/2 --json share-1.json
//!                                           half the runs, and their results as JSON
//! lab merge share-1.json share-2.json       the table of both halves
//! ```
//!
//! The suites are built once with cargo; then each run is the suite's
//! test binary on one test (`--exact --nocapture`) with `LAB_SEED` set,
//! under a wall-clock limit past which it is killed and counted as a hang.
//! The output of every failed run is kept under `target/stress/`.
//! [`partition`] decides a share of the runs, [`record`] is the JSON
//! format, and [`merge`] makes one table of the shares' records.

pub mod logs;
pub mod merge;
pub mod outcome;
pub mod partition;
pub mod plan;
pub mod pool;
pub(crate) mod progress;
pub mod record;
pub mod suite;
pub mod summary;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::manifest::{Manifest, ManifestError};
use logs::Logs;
use partition::Partition;
use plan::{JobSource, Limit, Test, chosen};
use pool::{Done, Work};
use progress::Progress;
use record::{PlanRecord, Record};
use suite::Suite;
use summary::{Run, report, summarize};

/// What to stress, and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Name filters: a test is chosen if its name holds one (all, if none).
    pub filters: Vec<String>,
    /// Parts, e.g. `2A`: a test is chosen if it is of one (all, if none).
    pub parts: Vec<String>,
    /// How many runs.
    pub limit: Limit,
    /// Each test's first seed.
    pub first_seed: u64,
    /// Runs at a time.
    pub workers: usize,
    /// Real time instead of sim.
    pub real: bool,
    /// Wall-clock limit on one run.
    pub timeout: Duration,
    /// The share of the plan to run.
    pub partition: Partition,
    /// Where to write the session's [`Record`] as JSON, if anywhere.
    pub json: Option<PathBuf>,
}

/// What a session found.
#[derive(Clone, Debug)]
pub struct Stressed {
    /// Runs made.
    pub runs: u64,
    /// Runs that failed or hung.
    pub failures: u64,
}

/// Why a stress session could not run.
#[derive(Debug)]
pub enum StressError {
    /// The manifest is missing or wrong.
    Manifest(ManifestError),
    /// A part is not in the manifest.
    UnknownPart {
        /// The part asked for.
        part: String,
    },
    /// A command could not be run at all.
    Spawn {
        /// The command.
        command: String,
        /// Why.
        error: std::io::Error,
    },
    /// A suite does not build; cargo has said why.
    Build {
        /// The suite.
        suite: String,
    },
    /// cargo built a suite but named no test binary for it.
    NoExecutable {
        /// The suite.
        suite: String,
    },
    /// A suite's binary could not list its tests.
    List {
        /// The suite.
        suite: String,
        /// What it printed.
        output: String,
    },
    /// No test is of the parts and matches the filters.
    NoTests {
        /// The suites searched.
        suites: Vec<String>,
    },
    /// The session's own link to a test binary could not be made.
    Pin {
        /// The link.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A failed run's log could not be written.
    Log {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The session's record could not be written.
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for StressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StressError::Manifest(e) => e.fmt(f),
            StressError::UnknownPart { part } => {
                write!(f, "part {part} is in no lab of the manifest")
            }
            StressError::Spawn { command, error } => write!(f, "cannot run {command}: {error}"),
            StressError::Build { suite } => write!(f, "the {suite} suite does not build"),
            StressError::NoExecutable { suite } => {
                write!(f, "cargo built the {suite} suite but named no test binary")
            }
            StressError::List { suite, output } => {
                write!(f, "the {suite} suite cannot list its tests:\n{output}")
            }
            StressError::NoTests { suites } => write!(
                f,
                "no test of the {} suite matches the parts and filters given",
                suites.join(" and ")
            ),
            StressError::Pin { path, error } => {
                write!(
                    f,
                    "cannot link the test binary to {}: {error}",
                    path.display()
                )
            }
            StressError::Log { path, error } => write!(f, "{}: {error}", path.display()),
            StressError::Record { path, error } => {
                write!(f, "cannot write the record to {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for StressError {}

/// Builds the suites, runs the session (its share of the plan), prints its
/// progress, its table and the replay commands of its failures, and writes
/// its record if asked to.
pub fn stress(root: &Path, options: &Options) -> Result<Stressed, StressError> {
    let manifest = Manifest::load(root).map_err(StressError::Manifest)?;
    let Chosen { suites, tests } = choose(root, &manifest, options)?;
    let runtime = if options.real { "real" } else { "sim" };
    let plan = PlanRecord::new(
        suites.iter().map(|s| s.name.clone()).collect(),
        tests.iter().map(|(t, _)| t.clone()).collect(),
        options.limit,
        options.first_seed,
        runtime,
    );
    let tests = match options.limit {
        // A duration's share is of the tests; a number of seeds' is of
        // the runs, which the source picks.
        Limit::Duration(_) => options
            .partition
            .tests(&plan.tests)
            .into_iter()
            .map(|(index, _)| tests[index].clone())
            .collect(),
        Limit::Seeds(_) => tests,
    };
    let logs = Logs::of(&suites[0]);
    logs.clear(tests.iter().map(|(t, _)| t.name.as_str()));
    let bin = logs.dir.join(format!(".bin-{}", std::process::id()));
    let pinned: Result<Vec<Suite>, StressError> = suites.iter().map(|s| s.pinned(&bin)).collect();
    let result = pinned.and_then(|suites| {
        let work = Work {
            suites: &suites,
            tests: &tests,
            runtime,
            timeout: options.timeout,
            workers: options.workers,
            replay_logs: true,
        };
        session(root, options, &work, &logs)
    });
    let _ = std::fs::remove_dir_all(&bin);
    let (stressed, runs) = result?;
    if let Some(path) = &options.json {
        let names: Vec<Test> = tests.iter().map(|(t, _)| t.clone()).collect();
        let record = Record::new(plan, options.partition, &names, &runs, |test, seed| {
            shown(root, &logs.dir.join(logs::file_name(&test.name, seed)))
        });
        std::fs::write(path, record.to_json()).map_err(|error| StressError::Record {
            path: path.clone(),
            error,
        })?;
    }
    Ok(stressed)
}

/// Runs the session and prints what it found.
fn session(
    root: &Path,
    options: &Options,
    work: &Work,
    logs: &Logs,
) -> Result<(Stressed, Vec<Run>), StressError> {
    let names: Vec<Test> = work.tests.iter().map(|(t, _)| t.clone()).collect();
    let start = Instant::now();
    let source = JobSource::new(
        names.len(),
        options.first_seed,
        options.limit,
        options.partition,
        start,
    );
    println!("{}", header(work, options, &source));
    let duration = match options.limit {
        Limit::Duration(d) => Some(d),
        Limit::Seeds(_) => None,
    };
    let progress = Progress::new(&names, source.per_test(), duration, start);
    let mut runs = Vec::new();
    let result = work.run(
        source,
        |done: Done| {
            progress.finished(&done.run);
            if let Some(message) = done.run.outcome.message() {
                let test = &names[done.run.job.test].name;
                logs.write(test, &done)?;
                let (seed, wall) = (done.run.job.seed, done.run.wall.as_secs_f64());
                progress.note(&format!(
                    "failed: {test} seed {seed} ({wall:.1}s): {message}"
                ));
            }
            runs.push(done.run);
            Ok(())
        },
        || progress.tick(Instant::now()),
    );
    progress.clear();
    result?;
    let dir = shown(root, &logs.dir);
    print!("{}", report(&names, &runs, work.runtime, &dir, None));
    let total = summarize(&names, &runs).pop().expect("a total row");
    println!(
        "\nlab stress: {} in {:.1}s, {} failed",
        count(total.runs, "run"),
        start.elapsed().as_secs_f64(),
        total.failures
    );
    let stressed = Stressed {
        runs: total.runs,
        failures: total.failures,
    };
    Ok((stressed, runs))
}

/// The suites built, and the tests chosen among theirs.
struct Chosen {
    suites: Vec<Suite>,
    /// Each test, with the index of its suite.
    tests: Vec<(Test, usize)>,
}

/// Builds the suites of the labs the parts are of (of every lab, if none)
/// and chooses their tests.
fn choose(root: &Path, manifest: &Manifest, options: &Options) -> Result<Chosen, StressError> {
    for part in &options.parts {
        if manifest.lab_of_part(part).is_none() {
            return Err(StressError::UnknownPart { part: part.clone() });
        }
    }
    let labs: Vec<_> = manifest
        .labs
        .iter()
        .filter(|lab| {
            options.parts.is_empty()
                || options
                    .parts
                    .iter()
                    .any(|part| lab.parts.iter().any(|p| p.eq_ignore_ascii_case(part)))
        })
        .collect();
    let mut found = Chosen {
        suites: Vec::new(),
        tests: Vec::new(),
    };
    for lab in &labs {
        let suite = Suite::build(root, &lab.suite, None)?;
        for name in suite.list()? {
            if chosen(&name, &options.parts, &options.filters) {
                let test = Test {
                    suite: suite.name.clone(),
                    name,
                };
                found.tests.push((test, found.suites.len()));
            }
        }
        found.suites.push(suite);
    }
    if found.tests.is_empty() {
        return Err(StressError::NoTests {
            suites: labs.iter().map(|lab| lab.suite.clone()).collect(),
        });
    }
    Ok(found)
}

fn header(work: &Work, options: &Options, source: &JobSource) -> String {
    let many = match options.limit {
        Limit::Seeds(seeds) => format!("{} each", count(seeds, "seed")),
        Limit::Duration(d) => format!("seeds round the tests for {}", plan::format_duration(d)),
    };
    let partition = options.partition;
    let share = match (partition.is_whole(), source.total()) {
        (true, _) => String::new(),
        (false, Some(runs)) => format!(", share {partition}: {}", count(runs, "run")),
        (false, None) => format!(", share {partition} of the tests"),
    };
    format!(
        "lab stress: {}, {many} from seed {} ({}){share}, {} at a time, {}s wall limit per run",
        count(work.tests.len() as u64, "test"),
        options.first_seed,
        work.runtime,
        count(work.workers as u64, "run"),
        work.timeout.as_secs()
    )
}

/// `1 test`, `2 tests`.
fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `path` relative to the repository's root, if it is inside it.
pub(crate) fn shown(root: &Path, path: &Path) -> String {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}
