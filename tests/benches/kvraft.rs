//! kvraft benchmarks on the reference solution, in real mode with 3 servers
//! on a reliable network: how many operations per second one clerk gets
//! through when it waits for each before the next, and how many ten clerks
//! get through between them when they run at once.
//!
//! Run with `cargo bench -p tests --bench kvraft`.

use std::time::{Duration, Instant};

use kvraft::{Clerk, KvServer};
use labrpc::{ClientEnd, Network, Server};
use labrt::Config;
use raft::Persister;

/// Servers in the cluster.
const SERVERS: usize = 3;
/// Appends, then as many gets, made one after the other by a single clerk.
const SEQUENTIAL: usize = 2_000;
/// Sequential operations per second the service should reach: every one
/// waits for a Raft agreement, so this is a bound on agreement latency.
const SEQUENTIAL_GOAL: f64 = 5_000.0;
/// Clerks running at once, and how many operations each makes.
const CLERKS: usize = 10;
const PER_CLERK: usize = 500;

fn row(what: &str, value: String) {
    println!("| {what:<64} | {value:>16} |");
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Three kvraft servers on a fresh network, every link up.
struct Cluster {
    net: Network,
    servers: Vec<KvServer>,
}

impl Cluster {
    fn start() -> Cluster {
        let mut cluster = Cluster {
            net: Network::new(),
            servers: Vec::new(),
        };
        for me in 0..SERVERS {
            let ends = cluster.ends(&me.to_string());
            let kv = KvServer::start(ends, me, Persister::new(), None).expect("start a server");
            let services = Server::builder()
                .service(kv.service())
                .service(kv.raft().service());
            let server = services.build().expect("build a server");
            cluster.net.add_server(me.to_string(), server);
            cluster.servers.push(kv);
        }
        cluster
    }

    /// Ends from `from` to every server.
    fn ends(&self, from: &str) -> Vec<ClientEnd> {
        (0..SERVERS)
            .map(|to| {
                let name = format!("{from}->{to}");
                let end = self.net.make_end(&name).expect("make an end");
                self.net.connect(&name, to.to_string()).expect("connect");
                self.net.enable(&name, true).expect("enable");
                end
            })
            .collect()
    }

    /// A clerk that has already found the leader, so no election or leader
    /// search is timed.
    fn clerk(&self, name: &str) -> Clerk {
        let mut ck = Clerk::new(self.ends(name));
        ck.get("warm-up");
        ck
    }

    fn shutdown(self) {
        self.servers.iter().for_each(KvServer::kill);
        self.net.cleanup();
    }
}

/// Latency of each of one clerk's `SEQUENTIAL` appends and `SEQUENTIAL`
/// gets, and the operations per second over the lot.
fn sequential() -> (Vec<Duration>, f64) {
    let (mut latencies, mut rate) = (Vec::new(), 0.0);
    Config::real(1).run(|| {
        let cluster = Cluster::start();
        let mut ck = cluster.clerk("client");
        let start = Instant::now();
        for _ in 0..SEQUENTIAL {
            let op = Instant::now();
            ck.append("k", "x");
            latencies.push(op.elapsed());
        }
        for _ in 0..SEQUENTIAL {
            let op = Instant::now();
            assert_eq!(ck.get("k").len(), SEQUENTIAL, "an append was lost");
            latencies.push(op.elapsed());
        }
        rate = latencies.len() as f64 / start.elapsed().as_secs_f64();
        cluster.shutdown();
    });
    (latencies, rate)
}

/// Operations per second of `CLERKS` clerks at once, each alternating
/// appends and gets on its own key.
fn concurrent() -> f64 {
    let mut rate = 0.0;
    Config::real(2).run(|| {
        let cluster = Cluster::start();
        let clerks: Vec<Clerk> = (0..CLERKS)
            .map(|c| cluster.clerk(&format!("client{c}")))
            .collect();
        let start = Instant::now();
        let threads: Vec<_> = clerks
            .into_iter()
            .enumerate()
            .map(|(c, mut ck)| {
                labrt::thread::spawn(format!("clerk {c}"), move || {
                    let key = format!("k{c}");
                    for i in 0..PER_CLERK / 2 {
                        ck.append(&key, "x");
                        assert_eq!(ck.get(&key).len(), i + 1, "an append was lost");
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        rate = (CLERKS * PER_CLERK) as f64 / start.elapsed().as_secs_f64();
        cluster.shutdown();
    });
    rate
}

fn median_p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99))
}

fn main() {
    println!("kvraft benchmarks (real mode, {SERVERS} servers, reliable network)");
    println!("| {:<64} | {:>16} |", "measure", "value");
    println!("|{:-<66}|{:->18}|", "", "");
    let (latencies, rate) = sequential();
    let (median, p99) = median_p99(latencies);
    row(
        &format!("ops per second, 1 clerk, sequential (goal: at least {SEQUENTIAL_GOAL:.0})"),
        format!("{rate:.0}"),
    );
    row("latency per op, 1 clerk, median", ms(median));
    row("latency per op, 1 clerk, p99", ms(p99));
    row(
        &format!("ops per second, {CLERKS} clerks at once, {PER_CLERK} ops each"),
        format!("{:.0}", concurrent()),
    );
}
