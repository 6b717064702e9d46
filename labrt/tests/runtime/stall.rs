//! A simulated run whose clock stands still while a thread keeps running
//! fails within its stall limit of wall time, naming the thread, its last
//! labrt call and the likely cause.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::sync::Mutex;
use labrt::time::Duration;
use labrt::{Config, Culprit, FailureKind, thread};

/// Runs `body` in sim with a short stall limit; the culprit and the report.
fn stalled(limit: Duration, body: impl FnOnce()) -> (Culprit, u64, String) {
    let started = std::time::Instant::now();
    let failure = Config::sim(3)
        .with_stall_limit(limit)
        .try_run(body)
        .expect_err("a stalled run must fail");
    assert!(
        started.elapsed() < limit + std::time::Duration::from_secs(5),
        "the stall took {:?} to report",
        started.elapsed()
    );
    let text = failure.to_string();
    match failure.kind {
        FailureKind::Stalled { culprit, steps, .. } => (culprit, steps, text),
        other => panic!("expected a stall, got {other:?}"),
    }
}

#[test]
fn a_ticker_sleeping_in_std_is_named_with_its_likely_cause() {
    let (culprit, _, text) = stalled(Duration::from_millis(300), || {
        let ticks = Arc::new(Mutex::new(0_u64));
        thread::spawn("ticker", move || {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(5));
                *ticks.lock() += 1;
            }
        });
        // Virtual time never comes: the ticker is always runnable.
        labrt::time::sleep(Duration::from_secs(1));
    });
    assert_eq!(culprit.thread, "ticker");
    let call = culprit.last_call.expect("the ticker locked");
    assert!(
        call.starts_with("Mutex::lock at ") && call.contains("stall.rs"),
        "{call}"
    );
    assert!(text.contains("blocks in a std call"), "{text}");
    assert!(text.contains("std::thread::sleep"), "{text}");
    assert!(text.contains("LAB_STALL_SECS"), "{text}");
}

#[test]
fn a_spinning_thread_is_named_as_a_spin() {
    // A limit far below the wall time of the livelock check's ten million
    // steps, so the stall is what ends the run.
    let (culprit, steps, text) = stalled(Duration::from_millis(20), || {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::new(Mutex::new(()));
        let seen = Arc::clone(&done);
        thread::spawn("spinner", move || {
            while !seen.load(Ordering::Relaxed) {
                drop(flag.lock());
            }
        });
        labrt::time::sleep(Duration::from_secs(1));
        done.store(true, Ordering::Relaxed);
    });
    assert_eq!(culprit.thread, "spinner");
    assert!(steps > 1000, "{steps}");
    assert!(text.contains("spins"), "{text}");
}

#[test]
fn a_run_whose_clock_moves_is_never_stalled() {
    // 200 ms of wall time spent in std, a little at a time, while the
    // virtual clock keeps moving: no stall under a limit of 100 ms.
    Config::sim(4)
        .with_stall_limit(Duration::from_millis(100))
        .run(|| {
            for _ in 0..40 {
                std::thread::sleep(std::time::Duration::from_millis(5));
                labrt::time::sleep(Duration::from_millis(10));
            }
        });
}

/// A labrt-free stretch shorter than the limit, as a long check takes,
/// ends neither as a stall nor as a hang.
#[test]
fn one_long_computation_at_one_instant_is_no_stall() {
    Config::sim(5)
        .with_stall_limit(Duration::from_secs(1))
        .run(|| {
            for _ in 0..100 {
                thread::yield_now();
            }
            std::thread::sleep(std::time::Duration::from_millis(700));
            for _ in 0..100 {
                thread::yield_now();
            }
        });
}

/// A labrt-free stretch longer than the limit, declared as a computation,
/// ends neither the run nor the process.
#[test]
fn a_declared_computation_may_outlast_the_limit() {
    Config::sim(6)
        .with_stall_limit(Duration::from_millis(300))
        .run(|| {
            let answer = labrt::thread::compute(|| {
                std::thread::sleep(std::time::Duration::from_millis(800));
                42
            });
            assert_eq!(answer, 42);
            thread::yield_now();
        });
}
