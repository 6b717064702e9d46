//! 3A: clients on a healthy or lossy network, one or many, and speed.

use labrt::thread;
use tests::GenericTest;
use tests::kv_harness::{KvConfig, KvSetup, check_concurrent_appends, speed_test};

#[test]
fn basic_3a() {
    tests::run(|| GenericTest::default().run("3A"));
}

#[test]
fn speed_3a() {
    tests::run(|| speed_test("3A", None));
}

#[test]
fn concurrent_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn unreliable_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            unreliable: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

/// Five clients append to one key over a lossy network: lost replies must
/// not turn into double appends.
#[test]
fn unreliable_one_key_3a() {
    const CLIENTS: usize = 5;
    const APPENDS: usize = 10;
    tests::run(|| {
        let cfg = KvConfig::new(KvSetup {
            servers: 3,
            unreliable: true,
            maxraftstate: None,
        });
        let mut ck = cfg.make_client(&cfg.all());
        cfg.begin("Test: concurrent append to same key, unreliable (3A)");
        ck.put("k", "");
        let clients: Vec<_> = (0..CLIENTS)
            .map(|me| {
                let cfg = cfg.clone();
                thread::spawn(format!("client{me}"), move || {
                    let mut ck = cfg.make_client(&cfg.all());
                    for n in 0..APPENDS {
                        ck.append("k", &format!("x {me} {n} y"));
                    }
                    cfg.delete_client(ck);
                })
            })
            .collect();
        for client in clients {
            client.join().expect("a client's failure fails the run");
        }
        let value = ck.get("k");
        check_concurrent_appends(&value, &[APPENDS; CLIENTS]);
        cfg.end();
        cfg.cleanup();
    });
}
