//! Links, server shutdowns and restarts, and clerks' ends, as the course's
//! tester manages them.

use kvraft::{Clerk, KvServer};
use labrpc::{ClientEnd, Server};

use super::{KvConfig, TestClerk};
use crate::raft_harness::{fresh_end, shuffle};

impl KvConfig {
    /// Enables the links between server `i` and each server of `to`, both
    /// ways.
    pub fn connect(&self, i: usize, to: &[usize]) {
        self.set_links(i, to, true);
    }

    /// Disables the links between server `i` and each server of `from`,
    /// both ways.
    pub fn disconnect(&self, i: usize, from: &[usize]) {
        self.set_links(i, from, false);
    }

    fn set_links(&self, i: usize, others: &[usize], up: bool) {
        let mut state = self.0.state.lock();
        for &j in others {
            for (from, to) in [(i, j), (j, i)] {
                let slot = &mut state.servers[from];
                if let Some(end) = slot.end_names.get(to) {
                    self.0
                        .net
                        .enable(end, up)
                        .expect("the harness made this end");
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
    pub fn connect_all(&self) {
        let all = self.all();
        for i in 0..self.0.n {
            self.connect(i, &all);
        }
    }

    /// Links every server of `p1` with `p1` only and every server of `p2`
    /// with `p2` only. Clerks' links are untouched.
    pub fn partition(&self, p1: &[usize], p2: &[usize]) {
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
        self.disconnect(i, &self.all());
        self.0.net.delete_server(&i.to_string());
        let kv = {
            let mut state = self.0.state.lock();
            let slot = &mut state.servers[i];
            slot.persister = slot.persister.copy();
            slot.kv.take()
        };
        if let Some(kv) = kv {
            kv.kill();
        }
    }

    /// Starts server `i` from a copy of its persisted state, with fresh,
    /// disabled ends to every server. Its links stay down until connected.
    pub fn start_server(&self, i: usize) {
        let ends = self.ends_to_servers();
        let persister = {
            let mut state = self.0.state.lock();
            let slot = &mut state.servers[i];
            slot.end_names = ends.iter().map(|(name, _)| name.clone()).collect();
            slot.links.clear();
            slot.persister = slot.persister.copy();
            slot.persister.clone()
        };
        let ends = ends.into_iter().map(|(_, end)| end).collect();
        let kv = KvServer::start(ends, i, persister, self.0.maxraftstate)
            .unwrap_or_else(|error| panic!("starting kv server {i}: {error}"));
        self.0.state.lock().servers[i].kv = Some(kv.clone());
        let server = Server::builder()
            .service(kv.service())
            .service(kv.raft().service())
            .build()
            .expect("the KVServer and Raft services have distinct names");
        self.0.net.add_server(i.to_string(), server);
    }

    /// A clerk with an end to every server, in random order; only the ends
    /// to servers in `to` are enabled.
    pub fn make_client(&self, to: &[usize]) -> TestClerk {
        let ends = self.ends_to_servers();
        let id = {
            let mut state = self.0.state.lock();
            let id = state.next_clerk;
            state.next_clerk += 1;
            state
                .clerks
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
        let state = self.0.state.lock();
        let ends = state.clerks.get(&id).expect("a clerk of this harness");
        for &j in servers {
            self.0
                .net
                .enable(&ends[j], up)
                .expect("the harness made this end");
        }
    }

    /// Forgets a clerk that is done.
    pub fn delete_client(&self, ck: TestClerk) {
        self.0.state.lock().clerks.remove(&ck.id());
    }

    /// A fresh end to every server, in server order, each disabled.
    fn ends_to_servers(&self) -> Vec<(String, ClientEnd)> {
        (0..self.0.n)
            .map(|j| {
                let (name, end) = fresh_end(&self.0.net);
                self.0
                    .net
                    .connect(&name, j.to_string())
                    .expect("a fresh end");
                (name, end)
            })
            .collect()
    }
}
