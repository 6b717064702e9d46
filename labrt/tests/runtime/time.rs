use labrt::time::{Duration, Instant, sleep, sleep_until};
use labrt::{Config, thread};

use crate::both;

#[test]
fn a_simulated_hour_is_an_hour_of_virtual_time() {
    let report = Config::sim(9).run(|| {
        let start = Instant::now();
        sleep(Duration::from_secs(3600));
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
    });
    assert_eq!(report.elapsed, Duration::from_secs(3600));
}

#[test]
fn virtual_time_jumps_to_the_earliest_deadline() {
    Config::sim(2).run(|| {
        let start = Instant::now();
        let a = thread::spawn("a", || {
            sleep(Duration::from_millis(300));
            Instant::now()
        });
        let b = thread::spawn("b", || {
            sleep(Duration::from_millis(100));
            Instant::now()
        });
        assert_eq!(b.join().unwrap() - start, Duration::from_millis(100));
        assert_eq!(a.join().unwrap() - start, Duration::from_millis(300));
        // No time passes while threads compute.
        assert_eq!(start.elapsed(), Duration::from_millis(300));
    });
}

#[test]
fn sleep_lasts_at_least_its_duration() {
    both(|| {
        let start = Instant::now();
        sleep(Duration::from_millis(20));
        assert!(start.elapsed() >= Duration::from_millis(20));
        let deadline = Instant::now() + Duration::from_millis(10);
        sleep_until(deadline);
        assert!(Instant::now() >= deadline);
    });
}

#[test]
fn instants_have_std_arithmetic() {
    both(|| {
        let a = Instant::now();
        let b = a + Duration::from_millis(5);
        assert_eq!(b - a, Duration::from_millis(5));
        assert_eq!(a - b, Duration::ZERO, "earlier minus later saturates");
        assert_eq!(b - Duration::from_millis(5), a);
        let mut c = a;
        c += Duration::from_secs(1);
        c -= Duration::from_millis(500);
        assert_eq!(c.duration_since(a), Duration::from_millis(500));
        assert_eq!(b.checked_add(Duration::MAX), None);
        assert_eq!(a.checked_sub(Duration::MAX), None);
    });
}
