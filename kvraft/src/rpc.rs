//! What clerks and servers say to each other: the `KVServer` service's
//! arguments, replies and errors.

use std::fmt;

use labrpc::Rpc;
use serde::{Deserialize, Serialize};

/// Arguments of `KVServer.Get`.
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
    // // Your code here (3A): what lets a server recognise a request it has
    // // already carried out.
    // SOLUTION END
}

/// Reply of `KVServer.Get`: the value ("" for a missing key).
pub type GetReply = Result<String, KvError>;

impl Rpc for GetArgs {
    type Reply = GetReply;
    const METHOD: &'static str = "KVServer.Get";
}

/// Which write a `KVServer.PutAppend` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteKind {
    /// Replace the value.
    Put,
    /// Add to the end of the value.
    Append,
}

/// Arguments of `KVServer.PutAppend`.
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
    // // Your code here (3A): what lets a server recognise a request it has
    // // already carried out.
    // SOLUTION END
}

/// Reply of `KVServer.PutAppend`.
pub type PutAppendReply = Result<(), KvError>;

impl Rpc for PutAppendArgs {
    type Reply = PutAppendReply;
    const METHOD: &'static str = "KVServer.PutAppend";
}

/// Why a server did not carry out a request. Every one of them means "try
/// again, perhaps elsewhere": the request may or may not have been applied,
/// and the request number makes a retry safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvError {
    /// This server is not the leader, or stopped being the leader before
    /// the request was applied.
    WrongLeader,
    /// The request was not applied in time; the leader may be cut off from
    /// its majority.
    Timeout,
    /// The server is shutting down.
    ShuttingDown,
}

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KvError::WrongLeader => "this server is not the leader",
            KvError::Timeout => "the request was not applied in time",
            KvError::ShuttingDown => "the server is shutting down",
        })
    }
}

impl std::error::Error for KvError {}
