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
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The backend a lab test runs on: `sim` or `real` (labrt's `LAB_RUNTIME`).
pub const ENV_RUNTIME: &str = "LAB_RUNTIME";
/// `off` stops the lab suites from replaying a failing sim run with every
/// event logged.
pub const ENV_REPLAY_LOG: &str = "LAB_REPLAY_LOG";

/// The seed of a lab test's run (labrt's `LAB_SEED`).
pub const ENV_SEED: &str = "LAB_SEED";
/// How many consecutive seeds a lab test runs (the tests crate's
/// `LAB_SEEDS`).
pub const ENV_SEEDS: &str = "LAB_SEEDS";

/// How long output is still awaited once a child has ended: a process it
/// left behind may hold its pipes open.
const OUTPUT_GRACE: Duration = Duration::from_secs(2);

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
/// runs longer than `limit`. A process it leaves behind holding its output
/// open delays the result by [`OUTPUT_GRACE`] at most.
pub fn run(command: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    run_as(command, limit, false)
}

/// As [`run`], the child leading a process group of its own, and whatever
/// is left of the group when it ends or is killed killed too: for a build,
/// whose compilers would otherwise outlive a cargo cut off at its limit.
/// (Test runs stay in the terminal's group, so that Ctrl-C stops them
/// with the tool.)
pub fn run_grouped(command: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    run_as(command, limit, true)
}

fn run_as(command: &mut Command, limit: Duration, grouped: bool) -> std::io::Result<Finished> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    if grouped {
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let stdout = Drained::start(child.stdout.take());
    let stderr = Drained::start(child.stderr.take());
    let status = wait_or_kill(&mut child, limit, grouped);
    if grouped {
        kill_group(child.id());
    }
    let wall = started.elapsed();
    Ok(Finished {
        status,
        wall,
        stdout: stdout.text(OUTPUT_GRACE),
        stderr: stderr.text(OUTPUT_GRACE),
    })
}

/// Kills the process group `group` leads, if any of it is left.
fn kill_group(group: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// A pipe read to its end on a thread of its own, so a chatty child never
/// blocks on a full pipe.
struct Drained {
    read: Arc<Mutex<Vec<u8>>>,
    ended: mpsc::Receiver<()>,
}

impl Drained {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Drained {
        let read = Arc::new(Mutex::new(Vec::new()));
        let (ended_tx, ended) = mpsc::channel();
        let buffer = Arc::clone(&read);
        std::thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut chunk = [0; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                    buffer
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend_from_slice(&chunk[..n]);
                }
            }
            let _ = ended_tx.send(());
        });
        Drained { read, ended }
    }

    /// What was read, once the pipe has closed or `grace` has passed.
    fn text(self, grace: Duration) -> String {
        let _ = self.ended.recv_timeout(grace);
        let bytes = self.read.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The child's exit status, or None if it ran past `limit` and was killed.
///
/// It looks often at first and then every [`MAX_POLL`], so a run of a few
/// milliseconds is not made to last twenty.
fn wait_or_kill(child: &mut Child, limit: Duration, grouped: bool) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        let now = Instant::now();
        if now >= deadline {
            if grouped {
                kill_group(child.id());
            } else {
                let _ = child.kill();
            }
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
    fn what_a_child_leaves_behind_holds_its_result_up_briefly_or_dies_with_it() {
        // The child ends at once; its own child would hold the pipes open
        // for 30 s.
        let started = Instant::now();
        let finished = run(&mut shell("sleep 30 & echo done"), Duration::from_secs(10)).unwrap();
        assert_eq!(finished.status.and_then(|s| s.code()), Some(0));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        let grouped = run_grouped(&mut shell("sleep 30 & echo done"), Duration::from_secs(10));
        assert_eq!(
            grouped.unwrap().stdout,
            "done\n",
            "the group is killed, the pipe closed"
        );
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
