use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use labrt::chan;
use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, sleep};
use labrt::{Config, FailureKind, thread};

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

/// Joins a thread in its destructor, as a server that stops its workers.
struct JoinOnDrop(Option<thread::JoinHandle<()>>);

impl Drop for JoinOnDrop {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

#[test]
fn a_panic_whose_unwinding_blocks_still_fails_the_run() {
    for seed in 0..10 {
        let dropped = Arc::new(AtomicUsize::new(0));
        let failure = Config::sim(seed)
            .try_run(|| {
                let w = Witness(dropped.clone());
                thread::spawn("server", move || {
                    let _w = w;
                    let (_stop_tx, stop_rx) = chan::unbounded::<()>();
                    // The worker waits for a stop signal the server sends
                    // only after the join in its destructor: it never comes.
                    let _workers = JoinOnDrop(Some(thread::spawn("worker", move || {
                        let _ = stop_rx.recv();
                    })));
                    panic!("server assertion failed");
                });
                sleep(Duration::from_secs(1));
            })
            .expect_err("the panic must fail the run");
        let FailureKind::Panic {
            thread, message, ..
        } = failure.kind
        else {
            panic!(
                "seed {seed}: expected the server's panic, got {:?}",
                failure.kind
            );
        };
        assert_eq!(
            (thread.as_str(), message.as_str()),
            ("server", "server assertion failed")
        );
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            1,
            "seed {seed}: the server's unwinding did not finish"
        );
    }
}

/// Tries the lock from a destructor and records whether it got it.
struct TryLockOnDrop(Arc<Mutex<()>>, Arc<AtomicUsize>);

impl Drop for TryLockOnDrop {
    fn drop(&mut self) {
        if self.0.try_lock().is_some() {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn teardown_keeps_a_lock_with_its_holder() {
    let stolen = Arc::new(AtomicUsize::new(0));
    Config::sim(0).run(|| {
        let lock = Arc::new(Mutex::new(()));
        let cv = Arc::new(Condvar::new());
        // Unwound first, from inside Condvar::wait, so without the lock.
        let (l, c) = (lock.clone(), cv.clone());
        thread::spawn("cv-waiter", move || {
            let mut g = l.lock();
            c.wait(&mut g);
        });
        // Unwound second: its destructor must find the lock still held.
        let probe = TryLockOnDrop(lock.clone(), stolen.clone());
        let (_tx, rx) = chan::unbounded::<()>();
        thread::spawn("prober", move || {
            let _probe = probe;
            let _ = rx.recv();
        });
        // Holds the lock until it is unwound last.
        let l = lock.clone();
        thread::spawn("holder", move || {
            let _g = l.lock();
            loop {
                sleep(Duration::from_secs(1));
            }
        });
        sleep(Duration::from_millis(10));
    });
    assert_eq!(
        stolen.load(Ordering::SeqCst),
        0,
        "a destructor took a lock another thread still held"
    );
}

#[test]
fn a_real_body_waiting_for_a_panicked_thread_ends_with_the_run() {
    let failure = Config::real(0)
        .try_run(|| {
            let pair = Arc::new((Mutex::new(false), Condvar::new()));
            let p = pair.clone();
            thread::spawn("setter", move || {
                let _never_set = p;
                panic!("died before setting the flag");
            });
            let mut done = pair.0.lock();
            while !*done {
                pair.1.wait(&mut done);
            }
        })
        .expect_err("the setter's panic must fail the run");
    assert!(
        failure.to_string().contains("died before setting the flag"),
        "{failure}"
    );
}
