//! The entry point of every run: the run itself, and what it reports.

use std::any::Any;
use std::fmt;
use std::sync::Once;
use std::time::Duration;

use crate::failure::Failure;
use crate::{real, sim};

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

/// How to run: the backend and the seed, and for sim the stall limit and
/// the opt-in preemption at unlock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The backend.
    pub backend: Backend,
    /// The seed of the scheduler (sim) and of [`crate::rand`] (both).
    pub seed: u64,
    /// Sim: wall time the virtual clock may stand still while threads keep
    /// running before the run fails as stalled (a std blocking call or a
    /// spin between labrt calls).
    pub stall_limit: Duration,
    /// Sim, off when `None`: preemption at unlock, with this bound. After
    /// each Mutex unlock the thread is preempted with probability 1/4 and
    /// sleeps a delay drawn uniformly from zero to the bound, from the
    /// seed (zero: it yields to the threads runnable at that instant). It
    /// opens, in virtual time, the windows where real threads race while
    /// one of them works outside a lock; see [`Config::with_preemption`].
    pub preempt: Option<Duration>,
}

/// The default [`Config::stall_limit`].
pub const DEFAULT_STALL_LIMIT: Duration = Duration::from_secs(10);

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

impl Config {
    /// A simulated run with `seed`.
    pub fn sim(seed: u64) -> Config {
        Config {
            backend: Backend::Sim,
            seed,
            stall_limit: DEFAULT_STALL_LIMIT,
            preempt: None,
        }
    }

    /// A real run with `seed`.
    pub fn real(seed: u64) -> Config {
        Config {
            backend: Backend::Real,
            seed,
            stall_limit: DEFAULT_STALL_LIMIT,
            preempt: None,
        }
    }

    /// The same configuration with another [`Config::stall_limit`].
    pub fn with_stall_limit(self, stall_limit: Duration) -> Config {
        Config {
            stall_limit,
            ..self
        }
    }

    /// The same configuration, preempting threads at unlock in sim (see
    /// [`Config::preempt`]; real runs ignore it, their OS preempts). In sim
    /// computing takes no virtual time, so a thread that unlocks and works
    /// on outside the lock finishes before any message or timer can land;
    /// with this, what other threads do meanwhile can happen in between,
    /// as on real hardware. The same seed still gives the same trace. Also
    /// set by `LAB_PREEMPT_MS`, and named in a failure's replay command.
    ///
    /// ```
    /// use labrt::sync::Mutex;
    /// use labrt::time::Duration;
    ///
    /// let config = labrt::Config::sim(1).with_preemption(Duration::from_millis(2));
    /// let report = config.run(|| {
    ///     let m = Mutex::new(0);
    ///     for _ in 0..100 {
    ///         *m.lock() += 1;
    ///     }
    /// });
    /// // The lone thread was preempted now and then, virtual time moved.
    /// assert!(report.elapsed > Duration::ZERO);
    /// ```
    pub fn with_preemption(self, max: Duration) -> Config {
        Config {
            preempt: Some(max),
            ..self
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
        let (elapsed, threads, trace, steps, failure, unimplemented) = match self.backend {
            Backend::Sim => {
                let (stats, failure) =
                    sim::executor::run(self.seed, self.stall_limit, self.preempt, body);
                (
                    stats.now,
                    stats.spawned,
                    Some(stats.trace),
                    Some(stats.steps),
                    failure,
                    stats.unimplemented,
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
                    outcome.unimplemented,
                )
            }
        };
        match failure {
            Some(kind) => Err(Box::new(Failure {
                backend: self.backend,
                seed: self.seed,
                preempt: self.preempt.filter(|_| self.backend == Backend::Sim),
                elapsed,
                kind,
                test,
                unimplemented,
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
