//! The simulated backend: one thread at a time, seeded scheduling, virtual
//! time.
//!
//! - [`executor`] runs simulated threads as coroutines on the run's OS thread;
//! - [`kernel`] holds the run's threads, clock and the blocking protocol;
//! - [`scheduler`] picks the next thread; [`clock`] keeps the timers;
//! - [`preempt`] draws the opt-in preemptions at unlock;
//! - [`trace`] digests the decisions so that two runs can be compared;
//! - [`chan`] and [`sync`] are the primitives built on the kernel;
//! - [`watchdog`] reports runs held by a thread that blocks outside labrt.

pub(crate) mod chan;
mod clock;
pub(crate) mod executor;
mod kernel;
mod preempt;
mod scheduler;
pub(crate) mod sync;
mod trace;
mod watchdog;

pub(crate) use kernel::Kernel;
