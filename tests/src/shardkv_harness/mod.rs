//! The sharded key/value tester: three shard controllers and three replica
//! groups of `n` servers on one labrpc network, counted clerks, and the
//! course's checks.
//!
//! The harness mirrors the course's shardkv `config`: controllers on
//! servers `ctrler0`..`ctrler2`, never shut down; group `gi` (gid
//! `100 + gi`) on servers `server-<gid>-<i>`; a controller clerk `mck`
//! for joins, leaves and ownership queries; and `make_end`, which every
//! clerk and server uses to reach a group's server by name.

mod checks;
mod clerk;
mod cluster;
mod report;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use labrpc::Network;
use labrt::chan::Sender;
use labrt::sync::Mutex;
use labrt::time::Instant;
use shardctrler::{Gid, ShardCtrler};
use shardkv::{MakeEnd, ShardKv};

use crate::course_lines::Section;
use crate::servers::Servers;

pub use crate::history::History;
pub use clerk::ShardClerk;

/// Controller replicas, as the course fixes them.
pub const NCTRLERS: usize = 3;
/// Replica groups, gids 100, 101 and 102.
pub const NGROUPS: usize = 3;

/// How a test's cluster is built.
#[derive(Clone, Copy, Debug)]
pub struct ShardSetup {
    /// Servers per group.
    pub n: usize,
    /// Whether the network delays and drops messages.
    pub unreliable: bool,
    /// Snapshot before a group server's Raft state reaches this many
    /// bytes; `None` (the course's -1) never snapshots.
    pub maxraftstate: Option<usize>,
}

/// The cluster a shardkv test drives. Clones share it, so client threads
/// can use it.
#[derive(Clone)]
pub struct ShardConfig(Arc<Shared>);

struct Shared {
    net: Network,
    ctrlers: Servers<ShardCtrler, ()>,
    /// Per group its servers and, under their lock, each server's
    /// controller ends by name.
    groups: Vec<Servers<ShardKv, Vec<Vec<String>>>>,
    maxraftstate: Option<usize>,
    make_end: MakeEnd,
    /// The tester's controller clerk.
    mck: Mutex<shardctrler::Clerk>,
    created: Instant,
    /// Clerk operations made through the counting clerks since `begin`.
    ops: AtomicU64,
    /// Clerk operations under way, by clerk, for the time limit's message.
    in_flight: Mutex<BTreeMap<u64, String>>,
    next_clerk: AtomicU64,
    begin: Mutex<Option<Section>>,
    /// Dropped at cleanup, which stops the time-limit watchdog.
    watchdog: Mutex<Option<Sender<()>>>,
}

/// Group `gi`'s gid.
pub fn gid(gi: usize) -> Gid {
    100 + gi as Gid
}

impl ShardConfig {
    /// The course's `make_config(n, unreliable, maxraftstate)`: the
    /// controllers, the tester's controller clerk, every group server
    /// started, and only then the network made unreliable, if asked.
    pub fn new(setup: ShardSetup) -> ShardConfig {
        let net = Network::new();
        let ctrlers = Servers::named(NCTRLERS, net.clone(), (), "ctrler");
        let groups = (0..NGROUPS)
            .map(|gi| {
                let ctrler_ends = vec![Vec::new(); setup.n];
                let prefix = format!("server-{}-", gid(gi));
                Servers::named(setup.n, net.clone(), ctrler_ends, &prefix)
            })
            .collect();
        let make_end = cluster::make_end_on(&net);
        let mck = shardctrler::Clerk::new(cluster::ctrler_ends(&net, &ctrlers.names()));
        let cfg = ShardConfig(Arc::new(Shared {
            net,
            ctrlers,
            groups,
            maxraftstate: setup.maxraftstate,
            make_end,
            mck: Mutex::new(mck),
            created: Instant::now(),
            ops: AtomicU64::new(0),
            in_flight: Mutex::new(BTreeMap::new()),
            next_clerk: AtomicU64::new(0),
            begin: Mutex::new(None),
            watchdog: Mutex::new(None),
        }));
        cfg.start_ctrlers();
        for gi in 0..NGROUPS {
            cfg.start_group(gi);
        }
        cfg.0.net.set_reliable(!setup.unreliable);
        cfg.start_watchdog();
        cfg
    }

    /// Servers per group.
    pub fn n(&self) -> usize {
        self.0.groups[0].n()
    }

    /// Makes the network reliable (`true`) or not.
    pub fn set_reliable(&self, reliable: bool) {
        self.0.net.set_reliable(reliable);
    }
}
