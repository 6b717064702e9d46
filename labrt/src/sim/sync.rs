//! Simulated Mutex and Condvar.

use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex as StateLock;

use super::kernel::{Blocker, Kernel, Tid, Waiter, Wake};

struct LockState {
    owner: Option<Tid>,
    waiters: VecDeque<Waiter>,
}

/// A mutual-exclusion lock whose waiters are simulated threads.
pub(crate) struct Mutex<T> {
    kernel: Arc<Kernel>,
    state: StateLock<LockState>,
    data: UnsafeCell<T>,
}

// SAFETY: access to `data` is granted to one thread at a time by `owner`,
// exactly as for std's Mutex.
unsafe impl<T: Send> Send for Mutex<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    pub(crate) fn new(kernel: Arc<Kernel>, value: T) -> Self {
        Mutex {
            kernel,
            state: StateLock::new(LockState {
                owner: None,
                waiters: VecDeque::new(),
            }),
            data: UnsafeCell::new(value),
        }
    }

    #[track_caller]
    pub(crate) fn lock(&self) {
        self.kernel.op("Mutex::lock");
        self.acquire(Location::caller());
    }

    #[track_caller]
    pub(crate) fn try_lock(&self) -> bool {
        self.kernel.op("Mutex::try_lock");
        let mut st = self.state.lock();
        if st.owner.is_some() {
            return false;
        }
        st.owner = Some(self.kernel.current());
        true
    }

    /// Takes the lock, waiting as long as needed.
    pub(crate) fn acquire(&self, at: &'static Location<'static>) {
        let me = self.kernel.current();
        loop {
            let w = {
                let mut st = self.state.lock();
                match st.owner {
                    None => {
                        st.owner = Some(me);
                        return;
                    }
                    Some(owner) if owner == me => {
                        drop(st);
                        panic!(
                            "labrt: deadlock: thread '{}' locks a Mutex it already holds, at {at}",
                            self.kernel.current_name()
                        );
                    }
                    Some(_) => {}
                }
                let w = self.kernel.waiter();
                st.waiters.push_back(w);
                w
            };
            let on = Blocker {
                what: "Mutex::lock",
                at,
            };
            if self.kernel.block(w, on, None) == Wake::Teardown {
                teardown_lock_abort(at);
            }
        }
    }

    /// Unlocks a lock taken at `at` ([`Mutex::release`]); then, if the run
    /// preempts at unlock, the thread may be preempted here.
    pub(crate) fn unlock(&self, at: &'static Location<'static>) {
        self.release();
        self.kernel.after_unlock(at);
    }

    /// Releases the lock and wakes one waiter, which then competes for it.
    ///
    /// A thread unwound by teardown from inside [`Condvar::wait`] drops its
    /// guard without holding the lock; that release is ignored, so the lock's
    /// real owner keeps it.
    pub(crate) fn release(&self) {
        let mut st = self.state.lock();
        let me = self.kernel.current();
        if st.owner != Some(me) {
            assert!(
                self.kernel.is_tearing_down(),
                "labrt: thread '{}' released a Mutex it does not hold",
                self.kernel.current_name()
            );
            return;
        }
        st.owner = None;
        while let Some(w) = st.waiters.pop_front() {
            if self.kernel.wake(w) {
                break;
            }
        }
    }

    /// The protected value. Only the owner may call this.
    pub(crate) fn data(&self) -> *mut T {
        self.data.get()
    }

    pub(crate) fn into_inner(self) -> T {
        self.data.into_inner()
    }

    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }
}

/// While a run is torn down nothing may block, yet a destructor wants a lock
/// that an unwound thread has not released yet. Granting it would break
/// mutual exclusion, and unwinding from a destructor aborts anyway; stop here
/// with the reason.
#[cold]
fn teardown_lock_abort(at: &Location<'_>) -> ! {
    eprintln!(
        "labrt: during the teardown of a simulated run, a destructor blocked on a Mutex \
         held by another unwound thread, at {at}; aborting"
    );
    std::process::abort()
}

/// A condition variable whose waiters are simulated threads.
pub(crate) struct Condvar {
    kernel: Arc<Kernel>,
    waiters: StateLock<VecDeque<Waiter>>,
}

impl Condvar {
    pub(crate) fn new(kernel: Arc<Kernel>) -> Self {
        Condvar {
            kernel,
            waiters: StateLock::new(VecDeque::new()),
        }
    }

    /// Releases `mutex`, waits for a notification or the deadline, and takes
    /// `mutex` again. Returns whether the deadline passed.
    #[track_caller]
    pub(crate) fn wait<T>(&self, mutex: &Mutex<T>, deadline: Option<Duration>) -> bool {
        let at = Location::caller();
        self.kernel.op("Condvar::wait");
        let w = self.kernel.waiter();
        self.waiters.lock().push_back(w);
        mutex.release();
        let on = Blocker {
            what: "Condvar::wait",
            at,
        };
        let wake = self.kernel.block(w, on, deadline);
        if wake != Wake::Notified {
            self.waiters.lock().retain(|x| *x != w);
        }
        mutex.acquire(at);
        // In teardown, report a timeout: loops that wait for a notification
        // with a timeout then end instead of spinning.
        wake != Wake::Notified
    }

    #[track_caller]
    pub(crate) fn notify_one(&self) -> bool {
        self.kernel.op("Condvar::notify_one");
        let mut waiters = self.waiters.lock();
        while let Some(w) = waiters.pop_front() {
            if self.kernel.wake(w) {
                return true;
            }
        }
        false
    }

    #[track_caller]
    pub(crate) fn notify_all(&self) -> usize {
        self.kernel.op("Condvar::notify_all");
        let waiters = std::mem::take(&mut *self.waiters.lock());
        waiters.into_iter().filter(|w| self.kernel.wake(*w)).count()
    }
}
