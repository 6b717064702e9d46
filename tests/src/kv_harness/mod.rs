//! The key/value tester: a cluster of `KvServer`s on a labrpc network,
//! clerks whose every link the test controls, counted and recorded client
//! operations, and the course's checks and drivers.
//!
//! The harness state mirrors the course's kvraft `config`: per server the
//! instance (none while shut down), its persister and the names of its
//! outgoing ends; per clerk the names of its ends, by server.

mod checks;
mod clerk;
mod cluster;
mod generic;
mod report;
mod summary;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use kvraft::KvServer;
use labrpc::Network;
use labrt::sync::Mutex;
use labrt::time::Instant;
use raft::Persister;

pub use checks::{
    appends_failure, check_clnt_appends, check_concurrent_appends, linearizability_failure,
};
pub use clerk::{History, KvOperation, TestClerk};
pub use generic::{GenericTest, speed_test};

/// How a test's cluster is built.
#[derive(Clone, Copy, Debug)]
pub struct KvSetup {
    /// Number of servers.
    pub servers: usize,
    /// Whether the network delays and drops messages.
    pub unreliable: bool,
    /// Snapshot before the Raft state reaches this many bytes; `None`
    /// (the course's -1) never snapshots.
    pub maxraftstate: Option<usize>,
}

/// The cluster a KV test drives. Clones share it, so client threads can
/// use it.
#[derive(Clone)]
pub struct KvConfig(Arc<Shared>);

struct Shared {
    n: usize,
    net: Network,
    maxraftstate: Option<usize>,
    created: Instant,
    /// Clerk operations made through the counting wrappers since `begin`.
    ops: AtomicU64,
    state: Mutex<State>,
}

struct State {
    servers: Vec<ServerSlot>,
    /// Every clerk's ends, by server.
    clerks: BTreeMap<u64, Vec<String>>,
    next_clerk: u64,
    begin: Option<report::Begin>,
}

struct ServerSlot {
    kv: Option<KvServer>,
    persister: Persister,
    /// The names of the server's ends, by the server they lead to.
    end_names: Vec<String>,
    /// The servers its enabled ends lead to.
    links: BTreeSet<usize>,
}

impl KvConfig {
    /// Builds the cluster of `setup`: every server started and linked, and
    /// only then the network made unreliable, if asked.
    pub fn new(setup: KvSetup) -> KvConfig {
        let servers = (0..setup.servers)
            .map(|_| ServerSlot {
                kv: None,
                persister: Persister::new(),
                end_names: Vec::new(),
                links: BTreeSet::new(),
            })
            .collect();
        let cfg = KvConfig(Arc::new(Shared {
            n: setup.servers,
            net: Network::new(),
            maxraftstate: setup.maxraftstate,
            created: Instant::now(),
            ops: AtomicU64::new(0),
            state: Mutex::new(State {
                servers,
                clerks: BTreeMap::new(),
                next_clerk: 0,
                begin: None,
            }),
        }));
        for i in 0..setup.servers {
            cfg.start_server(i);
        }
        cfg.connect_all();
        cfg.0.net.set_reliable(!setup.unreliable);
        cfg
    }

    /// Number of servers.
    pub fn n(&self) -> usize {
        self.0.n
    }

    /// Every server's index.
    pub fn all(&self) -> Vec<usize> {
        (0..self.0.n).collect()
    }

    /// The largest persisted Raft state of any server.
    pub fn log_size(&self) -> usize {
        let state = self.0.state.lock();
        let sizes = state.servers.iter().map(|s| s.persister.raft_state_size());
        sizes.max().unwrap_or(0)
    }

    /// The largest persisted snapshot of any server.
    pub fn snapshot_size(&self) -> usize {
        let state = self.0.state.lock();
        let sizes = state.servers.iter().map(|s| s.persister.snapshot_size());
        sizes.max().unwrap_or(0)
    }

    /// The first server, in index order, whose Raft believes it leads.
    pub fn leader(&self) -> Option<usize> {
        let state = self.0.state.lock();
        state
            .servers
            .iter()
            .position(|s| s.kv.as_ref().is_some_and(|kv| kv.raft().get_state().1))
    }

    /// A majority and a minority, with the current leader (server 0 if
    /// there is none) in the minority's last slot.
    pub fn make_partition(&self) -> (Vec<usize>, Vec<usize>) {
        let leader = self.leader().unwrap_or(0);
        let others: Vec<usize> = (0..self.0.n).filter(|&i| i != leader).collect();
        let majority = self.0.n / 2 + 1;
        let p1 = others[..majority].to_vec();
        let mut p2 = others[majority..].to_vec();
        p2.push(leader);
        (p1, p2)
    }
}
