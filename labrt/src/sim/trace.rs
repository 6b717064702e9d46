//! The trace hash: a running digest of a simulated run's decisions.

/// A 64-bit running hash. Two runs of the same program with the same seed
/// make the same decisions in the same order and so end with equal values.
pub(crate) struct TraceHash(u64);

impl TraceHash {
    pub(crate) fn new(seed: u64) -> Self {
        let mut h = TraceHash(0xcbf2_9ce4_8422_2325);
        h.mix(seed);
        h
    }

    /// Folds one event into the hash.
    pub(crate) fn mix(&mut self, event: u64) {
        self.0 = (self.0.rotate_left(5) ^ event).wrapping_mul(0x5851_f42d_4c95_7f2d);
    }

    pub(crate) fn value(&self) -> u64 {
        // A final avalanche so that runs differing late still differ widely.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^ (x >> 33)
    }
}
