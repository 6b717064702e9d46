//! One shard as a group holds it: where it stands in a configuration
//! change, and its data, which moves between groups as a whole.

// SOLUTION BEGIN
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a shard stands for this group in the group's current
/// configuration. A group takes its next configuration only when every
/// shard is [`Status::Serving`] or [`Status::Absent`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Not this group's, and no data here.
    #[default]
    Absent,
    /// This group's, data here: served.
    Serving,
    /// This group's, but its data is still at the previous owner: not
    /// served until it arrives.
    Pulling,
    /// No longer this group's: not served, its data kept frozen until the
    /// new owner has it and says so, then deleted (challenge 1).
    Leaving,
    /// This group's, data here and served (challenge 2: as soon as it
    /// arrives), but the previous owner has not yet confirmed deleting
    /// its copy.
    Confirming,
}

impl Status {
    /// Whether clients' requests for the shard are carried out.
    pub fn serves(self) -> bool {
        matches!(self, Status::Serving | Status::Confirming)
    }

    /// Whether nothing remains to be done for the shard in this
    /// configuration.
    pub fn settled(self) -> bool {
        matches!(self, Status::Serving | Status::Absent)
    }
}

/// A shard's data: its keys, and the duplicate table of the requests that
/// wrote them. The table travels with the keys, so a request applied by
/// the old owner is recognised by the new one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardData {
    /// Key to value.
    pub store: BTreeMap<String, String>,
    /// Per client, the last request number applied to this shard.
    pub last_seq: BTreeMap<u64, u64>,
}

/// One shard: its status and its data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Where it stands.
    pub status: Status,
    /// Its data; empty unless the status holds data.
    pub data: ShardData,
}

impl ShardData {
    /// Notes request `seq` of `client_id`; whether it is new (a write not
    /// yet applied here, or by an owner before).
    pub fn fresh(&mut self, client_id: u64, seq: u64) -> bool {
        let last = self.last_seq.entry(client_id).or_insert(0);
        let fresh = seq > *last;
        *last = (*last).max(seq);
        fresh
    }
}
// SOLUTION STUB
// // Your code here (4B): what a group keeps per shard, if you like.
// SOLUTION END
