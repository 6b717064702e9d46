use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use labrt::chan;
use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, sleep};
use labrt::{Config, thread};

/// Counts its drops, so a test can tell that a thread's stack was unwound.
struct Witness(Arc<AtomicUsize>);

impl Drop for Witness {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Starts threads that are still waiting, sleeping or runnable when the
/// body returns, each owning a witness.
fn leave_threads_behind(dropped: &Arc<AtomicUsize>) {
    let (_tx, rx) = chan::unbounded::<()>();
    let w = Witness(dropped.clone());
    thread::spawn("receiver", move || {
        let _w = w;
        let _ = rx.recv();
    });
    let w = Witness(dropped.clone());
    thread::spawn("sleeper", move || {
        let _w = w;
        loop {
            sleep(Duration::from_secs(1));
        }
    });
    let w = Witness(dropped.clone());
    let pair = Arc::new((Mutex::new(()), Condvar::new()));
    thread::spawn("waiter", move || {
        let _w = w;
        let mut g = pair.0.lock();
        pair.1.wait_timeout(&mut g, Duration::from_secs(1000));
    });
    let w = Witness(dropped.clone());
    thread::spawn("never-started", move || drop(w));
    sleep(Duration::from_millis(10));
}

#[test]
fn threads_left_behind_are_unwound_in_sim() {
    for seed in 0..10 {
        let dropped = Arc::new(AtomicUsize::new(0));
        Config::sim(seed).run(|| leave_threads_behind(&dropped));
        assert_eq!(dropped.load(Ordering::SeqCst), 4, "seed {seed}");
        assert_eq!(
            Arc::strong_count(&dropped),
            1,
            "seed {seed}: a thread kept its witness"
        );
    }
}

#[test]
fn threads_left_behind_by_a_failed_run_are_unwound() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let result = Config::sim(1).try_run(|| {
        leave_threads_behind(&dropped);
        panic!("failed with threads alive");
    });
    assert!(result.is_err());
    assert_eq!(dropped.load(Ordering::SeqCst), 4);
    assert_eq!(Arc::strong_count(&dropped), 1);
}

#[test]
fn sleeping_and_receiving_threads_end_with_a_real_run() {
    let dropped = Arc::new(AtomicUsize::new(0));
    Config::real(0).run(|| {
        let (_tx, rx) = chan::unbounded::<()>();
        let w = Witness(dropped.clone());
        thread::spawn("receiver", move || {
            let _w = w;
            let _ = rx.recv();
        });
        let w = Witness(dropped.clone());
        thread::spawn("sleeper", move || {
            let _w = w;
            loop {
                sleep(Duration::from_secs(60));
            }
        });
    });
    assert_eq!(dropped.load(Ordering::SeqCst), 2);
}

#[test]
fn a_run_starts_clean_after_one_that_left_threads() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let first = Config::sim(3).run(|| leave_threads_behind(&dropped));
    let second = Config::sim(3).run(|| leave_threads_behind(&dropped));
    assert_eq!(first, second);
}
