//! The scheduling policy: which runnable thread goes next.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// Picks uniformly at random among the runnable threads, from the run's seed.
///
/// Xoshiro256++ is named explicitly (not `SmallRng`) because its output must
/// never change under us: a seed is a promise to replay the same schedule.
pub(crate) struct Scheduler {
    rng: Xoshiro256PlusPlus,
}

impl Scheduler {
    pub(crate) fn new(seed: u64) -> Self {
        Scheduler {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// Index of the next thread among `runnable` candidates (at least one).
    pub(crate) fn pick(&mut self, runnable: usize) -> usize {
        if runnable == 1 {
            0
        } else {
            self.rng.random_range(0..runnable)
        }
    }
}
