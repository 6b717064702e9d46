//! labrt: one runtime for the Raft labs, with a real and a simulated backend.
//!
//! Everything in the labs that spawns, sleeps, reads the clock, blocks or
//! draws a random number goes through this crate. That single rule is what
//! lets a whole run be replayed from its seed.
//!
//! ```text
//! labrt::run(|| body)                       run body; backend from LAB_RUNTIME, seed from LAB_SEED
//! labrt::Config::sim(42).try_run(|| body)   a chosen run; Err(Failure) instead of a panic
//! labrt::Config::try_from_env()             Err(EnvError) for a bad LAB_RUNTIME / LAB_SEED
//! labrt::Config::sim(42).with_preemption(d) sim: preempt at unlock, up to d (LAB_PREEMPT_MS)
//! labrt::backend()                          Backend::Sim or Backend::Real, inside a run
//! labrt::thread::spawn("name", f)           -> JoinHandle; .join() -> Result<T, JoinError>
//! labrt::thread::yield_now()
//! labrt::time::{Instant, Duration, sleep}   Instant::now() reads the run's clock
//! labrt::chan::{unbounded, bounded}         send, recv, try_recv, recv_timeout, recv_deadline
//! labrt::sync::{Mutex, Condvar}             lock, wait, wait_timeout, notify_one, notify_all
//! labrt::rand::rng()                        the run's seeded stream; use labrt::rand::RngExt
//! labrt::unimplemented("Raft::start")       in a handout stub: a failed run lists the stubs it reached
//! ```
//!
//! - **real** (`LAB_RUNTIME=real`): pooled OS threads, the monotonic clock,
//!   crossbeam channels and parking_lot locks.
//! - **sim** (the default): every simulated thread is a coroutine on the
//!   run's OS thread, and exactly one runs at a time. At every labrt call the
//!   scheduler picks who runs next with the run's seeded RNG. The virtual
//!   clock moves only when every thread waits, and then jumps to the earliest
//!   deadline. When every thread waits and no deadline is pending, the run
//!   stops with a deadlock report naming each thread and where it waits.
//!   Threads left behind when the body returns are unwound. Computing takes
//!   no virtual time; with [`Config::with_preemption`] (or `LAB_PREEMPT_MS`)
//!   a thread may be preempted for a seeded while right after it unlocks a
//!   Mutex, so that the races of code that works outside a lock show up in
//!   sim too, still replayable from the seed.
//!
//! Rules for code that runs under labrt (the sim backend enforces or reports
//! what it can):
//! - block, sleep, read the clock, spawn and draw random numbers only through
//!   labrt. A std primitive blocks the run's only OS thread. A run whose
//!   virtual clock stands still for `LAB_STALL_SECS` (10) seconds of wall
//!   time while a thread keeps running fails as stalled; a run whose thread
//!   makes no labrt call at all for that long is ended by the watchdog,
//!   which prints the failure and exits the process, since nothing can take
//!   the thread back. Both name the thread, its last labrt call and the
//!   likely cause (a std blocking call such as `std::thread::sleep`, or a
//!   spin).
//! - in sim, all simulated threads of a run share one OS thread, so they share
//!   `thread_local!` values and `std::thread::panicking()`; keep per-thread
//!   state in values the thread owns.
//! - a panic in any thread fails the run. When a run ends, the threads it
//!   left are unwound and their blocking calls return at once with errors;
//!   destructors should not unwrap those.
//!
//! ```
//! use labrt::time::{Duration, Instant};
//!
//! let report = labrt::Config::sim(1).run(|| {
//!     let (tx, rx) = labrt::chan::unbounded();
//!     let ticker = labrt::thread::spawn("ticker", move || {
//!         for i in 0..3 {
//!             labrt::time::sleep(Duration::from_secs(3600));
//!             tx.send(i).unwrap();
//!         }
//!     });
//!     let start = Instant::now();
//!     assert_eq!(rx.iter().collect::<Vec<_>>(), [0, 1, 2]);
//!     assert_eq!(start.elapsed(), Duration::from_secs(3 * 3600));
//!     ticker.join().unwrap();
//! });
//! // Three virtual hours, in microseconds of real time.
//! assert_eq!(report.elapsed, Duration::from_secs(3 * 3600));
//! ```

pub mod chan;
mod context;
mod env;
mod failure;
pub mod rand;
mod real;
mod replay;
mod run;
mod sim;
mod stub;
pub mod sync;
pub mod thread;
pub mod time;

pub use env::{ENV_PREEMPT_MS, ENV_RUNTIME, ENV_SEED, ENV_STALL_SECS, EnvError};
pub use failure::{BlockedThread, Culprit, Failure, FailureKind};
pub use run::{Backend, Config, DEFAULT_STALL_LIMIT, Report, backend, run};
pub use stub::unimplemented;
