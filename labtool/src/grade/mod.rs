//! `lab grade SUBMISSION...`: each submission's student-owned files on a
//! pristine framework, built, every graded test run on the instructor's
//! seeds in a process of its own, scored by a [`rubric`].
//!
//! ```text
//! lab grade --rubric rubric.toml --seeds 20 alice/ bob/ https://example.org/carol.git
//! lab grade --rubric rubric.toml --seed-file secret-seeds.txt --real subs/*
//! lab grade ... --partition 2/4 --out share-2     one of four machines' share of the batch
//! ```
//!
//! For each submission, in `OUT/submissions/<name>/`: `report.json` (its
//! [`Graded`]), `junit.xml`, `build.log` and the logs of its failed runs.
//! For the batch, in `OUT/`: `grade.json` (the [`GradeRecord`] `lab merge`
//! reads), `roster.csv`, and the same table on stdout.
//!
//! The runs are `lab stress`'s: the suite's test binary on one test with
//! `LAB_SEED` set, under a wall-clock limit, judged by the same rules, so
//! a failure replays with the command the report gives. cargo-nextest is
//! not used: a graded unit is a (test, seed) pair rather than a test, the
//! determinism check reads each passing run's trace line, and a run must
//! judge and replay exactly as `lab stress` does; nextest would wrap the
//! same process-per-test model and add an install.

pub mod build;
pub mod determinism;
pub mod junit;
pub mod merge;
pub(crate) mod progress;
pub mod record;
pub mod roster;
pub mod rubric;
pub mod score;
pub mod submission;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::files::Listing;
use crate::handout::{HandoutError, Plan};
use crate::manifest::Owner;
use crate::stress::logs::Logs;
use crate::stress::outcome::Outcome;
use crate::stress::partition::Partition;
use crate::stress::plan::{Job, Test, chosen};
use crate::stress::pool::{Done, Jobs, Work};
use crate::stress::suite::Suite;
use crate::stress::summary;
use crate::stress::{StressError, shown};
use build::Built;
use determinism::{Difference, HUNG, fingerprint};
use progress::Progress;
use record::{BuildRecord, Determinism, FORMAT, GradePlan, GradeRecord, Graded, KIND, PlannedTest};
use rubric::{Rubric, RubricError};
use score::Ran;
use submission::Submission;

/// How to grade a batch.
#[derive(Clone, Debug)]
pub struct Options {
    /// The submissions, as given: directories or git addresses.
    pub submissions: Vec<String>,
    /// The rubric's text.
    pub rubric: String,
    /// The sim seeds every test runs on.
    pub seeds: Vec<u64>,
    /// Whether the seeds are kept from the submissions' own reports.
    pub secret_seeds: bool,
    /// Whether every test also runs once in real time.
    pub real: bool,
    /// Whether each test's first seed runs twice, to see it replays.
    pub check_determinism: bool,
    /// Whether to build with optimizations.
    pub release: bool,
    /// Sim runs at a time.
    pub workers: usize,
    /// Wall-clock limit on one run.
    pub timeout: Duration,
    /// Wall-clock limit on one submission's build.
    pub build_timeout: Duration,
    /// Where the reports go.
    pub out: PathBuf,
    /// The share of the batch to grade.
    pub partition: Partition,
}

/// Why a batch could not be graded.
#[derive(Debug)]
pub enum GradeError {
    /// The rubric cannot be used.
    Rubric(RubricError),
    /// The manifest or the handout's plan cannot be made.
    Handout(HandoutError),
    /// A submission is neither a directory nor a git address.
    NoSubmission {
        /// As given.
        arg: String,
    },
    /// Two submissions have the same name.
    SameName {
        /// The name.
        name: String,
    },
    /// No seed to run on.
    NoSeeds,
    /// The framework's own suites, which list the graded tests, failed.
    Framework(StressError),
    /// A command could not be run at all.
    Spawn {
        /// The command.
        command: String,
        /// Why.
        error: std::io::Error,
    },
    /// A git submission could not be cloned.
    Clone {
        /// Its address.
        address: String,
        /// What git said.
        message: String,
    },
    /// cargo built a suite but named no test binary for it.
    NoExecutable {
        /// The suite.
        suite: String,
    },
    /// A submission's files could not be listed.
    List {
        /// Its directory.
        dir: PathBuf,
        /// Why.
        message: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for GradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GradeError::Rubric(e) => e.fmt(f),
            GradeError::Handout(e) => e.fmt(f),
            GradeError::NoSubmission { arg } => {
                write!(f, "{arg} is neither a directory nor a git address")
            }
            GradeError::SameName { name } => write!(
                f,
                "two submissions are named {name} (the last part of each path or address); \
                 copy or clone them into directories of different names"
            ),
            GradeError::NoSeeds => write!(f, "no seed to grade on"),
            GradeError::Framework(e) => write!(f, "the framework's suites: {e}"),
            GradeError::Spawn { command, error } => write!(f, "cannot run {command}: {error}"),
            GradeError::Clone { address, message } => {
                write!(f, "cannot clone {address}: {message}")
            }
            GradeError::NoExecutable { suite } => {
                write!(f, "cargo built the {suite} suite but named no test binary")
            }
            GradeError::List { dir, message } => {
                write!(f, "cannot list the files of {}: {message}", dir.display())
            }
            GradeError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for GradeError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> GradeError + '_ {
    move |error| GradeError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Hangs after which a test's remaining seeds are not run, and count as
/// failed: one hang may be the seed's, but a test that hangs twice likely
/// hangs on every seed, and each costs the whole wall-clock limit.
const HANGS_TO_STOP: u32 = 2;

/// The runs of a submission, round the tests one seed at a time, but for
/// the tests that have hung [`HANGS_TO_STOP`] times.
struct SeedList<'a> {
    tests: usize,
    seeds: &'a [u64],
    next: usize,
    /// Each test's hangs, as the session's thread counts them.
    hangs: &'a Mutex<Vec<u32>>,
}

impl Jobs for SeedList<'_> {
    fn next_job(&mut self, _now: Instant) -> Option<Job> {
        if self.tests == 0 {
            return None;
        }
        loop {
            let n = self.next;
            let seed = *self.seeds.get(n / self.tests)?;
            self.next += 1;
            let test = n % self.tests;
            let hangs = self.hangs.lock().expect("no holder panics")[test];
            if hangs < HANGS_TO_STOP {
                return Some(Job { test, seed });
            }
        }
    }
}

/// What every submission is graded against: the plan of the handout, the
/// graded tests and their suites.
pub(crate) struct Framework {
    pub(crate) plan: Plan,
    suites: Vec<String>,
    /// The graded tests, each with the index of its suite.
    tests: Vec<(Test, usize)>,
    pub(crate) planned: Vec<PlannedTest>,
}

/// Grades the share of the batch, writes its reports, prints its table,
/// and returns its record.
pub fn grade(root: &Path, options: &Options) -> Result<GradeRecord, GradeError> {
    let rubric = Rubric::parse(&options.rubric).map_err(GradeError::Rubric)?;
    if options.seeds.is_empty() {
        return Err(GradeError::NoSeeds);
    }
    let mut submissions = options
        .submissions
        .iter()
        .map(|arg| Submission::parse(arg))
        .collect::<Result<Vec<_>, _>>()?;
    submissions.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = submissions.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(GradeError::SameName {
            name: pair[0].name.clone(),
        });
    }
    let framework = framework(root, &rubric, Listing::Tracked)?;
    let plan = GradePlan {
        rubric: rubric.clone(),
        tests: framework.planned.clone(),
        seeds: options.seeds.clone(),
        secret_seeds: options.secret_seeds,
        real: options.real,
        release: options.release,
        check_determinism: options.check_determinism,
        timeout_secs: options.timeout.as_secs(),
        build_timeout_secs: options.build_timeout.as_secs(),
        submissions: submissions.iter().map(|s| s.name.clone()).collect(),
    };
    let share: Vec<&Submission> = submissions
        .iter()
        .enumerate()
        .filter(|(i, _)| options.partition.takes(*i as u64))
        .map(|(_, s)| s)
        .collect();
    std::fs::create_dir_all(&options.out).map_err(io(&options.out))?;
    let out = std::path::absolute(&options.out).map_err(io(&options.out))?;
    println!("{}", header(&plan, options, share.len()));
    // Every seed, the first again, and the real pass.
    let again = usize::from(options.check_determinism) + usize::from(options.real);
    let runs_each = framework.tests.len() * (options.seeds.len() + again);
    let progress = Progress::new(share.len() as u64);
    let mut graded = Vec::new();
    for submission in share {
        progress.start(&submission.name, runs_each as u64);
        let one = grade_one(submission, &framework, &rubric, options, &out, &progress)?;
        write_reports(&out, &one, options.secret_seeds)?;
        progress.finished(&one);
        graded.push(one);
    }
    progress.clear();
    let record = GradeRecord {
        kind: KIND.to_string(),
        format: FORMAT,
        plan,
        partition: options.partition,
        submissions: graded,
    };
    write_batch(&out, &record)?;
    print!("\n{}", roster::table(&record));
    println!(
        "\nlab grade: {} graded; reports in {}",
        record.submissions.len(),
        shown(root, &out)
    );
    Ok(record)
}

/// Builds the framework's own suites of the rubric's labs, lists their
/// tests, and weighs them: a rubric that cannot be met is refused before
/// any submission is built. The framework is the repository's tracked
/// files, or with `Listing::WithNew` its new files too (for a maintainer
/// trying out tests not yet committed).
pub(crate) fn framework(
    root: &Path,
    rubric: &Rubric,
    listing: Listing,
) -> Result<Framework, GradeError> {
    let plan = match listing {
        Listing::Tracked => Plan::tracked(root),
        Listing::WithNew => Plan::new(root),
    }
    .map_err(GradeError::Handout)?;
    let graded_part = |part: &String| {
        rubric.parts.keys().any(|p| p.eq_ignore_ascii_case(part))
            || rubric
                .tests
                .keys()
                .any(|name| chosen(name, std::slice::from_ref(part), &[]))
    };
    let labs: Vec<_> = plan
        .manifest
        .labs
        .iter()
        .filter(|lab| lab.parts.iter().any(graded_part))
        .collect();
    let mut suites = Vec::new();
    let mut listed: Vec<(Test, usize)> = Vec::new();
    for lab in &labs {
        let suite = Suite::build(root, &lab.suite, None).map_err(GradeError::Framework)?;
        for name in suite.list().map_err(GradeError::Framework)? {
            listed.push((
                Test {
                    suite: lab.suite.clone(),
                    name,
                },
                suites.len(),
            ));
        }
        suites.push(lab.suite.clone());
    }
    let names: Vec<String> = listed.iter().map(|(t, _)| t.name.clone()).collect();
    let weighted = rubric.weigh(&names).map_err(GradeError::Rubric)?;
    let mut tests = Vec::new();
    let mut planned = Vec::new();
    for w in weighted {
        let (test, suite) = listed
            .iter()
            .find(|(t, _)| t.name == w.test)
            .expect("a weighed test is a listed one")
            .clone();
        planned.push(PlannedTest {
            suite: test.suite.clone(),
            name: test.name.clone(),
            part: w.part,
            points: w.points,
        });
        tests.push((test, suite));
    }
    Ok(Framework {
        plan,
        suites,
        tests,
        planned,
    })
}

/// Grades one submission. Only the batch's own failures (its output
/// cannot be written) are errors; whatever the submission does is its
/// grade.
pub(crate) fn grade_one(
    submission: &Submission,
    framework: &Framework,
    rubric: &Rubric,
    options: &Options,
    out: &Path,
    progress: &Progress,
) -> Result<Graded, GradeError> {
    let dir = out.join("submissions").join(&submission.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let work = out.join("work").join(&submission.name);
    std::fs::create_dir_all(&work).map_err(io(&work))?;
    let source = match &submission.source {
        submission::Source::Dir(path) => path.display().to_string(),
        submission::Source::Git(address) => address.clone(),
    };
    let mut graded = Graded {
        name: submission.name.clone(),
        source,
        score: 0.0,
        max: 0.0,
        parts: Vec::new(),
        build: BuildRecord {
            ok: false,
            timed_out: false,
            wall_ms: 0,
            errors: None,
        },
        ignored: Vec::new(),
        from_handout: Vec::new(),
        tests: Vec::new(),
        determinism: Determinism::default(),
        error: None,
    };
    let mut ran = Vec::new();
    let assembled = submission
        .fetch(&work)
        .and_then(|files| submission::assemble(&framework.plan, &files, &work.join("tree")));
    match assembled {
        Err(
            error @ (GradeError::Clone { .. } | GradeError::List { .. } | GradeError::Io { .. }),
        ) => {
            graded.error = Some(error.to_string());
        }
        Err(error) => return Err(error),
        Ok(tree) => {
            graded.ignored = tree.ignored.clone();
            graded.from_handout = tree
                .from_handout
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let build = build::build(
                &tree.root,
                &framework.suites,
                &out.join("target"),
                options.release,
                options.build_timeout,
            )?;
            let log = dir.join("build.log");
            std::fs::write(&log, &build.log).map_err(io(&log))?;
            graded.build.wall_ms = build.wall.as_millis() as u64;
            match build.built {
                Built::Failed { errors, timed_out } => {
                    graded.build.errors = Some(errors);
                    graded.build.timed_out = timed_out;
                }
                Built::Suites(suites) => {
                    graded.build.ok = true;
                    let pinned = suites
                        .iter()
                        .map(|s| s.pinned(&work.join("bin")))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(GradeError::Framework)?;
                    // Logs name their seeds: secret seeds keep them out of
                    // the submission's own directory.
                    let logs = if options.secret_seeds {
                        out.join("secret-logs").join(&submission.name)
                    } else {
                        dir.join("logs")
                    };
                    let _ = std::fs::remove_dir_all(&logs);
                    let runner = Runner {
                        framework,
                        suites: &pinned,
                        options,
                        out,
                        logs: &logs,
                        progress,
                    };
                    let (runs, determinism) = runner.run_all()?;
                    ran = runs;
                    graded.determinism = determinism;
                    if !graded.determinism.replays() {
                        let student: Vec<&PathBuf> = tree
                            .copied
                            .iter()
                            .filter(|p| framework.plan.manifest.owner_of(p) == Some(Owner::Student))
                            .collect();
                        graded.determinism.suspects = determinism::suspects(&tree.root, &student);
                    }
                }
            }
        }
    }
    let scored = score::score(rubric, &framework.planned, &ran);
    graded.score = scored.score;
    graded.max = scored.max;
    graded.parts = scored.parts;
    graded.tests = scored.tests;
    Ok(graded)
}

/// Runs a built submission's tests.
struct Runner<'a> {
    framework: &'a Framework,
    suites: &'a [Suite],
    options: &'a Options,
    out: &'a Path,
    /// Where the logs of failed runs go, a directory per pass.
    logs: &'a Path,
    progress: &'a Progress,
}

impl Runner<'_> {
    /// Every test on every seed in sim, the first seed again for the
    /// determinism check, and once in real time if asked.
    fn run_all(&self) -> Result<(Vec<Ran>, Determinism), GradeError> {
        let seeds = &self.options.seeds;
        let tests = self.framework.tests.len();
        let hangs = Mutex::new(vec![0; tests]);
        let mut ran = Vec::new();
        let mut firsts = Vec::new();
        self.pass(
            ("sim", "sim"),
            seeds,
            self.options.workers,
            &hangs,
            |done, ran_one| {
                if done.run.job.seed == seeds[0] {
                    firsts.push((
                        done.run.job.test,
                        fingerprint(&done.run.outcome, &done.output),
                    ));
                }
                ran.push(ran_one);
            },
        )?;
        let not_run = self.not_run(&ran, &hangs.into_inner().expect("no holder panics"));
        ran.extend(not_run);
        // A first run that hung is not tried again: it would cost the
        // limit once more, and a hang shows no trace to compare.
        let rerun_skips: Vec<u32> = (0..tests)
            .map(|test| {
                let hung = firsts.iter().any(|(t, f)| *t == test && f == HUNG);
                if hung { HANGS_TO_STOP } else { 0 }
            })
            .collect();
        let mut determinism = Determinism::default();
        let rerun: &[u64] = if self.options.check_determinism {
            &seeds[..1]
        } else {
            &[]
        };
        let rerun_hangs = Mutex::new(rerun_skips);
        self.pass(
            ("sim", "rerun"),
            rerun,
            self.options.workers,
            &rerun_hangs,
            |done, _| {
                let first = firsts
                    .iter()
                    .find(|(test, _)| *test == done.run.job.test)
                    .map(|(_, f)| f.clone())
                    .unwrap_or_default();
                let second = fingerprint(&done.run.outcome, &done.output);
                determinism.checked += 1;
                if first != second {
                    determinism.differences.push(Difference {
                        test: self.framework.tests[done.run.job.test].0.name.clone(),
                        seed: Some(done.run.job.seed),
                        first,
                        second,
                    });
                }
            },
        )?;
        determinism.differences.sort_by(|a, b| a.test.cmp(&b.test));
        if self.options.real {
            let real_hangs = Mutex::new(vec![0; tests]);
            self.pass(
                ("real", "real"),
                &seeds[..1],
                1,
                &real_hangs,
                |_, ran_one| ran.push(ran_one),
            )?;
        }
        ran.sort_by_key(|r| (r.test, r.mode, r.seed));
        Ok((ran, determinism))
    }

    /// The sim runs not made of the tests that hung [`HANGS_TO_STOP`]
    /// times, `hangs` by test, each counted as failed.
    fn not_run(&self, ran: &[Ran], hangs: &[u32]) -> Vec<Ran> {
        let mut skipped = Vec::new();
        for (test, _) in hangs
            .iter()
            .enumerate()
            .filter(|(_, h)| **h >= HANGS_TO_STOP)
        {
            for &seed in &self.options.seeds {
                if ran.iter().any(|r| r.test == test && r.seed == seed) {
                    continue;
                }
                let outcome = Outcome::Failed {
                    message: format!("not run: the test hung on {HANGS_TO_STOP} earlier seeds"),
                    replay: None,
                };
                self.progress.ran(&outcome);
                skipped.push(Ran {
                    test,
                    mode: "sim",
                    seed,
                    outcome,
                    wall_ms: 0,
                    log: None,
                    replay: None,
                    not_run: true,
                });
            }
        }
        skipped
    }

    /// One pass, `name`d for its logs' directory, of every test over `seeds`
    /// on `runtime`, `workers` runs at
    /// a time, but for the tests that have hung too often by `hangs`
    /// (which it counts), handing each finished run to `each` with its log
    /// kept if it failed.
    fn pass(
        &self,
        (runtime, name): (&'static str, &str),
        seeds: &[u64],
        workers: usize,
        hangs: &Mutex<Vec<u32>>,
        mut each: impl FnMut(&Done, Ran),
    ) -> Result<(), GradeError> {
        let work = Work {
            suites: self.suites,
            tests: &self.framework.tests,
            runtime,
            timeout: self.options.timeout,
            workers,
            replay_logs: false,
        };
        let logs = Logs {
            dir: self.logs.join(name),
        };
        let jobs = SeedList {
            tests: self.framework.tests.len(),
            seeds,
            next: 0,
            hangs,
        };
        work.run(
            jobs,
            |done| {
                self.progress.ran(&done.run.outcome);
                if matches!(done.run.outcome, Outcome::Hung { .. }) {
                    hangs.lock().expect("no holder panics")[done.run.job.test] += 1;
                }
                let test = &self.framework.tests[done.run.job.test].0;
                let (log, replay) = if done.run.outcome.is_failure() {
                    logs.write(&test.name, &done)?;
                    let file = logs.dir.join(crate::stress::logs::file_name(
                        &test.name,
                        done.run.job.seed,
                    ));
                    let replay = summary::replay(test, &done.run, runtime);
                    (Some(shown(self.out, &file)), Some(replay))
                } else {
                    (None, None)
                };
                let ran_one = Ran {
                    test: done.run.job.test,
                    mode: runtime,
                    seed: done.run.job.seed,
                    outcome: done.run.outcome.clone(),
                    wall_ms: done.run.wall.as_millis() as u64,
                    log,
                    replay,
                    not_run: false,
                };
                each(&done, ran_one);
                Ok(())
            },
            || {},
        )
        .map_err(GradeError::Framework)
    }
}

/// A submission's own reports: `report.json` and `junit.xml`.
fn write_reports(out: &Path, graded: &Graded, secret_seeds: bool) -> Result<(), GradeError> {
    let dir = out.join("submissions").join(&graded.name);
    let own = graded.for_student(secret_seeds);
    let json = dir.join("report.json");
    let text = serde_json::to_string_pretty(&own).expect("a grade always serializes") + "\n";
    std::fs::write(&json, text).map_err(io(&json))?;
    let junit = dir.join("junit.xml");
    std::fs::write(&junit, junit::render(&own)).map_err(io(&junit))
}

/// The batch's `grade.json` and `roster.csv`.
pub fn write_batch(out: &Path, record: &GradeRecord) -> Result<(), GradeError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let json = out.join("grade.json");
    std::fs::write(&json, record.to_json()).map_err(io(&json))?;
    let csv = out.join("roster.csv");
    std::fs::write(&csv, roster::csv(record)).map_err(io(&csv))
}

fn header(plan: &GradePlan, options: &Options, share: usize) -> String {
    let seeds = if plan.secret_seeds {
        format!("{} secret seeds", plan.seeds.len())
    } else {
        match plan.seeds[..] {
            [one] => format!("seed {one}"),
            _ => format!("{} seeds", plan.seeds.len()),
        }
    };
    let real = if plan.real {
        ", then once in real time"
    } else {
        ""
    };
    let partition = options.partition;
    let share = if partition.is_whole() {
        String::new()
    } else {
        format!(
            " (share {partition}: {share} of {})",
            plan.submissions.len()
        )
    };
    let submissions = match plan.submissions.len() {
        1 => "1 submission".to_string(),
        n => format!("{n} submissions"),
    };
    format!(
        "lab grade: {submissions}{share}, {} tests on {seeds}{real}; {}s wall limit per run",
        plan.tests.len(),
        options.timeout.as_secs()
    )
}
