//! The course's size checks over every group server's saved state, live
//! or not: `check_logs` and the total of challenge 1.

use super::ShardConfig;

impl ShardConfig {
    /// The course's `check_logs()`: with a maxraftstate, no group server's
    /// Raft state above 8 times it; without one, no snapshot at all. The
    /// controllers are not checked.
    #[track_caller]
    pub fn check_logs(&self) {
        for group in &self.0.groups {
            let state = group.lock();
            for slot in &state.slots {
                let (raft, snapshot) = (
                    slot.persister.raft_state_size(),
                    slot.persister.snapshot_size(),
                );
                match self.0.maxraftstate {
                    Some(max) if raft > 8 * max => {
                        panic!("persister.RaftStateSize() {raft}, but maxraftstate {max}")
                    }
                    None if snapshot > 0 => {
                        panic!("maxraftstate is -1, but snapshot is non-empty!")
                    }
                    _ => {}
                }
            }
        }
    }

    /// Raft state plus snapshot, summed over every group server: what
    /// challenge 1 bounds.
    pub fn total_size(&self) -> usize {
        let mut total = 0;
        for group in &self.0.groups {
            let state = group.lock();
            for slot in &state.slots {
                total += slot.persister.raft_state_size() + slot.persister.snapshot_size();
            }
        }
        total
    }
}
