//! In sim, a seed replays every loss, delay and interleaving.

use labrpc::{Network, RpcError};
use labrt::chan;
use labrt::thread;
use labrt::time::{Duration, Instant};

use crate::junk::JunkServer;
use crate::live_end;

/// What five concurrent callers saw on an unreliable, reordering network:
/// each call's outcome and when it ended.
fn outcomes(seed: u64) -> Vec<(i64, Result<String, RpcError>, Duration)> {
    let mut seen = Vec::new();
    labrt::Config::sim(seed).run(|| {
        let net = Network::new();
        net.set_reliable(false);
        net.set_long_reordering(true);
        net.add_server("s", JunkServer::start().1);
        let (tx, rx) = chan::unbounded();
        let start = Instant::now();
        for client in 0..5_i64 {
            let (net, tx) = (net.clone(), tx.clone());
            thread::spawn(format!("client {client}"), move || {
                let end = live_end(&net, &client.to_string(), "s");
                for i in 0..20 {
                    let arg = 100 * client + i;
                    let reply = end.call_method("JunkServer.Handler2", &arg);
                    tx.send((arg, reply, start.elapsed())).unwrap();
                }
            });
        }
        drop(tx);
        seen = rx.iter().collect();
    });
    seen
}

#[test]
fn the_same_seed_gives_the_same_outcomes() {
    let first = outcomes(7);
    assert_eq!(first.len(), 100);
    assert!(first.iter().any(|(_, reply, _)| reply.is_err()));
    assert!(first.iter().any(|(_, reply, _)| reply.is_ok()));
    assert_eq!(first, outcomes(7));
    assert_ne!(first, outcomes(8));
}
