//! The sharded key/value suite, part 4B: the course's thirteen tests, both
//! challenges included, named `<scenario>_4b` so `cargo test 4b` selects
//! the part and `cargo test challenge` the challenges. Every test uses
//! three controllers and three groups of three servers; group indices
//! 0, 1, 2 below are gids 100, 101, 102.

mod challenges;
mod concurrent;
mod moves;
mod unreliable;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::thread::JoinHandle;
use labrt::time::{Duration, sleep};
use tests::raft_harness::rand_string;
use tests::shardkv_harness::ShardClerk;
use tests::{ShardConfig, ShardSetup};

/// Servers per group in every test.
const N: usize = 3;

/// A cluster of three groups of [`N`] servers.
fn setup(unreliable: bool, maxraftstate: Option<usize>) -> ShardConfig {
    ShardConfig::new(ShardSetup {
        n: N,
        unreliable,
        maxraftstate,
    })
}

/// The keys "0".."n-1", each put with a random value of `len` characters:
/// the course's fill. Returns the keys and their values.
fn fill(ck: &mut ShardClerk, n: usize, len: usize) -> (Vec<String>, Vec<String>) {
    let ka: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let va: Vec<String> = (0..n).map(|_| rand_string(len)).collect();
    for (k, v) in ka.iter().zip(&va) {
        ck.put(k, v);
    }
    (ka, va)
}

/// The course's verify: every key holds its value.
#[track_caller]
fn verify(ck: &mut ShardClerk, ka: &[String], va: &[String]) {
    for (k, v) in ka.iter().zip(va) {
        ck.check(k, v);
    }
}

/// The course's check-and-append: each key in turn is checked, then has
/// a random string of `len` characters appended.
#[track_caller]
fn check_and_append(ck: &mut ShardClerk, ka: &[String], va: &mut [String], len: usize) {
    for (k, v) in ka.iter().zip(va.iter_mut()) {
        ck.check(k, v);
        let x = rand_string(len);
        ck.append(k, &x);
        v.push_str(&x);
    }
}

/// The course's appender clients: client i, with a clerk of its own,
/// appends random strings of `len` characters to key i alone, pausing
/// `pause` after each, until stopped.
struct Appenders {
    stop: Arc<AtomicBool>,
    clients: Vec<JoinHandle<String>>,
}

impl Appenders {
    fn start(cfg: &ShardConfig, ka: &[String], va: &[String], len: usize, pause: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let clients = ka
            .iter()
            .zip(va)
            .enumerate()
            .map(|(i, (k, v))| {
                let (cfg, stop) = (cfg.clone(), stop.clone());
                let (key, mut value) = (k.clone(), v.clone());
                labrt::thread::spawn(format!("appender {i}"), move || {
                    let mut ck = cfg.make_client();
                    while !stop.load(Ordering::Relaxed) {
                        let x = rand_string(len);
                        ck.append(&key, &x);
                        value.push_str(&x);
                        if !pause.is_zero() {
                            sleep(pause);
                        }
                    }
                    value
                })
            })
            .collect();
        Appenders { stop, clients }
    }

    /// Sets the stop flag.
    fn signal(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Waits for every client to finish its last append; returns the
    /// values they wrote, by key.
    fn wait(self) -> Vec<String> {
        self.signal();
        let clients = self.clients.into_iter();
        clients
            .map(|c| c.join().expect("an appender's failure fails the run"))
            .collect()
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The schedule `unreliable2_4b` and `unreliable3_4b` share, while their
/// clients run: {100} to {101, 102} and on to {100, 101}.
fn unreliable_schedule(cfg: &ShardConfig) {
    sleep(ms(150));
    cfg.join(1);
    sleep(ms(500));
    cfg.join(2);
    sleep(ms(500));
    cfg.leave(0);
    sleep(ms(500));
    cfg.leave(1);
    sleep(ms(500));
    cfg.join(1);
    cfg.join(0);
    sleep(ms(2000));
}
