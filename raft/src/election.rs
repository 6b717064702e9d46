//! Leader election (§5.2, with the voting restriction of §5.4.1): the
//! ticker that starts elections, RequestVote sent and handled, and vote
//! counting.

// SOLUTION BEGIN
use std::sync::Arc;

use labrt::time::Instant;

use crate::Node;
use crate::msg::{RequestVoteArgs, RequestVoteReply};
use crate::quorum;
use crate::state::{HEARTBEAT_INTERVAL, LEADER_STICKINESS, QUORUM_TIMEOUT, Role, State, possible};

impl State {
    /// Asks whether the others would elect this peer in the next term
    /// before standing (thesis §9.6), with a fresh timeout for another try.
    /// A peer cut off or behind then never raises its term, so it does not
    /// depose a working leader when it comes back. Returns the request for
    /// every other peer: the pre-vote, or the vote itself if this peer's own
    /// is a majority.
    pub fn start_pre_vote(&mut self) -> RequestVoteArgs {
        if quorum::is_majority(1, self.peers) {
            return self.start_election();
        }
        self.reset_election_timer();
        tracing::debug!(target: "election", peer = self.me, term = self.current_term + 1, "pre-vote");
        let mut granted = vec![false; self.peers];
        granted[self.me] = true;
        self.pre_votes = Some((self.current_term + 1, granted));
        RequestVoteArgs {
            term: self.current_term + 1,
            candidate_id: self.me,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote: true,
        }
    }

    /// Starts an election: the next term, a vote for itself, a fresh
    /// timeout (§5.2). Returns the RequestVote for every other peer.
    pub fn start_election(&mut self) -> RequestVoteArgs {
        let term = self.current_term + 1;
        self.transition(
            term,
            Role::candidate(self.peers, self.me),
            "election timeout",
        );
        self.voted_for = Some(self.me);
        self.unsaved = true;
        self.reset_election_timer();
        // A cluster of one wins with its own vote.
        self.win_if_majority();
        self.save();
        RequestVoteArgs {
            term,
            candidate_id: self.me,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote: false,
        }
    }

    /// RequestVote receiver (figure 2). Saves term and vote before the
    /// reply leaves. A pre-vote changes nothing here: it is granted to an
    /// up-to-date candidate for a newer term, unless this peer leads or has
    /// heard from its leader lately.
    pub fn handle_request_vote(&mut self, args: &RequestVoteArgs) -> RequestVoteReply {
        let reply = self.request_vote(args);
        if tracing::enabled!(target: "election", tracing::Level::DEBUG) {
            let why = match reply.vote_granted {
                true => "granted",
                false => self.vote_refusal(args),
            };
            tracing::debug!(
                target: "election",
                peer = self.me,
                term = args.term,
                candidate = args.candidate_id,
                pre_vote = args.pre_vote,
                granted = reply.vote_granted,
                why,
                "vote"
            );
        }
        reply
    }

    /// Why this peer, as it is now, refused the vote `args` asked for: the
    /// first of [`State::request_vote`]'s conditions that fails, for logs.
    fn vote_refusal(&self, args: &RequestVoteArgs) -> &'static str {
        let newer = args.term > self.current_term;
        match () {
            _ if !possible(args.term) || args.candidate_id >= self.peers => "impossible request",
            _ if args.term < self.current_term || (args.pre_vote && !newer) => "stale term",
            _ if args.pre_vote && self.is_leader() => "leads",
            _ if !self
                .log
                .is_up_to_date(args.last_log_index, args.last_log_term) =>
            {
                "log not up to date"
            }
            _ if args.pre_vote => "heard from a leader lately",
            _ => "voted for another",
        }
    }

    fn request_vote(&mut self, args: &RequestVoteArgs) -> RequestVoteReply {
        let refused = RequestVoteReply {
            term: self.current_term,
            vote_granted: false,
        };
        if !possible(args.term) {
            return refused;
        }
        if args.pre_vote {
            let leader_lately = self
                .leader_heard
                .is_some_and(|heard| heard.elapsed() < LEADER_STICKINESS);
            let vote_granted = args.term > self.current_term
                && args.candidate_id < self.peers
                && !self.is_leader()
                && !leader_lately
                && self
                    .log
                    .is_up_to_date(args.last_log_index, args.last_log_term);
            return RequestVoteReply {
                vote_granted,
                ..refused
            };
        }
        if args.term > self.current_term {
            self.become_follower(args.term, "RequestVote from a newer term");
        }
        let vote_granted = args.term == self.current_term
            && args.candidate_id < self.peers
            && self.voted_for.is_none_or(|v| v == args.candidate_id)
            && self
                .log
                .is_up_to_date(args.last_log_index, args.last_log_term);
        if vote_granted {
            if self.voted_for.is_none() {
                self.voted_for = Some(args.candidate_id);
                self.unsaved = true;
            }
            // Only a granted vote restarts the timer: a peer with a stale log
            // must not hold back the peers that could win.
            self.reset_election_timer();
        }
        self.save();
        RequestVoteReply {
            term: self.current_term,
            vote_granted,
        }
    }

    /// Counts a vote `peer` granted for `args`; ignores replies to older
    /// elections. A majority of pre-votes starts the election: its
    /// RequestVote for every other peer is returned.
    pub fn handle_vote_reply(
        &mut self,
        peer: usize,
        args: &RequestVoteArgs,
        reply: &RequestVoteReply,
    ) -> Option<RequestVoteArgs> {
        if args.pre_vote {
            return self.handle_pre_vote_reply(peer, args, reply);
        }
        if !self.reply_is_current(args.term, reply.term, "RequestVote") || !reply.vote_granted {
            return None;
        }
        if let Role::Candidate { votes } = &mut self.role {
            votes[peer] = true;
            self.win_if_majority();
        }
        None
    }

    fn handle_pre_vote_reply(
        &mut self,
        peer: usize,
        args: &RequestVoteArgs,
        reply: &RequestVoteReply,
    ) -> Option<RequestVoteArgs> {
        if !possible(reply.term) {
            return None;
        }
        if reply.term > self.current_term {
            self.become_follower(reply.term, "pre-vote reply from a newer term");
            self.save();
            return None;
        }
        let (term, granted) = self.pre_votes.as_mut()?;
        if *term != args.term || !reply.vote_granted {
            return None;
        }
        granted[peer] = true;
        let count = granted.iter().filter(|&&g| g).count();
        quorum::is_majority(count, self.peers).then(|| self.start_election())
    }

    /// Becomes leader if this candidate holds a majority of votes.
    fn win_if_majority(&mut self) {
        let Role::Candidate { votes } = &self.role else {
            return;
        };
        let granted = votes.iter().filter(|&&v| v).count();
        if quorum::is_majority(granted, self.peers) {
            let leader = Role::leader(self.peers, self.log.last_index());
            self.transition(self.current_term, leader, "won the election");
        }
    }
}

impl Node {
    /// The ticker thread: starts an election whenever the timeout passes
    /// without word from a leader.
    pub(crate) fn run_ticker(self: Arc<Self>) {
        let mut st = self.state.lock();
        while !self.killed() {
            let now = Instant::now();
            if st.is_leader() {
                if !st.leads_a_majority(now, QUORUM_TIMEOUT) {
                    let term = st.current_term;
                    st.become_follower(term, "heard from no majority for the quorum timeout");
                    continue;
                }
                // Leaders need no election timer; check the quorum again at
                // the next heartbeat.
                self.ticker.wait_until(&mut st, now + HEARTBEAT_INTERVAL);
            } else if now >= st.election_deadline {
                let args = st.start_pre_vote();
                self.wake(&mut st);
                drop(st);
                self.request_votes(&args);
                st = self.state.lock();
            } else {
                let deadline = st.election_deadline;
                self.ticker.wait_until(&mut st, deadline);
            }
        }
    }

    /// Sends `args` to every other peer, each call on a thread of its own so
    /// that a dead peer holds back no one.
    fn request_votes(self: &Arc<Self>, args: &RequestVoteArgs) {
        for peer in (0..self.peers.len()).filter(|&p| p != self.me) {
            let node = Arc::clone(self);
            let args = args.clone();
            let name = format!("raft{}-vote-{peer}", self.me);
            labrt::thread::spawn(name, move || {
                let reply = node.peers[peer].call(&args);
                let Ok(reply) = reply else {
                    return;
                };
                if let Some(Some(election)) =
                    node.update(|st| st.handle_vote_reply(peer, &args, &reply))
                {
                    node.request_votes(&election);
                }
            });
        }
    }
}
// SOLUTION STUB
// // Your code here (2A, 2B): the election timeout, RequestVote sent and
// // handled, and the count of votes (figure 2; section 5.2 and 5.4.1).
// SOLUTION END
