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
    fn removing_everything_gives_the_empty_set() {
        let mut a = Bitset::new(70);
        a.insert(69);
        a.insert(1);
        a.remove(1);
        a.remove(69);
        assert_eq!(a, Bitset::new(70));
    }
}
