//! The replicated state of one group: its configuration, the previous
//! one, and every shard's status and data. Pure code, fed committed
//! commands in log order (client requests and the steps of a
//! configuration change alike), so every replica of the group takes the
//! same steps at the same point of the log, and it is tested without Raft.

// SOLUTION BEGIN
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shardctrler::Config;

use crate::common::{Gid, NSHARDS, key2shard};
use crate::rpc::KvError;
use crate::shard::{Shard, ShardData, Status};

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Read a key.
    Get {
        /// The key.
        key: String,
    },
    /// Replace a key's value.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Add to the end of a key's value ("" if missing).
    Append {
        /// The key.
        key: String,
        /// What to add.
        value: String,
    },
}

impl Op {
    fn key(&self) -> &str {
        match self {
            Op::Get { key } | Op::Put { key, .. } | Op::Append { key, .. } => key,
        }
    }
}

/// What goes into a group's Raft log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// A client's operation, tagged so a retried write applies once.
    Client {
        /// The clerk's identity.
        client_id: u64,
        /// The clerk's request number.
        seq: u64,
        /// The operation.
        op: Op,
    },
    /// Move to this configuration: taken only if it is the next one and
    /// the current one's changes are done.
    Config(Config),
    /// The data of shards pulled from their previous owners in
    /// configuration `num`.
    Insert {
        /// The configuration the data was pulled for.
        num: u64,
        /// Shard to data.
        shards: BTreeMap<usize, ShardData>,
    },
    /// The new owners in configuration `num` have these shards: drop them.
    Delete {
        /// The configuration.
        num: u64,
        /// The shards.
        shards: Vec<usize>,
    },
    /// The previous owners in configuration `num` have dropped these
    /// shards: nothing more to do for them.
    Confirmed {
        /// The configuration.
        num: u64,
        /// The shards.
        shards: Vec<usize>,
    },
    /// Nothing: a new leader logs one so that the entries of earlier terms
    /// commit (Raft commits those only with one of the current term), even
    /// when nothing else would be logged: after a restart the applied
    /// state may lag the log and so refuse the very requests that would
    /// move it on.
    Nop,
}

/// Why a group cannot do its part of a shard's move yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveError {
    /// Not the group's leader; try another server.
    WrongLeader,
    /// The group is not at the asker's configuration yet (or is past it,
    /// for a stale request); ask again later.
    NotReady,
}

/// Which shards this group must fetch, or confirm, from each other group
/// in the current configuration: gid to that group's servers and the
/// shards.
pub type Transfers = BTreeMap<Gid, (Vec<String>, Vec<usize>)>;

/// A group's replicated state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMachine {
    gid: Gid,
    config: Config,
    previous: Config,
    shards: [Shard; NSHARDS],
}

impl StateMachine {
    /// The state of group `gid` before any configuration: config 0, no
    /// shards.
    pub fn new(gid: Gid) -> StateMachine {
        StateMachine {
            gid,
            config: Config::default(),
            previous: Config::default(),
            shards: Default::default(),
        }
    }

    /// The group's current configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Shard `shard` as the group holds it.
    pub fn shard(&self, shard: usize) -> &Shard {
        &self.shards[shard]
    }

    /// Whether the group carries out requests on `shard` now.
    pub fn serves(&self, shard: usize) -> bool {
        self.config.shards[shard] == self.gid && self.shard(shard).status.serves()
    }

    /// The number of the configuration to ask the controller for, if the
    /// current one's changes are done: configurations are taken one at a
    /// time, in order.
    pub fn wants_config(&self) -> Option<u64> {
        let settled = self.shards.iter().all(|s| s.status.settled());
        settled.then_some(self.config.num + 1)
    }

    /// Applies one committed command and returns what a waiting client
    /// sees (`Ok("")` for the other commands).
    pub fn apply(&mut self, command: &Command) -> Result<String, KvError> {
        match command {
            Command::Client { client_id, seq, op } => return self.apply_op(*client_id, *seq, op),
            Command::Config(config) => self.take_config(config),
            Command::Insert { num, shards } => self.insert(*num, shards),
            Command::Delete { num, shards } => {
                self.step(*num, shards, Status::Leaving, Status::Absent);
            }
            Command::Confirmed { num, shards } => {
                self.step(*num, shards, Status::Confirming, Status::Serving);
            }
            Command::Nop => {}
        }
        Ok(String::new())
    }

    fn apply_op(&mut self, client_id: u64, seq: u64, op: &Op) -> Result<String, KvError> {
        let shard = key2shard(op.key());
        if !self.serves(shard) {
            return Err(KvError::WrongGroup);
        }
        let data = &mut self.shards[shard].data;
        let fresh = data.fresh(client_id, seq);
        match op {
            // A repeated read is simply a later read, inside its caller's
            // wait.
            Op::Get { key } => data.store.get(key).cloned().ok_or(KvError::NoKey),
            Op::Put { key, value } => {
                if fresh {
                    data.store.insert(key.clone(), value.clone());
                }
                Ok(String::new())
            }
            Op::Append { key, value } => {
                if fresh {
                    data.store.entry(key.clone()).or_default().push_str(value);
                }
                Ok(String::new())
            }
        }
    }

    /// Takes `next` if it is the next configuration and the current one's
    /// changes are done; a shard that arrives from no group (gid 0) is
    /// served at once, empty. A shard handed to gid 0 (every group left)
    /// has no one to go to, and is dropped.
    fn take_config(&mut self, next: &Config) {
        if self.wants_config() != Some(next.num) {
            return;
        }
        for (s, shard) in self.shards.iter_mut().enumerate() {
            let (was, now) = (self.config.shards[s], next.shards[s]);
            shard.status = match (was == self.gid, now == self.gid) {
                (true, true) => shard.status,
                (true, false) if now == 0 => Status::Absent,
                (true, false) => Status::Leaving,
                (false, true) if was == 0 => Status::Serving,
                (false, true) => Status::Pulling,
                (false, false) => Status::Absent,
            };
            if shard.status == Status::Absent {
                shard.data = ShardData::default();
            }
        }
        self.previous = std::mem::replace(&mut self.config, next.clone());
    }

    fn insert(&mut self, num: u64, shards: &BTreeMap<usize, ShardData>) {
        if num != self.config.num {
            return;
        }
        for (&s, data) in shards {
            let Some(shard) = self.shards.get_mut(s) else {
                continue;
            };
            if shard.status == Status::Pulling {
                shard.data = data.clone();
                shard.status = Status::Confirming;
            }
        }
    }

    /// In configuration `num`, moves each of `shards` that is `from` to
    /// `to`, dropping its data if `to` holds none.
    fn step(&mut self, num: u64, shards: &[usize], from: Status, to: Status) {
        if num != self.config.num {
            return;
        }
        for &s in shards {
            let Some(shard) = self.shards.get_mut(s) else {
                continue;
            };
            if shard.status == from {
                shard.status = to;
                if to == Status::Absent {
                    shard.data = ShardData::default();
                }
            }
        }
    }

    /// The shards to pull in the current configuration, by previous owner.
    pub fn pulls(&self) -> Transfers {
        self.transfers(Status::Pulling)
    }

    /// The shards whose previous owner must still drop its copy.
    pub fn confirms(&self) -> Transfers {
        self.transfers(Status::Confirming)
    }

    fn transfers(&self, status: Status) -> Transfers {
        let mut by_group = Transfers::new();
        for (s, shard) in self.shards.iter().enumerate() {
            if shard.status != status {
                continue;
            }
            let gid = self.previous.shards[s];
            let servers = self.previous.groups.get(&gid).cloned().unwrap_or_default();
            let entry = by_group.entry(gid).or_insert_with(|| (servers, Vec::new()));
            entry.1.push(s);
        }
        by_group
    }

    /// The data of `shards`, for their new owner in configuration `num`:
    /// only once this group has taken `num` itself, so the data is final.
    pub fn handover(
        &self,
        num: u64,
        shards: &[usize],
    ) -> Result<BTreeMap<usize, ShardData>, MoveError> {
        if num != self.config.num {
            return Err(MoveError::NotReady);
        }
        let mut out = BTreeMap::new();
        for &s in shards {
            match self.shards.get(s) {
                Some(shard) if shard.status == Status::Leaving => {
                    out.insert(s, shard.data.clone());
                }
                _ => return Err(MoveError::NotReady),
            }
        }
        Ok(out)
    }

    /// Whether this group has dropped `shards`, handed over in
    /// configuration `num`; `NotReady` if it has not taken `num` yet.
    pub fn dropped(&self, num: u64, shards: &[usize]) -> Result<bool, MoveError> {
        if num > self.config.num {
            return Err(MoveError::NotReady);
        }
        // Past `num` means every shard handed over in `num` was dropped:
        // a group moves on only once nothing is left to do.
        Ok(num < self.config.num
            || shards.iter().all(|&s| {
                self.shards
                    .get(s)
                    .is_none_or(|sh| sh.status != Status::Leaving)
            }))
    }
}
// SOLUTION STUB
// // Your code here (4B): the group's replicated state (its configuration,
// // and each shard's data and duplicate table), applied in log order.
// SOLUTION END
