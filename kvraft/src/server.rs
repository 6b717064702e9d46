//! The server: it puts every request in the Raft log, waits until the
//! applier (see `applier.rs`) has applied it, and answers.

use std::fmt;

use labrpc::{ClientEnd, Service};
use raft::{Corruption, Persister, Raft, RaftError};

use crate::rpc::{GetArgs, GetReply, PutAppendArgs, PutAppendReply};

// SOLUTION BEGIN
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, Instant};

use crate::rpc::{KvError, WriteKind};
use crate::state_machine::{Command, Op, StateMachine};

/// How long a request may wait to be applied before the clerk is told to
/// look elsewhere: a leader cut off from its majority keeps its term and
/// its belief that it leads.
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
        /// The server whose snapshot it is.
        server: usize,
        /// What is wrong with it.
        error: Corruption,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Raft(error) => error.fmt(f),
            StartError::CorruptSnapshot { server, error } => {
                write!(f, "the snapshot of kv server {server} is corrupt: {error}")
            }
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

/// One key/value server. Clones are the same server.
#[derive(Clone)]
pub struct KvServer {
    // SOLUTION BEGIN
    node: Arc<Node>,
    // SOLUTION STUB
    // // Your code here (3A): what the server's RPC handlers share: at least its
    // // Raft peer, which `raft()` returns.
    // rf: Raft,
    // SOLUTION END
}

// SOLUTION BEGIN
/// What the RPC handlers and the applier share.
pub(crate) struct Node {
    pub me: usize,
    pub rf: Raft,
    pub maxraftstate: Option<usize>,
    pub state: Mutex<Applied>,
    /// Wakes waiting requests: something was applied, or the server died.
    pub applied: Condvar,
    killed: AtomicBool,
}

/// The state machine and the requests waiting on it.
pub(crate) struct Applied {
    pub machine: StateMachine,
    /// The last log index reflected in `machine`.
    pub last_applied: u64,
    /// Log indices that requests wait on, with what ended up there.
    pub waiting: BTreeMap<u64, Waiting>,
}

#[derive(Default)]
pub(crate) struct Waiting {
    requests: usize,
    pub outcome: Option<Outcome>,
}

/// What became of a log index someone waits on.
pub(crate) enum Outcome {
    /// A command was applied there, in the entry's term, with this result.
    Applied {
        term: u64,
        client_id: u64,
        seq: u64,
        output: String,
    },
    /// A snapshot from the leader covered it, or it held no command: the
    /// waiting request cannot know whether it was applied.
    Unknown,
}

/// The snapshot's contents: the index it reflects and the state machine.
pub(crate) type Snapshot = (u64, StateMachine);
// SOLUTION END

impl KvServer {
    /// Starts server `me` of `servers` (`servers[me]` is its own end) with
    /// its Raft peer. It restores the state machine from the persisted
    /// snapshot, and with `maxraftstate` snapshots whenever the persisted
    /// Raft state nears that many bytes; `None` never snapshots.
    pub fn start(
        servers: Vec<ClientEnd>,
        me: usize,
        persister: Persister,
        maxraftstate: Option<usize>,
    ) -> Result<KvServer, StartError> {
        // SOLUTION BEGIN
        let corrupt = |error: Corruption| StartError::CorruptSnapshot { server: me, error };
        let snapshot = persister
            .read_snapshot()
            .map_err(|error| corrupt(error.into()))?;
        let (last_applied, machine) = if snapshot.is_empty() {
            (0, StateMachine::default())
        } else {
            labcodec::decode::<Snapshot>(&snapshot).map_err(|error| corrupt(error.into()))?
        };
        let (apply_tx, apply_rx) = labrt::chan::unbounded();
        let rf = raft::make(servers, me, persister, apply_tx).map_err(StartError::Raft)?;
        let node = Arc::new(Node {
            me,
            rf,
            maxraftstate,
            state: Mutex::new(Applied {
                machine,
                last_applied,
                waiting: BTreeMap::new(),
            }),
            applied: Condvar::new(),
            killed: AtomicBool::new(false),
        });
        let applier = Arc::clone(&node);
        labrt::thread::spawn(format!("kv{me}-applier"), move || {
            applier.run_applier(apply_rx)
        });
        Ok(KvServer { node })
        // SOLUTION STUB
        // // Your code here (3A, 3B): restore the store from the persisted snapshot,
        // // start this server's Raft peer, and apply what it commits.
        // labrt::unimplemented("KvServer::start");
        // let _ = maxraftstate;
        // let (apply_tx, _apply_rx) = labrt::chan::unbounded();
        // let rf = raft::make(servers, me, persister, apply_tx);
        // Ok(KvServer {
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

    /// Stops the server and its Raft peer; waiting requests are answered
    /// with [`KvError::ShuttingDown`].
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

    /// The `KVServer` service (Get, PutAppend) to host, next to the Raft
    /// service, on this server's labrpc server.
    pub fn service(&self) -> Service {
        let (get, put_append) = (self.clone(), self.clone());
        Service::new("KVServer")
            .rpc(move |args| get.get(args))
            .rpc(move |args| put_append.put_append(args))
    }

    fn get(&self, args: GetArgs) -> GetReply {
        // SOLUTION BEGIN
        self.node.submit(Command {
            client_id: args.client_id,
            seq: args.seq,
            op: Op::Get { key: args.key },
        })
        // SOLUTION STUB
        // // Your code here (3A): put the read in the Raft log, wait until it is
        // // applied, and reply with the value (a wrong leader replies an error).
        // labrt::unimplemented("KvServer::get");
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
        self.node
            .submit(Command {
                client_id: args.client_id,
                seq: args.seq,
                op,
            })
            .map(drop)
        // SOLUTION STUB
        // // Your code here (3A): put the write in the Raft log, and reply once it
        // // is applied, exactly once however often the clerk retries it.
        // labrt::unimplemented("KvServer::put_append");
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

    /// Puts `command` in the log and waits until it is applied at the index
    /// it got, in the term it got. The lock is held across `start`, so the
    /// applier cannot get to the index before the request waits on it.
    fn submit(&self, command: Command) -> Result<String, KvError> {
        let mut st = self.state.lock();
        if self.killed() {
            return Err(KvError::ShuttingDown);
        }
        let Some((index, term)) = self.rf.start(labcodec::encode(&command)) else {
            return Err(KvError::WrongLeader);
        };
        st.waiting.entry(index).or_default().requests += 1;
        let deadline = Instant::now() + APPLY_TIMEOUT;
        let answer = loop {
            if let Some(outcome) = &st.waiting[&index].outcome {
                break outcome.answer(term, &command);
            }
            if self.killed() {
                break Err(KvError::ShuttingDown);
            }
            if self.rf.get_state() != (term, true) {
                break Err(KvError::WrongLeader);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(KvError::Timeout);
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
    /// The reply for a request submitted as `command` in `term`: its
    /// result if the entry applied at its index is that request.
    fn answer(&self, term: u64, command: &Command) -> Result<String, KvError> {
        match self {
            Outcome::Applied {
                term: applied_term,
                client_id,
                seq,
                output,
            } if *applied_term == term
                && *client_id == command.client_id
                && *seq == command.seq =>
            {
                Ok(output.clone())
            }
            _ => Err(KvError::WrongLeader),
        }
    }
}

#[cfg(test)]
mod tests {
    use raft::{Corruption, Part, Persister};

    use super::{KvServer, Snapshot, StartError};
    use crate::state_machine::StateMachine;

    #[test]
    fn a_server_refuses_to_start_from_any_damaged_byte_of_its_snapshot() {
        labrt::Config::sim(0).run(|| {
            let persister = Persister::new();
            let snapshot: Snapshot = (0, StateMachine::default());
            persister.save(Vec::new(), labcodec::encode(&snapshot));
            let net = labrpc::Network::new();
            let ends: Vec<_> = (0..3)
                .map(|p| net.make_end(format!("{p}")).unwrap())
                .collect();
            let len = persister.stored_len(Part::Snapshot);
            for offset in 0..len {
                let damaged = persister.copy();
                assert!(damaged.damage(Part::Snapshot, offset));
                match KvServer::start(ends.clone(), 1, damaged, None) {
                    Err(StartError::CorruptSnapshot {
                        server: 1,
                        error: Corruption::Checksum(error),
                    }) => assert_eq!(error.part, Part::Snapshot),
                    Err(other) => panic!("byte {offset} of {len}: {other}"),
                    Ok(_) => panic!("byte {offset} of {len} damaged, and the server started"),
                }
            }
            let kv = KvServer::start(ends, 1, persister, None).expect("the undamaged snapshot");
            kv.kill();
        });
    }
}
// SOLUTION END
