//! Controllers, group servers and their shutdowns and restarts, the ends
//! clerks and servers make, and the tester's joins and leaves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use labrpc::{ClientEnd, Network, Service};
use raft::Raft;
use shardctrler::{Gid, NSHARDS, ShardCtrler};
use shardkv::{MakeEnd, ShardKv};

use super::{ShardClerk, ShardConfig, gid};
use crate::ends::{ends_to_named, fresh_end};
use crate::servers::RaftServer;

impl RaftServer for ShardKv {
    fn raft(&self) -> &Raft {
        ShardKv::raft(self)
    }

    fn kill(&self) {
        ShardKv::kill(self);
    }

    fn service(&self) -> Service {
        ShardKv::service(self)
    }
}

/// The course's `make_end`: each call makes a new end on `net`, with a
/// random name, connected to the server named and enabled. The harness
/// never disables these ends.
pub(super) fn make_end_on(net: &Network) -> MakeEnd {
    let net = net.clone();
    Arc::new(move |server: &str| {
        let (name, end) = fresh_end(&net);
        net.connect(&name, server).expect("a fresh end");
        net.enable(&name, true).expect("a fresh end");
        end
    })
}

/// Fresh, enabled ends to the controllers, in order.
pub(super) fn ctrler_ends(net: &Network, ctrlers: &[String]) -> Vec<ClientEnd> {
    named_ends(net, ctrlers)
        .into_iter()
        .map(|(_, end)| end)
        .collect()
}

/// Fresh, enabled ends to `servers`, with their names.
fn named_ends(net: &Network, servers: &[String]) -> Vec<(String, ClientEnd)> {
    let ends = ends_to_named(net, servers);
    for (name, _) in &ends {
        net.enable(name, true).expect("the harness made this end");
    }
    ends
}

impl ShardConfig {
    /// Starts the controllers, each with a fresh persister and no
    /// maxraftstate, and links them.
    pub(super) fn start_ctrlers(&self) {
        let ctrlers = &self.0.ctrlers;
        for i in 0..ctrlers.n() {
            ctrlers.start(i, |ends, persister| {
                ShardCtrler::start(ends, i, persister)
                    .unwrap_or_else(|error| panic!("starting ctrler {i}: {error}"))
            });
        }
        ctrlers.connect_all();
    }

    /// Starts server `i` of group `gi` from a copy of its persisted state,
    /// with fresh, enabled ends to its group and the controllers: it is
    /// reachable at once.
    pub fn start_server(&self, gi: usize, i: usize) {
        let group = &self.0.groups[gi];
        let ctrlers = named_ends(&self.0.net, &self.0.ctrlers.names());
        group.lock().harness[i] = ctrlers.iter().map(|(name, _)| name.clone()).collect();
        let ctrlers = ctrlers.into_iter().map(|(_, end)| end).collect();
        let (maxraftstate, make_end) = (self.0.maxraftstate, self.0.make_end.clone());
        group.start(i, |ends, persister| {
            ShardKv::start(ends, i, persister, maxraftstate, gid(gi), ctrlers, make_end)
                .unwrap_or_else(|error| panic!("starting server {i} of group {}: {error}", gid(gi)))
        });
        group.set_links(i, &group.all(), true);
    }

    /// Shuts server `i` of group `gi` down: its ends to the controllers
    /// and its group disabled, removed from the network before its
    /// persister is superseded, killed, and its slot cleared. The ends it
    /// made itself (to other groups) stay: a killed server must stop its
    /// own work.
    pub fn shutdown_server(&self, gi: usize, i: usize) {
        let group = &self.0.groups[gi];
        let ctrlers = std::mem::take(&mut group.lock().harness[i]);
        for name in &ctrlers {
            self.0
                .net
                .enable(name, false)
                .expect("the harness made this end");
        }
        group.shutdown(i);
    }

    /// Starts every server of group `gi`, in order.
    pub fn start_group(&self, gi: usize) {
        for i in 0..self.n() {
            self.start_server(gi, i);
        }
    }

    /// Shuts every server of group `gi` down, in order.
    pub fn shutdown_group(&self, gi: usize) {
        for i in 0..self.n() {
            self.shutdown_server(gi, i);
        }
    }

    /// A counted clerk with fresh ends to the controllers and the
    /// harness's `make_end`.
    pub fn make_client(&self) -> ShardClerk {
        let ctrlers = ctrler_ends(&self.0.net, &self.0.ctrlers.names());
        let clerk = shardkv::Clerk::new(ctrlers, self.0.make_end.clone());
        let id = self
            .0
            .next_clerk
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ShardClerk::new(self.clone(), id, clerk)
    }

    /// The course's `join(gi)`: one join of group `gi`.
    pub fn join(&self, gi: usize) {
        self.joins(&[gi]);
    }

    /// The course's `joins(gis)`: one join of all the groups `gis`, each
    /// with its servers' names.
    pub fn joins(&self, gis: &[usize]) {
        let servers: BTreeMap<Gid, Vec<String>> = gis
            .iter()
            .map(|&gi| (gid(gi), self.0.groups[gi].names()))
            .collect();
        self.0
            .mck
            .lock()
            .join(servers)
            .expect("the harness's gids are valid");
    }

    /// The course's `leave(gi)`.
    pub fn leave(&self, gi: usize) {
        self.leaves(&[gi]);
    }

    /// The course's `leaves(gis)`: one leave of all the groups `gis`.
    pub fn leaves(&self, gis: &[usize]) {
        let gids: Vec<Gid> = gis.iter().map(|&gi| gid(gi)).collect();
        self.0.mck.lock().leave(&gids);
    }

    /// The shards group `gi` owns in the controller's latest configuration.
    pub fn owned(&self, gi: usize) -> BTreeSet<usize> {
        let config = self.0.mck.lock().query(-1);
        (0..NSHARDS)
            .filter(|&s| config.shards[s] == gid(gi))
            .collect()
    }
}
