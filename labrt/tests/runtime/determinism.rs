use std::sync::Arc;

use labrt::rand::RngExt;
use labrt::sync::Mutex;
use labrt::time::{Duration, sleep};
use labrt::{Config, Report, thread};

/// A racy program: five threads append to one log with random pauses. Its
/// output is the interleaving the schedule produced.
fn racy(seed: u64) -> (Report, Vec<u32>) {
    racy_in(Config::sim(seed))
}

/// [`racy`], run as `config` says.
pub(crate) fn racy_in(config: Config) -> (Report, Vec<u32>) {
    let mut out = Vec::new();
    let report = config.run(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let handles: Vec<_> = (0..5u32)
            .map(|t| {
                let log = log.clone();
                thread::spawn(format!("writer-{t}"), move || {
                    for i in 0..10 {
                        log.lock().push(t * 100 + i);
                        if labrt::rand::rng().random_bool(0.3) {
                            sleep(Duration::from_millis(labrt::rand::rng().random_range(0..5)));
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        out = log.lock().clone();
    });
    (report, out)
}

#[test]
fn the_same_seed_gives_the_same_schedule_and_trace() {
    for seed in 0..20 {
        let (r1, out1) = racy(seed);
        let (r2, out2) = racy(seed);
        assert_eq!(out1, out2, "seed {seed}: different interleavings");
        assert_eq!(r1, r2, "seed {seed}: different reports");
    }
}

#[test]
fn different_seeds_explore_different_interleavings() {
    let runs: Vec<_> = (0..20).map(racy).collect();
    let mut outputs: Vec<_> = runs.iter().map(|(_, out)| out.clone()).collect();
    outputs.sort();
    outputs.dedup();
    assert!(
        outputs.len() >= 15,
        "only {} distinct interleavings in 20 seeds",
        outputs.len()
    );
    let mut traces: Vec<_> = runs.iter().map(|(r, _)| r.trace).collect();
    traces.sort();
    traces.dedup();
    assert_eq!(traces.len(), 20, "distinct seeds gave equal traces");
}

const CHILD_ENV: &str = "LABRT_DETERMINISM_CHILD";

/// Prints the trace of seed 77 when run as the child of the test below.
#[test]
fn child_prints_its_trace() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let (report, out) = racy(77);
        println!("TRACE {:016x} {out:?}", report.trace.unwrap());
    }
}

#[test]
fn the_trace_is_the_same_in_another_process() {
    let (report, out) = racy(77);
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "determinism::child_prints_its_trace",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&child.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.find("TRACE ").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("no trace in child output:\n{stdout}"));
    assert_eq!(
        line,
        format!("TRACE {:016x} {out:?}", report.trace.unwrap())
    );
}

#[test]
fn runs_in_parallel_test_threads_do_not_disturb_each_other() {
    let expected: Vec<_> = (0..4).map(|seed| racy(seed).0.trace).collect();
    let workers: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| (0..4).map(|seed| racy(seed).0.trace).collect::<Vec<_>>()))
        .collect();
    for w in workers {
        assert_eq!(w.join().unwrap(), expected);
    }
}
