//! labrpc's tests: one binary, a module per concern.

mod course;
mod determinism;
mod errors;
mod faults;
mod junk;
mod links;

use std::sync::Arc;

use labrpc::{ClientEnd, Network};

use crate::junk::JunkServer;

/// Seeds every sim test runs with.
const SIM_SEEDS: std::ops::Range<u64> = 0..4;

/// Runs `body` in sim with several seeds, then once in real.
pub fn both(body: impl Fn()) {
    for seed in SIM_SEEDS {
        labrt::Config::sim(seed).run(&body);
    }
    labrt::Config::real(0).run(&body);
}

/// Runs `body` in sim only: for tests that wait for seconds.
pub fn sim(body: impl Fn()) {
    for seed in SIM_SEEDS {
        labrt::Config::sim(seed).run(&body);
    }
}

/// An end named `end`, connected to `server` and enabled.
pub fn live_end(net: &Network, end: &str, server: &str) -> ClientEnd {
    let client = net.make_end(end).unwrap();
    net.connect(end, server).unwrap();
    net.enable(end, true).unwrap();
    client
}

/// A network with a junk server at "s" and a live end "c" to it.
pub fn junk_network() -> (Network, ClientEnd, Arc<JunkServer>) {
    let net = Network::new();
    let end = live_end(&net, "c", "s");
    let (js, server) = JunkServer::start();
    net.add_server("s", server);
    (net, end, js)
}
