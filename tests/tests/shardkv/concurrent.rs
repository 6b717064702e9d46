//! The tests of clients appending while configurations change and whole
//! groups restart.

use labrt::rand::RngExt;
use labrt::time::{Duration, Instant, sleep};

use super::{Appenders, fill, ms, setup, verify};

/// TestConcurrent1: appends racing joins and leaves, a reconfiguration
/// while every group is down, and restarts.
#[test]
fn concurrent1_4b() {
    tests::run(|| {
        let cfg = setup(false, Some(100));
        let mut ck = cfg.make_client();
        cfg.begin("Test: concurrent puts and configuration changes...");
        cfg.join(0);
        let (ka, va) = fill(&mut ck, 10, 5);
        let appenders = Appenders::start(&cfg, &ka, &va, 5, ms(10));

        sleep(ms(150));
        cfg.join(1);
        sleep(ms(500));
        cfg.join(2);
        sleep(ms(500));
        cfg.leave(0);

        cfg.shutdown_group(0);
        sleep(ms(100));
        cfg.shutdown_group(1);
        sleep(ms(100));
        cfg.shutdown_group(2);

        cfg.leave(2);

        sleep(ms(100));
        for gi in 0..3 {
            cfg.start_group(gi);
        }

        sleep(ms(100));
        cfg.join(0);
        cfg.leave(1);
        sleep(ms(500));
        cfg.join(1);

        sleep(Duration::from_secs(1));

        let va = appenders.wait();
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestConcurrent2: groups leave and join again while clients append,
/// then two groups restart with no snapshots, rebuilding from their logs
/// alone. The joins are in the course's order, 101 first.
#[test]
fn concurrent2_4b() {
    tests::run(|| {
        let cfg = setup(false, None);
        let mut ck = cfg.make_client();
        cfg.begin("Test: more concurrent puts and configuration changes...");
        cfg.join(1);
        cfg.join(0);
        cfg.join(2);
        let (ka, va) = fill(&mut ck, 10, 1);
        let appenders = Appenders::start(&cfg, &ka, &va, 1, ms(50));

        cfg.leave(0);
        cfg.leave(2);
        sleep(ms(3000));
        cfg.join(0);
        cfg.join(2);
        cfg.leave(1);
        sleep(ms(3000));
        cfg.join(1);
        cfg.leave(0);
        cfg.leave(2);
        sleep(ms(3000));

        cfg.shutdown_group(1);
        cfg.shutdown_group(2);
        sleep(ms(1000));
        cfg.start_group(1);
        cfg.start_group(2);

        sleep(Duration::from_secs(2));

        let va = appenders.wait();
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}

/// TestConcurrent3: for 12 seconds, joins, a restart of every group and
/// leaves, at random moments, while clients append without pause.
#[test]
fn concurrent3_4b() {
    tests::run(|| {
        let cfg = setup(false, Some(300));
        let mut ck = cfg.make_client();
        cfg.begin("Test: concurrent configuration change and restart...");
        cfg.join(0);
        let (ka, va) = fill(&mut ck, 10, 1);
        let appenders = Appenders::start(&cfg, &ka, &va, 1, Duration::ZERO);

        let random_pause = || ms(labrt::rand::rng().random_range(0..900));
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(12) {
            cfg.join(2);
            cfg.join(1);
            sleep(random_pause());
            for gi in 0..3 {
                cfg.shutdown_group(gi);
            }
            for gi in 0..3 {
                cfg.start_group(gi);
            }
            sleep(random_pause());
            cfg.leave(1);
            cfg.leave(2);
            sleep(random_pause());
        }

        sleep(Duration::from_secs(2));

        let va = appenders.wait();
        verify(&mut ck, &ka, &va);
        cfg.end();
        cfg.cleanup();
    });
}
