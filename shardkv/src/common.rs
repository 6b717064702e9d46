//! What the tester and the service must agree on, and so the framework's
//! rather than the student's: which shard a key is on, and how a server
//! or clerk turns a server name from a configuration into an end.

use std::sync::Arc;

use labrpc::ClientEnd;

pub use shardctrler::{Gid, NSHARDS};

/// Makes a client end to the server of that name, as found in
/// [`shardctrler::Config::groups`]. Every call makes a new end; keep the
/// ends you make rather than calling it again for every request.
pub type MakeEnd = Arc<dyn Fn(&str) -> ClientEnd + Send + Sync>;

/// The shard `key` belongs to: its first byte modulo [`NSHARDS`] (shard 0
/// for the empty key). Keys "0" to "9" fall on shards 8, 9, 0, 1, ..., 7,
/// one key per shard, which the tests rely on; every server and clerk must
/// use exactly this function.
pub fn key2shard(key: &str) -> usize {
    key.as_bytes().first().map_or(0, |&b| b as usize) % NSHARDS
}

#[cfg(test)]
mod tests {
    use super::key2shard;

    #[test]
    fn the_ten_digit_keys_fall_on_ten_shards() {
        let shards: Vec<usize> = (0..10).map(|i| key2shard(&i.to_string())).collect();
        assert_eq!(shards, [8, 9, 0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(key2shard(""), 0);
        assert_eq!(key2shard("19"), 9);
    }
}
