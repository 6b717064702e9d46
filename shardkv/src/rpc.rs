//! What clerks and servers say to each other: the `ShardKV` service's
//! client arguments, replies and errors. (What groups say to each other
//! when shards move is in `migration.rs`.)

use std::fmt;

use labrpc::Rpc;
use serde::{Deserialize, Serialize};

/// Arguments of `ShardKV.Get`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetArgs {
    /// The key to read.
    pub key: String,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4B): what lets a server recognise a request it has
    // // already carried out, even after its shard moved to another group.
    // SOLUTION END
}

/// Reply of `ShardKV.Get`: the value, or why there is none.
pub type GetReply = Result<String, KvError>;

impl Rpc for GetArgs {
    type Reply = GetReply;
    const METHOD: &'static str = "ShardKV.Get";
}

/// Which write a `ShardKV.PutAppend` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteKind {
    /// Replace the value.
    Put,
    /// Add to the end of the value.
    Append,
}

/// Arguments of `ShardKV.PutAppend`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutAppendArgs {
    /// Put or append.
    pub kind: WriteKind,
    /// The key to write.
    pub key: String,
    /// The value to put or append.
    pub value: String,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4B): what lets a server recognise a request it has
    // // already carried out, even after its shard moved to another group.
    // SOLUTION END
}

/// Reply of `ShardKV.PutAppend`.
pub type PutAppendReply = Result<(), KvError>;

impl Rpc for PutAppendArgs {
    type Reply = PutAppendReply;
    const METHOD: &'static str = "ShardKV.PutAppend";
}

/// The course's error codes other than `OK` (which is `Result::Ok`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvError {
    /// A get of a key that has no value; the clerk reads it as "".
    NoKey,
    /// This group does not serve the key's shard now: it is not the
    /// shard's owner in the group's current configuration, or the shard's
    /// data has not arrived yet. The clerk asks the controller again.
    WrongGroup,
    /// This server is not its group's leader, lost leadership before the
    /// request was applied, did not get it applied in time, or is shutting
    /// down: try another server of the group.
    WrongLeader,
}

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KvError::NoKey => "the key has no value",
            KvError::WrongGroup => "this group does not serve the key's shard now",
            KvError::WrongLeader => "this server cannot carry the request out; try another",
        })
    }
}

impl std::error::Error for KvError {}
