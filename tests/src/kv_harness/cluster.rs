//! Links, server shutdowns and restarts, and clerks' ends, as the course's
//! tester manages them.

use kvraft::{Clerk, KvServer};
use labrpc::{ClientEnd, Service};
use raft::Raft;

use super::{KvConfig, TestClerk};
use crate::ends::{ends_to_servers, shuffle};
use crate::servers::RaftServer;

impl RaftServer for KvServer {
    fn raft(&self) -> &Raft {
        KvServer::raft(self)
    }

    fn kill(&self) {
        KvServer::kill(self);
    }

    fn service(&self) -> Service {
        KvServer::service(self)
    }
}

impl KvConfig {
    /// Enables the links between server `i` and each server of `to`, both
    /// ways.
    pub fn connect(&self, i: usize, to: &[usize]) {
        self.0.servers.set_links(i, to, true);
    }

    /// Disables the links between server `i` and each server of `from`,
    /// both ways.
    pub fn disconnect(&self, i: usize, from: &[usize]) {
        self.0.servers.set_links(i, from, false);
    }

    /// Enables every link between servers.
    pub fn connect_all(&self) {
        self.0.servers.connect_all();
    }

    /// Links every server of `p1` with `p1` only and every server of `p2`
    /// with `p2` only. Clerks' links are untouched.
    pub fn partition(&self, p1: &[usize], p2: &[usize]) {
        crate::logging::partition(p1, p2);
        for (side, other) in [(p1, p2), (p2, p1)] {
            for &i in side {
                self.disconnect(i, other);
                self.connect(i, side);
            }
        }
    }

    /// Shuts server `i` down: cut off, removed from the network before its
    /// persister is superseded (so no reply can rest on a write the copy
    /// misses), killed, and its slot cleared.
    pub fn shutdown_server(&self, i: usize) {
        self.0.servers.shutdown(i);
    }

    /// Starts server `i` from a copy of its persisted state, with fresh,
    /// disabled ends to every server. Its links stay down until connected.
    pub fn start_server(&self, i: usize) {
        let maxraftstate = self.0.maxraftstate;
        self.0.servers.start(i, |ends, persister| {
            KvServer::start(ends, i, persister, maxraftstate)
                .unwrap_or_else(|error| panic!("starting kv server {i}: {error}"))
        });
    }

    /// A clerk with an end to every server, in random order; only the ends
    /// to servers in `to` are enabled.
    pub fn make_client(&self, to: &[usize]) -> TestClerk {
        let ends = ends_to_servers(self.0.servers.net(), self.n());
        let id = {
            let mut state = self.0.servers.lock();
            let own = &mut state.harness;
            let id = own.next_clerk;
            own.next_clerk += 1;
            own.clerks
                .insert(id, ends.iter().map(|(n, _)| n.clone()).collect());
            id
        };
        let mut shuffled: Vec<ClientEnd> = ends.into_iter().map(|(_, end)| end).collect();
        shuffle(&mut shuffled);
        let ck = TestClerk::new(self.clone(), id, Clerk::new(shuffled));
        self.connect_client(ck.id(), to);
        ck
    }

    /// Enables clerk `id`'s ends to the servers of `to`. Takes the clerk's
    /// [`TestClerk::id`], so a clerk busy on another thread can be
    /// reconnected.
    pub fn connect_client(&self, id: u64, to: &[usize]) {
        self.set_client_links(id, to, true);
    }

    /// Disables clerk `id`'s ends to the servers of `from`.
    pub fn disconnect_client(&self, id: u64, from: &[usize]) {
        self.set_client_links(id, from, false);
    }

    fn set_client_links(&self, id: u64, servers: &[usize], up: bool) {
        let state = self.0.servers.lock();
        let clerks = &state.harness.clerks;
        let ends = clerks.get(&id).expect("a clerk of this harness");
        let net = self.0.servers.net();
        for &j in servers {
            net.enable(&ends[j], up).expect("the harness made this end");
        }
    }

    /// Forgets a clerk that is done.
    pub fn delete_client(&self, ck: TestClerk) {
        self.0.servers.lock().harness.clerks.remove(&ck.id());
    }
}
