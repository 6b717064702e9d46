//! Locks: stand for `parking_lot`'s `Mutex` and `Condvar` (no poisoning).
//!
//! Differences: in sim, locking a Mutex the thread already holds panics with
//! a deadlock message instead of hanging; and a run with
//! [`Config::with_preemption`](crate::Config::with_preemption) may preempt a
//! thread right after it unlocks a Mutex.

use std::ops::{Deref, DerefMut};
use std::panic::Location;

use crate::context::{self, Ctx};
use crate::time::{Duration, Instant};
use crate::{real, sim};

/// A mutual-exclusion lock protecting a `T`.
pub struct Mutex<T>(MutexImpl<T>);

enum MutexImpl<T> {
    Real(parking_lot::Mutex<T>),
    Sim(sim::sync::Mutex<T>),
}

/// Access to the value of a locked [`Mutex`]; unlocks when dropped.
pub struct MutexGuard<'a, T>(GuardImpl<'a, T>);

enum GuardImpl<'a, T> {
    Real(parking_lot::MutexGuard<'a, T>),
    /// The lock, and where it was taken.
    Sim(&'a sim::sync::Mutex<T>, &'static Location<'static>),
}

impl<T> Mutex<T> {
    /// A new unlocked Mutex.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn new(value: T) -> Mutex<T> {
        Mutex(match context::current("labrt::sync::Mutex::new") {
            Ctx::Real(_) => MutexImpl::Real(parking_lot::Mutex::new(value)),
            Ctx::Sim(kernel) => MutexImpl::Sim(sim::sync::Mutex::new(kernel, value)),
        })
    }

    /// Waits for the lock and takes it.
    #[track_caller]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard(match &self.0 {
            MutexImpl::Real(m) => GuardImpl::Real(m.lock()),
            MutexImpl::Sim(m) => {
                m.lock();
                GuardImpl::Sim(m, Location::caller())
            }
        })
    }

    /// Takes the lock if it is free now.
    #[track_caller]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        match &self.0 {
            MutexImpl::Real(m) => m.try_lock().map(|g| MutexGuard(GuardImpl::Real(g))),
            // Not `then_some`: it would build, and drop, a guard (an unlock)
            // even when the lock was not taken.
            MutexImpl::Sim(m) => m
                .try_lock()
                .then(|| MutexGuard(GuardImpl::Sim(m, Location::caller()))),
        }
    }

    /// The value, consuming the Mutex.
    pub fn into_inner(self) -> T {
        match self.0 {
            MutexImpl::Real(m) => m.into_inner(),
            MutexImpl::Sim(m) => m.into_inner(),
        }
    }

    /// The value, through exclusive access to the Mutex (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        match &mut self.0 {
            MutexImpl::Real(m) => m.get_mut(),
            MutexImpl::Sim(m) => m.get_mut(),
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    #[track_caller]
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> std::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mutex { .. }")
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match &self.0 {
            GuardImpl::Real(g) => g,
            // SAFETY: this guard owns the simulated lock.
            GuardImpl::Sim(m, _) => unsafe { &*m.data() },
        }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.0 {
            GuardImpl::Real(g) => &mut *g,
            // SAFETY: this guard owns the simulated lock, and `&mut self`
            // makes this the only access through it.
            GuardImpl::Sim(m, _) => unsafe { &mut *m.data() },
        }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let GuardImpl::Sim(m, at) = &self.0 {
            m.unlock(at);
        }
    }
}

/// A condition variable, used with a [`Mutex`] of the same run.
pub struct Condvar(CondvarImpl);

enum CondvarImpl {
    Real(parking_lot::Condvar),
    Sim(sim::sync::Condvar),
}

/// Whether a timed wait ended because its time ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// True if the wait ended by timeout rather than by a notification.
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    /// A new condition variable.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn new() -> Condvar {
        Condvar(match context::current("labrt::sync::Condvar::new") {
            Ctx::Real(_) => CondvarImpl::Real(parking_lot::Condvar::new()),
            Ctx::Sim(kernel) => CondvarImpl::Sim(sim::sync::Condvar::new(kernel)),
        })
    }

    /// Unlocks `guard`'s Mutex, waits for a notification (or a spurious
    /// wake-up), and locks it again.
    #[track_caller]
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        self.wait_inner(guard, None);
    }

    /// As [`Condvar::wait`], giving up after `timeout` on the run's clock.
    #[track_caller]
    pub fn wait_timeout<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        timeout: Duration,
    ) -> WaitTimeoutResult {
        self.wait_inner(guard, Some(Instant::now() + timeout))
    }

    /// As [`Condvar::wait`], giving up at `deadline` on the run's clock.
    #[track_caller]
    pub fn wait_until<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        self.wait_inner(guard, Some(deadline))
    }

    #[track_caller]
    fn wait_inner<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        deadline: Option<Instant>,
    ) -> WaitTimeoutResult {
        let timed_out = match (&self.0, &mut guard.0) {
            (CondvarImpl::Real(cv), GuardImpl::Real(g)) => real_wait(cv, g, deadline),
            (CondvarImpl::Sim(cv), GuardImpl::Sim(m, _)) => {
                cv.wait(m, deadline.map(Instant::since_origin))
            }
            _ => panic!("labrt: a Condvar and a Mutex of different backends were used together"),
        };
        WaitTimeoutResult(timed_out)
    }

    /// Wakes one waiting thread; returns whether there was one.
    #[track_caller]
    pub fn notify_one(&self) -> bool {
        match &self.0 {
            CondvarImpl::Real(cv) => cv.notify_one(),
            CondvarImpl::Sim(cv) => cv.notify_one(),
        }
    }

    /// Wakes every waiting thread; returns how many there were.
    #[track_caller]
    pub fn notify_all(&self) -> usize {
        match &self.0 {
            CondvarImpl::Real(cv) => cv.notify_all(),
            CondvarImpl::Sim(cv) => cv.notify_all(),
        }
    }
}

/// A real wait, in slices inside a run (see [`real::wait_sliced`]) so that a
/// thread waiting for a thread that panicked ends with its run instead of
/// hanging it. Returns whether the deadline passed (or the run ended).
fn real_wait<T>(
    cv: &parking_lot::Condvar,
    g: &mut parking_lot::MutexGuard<'_, T>,
    deadline: Option<Instant>,
) -> bool {
    let deadline = deadline.map(Instant::to_std);
    context::try_with(|ctx| {
        let Some(Ctx::Real(run)) = ctx else {
            return match deadline {
                None => {
                    cv.wait(g);
                    false
                }
                Some(d) => cv.wait_until(g, d).timed_out(),
            };
        };
        real::wait_sliced(run, deadline, |until| {
            (!cv.wait_until(g, until).timed_out()).then_some(())
        })
        .is_err()
    })
}

impl Default for Condvar {
    #[track_caller]
    fn default() -> Self {
        Condvar::new()
    }
}

impl std::fmt::Debug for Condvar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Condvar { .. }")
    }
}
