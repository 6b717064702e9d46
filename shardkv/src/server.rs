//! The server: one replica of one group. It puts every client request in
//! its group's Raft log, waits until the applier (`applier.rs`) has
//! applied it, and answers; background threads (`reconfig.rs`) follow the
//! controller's configurations and move shards between groups
//! (`transfer.rs`).

use std::fmt;

use labrpc::{ClientEnd, Service};
use raft::{Corruption, Persister, Raft, RaftError};

use crate::common::{Gid, MakeEnd};
use crate::rpc::{GetArgs, GetReply, PutAppendArgs, PutAppendReply};

// SOLUTION BEGIN
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, Instant};

use crate::common::key2shard;
use crate::rpc::{KvError, WriteKind};
use crate::state_machine::{Command, Op, StateMachine};

/// How long a request may wait to be applied before the clerk is told to
/// try another server: a leader cut off from its majority keeps its term
/// and its belief that it leads.
const APPLY_TIMEOUT: Duration = Duration::from_millis(500);
/// How often a waiting request checks that its server still leads in the
/// term it was submitted in.
const LEADERSHIP_POLL: Duration = Duration::from_millis(20);
// SOLUTION END

/// Why a server could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    /// Its Raft peer could not start.
    Raft(RaftError),
    /// The persisted snapshot fails its checksum or does not decode.
    CorruptSnapshot {
        /// The group of the server whose snapshot it is.
        gid: Gid,
        /// The server, within its group.
        server: usize,
        /// What is wrong with it.
        error: Corruption,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Raft(error) => error.fmt(f),
            StartError::CorruptSnapshot { gid, server, error } => write!(
                f,
                "the snapshot of server {server} of group {gid} is corrupt: {error}"
            ),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Raft(error) => Some(error),
            StartError::CorruptSnapshot { error, .. } => Some(error),
        }
    }
}

/// One server of one replica group. Clones are the same server.
#[derive(Clone)]
pub struct ShardKv {
    // SOLUTION BEGIN
    pub(crate) node: Arc<Node>,
    // SOLUTION STUB
    // // Your code here (4B): what the server's RPC handlers and threads share:
    // // at least its Raft peer, which `raft()` returns.
    // rf: Raft,
    // SOLUTION END
}

// SOLUTION BEGIN
/// What the RPC handlers, the applier and the reconfiguration threads
/// share.
pub(crate) struct Node {
    pub me: usize,
    pub gid: Gid,
    pub rf: Raft,
    pub maxraftstate: Option<usize>,
    pub state: Mutex<Applied>,
    /// Wakes waiting requests: something was applied, or the server died.
    pub applied: Condvar,
    killed: AtomicBool,
    make_end: MakeEnd,
    /// The ends made so far to other groups' servers, by server name.
    ends: Mutex<BTreeMap<String, ClientEnd>>,
}

/// The state machine and the requests waiting on it.
pub(crate) struct Applied {
    pub machine: StateMachine,
    /// The last log index reflected in `machine`.
    pub last_applied: u64,
    /// Log indices that client requests wait on, with what ended up there.
    pub waiting: BTreeMap<u64, Waiting>,
}

#[derive(Default)]
pub(crate) struct Waiting {
    requests: usize,
    pub outcome: Option<Outcome>,
}

/// What became of a log index someone waits on.
pub(crate) enum Outcome {
    /// A client command was applied there, in the entry's term, with this
    /// result.
    Applied {
        term: u64,
        client_id: u64,
        seq: u64,
        output: Result<String, KvError>,
    },
    /// A snapshot covered it, or it held another command: the waiting
    /// request cannot know whether it was applied.
    Unknown,
}

/// The snapshot's contents: the index it reflects and the state machine.
pub(crate) type Snapshot = (u64, StateMachine);
// SOLUTION END

impl ShardKv {
    /// Starts server `me` of group `gid`, whose servers are `servers`
    /// (`servers[me]` is its own end), with its Raft peer. It reaches the
    /// controller through `ctrlers`, and other groups' servers through
    /// ends made by `make_end`. It restores its state from the persisted
    /// snapshot, and with `maxraftstate` snapshots whenever the persisted
    /// Raft state nears that many bytes; `None` never snapshots. Returns
    /// quickly: the work goes on in threads of its own.
    pub fn start(
        servers: Vec<ClientEnd>,
        me: usize,
        persister: Persister,
        maxraftstate: Option<usize>,
        gid: Gid,
        ctrlers: Vec<ClientEnd>,
        make_end: MakeEnd,
    ) -> Result<ShardKv, StartError> {
        // SOLUTION BEGIN
        let corrupt = |error: Corruption| StartError::CorruptSnapshot {
            gid,
            server: me,
            error,
        };
        let snapshot = persister
            .read_snapshot()
            .map_err(|error| corrupt(error.into()))?;
        let (last_applied, machine) = if snapshot.is_empty() {
            (0, StateMachine::new(gid))
        } else {
            labcodec::decode::<Snapshot>(&snapshot).map_err(|error| corrupt(error.into()))?
        };
        let (apply_tx, apply_rx) = labrt::chan::unbounded();
        let rf = raft::make(servers, me, persister, apply_tx).map_err(StartError::Raft)?;
        let node = Arc::new(Node {
            me,
            gid,
            rf,
            maxraftstate,
            state: Mutex::new(Applied {
                machine,
                last_applied,
                waiting: BTreeMap::new(),
            }),
            applied: Condvar::new(),
            killed: AtomicBool::new(false),
            make_end,
            ends: Mutex::new(BTreeMap::new()),
        });
        let applier = Arc::clone(&node);
        labrt::thread::spawn(format!("skv{gid}-{me} applier"), move || {
            applier.run_applier(apply_rx)
        });
        node.spawn_reconfiguration(shardctrler::Clerk::new(ctrlers));
        Ok(ShardKv { node })
        // SOLUTION STUB
        // // Your code here (4B): restore the state from the persisted snapshot,
        // // start this server's Raft peer, apply what it commits, and follow
        // // the controller's configurations (ask `shardctrler::Clerk::new(ctrlers)`
        // // about every 100 ms), moving shards with `make_end`'s ends.
        // labrt::unimplemented("ShardKv::start");
        // let _ = (maxraftstate, gid, ctrlers, make_end);
        // let (apply_tx, _apply_rx) = labrt::chan::unbounded();
        // let rf = raft::make(servers, me, persister, apply_tx);
        // Ok(ShardKv {
        //     rf: rf.map_err(StartError::Raft)?,
        // })
        // SOLUTION END
    }

    /// This server's Raft peer.
    pub fn raft(&self) -> &Raft {
        // SOLUTION BEGIN
        &self.node.rf
        // SOLUTION STUB
        // &self.rf
        // SOLUTION END
    }

    /// Stops the server, its threads and its Raft peer; waiting requests
    /// are answered with [`KvError::WrongLeader`](crate::KvError).
    pub fn kill(&self) {
        // SOLUTION BEGIN
        let _st = self.node.state.lock();
        self.node.killed.store(true, Ordering::Relaxed);
        self.node.rf.kill();
        self.node.applied.notify_all();
        // SOLUTION STUB
        // // Your code here, if you like: stop the server's threads too.
        // self.rf.kill();
        // SOLUTION END
    }

    /// The `ShardKV` service (Get, PutAppend, and whatever groups send each
    /// other) to host, next to the Raft service, on this server's labrpc
    /// server.
    pub fn service(&self) -> Service {
        let (get, put_append) = (self.clone(), self.clone());
        let service = Service::new("ShardKV")
            .rpc(move |args| get.get(args))
            .rpc(move |args| put_append.put_append(args));
        self.group_rpcs(service)
    }

    /// `service` with the RPCs that groups send each other added.
    fn group_rpcs(&self, service: Service) -> Service {
        // SOLUTION BEGIN
        let (fetch, delete) = (Arc::clone(&self.node), Arc::clone(&self.node));
        service
            .rpc(move |args| fetch.fetch_shards(args))
            .rpc(move |args| delete.delete_shards(args))
        // SOLUTION STUB
        // // Your code here (4B): the RPCs your groups send each other to move
        // // shards, if any.
        // service
        // SOLUTION END
    }

    fn get(&self, args: GetArgs) -> GetReply {
        // SOLUTION BEGIN
        self.node
            .submit(args.client_id, args.seq, Op::Get { key: args.key })
        // SOLUTION STUB
        // // Your code here (4B): if this group serves the key's shard now, put the
        // // read in the Raft log, wait until it is applied, and reply with the
        // // value; otherwise reply KvError::WrongGroup.
        // labrt::unimplemented("ShardKv::get");
        // let _ = args;
        // Err(crate::rpc::KvError::WrongLeader)
        // SOLUTION END
    }

    fn put_append(&self, args: PutAppendArgs) -> PutAppendReply {
        // SOLUTION BEGIN
        let (key, value) = (args.key, args.value);
        let op = match args.kind {
            WriteKind::Put => Op::Put { key, value },
            WriteKind::Append => Op::Append { key, value },
        };
        self.node.submit(args.client_id, args.seq, op).map(drop)
        // SOLUTION STUB
        // // Your code here (4B): as get, for a write, carried out exactly once
        // // however often the clerk retries it and wherever its shard moves.
        // labrt::unimplemented("ShardKv::put_append");
        // let _ = args;
        // Err(crate::rpc::KvError::WrongLeader)
        // SOLUTION END
    }
}

// SOLUTION BEGIN
impl Node {
    pub fn killed(&self) -> bool {
        self.killed.load(Ordering::Relaxed)
    }

    /// Whether this server's Raft believes it leads its group.
    pub fn is_leader(&self) -> bool {
        self.rf.get_state().1
    }

    /// An end to the server named `name`, made once and kept.
    pub fn end(&self, name: &str) -> ClientEnd {
        let mut ends = self.ends.lock();
        let end = ends.entry(name.to_string());
        end.or_insert_with(|| (self.make_end)(name)).clone()
    }

    /// Puts a client's operation in the log and waits until it is applied
    /// at the index it got, in the term it got. The lock is held across
    /// `start`, so the applier cannot get to the index before the request
    /// waits on it. A shard the group does not serve is refused at once
    /// (the applier checks again: what counts is the state at the index).
    fn submit(&self, client_id: u64, seq: u64, op: Op) -> Result<String, KvError> {
        let mut st = self.state.lock();
        if self.killed() {
            return Err(KvError::WrongLeader);
        }
        let shard = match &op {
            Op::Get { key } | Op::Put { key, .. } | Op::Append { key, .. } => key2shard(key),
        };
        if !self.is_leader() {
            return Err(KvError::WrongLeader);
        }
        if !st.machine.serves(shard) {
            return Err(KvError::WrongGroup);
        }
        let command = Command::Client { client_id, seq, op };
        let Some((index, term)) = self.rf.start(labcodec::encode(&command)) else {
            return Err(KvError::WrongLeader);
        };
        st.waiting.entry(index).or_default().requests += 1;
        let deadline = Instant::now() + APPLY_TIMEOUT;
        let answer = loop {
            if let Some(outcome) = &st.waiting[&index].outcome {
                break outcome.answer(term, client_id, seq);
            }
            if self.killed() || self.rf.get_state() != (term, true) {
                break Err(KvError::WrongLeader);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(KvError::WrongLeader);
            }
            let poll = deadline.duration_since(now).min(LEADERSHIP_POLL);
            self.applied.wait_timeout(&mut st, poll);
        };
        let waiting = st.waiting.get_mut(&index).expect("a request's own index");
        waiting.requests -= 1;
        if waiting.requests == 0 {
            st.waiting.remove(&index);
        }
        answer
    }
}

impl Outcome {
    /// The reply for request `seq` of `client_id`, submitted in `term`: its
    /// result if the entry applied at its index is that request.
    fn answer(&self, term: u64, client_id: u64, seq: u64) -> Result<String, KvError> {
        match self {
            Outcome::Applied {
                term: t,
                client_id: c,
                seq: s,
                output,
            } if (*t, *c, *s) == (term, client_id, seq) => output.clone(),
            _ => Err(KvError::WrongLeader),
        }
    }
}
// SOLUTION END
