//! labrt's own tests: one binary, a module per concern.

mod chan;
mod determinism;
mod guard;
mod preempt;
mod stall;
mod stub;
mod sync;
mod teardown;
mod thread;
mod time;

use labrt::Config;

/// Seeds every sim test runs with.
const SIM_SEEDS: std::ops::Range<u64> = 0..8;

/// Runs `body` in sim with several seeds, then once in real.
pub fn both(body: impl Fn()) {
    for seed in SIM_SEEDS {
        Config::sim(seed).run(&body);
    }
    Config::real(0).run(&body);
}
