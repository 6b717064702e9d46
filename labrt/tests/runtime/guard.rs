use labrt::chan::{self, Sender};
use labrt::time::Duration;
use labrt::{Config, FailureKind, thread};

#[test]
fn deadlock_report_names_each_thread_and_where_it_waits() {
    let failure = Config::sim(4)
        .try_run(|| {
            let (tx_a, rx_a) = chan::unbounded::<()>();
            let (tx_b, rx_b) = chan::unbounded::<()>();
            thread::spawn("holder", move || {
                rx_b.recv().unwrap();
                drop(tx_a);
            });
            rx_a.recv().unwrap();
            drop(tx_b);
        })
        .expect_err("the run must deadlock");
    let FailureKind::Deadlock { threads } = &failure.kind else {
        panic!("expected a deadlock, got {:?}", failure.kind);
    };
    let mut names: Vec<_> = threads.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["holder", "main"]);
    for t in threads {
        assert!(
            t.waits_on.starts_with("Receiver::recv at "),
            "{}",
            t.waits_on
        );
        assert!(
            t.waits_on.contains("tests/runtime/guard.rs"),
            "{}",
            t.waits_on
        );
    }
    let text = failure.to_string();
    assert!(
        text.contains("deadlock") && text.contains("thread 'holder' waits in Receiver::recv"),
        "{text}"
    );
}

#[test]
fn lock_order_deadlock_is_reported() {
    use labrt::sync::Mutex;
    use std::sync::Arc;
    let failure = Config::sim(1)
        .try_run(|| {
            let a = Arc::new(Mutex::new(()));
            let b = Arc::new(Mutex::new(()));
            let (a2, b2) = (a.clone(), b.clone());
            let t = thread::spawn("ba", move || {
                let _b = b2.lock();
                labrt::time::sleep(Duration::from_millis(1));
                let _a = a2.lock();
            });
            let _a = a.lock();
            labrt::time::sleep(Duration::from_millis(1));
            let _b = b.lock();
            drop(_b);
            t.join().unwrap();
        })
        .expect_err("must deadlock");
    let FailureKind::Deadlock { threads } = failure.kind else {
        panic!("expected a deadlock");
    };
    assert_eq!(threads.len(), 2);
    assert!(
        threads
            .iter()
            .all(|t| t.waits_on.starts_with("Mutex::lock")),
        "{threads:?}"
    );
}

#[test]
#[should_panic(expected = "labrt does not manage")]
fn labrt_outside_a_run_fails_loudly() {
    labrt::time::sleep(Duration::from_millis(1));
}

#[test]
fn a_std_thread_inside_a_sim_run_cannot_use_labrt() {
    Config::sim(0).run(|| {
        let (tx, _rx) = chan::unbounded::<u8>();
        let result = std::thread::spawn(move || tx.send(1)).join();
        let payload = result.expect_err("a foreign thread must not use a simulated channel");
        let message = payload.downcast_ref::<String>().expect("string payload");
        assert!(message.contains("labrt does not manage"), "{message}");
    });
}

#[test]
fn objects_of_one_sim_run_cannot_be_used_by_another() {
    let mut leaked: Option<Sender<u8>> = None;
    Config::sim(0).run(|| {
        let (tx, rx) = chan::unbounded();
        leaked = Some(tx);
        drop(rx);
    });
    let tx = leaked.take().unwrap();
    let failure = Config::sim(0).try_run(move || {
        let _ = tx.send(1);
    });
    let FailureKind::Panic { message, .. } = failure.expect_err("must fail").kind else {
        panic!("expected a panic");
    };
    assert!(
        message.contains("belongs to another labrt run"),
        "{message}"
    );
}

#[test]
#[should_panic(expected = "runs do not nest")]
fn runs_do_not_nest() {
    Config::sim(0).run(|| {
        Config::sim(1).run(|| {});
    });
}

const STALL_CHILD_ENV: &str = "LABRT_STALL_CHILD";

/// When run by the test below: a finished run whose channel outlives it
/// (seed 20), then a run blocked in std's sleep (seed 21).
#[test]
fn child_blocks_in_a_std_primitive() {
    if std::env::var_os(STALL_CHILD_ENV).is_some() {
        let mut leaked = None;
        Config::sim(20).run(|| leaked = Some(chan::unbounded::<u8>()));
        Config::sim(21).run(|| {
            thread::spawn("sleeps-in-std", || {
                std::thread::sleep(std::time::Duration::from_secs(8))
            })
            .join()
            .unwrap();
        });
        drop(leaked);
    }
}

#[test]
fn a_run_held_by_a_std_blocking_call_is_reported() {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "guard::child_blocks_in_a_std_primitive",
            "--exact",
            "--test-threads=1",
        ])
        .env(STALL_CHILD_ENV, "1")
        .output()
        .expect("run the test binary again");
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        stderr.contains("seed 21")
            && stderr.contains("simulated thread 'sleeps-in-std' holds the run"),
        "no watchdog report in the child's stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("seed 20"),
        "a finished run was reported as stalled:\n{stderr}"
    );
}

#[test]
fn a_thread_spinning_on_the_frozen_clock_is_a_livelock() {
    let failure = Config::sim(8)
        .try_run(|| {
            let start = labrt::time::Instant::now();
            // Virtual time only moves when every thread waits: this never ends.
            while start.elapsed() < Duration::from_millis(10) {}
        })
        .expect_err("must be reported");
    assert!(
        matches!(failure.kind, FailureKind::Livelock { .. }),
        "{:?}",
        failure.kind
    );
    assert!(failure.to_string().contains("livelock"), "{failure}");
}

#[test]
fn over_long_timeouts_wait_for_ever() {
    let failure = Config::sim(0)
        .try_run(|| {
            labrt::time::sleep(Duration::from_millis(5));
            let (_tx, rx) = chan::unbounded::<()>();
            let _ = rx.recv_timeout(Duration::MAX);
        })
        .expect_err("waiting for ever with nothing else to run is a deadlock");
    assert!(
        matches!(failure.kind, FailureKind::Deadlock { .. }),
        "{:?}",
        failure.kind
    );
}
