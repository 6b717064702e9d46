//! The key/value store of the labs: Get, Put and Append on string keys,
//! checked one key at a time.
//!
//! ```
//! use linearizability::models::kv::{KvInput, KvModel};
//! use linearizability::{Operation, Verdict, check};
//!
//! let put = KvInput::Put { key: "k".into(), value: "1".into() };
//! let get = KvInput::Get { key: "k".into() };
//! // The put's reply was lost, but the get shows it took effect.
//! let history = [
//!     Operation::pending(0, put, 0),
//!     Operation::returned(1, get, 20, "1".to_string(), 30),
//! ];
//! let report = check(&KvModel, &history, 1_000).unwrap();
//! assert_eq!(report.verdict, Verdict::Ok);
//! ```

use std::collections::BTreeMap;

use crate::model::{Model, Operation};

/// A request to the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvInput {
    /// Read `key`; a key never written reads as "".
    Get {
        /// The key.
        key: String,
    },
    /// Replace `key`'s value.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Append to `key`'s value.
    Append {
        /// The key.
        key: String,
        /// The text to append.
        value: String,
    },
}

impl KvInput {
    /// The key the request is about.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Append { key, .. } => key,
        }
    }
}

/// The reply: the value a [`KvInput::Get`] returned. Put and Append return
/// nothing; record them with an empty string, which the model ignores.
pub type KvOutput = String;

/// One key's register. [`Model::partition`] groups operations by key, so a
/// state is the value of a single key.
#[derive(Clone, Copy, Debug, Default)]
pub struct KvModel;

impl Model for KvModel {
    type State = String;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> String {
        String::new()
    }

    fn step(&self, state: &String, input: &KvInput, output: Option<&String>) -> Option<String> {
        match input {
            KvInput::Get { .. } => match output {
                Some(value) if value != state => None,
                _ => Some(state.clone()),
            },
            KvInput::Put { value, .. } => Some(value.clone()),
            KvInput::Append { value, .. } => Some(format!("{state}{value}")),
        }
    }

    /// One group per key, in key order.
    fn partition(&self, history: &[Operation<KvInput, String>]) -> Vec<Vec<usize>> {
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in history.iter().enumerate() {
            by_key.entry(op.input.key()).or_default().push(i);
        }
        by_key.into_values().collect()
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&String>) -> String {
        match (input, output) {
            (KvInput::Get { key }, Some(value)) => format!("get('{key}') -> '{value}'"),
            (KvInput::Get { key }, None) => format!("get('{key}') -> ?"),
            (KvInput::Put { key, value }, _) => format!("put('{key}', '{value}')"),
            (KvInput::Append { key, value }, _) => format!("append('{key}', '{value}')"),
        }
    }

    fn describe_state(&self, state: &String) -> String {
        format!("'{state}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(key: &str) -> KvInput {
        KvInput::Get { key: key.into() }
    }

    #[test]
    fn get_must_return_the_current_value_unless_its_reply_was_lost() {
        let state = "ab".to_string();
        let read =
            |out: Option<&str>| KvModel.step(&state, &get("k"), out.map(String::from).as_ref());
        assert_eq!(read(Some("ab")), Some(state.clone()));
        assert_eq!(read(Some("a")), None);
        assert_eq!(read(None), Some(state.clone()));
    }

    #[test]
    fn put_replaces_and_append_concatenates() {
        let put = KvInput::Put {
            key: "k".into(),
            value: "x".into(),
        };
        let append = KvInput::Append {
            key: "k".into(),
            value: "y".into(),
        };
        let state = KvModel.step(&KvModel.init(), &put, None).unwrap();
        assert_eq!(
            KvModel.step(&state, &append, Some(&String::new())),
            Some("xy".into())
        );
    }

    #[test]
    fn partition_groups_by_key_in_key_order() {
        let history: Vec<_> = ["b", "a", "b"]
            .iter()
            .enumerate()
            .map(|(i, key)| Operation::pending(i, get(key), 0))
            .collect();
        assert_eq!(KvModel.partition(&history), [vec![1], vec![0, 2]]);
    }

    #[test]
    fn descriptions_follow_the_course() {
        let put = KvInput::Put {
            key: "k".into(),
            value: "v".into(),
        };
        assert_eq!(
            KvModel.describe_operation(&put, Some(&String::new())),
            "put('k', 'v')"
        );
        assert_eq!(
            KvModel.describe_operation(&get("k"), Some(&"v".into())),
            "get('k') -> 'v'"
        );
        assert_eq!(KvModel.describe_state(&"v".into()), "'v'");
    }
}
