//! Threads: stands for `std::thread`.
//!
//! Differences: every thread has a name, given at spawn; a panic in any
//! thread fails the whole run (as an unrecovered panic ends a Go program), so
//! `join` returns `Err` only while a failing run is being torn down.

use std::cell::RefCell;
use std::sync::Arc;

use crate::chan::{self, Receiver};
use crate::context::{self, Ctx};

/// A body of work for a new thread.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Waits for a thread spawned with [`spawn`].
pub struct JoinHandle<T> {
    result: Receiver<T>,
    name: Arc<str>,
}

/// Why [`JoinHandle::join`] returned no value: the thread panicked, or the
/// run ended before it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinError {
    /// The name of the thread.
    pub thread: String,
}

impl std::fmt::Display for JoinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "thread '{}' ended without a result (it panicked, or its run is over)",
            self.thread
        )
    }
}

impl std::error::Error for JoinError {}

/// Starts `f` on a new thread of the current run, named `name` in reports.
///
/// # Panics
/// If called outside a labrt run.
#[track_caller]
pub fn spawn<F, T>(name: impl Into<String>, f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let name: Arc<str> = Arc::from(name.into());
    let (tx, result) = chan::unbounded();
    let job: Job = Box::new(move || {
        let value = f();
        // The handle may be gone: a detached thread.
        let _ = tx.send(value);
    });
    match context::current("labrt::thread::spawn") {
        Ctx::Sim(kernel) => {
            kernel.op("labrt::thread::spawn");
            kernel.spawn(name.clone(), job);
        }
        Ctx::Real(run) => run.spawn(name.clone(), job),
    }
    JoinHandle { result, name }
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish and returns its value.
    #[track_caller]
    pub fn join(self) -> Result<T, JoinError> {
        self.result.recv().map_err(|_| JoinError {
            thread: self.name.to_string(),
        })
    }

    /// The thread's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Lets the scheduler run another thread (sim) or the OS (real).
#[track_caller]
pub fn yield_now() {
    match context::current("labrt::thread::yield_now") {
        Ctx::Sim(kernel) => kernel.op("labrt::thread::yield_now"),
        Ctx::Real(_) => std::thread::yield_now(),
    }
}

/// Runs `f`, a long computation that makes no labrt call (a
/// linearizability check, say), without the sim watchdog taking it for a
/// hung thread however long it takes. As for any computation in sim, the
/// virtual clock does not move meanwhile.
#[track_caller]
pub fn compute<R>(f: impl FnOnce() -> R) -> R {
    match context::current("labrt::thread::compute") {
        Ctx::Sim(kernel) => {
            let _computing = kernel.computing();
            f()
        }
        Ctx::Real(_) => f(),
    }
}

thread_local! {
    static REAL_NAME: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// Names the current pooled OS thread until the guard drops.
pub(crate) fn set_real_name(name: Arc<str>) -> impl Drop {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            REAL_NAME.set(None);
        }
    }
    REAL_NAME.set(Some(name));
    Reset
}

/// The labrt name of the current thread (`main` for the run's body).
#[track_caller]
pub fn current_name() -> String {
    match context::current("labrt::thread::current_name") {
        Ctx::Sim(kernel) => kernel.current_name().to_string(),
        Ctx::Real(_) => real_name(),
    }
}

/// The labrt name of the current thread of a real run.
pub(crate) fn real_name() -> String {
    REAL_NAME.with_borrow(|n| n.as_deref().unwrap_or("main").to_string())
}
