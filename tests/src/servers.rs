//! A service's servers over Raft, as the key/value and shard-controller
//! testers keep them: per server a slot with the instance (none while shut
//! down), its persister and its ends, and the course's links, shutdowns
//! and restarts. One copy, so every service's tester handles its servers
//! alike.
//!
//! ```text
//! let servers = Servers::new(n, Network::new(), own_state);
//! servers.start(i, |ends, persister| start server i with them);
//! servers.connect_all(); servers.set_links(i, &[0, 1], false); servers.shutdown(i);
//! servers.lock().harness      the harness's own state, under the servers' lock
//! servers.cleanup();          every server killed, the network closed
//! ```

use std::collections::BTreeSet;

use labrpc::{ClientEnd, Network, Server, Service};
use labrt::sync::{Mutex, MutexGuard};
use raft::{Persister, Raft};

use crate::ends::ends_to_named;

/// A service server running over a Raft peer of its own, such as
/// `KvServer` or `ShardCtrler`: what the harness needs of it.
pub(crate) trait RaftServer: Clone {
    /// Its Raft peer.
    fn raft(&self) -> &Raft;
    /// Stops it and its Raft peer.
    fn kill(&self);
    /// Its own service, hosted next to its Raft's.
    fn service(&self) -> Service;

    /// A labrpc server hosting its service and its Raft's.
    fn rpc_server(&self) -> Server {
        Server::builder()
            .service(self.service())
            .service(self.raft().service())
            .build()
            .expect("a service's method names differ from Raft's")
    }
}

/// The `n` servers of one service on a network, named `0`, `1`, … (or
/// `<prefix>0`, `<prefix>1`, … when several services share a network).
///
/// The harness keeps its own state `X` under the servers' lock: one lock,
/// as in the course's `config`, so that threads wait for each other where
/// they always have and a seed keeps its schedule.
pub(crate) struct Servers<S, X> {
    n: usize,
    net: Network,
    /// What server names start with: "" for `0`, `1`, …
    prefix: String,
    state: Mutex<State<S, X>>,
}

/// What the servers' lock guards.
pub(crate) struct State<S, X> {
    pub(crate) slots: Vec<Slot<S>>,
    /// What the harness keeps besides the servers.
    pub(crate) harness: X,
}

/// One server's place, which outlives its instances.
pub(crate) struct Slot<S> {
    /// The running instance; None while shut down.
    pub(crate) server: Option<S>,
    /// What the server persisted; a restart gets a copy.
    pub(crate) persister: Persister,
    /// The names of the server's ends, by the server they lead to.
    pub(crate) end_names: Vec<String>,
    /// The servers its enabled ends lead to.
    pub(crate) links: BTreeSet<usize>,
}

impl<S: RaftServer, X> Servers<S, X> {
    /// `n` servers on `net`, none running yet, each with an empty persister.
    pub(crate) fn new(n: usize, net: Network, harness: X) -> Self {
        Self::named(n, net, harness, "")
    }

    /// As [`Servers::new`], the servers named `<prefix>0`, `<prefix>1`, …
    pub(crate) fn named(n: usize, net: Network, harness: X, prefix: &str) -> Self {
        let slots = (0..n)
            .map(|_| Slot {
                server: None,
                persister: Persister::new(),
                end_names: Vec::new(),
                links: BTreeSet::new(),
            })
            .collect();
        Servers {
            n,
            net,
            prefix: prefix.to_string(),
            state: Mutex::new(State { slots, harness }),
        }
    }

    /// Number of servers.
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// Every server's index.
    pub(crate) fn all(&self) -> Vec<usize> {
        (0..self.n).collect()
    }

    /// Server `i`'s name on the network.
    pub(crate) fn name(&self, i: usize) -> String {
        format!("{}{i}", self.prefix)
    }

    /// Every server's name, in index order.
    pub(crate) fn names(&self) -> Vec<String> {
        (0..self.n).map(|i| self.name(i)).collect()
    }

    /// The network they are on.
    pub(crate) fn net(&self) -> &Network {
        &self.net
    }

    /// Takes the servers' lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State<S, X>> {
        self.state.lock()
    }

    /// Enables (`up`) or disables the links between server `i` and each
    /// server of `others`, both ways.
    pub(crate) fn set_links(&self, i: usize, others: &[usize], up: bool) {
        crate::logging::links(i, others, up);
        let mut state = self.state.lock();
        for &j in others {
            for (from, to) in [(i, j), (j, i)] {
                let slot = &mut state.slots[from];
                if let Some(end) = slot.end_names.get(to) {
                    self.net.enable(end, up).expect("the harness made this end");
                    if up {
                        slot.links.insert(to);
                    } else {
                        slot.links.remove(&to);
                    }
                }
            }
        }
    }

    /// Enables every link between servers.
    pub(crate) fn connect_all(&self) {
        let all = self.all();
        for i in 0..self.n {
            self.set_links(i, &all, true);
        }
    }

    /// Shuts server `i` down: cut off, removed from the network before its
    /// persister is superseded (so no reply can rest on a write the copy
    /// misses), killed, and its slot cleared.
    pub(crate) fn shutdown(&self, i: usize) {
        tracing::debug!(target: "harness", peer = i, "crash");
        self.set_links(i, &self.all(), false);
        self.net.delete_server(&self.name(i));
        let server = {
            let mut state = self.state.lock();
            let slot = &mut state.slots[i];
            slot.persister = slot.persister.copy();
            slot.server.take()
        };
        if let Some(server) = server {
            server.kill();
        }
    }

    /// Starts server `i` with `start(ends, persister)`: fresh, disabled
    /// ends to every server and a copy of its persisted state. Its links
    /// stay down until connected.
    pub(crate) fn start(&self, i: usize, start: impl FnOnce(Vec<ClientEnd>, Persister) -> S) {
        let ends = ends_to_named(&self.net, &self.names());
        let persister = {
            let mut state = self.state.lock();
            let slot = &mut state.slots[i];
            slot.end_names = ends.iter().map(|(name, _)| name.clone()).collect();
            slot.links.clear();
            slot.persister = slot.persister.copy();
            slot.persister.clone()
        };
        crate::logging::restart(i, &self.name(i), &ends);
        let ends = ends.into_iter().map(|(_, end)| end).collect();
        let server = start(ends, persister);
        self.state.lock().slots[i].server = Some(server.clone());
        self.net.add_server(self.name(i), server.rpc_server());
    }

    /// The first server, in index order, whose Raft believes it leads.
    pub(crate) fn leader(&self) -> Option<usize> {
        let state = self.state.lock();
        let mut servers = state.slots.iter().map(|s| s.server.as_ref());
        servers.position(|s| s.is_some_and(|s| s.raft().get_state().1))
    }

    /// The largest `size` of any server's persister.
    pub(crate) fn max_persisted(&self, size: impl Fn(&Persister) -> usize) -> usize {
        let state = self.state.lock();
        let sizes = state.slots.iter().map(|s| size(&s.persister));
        sizes.max().unwrap_or(0)
    }

    /// Stops everything: servers are killed and the network refuses calls.
    pub(crate) fn cleanup(&self) {
        self.kill_all();
        self.net.cleanup();
    }

    /// Kills every running server and clears its slot; the network stays
    /// up, for the other services on it.
    pub(crate) fn kill_all(&self) {
        let servers: Vec<S> = {
            let mut state = self.state.lock();
            let slots = state.slots.iter_mut();
            slots.filter_map(|s| s.server.take()).collect()
        };
        for server in servers {
            server.kill();
        }
    }
}
