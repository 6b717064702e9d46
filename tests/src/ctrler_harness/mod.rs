//! The shard-controller tester: a cluster of `ShardCtrler`s on a labrpc
//! network, clerks with an end to every server, and the course's checks.
//!
//! The harness state mirrors the course's shardctrler `config`: the
//! servers (the `servers` module) and the current section.

mod checks;
mod cluster;
mod report;

use std::sync::Arc;

use labrpc::Network;
use labrt::time::Instant;
use shardctrler::ShardCtrler;

use crate::course_lines::Section;
use crate::servers::Servers;

pub use checks::{check_same_config, gids_of};

/// The cluster a shard-controller test drives. Clones share it, so client
/// threads can use it.
#[derive(Clone)]
pub struct CtrlerConfig(Arc<Shared>);

struct Shared {
    /// The servers, and under their lock the current section.
    servers: Servers<ShardCtrler, Option<Section>>,
    created: Instant,
}

impl CtrlerConfig {
    /// The course's `make_config(n, unreliable)`: every server started and
    /// linked, and only then the network made unreliable, if asked.
    pub fn new(n: usize, unreliable: bool) -> CtrlerConfig {
        let cfg = CtrlerConfig(Arc::new(Shared {
            servers: Servers::new(n, Network::new(), None),
            created: Instant::now(),
        }));
        for i in 0..n {
            cfg.start_server(i);
        }
        cfg.connect_all();
        cfg.0.servers.net().set_reliable(!unreliable);
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

    /// The first server, in index order, whose Raft believes it leads.
    pub fn leader(&self) -> Option<usize> {
        self.0.servers.leader()
    }
}
