//! The server: it puts every request in the Raft log, waits until the
//! applier has applied it, and answers. It never snapshots; after a
//! restart Raft replays the whole log and the configurations are rebuilt.

use labrpc::{ClientEnd, Service};
use raft::{Persister, Raft, RaftError};

use crate::config::Config;
use crate::rpc::{CtrlerError, JoinArgs, LeaveArgs, MoveArgs, QueryArgs};

// SOLUTION BEGIN
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::chan::Receiver;
use labrt::sync::{Condvar, Mutex};
use labrt::time::{Duration, Instant};
use raft::ApplyMsg;

use crate::rpc::{check_join, check_move};
use crate::state_machine::{Command, Op, StateMachine};

/// How long a request may wait to be applied before the clerk is told to
/// look elsewhere: a leader cut off from its majority keeps believing it
/// leads.
const APPLY_TIMEOUT: Duration = Duration::from_millis(500);
/// How often a waiting request checks that its server still leads in the
/// term it was submitted in.
const LEADERSHIP_POLL: Duration = Duration::from_millis(20);
// SOLUTION END

/// One controller server. Clones are the same server.
#[derive(Clone)]
pub struct ShardCtrler {
    // SOLUTION BEGIN
    node: Arc<Node>,
    // SOLUTION STUB
    // // Your code here (4A): what the server's RPC handlers share: at least its
    // // Raft peer, which `raft()` returns.
    // rf: Raft,
    // SOLUTION END
}

// SOLUTION BEGIN
/// What the RPC handlers and the applier share.
struct Node {
    me: usize,
    rf: Raft,
    state: Mutex<Applied>,
    /// Wakes waiting requests: something was applied, or the server died.
    applied: Condvar,
    killed: AtomicBool,
}

/// The state machine and the requests waiting on it.
struct Applied {
    machine: StateMachine,
    /// The last log index reflected in `machine`.
    last_applied: u64,
    /// Log indices that requests wait on, with what ended up there.
    waiting: BTreeMap<u64, Waiting>,
}

#[derive(Default)]
struct Waiting {
    requests: usize,
    /// The entry applied there: its term, its client and request number,
    /// and its result; `None` inside for an entry that did not decode.
    outcome: Option<Option<(u64, u64, u64, Config)>>,
}
// SOLUTION END

impl ShardCtrler {
    /// Starts server `me` of `servers` (`servers[me]` is its own end) with
    /// its Raft peer, which replays the persisted log to rebuild every
    /// configuration. Returns quickly.
    pub fn start(
        servers: Vec<ClientEnd>,
        me: usize,
        persister: Persister,
    ) -> Result<ShardCtrler, RaftError> {
        // SOLUTION BEGIN
        let (apply_tx, apply_rx) = labrt::chan::unbounded();
        let rf = raft::make(servers, me, persister, apply_tx)?;
        let node = Arc::new(Node {
            me,
            rf,
            state: Mutex::new(Applied {
                machine: StateMachine::default(),
                last_applied: 0,
                waiting: BTreeMap::new(),
            }),
            applied: Condvar::new(),
            killed: AtomicBool::new(false),
        });
        let applier = Arc::clone(&node);
        labrt::thread::spawn(format!("ctrler{me}-applier"), move || {
            applier.run_applier(apply_rx)
        });
        Ok(ShardCtrler { node })
        // SOLUTION STUB
        // // Your code here (4A): start this server's Raft peer, and apply what
        // // it commits to the configurations.
        // labrt::unimplemented("ShardCtrler::start");
        // let (apply_tx, _apply_rx) = labrt::chan::unbounded();
        // let rf = raft::make(servers, me, persister, apply_tx);
        // Ok(ShardCtrler { rf: rf? })
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

    /// Stops the server and its Raft peer.
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

    /// The `ShardCtrler` service (Join, Leave, Move, Query) to host, next
    /// to the Raft service, on this server's labrpc server.
    pub fn service(&self) -> Service {
        let (join, leave) = (self.clone(), self.clone());
        let (move_, query) = (self.clone(), self.clone());
        Service::new("ShardCtrler")
            .rpc(move |args| join.join(args))
            .rpc(move |args| leave.leave(args))
            .rpc(move |args| move_.move_shard(args))
            .rpc(move |args| query.query(args))
    }

    fn join(&self, args: JoinArgs) -> Result<(), CtrlerError> {
        // SOLUTION BEGIN
        check_join(&args.servers).map_err(CtrlerError::Bad)?;
        let op = Op::Join(args.servers);
        self.node.submit(args.client_id, args.seq, op).map(drop)
        // SOLUTION STUB
        // // Your code here (4A): put the join in the Raft log and reply once it
        // // is applied, exactly once however often the clerk retries it.
        // labrt::unimplemented("ShardCtrler::join");
        // let _ = args;
        // Err(CtrlerError::WrongLeader)
        // SOLUTION END
    }

    fn leave(&self, args: LeaveArgs) -> Result<(), CtrlerError> {
        // SOLUTION BEGIN
        let op = Op::Leave(args.gids);
        self.node.submit(args.client_id, args.seq, op).map(drop)
        // SOLUTION STUB
        // // Your code here (4A): put the leave in the Raft log and reply once it
        // // is applied.
        // labrt::unimplemented("ShardCtrler::leave");
        // let _ = args;
        // Err(CtrlerError::WrongLeader)
        // SOLUTION END
    }

    fn move_shard(&self, args: MoveArgs) -> Result<(), CtrlerError> {
        // SOLUTION BEGIN
        check_move(args.shard).map_err(CtrlerError::Bad)?;
        let op = Op::Move {
            shard: args.shard,
            gid: args.gid,
        };
        self.node.submit(args.client_id, args.seq, op).map(drop)
        // SOLUTION STUB
        // // Your code here (4A): put the move in the Raft log and reply once it
        // // is applied.
        // labrt::unimplemented("ShardCtrler::move_shard");
        // let _ = args;
        // Err(CtrlerError::WrongLeader)
        // SOLUTION END
    }

    fn query(&self, args: QueryArgs) -> Result<Config, CtrlerError> {
        // SOLUTION BEGIN
        self.node
            .submit(args.client_id, args.seq, Op::Query(args.num))
        // SOLUTION STUB
        // // Your code here (4A): reply with the configuration asked for, one
        // // that reflects every change completed before the query was sent.
        // labrt::unimplemented("ShardCtrler::query");
        // let _ = args;
        // Err(CtrlerError::WrongLeader)
        // SOLUTION END
    }
}

// SOLUTION BEGIN
impl Node {
    fn killed(&self) -> bool {
        self.killed.load(Ordering::Relaxed)
    }

    /// Puts the command in the log and waits until it is applied at the
    /// index it got, in the term it got. The lock is held across `start`,
    /// so the applier cannot get to the index before the request waits.
    fn submit(&self, client_id: u64, seq: u64, op: Op) -> Result<Config, CtrlerError> {
        let mut st = self.state.lock();
        if self.killed() {
            return Err(CtrlerError::ShuttingDown);
        }
        let command = Command { client_id, seq, op };
        let Some((index, term)) = self.rf.start(labcodec::encode(&command)) else {
            return Err(CtrlerError::WrongLeader);
        };
        st.waiting.entry(index).or_default().requests += 1;
        let deadline = Instant::now() + APPLY_TIMEOUT;
        let answer = loop {
            match &st.waiting[&index].outcome {
                Some(Some((t, c, s, config))) if (*t, *c, *s) == (term, client_id, seq) => {
                    break Ok(config.clone());
                }
                Some(_) => break Err(CtrlerError::WrongLeader),
                None => {}
            }
            if self.killed() {
                break Err(CtrlerError::ShuttingDown);
            }
            if self.rf.get_state() != (term, true) {
                break Err(CtrlerError::WrongLeader);
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(CtrlerError::Timeout);
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

    /// The applier thread: applies what Raft commits, in order, until the
    /// server is killed.
    fn run_applier(&self, apply_rx: Receiver<ApplyMsg>) {
        for msg in apply_rx.iter() {
            let mut st = self.state.lock();
            if self.killed() {
                return;
            }
            match msg {
                ApplyMsg::Command {
                    index,
                    term,
                    command,
                } => self.apply_command(&mut st, index, term, &command),
                // The controller never snapshots, so its Raft has none to
                // deliver.
                ApplyMsg::Snapshot { .. } => {}
            }
            self.applied.notify_all();
        }
    }

    /// Applies the command Raft committed at `index`.
    ///
    /// # Panics
    /// If Raft skips an index: applies must come in order, without gaps.
    fn apply_command(&self, st: &mut Applied, index: u64, term: u64, command: &[u8]) {
        if index <= st.last_applied {
            return;
        }
        assert_eq!(
            index,
            st.last_applied + 1,
            "ctrler{}: raft delivered the command at {index} right after applying {}",
            self.me,
            st.last_applied
        );
        st.last_applied = index;
        // Only this service writes commands, so one that does not decode
        // was damaged on its way; every replica skips it alike.
        let outcome = labcodec::decode::<Command>(command).ok().map(|command| {
            let config = st.machine.apply(&command);
            (term, command.client_id, command.seq, config)
        });
        if let Some(waiting) = st.waiting.get_mut(&index) {
            waiting.outcome = Some(outcome);
        }
    }
}
// SOLUTION END
