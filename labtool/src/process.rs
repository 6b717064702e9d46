//! Running a lab's test binary (or cargo) as a child process with a
//! wall-clock limit, and the environment variables a lab test reads.
//!
//! ```no_run
//! use std::process::Command;
//! use std::time::Duration;
//! use labtool::process;
//!
//! let mut test = Command::new("target/debug/deps/raft-0123456789abcdef");
//! test.args(["election::initial_election_2a", "--exact", "--nocapture"])
//!     .env(process::ENV_RUNTIME, "sim")
//!     .env(process::ENV_SEED, "7");
//! let finished = process::run(&mut test, Duration::from_secs(120)).unwrap();
//! match finished.status {
//!     None => println!("killed after {:?}", finished.wall),
//!     Some(status) => println!("{status}: {}", finished.output()),
//! }
//! ```

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The backend a lab test runs on: `sim` or `real` (labrt's `LAB_RUNTIME`).
pub const ENV_RUNTIME: &str = "LAB_RUNTIME";
/// The seed of a lab test's run (labrt's `LAB_SEED`).
pub const ENV_SEED: &str = "LAB_SEED";
/// How many consecutive seeds a lab test runs (the tests crate's
/// `LAB_SEEDS`).
pub const ENV_SEEDS: &str = "LAB_SEEDS";

/// The longest pause between two looks at a running child.
const MAX_POLL: Duration = Duration::from_millis(20);

/// A child process that has ended, or been killed at its limit.
#[derive(Clone, Debug)]
pub struct Finished {
    /// Its exit status; `None` if it ran past its limit and was killed.
    pub status: Option<ExitStatus>,
    /// Wall time from its start to its end.
    pub wall: Duration,
    /// All it wrote to stdout.
    pub stdout: String,
    /// All it wrote to stderr.
    pub stderr: String,
}

impl Finished {
    /// Its stdout, then its stderr.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The cargo that runs this tool (`$CARGO`, as cargo sets it for the
/// processes it starts), or the one on the `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command` to its end with its output captured, killing it if it
/// runs longer than `limit`.
pub fn run(command: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child, limit);
    let wall = started.elapsed();
    Ok(Finished {
        status,
        wall,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Reads a pipe to its end on a thread of its own, so a chatty child never
/// blocks on a full pipe.
fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The child's exit status, or None if it ran past `limit` and was killed.
///
/// It looks often at first and then every [`MAX_POLL`], so a run of a few
/// milliseconds is not made to last twenty.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        let now = Instant::now();
        if now >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(MAX_POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_finished_child_gives_its_status_and_both_outputs() {
        let finished = run(
            &mut shell("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(finished.status.and_then(|s| s.code()), Some(3));
        assert_eq!(finished.output(), "out\nerr\n");
    }

    #[test]
    fn a_child_past_its_limit_is_killed() {
        let finished = run(
            &mut shell("echo started; exec sleep 30"),
            Duration::from_millis(200),
        )
        .unwrap();
        assert_eq!(finished.status, None);
        assert!(
            finished.wall < Duration::from_secs(10),
            "{:?}",
            finished.wall
        );
        assert_eq!(finished.stdout, "started\n");
    }
}
