//! The workers of a stress session: each takes the next (test, seed) run
//! from the shared source, runs it in a process of its own, and hands the
//! result to the session's thread, which alone prints and keeps results.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::StressError;
use super::outcome::judge;
use super::plan::{Job, JobSource, Test};
use super::suite::Suite;
use super::summary::Run;
use crate::process;

/// How often a waiting session's thread wakes up to move the clock bar.
const TICK: Duration = Duration::from_millis(250);

/// Issues the runs of a session, one at a time, to whichever worker asks.
pub trait Jobs: Send {
    /// The next run, or `None` when there is none left at `now`.
    fn next_job(&mut self, now: Instant) -> Option<Job>;
}

impl Jobs for JobSource {
    fn next_job(&mut self, now: Instant) -> Option<Job> {
        JobSource::next_job(self, now)
    }
}

/// What the workers run.
pub struct Work<'a> {
    /// The suites, built.
    pub suites: &'a [Suite],
    /// The tests, and for each the index of its suite.
    pub tests: &'a [(Test, usize)],
    /// `sim` or `real`.
    pub runtime: &'a str,
    /// Wall-clock limit on one run.
    pub timeout: Duration,
    /// How many runs at a time.
    pub workers: usize,
    /// Whether a failing sim run is replayed with every event logged, as
    /// the suites do by default: for a student's stress runs, yes; for a
    /// grade, no, since thousands of failing runs of a broken submission
    /// would take twice the time and fill the disk with logs.
    pub replay_logs: bool,
}

/// A finished run, with the output of its process.
pub struct Done {
    /// The run.
    pub run: Run,
    /// Its stdout, then its stderr, under headings.
    pub output: String,
}

impl Work<'_> {
    /// Runs every job `source` issues, calling `done` on the session's
    /// thread for each as it finishes, and `tick` every so often between.
    /// Stops issuing runs at the first error, `done`'s or a worker's, and
    /// returns it once the runs in flight have finished.
    pub fn run(
        &self,
        source: impl Jobs,
        mut done: impl FnMut(Done) -> Result<(), StressError>,
        mut tick: impl FnMut(),
    ) -> Result<(), StressError> {
        let source = Mutex::new(source);
        let stop = AtomicBool::new(false);
        let (results, finished) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..self.workers.max(1) {
                let results = results.clone();
                let (source, stop) = (&source, &stop);
                scope.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let job = source
                            .lock()
                            .expect("next_job never panics, so the lock is never poisoned")
                            .next_job(Instant::now());
                        let Some(job) = job else { break };
                        if results.send(self.one(job)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(results);
            let mut first_error = None;
            loop {
                match finished.recv_timeout(TICK) {
                    Ok(result) => {
                        if let Err(error) = result.and_then(&mut done) {
                            stop.store(true, Ordering::Relaxed);
                            first_error.get_or_insert(error);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => tick(),
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            first_error.map_or(Ok(()), Err)
        })
    }

    /// Runs one job and judges it.
    fn one(&self, job: Job) -> Result<Done, StressError> {
        let (test, suite) = &self.tests[job.test];
        let suite = &self.suites[*suite];
        let mut command = suite.command(&test.name, self.runtime, job.seed);
        if !self.replay_logs {
            command.env(process::ENV_REPLAY_LOG, "off");
        }
        let finished =
            process::run(&mut command, self.timeout).map_err(|error| StressError::Spawn {
                command: format!("{} {}", suite.binary.display(), test.name),
                error,
            })?;
        let outcome = judge(finished.status, &finished.output(), finished.wall);
        let output = format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            finished.stdout, finished.stderr
        );
        Ok(Done {
            run: Run {
                job,
                wall: finished.wall,
                outcome,
            },
            output,
        })
    }
}
