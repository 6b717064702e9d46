//! 3A: partitions, fixed and random.

use labrt::chan;
use labrt::thread;
use labrt::time::{Duration, sleep};
use tests::GenericTest;
use tests::kv_harness::{KvConfig, KvSetup};

/// How long the minority's requests must stay unanswered, and how long the
/// healed cluster may then take to answer the put.
const MINORITY_WAIT: Duration = Duration::from_secs(1);
const HEAL_WAIT: Duration = Duration::from_secs(3);

/// A majority makes progress, a minority does not (its requests wait, and
/// are neither answered nor applied twice), and once healed the minority's
/// waiting put completes.
#[test]
fn one_partition_3a() {
    tests::run(|| {
        let cfg = KvConfig::new(KvSetup {
            servers: 5,
            unreliable: false,
            maxraftstate: None,
        });
        let mut ck = cfg.make_client(&cfg.all());
        ck.put("1", "13");

        cfg.begin("Test: progress in majority (3A)");
        let (p1, p2) = cfg.make_partition();
        cfg.partition(&p1, &p2);
        let mut ckp1 = cfg.make_client(&p1);
        let mut ckp2a = cfg.make_client(&p2);
        let mut ckp2b = cfg.make_client(&p2);
        ckp1.put("1", "14");
        ckp1.check("1", "14");
        cfg.end();

        cfg.begin("Test: no progress in minority (3A)");
        let (put_done_tx, put_done) = chan::bounded(1);
        let (get_done_tx, get_done) = chan::bounded(1);
        let (ckp2a_id, ckp2b_id) = (ckp2a.id(), ckp2b.id());
        thread::spawn("minority put", move || {
            ckp2a.put("1", "15");
            put_done_tx.send(()).expect("the test waits");
        });
        thread::spawn("minority get", move || {
            ckp2b.get("1"); // different clerk in p2
            get_done_tx.send(()).expect("the test waits");
        });
        sleep(MINORITY_WAIT);
        if put_done.try_recv().is_ok() {
            cfg.fail("Put in minority completed");
        }
        if get_done.try_recv().is_ok() {
            cfg.fail("Get in minority completed");
        }
        ckp1.check("1", "14");
        ckp1.put("1", "16");
        ckp1.check("1", "16");
        cfg.end();

        cfg.begin("Test: completion after heal (3A)");
        cfg.connect_all();
        cfg.connect_client(ckp2a_id, &cfg.all());
        cfg.connect_client(ckp2b_id, &cfg.all());
        sleep(MINORITY_WAIT);
        let put_completed = put_done.recv_timeout(HEAL_WAIT).is_ok();
        if !put_completed {
            cfg.fail("Put did not complete");
        }
        // As in the course, the get is not required to have finished.
        let _ = get_done.try_recv();
        ck.check("1", "15");
        cfg.end();
        cfg.cleanup();
    });
}

#[test]
fn many_partitions_one_client_3a() {
    tests::run(|| {
        GenericTest {
            partitions: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn many_partitions_many_clients_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            partitions: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}
