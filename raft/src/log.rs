//! The log, indexed as in the paper however much of it a snapshot replaced.
//!
//! The first slot is a sentinel standing for the last entry the snapshot
//! covers: index 0 with term 0 before any snapshot, as in the paper, so
//! `prev_log_index` always has a term to compare. Callers only ever see
//! Raft indices; the offset of the snapshot stays in here.

// SOLUTION BEGIN
use serde::{Deserialize, Serialize};

/// One log entry: a command and the term in which a leader received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub term: u64,
    #[serde(with = "labcodec::serde_bytes")]
    pub command: Vec<u8>,
}

/// The entries after the snapshot, behind the sentinel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Log {
    /// Index of `entries[0]`, the sentinel: the last index the snapshot
    /// covers.
    start: u64,
    /// Never empty. `entries[i]` has index `start + i`; the sentinel's
    /// command is empty.
    entries: Vec<Entry>,
    /// The encodings of the first entries, kept so that saving the log
    /// encodes only what was appended since the last save.
    #[serde(skip)]
    encoded: EncodedPrefix,
}

/// The concatenated encodings of `entries[..ends.len()]`; `ends[i]` is
/// where entry i's encoding ends. A cache: it is not part of the log's
/// value, so two logs with the same entries are equal whatever it holds.
#[derive(Clone, Debug, Default)]
struct EncodedPrefix {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl EncodedPrefix {
    /// Keeps the encodings of the first `slots` entries only.
    fn truncate(&mut self, slots: usize) {
        self.ends.truncate(slots);
        self.bytes.truncate(self.ends.last().copied().unwrap_or(0));
    }
}

impl PartialEq for EncodedPrefix {
    fn eq(&self, _: &EncodedPrefix) -> bool {
        true
    }
}

impl Eq for EncodedPrefix {}

impl Log {
    /// The empty log: only the sentinel at index 0, term 0.
    pub fn new() -> Log {
        Log::from_snapshot(0, 0)
    }

    /// A log holding nothing after a snapshot through `index`, whose entry
    /// had term `term`.
    pub fn from_snapshot(index: u64, term: u64) -> Log {
        Log {
            start: index,
            entries: vec![Entry {
                term,
                command: Vec::new(),
            }],
            encoded: EncodedPrefix::default(),
        }
    }

    /// The last index the snapshot covers (0 with no snapshot).
    pub fn snapshot_index(&self) -> u64 {
        self.start
    }

    /// The term of the entry at [`Log::snapshot_index`].
    pub fn snapshot_term(&self) -> u64 {
        self.entries[0].term
    }

    pub fn last_index(&self) -> u64 {
        self.start + self.entries.len() as u64 - 1
    }

    pub fn last_term(&self) -> u64 {
        self.entries[self.entries.len() - 1].term
    }

    /// Where `index` sits in `entries`, if it is held (the sentinel counts).
    fn slot(&self, index: u64) -> Option<usize> {
        let slot = usize::try_from(index.checked_sub(self.start)?).ok()?;
        (slot < self.entries.len()).then_some(slot)
    }

    /// The term of the entry at `index`, if this log holds it or its
    /// snapshot ends there.
    pub fn term(&self, index: u64) -> Option<u64> {
        self.slot(index).map(|slot| self.entries[slot].term)
    }

    /// The entry at `index`, which must be after the snapshot and present.
    pub fn entry(&self, index: u64) -> &Entry {
        match self.slot(index) {
            Some(slot) if slot > 0 => &self.entries[slot],
            _ => panic!(
                "log: no entry at index {index}: the log holds {}..={} after a snapshot through {}",
                self.start + 1,
                self.last_index(),
                self.start
            ),
        }
    }

    /// Copies of the entries from `index` to the end; `index` must be after
    /// the snapshot and at most one past the end.
    pub fn entries_from(&self, index: u64) -> Vec<Entry> {
        match index.checked_sub(1).and_then(|prev| self.slot(prev)) {
            Some(slot) => self.entries[slot + 1..].to_vec(),
            None => panic!(
                "log: cannot copy entries from {index}: the log holds {}..={}",
                self.start + 1,
                self.last_index()
            ),
        }
    }

    /// Appends `entry` and returns its index.
    pub fn push(&mut self, entry: Entry) -> u64 {
        self.entries.push(entry);
        self.last_index()
    }

    /// Drops the entries from `index` on; `index` must be after the
    /// snapshot.
    pub fn truncate_from(&mut self, index: u64) {
        match self.slot(index) {
            Some(slot) if slot > 0 => {
                self.entries.truncate(slot);
                self.encoded.truncate(slot);
            }
            _ => panic!(
                "log: cannot truncate from {index}: the log holds {}..={}",
                self.start + 1,
                self.last_index()
            ),
        }
    }

    /// Forgets the entries through `index`, which a snapshot now covers;
    /// the entry at `index` becomes the sentinel.
    pub fn compact_through(&mut self, index: u64) {
        let Some(slot) = self.slot(index) else {
            panic!(
                "log: cannot compact through {index}: the log holds {}..={}",
                self.start,
                self.last_index()
            )
        };
        self.entries.drain(..slot);
        self.entries[0].command = Vec::new();
        self.start = index;
        self.encoded = EncodedPrefix::default();
    }

    /// Number of entries, the sentinel included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries' encodings, concatenated: the tail of the log's own
    /// encoding after its length prefix. Encodes only the entries added
    /// since the last call.
    pub fn encoded_entries(&mut self) -> &[u8] {
        for entry in &self.entries[self.encoded.ends.len()..] {
            let bytes = labcodec::encode(entry);
            self.encoded.bytes.extend_from_slice(&bytes);
            self.encoded.ends.push(self.encoded.bytes.len());
        }
        &self.encoded.bytes
    }

    /// The first index of the run of entries sharing the term of the entry
    /// at `index`, not looking into the snapshot: the follower's hint for a
    /// leader backing up over a conflicting term.
    pub fn first_index_of_term_at(&self, index: u64) -> u64 {
        let term = self.entry(index).term;
        let mut first = index;
        while first - 1 > self.start && self.entry(first - 1).term == term {
            first -= 1;
        }
        first
    }

    /// The index of the last entry with `term`, the sentinel included.
    pub fn last_index_of_term(&self, term: u64) -> Option<u64> {
        let slot = self.entries.iter().rposition(|e| e.term == term)?;
        Some(self.start + slot as u64)
    }

    /// Whether a log ending at (`last_index`, `last_term`) is at least as
    /// up to date as this one (§5.4.1): a later last term wins, and with
    /// equal terms the longer log does.
    pub fn is_up_to_date(&self, last_index: u64, last_term: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Checks what decoding alone cannot: the sentinel is there, indices fit
    /// in a u64, and terms never decrease along the log.
    pub fn validate(&self) -> Result<(), String> {
        if self.entries.is_empty() {
            return Err("the log has no sentinel entry".to_string());
        }
        if self.start.checked_add(self.entries.len() as u64).is_none() {
            return Err(format!(
                "{} entries after index {} overflow the index",
                self.entries.len(),
                self.start
            ));
        }
        match self.entries.windows(2).position(|w| w[1].term < w[0].term) {
            Some(slot) => Err(format!(
                "the term goes down from {} to {} at index {}",
                self.entries[slot].term,
                self.entries[slot + 1].term,
                self.start + slot as u64 + 1
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, Log};

    fn entry(term: u64) -> Entry {
        Entry {
            term,
            command: vec![term as u8],
        }
    }

    /// A log with one entry per term in `terms`, from index 1.
    fn log(terms: &[u64]) -> Log {
        let mut log = Log::new();
        for &t in terms {
            log.push(entry(t));
        }
        log
    }

    #[test]
    fn empty_log_is_the_sentinel_at_index_zero() {
        let log = Log::new();
        assert_eq!((log.last_index(), log.last_term()), (0, 0));
        assert_eq!(log.term(0), Some(0));
        assert_eq!(log.term(1), None);
        assert_eq!(log.entries_from(1), vec![]);
    }

    #[test]
    fn indices_survive_compaction() {
        let mut log = log(&[1, 1, 2, 3, 3]);
        log.compact_through(3);
        assert_eq!((log.snapshot_index(), log.snapshot_term()), (3, 2));
        assert_eq!((log.last_index(), log.last_term()), (5, 3));
        assert_eq!(log.term(2), None);
        assert_eq!(log.term(3), Some(2));
        assert_eq!(log.entry(4), &entry(3));
        assert_eq!(log.entries_from(4), vec![entry(3), entry(3)]);
        assert_eq!(log.push(entry(4)), 6);
        log.truncate_from(5);
        assert_eq!(log.last_index(), 4);
        log.compact_through(4);
        assert_eq!((log.snapshot_index(), log.last_index()), (4, 4));
        assert_eq!(log.entries_from(5), vec![]);
    }

    #[test]
    #[should_panic(expected = "no entry at index 2")]
    fn entries_inside_the_snapshot_are_gone() {
        let mut log = log(&[1, 1, 1]);
        log.compact_through(2);
        log.entry(2);
    }

    #[test]
    fn term_runs_for_the_back_up_hint() {
        let mut log = log(&[1, 2, 2, 2, 3]);
        assert_eq!(log.first_index_of_term_at(4), 2);
        assert_eq!(log.first_index_of_term_at(5), 5);
        assert_eq!(log.last_index_of_term(2), Some(4));
        assert_eq!(log.last_index_of_term(7), None);
        log.compact_through(3);
        // The run is cut at the snapshot; the sentinel still has its term.
        assert_eq!(log.first_index_of_term_at(4), 4);
        assert_eq!(log.last_index_of_term(1), None);
        assert_eq!(log.last_index_of_term(2), Some(4));
    }

    /// §5.4.1: compare last terms first, then lengths.
    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = log(&[1, 2, 2]);
        assert!(log.is_up_to_date(3, 2));
        assert!(log.is_up_to_date(9, 2));
        assert!(log.is_up_to_date(1, 3));
        assert!(!log.is_up_to_date(2, 2));
        assert!(!log.is_up_to_date(9, 1));
    }

    #[test]
    fn validate_rejects_what_decoding_lets_through() {
        assert_eq!(log(&[1, 2, 2]).validate(), Ok(()));
        let no_sentinel = Log {
            encoded: Default::default(),
            start: 0,
            entries: vec![],
        };
        assert!(no_sentinel.validate().is_err());
        let backwards = log(&[2, 1]);
        assert_eq!(
            backwards.validate(),
            Err("the term goes down from 2 to 1 at index 2".to_string())
        );
        let overflow = Log {
            encoded: Default::default(),
            start: u64::MAX,
            entries: vec![entry(0)],
        };
        assert!(overflow.validate().is_err());
    }
}
// SOLUTION STUB
// // Your code here (2B, 2D): the log entries (figure 2, "log[]"),
// // indexed as in the paper even once a snapshot replaces a prefix.
// SOLUTION END
