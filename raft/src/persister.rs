//! The stable storage a Raft peer survives crashes with.
//!
//! A [`Persister`] holds two byte strings: the Raft state (term, vote, log)
//! and the service's latest snapshot. The tester plays the disk: to crash a
//! peer it keeps a [`Persister::copy`] and hands that to the restarted
//! instance, so writes the old instance makes afterwards are lost, as they
//! would be in a real crash.

use std::sync::Arc;

use labrt::sync::Mutex;

/// A shared handle on one peer's stable storage. Clones see the same
/// storage; [`Persister::copy`] makes an independent one.
///
/// Create it inside a labrt run: its lock is the run's.
#[derive(Clone)]
pub struct Persister(Arc<Mutex<Stored>>);

#[derive(Clone, Default)]
struct Stored {
    raft_state: Vec<u8>,
    snapshot: Vec<u8>,
}

impl Persister {
    /// Empty storage: a peer that has never run.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn new() -> Persister {
        Persister(Arc::new(Mutex::new(Stored::default())))
    }

    /// An independent copy of what is stored now; later writes to either
    /// are not seen by the other.
    pub fn copy(&self) -> Persister {
        let stored = self.0.lock().clone();
        Persister(Arc::new(Mutex::new(stored)))
    }

    /// Replaces the Raft state and the snapshot together, so a crash never
    /// leaves one without the other.
    pub fn save(&self, raft_state: Vec<u8>, snapshot: Vec<u8>) {
        *self.0.lock() = Stored {
            raft_state,
            snapshot,
        };
    }

    /// Replaces the Raft state and keeps the snapshot.
    pub fn save_raft_state(&self, raft_state: Vec<u8>) {
        self.0.lock().raft_state = raft_state;
    }

    /// A copy of the Raft state; empty if none was ever saved.
    pub fn read_raft_state(&self) -> Vec<u8> {
        self.0.lock().raft_state.clone()
    }

    /// A copy of the snapshot; empty if none was ever saved.
    pub fn read_snapshot(&self) -> Vec<u8> {
        self.0.lock().snapshot.clone()
    }

    /// Bytes of Raft state stored: what the snapshot tests bound.
    pub fn raft_state_size(&self) -> usize {
        self.0.lock().raft_state.len()
    }

    /// Bytes of snapshot stored.
    pub fn snapshot_size(&self) -> usize {
        self.0.lock().snapshot.len()
    }
}

impl Default for Persister {
    #[track_caller]
    fn default() -> Persister {
        Persister::new()
    }
}

impl std::fmt::Debug for Persister {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persister")
            .field("raft_state_size", &self.raft_state_size())
            .field("snapshot_size", &self.snapshot_size())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Persister;

    #[test]
    fn copy_is_independent_and_save_replaces_both() {
        labrt::Config::sim(0).run(|| {
            let p = Persister::new();
            assert_eq!((p.raft_state_size(), p.snapshot_size()), (0, 0));
            p.save(b"state".to_vec(), b"snap".to_vec());
            let shared = p.clone();
            let copy = p.copy();
            p.save_raft_state(b"newer".to_vec());
            assert_eq!(shared.read_raft_state(), b"newer");
            assert_eq!(shared.read_snapshot(), b"snap");
            assert_eq!(copy.read_raft_state(), b"state");
            copy.save(b"s".to_vec(), Vec::new());
            assert_eq!(p.read_snapshot(), b"snap");
            assert_eq!((copy.raft_state_size(), copy.snapshot_size()), (1, 0));
        });
    }
}
