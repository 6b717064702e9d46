use labrt::{Backend, Config, FailureKind, thread};

use crate::both;

#[test]
fn join_returns_the_value() {
    both(|| {
        let h = thread::spawn("adder", || 40 + 2);
        assert_eq!(h.name(), "adder");
        assert_eq!(h.join(), Ok(42));
    });
}

#[test]
fn threads_know_their_names() {
    both(|| {
        assert_eq!(thread::current_name(), "main");
        let h = thread::spawn("named", thread::current_name);
        assert_eq!(h.join().unwrap(), "named");
    });
}

#[test]
fn a_thousand_short_threads_all_finish() {
    both(|| {
        let handles: Vec<_> = (0..1000u64)
            .map(|i| thread::spawn(format!("t{i}"), move || i * 2))
            .collect();
        let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(sum, 999 * 1000);
    });
}

#[test]
fn a_panic_in_a_thread_fails_the_run_with_its_message() {
    for config in [Config::sim(5), Config::real(5)] {
        let failure = config
            .try_run(|| {
                let h = thread::spawn("worker", || panic!("boom at step 3"));
                let _ = h.join();
                // In real, the main thread ends at its next blocking call.
                labrt::time::sleep(labrt::time::Duration::from_secs(5));
            })
            .expect_err("the run must fail");
        let FailureKind::Panic {
            thread,
            message,
            location,
        } = failure.kind
        else {
            panic!("expected a panic, got {:?}", failure.kind);
        };
        assert_eq!(
            (thread.as_str(), message.as_str()),
            ("worker", "boom at step 3")
        );
        assert!(
            location
                .unwrap()
                .starts_with("labrt/tests/runtime/thread.rs:")
        );
        assert_eq!(failure.seed, 5);
    }
}

#[test]
fn a_panic_in_the_body_fails_the_run_and_names_the_replay() {
    let failure = Config::sim(11)
        .try_run(|| panic!("body failed"))
        .expect_err("must fail");
    assert_eq!(failure.backend, Backend::Sim);
    let text = failure.to_string();
    assert!(
        text.contains("thread 'main' panicked at labrt/tests/runtime/thread.rs:"),
        "{text}"
    );
    assert!(text.contains(": body failed"), "{text}");
    // Under cargo the command runs this test binary only.
    let binary = match std::env::var("CARGO_PKG_NAME") {
        Ok(_) => "-p labrt --test runtime ",
        Err(_) => "",
    };
    let replay = format!(
        "  replay: LAB_RUNTIME=sim LAB_SEED=11 cargo test {binary}\
         thread::a_panic_in_the_body_fails_the_run_and_names_the_replay -- --exact"
    );
    assert!(text.ends_with(&replay), "{text}");
}

#[test]
#[should_panic(expected = "thread 'main' panicked at")]
fn run_panics_with_the_failure() {
    Config::sim(0).run(|| panic!("deliberate"));
}
