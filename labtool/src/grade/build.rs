//! Building a submission's suites: one cargo call under a wall-clock
//! limit, its output kept, so a build that fails or never ends costs the
//! submission its score and nothing more.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::GradeError;
use crate::process;
use crate::stress::suite::{PACKAGE, Suite, executable};

/// The compiler output a report quotes: the first errors are what a
/// student needs, the rest is in the build's log.
const ERROR_LINES_SHOWN: usize = 60;

/// How a build ended.
#[derive(Clone, Debug)]
pub enum Built {
    /// Every suite built.
    Suites(Vec<Suite>),
    /// It failed, or ran past the limit.
    Failed {
        /// The compiler's errors, as a report quotes them.
        errors: String,
        /// Whether it was cut off at the limit.
        timed_out: bool,
    },
}

/// A build's outcome, its wall time, and all cargo printed.
pub struct Build {
    /// How it ended.
    pub built: Built,
    /// Its wall time.
    pub wall: Duration,
    /// cargo's stderr: the compiler's messages, rendered.
    pub log: String,
}

/// Builds the suites `names` of the tree at `root` into `target_dir`, as
/// `cargo test --no-run` would, killing the build past `limit`.
pub fn build(
    root: &Path,
    names: &[String],
    target_dir: &Path,
    release: bool,
    limit: Duration,
) -> Result<Build, GradeError> {
    let mut command = process::cargo();
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["test", "-p", PACKAGE, "--no-run"])
        .arg("--message-format=json-render-diagnostics");
    // The framework's lock file, when it has one, is the only one: a
    // submission builds on exactly the framework's dependencies.
    if root.join("Cargo.lock").exists() {
        command.arg("--locked");
    }
    if release {
        command.arg("--release");
    }
    for name in names {
        command.args(["--test", name]);
    }
    let finished =
        process::run_grouped(&mut command, limit).map_err(|error| GradeError::Spawn {
            command: format!("cargo test -p {PACKAGE} --no-run"),
            error,
        })?;
    let log = finished.stderr.clone();
    let built = match finished.status {
        None => Built::Failed {
            errors: format!(
                "the build ran past its limit of {}s and was stopped",
                limit.as_secs()
            ),
            timed_out: true,
        },
        Some(status) if !status.success() => Built::Failed {
            errors: compiler_errors(&finished.stderr),
            timed_out: false,
        },
        Some(_) => {
            let package_dir: PathBuf = root.join(PACKAGE);
            let suites = names
                .iter()
                .map(|name| {
                    let (binary, _) = executable(&finished.stdout, name).ok_or_else(|| {
                        GradeError::NoExecutable {
                            suite: name.clone(),
                        }
                    })?;
                    Ok(Suite {
                        name: name.clone(),
                        binary,
                        package_dir: package_dir.clone(),
                    })
                })
                .collect::<Result<Vec<_>, GradeError>>()?;
            Built::Suites(suites)
        }
    };
    Ok(Build {
        built,
        wall: finished.wall,
        log,
    })
}

/// The compiler's messages from its first error on, at most
/// [`ERROR_LINES_SHOWN`] lines; cargo's progress lines before it are
/// left out.
fn compiler_errors(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(0);
    let shown = &lines[first..lines.len().min(first + ERROR_LINES_SHOWN)];
    let mut text = shown.join("\n");
    if lines.len() > first + ERROR_LINES_SHOWN {
        text.push_str("\n… (the rest is in build.log)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reports_compiler_output_starts_at_the_first_error() {
        let stderr = "   Compiling labrt v0.1.0\n   Compiling raft v0.1.0\n\
                      error[E0425]: cannot find value `x` in this scope\n --> raft/src/lib.rs:3:5\n\
                      error: could not compile `raft`\n";
        assert_eq!(
            compiler_errors(stderr),
            "error[E0425]: cannot find value `x` in this scope\n --> raft/src/lib.rs:3:5\n\
             error: could not compile `raft`"
        );
        let long: String = (0..100).map(|i| format!("error: {i}\n")).collect();
        let shown = compiler_errors(&long);
        assert_eq!(shown.lines().count(), ERROR_LINES_SHOWN + 1);
        assert!(shown.ends_with("(the rest is in build.log)"), "{shown}");
    }
}
