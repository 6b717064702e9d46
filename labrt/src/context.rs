//! Which run, and which backend, the current OS thread belongs to.
//!
//! Every labrt primitive asks this module where it is running. A thread that
//! labrt did not start (and that is not inside [`crate::run`]) has no context,
//! and labrt calls from it fail loudly instead of hanging or silently escaping
//! the simulation.

use std::cell::RefCell;
use std::panic::Location;
use std::sync::Arc;

use crate::real::RealRun;
use crate::sim::Kernel;

/// The run the current OS thread works for.
#[derive(Clone)]
pub(crate) enum Ctx {
    Real(Arc<RealRun>),
    Sim(Arc<Kernel>),
}

thread_local! {
    static CURRENT: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

/// Runs `f` with the current context, or panics naming the caller if the
/// thread is not managed by labrt.
#[track_caller]
pub(crate) fn with<R>(what: &str, f: impl FnOnce(&Ctx) -> R) -> R {
    let at = Location::caller();
    CURRENT.with(|c| match &*c.borrow() {
        Some(ctx) => f(ctx),
        None => unmanaged(what, at),
    })
}

/// Runs `f` with the current context, if the thread has one.
pub(crate) fn try_with<R>(f: impl FnOnce(Option<&Ctx>) -> R) -> R {
    CURRENT.with(|c| f(c.borrow().as_ref()))
}

/// The current context, cloned.
#[track_caller]
pub(crate) fn current(what: &str) -> Ctx {
    with(what, Ctx::clone)
}

/// Whether the current thread is inside a labrt run.
pub(crate) fn is_set() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// Tells the current thread's run, if any, that the thread is panicking.
pub(crate) fn note_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = crate::run::panic_message(info.payload());
    let location = info.location().map(|l| l.to_string());
    let _ = CURRENT.try_with(|c| {
        // The panic may come from inside a borrow of the cell.
        let Ok(ctx) = c.try_borrow() else { return };
        match &*ctx {
            Some(Ctx::Sim(kernel)) => kernel.note_panic(message, location),
            Some(Ctx::Real(run)) => run.note_panic(crate::thread::real_name(), message, location),
            None => {}
        }
    });
}

/// Installs `ctx` for the current thread until the returned guard drops.
pub(crate) fn enter(ctx: Ctx) -> EnterGuard {
    let previous = CURRENT.with(|c| c.borrow_mut().replace(ctx));
    EnterGuard { previous }
}

/// Restores the previous context of the thread when dropped.
pub(crate) struct EnterGuard {
    previous: Option<Ctx>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // Dropping the replaced context may run destructors that use labrt,
        // so take it out of the cell before it is dropped.
        let replaced = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), previous));
        drop(replaced);
    }
}

/// Panics for a labrt call made where labrt cannot serve it.
#[cold]
pub(crate) fn unmanaged(what: &str, at: &Location<'_>) -> ! {
    let thread = std::thread::current();
    panic!(
        "labrt: {what} called at {at} from OS thread '{}', which labrt does not manage; \
         run the code inside labrt::run and start threads with labrt::thread::spawn",
        thread.name().unwrap_or("<unnamed>")
    )
}

/// Panics for a simulated object used from a thread of another run or backend.
#[cold]
pub(crate) fn foreign(what: &str, at: &Location<'_>) -> ! {
    panic!(
        "labrt: {what} called at {at} on an object that belongs to another labrt run; \
         objects of a simulated run can only be used by that run's threads"
    )
}
