//! Time: stands for `std::time`.
//!
//! Differences: [`Instant::now`] reads the run's clock, which in sim is
//! virtual: it starts at zero and moves only when every simulated thread
//! waits, jumping straight to the earliest deadline.

use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::sync::OnceLock;

pub use std::time::Duration;

use crate::context::{self, Ctx};
use crossbeam_channel::RecvTimeoutError;

/// A point on the run's clock, as an offset from the clock's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

/// The run's clock as an offset from its origin, read without a
/// scheduling point, for logs: a simulated run that logs takes the very
/// schedule it takes without logging. None outside a run.
pub fn log_clock() -> Option<Duration> {
    context::try_with(|ctx| match ctx? {
        Ctx::Sim(kernel) => Some(kernel.now()),
        Ctx::Real(_) => Some(std::time::Instant::now() - real_origin()),
    })
}

/// The origin of the real clock, shared by every real run of the process.
fn real_origin() -> std::time::Instant {
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    *ORIGIN.get_or_init(std::time::Instant::now)
}

impl Instant {
    /// The current time of the run's clock.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn now() -> Instant {
        match context::current("labrt::time::Instant::now") {
            Ctx::Sim(kernel) => {
                kernel.op("labrt::time::Instant::now");
                Instant(kernel.now())
            }
            Ctx::Real(_) => Instant(std::time::Instant::now() - real_origin()),
        }
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// Time since `self` on the run's clock.
    #[track_caller]
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }

    /// `self + d`, or None on overflow.
    pub fn checked_add(&self, d: Duration) -> Option<Instant> {
        self.0.checked_add(d).map(Instant)
    }

    /// `self - d`, or None before the clock's origin.
    pub fn checked_sub(&self, d: Duration) -> Option<Instant> {
        self.0.checked_sub(d).map(Instant)
    }

    /// Offset from the clock's origin.
    pub(crate) fn since_origin(self) -> Duration {
        self.0
    }

    /// The std instant of a real-clock `Instant`.
    pub(crate) fn to_std(self) -> std::time::Instant {
        real_origin() + self.0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        self.checked_add(d)
            .expect("overflow when adding a duration to an instant")
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, d: Duration) -> Instant {
        self.checked_sub(d)
            .expect("overflow when subtracting a duration from an instant")
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturates at zero, like std's.
    fn sub(self, earlier: Instant) -> Duration {
        self.duration_since(earlier)
    }
}

/// Puts the current thread to sleep for `d` on the run's clock.
///
/// # Panics
/// If called outside a labrt run.
#[track_caller]
pub fn sleep(d: Duration) {
    let at = std::panic::Location::caller();
    match context::current("labrt::time::sleep") {
        Ctx::Sim(kernel) => {
            kernel.check_current("labrt::time::sleep");
            kernel.sleep(d, at);
        }
        // Waiting on the run's cancel channel, rather than sleeping, lets the
        // end of the run wake and unwind sleeping threads at once.
        Ctx::Real(run) => match run.cancel_rx().recv_timeout(d) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => crate::real::unwind_cancelled(),
        },
    }
}

/// Sleeps until `deadline` on the run's clock.
#[track_caller]
pub fn sleep_until(deadline: Instant) {
    sleep(deadline.duration_since(Instant::now()));
}
