//! The course's drivers: the generic test behind most scenarios, with
//! concurrent clients, partitions and restarts, and the speed test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::chan;
use labrt::rand::RngExt;
use labrt::thread::{self, JoinHandle};
use labrt::time::{Duration, Instant, sleep};
use linearizability::models::kv::KvInput;

use super::checks::{append_token, appends_failure, linearizability_failure};
use super::{History, KvConfig, KvSetup, TestClerk};
use crate::raft_harness::ELECTION_TIMEOUT;

/// Rounds of clients, partitions and restarts in one generic test.
const ITERATIONS: usize = 3;
/// How long the clients run in each round.
const CLIENTS_RUN: Duration = Duration::from_secs(5);
/// Sleep before the partitioner starts, and after the network heals so a
/// new term frees requests stuck in a minority; also the pause between
/// shutting the servers down and restarting them.
const SETTLE: Duration = Duration::from_secs(1);
/// The partitioner holds each partition for the election timeout plus up
/// to this much.
const PARTITION_JITTER_MS: u64 = 199;
/// The speed test's operations, and the most each may take on average
/// (a third of a heartbeat interval).
const SPEED_OPS: usize = 1000;
const SPEED_PER_OP: Duration = Duration::from_nanos(100_000_000 / 3);

/// A generic test's parameters; named fields stand in for the course's
/// positional flags.
#[derive(Clone, Copy, Debug)]
pub struct GenericTest {
    /// Concurrent clients.
    pub clients: usize,
    /// Servers.
    pub servers: usize,
    /// Whether the network delays and drops messages.
    pub unreliable: bool,
    /// Whether every server is shut down and restarted after each round.
    pub crash: bool,
    /// Whether a partitioner reshuffles the servers while clients run.
    pub partitions: bool,
    /// Snapshot threshold; `None` never snapshots.
    pub maxraftstate: Option<usize>,
    /// Whether clients pick random keys (and the history is what is
    /// checked) instead of each appending to its own key.
    pub random_keys: bool,
}

impl Default for GenericTest {
    fn default() -> GenericTest {
        GenericTest {
            clients: 1,
            servers: 5,
            unreliable: false,
            crash: false,
            partitions: false,
            maxraftstate: None,
            random_keys: false,
        }
    }
}

impl GenericTest {
    /// The course's title, e.g. "Test: unreliable net, restarts, many
    /// clients (3A)".
    pub fn title(&self, part: &str) -> String {
        let mut title = String::from("Test: ");
        let features = [
            (self.unreliable, "unreliable net, "),
            (self.crash, "restarts, "),
            (self.partitions, "partitions, "),
            (self.maxraftstate.is_some(), "snapshots, "),
            (self.random_keys, "random keys, "),
        ];
        for (on, text) in features {
            if on {
                title.push_str(text);
            }
        }
        title.push_str(if self.clients > 1 {
            "many clients"
        } else {
            "one client"
        });
        title.push_str(&format!(" ({part})"));
        title
    }

    /// Runs the test: three rounds of clients (with partitions and restarts
    /// as configured), the append checks, the log and snapshot size
    /// bounds, and a linearizability check of everything recorded.
    pub fn run(self, part: &str) {
        let cfg = KvConfig::new(KvSetup {
            servers: self.servers,
            unreliable: self.unreliable,
            maxraftstate: self.maxraftstate,
        });
        cfg.begin(&self.title(part));
        let history = History::new();
        let mut ck = cfg.make_client(&cfg.all());
        for _ in 0..ITERATIONS {
            self.round(&cfg, &history, &mut ck);
        }
        if let Some(failure) = linearizability_failure(&history.operations()) {
            cfg.fail(failure);
        }
        cfg.end();
        cfg.cleanup();
    }

    fn round(&self, cfg: &KvConfig, history: &History, ck: &mut TestClerk) {
        let stop = Arc::new(AtomicBool::new(false));
        let mut counts = Vec::new();
        let mut clients = Vec::new();
        for client in 0..self.clients {
            let (count_tx, count_rx) = chan::bounded(1);
            counts.push(count_rx);
            let (cfg, history, stop, test) = (cfg.clone(), history.clone(), stop.clone(), *self);
            clients.push(thread::spawn(format!("client{client}"), move || {
                let mut ck = cfg.make_client(&cfg.all());
                let appends = test.client_body(client, &mut ck, &history, &stop);
                cfg.delete_client(ck);
                count_tx
                    .send(appends)
                    .expect("the test waits for every count");
            }));
        }
        let partitioner = self.partitions.then(|| {
            sleep(SETTLE);
            spawn_partitioner(cfg, stop.clone())
        });
        sleep(CLIENTS_RUN);
        stop.store(true, Ordering::Relaxed);
        if let Some(partitioner) = partitioner {
            partitioner.join().expect("the partitioner does not panic");
            cfg.connect_all();
            sleep(SETTLE);
        }
        if self.crash {
            for i in 0..cfg.n() {
                cfg.shutdown_server(i);
            }
            sleep(SETTLE);
            for i in 0..cfg.n() {
                cfg.start_server(i);
            }
            cfg.connect_all();
        }
        for (client, count) in counts.iter().enumerate() {
            let appends = count.recv().expect("every client reports its count");
            let key = client.to_string();
            let value = ck.run(KvInput::Get { key }, Some((history, 0)));
            if self.random_keys {
                continue;
            }
            if let Some(failure) = appends_failure(client, &value, appends) {
                cfg.fail(failure);
            }
        }
        for client in clients {
            client.join().expect("a client's failure fails the run");
        }
        match self.maxraftstate {
            Some(max) => {
                let size = cfg.log_size();
                if size > 8 * max {
                    cfg.fail(format_args!("logs were not trimmed ({size} > 8*{max})"));
                }
            }
            None => {
                let size = cfg.snapshot_size();
                if size != 0 {
                    cfg.fail(format_args!(
                        "snapshot too large ({size}), should not be used"
                    ));
                }
            }
        }
    }

    /// One client's loop until `stop`: appends, puts (random keys only)
    /// and gets, all recorded. Returns how many appends and puts it made.
    fn client_body(
        &self,
        client: usize,
        ck: &mut TestClerk,
        history: &History,
        stop: &AtomicBool,
    ) -> usize {
        let log = Some((history, client));
        let mut j = 0;
        let mut last = String::new();
        let own_key = client.to_string();
        if !self.random_keys {
            let input = KvInput::Put {
                key: own_key.clone(),
                value: String::new(),
            };
            ck.run(input, log);
        }
        while !stop.load(Ordering::Relaxed) {
            let key = if self.random_keys {
                labrt::rand::rng().random_range(0..self.clients).to_string()
            } else {
                own_key.clone()
            };
            let value = append_token(client, j);
            let (append, put) = {
                let mut rng = labrt::rand::rng();
                let append = rng.random_range(0..1000) < 500;
                (
                    append,
                    !append && self.random_keys && rng.random_range(0..1000) < 100,
                )
            };
            if append {
                ck.run(
                    KvInput::Append {
                        key,
                        value: value.clone(),
                    },
                    log,
                );
                if !self.random_keys {
                    last.push_str(&value);
                }
                j += 1;
            } else if put {
                ck.run(KvInput::Put { key, value }, log);
                j += 1;
            } else {
                let got = ck.run(KvInput::Get { key: key.clone() }, log);
                if !self.random_keys && got != last {
                    ck.fail(format_args!(
                        "get wrong value, key {key:?}: wanted {last:?}, got {got:?}"
                    ));
                }
            }
        }
        j
    }
}

/// Until `stop`, splits the servers into two random sides, holds that for
/// about an election timeout, and again.
fn spawn_partitioner(cfg: &KvConfig, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    let cfg = cfg.clone();
    thread::spawn("partitioner", move || {
        while !stop.load(Ordering::Relaxed) {
            let (mut side0, mut side1) = (Vec::new(), Vec::new());
            for i in 0..cfg.n() {
                if labrt::rand::rng().random_bool(0.5) {
                    side1.push(i);
                } else {
                    side0.push(i);
                }
            }
            cfg.partition(&side0, &side1);
            let jitter = labrt::rand::rng().random_range(0..=PARTITION_JITTER_MS);
            sleep(ELECTION_TIMEOUT + Duration::from_millis(jitter));
        }
    })
}

/// The speed test: 1000 sequential appends on a reliable 3-server cluster
/// must take at most a third of a heartbeat interval each on average.
pub fn speed_test(part: &str, maxraftstate: Option<usize>) {
    let cfg = KvConfig::new(KvSetup {
        servers: 3,
        unreliable: false,
        maxraftstate,
    });
    let mut ck = cfg.make_client(&cfg.all());
    cfg.begin(&format!("Test: ops complete fast enough ({part})"));
    // Wait until there is a leader.
    ck.direct().get("x");
    let start = Instant::now();
    for i in 0..SPEED_OPS {
        ck.direct().append("x", &append_token(0, i));
    }
    let took = start.elapsed();
    let value = ck.direct().get("x");
    if let Some(failure) = appends_failure(0, &value, SPEED_OPS) {
        cfg.fail(failure);
    }
    let limit = SPEED_PER_OP * SPEED_OPS as u32;
    if took > limit {
        cfg.fail(format_args!(
            "Operations completed too slowly: {:?}/op > {SPEED_PER_OP:?}/op",
            took / SPEED_OPS as u32
        ));
    }
    cfg.end();
    cfg.cleanup();
}
