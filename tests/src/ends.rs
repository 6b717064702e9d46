//! Client ends as the course's testers make them: under random names, so
//! a restarted server or a new clerk never reuses an old end, and handed
//! to a clerk in random order.

use labrpc::{ClientEnd, Network, SetupError};
use labrt::rand::RngExt;

use crate::raft_harness::rand_string;

/// Length of the random names of fresh ends.
const END_NAME_LEN: usize = 20;

/// A new end on `net` with a random name no end has had.
pub(crate) fn fresh_end(net: &Network) -> (String, ClientEnd) {
    loop {
        let name = rand_string(END_NAME_LEN);
        match net.make_end(name.as_str()) {
            Ok(end) => return (name, end),
            Err(SetupError::DuplicateEnd { .. }) => continue,
            Err(other) => panic!("making an end: {other}"),
        }
    }
}

/// A fresh end to each of the `n` servers of `net` (named `0`, `1`, …),
/// in server order, each disabled.
pub(crate) fn ends_to_servers(net: &Network, n: usize) -> Vec<(String, ClientEnd)> {
    let names: Vec<String> = (0..n).map(|j| j.to_string()).collect();
    ends_to_named(net, &names)
}

/// A fresh end to each server of `servers`, by name, in that order, each
/// disabled.
pub(crate) fn ends_to_named(net: &Network, servers: &[String]) -> Vec<(String, ClientEnd)> {
    servers
        .iter()
        .map(|server| {
            let (name, end) = fresh_end(net);
            net.connect(&name, server.as_str()).expect("a fresh end");
            (name, end)
        })
        .collect()
}

/// Puts `items` in a random order drawn from the run's RNG, as the
/// course's testers hand a clerk its ends.
pub(crate) fn shuffle<T>(items: &mut [T]) {
    let mut rng = labrt::rand::rng();
    for k in (1..items.len()).rev() {
        items.swap(k, rng.random_range(0..=k));
    }
}
