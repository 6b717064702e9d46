//! Preemption at unlock (`Config::with_preemption`): it opens interleavings
//! that sim cannot reach without it, and keeps runs replayable.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use labrt::sync::Mutex;
use labrt::time::{Duration, sleep};
use labrt::{Config, thread};

use crate::determinism::racy_in;

const MAX: Duration = Duration::from_millis(1);

/// A reader that looks at a shared value under a lock and again right
/// after unlocking, with no labrt call in between, while a writer changes
/// it once, at 1 ms. Returns whether the reader ever saw the value change
/// across its unlock: the window a real thread races in.
fn saw_a_write_across_unlock(config: Config) -> bool {
    let mut seen = false;
    config.run(|| {
        let value = Arc::new(AtomicU32::new(0));
        let lock = Mutex::new(());
        let writer = {
            let value = value.clone();
            thread::spawn("writer", move || {
                sleep(Duration::from_millis(1));
                value.store(1, Ordering::SeqCst);
            })
        };
        for _ in 0..20 {
            sleep(Duration::from_micros(100));
            let guard = lock.lock();
            let before = value.load(Ordering::SeqCst);
            drop(guard);
            let after = value.load(Ordering::SeqCst);
            seen |= before != after;
        }
        writer.join().unwrap();
    });
    seen
}

#[test]
fn without_preemption_nothing_happens_between_an_unlock_and_the_next_step() {
    for seed in 0..50 {
        assert!(
            !saw_a_write_across_unlock(Config::sim(seed)),
            "seed {seed}: a write landed between an unlock and the next read"
        );
    }
}

#[test]
fn with_preemption_another_thread_writes_between_an_unlock_and_the_next_step() {
    let seen = (0..50)
        .filter(|&seed| saw_a_write_across_unlock(Config::sim(seed).with_preemption(MAX)))
        .count();
    assert!(
        seen >= 10,
        "the write landed in the window on {seen} of 50 seeds"
    );
}

#[test]
fn with_preemption_the_same_seed_gives_the_same_schedule_and_trace() {
    for seed in 0..20 {
        let config = Config::sim(seed).with_preemption(MAX);
        let (r1, out1) = racy_in(config);
        let (r2, out2) = racy_in(config);
        assert_eq!(out1, out2, "seed {seed}: different interleavings");
        assert_eq!(r1, r2, "seed {seed}: different reports");
        let (off, _) = racy_in(Config::sim(seed));
        assert_ne!(
            r1.trace, off.trace,
            "seed {seed}: preemption changed nothing"
        );
    }
}

#[test]
fn a_preempted_thread_waits_on_the_clock_only() {
    // A lone thread: every preemption with a delay moves the clock, and a
    // zero delay is a yield to nobody. No deadlock, no stall.
    let report = Config::sim(5).with_preemption(MAX).run(|| {
        let m = Mutex::new(0);
        for _ in 0..1000 {
            *m.lock() += 1;
        }
        assert_eq!(*m.lock(), 1000);
    });
    let elapsed = report.elapsed;
    // About 250 preemptions of 0.5 ms on average.
    assert!(
        elapsed > Duration::from_millis(60) && elapsed < Duration::from_millis(250),
        "{elapsed:?}"
    );
}

#[test]
fn a_failure_replays_with_the_same_preemption() {
    let failure = Config::sim(9)
        .with_preemption(Duration::from_micros(2500))
        .try_run(|| panic!("boom"))
        .unwrap_err();
    let text = failure.to_string();
    assert!(
        text.contains("replay: LAB_RUNTIME=sim LAB_SEED=9 LAB_PREEMPT_MS=2.5 cargo test"),
        "{text}"
    );
    let failure = Config::sim(9).try_run(|| panic!("boom")).unwrap_err();
    assert!(!failure.to_string().contains("LAB_PREEMPT_MS"), "{failure}");
}
