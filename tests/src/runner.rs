//! Runs one lab test under labrt: once in real mode, or over one or more
//! seeds in sim, stopping at the first seed that fails.

use std::ffi::OsStr;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use labrt::{Backend, Config, Failure};
use tracing::Dispatch;

use crate::course_lines;
use crate::logging::{self, with_log};

/// Where the logs of replayed failures go, if not under the target
/// directory.
pub const ENV_LOG_DIR: &str = "LAB_LOG_DIR";

/// `off` (as the grader sets it) replays no failing seed for its log.
pub const ENV_REPLAY_LOG: &str = "LAB_REPLAY_LOG";

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
    /// `LAB_LOG` is not a filter.
    Log(String),
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

/// What the environment asks of a test: the run's configuration, the
/// number of seeds, and where `LAB_LOG` sends events, if anywhere.
struct Settings {
    config: Config,
    seeds: u64,
    log: Option<Dispatch>,
}

fn from_env() -> Result<Settings, EnvError> {
    let config = Config::try_from_env().map_err(EnvError::Labrt)?;
    let seeds = seeds_from(std::env::var_os(ENV_SEEDS).as_deref())?;
    let log = logging::filter_from_env().map_err(EnvError::Log)?;
    Ok(Settings {
        config,
        seeds,
        log: log.map(logging::to_stderr),
    })
}

/// [`from_env`], checked once per process: a bad value is reported once
/// and ends the process with status 2, rather than failing every test the
/// same way. Each test still draws its own fresh seed when `LAB_SEED` is
/// unset.
fn settings() -> Settings {
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
    run_as(settings(), body);
}

/// [`run`], with preemption at unlock in sim up to `max` of virtual time
/// ([`labrt::Config::with_preemption`]), whatever `LAB_PREEMPT_MS` says:
/// for scenarios that catch a race of code working outside a lock, which
/// sim cannot reach without it. Real runs ignore it; failures print it in
/// their replay command.
pub fn run_preempting(max: Duration, body: impl Fn()) {
    let settings = settings();
    let config = settings.config.with_preemption(max);
    run_as(Settings { config, ..settings }, body);
}

/// Runs `body` as `settings` say, on their seeds from their seed in sim.
fn run_as(settings: Settings, body: impl Fn()) {
    let Settings {
        config,
        seeds: count,
        log,
    } = settings;
    if config.backend == Backend::Real {
        let report = with_log(log.as_ref(), || config.run(&body));
        println!("  {report}");
        return;
    }
    for i in 0..count {
        let seed = config.seed.wrapping_add(i);
        course_lines::seed(i, count);
        let run = Config { seed, ..config };
        let outcome = with_log(log.as_ref(), || run.try_run(&body));
        // Without logs, the failing seed runs again with every event
        // written to a file: sim replays it exactly.
        let outcome = match outcome {
            Err(failure) if log.is_none() && replays() => Err(with_replay_log(run, failure, &body)),
            outcome => outcome.map_err(|failure| failure.to_string()),
        };
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

/// Replays `run`, which failed with `failure`, writing every event to a
/// file, and returns the failure's report with the file's path, or with
/// why there is none. The replay fails the same way unless something
/// escapes labrt.
fn with_replay_log(run: Config, failure: Box<Failure>, body: &impl Fn()) -> String {
    let test = failure.test.clone().unwrap_or_else(|| "run".to_string());
    let path = log_dir().join(format!(
        "{}-seed{}.jsonl",
        test.replace("::", "."),
        run.seed
    ));
    let log = match logging::to_file(&path, &test, Some(run.seed), "sim") {
        Ok(log) => log,
        Err(error) => {
            return format!(
                "{failure}
  (no log: {}: {error})",
                path.display()
            );
        }
    };
    course_lines::replaying();
    let replay = with_log(Some(&log), || run.try_run(body));
    drop(log);
    if let Err(again) = &replay {
        let message = again.kind.to_string();
        // A failure to mark it, or to keep the timeline, only loses that.
        let _ = logging::append_failure(&path, again.elapsed, &message);
        if let Some(timeline) = message
            .split("timeline in ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
        {
            let _ = std::fs::copy(timeline, path.with_extension("linearizability.html"));
        }
    }
    match replay {
        Err(again) if again.kind == failure.kind && again.elapsed == failure.elapsed => format!(
            "{failure}
  log: {} (the replay, every event; `lab view` draws it, `lab logs` \
             prints it)",
            path.display()
        ),
        Err(again) => format!(
            "{failure}
  (the replay with every event logged failed otherwise, at {:.3}s: {}; \
             something escapes labrt. Its log: {})",
            again.elapsed.as_secs_f64(),
            again.kind,
            path.display()
        ),
        Ok(_) => format!(
            "{failure}
  (the replay with every event logged passed: something escapes labrt. \
             Its log: {})",
            path.display()
        ),
    }
}

/// Whether a failing seed is replayed for its log: unless
/// `LAB_REPLAY_LOG=off`.
fn replays() -> bool {
    std::env::var_os(ENV_REPLAY_LOG).is_none_or(|value| value != "off")
}

/// `LAB_LOG_DIR`, or `lab-logs` in the target directory the test binary
/// was built in (`target/<profile>/deps/<binary>`), or `lab-logs` here.
fn log_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(ENV_LOG_DIR).filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(PathBuf::from));
    target.unwrap_or_default().join("lab-logs")
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
            EnvError::Log(message) => write!(
                f,
                "{message}; use topics and levels such as {}=debug or \
                 {}=election=debug,net=info, or leave it unset",
                logging::ENV_LOG,
                logging::ENV_LOG
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
            (
                "LAB_LOG",
                "election=loud",
                "LAB_LOG=\"election=loud\" is not a filter",
            ),
        ] {
            let (code, stderr) = probes_with(var, value);
            assert_eq!(code, Some(2), "{var}={value}: {stderr}");
            assert_eq!(stderr.matches("error: ").count(), 1, "{stderr}");
            assert!(stderr.contains(says), "{stderr}");
        }
    }

    /// A Raft cluster's election, then a failure of the harness's: the
    /// probe the replay checks below run.
    fn election_then_failure() {
        let cfg = crate::RaftConfig::new(crate::Setup {
            peers: 3,
            ..crate::Setup::default()
        });
        cfg.check_one_leader();
        cfg.fail("the probe fails on purpose after an election");
    }

    #[test]
    #[ignore = "fails on purpose: run by the replay checks below, in a process of its own"]
    fn replay_probe() {
        super::run(election_then_failure);
    }

    /// Whether [`replay_probe_differing`] has run in this process.
    static DIFFERING_RAN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

    #[test]
    #[ignore = "fails on purpose: run by the replay checks below, in a process of its own"]
    fn replay_probe_differing() {
        super::run(|| {
            // Something outside labrt: only the first run fails.
            if !DIFFERING_RAN.swap(true, std::sync::atomic::Ordering::Relaxed) {
                election_then_failure();
            }
        });
    }

    /// Runs an ignored probe of this binary in sim with seed 5 and logs
    /// going to `dir`; returns its stdout and stderr, together.
    fn replay_probe_output(probe: &str, dir: &std::path::Path) -> String {
        let exe = std::env::current_exe().expect("the test binary's path");
        let output = Command::new(exe)
            .args([probe, "--exact", "--ignored", "--nocapture"])
            .env("LAB_RUNTIME", "sim")
            .env("LAB_SEED", "5")
            .env_remove("LAB_SEEDS")
            .env_remove("LAB_LOG")
            .env_remove(super::ENV_REPLAY_LOG)
            .env(super::ENV_LOG_DIR, dir)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        format!("{stdout}{stderr}")
    }

    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("lab-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_failing_sim_test_is_replayed_with_every_event_logged() {
        let dir = scratch_dir("replay-log");
        let output = replay_probe_output("runner::tests::replay_probe", &dir);
        let path = dir.join("runner.tests.replay_probe-seed5.jsonl");
        assert!(
            output.contains(&format!("  log: {} (the replay", path.display())),
            "{output}"
        );
        assert!(output.contains("the probe fails on purpose"), "{output}");
        assert!(output.contains("replay: "), "{output}");
        let log = std::fs::read_to_string(&path).expect("the replay's log");
        let lines: Vec<serde_json::Value> = log
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        assert_eq!(lines[0]["lab_log"], 1);
        assert_eq!(lines[0]["test"], "runner::tests::replay_probe");
        assert_eq!(lines[0]["seed"], 5);
        let has = |topic: &str, msg: &str| {
            lines[1..]
                .iter()
                .any(|l| l["topic"] == topic && l["msg"] == msg)
        };
        assert!(has("election", "role") && has("election", "vote"), "{log}");
        assert!(has("net", "rpc") && has("harness", "restart"), "{log}");
        let leader = lines[1..]
            .iter()
            .find(|l| l["msg"] == "role" && l["f"]["role"] == "leader")
            .expect("a leader's role change");
        assert!(leader["peer"].as_u64().is_some_and(|p| p < 3), "{leader}");
        let times: Vec<u64> = lines[1..]
            .iter()
            .map(|l| l["t_us"].as_u64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "times go back");

        // The failure closes the log, at the time of the run's failure.
        let last = lines.last().unwrap();
        assert_eq!(
            (&last["msg"], &last["level"]),
            (&"fail".into(), &"error".into())
        );
        assert!(
            last["f"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("the probe fails on purpose")),
            "{last}"
        );
        let at = output
            .lines()
            .find_map(|l| l.split("virtual time ").nth(1))
            .and_then(|t| t.trim_end_matches('s').parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no virtual time in {output}"));
        let logged = last["t_us"].as_u64().unwrap() as f64 / 1e6;
        assert!(
            (logged - at).abs() < 0.001,
            "failed at {at}s, logged at {logged}s"
        );

        // A seed's log is the same, byte for byte, on every run.
        let again = scratch_dir("replay-log-again");
        replay_probe_output("runner::tests::replay_probe", &again);
        let second = std::fs::read(again.join("runner.tests.replay_probe-seed5.jsonl"));
        assert!(
            second.is_ok_and(|second| second == log.as_bytes()),
            "the logs differ"
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&again);
    }

    #[test]
    fn a_replay_that_does_not_fail_alike_is_reported() {
        let dir = scratch_dir("replay-differs");
        let output = replay_probe_output("runner::tests::replay_probe_differing", &dir);
        assert!(
            output.contains("(the replay with every event logged passed: something escapes labrt"),
            "{output}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
