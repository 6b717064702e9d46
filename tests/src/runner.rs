//! Runs one lab test under labrt: once in real mode, or over one or more
//! seeds in sim, stopping at the first seed that fails.

use labrt::{Backend, Config};

use crate::course_lines;

/// How many consecutive seeds each sim test runs with.
pub const ENV_SEEDS: &str = "LAB_SEEDS";

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
        course_lines::seed(i, count);
        let outcome = Config::sim(seed).try_run(&body);
        match outcome {
            Ok(report) if count == 1 => match report.trace {
                Some(trace) => println!("  seed {seed} trace {:08x}", trace as u32),
                None => println!("  {report}"),
            },
            Ok(_) => {}
            Err(failure) => {
                course_lines::reset();
                if count == 1 {
                    panic!("{failure}");
                }
                // On its own line, so that the replay line pastes whole.
                panic!(
                    "{failure}\n  (seed {} of the {count} seeds from {})",
                    i + 1,
                    config.seed
                );
            }
        }
    }
    if count > 1 {
        course_lines::all_passed(count);
        println!(
            "  {count} seeds passed, {} to {}",
            config.seed,
            config.seed.wrapping_add(count - 1)
        );
    }
    course_lines::reset();
}
