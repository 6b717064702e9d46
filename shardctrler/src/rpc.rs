//! What clerks and servers say to each other: the `ShardCtrler` service's
//! arguments, replies and errors.

use std::collections::BTreeMap;
use std::fmt;

use labrpc::Rpc;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Gid, NSHARDS};

/// Arguments of `ShardCtrler.Join`: new groups and their servers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinArgs {
    /// Each new group's servers.
    pub servers: BTreeMap<Gid, Vec<String>>,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4A): what lets a server recognise a request it has
    // // already carried out.
    // SOLUTION END
}

impl Rpc for JoinArgs {
    type Reply = Result<(), CtrlerError>;
    const METHOD: &'static str = "ShardCtrler.Join";
}

/// Arguments of `ShardCtrler.Leave`: the groups that leave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveArgs {
    /// The groups' ids.
    pub gids: Vec<Gid>,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4A): what lets a server recognise a request it has
    // // already carried out.
    // SOLUTION END
}

impl Rpc for LeaveArgs {
    type Reply = Result<(), CtrlerError>;
    const METHOD: &'static str = "ShardCtrler.Leave";
}

/// Arguments of `ShardCtrler.Move`: hand one shard to one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveArgs {
    /// The shard, below [`NSHARDS`].
    pub shard: usize,
    /// The group that gets it.
    pub gid: Gid,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4A): what lets a server recognise a request it has
    // // already carried out.
    // SOLUTION END
}

impl Rpc for MoveArgs {
    type Reply = Result<(), CtrlerError>;
    const METHOD: &'static str = "ShardCtrler.Move";
}

/// Arguments of `ShardCtrler.Query`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryArgs {
    /// The configuration's number; negative, or above the latest, asks
    /// for the latest.
    pub num: i64,
    // SOLUTION BEGIN
    /// The clerk's identity.
    pub client_id: u64,
    /// The clerk's request number.
    pub seq: u64,
    // SOLUTION STUB
    // // Your code here (4A): whatever else a query needs.
    // SOLUTION END
}

impl Rpc for QueryArgs {
    type Reply = Result<Config, CtrlerError>;
    const METHOD: &'static str = "ShardCtrler.Query";
}

/// A request no configuration can carry out: retrying it cannot help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BadRequest {
    /// A join named gid 0, which stands for "no group".
    ZeroGid,
    /// A move named a shard that does not exist.
    NoSuchShard {
        /// The shard asked for.
        shard: usize,
    },
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRequest::ZeroGid => f.write_str("gid 0 is not a group and cannot join"),
            BadRequest::NoSuchShard { shard } => {
                write!(
                    f,
                    "there is no shard {shard} (shards are 0 to {})",
                    NSHARDS - 1
                )
            }
        }
    }
}

impl std::error::Error for BadRequest {}

/// Why a server did not carry out a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CtrlerError {
    /// This server is not the leader, or stopped being the leader before
    /// the request was applied; try another.
    WrongLeader,
    /// The request was not applied in time; try another server.
    Timeout,
    /// The server is shutting down; try another.
    ShuttingDown,
    /// The request is malformed; no server will carry it out.
    Bad(BadRequest),
}

impl fmt::Display for CtrlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CtrlerError::WrongLeader => f.write_str("this server is not the leader"),
            CtrlerError::Timeout => f.write_str("the request was not applied in time"),
            CtrlerError::ShuttingDown => f.write_str("the server is shutting down"),
            CtrlerError::Bad(bad) => bad.fmt(f),
        }
    }
}

impl std::error::Error for CtrlerError {}

// SOLUTION BEGIN
/// Checks a join's groups: gid 0 may not join.
pub fn check_join(servers: &BTreeMap<Gid, Vec<String>>) -> Result<(), BadRequest> {
    match servers.contains_key(&0) {
        true => Err(BadRequest::ZeroGid),
        false => Ok(()),
    }
}

/// Checks a move's shard.
pub fn check_move(shard: usize) -> Result<(), BadRequest> {
    match shard < NSHARDS {
        true => Ok(()),
        false => Err(BadRequest::NoSuchShard { shard }),
    }
}
// SOLUTION END
