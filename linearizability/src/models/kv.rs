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
//!     Operation::returned(1, get, 20, "1".into(), 30),
//! ];
//! let report = check(&KvModel, &history, 1_000).unwrap();
//! assert_eq!(report.verdict, Verdict::Ok);
//! ```

use std::collections::BTreeMap;
use std::fmt;

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
/// nothing; record them with the empty value, which the model ignores.
pub type KvOutput = KvValue;

/// Bytes of a value's end that a [`KvValue`] keeps for display.
const TAIL: usize = 32;

/// A Mersenne prime, the modulus of the two hashes.
const M61: u64 = (1 << 61) - 1;

/// The bases of the two polynomial hashes, fixed so that a verdict never
/// depends on the run.
const BASES: [u64; 2] = [0x01f3_5a7c_9e21_b4d7, 0x0b6e_d3c1_4a98_f267];

/// A value as the checker keeps it: its length, two polynomial hashes of its
/// bytes, and its last bytes for display. Key/value histories grow values
/// by appending, so a test's gets read values of tens of kilobytes; kept
/// whole in every operation and every state of the search, they took
/// gigabytes. Two values are equal when length and both 61-bit hashes
/// agree. For two different values of n bytes that happens with a chance
/// of about (n / 2^61)^2 over the choice of bases; the values of a test are
/// not built to collide with these fixed ones. An append updates the hashes
/// from the appended bytes alone.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KvValue {
    len: u64,
    hashes: [u64; 2],
    tail: [u8; TAIL],
    tail_len: u8,
}

impl KvValue {
    /// The value of `text`.
    pub fn of(text: &str) -> KvValue {
        KvValue::default().appended(text)
    }

    /// This value with `text` appended.
    pub fn appended(&self, text: &str) -> KvValue {
        let mut hashes = self.hashes;
        for byte in text.bytes() {
            for (hash, base) in hashes.iter_mut().zip(BASES) {
                *hash = add_mod(mul_mod(*hash, base), u64::from(byte));
            }
        }
        // The last TAIL bytes of the old tail and `text`, cut at a char
        // boundary so the tail stays valid UTF-8. Built on the stack: the
        // search appends at every step it takes on an append.
        let text = text.as_bytes();
        let old = &self.tail[..usize::from(self.tail_len)];
        let from_text = text.len().min(TAIL);
        let from_old = (TAIL - from_text).min(old.len());
        let mut joined = [0; TAIL];
        joined[..from_old].copy_from_slice(&old[old.len() - from_old..]);
        joined[from_old..from_old + from_text].copy_from_slice(&text[text.len() - from_text..]);
        let joined = &joined[..from_old + from_text];
        let cut = joined
            .iter()
            .position(|b| b & 0xc0 != 0x80)
            .unwrap_or(joined.len());
        let kept = &joined[cut..];
        let mut tail = [0; TAIL];
        tail[..kept.len()].copy_from_slice(kept);
        KvValue {
            len: self.len + text.len() as u64,
            hashes,
            tail,
            tail_len: kept.len() as u8,
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it is the empty string.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn tail(&self) -> &str {
        std::str::from_utf8(&self.tail[..usize::from(self.tail_len)])
            .expect("the tail is cut at a char boundary")
    }
}

impl Default for KvValue {
    /// The empty string.
    fn default() -> KvValue {
        KvValue {
            len: 0,
            hashes: [0; 2],
            tail: [0; TAIL],
            tail_len: 0,
        }
    }
}

impl From<&str> for KvValue {
    fn from(text: &str) -> KvValue {
        KvValue::of(text)
    }
}

/// `'value'`, or for a value longer than its tail `'…tail' (n bytes)`.
impl fmt::Display for KvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == u64::from(self.tail_len) {
            write!(f, "'{}'", self.tail())
        } else {
            write!(f, "'…{}' ({} bytes)", self.tail(), self.len)
        }
    }
}

/// The display form and the hashes, so that two values with the same
/// length and tail still look different.
impl fmt::Debug for KvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} #{:016x}{:016x}", self.hashes[0], self.hashes[1])
    }
}

fn mul_mod(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    // 2^61 = 1 (mod M61): fold the high bits onto the low ones.
    ((product as u64 & M61) + (product >> 61) as u64) % M61
}

fn add_mod(a: u64, b: u64) -> u64 {
    let sum = a + b;
    if sum >= M61 { sum - M61 } else { sum }
}

/// One key's register. [`Model::partition`] groups operations by key, so a
/// state is the value of a single key.
#[derive(Clone, Copy, Debug, Default)]
pub struct KvModel;

impl Model for KvModel {
    type State = KvValue;
    type Input = KvInput;
    type Output = KvValue;

    fn init(&self) -> KvValue {
        KvValue::default()
    }

    fn step(&self, state: &KvValue, input: &KvInput, output: Option<&KvValue>) -> Option<KvValue> {
        match input {
            KvInput::Get { .. } => match output {
                Some(value) if value != state => None,
                _ => Some(*state),
            },
            KvInput::Put { value, .. } => Some(KvValue::of(value)),
            KvInput::Append { value, .. } => Some(state.appended(value)),
        }
    }

    /// One group per key, in key order.
    fn partition(&self, history: &[Operation<KvInput, KvValue>]) -> Vec<Vec<usize>> {
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in history.iter().enumerate() {
            by_key.entry(op.input.key()).or_default().push(i);
        }
        by_key.into_values().collect()
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&KvValue>) -> String {
        match (input, output) {
            (KvInput::Get { key }, Some(value)) => format!("get('{key}') -> {value}"),
            (KvInput::Get { key }, None) => format!("get('{key}') -> ?"),
            (KvInput::Put { key, value }, _) => format!("put('{key}', '{value}')"),
            (KvInput::Append { key, value }, _) => format!("append('{key}', '{value}')"),
        }
    }

    fn describe_state(&self, state: &KvValue) -> String {
        state.to_string()
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
        let state = KvValue::of("ab");
        let read =
            |out: Option<&str>| KvModel.step(&state, &get("k"), out.map(KvValue::of).as_ref());
        assert_eq!(read(Some("ab")), Some(state));
        assert_eq!(read(Some("a")), None);
        assert_eq!(read(Some("ba")), None);
        assert_eq!(read(None), Some(state));
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
            KvModel.step(&state, &append, Some(&KvValue::default())),
            Some("xy".into())
        );
    }

    #[test]
    fn a_value_is_the_same_however_it_was_built() {
        let whole = KvValue::of("x 0 0 yx 1 0 yx 0 1 y");
        let parts = ["x 0 0 y", "", "x 1 0 y", "x 0 1 y"];
        let built = parts.iter().fold(KvValue::default(), |v, p| v.appended(p));
        assert_eq!(built, whole);
        assert_eq!(whole.len(), 21);
        // Same bytes in another order, one byte more or less, one changed.
        for other in [
            "x 1 0 yx 0 0 yx 0 1 y",
            "x 0 0 yx 1 0 yx 0 1 y ",
            "x 0 0 yx 1 0 yx 0 1 ",
            "x 0 0 yx 1 0 yx 0 1 z",
        ] {
            assert_ne!(KvValue::of(other), whole, "{other:?}");
        }
    }

    #[test]
    fn long_values_show_their_tail_and_length() {
        assert_eq!(KvValue::of("v").to_string(), "'v'");
        let long = "x 12 34 y".repeat(10);
        assert_eq!(
            KvValue::of(&long).to_string(),
            "'… 34 yx 12 34 yx 12 34 yx 12 34 y' (90 bytes)"
        );
        // The tail never splits a character.
        let accents = "é".repeat(40);
        assert_eq!(
            KvValue::of(&accents).to_string(),
            format!("'…{}' (80 bytes)", "é".repeat(16))
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
            KvModel.describe_operation(&put, Some(&KvValue::default())),
            "put('k', 'v')"
        );
        assert_eq!(
            KvModel.describe_operation(&get("k"), Some(&"v".into())),
            "get('k') -> 'v'"
        );
        assert_eq!(KvModel.describe_state(&"v".into()), "'v'");
    }
}
