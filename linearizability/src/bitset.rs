//! Which operations of a partition are linearized: a fixed-size bit set that
//! hashes in constant time, since the search hashes one per step.

use std::hash::{Hash, Hasher};

/// A set of operation indices below a fixed bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bitset {
    words: Box<[u64]>,
    /// XOR of `mix(i)` over the members, kept up to date on every change so
    /// hashing never walks the words. Equal sets have equal digests.
    digest: u64,
}

impl Bitset {
    /// The empty set of indices below `len`.
    pub(crate) fn new(len: usize) -> Self {
        Bitset {
            words: vec![0; len.div_ceil(64)].into_boxed_slice(),
            digest: 0,
        }
    }

    /// Adds `i`, which must not be a member.
    pub(crate) fn insert(&mut self, i: usize) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        debug_assert_eq!(self.words[word] & bit, 0, "{i} is already a member");
        self.words[word] |= bit;
        self.digest ^= mix(i);
    }

    /// Removes `i`, which must be a member.
    pub(crate) fn remove(&mut self, i: usize) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        debug_assert_ne!(self.words[word] & bit, 0, "{i} is not a member");
        self.words[word] &= !bit;
        self.digest ^= mix(i);
    }
}

impl Hash for Bitset {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.digest);
    }
}

/// A [`Bitset`] as the search's memo keeps it: the words that are all ones
/// at its start counted, not stored, and its zero words at the end left
/// out. The linearized set is nearly always a prefix of the operations with
/// a few more, so a key takes a few words where the set takes one bit per
/// operation; a memo of one entry per operation then grows linearly, not
/// quadratically, with the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MemoSet {
    full_words: u32,
    rest: Box<[u64]>,
    digest: u64,
}

impl Bitset {
    /// The set in its memo form: equal sets give equal keys.
    pub(crate) fn memo_key(&self) -> MemoSet {
        let full = self.words.iter().take_while(|&&w| w == u64::MAX).count();
        let used = self
            .words
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |i| i + 1);
        MemoSet {
            full_words: full as u32,
            rest: self.words[full..used.max(full)].into(),
            digest: self.digest,
        }
    }
}

impl Hash for MemoSet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.digest);
    }
}

/// Spreads an index over all 64 bits (the SplitMix64 finalizer), so the XOR
/// of a few indices rarely collides with the XOR of others.
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sets_are_equal_whatever_the_order_of_changes() {
        let mut a = Bitset::new(130);
        let mut b = Bitset::new(130);
        for i in [0, 64, 129, 7] {
            a.insert(i);
        }
        for i in [129, 7, 3, 0, 64] {
            b.insert(i);
        }
        assert_ne!(a, b);
        b.remove(3);
        assert_eq!(a, b);
        assert_eq!(a.digest, b.digest);
    }

    #[test]
    fn memo_keys_are_equal_exactly_when_the_sets_are() {
        let mut a = Bitset::new(300);
        let mut b = Bitset::new(300);
        for i in 0..130 {
            a.insert(i);
            b.insert(129 - i);
        }
        a.insert(250);
        assert_ne!(a.memo_key(), b.memo_key());
        b.insert(250);
        let key = a.memo_key();
        assert_eq!(key, b.memo_key());
        // Two full words counted, then bits 128-129 and 250: four words.
        assert_eq!((key.full_words, key.rest.len()), (2, 2));
        a.remove(250);
        b.remove(250);
        assert_eq!(a.memo_key().rest.len(), 1);
        assert_eq!(Bitset::new(10).memo_key(), Bitset::new(10).memo_key());
    }

    #[test]
    fn removing_everything_gives_the_empty_set() {
        let mut a = Bitset::new(70);
        a.insert(69);
        a.insert(1);
        a.remove(1);
        a.remove(69);
        assert_eq!(a, Bitset::new(70));
    }
}
