//! The Raft tester: a cluster of reference-API peers on a labrpc network,
//! with the course's helpers and checks.
//!
//! The harness state mirrors the course's `config`: per peer the instance
//! (none while crashed), whether it is connected, its persister, the names
//! of its outgoing ends and the log of what it applied.

mod applier;
mod checks;
mod cluster;
mod links;
mod report;
mod summary;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use labrpc::Network;
use labrt::sync::Mutex;
use labrt::time::Instant;
use raft::{Persister, Raft};

pub use applier::SNAPSHOT_INTERVAL;
pub use checks::{ELECTION_TIMEOUT, as_int, rand_cmd, rand_string};
pub use report::TIME_LIMIT;
pub(crate) use report::check_time_limit;

/// How a test's cluster is built. Named fields stand in for the course's
/// positional flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct Setup {
    /// Number of peers.
    pub peers: usize,
    /// Whether the network delays and drops messages from the start.
    pub unreliable: bool,
    /// Whether peers use the snapshot applier (2D).
    pub snapshot: bool,
}

/// The cluster a Raft test drives. Clones share it, so helper threads can
/// call `one`, `start1` and the rest.
#[derive(Clone)]
pub struct RaftConfig(Arc<Shared>);

struct Shared {
    n: usize,
    net: Network,
    snapshot: bool,
    created: Instant,
    /// Set by `end`: stray `one` loops in helper threads then give up
    /// quietly, as in the course.
    finished: AtomicBool,
    state: Mutex<State>,
}

struct State {
    peers: Vec<Peer>,
    /// The highest index any peer has applied.
    max_index: u64,
    /// Every leader the harness has seen, by term: two in one term fail the
    /// test whenever they are seen, not only within one check.
    leaders: BTreeMap<u64, usize>,
    begin: Option<report::Begin>,
    /// The peer [`RaftConfig::one`] tried last.
    one_cursor: usize,
}

struct Peer {
    raft: Option<Raft>,
    connected: bool,
    persister: Persister,
    end_names: Vec<String>,
    /// What the peer applied, by index. Survives crashes, as in the course.
    log: BTreeMap<u64, Vec<u8>>,
    /// Snapshot applier only: the last index applied by this instance.
    last_applied: u64,
    /// The last index of the last snapshot the peer made or was handed, as
    /// far as the harness saw it.
    snapshot_index: u64,
}

impl RaftConfig {
    /// Builds the cluster of `setup`: a network with long delays on, every
    /// peer started and connected.
    pub fn new(setup: Setup) -> RaftConfig {
        let net = Network::new();
        net.set_reliable(!setup.unreliable);
        net.set_long_delays(true);
        let peers = (0..setup.peers)
            .map(|_| Peer {
                raft: None,
                connected: false,
                persister: Persister::new(),
                end_names: Vec::new(),
                log: BTreeMap::new(),
                last_applied: 0,
                snapshot_index: 0,
            })
            .collect();
        let cfg = RaftConfig(Arc::new(Shared {
            n: setup.peers,
            net,
            snapshot: setup.snapshot,
            created: Instant::now(),
            finished: AtomicBool::new(false),
            state: Mutex::new(State {
                peers,
                max_index: 0,
                leaders: BTreeMap::new(),
                begin: None,
                one_cursor: 0,
            }),
        }));
        for i in 0..setup.peers {
            cfg.start1(i);
        }
        for i in 0..setup.peers {
            cfg.connect(i);
        }
        cfg
    }

    /// Number of peers.
    pub fn n(&self) -> usize {
        self.0.n
    }

    /// The running instance of peer `i`, if it is not crashed.
    pub fn raft(&self, i: usize) -> Option<Raft> {
        self.0.state.lock().peers[i].raft.clone()
    }

    /// Whether peer `i` is connected.
    pub fn is_connected(&self, i: usize) -> bool {
        self.0.state.lock().peers[i].connected
    }

    /// Makes the network unreliable or reliable.
    pub fn set_unreliable(&self, unreliable: bool) {
        self.0.net.set_reliable(!unreliable);
    }

    /// Turns long reordering of replies on or off.
    pub fn set_long_reordering(&self, on: bool) {
        self.0.net.set_long_reordering(on);
    }

    /// Requests that reached peer `i`'s current instance.
    pub fn rpc_count(&self, i: usize) -> u64 {
        self.0.net.count(&i.to_string())
    }

    /// Every RPC sent on the network.
    pub fn rpc_total(&self) -> u64 {
        self.0.net.total_count()
    }

    /// Every request byte sent and reply byte delivered.
    pub fn bytes_total(&self) -> u64 {
        self.0.net.total_bytes()
    }

    /// The largest persisted Raft state of any peer, crashed ones included.
    pub fn log_size(&self) -> usize {
        let state = self.0.state.lock();
        let sizes = state.peers.iter().map(|p| p.persister.raft_state_size());
        sizes.max().unwrap_or(0)
    }
}
