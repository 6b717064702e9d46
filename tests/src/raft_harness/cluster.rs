//! Connectivity, crashes and restarts, as the course's tester does them.

use labrpc::Server;
use labrt::chan;

use super::{RaftConfig, applier};
use crate::ends::ends_to_servers;

impl RaftConfig {
    /// Connects peer `i`: every link between it and a connected peer,
    /// itself included, is enabled both ways.
    pub fn connect(&self, i: usize) {
        self.set_connected(i, true);
    }

    /// Disconnects peer `i`: every link to and from it is disabled.
    pub fn disconnect(&self, i: usize) {
        self.set_connected(i, false);
    }

    fn set_connected(&self, i: usize, connected: bool) {
        let others: Vec<usize> = (0..self.0.n).collect();
        crate::logging::links(i, &others, connected);
        let mut state = self.0.state.lock();
        state.peers[i].connected = connected;
        for j in 0..self.0.n {
            // A link is up exactly when both of its peers are connected.
            let up = connected && state.peers[j].connected;
            for (from, to) in [(i, j), (j, i)] {
                if let Some(end) = state.peers[from].end_names.get(to) {
                    self.0
                        .net
                        .enable(end, up)
                        .expect("the harness made this end");
                }
            }
        }
    }

    /// Crashes peer `i`: cuts it off, kills it, and keeps only what it had
    /// persisted. Later writes by the killed instance go to a persister no
    /// one reads, as after a real crash.
    pub fn crash1(&self, i: usize) {
        self.disconnect(i);
        self.0.net.delete_server(&i.to_string());
        let raft = {
            let mut state = self.0.state.lock();
            let peer = &mut state.peers[i];
            peer.persister = peer.persister.copy();
            peer.raft.take()
        };
        // Killed without the harness lock: a dying peer may still apply.
        if let Some(raft) = raft {
            tracing::debug!(target: "harness", peer = i, "crash");
            raft.kill();
        }
        let mut state = self.0.state.lock();
        let peer = &mut state.peers[i];
        peer.persister = peer.persister.copy();
    }

    /// Starts peer `i` (crashing it first if it runs) from its persisted
    /// state, with fresh ends so the old instance can no longer send. It
    /// stays disconnected until [`connect`](Self::connect).
    pub fn start1(&self, i: usize) {
        self.crash1(i);
        let ends = ends_to_servers(&self.0.net, self.0.n);
        let persister = {
            let mut state = self.0.state.lock();
            let peer = &mut state.peers[i];
            peer.end_names = ends.iter().map(|(name, _)| name.clone()).collect();
            peer.last_applied = 0;
            peer.persister = peer.persister.copy();
            let persister = peer.persister.clone();
            let snapshot = persister
                .read_snapshot()
                .unwrap_or_else(|error| panic!("restarting peer {i}: {error}"));
            if !snapshot.is_empty() {
                // What a service does on restart: load its snapshot.
                if let Err(error) = applier::ingest(&mut state, i, &snapshot, None) {
                    panic!("{error}");
                }
            }
            persister
        };
        crate::logging::restart(i, &i.to_string(), &ends);
        let (apply_tx, apply_rx) = chan::unbounded();
        let ends = ends.into_iter().map(|(_, end)| end).collect();
        let raft = raft::make(ends, i, persister, apply_tx)
            .unwrap_or_else(|error| panic!("restarting peer {i}: {error}"));
        self.0.state.lock().peers[i].raft = Some(raft.clone());
        applier::spawn(self.clone(), i, raft.clone(), apply_rx);
        let server = Server::builder()
            .service(raft.service())
            .build()
            .expect("the Raft service has distinct method names");
        self.0.net.add_server(i.to_string(), server);
    }
}
