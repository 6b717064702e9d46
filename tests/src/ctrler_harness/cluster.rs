//! Links, server shutdowns and restarts, and clerks' ends, as the course's
//! tester manages them.

use labrpc::{ClientEnd, Server};
use shardctrler::{Clerk, ShardCtrler};

use super::CtrlerConfig;
use crate::raft_harness::{fresh_end, shuffle};

impl CtrlerConfig {
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
        let state = self.0.state.lock();
        for &j in others {
            for (from, to) in [(i, j), (j, i)] {
                if let Some(end) = state.servers[from].end_names.get(to) {
                    self.0
                        .net
                        .enable(end, up)
                        .expect("the harness made this end");
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

    /// Shuts server `i` down: cut off, removed from the network before its
    /// persister is superseded, killed, and its slot cleared. Clerks' ends
    /// to it stay enabled and fail fast.
    pub fn shutdown_server(&self, i: usize) {
        self.disconnect(i, &self.all());
        self.0.net.delete_server(&i.to_string());
        let ctrler = {
            let mut state = self.0.state.lock();
            let slot = &mut state.servers[i];
            slot.persister = slot.persister.copy();
            slot.ctrler.take()
        };
        if let Some(ctrler) = ctrler {
            ctrler.kill();
        }
    }

    /// Starts server `i` from a copy of its persisted state, with fresh,
    /// disabled ends to every server; call [`CtrlerConfig::connect_all`]
    /// next.
    pub fn start_server(&self, i: usize) {
        let ends = self.ends_to_servers();
        let persister = {
            let mut state = self.0.state.lock();
            let slot = &mut state.servers[i];
            slot.end_names = ends.iter().map(|(name, _)| name.clone()).collect();
            slot.persister = slot.persister.copy();
            slot.persister.clone()
        };
        let ends = ends.into_iter().map(|(_, end)| end).collect();
        let ctrler = ShardCtrler::start(ends, i, persister)
            .unwrap_or_else(|error| panic!("starting ctrler server {i}: {error}"));
        self.0.state.lock().servers[i].ctrler = Some(ctrler.clone());
        let server = Server::builder()
            .service(ctrler.service())
            .service(ctrler.raft().service())
            .build()
            .expect("the ShardCtrler and Raft services have distinct names");
        self.0.net.add_server(i.to_string(), server);
    }

    /// A clerk with an end to every server, in random order; only the ends
    /// to servers in `to` are enabled.
    pub fn make_client(&self, to: &[usize]) -> Clerk {
        let ends = self.ends_to_servers();
        for &j in to {
            self.0
                .net
                .enable(&ends[j].0, true)
                .expect("the harness made this end");
        }
        let mut ends: Vec<ClientEnd> = ends.into_iter().map(|(_, end)| end).collect();
        shuffle(&mut ends);
        Clerk::new(ends)
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
