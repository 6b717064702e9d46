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

/// Set for a child run of this binary: which labrt-free hang to play.
const HANG_CHILD_ENV: &str = "LABRT_HANG_CHILD";

/// The stall limit of the children's hung runs.
const HANG_LIMIT: std::time::Duration = std::time::Duration::from_secs(1);

/// When run by the tests below: a finished run whose channel outlives it
/// (seed 20), then a run whose ticker never calls labrt again (seed 21):
/// it sleeps in std, or it spins.
#[test]
fn child_holds_the_run_without_labrt() {
    let Some(how) = std::env::var_os(HANG_CHILD_ENV) else {
        return;
    };
    let mut leaked = None;
    Config::sim(20).run(|| leaked = Some(chan::unbounded::<u8>()));
    Config::sim(21).with_stall_limit(HANG_LIMIT).run(move || {
        labrt::unimplemented("Raft::ticker");
        thread::spawn("ticker", move || {
            labrt::time::sleep(Duration::from_millis(30));
            let mut ticks = 0_u64;
            loop {
                if how == "sleep" {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                ticks = std::hint::black_box(ticks + 1);
            }
        })
        .join()
        .unwrap();
    });
    drop(leaked);
}

/// Runs the child playing `how`; its exit status, stderr and wall time.
fn hung_child(how: &str) -> (Option<i32>, String, std::time::Duration) {
    let start = std::time::Instant::now();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "guard::child_holds_the_run_without_labrt",
            "--exact",
            "--test-threads=1",
        ])
        .env(HANG_CHILD_ENV, how)
        .output()
        .expect("run the test binary again");
    let stderr = String::from_utf8_lossy(&child.stderr).into_owned();
    (child.status.code(), stderr, start.elapsed())
}

/// The hung run's failure, as the watchdog prints it before ending the
/// process: the thread, its last labrt call, the stubs, the replay.
fn assert_hung_report(how: &str, cause: &str) {
    let (status, stderr, wall) = hung_child(how);
    assert_eq!(
        status,
        Some(101),
        "the child did not end as failed:\n{stderr}"
    );
    assert!(
        wall < HANG_LIMIT * 20,
        "the hang took {wall:?} to end under a limit of {HANG_LIMIT:?}"
    );
    for expected in [
        "labrt: hung: thread 'ticker' (its last labrt call: sleep at ",
        "guard.rs",
        cause,
        "LAB_STALL_SECS",
        "unimplemented, reached in this run: Raft::ticker",
        "sim seed 21, virtual time 0.030s",
        "replay: LAB_RUNTIME=sim LAB_SEED=21 cargo test -p labrt --test runtime \
         guard::child_holds_the_run_without_labrt -- --exact",
    ] {
        assert!(stderr.contains(expected), "no {expected:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains("seed 20"),
        "a finished run was reported as hung:\n{stderr}"
    );
}

#[test]
fn a_ticker_sleeping_in_std_without_labrt_ends_the_run_as_hung() {
    assert_hung_report("sleep", "it blocks in a std call (it used almost no CPU)");
}

#[test]
fn a_ticker_spinning_without_labrt_ends_the_run_as_hung() {
    assert_hung_report("spin", "it computes in a loop that never calls labrt");
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
