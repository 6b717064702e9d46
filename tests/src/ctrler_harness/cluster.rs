//! Links, server shutdowns and restarts, and clerks' ends, as the course's
//! tester manages them.

use labrpc::{ClientEnd, Service};
use raft::Raft;
use shardctrler::{Clerk, ShardCtrler};

use super::CtrlerConfig;
use crate::ends::{ends_to_servers, shuffle};
use crate::servers::RaftServer;

impl RaftServer for ShardCtrler {
    fn raft(&self) -> &Raft {
        ShardCtrler::raft(self)
    }

    fn kill(&self) {
        ShardCtrler::kill(self);
    }

    fn service(&self) -> Service {
        ShardCtrler::service(self)
    }
}

impl CtrlerConfig {
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

    /// Shuts server `i` down: cut off, removed from the network before its
    /// persister is superseded, killed, and its slot cleared. Clerks' ends
    /// to it stay enabled and fail fast.
    pub fn shutdown_server(&self, i: usize) {
        self.0.servers.shutdown(i);
    }

    /// Starts server `i` from a copy of its persisted state, with fresh,
    /// disabled ends to every server; call [`CtrlerConfig::connect_all`]
    /// next.
    pub fn start_server(&self, i: usize) {
        self.0.servers.start(i, |ends, persister| {
            ShardCtrler::start(ends, i, persister)
                .unwrap_or_else(|error| panic!("starting ctrler server {i}: {error}"))
        });
    }

    /// A clerk with an end to every server, in random order; only the ends
    /// to servers in `to` are enabled.
    pub fn make_client(&self, to: &[usize]) -> Clerk {
        let net = self.0.servers.net();
        let ends = ends_to_servers(net, self.n());
        for &j in to {
            net.enable(&ends[j].0, true)
                .expect("the harness made this end");
        }
        let mut ends: Vec<ClientEnd> = ends.into_iter().map(|(_, end)| end).collect();
        shuffle(&mut ends);
        Clerk::new(ends)
    }
}
