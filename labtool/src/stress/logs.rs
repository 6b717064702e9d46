//! The output of every failed run, a file each:
//! `target/stress/<test>-<seed>.log`, the test's `::` spelled `.`.
//!
//! A session first removes the old logs of the tests it runs, and only
//! theirs: a session on other tests may be writing beside it.

use std::path::{Path, PathBuf};

use super::StressError;
use super::pool::Done;
use super::suite::Suite;

/// The directory of a session's logs.
#[derive(Clone, Debug)]
pub struct Logs {
    /// `stress` in the target directory.
    pub dir: PathBuf,
}

impl Logs {
    /// `stress` in the target directory `suite` was built in.
    pub fn of(suite: &Suite) -> Logs {
        // The binary is <target>/debug/deps/<name>-<hash>.
        let target = suite.binary.ancestors().nth(3).map(Path::to_path_buf);
        let target = target.unwrap_or_else(|| suite.package_dir.join("../target"));
        Logs {
            dir: target.join("stress"),
        }
    }

    /// Removes the logs an earlier session left of `tests`.
    pub fn clear<'a>(&self, tests: impl IntoIterator<Item = &'a str>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let files: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        for test in tests {
            for file in files.iter().filter(|f| is_log_of(f, test)) {
                let _ = std::fs::remove_file(self.dir.join(file));
            }
        }
    }

    /// Writes the output of the failed run `done` of `test`.
    pub fn write(&self, test: &str, done: &Done) -> Result<(), StressError> {
        let path = self.dir.join(file_name(test, done.run.job.seed));
        let failed = |error| StressError::Log {
            path: path.clone(),
            error,
        };
        std::fs::create_dir_all(&self.dir).map_err(failed)?;
        let message = done.run.outcome.message().unwrap_or_default();
        let text = format!(
            "{test}, seed {}, {:.2}s wall: {message}\n\n{}",
            done.run.job.seed,
            done.run.wall.as_secs_f64(),
            done.output
        );
        std::fs::write(&path, text).map_err(failed)
    }
}

/// The log's file name of `test` on `seed`.
pub fn file_name(test: &str, seed: u64) -> String {
    format!("{}-{seed}.log", test.replace("::", "."))
}

/// Whether `file` is the log of a run of `test`, on any seed.
pub fn is_log_of(file: &str, test: &str) -> bool {
    let stem = format!("{}-", test.replace("::", "."));
    file.strip_prefix(&stem)
        .and_then(|rest| rest.strip_suffix(".log"))
        .is_some_and(|seed| seed.parse::<u64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_is_named_by_test_and_seed_and_told_apart_from_others() {
        let test = "election::re_election_2a";
        let file = file_name(test, 17);
        assert_eq!(file, "election.re_election_2a-17.log");
        assert!(is_log_of(&file, test));
        assert!(!is_log_of(&file, "election::initial_election_2a"));
        assert!(!is_log_of("election.re_election_2a-x.log", test));
        assert!(!is_log_of(&file_name("re_election_2a", 3), "re_election"));
    }
}
