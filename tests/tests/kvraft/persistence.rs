//! 3A: every server restarted after each round, with and without loss and
//! partitions; the last test checks a shared-key history.

use tests::GenericTest;

#[test]
fn persist_one_client_3a() {
    tests::run(|| {
        GenericTest {
            crash: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn persist_concurrent_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            crash: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn persist_concurrent_unreliable_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            unreliable: true,
            crash: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn persist_partition_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            crash: true,
            partitions: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn persist_partition_unreliable_3a() {
    tests::run(|| {
        GenericTest {
            clients: 5,
            unreliable: true,
            crash: true,
            partitions: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}

#[test]
fn persist_partition_unreliable_linearizable_3a() {
    tests::run(|| {
        GenericTest {
            clients: 15,
            servers: 7,
            unreliable: true,
            crash: true,
            partitions: true,
            random_keys: true,
            ..GenericTest::default()
        }
        .run("3A")
    });
}
