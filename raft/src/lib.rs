//! raft: the Raft consensus protocol behind the course's API (the extended
//! Raft paper, figures 2 and 13).
//!
//! ```text
//! let rf = raft::make(peers, me, persister, apply_tx)?;   peers[me] is this peer's own end
//! net.add_server(name, Server::builder().service(rf.service()).build()?);
//! rf.start(command) -> Option<(index, term)>              None: not the leader
//! rf.get_state() -> (term, is_leader)
//! apply_rx.recv() -> ApplyMsg::Command { index, term, command }   committed, in index order
//!                  | ApplyMsg::Snapshot { index, term, snapshot } installed from the leader
//! rf.snapshot(index, bytes)                                the service's state through index
//! rf.persist_bytes(); rf.kill()
//! Persister::new(); p.copy(); p.save(state, snapshot)
//! p.read_raft_state(); p.read_snapshot()                  Err(ChecksumError): storage damaged it
//! ```
//!
//! Indices start at 1 (0 is a sentinel, as in the paper) and terms at 0.
//! Commands are opaque bytes. Each peer runs a ticker that starts
//! elections, one replicator per other peer, and an applier; every RPC goes
//! out on a thread of its own and no lock is held across one. All of it runs
//! on labrt, so in sim a seed replays a whole cluster.
//!
//! ```
//! use labrt::time::{Duration, sleep};
//! use raft::{ApplyMsg, Persister};
//!
//! labrt::Config::sim(1).run(|| {
//!     // A cluster of one: its only end leads to itself.
//!     let net = labrpc::Network::new();
//!     let end = net.make_end("0->0").unwrap();
//!     net.connect("0->0", "0").unwrap();
//!     net.enable("0->0", true).unwrap();
//!     let (apply_tx, apply_rx) = labrt::chan::unbounded();
//!     let rf = raft::make(vec![end], 0, Persister::new(), apply_tx).unwrap();
//!     let server = labrpc::Server::builder().service(rf.service()).build().unwrap();
//!     net.add_server("0", server);
//!
//!     // It elects itself once its election timeout has passed.
//!     let elected = (0..100).any(|_| {
//!         sleep(Duration::from_millis(50));
//!         rf.get_state().1
//!     });
//!     assert!(elected, "no leader after 5 s");
//!     let (index, term) = rf.start(b"x = 1".to_vec()).expect("the leader accepts");
//!     let applied = apply_rx.recv().unwrap();
//!     assert_eq!(applied, ApplyMsg::Command { index, term, command: b"x = 1".to_vec() });
//!     assert_eq!(index, 1);
//!     rf.kill();
//! });
//! ```

mod applier;
mod election;
mod log;
mod msg;
mod persist;
mod persister;
mod quorum;
mod replication;
mod snapshot;
mod state;

use std::fmt;

use labrpc::{ClientEnd, Service};
use labrt::chan::Sender;

use crate::msg::{
    AppendEntriesArgs, AppendEntriesReply, InstallSnapshotArgs, InstallSnapshotReply,
    RequestVoteArgs, RequestVoteReply,
};
pub use persister::{ChecksumError, Corruption, Part, Persister};

// SOLUTION BEGIN
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::sync::{Condvar, Mutex};

use crate::state::State;
// SOLUTION END

/// What Raft hands the service, in index order, on the apply channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyMsg {
    /// A committed command: apply it to the service's state.
    Command {
        /// Its log index.
        index: u64,
        /// The term of its log entry.
        term: u64,
        /// The bytes given to [`Raft::start`].
        command: Vec<u8>,
    },
    /// A snapshot from the leader: replace the service's state with it. The
    /// next command delivered is at `index + 1`.
    Snapshot {
        /// The last index it covers.
        index: u64,
        /// The term of the entry at `index`.
        term: u64,
        /// The bytes a service passed to [`Raft::snapshot`].
        snapshot: Vec<u8>,
    },
}

/// Why a peer could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftError {
    /// The persisted Raft state fails its checksum, does not decode, or
    /// decodes to a state no Raft could have saved (no sentinel entry,
    /// terms going down, a vote for a peer that does not exist).
    CorruptState {
        /// The peer whose state it is.
        server: usize,
        /// What is wrong with it.
        error: Corruption,
    },
    /// The persisted snapshot fails its checksum.
    CorruptSnapshot {
        /// The peer whose snapshot it is.
        server: usize,
        /// Where the stored bytes differ from what was saved.
        error: ChecksumError,
    },
}

impl fmt::Display for RaftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RaftError::CorruptState { server, error } => {
                write!(
                    f,
                    "the persisted Raft state of server {server} is corrupt: {error}"
                )
            }
            RaftError::CorruptSnapshot { server, error } => {
                write!(
                    f,
                    "the persisted snapshot of server {server} is corrupt: {error}"
                )
            }
        }
    }
}

impl std::error::Error for RaftError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RaftError::CorruptState { error, .. } => Some(error),
            RaftError::CorruptSnapshot { error, .. } => Some(error),
        }
    }
}

/// A handle on one Raft peer. Clones are the same peer.
#[derive(Clone)]
pub struct Raft {
    // SOLUTION BEGIN
    node: Arc<Node>,
    // SOLUTION STUB
    // // Your code here (2A, 2B, 2C, 2D): the peer's state (figure 2, "State"),
    // // shared with the threads it starts and its RPC handlers.
    // SOLUTION END
}

// SOLUTION BEGIN
/// What the peer's threads and RPC handlers share.
pub(crate) struct Node {
    me: usize,
    peers: Vec<ClientEnd>,
    persister: Persister,
    state: Mutex<State>,
    /// Wakes the ticker (only kill needs to).
    ticker: Condvar,
    /// Wakes the replicators: there is something to send.
    replicate: Condvar,
    /// Wakes the applier: there is something to deliver.
    apply: Condvar,
    killed: AtomicBool,
}

impl Node {
    fn killed(&self) -> bool {
        self.killed.load(Ordering::Relaxed)
    }

    /// Runs `f` on the state under the lock and wakes the threads that now
    /// have work. None once the peer is killed.
    fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        let mut st = self.state.lock();
        if self.killed() {
            return None;
        }
        let result = f(&mut st);
        self.wake(&mut st);
        Some(result)
    }

    fn wake(&self, st: &mut State) {
        if cfg!(debug_assertions) {
            st.check_invariants();
        }
        if st.applier_has_work() {
            self.apply.notify_one();
        }
        if std::mem::take(&mut st.replicate_now) {
            self.replicate.notify_all();
        }
    }
}
// SOLUTION END

/// Starts peer `me` of `peers` (`peers[me]` is its own end). Returns quickly;
/// restores term, vote, log and snapshot from `persister`, and sends what
/// commits on `apply_tx`.
///
/// # Panics
/// If `me` is not an index into `peers`.
pub fn make(
    peers: Vec<ClientEnd>,
    me: usize,
    persister: Persister,
    apply_tx: Sender<ApplyMsg>,
) -> Result<Raft, RaftError> {
    assert!(
        me < peers.len(),
        "raft::make: peer {me} of a cluster of {}",
        peers.len()
    );
    // SOLUTION BEGIN
    // The snapshot is the service's to load, but a damaged one could never
    // be sent to a follower either.
    persister
        .read_snapshot()
        .map_err(|error| RaftError::CorruptSnapshot { server: me, error })?;
    let state = State::restore(me, peers.len(), persister.clone())
        .map_err(|error| RaftError::CorruptState { server: me, error })?;
    let node = Arc::new(Node {
        me,
        peers,
        persister,
        state: Mutex::new(state),
        ticker: Condvar::new(),
        replicate: Condvar::new(),
        apply: Condvar::new(),
        killed: AtomicBool::new(false),
    });
    let ticker = Arc::clone(&node);
    labrt::thread::spawn(format!("raft{me}-ticker"), move || ticker.run_ticker());
    let applier = Arc::clone(&node);
    labrt::thread::spawn(format!("raft{me}-applier"), move || {
        applier.run_applier(apply_tx)
    });
    for peer in (0..node.peers.len()).filter(|&p| p != me) {
        let replicator = Arc::clone(&node);
        let name = format!("raft{me}-replicator-{peer}");
        labrt::thread::spawn(name, move || replicator.run_replicator(peer));
    }
    Ok(Raft { node })
    // SOLUTION STUB
    // // Your code here (2A, 2B, 2C): restore the persisted state (figure 2,
    // // "Persistent state"), then start the threads that hold elections,
    // // replicate the log and send committed entries on apply_tx.
    // labrt::unimplemented("raft::make");
    // let _ = (peers, persister, apply_tx);
    // Ok(Raft {})
    // SOLUTION END
}

impl Raft {
    /// Proposes `command` for the log. None if this peer is not the leader;
    /// else the index and term the entry will have if it commits. Returns at
    /// once, and replication starts at once.
    pub fn start(&self, command: Vec<u8>) -> Option<(u64, u64)> {
        // SOLUTION BEGIN
        self.node.update(|st| st.start(command)).flatten()
        // SOLUTION STUB
        // // Your code here (2B): if this peer leads, append the command to its
        // // log and replicate it (figure 2, "Rules for Servers", Leaders).
        // labrt::unimplemented("Raft::start");
        // let _ = command;
        // None
        // SOLUTION END
    }

    /// The current term, and whether this peer believes it is the leader.
    pub fn get_state(&self) -> (u64, bool) {
        // SOLUTION BEGIN
        let st = self.node.state.lock();
        (st.current_term, st.is_leader())
        // SOLUTION STUB
        // // Your code here (2A): currentTerm, and whether this peer is the leader
        // // (figure 2, "State").
        // labrt::unimplemented("Raft::get_state");
        // (0, false)
        // SOLUTION END
    }

    /// The service has a snapshot holding everything up to and including
    /// `index`; discard the log through it. Call it from any thread, the one
    /// receiving applies included.
    pub fn snapshot(&self, index: u64, snapshot: Vec<u8>) {
        // SOLUTION BEGIN
        self.node.update(|st| st.snapshot(index, snapshot));
        // SOLUTION STUB
        // // Your code here (2D): keep the snapshot and trim the log through index
        // // (section 7, figure 13).
        // labrt::unimplemented("Raft::snapshot");
        // let _ = (index, snapshot);
        // SOLUTION END
    }

    /// Bytes of persisted Raft state (term, vote, log).
    pub fn persist_bytes(&self) -> usize {
        // SOLUTION BEGIN
        self.node.persister.raft_state_size()
        // SOLUTION STUB
        // // Your code here (2C): the size of the Raft state your Persister holds.
        // labrt::unimplemented("Raft::persist_bytes");
        // 0
        // SOLUTION END
    }

    /// Stops the peer: its threads end promptly, nothing more is applied,
    /// and RPCs get harmless replies.
    pub fn kill(&self) {
        // SOLUTION BEGIN
        // Under the lock, so no thread can check the flag and then miss the
        // wake-up.
        let _st = self.node.state.lock();
        self.node.killed.store(true, Ordering::Relaxed);
        self.node.ticker.notify_all();
        self.node.replicate.notify_all();
        self.node.apply.notify_all();
        // SOLUTION STUB
        // // Your code here, if you like: stop this peer's threads, so a killed
        // // peer stops sending, applying and starting elections.
        // SOLUTION END
    }

    /// The `Raft` service (RequestVote, AppendEntries, InstallSnapshot) to
    /// host on this peer's labrpc server.
    pub fn service(&self) -> Service {
        let (rf1, rf2, rf3) = (self.clone(), self.clone(), self.clone());
        Service::new("Raft")
            .rpc(move |args| rf1.request_vote(args))
            .rpc(move |args| rf2.append_entries(args))
            .rpc(move |args| rf3.install_snapshot(args))
    }

    fn request_vote(&self, args: RequestVoteArgs) -> RequestVoteReply {
        // SOLUTION BEGIN
        let reply = self.node.update(|st| st.handle_request_vote(&args));
        reply.unwrap_or_default()
        // SOLUTION STUB
        // // Your code here (2A, 2B): grant or refuse the vote (figure 2,
        // // "RequestVote RPC", Receiver implementation).
        // labrt::unimplemented("Raft::request_vote");
        // let _ = args;
        // RequestVoteReply::default()
        // SOLUTION END
    }

    fn append_entries(&self, args: AppendEntriesArgs) -> AppendEntriesReply {
        // SOLUTION BEGIN
        let reply = self.node.update(|st| st.handle_append_entries(args));
        reply.unwrap_or_default()
        // SOLUTION STUB
        // // Your code here (2A, 2B): a heartbeat, or entries to check and append
        // // (figure 2, "AppendEntries RPC", Receiver implementation).
        // labrt::unimplemented("Raft::append_entries");
        // let _ = args;
        // AppendEntriesReply::default()
        // SOLUTION END
    }

    fn install_snapshot(&self, args: InstallSnapshotArgs) -> InstallSnapshotReply {
        // SOLUTION BEGIN
        let reply = self.node.update(|st| st.handle_install_snapshot(args));
        reply.unwrap_or_default()
        // SOLUTION STUB
        // // Your code here (2D): install the leader's snapshot (figure 13,
        // // "InstallSnapshot RPC", Receiver implementation).
        // labrt::unimplemented("Raft::install_snapshot");
        // let _ = args;
        // InstallSnapshotReply::default()
        // SOLUTION END
    }
}

// SOLUTION BEGIN
#[cfg(test)]
mod tests;
// SOLUTION END
