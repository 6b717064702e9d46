//! What a failed run reports: what went wrong, the stubs it reached, its
//! seed, and the command that replays it.

use std::fmt;
use std::time::Duration;

use crate::env::{ENV_PREEMPT_MS, ENV_RUNTIME, ENV_SEED, ENV_STALL_SECS, millis};
use crate::run::Backend;

/// A failed run: what went wrong, and how to replay it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The backend that ran.
    pub backend: Backend,
    /// The seed it ran with.
    pub seed: u64,
    /// Sim: the bound of preemption at unlock, if the run preempted
    /// ([`crate::Config::preempt`]).
    pub preempt: Option<Duration>,
    /// Time on the run's clock when it failed.
    pub elapsed: Duration,
    /// What went wrong.
    pub kind: FailureKind,
    /// The test that ran it, when the run happened in a named test thread.
    pub test: Option<String>,
    /// The handout stubs ([`crate::unimplemented`]) the run reached, in the
    /// order it first reached them.
    pub unimplemented: Vec<String>,
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
        /// The thread that took the most of them.
        culprit: Culprit,
    },
    /// Sim: the virtual clock stood still for the run's stall limit of wall
    /// time while a thread kept running: it blocks in a std call between
    /// labrt calls (`std::thread::sleep`, `std::sync`), or spins.
    Stalled {
        /// Wall time the clock stood still.
        wall: Duration,
        /// Scheduling steps taken in that time.
        steps: u64,
        /// The thread that took the most of them.
        culprit: Culprit,
    },
    /// Sim: a thread held the run's only OS thread for the stall limit of
    /// wall time without a single labrt call. Nothing can take the thread
    /// back, so the watchdog reports this and ends the process.
    Hung {
        /// Wall time without a labrt call.
        wall: Duration,
        /// CPU time the run's OS thread used meanwhile, where the OS tells
        /// it: near `wall` for a loop, near zero for a blocking call.
        cpu: Option<Duration>,
        /// The thread that holds the run.
        culprit: Culprit,
    },
}

/// The thread that kept a livelocked or stalled run busy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Culprit {
    /// Its labrt name.
    pub thread: String,
    /// Its last labrt call and the source location of that call, if any.
    pub last_call: Option<String>,
}

/// Steps per wall second above which a stalled run spins rather than
/// blocks: a spinning thread makes millions, one that sleeps in std a few.
const SPIN_STEPS_PER_SEC: f64 = 100_000.0;

impl Culprit {
    /// A culprit the run could not name.
    pub(crate) fn unknown() -> Culprit {
        Culprit {
            thread: "?".to_string(),
            last_call: None,
        }
    }
}

impl fmt::Display for Culprit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "thread '{}'", self.thread)?;
        match &self.last_call {
            Some(call) => write!(f, " (its last labrt call: {call})"),
            None => write!(f, " (it made no labrt call yet)"),
        }
    }
}

/// A thread named in a deadlock report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedThread {
    /// The labrt name of the thread.
    pub name: String,
    /// The call it waits in, with its source location.
    pub waits_on: String,
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Panic {
                thread,
                message,
                location,
            } => {
                let at = location
                    .as_deref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                writeln!(f, "labrt: thread '{thread}' panicked{at}: {message}")
            }
            FailureKind::Deadlock { threads } => {
                writeln!(
                    f,
                    "labrt: deadlock: every thread waits and no timer is pending"
                )?;
                for t in threads {
                    writeln!(f, "  thread '{}' waits in {}", t.name, t.waits_on)?;
                }
                Ok(())
            }
            FailureKind::Livelock { steps, culprit } => writeln!(
                f,
                "labrt: livelock: {steps} scheduling steps without the virtual clock moving: \
                 {culprit} spins instead of waiting; wait on a labrt Condvar or channel, or \
                 labrt::time::sleep between polls"
            ),
            FailureKind::Stalled {
                wall,
                steps,
                culprit,
            } => {
                let cause = if *steps as f64 / wall.as_secs_f64() > SPIN_STEPS_PER_SEC {
                    "it most likely spins: it polls in a loop without ever waiting; wait on a \
                     labrt Condvar or channel, or labrt::time::sleep between polls"
                } else {
                    "it most likely blocks in a std call between labrt calls: \
                     std::thread::sleep, std::sync::Mutex or Condvar, a std channel or blocking \
                     I/O, which stop the simulated clock; use labrt::time::sleep, labrt::sync \
                     and labrt::chan"
                };
                writeln!(
                    f,
                    "labrt: stalled: the virtual clock stood still for {wall:.1?} of wall \
                     time ({steps} scheduling steps) while {culprit} kept running; {cause} \
                     ({ENV_STALL_SECS} sets the limit)"
                )
            }
            FailureKind::Hung { wall, cpu, culprit } => {
                let cause = match cpu {
                    Some(cpu) if *cpu >= *wall / 2 => {
                        "it computes in a loop that never calls labrt (it used the CPU all along); \
                         wait on a labrt Condvar or channel, or labrt::time::sleep between polls"
                    }
                    Some(_) => {
                        "it blocks in a std call (it used almost no CPU): std::thread::sleep, \
                         std::sync::Mutex or Condvar, a std channel or blocking I/O; use \
                         labrt::time::sleep, labrt::sync and labrt::chan"
                    }
                    None => {
                        "it blocks in a std call (std::thread::sleep, std::sync, a std channel, \
                         blocking I/O) or computes in a loop that never calls labrt"
                    }
                };
                writeln!(
                    f,
                    "labrt: hung: {culprit} has held the run for {wall:.1?} of wall time without \
                     calling labrt; {cause} ({ENV_STALL_SECS} sets the limit). labrt cannot take \
                     the thread back, so the process ends here."
                )
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if !self.unimplemented.is_empty() {
            writeln!(
                f,
                "  unimplemented, reached in this run: {}",
                self.unimplemented.join(", ")
            )?;
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
        write!(
            f,
            "  replay: {ENV_RUNTIME}={} {ENV_SEED}={} ",
            self.backend.name(),
            self.seed,
        )?;
        if let Some(max) = self.preempt {
            write!(f, "{ENV_PREEMPT_MS}={} ", millis(max))?;
        }
        write!(f, "{}", crate::replay::cargo_test(self.test.as_deref()))
    }
}
