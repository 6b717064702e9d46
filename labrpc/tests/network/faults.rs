//! The fault model seen from calls: losses, delays, reordering, and servers
//! that die or are replaced while calls are in flight.

use labrpc::fate::SIM_TRANSIT_MAX;
use labrpc::{Network, RpcError, Server, Service};
use labrt::chan;
use labrt::thread;
use labrt::time::{self, Duration, Instant};

use crate::{both, junk_network, live_end, sim};

/// A server whose one method sleeps `ms` milliseconds, then replies `ms`.
fn sleeper() -> Server {
    let service = Service::new("Slow").method("Sleep", |ms: u64| {
        time::sleep(Duration::from_millis(ms));
        ms
    });
    Server::builder().service(service).build().unwrap()
}

/// Starts `end.call_method("Slow.Sleep", ms)` on its own thread.
fn call_sleeper(end: &labrpc::ClientEnd, ms: u64) -> chan::Receiver<Result<u64, RpcError>> {
    let (tx, rx) = chan::unbounded();
    let end = end.clone();
    thread::spawn("caller", move || {
        tx.send(end.call_method("Slow.Sleep", &ms)).unwrap()
    });
    rx
}

#[test]
fn replacing_a_server_hides_replies_of_the_old_one() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let old = sleeper();
        net.add_server("s", old.clone());
        let reply = call_sleeper(&end, 50);
        time::sleep(Duration::from_millis(10));
        net.add_server("s", sleeper());

        // The old handler finishes, but a restarted peer's reply must not
        // reach the caller.
        assert_eq!(reply.recv().unwrap(), Err(RpcError::ServerGone));
        assert_eq!((old.count(), net.count("s")), (1, 0));
        assert_eq!(end.call_method("Slow.Sleep", &0_u64), Ok(0_u64));
        assert_eq!(net.count("s"), 1);
    });
}

#[test]
fn disabling_an_end_cuts_off_its_calls_within_the_poll() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        net.add_server("s", sleeper());
        let reply = call_sleeper(&end, 60_000);
        time::sleep(Duration::from_millis(250));
        net.enable("c", false).unwrap();
        let disabled = Instant::now();
        assert_eq!(reply.recv().unwrap(), Err(RpcError::ServerGone));
        let took = disabled.elapsed();
        assert!(took <= labrpc::LIVENESS_POLL, "cut off after {took:?}");
    });
}

#[test]
fn a_server_added_later_gets_the_traffic_of_its_name() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        assert_eq!(
            end.call_method::<_, u64>("Slow.Sleep", &0_u64),
            Err(RpcError::Unreachable)
        );
        net.add_server("s", sleeper());
        assert_eq!(end.call_method("Slow.Sleep", &0_u64), Ok(0_u64));
        net.delete_server("s");
        assert_eq!(net.count("s"), 0);
        assert_eq!(
            end.call_method::<_, u64>("Slow.Sleep", &0_u64),
            Err(RpcError::Unreachable)
        );
    });
}

/// Request losses never run the handler; reply losses always have; only
/// delivered replies count as bytes.
#[test]
fn losses_on_an_unreliable_network() {
    sim(|| {
        let (net, end, js) = junk_network();
        net.set_reliable(false);
        let (mut ok, mut request_lost, mut reply_lost) = (0, 0, 0);
        for _ in 0..1000 {
            match end.call_method::<_, String>("JunkServer.Handler7", &107_i64) {
                Ok(reply) => {
                    assert_eq!(reply.len(), 107);
                    ok += 1;
                }
                Err(RpcError::RequestLost) => request_lost += 1,
                Err(RpcError::ReplyLost) => reply_lost += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        // Expected: 100 requests lost, 90 replies lost.
        assert!(
            (50..150).contains(&request_lost),
            "{request_lost} requests lost"
        );
        assert!((40..140).contains(&reply_lost), "{reply_lost} replies lost");
        assert_eq!(net.count("s"), ok + reply_lost);
        assert_eq!(js.mu.lock().log1.len(), 0);
        assert_eq!(net.total_count(), 1000);
        assert_eq!(net.total_bytes(), 1000 + 108 * ok);
    });
}

/// The most a sim call's request and reply spend on the wire, on top of the
/// fault model's delays.
const ROUND_TRIP_TRANSIT: Duration = Duration::from_micros(2 * SIM_TRANSIT_MAX.as_micros() as u64);

/// Measures `n` sequential calls of `Slow.Sleep(0)` on the run's clock.
fn durations(end: &labrpc::ClientEnd, n: usize) -> Vec<(Duration, bool)> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            let ok = end.call_method::<_, u64>("Slow.Sleep", &0_u64).is_ok();
            (start.elapsed(), ok)
        })
        .collect()
}

#[test]
fn unreliable_requests_wait_up_to_26ms() {
    sim(|| {
        let net = Network::new();
        net.set_reliable(false);
        let end = live_end(&net, "c", "s");
        net.add_server("s", sleeper());
        let times = durations(&end, 500);
        let longest = times.iter().map(|(d, _)| *d).max().unwrap();
        let delay_max = Duration::from_millis(26);
        assert!(
            longest >= delay_max && longest <= delay_max + ROUND_TRIP_TRANSIT,
            "longest call {longest:?}"
        );
        assert!(times.iter().any(|(d, ok)| *ok && *d <= ROUND_TRIP_TRANSIT));
    });
}

#[test]
fn long_reordering_holds_replies_200_to_2199ms() {
    sim(|| {
        let net = Network::new();
        net.set_long_reordering(true);
        let end = live_end(&net, "c", "s");
        net.add_server("s", sleeper());
        let times = durations(&end, 300);
        assert!(times.iter().all(|(_, ok)| *ok));
        let held: Vec<_> = times
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| *d > ROUND_TRIP_TRANSIT)
            .collect();
        assert!(
            (150..250).contains(&held.len()),
            "{} of 300 held",
            held.len()
        );
        let in_range =
            |d: &Duration| (200..=2199 + ROUND_TRIP_TRANSIT.as_millis()).contains(&d.as_millis());
        assert!(held.iter().all(in_range), "{held:?}");
    });
}

#[test]
fn dead_links_fail_within_100ms_or_7s_with_long_delays() {
    sim(|| {
        let net = Network::new();
        let end = net.make_end("c").unwrap();
        let longest = || {
            let times = durations(&end, 200);
            assert!(times.iter().all(|(_, ok)| !ok));
            times.iter().map(|(d, _)| d.as_millis()).max().unwrap()
        };
        let short = longest();
        assert!(
            (80..=99).contains(&short),
            "longest short failure {short} ms"
        );
        net.set_long_delays(true);
        let long = longest();
        assert!(
            (6000..=6999).contains(&long),
            "longest long failure {long} ms"
        );
    });
}
