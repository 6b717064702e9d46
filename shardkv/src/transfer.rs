//! What groups say to each other when shards move, and how a group
//! answers. The new owner pulls: it asks the previous owner for the data
//! (`FetchShards`), and once its own log holds the data, tells the
//! previous owner to drop its copy (`DeleteShards`, challenge 1).
//!
//! Both are answered from the replicated state at the asker's
//! configuration number, so an answer never depends on which replica
//! gives it or how often the asker retries.

// SOLUTION BEGIN
use std::collections::BTreeMap;

use labrpc::Rpc;
use labrt::time::{Duration, Instant};
use serde::{Deserialize, Serialize};

use crate::server::Node;
use crate::shard::ShardData;
use crate::state_machine::{Command, MoveError};

/// How long a `DeleteShards` waits for its deletion to be applied before
/// the asker is told to ask again.
const DELETE_TIMEOUT: Duration = Duration::from_millis(500);
/// How often a waiting `DeleteShards` checks that its server still leads.
const LEADERSHIP_POLL: Duration = Duration::from_millis(20);

/// Arguments of `ShardKV.FetchShards`: the new owner in configuration
/// `num` asks for these shards' data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchShardsArgs {
    /// The configuration the asker is in.
    pub num: u64,
    /// The shards it wants.
    pub shards: Vec<usize>,
}

impl Rpc for FetchShardsArgs {
    type Reply = Result<BTreeMap<usize, ShardData>, MoveError>;
    const METHOD: &'static str = "ShardKV.FetchShards";
}

/// Arguments of `ShardKV.DeleteShards`: the new owner in configuration
/// `num` has these shards, so their previous owner may drop them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteShardsArgs {
    /// The configuration the asker is in.
    pub num: u64,
    /// The shards it has.
    pub shards: Vec<usize>,
}

impl Rpc for DeleteShardsArgs {
    type Reply = Result<(), MoveError>;
    const METHOD: &'static str = "ShardKV.DeleteShards";
}

impl Node {
    /// `ShardKV.FetchShards`: the shards' data, once this group has taken
    /// configuration `num` and so stopped changing them.
    pub fn fetch_shards(
        &self,
        args: FetchShardsArgs,
    ) -> Result<BTreeMap<usize, ShardData>, MoveError> {
        if self.killed() || !self.is_leader() {
            return Err(MoveError::WrongLeader);
        }
        let st = self.state.lock();
        st.machine.handover(args.num, &args.shards)
    }

    /// `ShardKV.DeleteShards`: drops the shards through the log and answers
    /// once the drop is applied, or at once if it already was.
    pub fn delete_shards(&self, args: DeleteShardsArgs) -> Result<(), MoveError> {
        let mut st = self.state.lock();
        if st.machine.dropped(args.num, &args.shards)? {
            return Ok(());
        }
        if self.killed() {
            return Err(MoveError::WrongLeader);
        }
        let command = Command::Delete {
            num: args.num,
            shards: args.shards.clone(),
        };
        let Some((_, term)) = self.rf.start(labcodec::encode(&command)) else {
            return Err(MoveError::WrongLeader);
        };
        let deadline = Instant::now() + DELETE_TIMEOUT;
        loop {
            if st.machine.dropped(args.num, &args.shards)? {
                return Ok(());
            }
            if self.killed() || self.rf.get_state() != (term, true) {
                return Err(MoveError::WrongLeader);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(MoveError::NotReady);
            }
            let poll = deadline.duration_since(now).min(LEADERSHIP_POLL);
            self.applied.wait_timeout(&mut st, poll);
        }
    }
}
// SOLUTION STUB
// // Your code here (4B): what groups send each other to move shards, and
// // how they answer.
// SOLUTION END
