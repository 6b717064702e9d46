//! labrpc benchmarks: the cost of a call, against the floor of a raw channel
//! round trip on the same machine.
//!
//! Run with `make bench` (or `cargo bench -p labrpc`). Latencies are per
//! round trip on the wall clock; throughputs are the median of several runs.

use std::time::{Duration, Instant};

use labrpc::{ClientEnd, Network, Server, Service};
use labrt::{Config, chan, thread};

const REPS: usize = 5;
const ROUND_TRIPS: usize = 20_000;
/// The course's benchmark: this many sequential calls.
const COURSE_CALLS: u64 = 100_000;

/// The median and 99th percentile of `samples`.
fn median_p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn row(what: &str, value: String) {
    println!("| {what:<64} | {value:>16} |");
}

fn us(d: Duration) -> String {
    format!("{:.1} us", d.as_secs_f64() * 1e6)
}

/// A network with one echo server and an enabled end per caller.
fn echo_network(callers: usize) -> (Network, Vec<ClientEnd>) {
    let net = Network::new();
    let service = Service::new("Echo").method("Echo", |x: u64| x);
    net.add_server("echo", Server::builder().service(service).build().unwrap());
    let ends = (0..callers)
        .map(|i| {
            let name = format!("caller {i}");
            let end = net.make_end(name.as_str()).unwrap();
            net.connect(&name, "echo").unwrap();
            net.enable(&name, true).unwrap();
            end
        })
        .collect();
    (net, ends)
}

/// Wall time of each of `ROUND_TRIPS` sequential calls, in real mode.
fn real_call_latencies() -> Vec<Duration> {
    let mut samples = Vec::with_capacity(ROUND_TRIPS);
    Config::real(1).run(|| {
        let (_net, ends) = echo_network(1);
        for i in 0..ROUND_TRIPS as u64 {
            let start = Instant::now();
            let reply: u64 = ends[0].call_method("Echo.Echo", &i).unwrap();
            samples.push(start.elapsed());
            assert_eq!(reply, i);
        }
    });
    samples
}

/// The floor: the wall time of each round trip to a std thread over raw
/// crossbeam channels.
fn raw_round_trip_latencies() -> Vec<Duration> {
    let (ping_tx, ping_rx) = crossbeam_channel::unbounded::<u64>();
    let (pong_tx, pong_rx) = crossbeam_channel::unbounded();
    let echo = std::thread::spawn(move || ping_rx.iter().for_each(|v| pong_tx.send(v).unwrap()));
    let samples = (0..ROUND_TRIPS as u64)
        .map(|i| {
            let start = Instant::now();
            ping_tx.send(i).unwrap();
            pong_rx.recv().unwrap();
            start.elapsed()
        })
        .collect();
    drop(ping_tx);
    echo.join().unwrap();
    samples
}

/// Calls per wall second with `callers` threads each making `per_caller`
/// sequential calls.
fn calls_per_second(config: impl Fn() -> Config, callers: usize, per_caller: u64) -> f64 {
    let rates = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            config().run(|| {
                let (_net, ends) = echo_network(callers);
                let (done_tx, done_rx) = chan::unbounded();
                for end in ends {
                    let done_tx = done_tx.clone();
                    thread::spawn("caller", move || {
                        for i in 0..per_caller {
                            assert_eq!(end.call_method::<_, u64>("Echo.Echo", &i), Ok(i));
                        }
                        done_tx.send(()).unwrap();
                    });
                }
                drop(done_tx);
                assert_eq!(done_rx.iter().count(), callers);
            });
            (callers as u64 * per_caller) as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    median(rates)
}

fn main() {
    println!("labrpc benchmarks (latency over {ROUND_TRIPS} calls; rates: median of {REPS} runs)");
    println!("| {:<64} | {:>16} |", "measure", "value");
    println!("|{:-<66}|{:->18}|", "", "");
    let (call_median, call_p99) = median_p99(real_call_latencies());
    let (raw_median, raw_p99) = median_p99(raw_round_trip_latencies());
    row("real: labrpc call round trip, median", us(call_median));
    row("real: labrpc call round trip, p99", us(call_p99));
    row(
        "real: raw crossbeam round trip (floor), median",
        us(raw_median),
    );
    row("real: raw crossbeam round trip (floor), p99", us(raw_p99));
    row(
        "real: labrpc / raw round trip, median",
        format!(
            "{:.2}x",
            call_median.as_secs_f64() / raw_median.as_secs_f64()
        ),
    );
    let one = calls_per_second(|| Config::real(2), 1, COURSE_CALLS);
    row("real: calls per second, 1 caller", format!("{one:.0}"));
    let many = calls_per_second(|| Config::real(3), 16, COURSE_CALLS / 80);
    row("real: calls per second, 16 callers", format!("{many:.0}"));
    let sim = calls_per_second(|| Config::sim(4), 1, COURSE_CALLS);
    row("sim: calls per wall second, 1 caller", format!("{sim:.0}"));
    let sim_many = calls_per_second(|| Config::sim(5), 16, COURSE_CALLS / 16);
    row(
        "sim: calls per wall second, 16 callers",
        format!("{sim_many:.0}"),
    );
    row(
        "course benchmark: 100,000 sequential calls, real",
        format!("{:.2} s", COURSE_CALLS as f64 / one),
    );
}
