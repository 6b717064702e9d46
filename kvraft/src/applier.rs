//! The applier: one thread that feeds what Raft commits to the state
//! machine, in log order, records the results requests wait for, and takes
//! snapshots.

// SOLUTION BEGIN
use labrt::chan::Receiver;
use raft::ApplyMsg;

use crate::server::{Applied, Node, Outcome, Snapshot};
use crate::state_machine::Command;

/// Snapshot once the Raft state reaches this share of `maxraftstate`, so
/// the entries arriving before the next check still fit under it.
const SNAPSHOT_AT_PERCENT: usize = 90;

impl Node {
    /// The applier thread: applies what Raft commits, in order, until the
    /// server is killed.
    pub fn run_applier(&self, apply_rx: Receiver<ApplyMsg>) {
        for msg in apply_rx.iter() {
            let mut st = self.state.lock();
            if self.killed() {
                return;
            }
            match msg {
                ApplyMsg::Command {
                    index,
                    term,
                    command,
                } => self.apply_command(&mut st, index, term, &command),
                ApplyMsg::Snapshot {
                    index, snapshot, ..
                } => self.install_snapshot(&mut st, index, &snapshot),
            }
            self.applied.notify_all();
        }
    }

    /// Applies the command Raft committed at `index`.
    ///
    /// # Panics
    /// If Raft skips an index: applies must come in order, without gaps.
    fn apply_command(&self, st: &mut Applied, index: u64, term: u64, command: &[u8]) {
        if index <= st.last_applied {
            return;
        }
        assert_eq!(
            index,
            st.last_applied + 1,
            "kv{}: raft delivered the command at {index} right after applying {}",
            self.me,
            st.last_applied
        );
        st.last_applied = index;
        // Only this service writes commands, so one that does not decode
        // was damaged on its way; every replica skips it alike, and whoever
        // waits on it is told to retry.
        let outcome = match labcodec::decode::<Command>(command) {
            Ok(command) => {
                tracing::debug!(
                    target: "kv",
                    peer = self.me,
                    index,
                    client = command.client_id,
                    seq = command.seq,
                    op = ?command.op,
                    "apply op"
                );
                Outcome::Applied {
                    term,
                    client_id: command.client_id,
                    seq: command.seq,
                    output: st.machine.apply(&command),
                }
            }
            Err(_) => Outcome::Unknown,
        };
        if let Some(waiting) = st.waiting.get_mut(&index) {
            waiting.outcome = Some(outcome);
        }
        self.snapshot_if_large(st);
    }

    /// Replaces the state with a snapshot the leader sent, if it is newer.
    ///
    /// # Panics
    /// If the snapshot is not one this service made through `index`: Raft
    /// would go on delivering commands after `index` to a state that
    /// silently lacks the ones before.
    fn install_snapshot(&self, st: &mut Applied, index: u64, snapshot: &[u8]) {
        if index <= st.last_applied {
            return;
        }
        let (last_applied, machine) =
            labcodec::decode::<Snapshot>(snapshot).unwrap_or_else(|error| {
                panic!(
                    "kv{}: raft delivered a snapshot through {index} that does not decode: {error}",
                    self.me
                )
            });
        assert_eq!(
            last_applied, index,
            "kv{}: raft delivered a snapshot through {index} holding the state through {last_applied}",
            self.me
        );
        st.machine = machine;
        st.last_applied = index;
        tracing::debug!(target: "kv", peer = self.me, index, "install snapshot");
        for (_, waiting) in st.waiting.range_mut(..=index) {
            waiting.outcome.get_or_insert(Outcome::Unknown);
        }
    }

    fn snapshot_if_large(&self, st: &Applied) {
        let Some(max) = self.maxraftstate else { return };
        if self.rf.persist_bytes() * 100 >= max * SNAPSHOT_AT_PERCENT {
            let snapshot = labcodec::encode(&(st.last_applied, &st.machine));
            tracing::debug!(target: "kv", peer = self.me, index = st.last_applied, bytes = snapshot.len(), "snapshot");
            self.rf.snapshot(st.last_applied, snapshot);
        }
    }
}
// SOLUTION STUB
// // Your code here (3A, 3B): a thread that applies what Raft commits to
// // the store in log order, wakes the requests waiting on it, and takes a
// // snapshot when the Raft state nears maxraftstate.
// SOLUTION END
