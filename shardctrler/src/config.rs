//! What the controller hands out: numbered configurations, each assigning
//! every shard to a replica group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A replica group's id. 0 is no group: the owner of every shard before
/// the first join.
pub type Gid = u64;

/// The number of shards.
pub const NSHARDS: usize = 10;

/// One configuration: which group serves each shard, and the servers of
/// every group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The configuration's number; config 0 is the initial, empty one.
    pub num: u64,
    /// Shard to group; gid 0 for a shard no group serves.
    pub shards: [Gid; NSHARDS],
    /// Each group's servers, in the order they were given.
    pub groups: BTreeMap<Gid, Vec<String>>,
}
