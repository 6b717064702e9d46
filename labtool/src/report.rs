//! What a lab test binary prints that the tools read: its list of tests,
//! and about a failure, labrt's failure report or failing that a plain
//! Rust panic.
//!
//! ```text
//! labrt: thread 'main' panicked at tests/src/raft_harness/checks.rs:111:9: expected one leader, got none
//!   unimplemented, reached in this run: raft::make, Raft::get_state
//!   sim seed 1, virtual time 5.083s
//!   replay: LAB_RUNTIME=sim LAB_SEED=1 cargo test -p tests --test raft election::initial_election_2a -- --exact
//! ```
//!
//! The first line says what went wrong (a panic, or `labrt: deadlock: …`
//! or `labrt: livelock: …`); labrt's `failure.rs` writes the report.

/// The report's line that lists the handout stubs a run reached.
const UNIMPLEMENTED: &str = "unimplemented, reached in this run:";
/// The report's line with the command that replays the run.
const REPLAY: &str = "replay:";

/// The pieces of a labrt failure report found in a test's output; each is
/// taken from the first line that gives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// What went wrong: the panic's message (`expected one leader, got
    /// none`), or the deadlock or livelock line.
    pub message: Option<String>,
    /// The stubs the run reached, as listed: `raft::make, Raft::get_state`.
    pub unimplemented: Option<String>,
    /// The run's seed.
    pub seed: Option<u64>,
    /// Seconds on the run's clock (virtual in sim) at the failure.
    pub clock_secs: Option<f64>,
    /// The command that replays the run, as printed.
    pub replay: Option<String>,
}

impl Report {
    /// Reads whatever parts of a report `output` holds.
    pub fn parse(output: &str) -> Report {
        let lines: Vec<&str> = output.lines().map(str::trim).collect();
        let mut report = Report::default();
        for (i, line) in lines.iter().enumerate() {
            if let Some(stubs) = line.strip_prefix(UNIMPLEMENTED) {
                report
                    .unimplemented
                    .get_or_insert_with(|| stubs.trim().to_string());
            }
            if let (None, Some((seed, secs))) = (report.seed, seed_and_clock(line)) {
                report.seed = Some(seed);
                report.clock_secs = Some(secs);
                // The report opens with the nearest `labrt: ` line above.
                report.message = lines[..i]
                    .iter()
                    .rev()
                    .find_map(|l| l.strip_prefix("labrt: "))
                    .map(failure_message);
            }
            if let Some(command) = line.strip_prefix(REPLAY) {
                report
                    .replay
                    .get_or_insert_with(|| command.trim().to_string());
            }
        }
        report
    }
}

/// What went wrong, from a report's first line less its `labrt: `: the
/// message of `thread 'main' panicked at file:1:2: message`, or the whole
/// line for the other kinds (`deadlock: …`, `livelock: …`).
fn failure_message(line: &str) -> String {
    let panic = line.strip_prefix("thread '").and_then(|thread| {
        let (_, after) = thread.split_once("' panicked")?;
        // A location (`file:line:col`) holds colons, but no colon and space.
        match after.strip_prefix(" at ") {
            Some(at) => at.split_once(": ").map(|(_, message)| message),
            None => after.strip_prefix(": "),
        }
    });
    panic.unwrap_or(line).to_string()
}

/// The seed and clock of `sim seed 1, virtual time 5.083s` or `real seed
/// 1, after 2.000s`.
fn seed_and_clock(line: &str) -> Option<(u64, f64)> {
    let rest = line
        .strip_prefix("sim seed ")
        .or_else(|| line.strip_prefix("real seed "))?;
    let (seed, clock) = rest.split_once(", ")?;
    let secs = clock
        .strip_prefix("virtual time ")
        .or_else(|| clock.strip_prefix("after "))?
        .strip_suffix('s')?;
    Some((seed.parse().ok()?, secs.parse().ok()?))
}

/// The schedule's digest a passing sim run prints after its course line,
/// `  seed 42 trace 9f3a61c0`: equal seeds must give equal traces.
pub fn trace(output: &str) -> Option<String> {
    output.lines().map(str::trim).find_map(|line| {
        let rest = line.strip_prefix("seed ")?;
        let (seed, trace) = rest.split_once(" trace ")?;
        seed.parse::<u64>().ok()?;
        Some(trace.trim().to_string())
    })
}

/// The tests a test binary's `--list` names, in its order.
pub fn listed_tests(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(String::from)
        .collect()
}

/// The message of the first plain Rust panic in `output`: the line after
/// `thread 'name' panicked at file:line:col:`.
pub fn plain_panic(output: &str) -> Option<String> {
    let mut lines = output.lines().map(str::trim);
    lines.find(|l| l.starts_with("thread '") && l.contains(" panicked at ") && l.ends_with(':'))?;
    lines.next().filter(|l| !l.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failing run of the handout, as `lab stress` captured it: stdout,
    /// then stderr (backtraces cut).
    const HANDOUT_FAILURE: &str = include_str!("../testdata/handout-re_election_2a-seed-2.txt");

    #[test]
    fn a_labrt_report_gives_message_stubs_seed_clock_and_replay() {
        assert_eq!(
            Report::parse(HANDOUT_FAILURE),
            Report {
                message: Some("expected one leader, got none".to_string()),
                unimplemented: Some("raft::make, Raft::get_state".to_string()),
                seed: Some(2),
                clock_secs: Some(5.045),
                replay: Some(
                    "LAB_RUNTIME=sim LAB_SEED=2 cargo test -p tests --test raft \
                     election::re_election_2a -- --exact"
                        .to_string()
                ),
            }
        );
    }

    #[test]
    fn other_kinds_of_failure_and_unlocated_panics_have_messages_too() {
        let message = |first: &str| {
            let output =
                format!("{first}\n  thread 'a' waits in x\n  sim seed 3, virtual time 1.000s\n");
            Report::parse(&output).message
        };
        assert_eq!(
            message("labrt: deadlock: every thread waits and no timer is pending").as_deref(),
            Some("deadlock: every thread waits and no timer is pending")
        );
        assert_eq!(
            message("labrt: stalled: the virtual clock stood still").as_deref(),
            Some("stalled: the virtual clock stood still")
        );
        assert_eq!(
            message("labrt: thread 'peer-2' panicked: index 3: out of range").as_deref(),
            Some("index 3: out of range")
        );
        assert_eq!(message("no report"), None);
    }

    #[test]
    fn a_real_runs_clock_reads_too() {
        let report = Report::parse("  real seed 12, after 2.500s\n");
        assert_eq!((report.seed, report.clock_secs), (Some(12), Some(2.5)));
    }

    #[test]
    fn a_passing_runs_trace_reads() {
        let output = "Test (2A): initial election ...\n  ... Passed --  time 3.0s #peers 3\n  \
                      seed 42 trace 9f3a61c0\ntest election::initial_election_2a ... ok\n";
        assert_eq!(trace(output).as_deref(), Some("9f3a61c0"));
        assert_eq!(trace("  sim seed 1, virtual time 5.083s\n"), None);
    }

    #[test]
    fn a_listing_names_its_tests_and_not_its_benchmarks() {
        let listing =
            "election::initial_election_2a: test\nbench_x: benchmark\n\n2 tests, 1 benchmark\n";
        assert_eq!(listed_tests(listing), ["election::initial_election_2a"]);
    }

    #[test]
    fn a_plain_panic_gives_the_line_after_its_location() {
        assert_eq!(
            plain_panic(HANDOUT_FAILURE).as_deref(),
            Some("expected one leader, got none")
        );
        assert_eq!(plain_panic("test x ... ok\n"), None);
    }
}
