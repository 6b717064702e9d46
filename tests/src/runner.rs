//! Runs one lab test under labrt: once in real mode, or over one or more
//! seeds in sim, stopping at the first seed that fails.

use std::ffi::OsStr;
use std::fmt;
use std::io::Write;
use std::sync::Once;
use std::time::Duration;

use labrt::{Backend, Config};

use crate::course_lines;

/// How many consecutive seeds each sim test runs with.
pub const ENV_SEEDS: &str = "LAB_SEEDS";

/// A `LAB_*` variable holds a value the harness cannot use.
#[derive(Debug)]
enum EnvError {
    /// A variable labrt reads: `LAB_RUNTIME`, `LAB_SEED`, `LAB_STALL_SECS`,
    /// `LAB_PREEMPT_MS`.
    Labrt(labrt::EnvError),
    /// `LAB_SEEDS` is not a positive integer.
    Seeds {
        /// The value found.
        value: String,
    },
}

/// The number of seeds `LAB_SEEDS` asks for; unset or empty is one.
fn seeds_from(value: Option<&OsStr>) -> Result<u64, EnvError> {
    let bad = || EnvError::Seeds {
        value: value
            .map(|v| v.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    match value.map(OsStr::to_str) {
        None | Some(Some("")) => Ok(1),
        Some(Some(v)) => v.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(bad),
        Some(None) => Err(bad()),
    }
}

/// The run's configuration and number of seeds, from the environment.
fn from_env() -> Result<(Config, u64), EnvError> {
    let config = Config::try_from_env().map_err(EnvError::Labrt)?;
    let seeds = seeds_from(std::env::var_os(ENV_SEEDS).as_deref())?;
    Ok((config, seeds))
}

/// [`from_env`], checked once per process: a bad value is reported once
/// and ends the process with status 2, rather than failing every test the
/// same way. Each test still draws its own fresh seed when `LAB_SEED` is
/// unset.
fn settings() -> (Config, u64) {
    static CHECKED: Once = Once::new();
    // Other tests wait here while the first one reports and exits.
    CHECKED.call_once(|| {
        if let Err(error) = from_env() {
            stop(&error);
        }
    });
    from_env().unwrap_or_else(|error| stop(&error))
}

fn stop(error: &EnvError) -> ! {
    // Straight to stderr: the test harness captures eprintln! in tests.
    let _ = writeln!(
        std::io::stderr(),
        "\nerror: {error}\n(no lab test runs with this environment; the suite stops here)\n"
    );
    std::process::exit(2)
}

/// Runs one lab test's `body` as the environment says; panics with the
/// failure and its replay command if any run fails.
///
/// A bad `LAB_RUNTIME`, `LAB_SEED` or `LAB_SEEDS` ends the whole process
/// with a message and status 2.
pub fn run(body: impl Fn()) {
    let (config, count) = settings();
    run_as(config, count, body);
}

/// [`run`], with preemption at unlock in sim up to `max` of virtual time
/// ([`labrt::Config::with_preemption`]), whatever `LAB_PREEMPT_MS` says:
/// for scenarios that catch a race of code working outside a lock, which
/// sim cannot reach without it. Real runs ignore it; failures print it in
/// their replay command.
pub fn run_preempting(max: Duration, body: impl Fn()) {
    let (config, count) = settings();
    run_as(config.with_preemption(max), count, body);
}

/// Runs `body` with `config`, on `count` seeds from its seed in sim.
fn run_as(config: Config, count: u64, body: impl Fn()) {
    if config.backend == Backend::Real {
        let report = config.run(&body);
        println!("  {report}");
        return;
    }
    for i in 0..count {
        let seed = config.seed.wrapping_add(i);
        course_lines::seed(i, count);
        let outcome = Config { seed, ..config }.try_run(&body);
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

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvError::Labrt(error) => error.fmt(f),
            EnvError::Seeds { value } => write!(
                f,
                "{ENV_SEEDS}={value:?} is not a number of seeds; use a positive integer such as \
                 {ENV_SEEDS}=100, or leave it unset for one seed"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::process::Command;

    use super::{EnvError, seeds_from};

    #[test]
    fn seeds_are_a_positive_count_or_unset() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert_eq!(seeds_from(None).unwrap(), 1);
        assert_eq!(seeds_from(os("")).unwrap(), 1);
        assert_eq!(seeds_from(os("500")).unwrap(), 500);
        for bad in ["0", "-3", "x", "1.5"] {
            assert!(
                matches!(seeds_from(os(bad)), Err(EnvError::Seeds { value }) if value == bad),
                "{bad}"
            );
        }
    }

    // Three tests for the check below to run with a bad environment.
    #[test]
    fn probe_a() {
        super::run(|| {});
    }
    #[test]
    fn probe_b() {
        super::run(|| {});
    }
    #[test]
    fn probe_c() {
        super::run(|| {});
    }

    /// Runs this test binary's probes with `var=value`; returns the exit
    /// code and stderr.
    fn probes_with(var: &str, value: &str) -> (Option<i32>, String) {
        let exe = std::env::current_exe().expect("the test binary's path");
        let output = Command::new(exe)
            .args(["runner::tests::probe_", "--test-threads=3"])
            .env_remove("LAB_RUNTIME")
            .env_remove("LAB_SEED")
            .env_remove("LAB_SEEDS")
            .env(var, value)
            .output()
            .expect("the test binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code(), stderr)
    }

    /// How many seeds the seed probes below have run in this process.
    static SEED_RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    /// A test whose lines the multi-seed checks below read; it fails on
    /// the run `fail_on` (counted from 1), if any.
    fn seed_probe(fail_on: Option<u64>) {
        super::run(|| {
            let run = SEED_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            crate::course_lines::start("Test (probe): seeds");
            assert_ne!(Some(run), fail_on, "the probe fails on its run {run}");
            crate::course_lines::passed("time 0.0s".to_string());
        });
    }

    #[test]
    #[ignore = "run by the multi-seed checks below, in a process of its own"]
    fn seed_probe_passing() {
        seed_probe(None);
    }

    #[test]
    #[ignore = "run by the multi-seed checks below, in a process of its own"]
    fn seed_probe_failing_on_its_third_seed() {
        seed_probe(Some(3));
    }

    /// Runs one ignored probe of this binary on seeds 10 to 10 + seeds - 1;
    /// returns its stdout and stderr, together.
    fn seed_probe_output(probe: &str, seeds: &str) -> String {
        let exe = std::env::current_exe().expect("the test binary's path");
        let output = Command::new(exe)
            .args([probe, "--exact", "--ignored", "--nocapture"])
            .env_remove("LAB_RUNTIME")
            .env("LAB_SEED", "10")
            .env("LAB_SEEDS", seeds)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        format!("{stdout}{stderr}")
    }

    #[test]
    fn with_several_seeds_the_passed_line_prints_once_after_all_passed() {
        let output = seed_probe_output("runner::tests::seed_probe_passing", "3");
        assert_eq!(
            output.matches("Test (probe): seeds ...").count(),
            1,
            "{output}"
        );
        assert_eq!(output.matches("Passed").count(), 1, "{output}");
        assert!(
            output.contains("  ... Passed (3 seeds) --  time 0.0s"),
            "{output}"
        );
        assert!(output.contains("3 seeds passed, 10 to 12"), "{output}");
    }

    #[test]
    fn a_seed_that_fails_prints_no_passed_line_and_a_replay_that_pastes_whole() {
        let output = seed_probe_output("runner::tests::seed_probe_failing_on_its_third_seed", "5");
        assert!(!output.contains("Passed"), "{output}");
        let replay = output
            .lines()
            .find(|l| l.trim_start().starts_with("replay: "))
            .unwrap_or_else(|| panic!("no replay line in {output}"));
        assert!(
            replay.ends_with(
                "LAB_SEED=12 cargo test -p tests --lib runner::tests::seed_probe_failing_on_its_third_seed -- --exact"
            ),
            "{replay}"
        );
        assert!(
            output.contains("\n  (seed 3 of the 5 seeds from 10)"),
            "{output}"
        );
    }

    #[test]
    fn a_bad_variable_stops_the_suite_once_with_status_2() {
        for (var, value, says) in [
            ("LAB_SEED", "x", "LAB_SEED=\"x\" is not a seed"),
            (
                "LAB_RUNTIME",
                "bogus",
                "LAB_RUNTIME=\"bogus\" is not a backend",
            ),
            ("LAB_SEEDS", "0", "LAB_SEEDS=\"0\" is not a number of seeds"),
        ] {
            let (code, stderr) = probes_with(var, value);
            assert_eq!(code, Some(2), "{var}={value}: {stderr}");
            assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
            assert!(stderr.contains(says), "{stderr}");
        }
    }
}
