//! A suite's test binary: built once with cargo, then run directly, one
//! test on one seed per process, so no run pays for cargo.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::StressError;
use crate::process::{self, ENV_RUNTIME, ENV_SEED, ENV_SEEDS};
use crate::report;

/// The package whose test binaries are the suites.
pub const PACKAGE: &str = "tests";

/// A built suite.
#[derive(Clone, Debug)]
pub struct Suite {
    /// Its name: the test target of [`PACKAGE`], e.g. `raft`.
    pub name: String,
    /// Its test binary.
    pub binary: PathBuf,
    /// The directory of [`PACKAGE`]'s manifest, where cargo runs its tests.
    pub package_dir: PathBuf,
}

/// One line of cargo's `--message-format=json` output, as far as it is
/// read here.
#[derive(Deserialize)]
struct Message {
    reason: String,
    target: Option<Target>,
    executable: Option<PathBuf>,
    manifest_path: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

impl Suite {
    /// Builds the suite `name` of the repository at `root`, as `cargo
    /// test` would, into `target_dir` if given; cargo's own messages go to
    /// stderr as usual.
    pub fn build(root: &Path, name: &str, target_dir: Option<&Path>) -> Result<Suite, StressError> {
        let mut command = process::cargo();
        if let Some(dir) = target_dir {
            command.env("CARGO_TARGET_DIR", dir);
        }
        command
            .current_dir(root)
            .args(["test", "-p", PACKAGE, "--test", name, "--no-run"])
            .arg("--message-format=json-render-diagnostics")
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        let output = command.output().map_err(|error| StressError::Spawn {
            command: format!("cargo test -p {PACKAGE} --test {name} --no-run"),
            error,
        })?;
        if !output.status.success() {
            return Err(StressError::Build {
                suite: name.to_string(),
            });
        }
        let messages = String::from_utf8_lossy(&output.stdout);
        let (binary, manifest) =
            executable(&messages, name).ok_or_else(|| StressError::NoExecutable {
                suite: name.to_string(),
            })?;
        let package_dir = manifest
            .parent()
            .map_or_else(|| root.join(PACKAGE), Path::to_path_buf);
        Ok(Suite {
            name: name.to_string(),
            binary,
            package_dir,
        })
    }

    /// The full names of the suite's tests.
    pub fn list(&self) -> Result<Vec<String>, StressError> {
        let output = Command::new(&self.binary)
            .arg("--list")
            .current_dir(&self.package_dir)
            .output()
            .map_err(|error| StressError::Spawn {
                command: format!("{} --list", self.binary.display()),
                error,
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(StressError::List {
                suite: self.name.clone(),
                output: format!("{stdout}{}", String::from_utf8_lossy(&output.stderr)),
            });
        }
        Ok(report::listed_tests(&stdout))
    }

    /// The same suite with its binary hard-linked (or else copied) into
    /// `dir`, so that a rebuild during the session neither removes nor
    /// changes what the session runs. The file keeps its name, from which
    /// a failure's replay line names the suite.
    pub fn pinned(&self, dir: &Path) -> Result<Suite, StressError> {
        let file = self.binary.file_name().unwrap_or(self.name.as_ref());
        let pinned = dir.join(file);
        let failed = |error| StressError::Pin {
            path: pinned.clone(),
            error,
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        let _ = std::fs::remove_file(&pinned);
        if std::fs::hard_link(&self.binary, &pinned).is_err() {
            std::fs::copy(&self.binary, &pinned).map_err(failed)?;
        }
        Ok(Suite {
            binary: pinned,
            ..self.clone()
        })
    }

    /// The command that runs `test` alone on `runtime` (`sim` or `real`)
    /// with `seed`, as `cargo test` would run it: from the package's
    /// directory, with the package's name set, so that a failure's replay
    /// line names the suite.
    pub fn command(&self, test: &str, runtime: &str, seed: u64) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args([test, "--exact", "--nocapture"])
            .current_dir(&self.package_dir)
            .env(ENV_RUNTIME, runtime)
            .env(ENV_SEED, seed.to_string())
            .env_remove(ENV_SEEDS)
            .env("CARGO_PKG_NAME", PACKAGE)
            .env("CARGO_MANIFEST_DIR", &self.package_dir)
            .stdin(Stdio::null());
        command
    }
}

/// The test binary of `suite` and its package's manifest, from cargo's
/// JSON messages.
pub(crate) fn executable(messages: &str, suite: &str) -> Option<(PathBuf, PathBuf)> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .filter(|m| m.reason == "compiler-artifact")
        .filter(|m| {
            m.target
                .as_ref()
                .is_some_and(|t| t.name == suite && t.kind.iter().any(|k| k == "test"))
        })
        .find_map(|m| Some((m.executable?, m.manifest_path?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suites_binary_is_its_test_artifacts_executable() {
        let messages = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/labrt#0.1.0","manifest_path":"/w/labrt/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"labrt"},"executable":null,"fresh":true}
{"reason":"compiler-artifact","package_id":"path+file:///w/tests#0.1.0","manifest_path":"/w/tests/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"raft"},"executable":null,"fresh":true}
{"reason":"compiler-artifact","package_id":"path+file:///w/tests#0.1.0","manifest_path":"/w/tests/Cargo.toml","target":{"kind":["test"],"crate_types":["bin"],"name":"raft"},"executable":"/w/target/debug/deps/raft-e32fca6139dd1e10","fresh":true}
{"reason":"build-finished","success":true}
"#;
        assert_eq!(
            executable(messages, "raft"),
            Some((
                PathBuf::from("/w/target/debug/deps/raft-e32fca6139dd1e10"),
                PathBuf::from("/w/tests/Cargo.toml")
            ))
        );
        assert_eq!(executable(messages, "kvraft"), None);
    }
}
