//! The applier: one thread that hands the service, in index order, every
//! committed entry and every snapshot installed from the leader.
//!
//! It sends without holding the peer's lock, because the service may call
//! [`Raft::snapshot`](crate::Raft::snapshot) from the thread that receives.

// SOLUTION BEGIN
use std::sync::Arc;

use labrt::chan::Sender;

use crate::state::State;
use crate::{ApplyMsg, Node};

impl State {
    /// What to deliver next, marked as taken: an installed snapshot alone
    /// (the entries after it follow on the next call), else the committed
    /// entries not yet applied.
    pub fn take_applies(&mut self) -> Vec<ApplyMsg> {
        if let Some(snapshot) = self.snapshot_to_apply.take() {
            return vec![snapshot];
        }
        let applies = (self.last_applied + 1..=self.commit_index)
            .map(|index| {
                let entry = self.log.entry(index);
                ApplyMsg::Command {
                    index,
                    term: entry.term,
                    command: entry.command.clone(),
                }
            })
            .collect();
        self.last_applied = self.commit_index;
        applies
    }
}

impl Node {
    /// The applier thread. Ends when the peer is killed or the service stops
    /// listening.
    pub(crate) fn run_applier(self: Arc<Self>, apply_tx: Sender<ApplyMsg>) {
        let mut st = self.state.lock();
        while !self.killed() {
            let applies = st.take_applies();
            if applies.is_empty() {
                self.apply.wait(&mut st);
                continue;
            }
            drop(st);
            for msg in applies {
                match &msg {
                    ApplyMsg::Command { index, .. } => {
                        tracing::debug!(target: "apply", peer = self.me, index, "apply");
                    }
                    ApplyMsg::Snapshot { index, .. } => {
                        tracing::debug!(target: "apply", peer = self.me, snapshot_index = index, "apply");
                    }
                }
                if self.killed() || apply_tx.send(msg).is_err() {
                    return;
                }
            }
            st = self.state.lock();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ApplyMsg;
    use crate::log::Entry;
    use crate::persister::Persister;
    use crate::state::State;

    #[test]
    fn applies_committed_entries_once_in_order() {
        labrt::Config::sim(0).run(|| {
            let mut st = State::new(0, 3, Persister::new());
            for command in [b"a", b"b", b"c"] {
                st.log.push(Entry {
                    term: 1,
                    command: command.to_vec(),
                });
            }
            assert_eq!(st.take_applies(), vec![]);
            st.commit_index = 2;
            let command = |index: u64, c: &[u8]| ApplyMsg::Command {
                index,
                term: 1,
                command: c.to_vec(),
            };
            assert_eq!(st.take_applies(), vec![command(1, b"a"), command(2, b"b")]);
            assert_eq!(st.take_applies(), vec![]);
            st.commit_index = 3;
            assert_eq!(st.take_applies(), vec![command(3, b"c")]);
        });
    }
}
// SOLUTION STUB
// // Your code here (2B, 2D): a thread that sends every committed entry on
// // the apply channel in index order, and snapshots installed from the
// // leader (figure 2, "Rules for Servers": lastApplied).
// SOLUTION END
