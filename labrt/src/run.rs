//! The entry point of every run: configuration from the environment, the run
//! itself, and what it reports.

use std::any::Any;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::Once;
use std::time::Duration;

use crate::{real, sim};

/// Environment variable choosing the backend: `sim` (default) or `real`.
pub const ENV_RUNTIME: &str = "LAB_RUNTIME";
/// Environment variable fixing the seed (a `u64`); fresh when unset.
pub const ENV_SEED: &str = "LAB_SEED";

/// Which implementation of the runtime a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// OS threads and the real clock: the classic course experience.
    Real,
    /// One simulated thread at a time, seeded scheduling, virtual time.
    Sim,
}

impl Backend {
    /// The name used in `LAB_RUNTIME`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Real => "real",
            Backend::Sim => "sim",
        }
    }
}

/// How to run: the backend and the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The backend.
    pub backend: Backend,
    /// The seed of the scheduler (sim) and of [`crate::rand`] (both).
    pub seed: u64,
}

/// What a successful run reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// The backend that ran.
    pub backend: Backend,
    /// The seed it ran with.
    pub seed: u64,
    /// Time from start to end on the run's clock: virtual in sim.
    pub elapsed: Duration,
    /// Threads spawned by the run (its main thread not counted).
    pub threads: u64,
    /// Sim only: the digest of the schedule; equal seeds give equal traces.
    pub trace: Option<u64>,
    /// Sim only: scheduling decisions taken.
    pub steps: Option<u64>,
}

/// A failed run: what went wrong, and how to replay it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The backend that ran.
    pub backend: Backend,
    /// The seed it ran with.
    pub seed: u64,
    /// Time on the run's clock when it failed.
    pub elapsed: Duration,
    /// What went wrong.
    pub kind: FailureKind,
    /// The test that ran it, when the run happened in a named test thread.
    pub test: Option<String>,
}

/// What made a run fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// A thread of the run panicked.
    Panic {
        /// The labrt name of the thread (`main` for the body).
        thread: String,
        /// The panic message.
        message: String,
        /// Where it panicked, when known.
        location: Option<String>,
    },
    /// Sim: every thread waits and no timer is pending, so none can ever run.
    Deadlock {
        /// Each waiting thread and what it waits on.
        threads: Vec<BlockedThread>,
    },
    /// Sim: threads keep running but the virtual clock never moves.
    Livelock {
        /// Scheduling steps taken at one virtual instant.
        steps: u64,
    },
}

/// A thread named in a deadlock report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedThread {
    /// The labrt name of the thread.
    pub name: String,
    /// The call it waits in, with its source location.
    pub waits_on: String,
}

impl Config {
    /// The configuration from `LAB_RUNTIME` and `LAB_SEED`.
    ///
    /// # Panics
    /// If either variable holds a value that cannot be understood.
    pub fn from_env() -> Config {
        let backend = match std::env::var(ENV_RUNTIME) {
            Err(_) => Backend::Sim,
            Ok(v) => match v.as_str() {
                "" | "sim" => Backend::Sim,
                "real" => Backend::Real,
                other => panic!("labrt: {ENV_RUNTIME}={other:?} is not a backend; use sim or real"),
            },
        };
        let seed = match std::env::var(ENV_SEED) {
            Err(_) => fresh_seed(),
            Ok(v) if v.is_empty() => fresh_seed(),
            Ok(v) => v.parse().unwrap_or_else(|_| {
                panic!("labrt: {ENV_SEED}={v:?} is not an unsigned 64-bit integer")
            }),
        };
        Config { backend, seed }
    }

    /// A simulated run with `seed`.
    pub fn sim(seed: u64) -> Config {
        Config {
            backend: Backend::Sim,
            seed,
        }
    }

    /// A real run with `seed`.
    pub fn real(seed: u64) -> Config {
        Config {
            backend: Backend::Real,
            seed,
        }
    }

    /// Runs `body`, panicking with the failure and its replay command if the
    /// run fails.
    pub fn run(self, body: impl FnOnce()) -> Report {
        match self.try_run(body) {
            Ok(report) => report,
            Err(failure) => panic!("{failure}"),
        }
    }

    /// Runs `body` and returns what happened.
    ///
    /// # Panics
    /// If called from inside a run: runs do not nest.
    pub fn try_run(self, body: impl FnOnce()) -> Result<Report, Box<Failure>> {
        assert!(
            !crate::context::is_set(),
            "labrt: runs do not nest; this thread is already inside labrt::run"
        );
        install_panic_hook();
        let test = std::thread::current()
            .name()
            .filter(|n| *n != "main")
            .map(String::from);
        let (elapsed, threads, trace, steps, failure) = match self.backend {
            Backend::Sim => {
                let (stats, failure) = sim::executor::run(self.seed, body);
                (
                    stats.now,
                    stats.spawned,
                    Some(stats.trace),
                    Some(stats.steps),
                    failure,
                )
            }
            Backend::Real => {
                let outcome = real::run(self.seed, body);
                if outcome.stuck {
                    eprintln!(
                        "labrt: some threads of the real run (seed {}) are still blocked after it ended, \
                         in calls labrt cannot interrupt (Mutex::lock, Condvar::wait, a send on a full channel)",
                        self.seed
                    );
                }
                (
                    outcome.elapsed,
                    outcome.spawned,
                    None,
                    None,
                    outcome.failure,
                )
            }
        };
        match failure {
            Some(kind) => Err(Box::new(Failure {
                backend: self.backend,
                seed: self.seed,
                elapsed,
                kind,
                test,
            })),
            None => Ok(Report {
                backend: self.backend,
                seed: self.seed,
                elapsed,
                threads,
                trace,
                steps,
            }),
        }
    }
}

/// The backend of the run the calling thread works for.
///
/// # Panics
/// If called outside a labrt run.
#[track_caller]
pub fn backend() -> Backend {
    crate::context::with("labrt::backend", |ctx| match ctx {
        crate::context::Ctx::Real(_) => Backend::Real,
        crate::context::Ctx::Sim(_) => Backend::Sim,
    })
}

/// Runs `body` with the configuration of the environment (see
/// [`Config::from_env`]) and prints the report's line.
///
/// # Panics
/// If the run fails, with the failure and the command that replays it.
pub fn run(body: impl FnOnce()) -> Report {
    let report = Config::from_env().run(body);
    println!("labrt: {report}");
    report
}

/// Chains a panic hook that tells the panicking thread's run at once (the
/// default hook still prints as usual). A thread whose unwinding then blocks
/// still fails its run, and teardown knows it is mid-panic.
fn install_panic_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            crate::context::note_panic(info);
            previous(info);
        }));
    });
}

fn fresh_seed() -> u64 {
    // RandomState is keyed from the OS's entropy source.
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// The message of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<a panic payload that is not a string>".to_string()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} seed {}", self.backend.name(), self.seed)?;
        if let Some(trace) = self.trace {
            write!(f, " trace {:08x}", trace as u32)?;
        }
        let clock = if self.backend == Backend::Sim {
            "virtual"
        } else {
            "time"
        };
        write!(
            f,
            " {clock} {:.3}s threads {}",
            self.elapsed.as_secs_f64(),
            self.threads
        )?;
        if let Some(steps) = self.steps {
            write!(f, " steps {steps}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FailureKind::Panic {
                thread,
                message,
                location,
            } => {
                let at = location
                    .as_deref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                writeln!(f, "labrt: thread '{thread}' panicked{at}: {message}")?;
            }
            FailureKind::Deadlock { threads } => {
                writeln!(
                    f,
                    "labrt: deadlock: every thread waits and no timer is pending"
                )?;
                for t in threads {
                    writeln!(f, "  thread '{}' waits in {}", t.name, t.waits_on)?;
                }
            }
            FailureKind::Livelock { steps } => {
                writeln!(
                    f,
                    "labrt: livelock: {steps} scheduling steps without the virtual clock moving \
                     (threads spin instead of waiting)"
                )?;
            }
        }
        let clock = if self.backend == Backend::Sim {
            "virtual time"
        } else {
            "after"
        };
        writeln!(
            f,
            "  {} seed {}, {clock} {:.3}s",
            self.backend.name(),
            self.seed,
            self.elapsed.as_secs_f64()
        )?;
        let filter = self
            .test
            .as_deref()
            .map(|t| format!(" {t} -- --exact"))
            .unwrap_or_default();
        write!(
            f,
            "  replay: {ENV_RUNTIME}={} {ENV_SEED}={} cargo test{filter}",
            self.backend.name(),
            self.seed
        )
    }
}
