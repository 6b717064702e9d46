//! The shard-controller tester: a cluster of `ShardCtrler`s on a labrpc
//! network, clerks with an end to every server, and the course's checks.
//!
//! The harness state mirrors the course's shardctrler `config`: per server
//! the instance (none while shut down), its persister and the names of its
//! outgoing ends.

mod checks;
mod cluster;
mod report;

use std::sync::Arc;

use labrpc::Network;
use labrt::sync::Mutex;
use labrt::time::Instant;
use raft::Persister;
use shardctrler::ShardCtrler;

pub use checks::{check_same_config, gids_of};

/// The cluster a shard-controller test drives. Clones share it, so client
/// threads can use it.
#[derive(Clone)]
pub struct CtrlerConfig(Arc<Shared>);

struct Shared {
    n: usize,
    net: Network,
    created: Instant,
    state: Mutex<State>,
}

struct State {
    servers: Vec<ServerSlot>,
    begin: Option<report::Begin>,
}

struct ServerSlot {
    ctrler: Option<ShardCtrler>,
    persister: Persister,
    /// The names of the server's ends, by the server they lead to.
    end_names: Vec<String>,
}

impl CtrlerConfig {
    /// The course's `make_config(n, unreliable)`: every server started and
    /// linked, and only then the network made unreliable, if asked.
    pub fn new(n: usize, unreliable: bool) -> CtrlerConfig {
        let servers = (0..n)
            .map(|_| ServerSlot {
                ctrler: None,
                persister: Persister::new(),
                end_names: Vec::new(),
            })
            .collect();
        let cfg = CtrlerConfig(Arc::new(Shared {
            n,
            net: Network::new(),
            created: Instant::now(),
            state: Mutex::new(State {
                servers,
                begin: None,
            }),
        }));
        for i in 0..n {
            cfg.start_server(i);
        }
        cfg.connect_all();
        cfg.0.net.set_reliable(!unreliable);
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

    /// The first server, in index order, whose Raft believes it leads.
    pub fn leader(&self) -> Option<usize> {
        let state = self.0.state.lock();
        state
            .servers
            .iter()
            .position(|s| s.ctrler.as_ref().is_some_and(|sc| sc.raft().get_state().1))
    }
}
