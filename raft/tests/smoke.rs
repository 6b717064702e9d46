//! Smoke tests of whole peers on a labrpc network: election, agreement, a
//! partitioned leader, and a snapshot round. The graded suites live in the
//! `tests` crate; these only show that the pieces fit.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use labrpc::{Network, Server};
use labrt::chan::Receiver;
use labrt::sync::Mutex;
use labrt::time::{Duration, Instant, sleep};
use raft::{ApplyMsg, Persister, Raft};

/// Seeds every sim test runs with.
const SEEDS: Range<u64> = 0..4;

/// Every peer's applied commands by index, shared by the appliers.
type Applied = Arc<Mutex<Vec<BTreeMap<u64, Vec<u8>>>>>;

/// A snapshot of the test service: the index it runs through and the
/// commands applied up to there.
type Snapshot = (u64, Vec<(u64, Vec<u8>)>);

struct Cluster {
    net: Network,
    rafts: Vec<Raft>,
    connected: Vec<bool>,
    applied: Applied,
    /// Indices of the snapshots each peer was handed by Raft.
    installed: Arc<Mutex<Vec<Vec<u64>>>>,
}

impl Cluster {
    /// `n` connected peers on a network with the Raft tester's long delays.
    /// With `snapshot_every`, each service snapshots at every multiple of it.
    fn new(n: usize, snapshot_every: Option<u64>) -> Cluster {
        let net = Network::new();
        net.set_long_delays(true);
        let mut cluster = Cluster {
            net,
            rafts: Vec::new(),
            connected: vec![true; n],
            applied: Arc::new(Mutex::new(vec![BTreeMap::new(); n])),
            installed: Arc::new(Mutex::new(vec![Vec::new(); n])),
        };
        for me in 0..n {
            let ends = (0..n)
                .map(|peer| {
                    let name = format!("{me}->{peer}");
                    let end = cluster.net.make_end(&name).unwrap();
                    cluster.net.connect(&name, peer.to_string()).unwrap();
                    cluster.net.enable(&name, true).unwrap();
                    end
                })
                .collect();
            let (apply_tx, apply_rx) = labrt::chan::unbounded();
            let rf = raft::make(ends, me, Persister::new(), apply_tx).unwrap();
            let server = Server::builder().service(rf.service()).build().unwrap();
            cluster.net.add_server(me.to_string(), server);
            let applier = Applier {
                me,
                rf: rf.clone(),
                applied: cluster.applied.clone(),
                installed: cluster.installed.clone(),
                snapshot_every,
            };
            labrt::thread::spawn(format!("applier{me}"), move || applier.run(apply_rx));
            cluster.rafts.push(rf);
        }
        cluster
    }

    /// Links `peer` to every connected peer, or cuts it off from all.
    fn set_connected(&mut self, peer: usize, connected: bool) {
        self.connected[peer] = connected;
        for other in 0..self.rafts.len() {
            let live = self.connected[peer] && self.connected[other];
            self.net.enable(&format!("{peer}->{other}"), live).unwrap();
            self.net.enable(&format!("{other}->{peer}"), live).unwrap();
        }
    }

    /// The leader among connected peers, waiting up to `within` for one;
    /// fails if a term has two.
    fn check_one_leader(&self, within: Duration) -> usize {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            let mut leaders = BTreeMap::new();
            for (peer, rf) in self.rafts.iter().enumerate() {
                let (term, is_leader) = rf.get_state();
                if is_leader && self.connected[peer] {
                    let previous = leaders.insert(term, peer);
                    assert_eq!(previous, None, "term {term} has two leaders");
                }
            }
            if let Some((_, &leader)) = leaders.last_key_value() {
                return leader;
            }
            sleep(Duration::from_millis(50));
        }
        panic!("no leader within {within:?}");
    }

    /// How many peers applied a command at `index`, and which command.
    fn n_committed(&self, index: u64) -> (usize, Option<Vec<u8>>) {
        let applied = self.applied.lock();
        let mut found = applied.iter().filter_map(|log| log.get(&index));
        let first = found.next().cloned();
        (usize::from(first.is_some()) + found.count(), first)
    }

    /// Has a leader commit `cmd` on at least `expected` peers, as the
    /// course's `one()` does; returns its index.
    fn one(&self, cmd: u64, expected: usize) -> u64 {
        let command = cmd.to_le_bytes().to_vec();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let started = (0..self.rafts.len())
                .filter(|&peer| self.connected[peer])
                .find_map(|peer| self.rafts[peer].start(command.clone()));
            let Some((index, _)) = started else {
                sleep(Duration::from_millis(50));
                continue;
            };
            let agreed = Instant::now() + Duration::from_secs(2);
            while Instant::now() < agreed {
                match self.n_committed(index) {
                    (count, Some(c)) if count >= expected && c == command => return index,
                    _ => sleep(Duration::from_millis(20)),
                }
            }
        }
        panic!("one({cmd}) reached no agreement on {expected} peers");
    }

    fn kill(&self) {
        for rf in &self.rafts {
            rf.kill();
        }
    }
}

/// A peer's service: checks that Raft hands it commands in order and the
/// same as everyone else's, and snapshots as the 2D tester does.
struct Applier {
    me: usize,
    rf: Raft,
    applied: Applied,
    installed: Arc<Mutex<Vec<Vec<u64>>>>,
    snapshot_every: Option<u64>,
}

impl Applier {
    fn run(self, apply_rx: Receiver<ApplyMsg>) {
        let me = self.me;
        let mut last_applied = 0;
        for msg in apply_rx.iter() {
            match msg {
                ApplyMsg::Command { index, command, .. } => {
                    assert_eq!(index, last_applied + 1, "peer {me} applied out of order");
                    self.record(index, command);
                    last_applied = index;
                    if self.snapshot_every.is_some_and(|every| index % every == 0) {
                        let log = self.applied.lock()[me].clone().into_iter().collect();
                        let snapshot: Snapshot = (index, log);
                        self.rf.snapshot(index, labcodec::encode(&snapshot));
                    }
                }
                ApplyMsg::Snapshot {
                    index, snapshot, ..
                } => {
                    let (through, log): Snapshot = labcodec::decode(&snapshot).unwrap();
                    assert_eq!(
                        through, index,
                        "peer {me} got a snapshot that does not match"
                    );
                    assert!(
                        index > last_applied,
                        "peer {me} went back to snapshot {index}"
                    );
                    self.applied.lock()[me] = log.into_iter().collect();
                    self.installed.lock()[me].push(index);
                    last_applied = index;
                }
            }
        }
    }

    fn record(&self, index: u64, command: Vec<u8>) {
        let mut applied = self.applied.lock();
        for (peer, log) in applied.iter().enumerate() {
            if let Some(other) = log.get(&index) {
                assert_eq!(
                    other, &command,
                    "peers {} and {peer} applied different commands at {index}",
                    self.me
                );
            }
        }
        applied[self.me].insert(index, command);
    }
}

/// Elects a leader quickly and commits ten commands everywhere, in order.
fn basic_agreement() -> Cluster {
    let cluster = Cluster::new(3, None);
    let begin = Instant::now();
    cluster.check_one_leader(Duration::from_secs(2));
    assert!(begin.elapsed() < Duration::from_secs(2), "slow election");
    for i in 1..=10 {
        assert_eq!(cluster.n_committed(i).0, 0, "committed before start()");
        assert_eq!(cluster.one(100 + i, 3), i);
    }
    cluster
}

#[test]
fn basic_agreement_sim() {
    for seed in SEEDS {
        labrt::Config::sim(seed).run(|| basic_agreement().kill());
    }
}

#[test]
fn basic_agreement_real() {
    labrt::Config::real(0).run(|| basic_agreement().kill());
}

#[test]
fn partitioned_leader_rejoins() {
    for seed in SEEDS {
        labrt::Config::sim(seed).run(|| {
            let mut cluster = basic_agreement();
            let old = cluster.check_one_leader(Duration::from_secs(2));
            cluster.set_connected(old, false);
            // The old leader accepts a command it can never commit.
            assert!(cluster.rafts[old].start(b"lost".to_vec()).is_some());
            assert_eq!(cluster.one(200, 2), 11);
            let new = cluster.check_one_leader(Duration::from_secs(2));
            assert_ne!(new, old, "the partitioned leader still leads");

            cluster.set_connected(old, true);
            assert_eq!(cluster.one(201, 3), 12);
            let (count, _) = cluster.n_committed(11);
            assert_eq!(count, 3, "the rejoined leader kept its own entry 11");
            assert!(
                !cluster.rafts[old].get_state().1,
                "two leaders after the rejoin"
            );
            cluster.kill();
        });
    }
}

#[test]
fn lagging_follower_catches_up_by_snapshot() {
    for seed in SEEDS {
        labrt::Config::sim(seed).run(|| {
            let mut cluster = Cluster::new(3, Some(10));
            for i in 1..=5 {
                cluster.one(i, 3);
            }
            let leader = cluster.check_one_leader(Duration::from_secs(2));
            let victim = (leader + 1) % 3;
            cluster.set_connected(victim, false);
            for i in 6..=35 {
                cluster.one(i, 2);
            }
            let bytes = cluster.rafts[leader].persist_bytes();
            assert!(
                bytes < 300,
                "the leader's log is not trimmed: {bytes} bytes"
            );

            cluster.set_connected(victim, true);
            let last = cluster.one(36, 3);
            let installed = cluster.installed.lock()[victim].clone();
            assert!(
                installed.first().is_some_and(|&index| index >= 30),
                "peer {victim} caught up without a snapshot: {installed:?}"
            );
            let applied = cluster.applied.lock()[victim].clone();
            assert_eq!(
                applied.keys().copied().collect::<Vec<_>>(),
                (1..=last).collect::<Vec<_>>()
            );
            cluster.kill();
        });
    }
}

/// No behaviour depends on anything but the seed: two runs with one seed
/// schedule identically.
#[test]
fn same_seed_same_run() {
    let traces: Vec<_> = (0..2)
        .map(|_| labrt::Config::sim(7).run(|| basic_agreement().kill()).trace)
        .collect();
    assert_eq!(traces[0], traces[1]);
}
