//! Preemption at unlock, an opt-in option of a simulated run
//! ([`crate::Config::with_preemption`]).
//!
//! In sim, computing takes no virtual time: a thread that unlocks a Mutex
//! and works on outside it finishes that work before the clock can move,
//! so no message, timer or other thread's later step can land in between.
//! On real hardware the OS may preempt a thread just there, for
//! milliseconds. With this option, after every Mutex unlock the thread is
//! preempted with probability 1 in [`ONE_IN`]: it sleeps for a delay
//! drawn uniformly from zero to the run's bound of virtual time (a zero
//! delay yields to the threads runnable at that instant), and whatever
//! happens meanwhile happens before its next step.
//!
//! The draws come from a stream of their own, seeded from the run's seed,
//! so the same seed still gives the same schedule; with the option off
//! nothing is drawn and no schedule changes.

use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// A thread is preempted after one unlock in this many.
pub(crate) const ONE_IN: u32 = 4;

/// Salt that separates the preemption stream from the run's other streams.
const SALT: u64 = 0x7072_6565_6d70_7421;

/// The preemption draws of one run.
pub(crate) struct Preemption {
    /// The longest delay, in nanoseconds of virtual time.
    max_nanos: u64,
    rng: Xoshiro256PlusPlus,
}

impl Preemption {
    /// Delays of at most `max` (saturating at 584 years), drawn from `seed`.
    pub(crate) fn new(seed: u64, max: Duration) -> Self {
        Preemption {
            max_nanos: u64::try_from(max.as_nanos()).unwrap_or(u64::MAX),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ SALT),
        }
    }

    /// How long the thread that just unlocked a Mutex is preempted, if it
    /// is.
    pub(crate) fn draw(&mut self) -> Option<Duration> {
        if !self.rng.random_ratio(1, ONE_IN) {
            return None;
        }
        Some(Duration::from_nanos(
            self.rng.random_range(0..=self.max_nanos),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{ONE_IN, Preemption};

    #[test]
    fn about_one_unlock_in_four_is_preempted_within_the_bound() {
        let max = Duration::from_millis(5);
        let mut p = Preemption::new(7, max);
        let draws: Vec<_> = (0..40_000).map(|_| p.draw()).collect();
        let delays: Vec<Duration> = draws.iter().flatten().copied().collect();
        let expected = draws.len() / ONE_IN as usize;
        assert!(
            delays.len().abs_diff(expected) < expected / 10,
            "{} preemptions in {} unlocks",
            delays.len(),
            draws.len()
        );
        assert!(delays.iter().all(|d| *d <= max));
        assert!(delays.iter().any(|d| *d < max / 10));
        assert!(delays.iter().any(|d| *d > max * 9 / 10));
    }

    #[test]
    fn the_same_seed_draws_the_same_delays() {
        let draws = |seed| {
            let mut p = Preemption::new(seed, Duration::from_millis(1));
            (0..100).map(|_| p.draw()).collect::<Vec<_>>()
        };
        assert_eq!(draws(3), draws(3));
        assert_ne!(draws(3), draws(4));
    }
}
