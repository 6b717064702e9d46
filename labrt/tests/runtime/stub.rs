use labrt::time::{Duration, sleep};
use labrt::{Config, chan, thread};

/// Reaches `Raft::get_state` often, then `Raft::start` in another thread,
/// then `Raft::get_state` again; panics at the end if `fail`.
fn handout(fail: bool) {
    for _ in 0..100 {
        labrt::unimplemented("Raft::get_state");
    }
    let (tx, rx) = chan::unbounded();
    let peer = thread::spawn("peer", move || {
        sleep(Duration::from_millis(5));
        labrt::unimplemented("Raft::start");
        tx.send(()).unwrap();
    });
    rx.recv().unwrap();
    peer.join().unwrap();
    labrt::unimplemented("Raft::get_state");
    assert!(!fail, "no leader");
}

#[test]
fn a_failed_run_lists_the_stubs_it_reached_once_each_in_order() {
    for config in [Config::sim(3), Config::real(3)] {
        let failure = config.try_run(|| handout(true)).expect_err("must fail");
        assert_eq!(failure.unimplemented, ["Raft::get_state", "Raft::start"]);
        let text = failure.to_string();
        let line = "  unimplemented, reached in this run: Raft::get_state, Raft::start\n";
        let seed_line = format!("  {} seed 3, ", failure.backend.name());
        assert!(text.contains(&format!("{line}{seed_line}")), "{text}");
    }
}

#[test]
fn a_failed_run_without_stubs_does_not_mention_them() {
    for config in [Config::sim(1), Config::real(1)] {
        let failure = config.try_run(|| panic!("plain")).expect_err("must fail");
        assert!(failure.unimplemented.is_empty());
        assert!(!failure.to_string().contains("unimplemented"), "{failure}");
    }
}

#[test]
fn stubs_change_neither_the_schedule_nor_a_passing_run() {
    let plain = Config::sim(9).run(|| {
        let (tx, rx) = chan::unbounded();
        let peer = thread::spawn("peer", move || {
            sleep(Duration::from_millis(5));
            tx.send(()).unwrap();
        });
        rx.recv().unwrap();
        peer.join().unwrap();
    });
    let with_stubs = Config::sim(9).run(|| handout(false));
    assert_eq!(with_stubs, plain);
    Config::real(9).run(|| handout(false));
}

#[test]
fn each_run_has_its_own_list() {
    Config::sim(2).run(|| labrt::unimplemented("Clerk::get"));
    let failure = Config::sim(2)
        .try_run(|| {
            labrt::unimplemented("Clerk::put_append");
            panic!("wrong value");
        })
        .expect_err("must fail");
    assert_eq!(failure.unimplemented, ["Clerk::put_append"]);
}

#[test]
fn outside_a_run_a_stub_does_nothing() {
    labrt::unimplemented("Raft::get_state");
    let failure = Config::sim(0)
        .try_run(|| panic!("plain"))
        .expect_err("must fail");
    assert!(failure.unimplemented.is_empty());
}
