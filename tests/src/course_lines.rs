//! The course's start and Passed lines, printed once per test however many
//! seeds it runs with, and the [`Section`] between them.
//!
//! With one seed the lines print as they come, as in the course. With
//! `LAB_SEEDS=n` the first seed's start line prints at once (so a slow test
//! shows what it is doing); from its first Passed line on, its lines are
//! held, and print after every seed has passed, the Passed lines marked
//! `(n seeds)`. Later seeds print nothing, and a failure drops what is held:
//! no Passed line for a test that failed.
//!
//! The state is per OS thread: a sim run stays on its test's OS thread.

use std::cell::RefCell;

use labrpc::Network;
use labrt::time::Instant;

enum Line {
    Start(String),
    /// A Passed line's figures: `time 3.1s #peers 3 ...`.
    Passed(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A test with one seed, or code outside [`crate::run`].
    Print,
    /// The first of several seeds.
    First,
    /// A later seed, whose lines repeat the first seed's.
    Quiet,
}

struct Lines {
    mode: Mode,
    /// The first seed's lines from its first Passed line on.
    held: Option<Vec<Line>>,
}

thread_local! {
    static LINES: RefCell<Lines> = const {
        RefCell::new(Lines {
            mode: Mode::Print,
            held: None,
        })
    };
}

/// Prints the start line `Test (2A): initial election ...`.
pub(crate) fn start(description: &str) {
    emit(Line::Start(format!("{description} ...")));
}

/// Prints the start line `line` as it is, for suites whose course lines
/// carry their own dots (`Test: servers miss configuration changes...`).
pub(crate) fn start_verbatim(line: &str) {
    emit(Line::Start(line.to_string()));
}

/// Prints `  ... Passed --  {figures}`.
pub(crate) fn passed(figures: String) {
    emit(Line::Passed(figures));
}

/// A section of a test, from a harness's `begin` to its `end`: when it
/// began and the RPC count then, so that its Passed line reports what the
/// section alone took.
#[derive(Clone, Copy)]
pub(crate) struct Section {
    at: Instant,
    rpcs: u64,
}

impl Section {
    /// Prints the start line `{description} ...` and notes the time and
    /// the RPCs sent on `net` so far.
    pub(crate) fn begin(description: &str, net: &Network) -> Section {
        tracing::info!(target: "harness", description, "begin");
        start(description);
        Section::mark(net)
    }

    /// As [`Section::begin`], printing `line` exactly as given.
    pub(crate) fn begin_verbatim(line: &str, net: &Network) -> Section {
        tracing::info!(target: "harness", description = line, "begin");
        start_verbatim(line);
        Section::mark(net)
    }

    fn mark(net: &Network) -> Section {
        Section {
            at: Instant::now(),
            rpcs: net.total_count(),
        }
    }

    /// The figures every Passed line opens with, since the section began:
    /// `time 3.1s #peers 3 #RPCs 120`, where `members` names what `n`
    /// counts. A harness appends its own.
    pub(crate) fn figures(&self, net: &Network, members: &str, n: usize) -> String {
        let rpcs = net.total_count() - self.rpcs;
        let secs = self.at.elapsed().as_secs_f64();
        format!("time {secs:.1}s #{members} {n} #RPCs {rpcs}")
    }
}

fn emit(line: Line) {
    LINES.with_borrow_mut(|lines| match (lines.mode, &mut lines.held) {
        (Mode::Print, _) => print(&line, None),
        (Mode::First, None) if matches!(line, Line::Start(_)) => print(&line, None),
        (Mode::First, held) => held.get_or_insert_with(Vec::new).push(line),
        (Mode::Quiet, _) => {}
    });
}

fn print(line: &Line, seeds: Option<u64>) {
    match (line, seeds) {
        (Line::Start(text), _) => println!("{text}"),
        (Line::Passed(figures), None) => println!("  ... Passed --  {figures}"),
        (Line::Passed(figures), Some(n)) => println!("  ... Passed ({n} seeds) --  {figures}"),
    }
}

/// The runner is about to run seed `i` (from 0) of `count`.
pub(crate) fn seed(i: u64, count: u64) {
    LINES.with_borrow_mut(|lines| {
        lines.mode = match (i, count) {
            (_, 1) => Mode::Print,
            (0, _) => Mode::First,
            _ => Mode::Quiet,
        };
        if i == 0 {
            lines.held = None;
        }
    });
}

/// The runner replays a failed seed: its lines were printed already.
pub(crate) fn replaying() {
    LINES.with_borrow_mut(|lines| lines.mode = Mode::Quiet);
}

/// Every one of `count` seeds passed: prints the lines held from the first.
pub(crate) fn all_passed(count: u64) {
    let held = LINES.with_borrow_mut(|lines| lines.held.take());
    for line in held.iter().flatten() {
        print(line, Some(count));
    }
}

/// The test is over, passed or not: what is held is dropped, and lines
/// print as they come again.
pub(crate) fn reset() {
    LINES.set(Lines {
        mode: Mode::Print,
        held: None,
    });
}
