//! The determinism check: a sim run of a seed, run again, must do the
//! same. A passing run prints its schedule's digest (`seed 7 trace
//! 9f3a61c0`); a failing one, its message and the virtual time it failed
//! at. A submission whose runs differ is flagged, with the lines of its
//! code that most often cause it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{Report, trace};
use crate::stress::outcome::Outcome;

/// The fingerprint of a run that hung.
pub const HUNG: &str = "hung";

/// What a sim run showed of its schedule, to be compared with a rerun.
pub fn fingerprint(outcome: &Outcome, output: &str) -> String {
    match outcome {
        Outcome::Passed => match trace(output) {
            Some(trace) => format!("passed, trace {trace}"),
            None => "passed, no trace printed".to_string(),
        },
        Outcome::Failed { message, .. } => {
            let at = Report::parse(output)
                .clock_secs
                .map_or_else(String::new, |secs| format!(" at {secs:.3}s"));
            format!("failed{at}: {message}")
        }
        Outcome::Hung { .. } => HUNG.to_string(),
    }
}

/// A run whose rerun did otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// The test.
    pub test: String,
    /// The seed both runs had, unless secret.
    pub seed: Option<u64>,
    /// What the first run showed.
    pub first: String,
    /// What the rerun showed.
    pub second: String,
}

/// A line of student code that can make a sim run differ from its rerun.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspect {
    /// The file, relative to the submission's root.
    pub path: String,
    /// Its line, from 1.
    pub line: usize,
    /// What it does that labrt cannot replay.
    pub why: String,
}

/// Code that escapes labrt, as the words a line holds, and why it breaks
/// replay. A line is suspect if it holds every word of a pattern.
const SUSPECTS: &[(&[&str], &str)] = &[
    (
        &["std::time", "Instant"],
        "reads the machine's clock (std::time::Instant), not labrt::time",
    ),
    (
        &["SystemTime"],
        "reads the machine's clock (SystemTime), not labrt::time",
    ),
    (
        &["std::thread"],
        "uses std threads or sleeps, which labrt does not schedule; use labrt::thread",
    ),
    (
        &["HashMap"],
        "iterates in an order that differs from run to run; use BTreeMap",
    ),
    (
        &["HashSet"],
        "iterates in an order that differs from run to run; use BTreeSet",
    ),
    (
        &["RandomState"],
        "hashes with a fresh random key in every process",
    ),
    (
        &["thread_rng"],
        "draws from a generator labrt does not seed; use labrt::rand",
    ),
    (
        &["rand::random"],
        "draws from a generator labrt does not seed; use labrt::rand",
    ),
    (
        &["std::sync::mpsc"],
        "uses std channels, which labrt does not schedule; use labrt::chan",
    ),
    (
        &["std::sync", "Mutex"],
        "uses a std lock, which labrt does not schedule; use labrt::sync",
    ),
];

/// The lines of `files` (relative to `root`) that match a [`SUSPECTS`]
/// pattern, outside comments.
pub fn suspects(root: &Path, files: &[impl AsRef<Path>]) -> Vec<Suspect> {
    let mut found = Vec::new();
    for file in files {
        let file = file.as_ref();
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let holds = |words: &&[&str]| words.iter().all(|w| code.contains(w));
            if let Some((_, why)) = SUSPECTS.iter().find(|(words, _)| holds(words)) {
                found.push(Suspect {
                    path: file.display().to_string(),
                    line: index + 1,
                    why: why.to_string(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn runs_are_compared_by_trace_or_by_failure_and_clock() {
        let passed = "  ... Passed --  time 3.0s\n  seed 7 trace 0badf00d\n";
        assert_eq!(
            fingerprint(&Outcome::Passed, passed),
            "passed, trace 0badf00d"
        );
        let failed = Outcome::Failed {
            message: "expected one leader, got none".to_string(),
            replay: None,
        };
        let output = "labrt: thread 'main' panicked at a.rs:1:2: expected one leader, got none\n  \
                      sim seed 7, virtual time 5.083s\n";
        assert_eq!(
            fingerprint(&failed, output),
            "failed at 5.083s: expected one leader, got none"
        );
    }

    #[test]
    fn code_that_escapes_labrt_is_named_by_line() {
        let root = std::env::temp_dir().join(format!("labtool-suspects-{}", std::process::id()));
        std::fs::create_dir_all(root.join("raft/src")).unwrap();
        let source = "use std::collections::HashMap;\n// std::thread::sleep in a comment\n\
                      fn f() { let t = std::time::Instant::now(); }\nuse std::time::Duration;\n";
        std::fs::write(root.join("raft/src/lib.rs"), source).unwrap();
        std::fs::write(root.join("raft/src/notes.txt"), "HashMap").unwrap();
        let files = [
            PathBuf::from("raft/src/lib.rs"),
            PathBuf::from("raft/src/notes.txt"),
        ];
        let found = suspects(&root, &files);
        std::fs::remove_dir_all(&root).unwrap();
        let lines: Vec<(usize, &str)> = found.iter().map(|s| (s.line, s.why.as_str())).collect();
        assert_eq!(
            lines,
            [
                (
                    1,
                    "iterates in an order that differs from run to run; use BTreeMap"
                ),
                (
                    3,
                    "reads the machine's clock (std::time::Instant), not labrt::time"
                ),
            ]
        );
    }
}
