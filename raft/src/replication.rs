//! Log replication (§5.3, §5.4): new entries, one replicator thread per
//! follower, AppendEntries sent and handled, and the commit rule.

// SOLUTION BEGIN
use std::sync::Arc;

use labrt::time::Instant;

use crate::Node;
use crate::log::{Entry, Log};
use crate::msg::{AppendEntriesArgs, AppendEntriesReply, InstallSnapshotArgs};
use crate::persister::ChecksumError;
use crate::quorum;
use crate::state::{HEARTBEAT_INTERVAL, Role, START_QUORUM, State, possible};

/// An RPC a leader owes one follower.
pub(crate) enum Outgoing {
    Append(AppendEntriesArgs),
    /// The follower needs entries the leader has compacted away.
    Snapshot(InstallSnapshotArgs),
}

/// What a replicator does next.
pub(crate) enum Due {
    Send(Outgoing),
    /// Nothing to send before this instant (the next heartbeat).
    At(Instant),
    /// Not the leader: nothing to send until that changes.
    Idle,
}

impl State {
    /// Appends a client's command if this peer is the leader (§5.3) and
    /// has lately heard from a majority, returning its index and term.
    /// Replication starts at once.
    pub fn start(&mut self, command: Vec<u8>) -> Option<(u64, u64)> {
        if !self.leads_a_majority(Instant::now(), START_QUORUM) {
            return None;
        }
        let term = self.current_term;
        let index = self.log.push(Entry { term, command });
        self.unsaved = true;
        self.save();
        // A cluster of one commits at once.
        self.advance_commit();
        self.replicate_now = true;
        Some((index, term))
    }

    /// Whether the leader should write to `peer` now: at every heartbeat,
    /// and as soon as there are entries it has not yet sent or a commit
    /// index it has not yet told, unless entries are in flight to it.
    pub fn replication_due(&mut self, peer: usize, now: Instant) -> Due {
        let Role::Leader { progress } = &mut self.role else {
            return Due::Idle;
        };
        let p = &mut progress[peer];
        let behind = p.next_index <= self.log.last_index();
        let news = behind || p.sent_commit < self.commit_index;
        match p.last_sent.map(|sent| sent + HEARTBEAT_INTERVAL) {
            Some(heartbeat) if now < heartbeat && (!news || p.in_flight) => Due::At(heartbeat),
            _ => {
                p.last_sent = Some(now);
                p.in_flight = behind;
                let next_index = p.next_index;
                if next_index > self.log.snapshot_index() {
                    p.sent_commit = self.commit_index;
                }
                match self.outgoing(next_index) {
                    Ok(outgoing) => Due::Send(outgoing),
                    // Storage damaged the snapshot: nothing can be sent until
                    // the service saves a new one, so try at the next beat.
                    Err(_) => Due::At(now + HEARTBEAT_INTERVAL),
                }
            }
        }
    }

    /// The RPC for a follower whose next entry is `next_index`: every entry
    /// from there on, or the snapshot if some of them are compacted away.
    fn outgoing(&self, next_index: u64) -> Result<Outgoing, ChecksumError> {
        if next_index <= self.log.snapshot_index() {
            return Ok(Outgoing::Snapshot(InstallSnapshotArgs {
                term: self.current_term,
                leader_id: self.me,
                last_included_index: self.log.snapshot_index(),
                last_included_term: self.log.snapshot_term(),
                data: self.persister.read_snapshot()?,
            }));
        }
        let prev_log_index = next_index - 1;
        let prev_log_term = self.log.term(prev_log_index).unwrap_or_else(|| {
            panic!(
                "peer {} in term {}: next index {next_index} is past the log's end {}",
                self.me,
                self.current_term,
                self.log.last_index()
            )
        });
        Ok(Outgoing::Append(AppendEntriesArgs {
            term: self.current_term,
            leader_id: self.me,
            prev_log_index,
            prev_log_term,
            entries: self.log.entries_from(next_index),
            leader_commit: self.commit_index,
        }))
    }

    /// AppendEntries receiver (figure 2). Saves term and log before the
    /// reply leaves.
    pub fn handle_append_entries(&mut self, args: AppendEntriesArgs) -> AppendEntriesReply {
        let (leader, term, prev_index) = (args.leader_id, args.term, args.prev_log_index);
        let entries = args.entries.len();
        let commit = self.commit_index;
        let reply = self.append_entries(args);
        if tracing::enabled!(target: "replication", tracing::Level::DEBUG) {
            let why = match reply.conflict_term {
                _ if reply.success => "",
                _ if term < reply.term => "stale term",
                Some(_) => "another term at prev_index",
                None if reply.log_len > 0 && reply.log_len <= prev_index => "log too short",
                None => "refused",
            };
            tracing::debug!(
                target: "replication",
                peer = self.me,
                leader,
                term,
                prev_index,
                entries,
                ok = reply.success,
                why,
                "append"
            );
        }
        if self.commit_index > commit {
            tracing::debug!(target: "replication", peer = self.me, index = self.commit_index, term = self.current_term, "commit");
        }
        self.save();
        reply
    }

    fn append_entries(&mut self, args: AppendEntriesArgs) -> AppendEntriesReply {
        let mut reply = AppendEntriesReply {
            term: self.current_term,
            ..AppendEntriesReply::default()
        };
        if args.term < self.current_term
            || (args.term == self.current_term && self.is_leader())
            || !possible_append(&args)
        {
            return reply;
        }
        if args.term > self.current_term || !matches!(self.role, Role::Follower) {
            self.become_follower(args.term, "AppendEntries from the leader");
        }
        self.heard_from_leader();
        reply.term = self.current_term;

        let (prev_log_index, entries) = self.skip_snapshotted(args.prev_log_index, args.entries);
        if prev_log_index > self.log.snapshot_index() {
            match self.log.term(prev_log_index) {
                Some(term) if term == args.prev_log_term => {}
                term => {
                    reply.conflict_term = term;
                    if term.is_some() {
                        reply.conflict_index = self.log.first_index_of_term_at(prev_log_index);
                    }
                    reply.log_len = self.log.last_index() + 1;
                    return reply;
                }
            }
        }
        if self.conflicts_with_commit(prev_log_index, &entries) {
            // No leader can hold another entry at a committed index (leader
            // completeness, §5.4.3): the sender is broken or hostile, and
            // the committed entry stays.
            reply.log_len = self.log.last_index() + 1;
            return reply;
        }
        let last_new = prev_log_index + entries.len() as u64;
        self.merge(prev_log_index, entries);
        // Entries past `last_new` are not known to match the leader's yet.
        let leader_commit = args.leader_commit.min(last_new);
        self.commit_index = self.commit_index.max(leader_commit);
        reply.success = true;
        reply
    }

    /// Drops the entries a snapshot here already covers: they are committed,
    /// so they match the leader's.
    fn skip_snapshotted(&self, prev_log_index: u64, mut entries: Vec<Entry>) -> (u64, Vec<Entry>) {
        let snapshot_index = self.log.snapshot_index();
        if prev_log_index >= snapshot_index {
            return (prev_log_index, entries);
        }
        let covered = usize::try_from(snapshot_index - prev_log_index).unwrap_or(usize::MAX);
        entries.drain(..covered.min(entries.len()));
        (snapshot_index, entries)
    }

    /// Whether `entries`, placed after `prev_log_index`, hold an entry of
    /// another term than this log's at a committed index.
    fn conflicts_with_commit(&self, prev_log_index: u64, entries: &[Entry]) -> bool {
        (prev_log_index + 1..=self.commit_index)
            .zip(entries)
            .any(|(index, entry)| self.log.term(index).is_some_and(|t| t != entry.term))
    }

    /// Appends the entries after `prev_log_index`, truncating the log only
    /// where an entry conflicts (same index, other term): a delayed,
    /// shorter AppendEntries must not cut off entries a later one added.
    /// No conflict is at a committed index (see `conflicts_with_commit`).
    fn merge(&mut self, prev_log_index: u64, entries: Vec<Entry>) {
        for (index, entry) in (prev_log_index + 1..).zip(entries) {
            match self.log.term(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => self.log.truncate_from(index),
                None => {}
            }
            self.log.push(entry);
            self.unsaved = true;
        }
    }

    /// Takes in `peer`'s answer to `args`: advances its match index and the
    /// commit index, or backs its next index up over the conflict. Replies
    /// from older terms and to superseded probes change nothing.
    pub fn handle_append_reply(
        &mut self,
        peer: usize,
        args: &AppendEntriesArgs,
        reply: &AppendEntriesReply,
    ) {
        if !self.reply_is_current(args.term, reply.term, "AppendEntries") {
            return;
        }
        let Role::Leader { progress } = &mut self.role else {
            return;
        };
        let p = &mut progress[peer];
        p.in_flight = false;
        p.heard = Instant::now();
        let last_index = self.log.last_index();
        if reply.success {
            let matched = args.prev_log_index + args.entries.len() as u64;
            p.match_index = p.match_index.max(matched);
            p.next_index = p.next_index.max(matched + 1);
        } else if args.prev_log_index + 1 == p.next_index {
            let next_index = back_up(&self.log, reply);
            p.next_index = next_index.max(p.match_index + 1).min(last_index + 1);
        }
        if p.next_index <= last_index {
            self.replicate_now = true;
        }
        if reply.success {
            self.advance_commit();
        }
    }

    /// Commits the highest index a majority holds, if it is from this
    /// leader's term: older entries commit only under a current one (§5.4.2,
    /// figure 8).
    pub fn advance_commit(&mut self) {
        let Role::Leader { progress } = &self.role else {
            return;
        };
        let match_index: Vec<u64> = (0..self.peers)
            .map(|peer| match peer == self.me {
                true => self.log.last_index(),
                false => progress[peer].match_index,
            })
            .collect();
        let index = quorum::majority_match(&match_index);
        if index > self.commit_index && self.log.term(index) == Some(self.current_term) {
            self.commit_index = index;
            tracing::debug!(target: "replication", peer = self.me, index, term = self.current_term, "commit");
            // Followers hear of it now, not at the next heartbeat.
            self.replicate_now = true;
        }
    }
}

/// Whether an AppendEntries could come from a leader: its term and indices
/// are reachable, and no entry is from a term after the leader's.
fn possible_append(args: &AppendEntriesArgs) -> bool {
    possible(args.term)
        && possible(args.prev_log_index)
        && args.prev_log_term <= args.term
        && args.entries.iter().all(|e| e.term <= args.term)
        && possible(
            args.prev_log_index
                .saturating_add(args.entries.len() as u64),
        )
}

/// Where a rejected probe says to try next: past the leader's last entry of
/// the follower's conflicting term if it has that term, else at the start
/// of the follower's run of that term, or at the end of a short log.
fn back_up(log: &Log, reply: &AppendEntriesReply) -> u64 {
    match reply.conflict_term {
        None => reply.log_len,
        Some(term) => match log.last_index_of_term(term) {
            Some(index) => index + 1,
            None => reply.conflict_index,
        },
    }
}

impl Node {
    /// The replicator for `peer`: while this peer leads, sends it what it
    /// lacks, and a heartbeat whenever it has been idle for an interval.
    /// RPCs go out on threads of their own, so a slow link delays nothing.
    pub(crate) fn run_replicator(self: Arc<Self>, peer: usize) {
        let mut st = self.state.lock();
        while !self.killed() {
            match st.replication_due(peer, Instant::now()) {
                Due::Idle => self.replicate.wait(&mut st),
                Due::At(deadline) => {
                    self.replicate.wait_until(&mut st, deadline);
                }
                Due::Send(outgoing) => {
                    drop(st);
                    self.send(peer, outgoing);
                    st = self.state.lock();
                }
            }
        }
    }

    fn send(self: &Arc<Self>, peer: usize, outgoing: Outgoing) {
        let node = Arc::clone(self);
        let name = format!("raft{}-append-{peer}", self.me);
        labrt::thread::spawn(name, move || {
            let end = &node.peers[peer];
            match outgoing {
                Outgoing::Append(args) => {
                    let reply = end.call(&args);
                    if let Ok(reply) = reply {
                        node.update(|st| st.handle_append_reply(peer, &args, &reply));
                    }
                }
                Outgoing::Snapshot(args) => {
                    let reply = end.call(&args);
                    if let Ok(reply) = reply {
                        node.update(|st| st.handle_install_snapshot_reply(peer, &args, &reply));
                    }
                }
            }
        });
    }
}
// SOLUTION STUB
// // Your code here (2A, 2B): heartbeats and AppendEntries sent and
// // handled, nextIndex and matchIndex, and when an entry commits (figure 2;
// // sections 5.3 and 5.4).
// SOLUTION END
