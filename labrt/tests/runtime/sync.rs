use std::sync::Arc;

use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, Instant, sleep};
use labrt::{Config, FailureKind, thread};

use crate::both;

#[test]
fn a_mutex_keeps_increments_exclusive_under_contention() {
    both(|| {
        let counter = Arc::new(Mutex::new(0u32));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let counter = counter.clone();
                thread::spawn(format!("incr-{i}"), move || {
                    for _ in 0..100 {
                        let mut c = counter.lock();
                        let seen = *c;
                        // A switch inside the critical section must not let
                        // another thread in.
                        thread::yield_now();
                        *c = seen + 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*counter.lock(), 800);
    });
}

#[test]
fn try_lock_fails_while_held() {
    both(|| {
        let m = Mutex::new(1);
        let g = m.lock();
        assert!(m.try_lock().is_none());
        // A failed try_lock must leave the lock with its owner.
        assert!(
            m.try_lock().is_none(),
            "a failed try_lock released the lock"
        );
        drop(g);
        assert_eq!(*m.try_lock().expect("free lock"), 1);
        let mut m = m;
        *m.get_mut() = 2;
        assert_eq!(m.into_inner(), 2);
    });
}

#[test]
fn condvar_hands_values_from_producer_to_consumer() {
    both(|| {
        let shared = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let consumer = {
            let shared = shared.clone();
            thread::spawn("consumer", move || {
                let (queue, cv) = &*shared;
                let mut got = Vec::new();
                let mut q = queue.lock();
                while got.len() < 20 {
                    match q.pop() {
                        Some(v) => got.push(v),
                        None => cv.wait(&mut q),
                    }
                }
                got
            })
        };
        for i in 0..20 {
            let (queue, cv) = &*shared;
            queue.lock().insert(0, i);
            cv.notify_one();
            if i % 3 == 0 {
                sleep(Duration::from_millis(1));
            }
        }
        assert_eq!(consumer.join().unwrap(), (0..20).collect::<Vec<_>>());
    });
}

#[test]
fn condvar_wait_timeout_reports_timeout_and_notification() {
    both(|| {
        let pair = Arc::new((Mutex::new(false), Condvar::new()));
        let (m, cv) = &*pair;
        let start = Instant::now();
        let mut g = m.lock();
        assert!(
            cv.wait_timeout(&mut g, Duration::from_millis(40))
                .timed_out()
        );
        assert!(start.elapsed() >= Duration::from_millis(40));
        drop(g);

        let notifier = {
            let pair = pair.clone();
            thread::spawn("notifier", move || {
                sleep(Duration::from_millis(5));
                *pair.0.lock() = true;
                pair.1.notify_all();
            })
        };
        let mut g = m.lock();
        while !*g {
            assert!(
                !cv.wait_timeout(&mut g, Duration::from_secs(10)).timed_out(),
                "notification lost"
            );
        }
        drop(g);
        notifier.join().unwrap();
    });
}

#[test]
fn locking_a_held_mutex_again_is_reported_in_sim() {
    let failure = Config::sim(3)
        .try_run(|| {
            let m = Mutex::new(());
            let _g = m.lock();
            let _again = m.lock();
        })
        .expect_err("relocking must fail");
    match failure.kind {
        FailureKind::Panic {
            thread, message, ..
        } => {
            assert_eq!(thread, "main");
            assert!(
                message.contains("locks a Mutex it already holds"),
                "{message}"
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}
