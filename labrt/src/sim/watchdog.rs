//! Reports simulated runs that stopped making progress in wall time.
//!
//! A simulated run has a single OS thread. A simulated thread that blocks in
//! a std primitive (a `std::sync::Mutex` held by another simulated thread,
//! `std::thread::sleep`, a std channel) or computes without end holds that
//! thread, and the run hangs where no deadlock report can reach it. The
//! watchdog, a plain OS thread outside every run, notices that such a run's
//! labrt calls stopped and says so on stderr.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use parking_lot::Mutex;

use super::Kernel;

/// Wall time without a labrt call after which a run is reported.
const STALL: Duration = Duration::from_secs(5);
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// What the watchdog knows of one run.
pub(crate) struct Watch {
    kernel: Weak<Kernel>,
    seed: u64,
    /// The OS thread, usually named after the test, that drives the run.
    driver: String,
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

/// Watches `kernel` until [`unwatch`] (or until it is dropped).
pub(crate) fn watch(kernel: &Arc<Kernel>, seed: u64) {
    let driver = std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string();
    watched().lock().push(Watch {
        kernel: Arc::downgrade(kernel),
        seed,
        driver,
    });
}

/// Stops watching `kernel`: its run is over, though objects of the run may
/// keep the kernel alive.
pub(crate) fn unwatch(kernel: &Arc<Kernel>) {
    watched()
        .lock()
        .retain(|w| !std::ptr::eq(w.kernel.as_ptr(), Arc::as_ptr(kernel)));
}

fn watch_loop() {
    // Last seen progress of each run, keyed by its kernel's address while
    // the kernel lives, with the number of checks it has stayed the same.
    let mut seen: Vec<(usize, u64, u32)> = Vec::new();
    let stall_checks = (STALL.as_secs_f64() / CHECK_EVERY.as_secs_f64()) as u32;
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
            let still = match seen.iter().find(|(k, _, _)| *k == key) {
                Some((_, p, n)) if *p == progress => n + 1,
                _ => 0,
            };
            if still == stall_checks {
                report(w, &kernel);
            }
            next_seen.push((key, progress, still));
        }
        seen = next_seen;
    }
}

fn report(w: &Watch, kernel: &Kernel) {
    let thread = kernel
        .try_current_name()
        .map_or_else(|| "?".to_string(), |n| n.to_string());
    // Written to the process's stderr directly: `eprintln!` from this thread
    // would land in the captured output of the test that happened to start
    // the watchdog.
    let _ = writeln!(
        std::io::stderr(),
        "labrt: the simulated run with seed {} (driven by OS thread '{}') has made no labrt call for {}s \
         of wall time: simulated thread '{thread}' holds the run without calling labrt. It is blocked in a \
         std primitive (std::sync::Mutex, std::thread::sleep, a std channel) or computing without end; \
         simulated threads must block only through labrt.",
        w.seed,
        w.driver,
        STALL.as_secs()
    );
}
