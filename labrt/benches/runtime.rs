//! labrt benchmarks: the cost of the simulation and of the real backend.
//!
//! Run with `make bench` (or `cargo bench -p labrt`). Each figure is the
//! median of several repetitions, measured on the wall clock.

use std::time::{Duration, Instant};

use labrt::time::sleep;
use labrt::{Config, chan, thread};

const REPS: usize = 5;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Median wall time of `f` over the repetitions, divided by `per`.
fn per_op(per: u64, mut f: impl FnMut()) -> Duration {
    let samples = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() / per as f64
        })
        .collect();
    Duration::from_secs_f64(median(samples))
}

fn row(what: &str, value: String) {
    println!("| {what:<64} | {value:>12} |");
}

fn ns(d: Duration) -> String {
    format!("{:.0} ns", d.as_secs_f64() * 1e9)
}

/// Two threads yielding to each other: one scheduling decision per yield.
fn sim_switch() -> Duration {
    const N: u64 = 200_000;
    let mut steps = 0;
    let mut wall = per_op(1, || {
        let report = Config::sim(1).run(|| {
            let other = thread::spawn("other", || (0..N).for_each(|_| thread::yield_now()));
            (0..N).for_each(|_| thread::yield_now());
            other.join().unwrap();
        });
        steps = report.steps.expect("sim reports steps");
    });
    wall /= steps as u32;
    wall
}

/// `n` round trips between the body and an echo thread over labrt channels.
fn ping_pong(n: u64) {
    let (ping_tx, ping_rx) = chan::unbounded();
    let (pong_tx, pong_rx) = chan::unbounded();
    let echo = thread::spawn("echo", move || {
        for v in ping_rx.iter() {
            pong_tx.send(v).unwrap();
        }
    });
    for i in 0..n {
        ping_tx.send(i).unwrap();
        pong_rx.recv().unwrap();
    }
    drop(ping_tx);
    echo.join().unwrap();
}

/// Round trips between two simulated threads over two channels.
fn sim_chan_round_trip() -> Duration {
    const N: u64 = 50_000;
    per_op(N, || {
        Config::sim(2).run(|| ping_pong(N));
    })
}

/// Spawning and joining short simulated threads, as the network does per RPC.
fn sim_spawn() -> Duration {
    const N: u64 = 50_000;
    per_op(N, || {
        Config::sim(3).run(|| {
            for i in 0..N {
                thread::spawn("rpc", move || i).join().unwrap();
            }
        });
    })
}

/// Five peers, each sending a heartbeat to the four others every 100 ms and
/// receiving on its own thread, for one virtual hour.
fn sim_heartbeats() -> (f64, u64) {
    const PEERS: usize = 5;
    let virtual_time = Duration::from_secs(3600);
    let mut steps = 0;
    let wall = per_op(1, || {
        let report = Config::sim(4).run(|| {
            let (txs, rxs): (Vec<_>, Vec<_>) =
                (0..PEERS).map(|_| chan::unbounded::<usize>()).unzip();
            for (me, rx) in rxs.into_iter().enumerate() {
                thread::spawn(format!("peer-{me}-inbox"), move || rx.iter().count());
                let peers = txs.clone();
                thread::spawn(format!("peer-{me}-ticker"), move || {
                    let end = labrt::time::Instant::now() + virtual_time;
                    while labrt::time::Instant::now() < end {
                        sleep(Duration::from_millis(100));
                        for (to, tx) in peers.iter().enumerate() {
                            if to != me {
                                tx.send(me).unwrap();
                            }
                        }
                    }
                });
            }
            sleep(virtual_time + Duration::from_secs(1));
        });
        steps = report.steps.expect("sim reports steps");
    });
    (virtual_time.as_secs_f64() / wall.as_secs_f64(), steps)
}

/// Round trips between two real threads through labrt channels.
fn real_labrt_round_trip() -> Duration {
    const N: u64 = 100_000;
    per_op(N, || {
        Config::real(5).run(|| ping_pong(N));
    })
}

/// The floor: the same round trips on raw crossbeam channels and std threads.
fn raw_crossbeam_round_trip() -> Duration {
    const N: u64 = 100_000;
    per_op(N, || {
        let (ping_tx, ping_rx) = crossbeam_channel::unbounded();
        let (pong_tx, pong_rx) = crossbeam_channel::unbounded();
        let echo = std::thread::spawn(move || {
            for v in ping_rx.iter() {
                pong_tx.send(v).unwrap();
            }
        });
        for i in 0..N {
            ping_tx.send(i).unwrap();
            pong_rx.recv().unwrap();
        }
        drop(ping_tx);
        echo.join().unwrap();
    })
}

fn real_spawn() -> Duration {
    const N: u64 = 20_000;
    per_op(N, || {
        Config::real(6).run(|| {
            for i in 0..N {
                thread::spawn("rpc", move || i).join().unwrap();
            }
        });
    })
}

fn std_spawn() -> Duration {
    const N: u64 = 2_000;
    per_op(N, || {
        for i in 0..N {
            std::thread::spawn(move || i).join().unwrap();
        }
    })
}

fn main() {
    println!("labrt benchmarks (median of {REPS} repetitions)");
    println!("| {:<64} | {:>12} |", "measure", "value");
    println!("|{:-<66}|{:->14}|", "", "");
    row("sim: one scheduling decision (switch)", ns(sim_switch()));
    row(
        "sim: channel round trip between two threads",
        ns(sim_chan_round_trip()),
    );
    row("sim: spawn + join of a thread", ns(sim_spawn()));
    let (speed, steps) = sim_heartbeats();
    row(
        &format!("sim: 5-peer heartbeats, virtual s per wall s ({steps} steps)"),
        format!("{speed:.0}"),
    );
    let labrt_rt = real_labrt_round_trip();
    let raw_rt = raw_crossbeam_round_trip();
    row("real: labrt channel round trip", ns(labrt_rt));
    row("real: raw crossbeam round trip (floor)", ns(raw_rt));
    row(
        "real: labrt / raw round trip",
        format!("{:.2}x", labrt_rt.as_secs_f64() / raw_rt.as_secs_f64()),
    );
    row("real: spawn + join, labrt (pooled)", ns(real_spawn()));
    row("real: spawn + join, std::thread (fresh)", ns(std_spawn()));
}
