//! Log compaction (§7): the service's snapshots, and InstallSnapshot for
//! followers that need entries the leader has discarded.

// SOLUTION BEGIN
use labrt::time::Instant;

use crate::ApplyMsg;
use crate::log::Log;
use crate::msg::{InstallSnapshotArgs, InstallSnapshotReply};
use crate::state::{Role, State, possible};

impl State {
    /// The service's snapshot holds everything through `index`: forget the
    /// log up to there and keep the snapshot with the state. A snapshot no
    /// newer than the one held (say, one just installed from the leader) is
    /// ignored.
    ///
    /// # Panics
    /// If `index` is past what the applier has delivered: the service cannot
    /// have that state.
    pub fn snapshot(&mut self, index: u64, snapshot: Vec<u8>) {
        if index <= self.log.snapshot_index() {
            return;
        }
        assert!(
            index <= self.last_applied,
            "peer {}: the service snapshotted through {index}, but only {} has been applied",
            self.me,
            self.last_applied
        );
        self.log.compact_through(index);
        tracing::debug!(target: "snapshot", peer = self.me, index, "snapshot");
        self.save_with_snapshot(snapshot);
    }

    /// InstallSnapshot receiver (figure 13, one chunk). Saves state and
    /// snapshot together before the reply leaves.
    pub fn handle_install_snapshot(&mut self, args: InstallSnapshotArgs) -> InstallSnapshotReply {
        let (leader, index, term) = (
            args.leader_id,
            args.last_included_index,
            args.last_included_term,
        );
        let commit = self.commit_index;
        let reply = self.install_snapshot(args);
        tracing::debug!(
            target: "snapshot",
            peer = self.me,
            leader,
            index,
            term,
            installed = self.commit_index > commit,
            "install"
        );
        self.save();
        reply
    }

    fn install_snapshot(&mut self, args: InstallSnapshotArgs) -> InstallSnapshotReply {
        let impossible = !possible(args.term)
            || !possible(args.last_included_index)
            || args.last_included_term > args.term;
        if impossible
            || args.term < self.current_term
            || (args.term == self.current_term && self.is_leader())
        {
            return InstallSnapshotReply {
                term: self.current_term,
            };
        }
        if args.term > self.current_term || !matches!(self.role, Role::Follower) {
            self.become_follower(args.term, "InstallSnapshot from the leader");
        }
        self.heard_from_leader();
        let reply = InstallSnapshotReply {
            term: self.current_term,
        };
        let (index, term) = (args.last_included_index, args.last_included_term);
        // Whatever it covers is committed here already: installing it would
        // take the service back in time.
        if index <= self.commit_index {
            return reply;
        }
        if self.log.term(index) == Some(term) {
            // The entries after it may still be the leader's (figure 13, step 6).
            self.log.compact_through(index);
        } else {
            self.log = Log::from_snapshot(index, term);
        }
        self.commit_index = index;
        self.last_applied = index;
        self.snapshot_to_apply = Some(ApplyMsg::Snapshot {
            index,
            term,
            snapshot: args.data.clone(),
        });
        self.save_with_snapshot(args.data);
        reply
    }

    /// Takes in `peer`'s answer to an InstallSnapshot: it now holds
    /// everything through the snapshot.
    pub fn handle_install_snapshot_reply(
        &mut self,
        peer: usize,
        args: &InstallSnapshotArgs,
        reply: &InstallSnapshotReply,
    ) {
        if !self.reply_is_current(args.term, reply.term, "InstallSnapshot") {
            return;
        }
        let Role::Leader { progress } = &mut self.role else {
            return;
        };
        let p = &mut progress[peer];
        p.in_flight = false;
        p.heard = Instant::now();
        p.match_index = p.match_index.max(args.last_included_index);
        p.next_index = p.next_index.max(p.match_index + 1);
        if p.next_index <= self.log.last_index() {
            self.replicate_now = true;
        }
    }
}
// SOLUTION STUB
// // Your code here (2D): trim the log to the service's snapshots, and
// // InstallSnapshot sent and handled (figure 13, section 7).
// SOLUTION END
