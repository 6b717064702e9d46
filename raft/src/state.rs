//! A peer's state (figure 2), its timers, and the one function through which
//! its role changes.
//!
//! Everything here and in the handler modules is synchronous code on
//! `&mut State`, run under the peer's lock by the threaded shell in `lib.rs`;
//! that keeps each rule of the paper testable on its own.

// SOLUTION BEGIN
use std::ops::Range;

use labrt::rand::RngExt;
use labrt::time::{Duration, Instant};

use crate::ApplyMsg;
use crate::log::Log;
use crate::persister::Persister;
use crate::quorum;

/// How often a leader writes to a follower with nothing new to send: the
/// tester allows at most ten heartbeats a second.
pub(crate) const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(100);

/// Election timeouts in milliseconds, drawn afresh at every reset (§5.2).
/// Three heartbeats or more, so one lost heartbeat starts no election; short
/// enough that a new leader is in place well within the tester's second.
pub(crate) const ELECTION_TIMEOUT_MS: Range<u64> = 300..600;

/// How long after hearing from a leader a peer refuses pre-votes: a
/// heartbeat less than the shortest election timeout, so that peers whose
/// leader has gone grant each other's pre-votes at once, while a peer that
/// rejoins a working cluster gets none.
pub(crate) const LEADER_STICKINESS: Duration =
    Duration::from_millis(ELECTION_TIMEOUT_MS.start).saturating_sub(HEARTBEAT_INTERVAL);

/// A leader that has heard from no majority for this long steps down (the
/// Raft thesis's check quorum, §6.2): cut off from the cluster, it would
/// only take commands that can never commit. The shortest election
/// timeout, so that it has stepped down by the time the others elect a new
/// leader; three heartbeats, so one lost reply does not depose it.
pub(crate) const QUORUM_TIMEOUT: Duration = Duration::from_millis(ELECTION_TIMEOUT_MS.start);

/// A leader that has heard from no majority for this long takes no new
/// command: it may have been deposed already, and a command it took would
/// wait for a commit that never comes while its client could have gone to
/// the new leader. Two heartbeats, so one lost reply changes nothing.
pub(crate) const START_QUORUM: Duration = HEARTBEAT_INTERVAL.saturating_mul(2);

/// The highest term or log index any run can reach: at a million a second
/// it would take 290,000 years. A message with a higher one comes from a
/// broken or hostile peer and is refused, so that `term + 1` and
/// `index + 1` never overflow.
pub(crate) const MAX_TERM_OR_INDEX: u64 = u64::MAX >> 1;

/// Whether `n`, a term or an index from another peer, is one a run can
/// reach.
pub(crate) fn possible(n: u64) -> bool {
    n <= MAX_TERM_OR_INDEX
}

/// What a peer is doing in the current term, with the state only that role
/// needs: a role change drops the old role's state with it.
#[derive(Debug)]
pub(crate) enum Role {
    Follower,
    /// `votes[peer]` says whether `peer` granted its vote this term.
    Candidate {
        votes: Vec<bool>,
    },
    /// `progress[peer]` is the leader's view of `peer` (its own slot unused).
    Leader {
        progress: Vec<Progress>,
    },
}

impl Role {
    /// The role's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate { .. } => "candidate",
            Role::Leader { .. } => "leader",
        }
    }
}

/// A leader's view of one follower: figure 2's nextIndex and matchIndex,
/// plus what paces the sends to it.
#[derive(Debug)]
pub(crate) struct Progress {
    pub next_index: u64,
    pub match_index: u64,
    /// When the last AppendEntries or InstallSnapshot went out.
    pub last_sent: Option<Instant>,
    /// An RPC carrying entries or a snapshot awaits its reply. Until then,
    /// new entries wait for that reply or the next heartbeat rather than
    /// being sent again, so each entry crosses the network about once.
    pub in_flight: bool,
    /// The commit index the last AppendEntries carried. A higher one goes
    /// out at once, so followers apply without waiting for a heartbeat.
    pub sent_commit: u64,
    /// When a reply of this term last came from the follower (at first, the
    /// election).
    pub heard: Instant,
}

/// One peer's Raft state.
pub(crate) struct State {
    pub me: usize,
    /// How many peers the cluster has, this one included.
    pub peers: usize,
    pub current_term: u64,
    pub voted_for: Option<usize>,
    pub log: Log,
    pub commit_index: u64,
    /// The last index the applier has taken for delivery.
    pub last_applied: u64,
    pub role: Role,
    pub election_deadline: Instant,
    /// When this peer last heard from the leader of its term.
    pub leader_heard: Option<Instant>,
    /// The pre-votes this peer collects to stand in the term it names.
    pub pre_votes: Option<(u64, Vec<bool>)>,
    /// A snapshot installed from the leader, not yet handed to the service.
    /// Always an [`ApplyMsg::Snapshot`].
    pub snapshot_to_apply: Option<ApplyMsg>,
    /// The replicators should look for work now, not at the next heartbeat.
    pub replicate_now: bool,
    /// Term, vote or log changed since they were last saved.
    pub unsaved: bool,
    pub persister: Persister,
}

impl Role {
    /// A new candidate, which has voted for itself.
    pub fn candidate(peers: usize, me: usize) -> Role {
        let mut votes = vec![false; peers];
        votes[me] = true;
        Role::Candidate { votes }
    }

    /// A new leader whose log ends at `last_index`: it assumes every
    /// follower is up to date until told otherwise (figure 2).
    pub fn leader(peers: usize, last_index: u64) -> Role {
        let now = Instant::now();
        let progress = (0..peers)
            .map(|_| Progress {
                next_index: last_index + 1,
                match_index: 0,
                last_sent: None,
                in_flight: false,
                sent_commit: 0,
                heard: now,
            })
            .collect();
        Role::Leader { progress }
    }
}

impl State {
    /// A peer that has never run: term 0, no vote, an empty log.
    pub fn new(me: usize, peers: usize, persister: Persister) -> State {
        let mut state = State {
            me,
            peers,
            current_term: 0,
            voted_for: None,
            log: Log::new(),
            commit_index: 0,
            last_applied: 0,
            role: Role::Follower,
            election_deadline: Instant::now(),
            leader_heard: None,
            pre_votes: None,
            snapshot_to_apply: None,
            replicate_now: false,
            unsaved: false,
            persister,
        };
        state.reset_election_timer();
        state
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader { .. })
    }

    /// Every role change goes through here. A newer `term` clears the vote;
    /// the term never goes back, and only a candidate becomes leader, in its
    /// own term.
    pub fn transition(&mut self, term: u64, role: Role, reason: &str) {
        assert!(
            term >= self.current_term,
            "peer {}: {reason}: the term would go back from {} to {term}",
            self.me,
            self.current_term
        );
        if let Role::Leader { .. } = role {
            assert!(
                matches!(self.role, Role::Candidate { .. }) && term == self.current_term,
                "peer {}: {reason}: becoming leader of term {term} as {:?} in term {}",
                self.me,
                self.role,
                self.current_term
            );
            self.replicate_now = true;
        }
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.unsaved = true;
        }
        if self.is_leader() {
            // A deposed leader's timer is stale; give it a full timeout.
            self.reset_election_timer();
        }
        self.pre_votes = None;
        tracing::debug!(target: "election", peer = self.me, term, role = role.name(), reason, "role");
        self.role = role;
    }

    /// Becomes a follower in `term` (figure 2, rules for all servers).
    pub fn become_follower(&mut self, term: u64, reason: &str) {
        self.transition(term, Role::Follower, reason);
    }

    /// Whether a reply to a request sent in `sent_term` still matters. A
    /// reply from a newer term makes this peer a follower first (figure 2,
    /// rules for all servers); replies to older terms are stale, and so are
    /// replies from impossible terms.
    pub fn reply_is_current(&mut self, sent_term: u64, reply_term: u64, what: &str) -> bool {
        if !possible(reply_term) {
            return false;
        }
        if reply_term > self.current_term {
            self.become_follower(reply_term, &format!("{what} reply from a newer term"));
            self.save();
            return false;
        }
        reply_term == sent_term && sent_term == self.current_term
    }

    /// Whether this peer leads and has heard from a majority, itself
    /// included, within `window` before `now`.
    pub fn leads_a_majority(&self, now: Instant, window: Duration) -> bool {
        let Role::Leader { progress } = &self.role else {
            return false;
        };
        let heard = (0..self.peers)
            .filter(|&p| p == self.me || now.duration_since(progress[p].heard) <= window)
            .count();
        quorum::is_majority(heard, self.peers)
    }

    /// Notes a message from the leader of this term: the election timer
    /// starts again, and pre-votes are refused for a while.
    pub fn heard_from_leader(&mut self) {
        self.leader_heard = Some(Instant::now());
        // Pre-votes granted before are stale: a late one must not start an
        // election against the leader just heard from.
        self.pre_votes = None;
        self.reset_election_timer();
    }

    /// Draws a new election timeout from now.
    pub fn reset_election_timer(&mut self) {
        let timeout = labrt::rand::rng().random_range(ELECTION_TIMEOUT_MS);
        self.election_deadline = Instant::now() + Duration::from_millis(timeout);
    }

    /// Whether the applier has something to deliver.
    pub fn applier_has_work(&self) -> bool {
        self.snapshot_to_apply.is_some() || self.last_applied < self.commit_index
    }

    /// Panics, naming the indices, if the log's bookkeeping is out of order:
    /// snapshot <= applied <= committed <= last.
    pub fn check_invariants(&self) {
        let snapshot = self.log.snapshot_index();
        let last = self.log.last_index();
        assert!(
            snapshot <= self.last_applied
                && self.last_applied <= self.commit_index
                && self.commit_index <= last,
            "peer {} in term {}: expected snapshot {snapshot} <= applied {} <= commit {} <= last {last}",
            self.me,
            self.current_term,
            self.last_applied,
            self.commit_index
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{Role, State};
    use crate::persister::Persister;

    #[test]
    fn a_newer_term_clears_the_vote() {
        labrt::Config::sim(0).run(|| {
            let mut st = State::new(0, 3, Persister::new());
            st.voted_for = Some(2);
            st.become_follower(0, "same term");
            assert_eq!(st.voted_for, Some(2));
            st.become_follower(4, "newer term");
            assert_eq!((st.current_term, st.voted_for, st.unsaved), (4, None, true));
        });
    }

    #[test]
    #[should_panic(expected = "the term would go back from 5 to 4")]
    fn the_term_never_goes_back() {
        labrt::Config::sim(0).run(|| {
            let mut st = State::new(0, 3, Persister::new());
            st.become_follower(5, "test");
            st.become_follower(4, "stale message");
        });
    }

    #[test]
    #[should_panic(expected = "becoming leader of term 0 as Follower")]
    fn only_a_candidate_becomes_leader() {
        labrt::Config::sim(0).run(|| {
            let mut st = State::new(0, 3, Persister::new());
            st.transition(0, Role::leader(3, 0), "test");
        });
    }
}
// SOLUTION STUB
// // Your code here (2A): the peer's state (figure 2, "State"): its term,
// // vote, log, role and timers.
// SOLUTION END
