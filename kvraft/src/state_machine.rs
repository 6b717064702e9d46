//! The replicated state: the key/value store and the table that makes every
//! write happen once. Pure code, fed committed operations in log order, so
//! it is tested without Raft.

// SOLUTION BEGIN
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// Read a key; a missing key reads as "".
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

/// What goes into the Raft log: an operation tagged with who asked, so a
/// retried write is recognised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// The clerk's random identity.
    pub client_id: u64,
    /// The clerk's request number; it grows by one per operation.
    pub seq: u64,
    /// The operation.
    pub op: Op,
}

/// The store plus, per client, the last request number applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMachine {
    store: BTreeMap<String, String>,
    last_seq: BTreeMap<u64, u64>,
}

impl StateMachine {
    /// Applies one committed command and returns what its caller sees: the
    /// value for a get, "" for a write. A write its client has already had
    /// applied (a retry of a request whose reply was lost) changes nothing.
    /// Reads are always served from the current state: a repeated read is
    /// simply a later read, still inside its caller's wait.
    pub fn apply(&mut self, command: &Command) -> String {
        let last = self.last_seq.entry(command.client_id).or_insert(0);
        let fresh = command.seq > *last;
        *last = (*last).max(command.seq);
        match &command.op {
            Op::Get { key } => self.get(key),
            Op::Put { key, value } => {
                if fresh {
                    self.store.insert(key.clone(), value.clone());
                }
                String::new()
            }
            Op::Append { key, value } => {
                if fresh {
                    self.store.entry(key.clone()).or_default().push_str(value);
                }
                String::new()
            }
        }
    }

    /// The value of `key`, "" if it has none.
    pub fn get(&self, key: &str) -> String {
        self.store.get(key).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(client_id: u64, seq: u64, op: Op) -> Command {
        Command { client_id, seq, op }
    }

    fn append(key: &str, value: &str) -> Op {
        Op::Append {
            key: key.into(),
            value: value.into(),
        }
    }

    fn get(key: &str) -> Op {
        Op::Get { key: key.into() }
    }

    #[test]
    fn missing_keys_read_empty_and_writes_apply_in_order() {
        let mut sm = StateMachine::default();
        assert_eq!(sm.apply(&command(1, 1, get("k"))), "");
        let put = Op::Put {
            key: "k".into(),
            value: "a".into(),
        };
        assert_eq!(sm.apply(&command(1, 2, put)), "");
        sm.apply(&command(1, 3, append("k", "b")));
        assert_eq!(sm.apply(&command(1, 4, get("k"))), "ab");
    }

    #[test]
    fn a_retried_write_applies_once() {
        let mut sm = StateMachine::default();
        sm.apply(&command(7, 1, append("k", "x")));
        sm.apply(&command(7, 1, append("k", "x")));
        assert_eq!(sm.get("k"), "x");
    }

    #[test]
    fn a_stale_write_arriving_late_is_ignored() {
        let mut sm = StateMachine::default();
        sm.apply(&command(7, 2, append("k", "second")));
        sm.apply(&command(7, 1, append("k", "first")));
        assert_eq!(sm.get("k"), "second");
    }

    #[test]
    fn clients_are_deduplicated_separately() {
        let mut sm = StateMachine::default();
        sm.apply(&command(1, 1, append("k", "a")));
        sm.apply(&command(2, 1, append("k", "b")));
        assert_eq!(sm.get("k"), "ab");
    }

    #[test]
    fn a_repeated_read_sees_the_current_value() {
        let mut sm = StateMachine::default();
        assert_eq!(sm.apply(&command(1, 1, get("k"))), "");
        sm.apply(&command(2, 1, append("k", "b")));
        assert_eq!(sm.apply(&command(1, 1, get("k"))), "b");
    }

    #[test]
    fn round_trips_through_the_codec() {
        let mut sm = StateMachine::default();
        sm.apply(&command(1, 1, append("k", "a")));
        let bytes = labcodec::encode(&sm);
        assert_eq!(labcodec::decode::<StateMachine>(&bytes).unwrap(), sm);
    }
}
// SOLUTION STUB
// // Your code here (3A): the key/value store, and what makes every
// // request take effect once however often a clerk retries it.
// SOLUTION END
