//! The tests on an unreliable network: every RPC (clerks, controllers,
//! Raft, and groups moving shards) delayed, lost, or its reply lost.

use labrt::rand::RngExt;
use linearizability::models::kv::KvInput;
use tests::kv_harness::linearizability_failure;
use tests::raft_harness::rand_string;
use tests::shardkv_harness::History;

use super::{Appenders, fill, setup, unreliable_schedule, verify};

/// TestUnreliable1: check-and-appends with every group moving, then two
/// full passes of checks.
#[test]
fn unreliable1_4b() {
    tests::run(|| {
        let cfg = setup(true, Some(100));
        let mut ck = cfg.make_client();
        cfg.begin("Test: unreliable 1...");
        cfg.join(0);
        let (ka, mut va) = fill(&mut ck, 10, 5);

        cfg.join(1);
        cfg.join(2);
        cfg.leave(0);

        for ii in 0..2 * ka.len() {
            let i = ii % ka.len();
            ck.check(&ka[i], &va[i]);
            let x = rand_string(5);
            ck.append(&ka[i], &x);
            va[i].push_str(&x);
        }

        cfg.join(0);
        cfg.leave(1);

        for ii in 0..2 * ka.len() {
            let i = ii % ka.len();
            ck.check(&ka[i], &va[i]);
        }
        cfg.end();
        cfg.cleanup();
    });
}

/// TestUnreliable2: appenders without pause through joins and leaves;
/// the network is made reliable before they are waited for.
#[test]
fn unreliable2_4b() {
    tests::run(|| {
        let cfg = setup(true, Some(100));
        let mut ck = cfg.make_client();
        cfg.begin("Test: unreliable 2...");
        cfg.join(0);
        let (ka, va) = fill(&mut ck, 10, 5);
        let appenders = Appenders::start(&cfg, &ka, &va, 5, labrt::time::Duration::ZERO);

        unreliable_schedule(&cfg);

        appenders.signal();
        cfg.set_reliable(true);
        let va = appenders.wait();
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestUnreliable3: ten clients share the ten keys (50% append, 5% put,
/// 45% get) through the same schedule, and the whole history must be
/// linearizable. The check is bounded by steps, not by Go's 1 s of wall
/// time, and a history it cannot decide within them fails rather than
/// passes.
#[test]
fn unreliable3_4b() {
    tests::run(|| {
        let cfg = setup(true, Some(100));
        let mut ck = cfg.make_client();
        cfg.begin("Test: unreliable 3...");
        let history = History::new();
        cfg.join(0);
        let n = 10;
        let ka: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        for k in &ka {
            let input = KvInput::Put {
                key: k.clone(),
                value: rand_string(5),
            };
            ck.run(input, Some((&history, 0)));
        }

        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let clients: Vec<_> = (0..n)
            .map(|i| {
                let (cfg, history, stop, ka) =
                    (cfg.clone(), history.clone(), stop.clone(), ka.clone());
                labrt::thread::spawn(format!("client {i}"), move || {
                    let mut ck1 = cfg.make_client();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let (key, append, put) = {
                            let mut rng = labrt::rand::rng();
                            let key = ka[rng.random_range(0..n)].clone();
                            let append = rng.random_range(0..1000) < 500;
                            (key, append, !append && rng.random_range(0..1000) < 100)
                        };
                        let nv = rand_string(5);
                        let input = if append {
                            KvInput::Append { key, value: nv }
                        } else if put {
                            KvInput::Put { key, value: nv }
                        } else {
                            KvInput::Get { key }
                        };
                        ck1.run(input, Some((&history, i)));
                    }
                })
            })
            .collect();

        unreliable_schedule(&cfg);

        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        cfg.set_reliable(true);
        for client in clients {
            client.join().expect("a client's failure fails the run");
        }

        if let Some(failure) = linearizability_failure(&history.operations()) {
            panic!("{failure}");
        }
        cfg.end();
        cfg.cleanup();
    });
}
