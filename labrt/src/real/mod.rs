//! The real backend: OS threads (pooled), the monotonic clock,
//! crossbeam channels and parking_lot locks.
//!
//! A run ends when its body returns or a thread panics. Its remaining threads
//! are then cancelled: a sleep unwinds at once, a receive within
//! [`CANCEL_POLL`], a spawn is refused. A thread blocked where labrt cannot
//! reach it (a lock, a condition variable, a send on a full channel) is
//! reported instead.

pub(crate) mod pool;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::context::{self, Ctx};
use crate::failure::FailureKind;
use crate::run::panic_message;
use crate::stub::Reached;
use crate::thread::Job;

/// How long the end of a run waits for its cancelled threads to unwind.
const TEARDOWN_GRACE: Duration = Duration::from_secs(1);

/// How often a thread blocked in a receive checks whether its run is over.
pub(crate) const CANCEL_POLL: Duration = Duration::from_millis(100);

/// The payload that unwinds a thread of a cancelled run.
pub(crate) struct Cancelled;

/// One real run, shared by its threads.
pub(crate) struct RealRun {
    rng: Mutex<Xoshiro256PlusPlus>,
    failure: Mutex<Option<FailureKind>>,
    cancelled: AtomicBool,
    /// Never sent on; dropped to cancel the run, which wakes every thread
    /// waiting on `cancel_rx` at once.
    cancel_tx: Mutex<Option<Sender<()>>>,
    cancel_rx: Receiver<()>,
    /// Each live thread holds a clone; all dropped means all exited.
    alive_tx: Mutex<Option<Sender<()>>>,
    spawned: AtomicU64,
    stubs: Mutex<Reached>,
}

impl RealRun {
    pub(crate) fn with_rng<R>(&self, f: impl FnOnce(&mut Xoshiro256PlusPlus) -> R) -> R {
        f(&mut self.rng.lock())
    }

    /// The receiver that disconnects when the run is cancelled.
    pub(crate) fn cancel_rx(&self) -> &Receiver<()> {
        &self.cancel_rx
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Records the first failure of a live run and cancels it. Once the run
    /// is over, its threads fail as they unwind (channels disconnect under
    /// them); those are consequences, as in sim, not failures.
    fn fail(&self, kind: FailureKind) {
        if self.is_cancelled() {
            return;
        }
        self.failure.lock().get_or_insert(kind);
        self.cancel();
    }

    /// Notes a handout stub a thread of the run reached.
    pub(crate) fn note_stub(&self, piece: &'static str) {
        self.stubs.lock().note(piece);
    }

    /// Called by the panic hook in the panicking thread.
    pub(crate) fn note_panic(&self, thread: String, message: String, location: Option<String>) {
        self.fail(FailureKind::Panic {
            thread,
            message,
            location,
        });
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        drop(self.cancel_tx.lock().take());
    }

    /// Starts `job` on a pooled OS thread as a thread of this run.
    pub(crate) fn spawn(self: &Arc<Self>, name: Arc<str>, job: Job) {
        let alive = if self.is_cancelled() {
            None
        } else {
            self.alive_tx.lock().clone()
        };
        let Some(alive) = alive else {
            drop(job);
            unwind_cancelled();
            return;
        };
        self.spawned.fetch_add(1, Ordering::Relaxed);
        let run = self.clone();
        // A pooled OS thread logs where its spawner logs, as the threads
        // of a simulated run, which share their run's OS thread, do.
        let log = tracing::dispatcher::get_default(tracing::Dispatch::clone);
        pool::execute(Box::new(move || {
            let _log = tracing::dispatcher::set_default(&log);
            let _ctx = context::enter(Ctx::Real(run.clone()));
            let _name = crate::thread::set_real_name(name.clone());
            if let Err(payload) = catch_unwind(AssertUnwindSafe(job)) {
                if !payload.is::<Cancelled>() {
                    run.fail(FailureKind::Panic {
                        thread: name.to_string(),
                        message: panic_message(payload.as_ref()),
                        location: None,
                    });
                }
            }
            drop(alive);
        }));
    }
}

/// Why [`wait_sliced`] stopped without its event.
pub(crate) enum WaitEnd {
    /// The deadline passed.
    Deadline,
    /// The run was cancelled while the thread was already unwinding.
    Cancelled,
}

/// Waits with `wait_until` (which returns `Some` once its event happened, or
/// `None` when its time ran out) in slices of [`CANCEL_POLL`], so that a
/// thread blocked for a thread that died ends with its run. Unwinds the
/// caller when the run is cancelled.
pub(crate) fn wait_sliced<R>(
    run: &RealRun,
    deadline: Option<std::time::Instant>,
    mut wait_until: impl FnMut(std::time::Instant) -> Option<R>,
) -> Result<R, WaitEnd> {
    loop {
        let slice_end = std::time::Instant::now() + CANCEL_POLL;
        let until = deadline.map_or(slice_end, |d| d.min(slice_end));
        if let Some(r) = wait_until(until) {
            return Ok(r);
        }
        if deadline.is_some_and(|d| until >= d) {
            return Err(WaitEnd::Deadline);
        }
        if run.is_cancelled() {
            unwind_cancelled();
            return Err(WaitEnd::Cancelled);
        }
    }
}

/// Unwinds the calling thread because its run is over. A thread that is
/// already unwinding (a destructor calling labrt) just carries on.
pub(crate) fn unwind_cancelled() {
    if !std::thread::panicking() {
        resume_unwind(Box::new(Cancelled));
    }
}

/// Figures of a finished real run.
pub(crate) struct Outcome {
    pub elapsed: Duration,
    pub spawned: u64,
    pub failure: Option<FailureKind>,
    /// Threads still alive after the grace period.
    pub stuck: bool,
    /// The handout stubs the run reached.
    pub unimplemented: Vec<String>,
}

/// Runs `body` on the calling thread as the main thread of a real run.
pub(crate) fn run(seed: u64, body: impl FnOnce()) -> Outcome {
    let (cancel_tx, cancel_rx) = bounded(0);
    let (alive_tx, alive_rx) = bounded(0);
    let run = Arc::new(RealRun {
        rng: Mutex::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
        failure: Mutex::new(None),
        cancelled: AtomicBool::new(false),
        cancel_tx: Mutex::new(Some(cancel_tx)),
        cancel_rx,
        alive_tx: Mutex::new(Some(alive_tx)),
        spawned: AtomicU64::new(0),
        stubs: Mutex::new(Reached::default()),
    });
    let start = std::time::Instant::now();
    {
        let _ctx = context::enter(Ctx::Real(run.clone()));
        if let Err(payload) = catch_unwind(AssertUnwindSafe(body)) {
            if !payload.is::<Cancelled>() {
                run.fail(FailureKind::Panic {
                    thread: "main".into(),
                    message: panic_message(payload.as_ref()),
                    location: None,
                });
            }
        }
    }
    let elapsed = start.elapsed();
    run.cancel();
    drop(run.alive_tx.lock().take());
    let stuck = matches!(
        alive_rx.recv_timeout(TEARDOWN_GRACE),
        Err(RecvTimeoutError::Timeout)
    );
    Outcome {
        elapsed,
        spawned: run.spawned.load(Ordering::Relaxed),
        failure: run.failure.lock().take(),
        stuck,
        unimplemented: run.stubs.lock().names(),
    }
}
