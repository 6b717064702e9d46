//! The key/value tester: a cluster of `KvServer`s on a labrpc network,
//! clerks whose every link the test controls, counted and recorded client
//! operations, and the course's checks and drivers.
//!
//! The harness state mirrors the course's kvraft `config`: the servers
//! (the `servers` module), and per clerk the names of its ends, by
//! server.

mod checks;
mod clerk;
mod cluster;
mod generic;
mod report;
mod summary;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use kvraft::KvServer;
use labrpc::Network;
use labrt::time::Instant;

use crate::course_lines::Section;
use crate::servers::Servers;

pub use crate::history::{History, KvOperation};
pub use checks::{
    appends_failure, check_clnt_appends, check_concurrent_appends, linearizability_failure,
};
pub use clerk::TestClerk;
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
    servers: Servers<KvServer, State>,
    maxraftstate: Option<usize>,
    created: Instant,
    /// Clerk operations made through the counting wrappers since `begin`.
    ops: AtomicU64,
}

/// What the harness keeps under the servers' lock.
#[derive(Default)]
struct State {
    /// Every clerk's ends, by server.
    clerks: BTreeMap<u64, Vec<String>>,
    next_clerk: u64,
    begin: Option<Section>,
}

impl KvConfig {
    /// Builds the cluster of `setup`: every server started and linked, and
    /// only then the network made unreliable, if asked.
    pub fn new(setup: KvSetup) -> KvConfig {
        let cfg = KvConfig(Arc::new(Shared {
            servers: Servers::new(setup.servers, Network::new(), State::default()),
            maxraftstate: setup.maxraftstate,
            created: Instant::now(),
            ops: AtomicU64::new(0),
        }));
        for i in 0..setup.servers {
            cfg.start_server(i);
        }
        cfg.connect_all();
        cfg.0.servers.net().set_reliable(!setup.unreliable);
        cfg
    }

    /// Number of servers.
    pub fn n(&self) -> usize {
        self.0.servers.n()
    }

    /// Every server's index.
    pub fn all(&self) -> Vec<usize> {
        self.0.servers.all()
    }

    /// The largest persisted Raft state of any server.
    pub fn log_size(&self) -> usize {
        self.0.servers.max_persisted(|p| p.raft_state_size())
    }

    /// The largest persisted snapshot of any server.
    pub fn snapshot_size(&self) -> usize {
        self.0.servers.max_persisted(|p| p.snapshot_size())
    }

    /// The first server, in index order, whose Raft believes it leads.
    pub fn leader(&self) -> Option<usize> {
        self.0.servers.leader()
    }

    /// A majority and a minority, with the current leader (server 0 if
    /// there is none) in the minority's last slot.
    pub fn make_partition(&self) -> (Vec<usize>, Vec<usize>) {
        let n = self.n();
        let leader = self.leader().unwrap_or(0);
        let others: Vec<usize> = (0..n).filter(|&i| i != leader).collect();
        let majority = n / 2 + 1;
        let p1 = others[..majority].to_vec();
        let mut p2 = others[majority..].to_vec();
        p2.push(leader);
        (p1, p2)
    }
}
