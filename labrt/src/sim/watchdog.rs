//! Ends simulated runs that stopped making progress in wall time.
//!
//! A simulated run has a single OS thread. A simulated thread that blocks in
//! a std primitive (a `std::sync::Mutex` held by another simulated thread,
//! `std::thread::sleep`, a std channel) or computes without end holds that
//! thread, and the run hangs where no deadlock report can reach it. The
//! watchdog, a plain OS thread outside every run, notices that such a run's
//! labrt calls stopped for its stall limit of wall time, outside
//! `labrt::thread::compute`. Nothing can take
//! the thread back, so it prints the run's failure, with the thread, its
//! last labrt call, the likely cause and the replay, and ends the process.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::Kernel;
use crate::failure::{Culprit, Failure, FailureKind};
use crate::run::Backend;

const CHECK_EVERY: Duration = Duration::from_millis(100);

/// The exit status of a process the watchdog ends: a failed test's.
const HUNG_EXIT_STATUS: i32 = 101;

/// What the watchdog knows of one run.
pub(crate) struct Watch {
    kernel: Weak<Kernel>,
    seed: u64,
    stall_limit: Duration,
    /// The OS thread, usually named after the test, that drives the run.
    driver: String,
    /// Where the OS reports the driving thread's CPU time, if it does.
    driver_stat: Option<PathBuf>,
}

/// Counts the scheduling steps of one run; read by the watchdog.
#[derive(Default)]
pub(crate) struct Progress(AtomicU64);

impl Progress {
    pub(crate) fn tick(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn read(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

fn watched() -> &'static Mutex<Vec<Watch>> {
    static WATCHED: OnceLock<Mutex<Vec<Watch>>> = OnceLock::new();
    WATCHED.get_or_init(|| {
        std::thread::Builder::new()
            .name("labrt-watchdog".into())
            .spawn(watch_loop)
            .expect("labrt: the OS refused to start the watchdog thread");
        Mutex::new(Vec::new())
    })
}

/// Watches `kernel`, run from the calling OS thread, until [`unwatch`] (or
/// until it is dropped).
pub(crate) fn watch(kernel: &Arc<Kernel>, seed: u64, stall_limit: Duration) {
    let driver = std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string();
    // Linux names the calling thread's directory `<pid>/task/<tid>`.
    let driver_stat = std::fs::read_link("/proc/thread-self")
        .ok()
        .map(|task| PathBuf::from("/proc").join(task).join("stat"));
    watched().lock().push(Watch {
        kernel: Arc::downgrade(kernel),
        seed,
        stall_limit,
        driver,
        driver_stat,
    });
}

/// Stops watching `kernel`: its run is over, though objects of the run may
/// keep the kernel alive.
pub(crate) fn unwatch(kernel: &Arc<Kernel>) {
    watched()
        .lock()
        .retain(|w| !std::ptr::eq(w.kernel.as_ptr(), Arc::as_ptr(kernel)));
}

/// A run whose progress count stopped moving.
struct Still {
    /// The kernel's address, while the kernel lives.
    key: usize,
    progress: u64,
    since: Instant,
    /// The driving thread's CPU time at `since`.
    cpu_since: Option<Duration>,
}

fn watch_loop() {
    let mut seen: Vec<Still> = Vec::new();
    loop {
        std::thread::sleep(CHECK_EVERY);
        let mut runs = watched().lock();
        runs.retain(|w| w.kernel.strong_count() > 0);
        let mut next_seen = Vec::with_capacity(runs.len());
        for w in runs.iter() {
            let Some(kernel) = w.kernel.upgrade() else {
                continue;
            };
            let key = Arc::as_ptr(&kernel) as usize;
            let progress = kernel.progress().read();
            let computing = kernel.is_computing();
            let still = match seen.iter().position(|s| s.key == key) {
                Some(i) if seen[i].progress == progress && !computing => seen.swap_remove(i),
                _ => Still {
                    key,
                    progress,
                    since: Instant::now(),
                    cpu_since: w.driver_stat.as_deref().and_then(cpu_time),
                },
            };
            let wall = still.since.elapsed();
            if wall >= w.stall_limit {
                let cpu = w.driver_stat.as_deref().and_then(cpu_time);
                let used = cpu
                    .zip(still.cpu_since)
                    .map(|(now, then)| now.saturating_sub(then));
                end_hung_run(w, &kernel, wall, used);
            }
            next_seen.push(still);
        }
        seen = next_seen;
    }
}

/// User plus system CPU time of the thread whose `stat` file is at `path`.
fn cpu_time(path: &std::path::Path) -> Option<Duration> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The fields after the parenthesised name, from the state (field 3):
    // utime and stime are fields 14 and 15, in ticks of 1/100 s.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn end_hung_run(w: &Watch, kernel: &Kernel, wall: Duration, cpu: Option<Duration>) -> ! {
    let (culprit, elapsed, unimplemented) = kernel
        .try_hang_report()
        .unwrap_or_else(|| (Culprit::unknown(), Duration::ZERO, Vec::new()));
    let failure = Failure {
        backend: Backend::Sim,
        seed: w.seed,
        preempt: kernel.preempt(),
        elapsed,
        kind: FailureKind::Hung { wall, cpu, culprit },
        test: Some(w.driver.clone()).filter(|d| d != "main" && d != "<unnamed>"),
        unimplemented,
    };
    // Written to the process's stderr directly: `eprintln!` from this thread
    // would land in the captured output of the test that happened to start
    // the watchdog.
    let _ = writeln!(std::io::stderr(), "{failure}");
    std::process::exit(HUNG_EXIT_STATUS);
}
