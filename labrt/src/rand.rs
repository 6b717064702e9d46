//! Randomness: the run's seeded random stream, for use with `rand`.
//!
//! ```
//! use labrt::rand::RngExt;
//! labrt::Config::sim(7).run(|| {
//!     let timeout = labrt::rand::rng().random_range(150..300);
//!     assert!((150..300).contains(&timeout));
//! });
//! ```
//!
//! In sim, the same seed gives the same draws in the same order. Never use
//! `rand::rng()` or another process-wide source in lab code: its draws cannot
//! be replayed.

use std::convert::Infallible;

use rand::TryRng;
pub use rand::{Rng, RngExt};

use crate::context::{self, Ctx};

/// A handle on the current run's random stream. Implements [`Rng`], so every
/// method of [`RngExt`] works on it.
pub struct RunRng {
    ctx: Ctx,
}

/// The current run's random stream.
///
/// # Panics
/// If called outside a labrt run.
#[track_caller]
pub fn rng() -> RunRng {
    RunRng {
        ctx: context::current("labrt::rand::rng"),
    }
}

impl TryRng for RunRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(match &self.ctx {
            Ctx::Real(run) => run.with_rng(|r| r.next_u64()),
            Ctx::Sim(kernel) => {
                // A draw from another thread would change the run's stream
                // at a moment no seed can replay.
                kernel.check_current("labrt::rand::RunRng");
                kernel.with_user_rng(|r| r.next_u64())
            }
        })
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        match &self.ctx {
            Ctx::Real(run) => run.with_rng(|r| r.fill_bytes(dst)),
            Ctx::Sim(kernel) => {
                kernel.check_current("labrt::rand::RunRng");
                kernel.with_user_rng(|r| r.fill_bytes(dst))
            }
        }
        Ok(())
    }
}
