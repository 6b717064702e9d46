//! Runs one lab test under labrt: once in real mode, or over one or more
//! seeds in sim, stopping at the first seed that fails.

use std::cell::Cell;

use labrt::{Backend, Config};

/// How many consecutive seeds each sim test runs with.
pub const ENV_SEEDS: &str = "LAB_SEEDS";

thread_local! {
    /// Set while a test runs a seed after its first, so the course lines
    /// are printed once, not once per seed. Sim runs stay on the test's
    /// own OS thread, so the harness sees this value.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether the harness should keep its course lines to itself.
pub(crate) fn quiet() -> bool {
    QUIET.with(Cell::get)
}

fn seeds() -> u64 {
    match std::env::var(ENV_SEEDS) {
        Err(_) => 1,
        Ok(v) if v.is_empty() => 1,
        Ok(v) => match v.parse() {
            Ok(n) if n > 0 => n,
            _ => panic!("{ENV_SEEDS}={v:?} is not a positive number of seeds"),
        },
    }
}

/// Runs one lab test's `body` as the environment says; panics with the
/// failure and its replay command if any run fails.
pub fn run(body: impl Fn()) {
    let config = Config::from_env();
    if config.backend == Backend::Real {
        let report = config.run(&body);
        println!("  {report}");
        return;
    }
    let count = seeds();
    for i in 0..count {
        let seed = config.seed.wrapping_add(i);
        QUIET.with(|q| q.set(i > 0));
        let outcome = Config::sim(seed).try_run(&body);
        QUIET.with(|q| q.set(false));
        match outcome {
            Ok(report) if i == 0 => match report.trace {
                Some(trace) => println!("  seed {seed} trace {:08x}", trace as u32),
                None => println!("  {report}"),
            },
            Ok(_) => {}
            Err(failure) if count > 1 => {
                panic!(
                    "{failure}  (seed {} of the {count} from {})",
                    i + 1,
                    config.seed
                )
            }
            Err(failure) => panic!("{failure}"),
        }
    }
    if count > 1 {
        println!(
            "  {count} seeds passed, {} to {}",
            config.seed,
            config.seed.wrapping_add(count - 1)
        );
    }
}
