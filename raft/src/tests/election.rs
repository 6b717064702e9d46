//! Elections: §5.1 (terms), §5.2 (leader election), §5.4.1 (election
//! restriction).

// SOLUTION BEGIN
use super::{follower, sim};
use labrt::time::{Duration, Instant};

use crate::msg::{AppendEntriesReply, RequestVoteArgs, RequestVoteReply};
use crate::persister::Persister;
use crate::replication::{Due, Outgoing};
use crate::state::{LEADER_STICKINESS, QUORUM_TIMEOUT, Role, START_QUORUM, State};

fn ask(term: u64, candidate_id: usize, last_log_index: u64, last_log_term: u64) -> RequestVoteArgs {
    RequestVoteArgs {
        term,
        candidate_id,
        last_log_index,
        last_log_term,
        pre_vote: false,
    }
}

fn granted(term: u64) -> RequestVoteReply {
    RequestVoteReply {
        term,
        vote_granted: true,
    }
}

fn refused(term: u64) -> RequestVoteReply {
    RequestVoteReply {
        term,
        vote_granted: false,
    }
}

/// §5.2: each server votes for at most one candidate per term, first come
/// first served; asking again gets the same answer.
#[test]
fn one_vote_per_term() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[]);
        assert!(st.handle_request_vote(&ask(2, 1, 0, 0)).vote_granted);
        assert!(!st.handle_request_vote(&ask(2, 2, 0, 0)).vote_granted);
        assert!(st.handle_request_vote(&ask(2, 1, 0, 0)).vote_granted);
        assert!(st.handle_request_vote(&ask(3, 2, 0, 0)).vote_granted);
        assert_eq!((st.current_term, st.voted_for), (3, Some(2)));
    });
}

/// §5.1: a request from an older term is rejected, and the reply carries
/// the newer term.
#[test]
fn stale_candidate_is_refused() {
    sim(|| {
        let mut st = follower(0, 3, 5, &[]);
        let reply = st.handle_request_vote(&ask(4, 1, 9, 4));
        assert_eq!(
            reply,
            RequestVoteReply {
                term: 5,
                vote_granted: false
            }
        );
    });
}

/// §5.4.1: a vote goes only to a candidate whose log is at least as up to
/// date; the newer term is adopted even when the vote is refused.
#[test]
fn vote_requires_an_up_to_date_log() {
    sim(|| {
        for (last_index, last_term, grant) in [
            (3, 2, true),
            (9, 2, true),
            (1, 3, true),
            (2, 2, false),
            (9, 1, false),
        ] {
            let mut st = follower(0, 3, 2, &[1, 2, 2]);
            let reply = st.handle_request_vote(&ask(3, 1, last_index, last_term));
            assert_eq!(
                reply.vote_granted, grant,
                "candidate log ending at ({last_index}, {last_term})"
            );
            assert_eq!(st.current_term, 3);
            assert_eq!(st.voted_for, grant.then_some(1));
        }
    });
}

/// Figure 2: term and vote are on stable storage before the reply leaves,
/// so a restarted peer cannot vote twice.
#[test]
fn vote_is_persisted_before_the_reply() {
    sim(|| {
        let persister = Persister::new();
        let mut st = State::new(0, 3, persister.clone());
        assert!(st.handle_request_vote(&ask(1, 2, 0, 0)).vote_granted);
        let back = State::restore(0, 3, persister).expect("saved state decodes");
        assert_eq!((back.current_term, back.voted_for), (1, Some(2)));
    });
}

/// §5.2: a candidate votes for itself in a new term and wins with a
/// majority; a vote from an older election does not count.
#[test]
fn candidate_wins_with_a_majority() {
    sim(|| {
        let mut st = follower(0, 5, 1, &[1]);
        let old = st.start_election();
        let args = st.start_election();
        assert_eq!(args, ask(3, 0, 1, 1));
        assert_eq!((st.current_term, st.voted_for), (3, Some(0)));
        st.handle_vote_reply(1, &old, &granted(2));
        st.handle_vote_reply(2, &args, &granted(3));
        st.handle_vote_reply(2, &args, &granted(3));
        assert!(
            matches!(st.role, Role::Candidate { .. }),
            "a vote counted twice"
        );
        st.handle_vote_reply(4, &args, &granted(3));
        let Role::Leader { progress } = &st.role else {
            panic!("no leader with 3 votes of 5: {:?}", st.role)
        };
        // Figure 2: nextIndex starts just past the leader's log.
        assert!(
            progress
                .iter()
                .all(|p| p.next_index == 2 && p.match_index == 0)
        );
    });
}

/// §5.1: a candidate that learns of a newer term steps down.
#[test]
fn newer_term_in_a_reply_ends_the_candidacy() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[]);
        let args = st.start_election();
        let refused = RequestVoteReply {
            term: 7,
            vote_granted: false,
        };
        st.handle_vote_reply(1, &args, &refused);
        assert!(matches!(st.role, Role::Follower));
        assert_eq!((st.current_term, st.voted_for), (7, None));
    });
}

/// A killed peer's default reply (term 0) is ignored, not counted.
#[test]
fn a_killed_peers_reply_is_ignored() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[]);
        let args = st.start_election();
        let dead = RequestVoteReply {
            term: 0,
            vote_granted: true,
        };
        st.handle_vote_reply(1, &args, &dead);
        assert!(matches!(st.role, Role::Candidate { .. }));
    });
}

/// A cluster of one elects itself at once.
#[test]
fn a_lone_peer_wins_its_own_election() {
    sim(|| {
        let mut st = follower(0, 1, 0, &[]);
        st.start_election();
        assert!(st.is_leader());
    });
}

/// Check quorum (thesis §6.2): a leader that hears from no majority takes
/// no command after two heartbeats and no longer leads after the quorum
/// timeout; one reply of its term from a follower of three is a majority
/// again.
#[test]
fn a_leader_cut_off_from_a_majority_stops_leading() {
    sim(|| {
        let mut st = super::leader(3, 2, &[1]);
        let heartbeat = match st.replication_due(1, Instant::now()) {
            Due::Send(Outgoing::Append(args)) => args,
            _ => panic!("a new leader writes at once"),
        };
        let leads = |st: &State| st.leads_a_majority(Instant::now(), QUORUM_TIMEOUT);
        labrt::time::sleep(START_QUORUM);
        assert!(st.start(b"x".to_vec()).is_some(), "the window is inclusive");
        labrt::time::sleep(Duration::from_millis(1));
        assert_eq!(
            st.start(b"y".to_vec()),
            None,
            "a command taken without a majority"
        );
        labrt::time::sleep(QUORUM_TIMEOUT - START_QUORUM - Duration::from_millis(1));
        assert!(leads(&st), "the timeout is inclusive");
        labrt::time::sleep(Duration::from_millis(1));
        assert!(!leads(&st));
        let reply = AppendEntriesReply {
            term: 2,
            success: true,
            ..AppendEntriesReply::default()
        };
        st.handle_append_reply(1, &heartbeat, &reply);
        assert!(leads(&st));
        assert!(st.start(b"z".to_vec()).is_some());
        assert!(!leads(&follower(0, 3, 2, &[1])));
    });
}

/// Thesis §9.6: a pre-vote changes neither side's term or vote, and a peer
/// that heard from its leader lately refuses it, so a peer rejoining a
/// working cluster cannot depose the leader.
#[test]
fn a_pre_vote_changes_nothing_and_waits_for_the_leader_to_go_quiet() {
    sim(|| {
        let mut st = follower(0, 3, 2, &[1, 2]);
        st.heard_from_leader();
        let pre_vote = RequestVoteArgs {
            pre_vote: true,
            ..ask(3, 1, 2, 2)
        };
        assert_eq!(st.handle_request_vote(&pre_vote), refused(2));
        labrt::time::sleep(LEADER_STICKINESS);
        assert_eq!(st.handle_request_vote(&pre_vote), granted(2));
        assert_eq!((st.current_term, st.voted_for), (2, None));
        let behind = RequestVoteArgs {
            pre_vote: true,
            ..ask(3, 1, 1, 1)
        };
        assert_eq!(st.handle_request_vote(&behind), refused(2));
    });
}

/// A candidate raises its term only once a majority would elect it.
#[test]
fn a_majority_of_pre_votes_starts_the_election() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[1]);
        let ask = st.start_pre_vote();
        assert!(ask.pre_vote);
        assert_eq!((ask.term, st.current_term, st.voted_for), (2, 1, None));
        assert_eq!(st.handle_vote_reply(2, &ask, &refused(1)), None);
        let election = st
            .handle_vote_reply(1, &ask, &granted(1))
            .expect("a majority");
        assert!(!election.pre_vote);
        assert_eq!(
            (election.term, st.current_term, st.voted_for),
            (2, 2, Some(0))
        );
        assert!(matches!(st.role, Role::Candidate { .. }));
        // A late pre-vote for the same term does not start another election.
        assert_eq!(st.handle_vote_reply(2, &ask, &granted(1)), None);
        assert_eq!(st.current_term, 2);
    });
}

/// A pre-vote granted before the leader was heard from again is stale.
#[test]
fn pre_votes_granted_before_the_leader_is_heard_from_start_nothing() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[1]);
        let ask = st.start_pre_vote();
        st.heard_from_leader();
        assert_eq!(st.handle_vote_reply(1, &ask, &granted(1)), None);
        assert_eq!((st.current_term, st.voted_for), (1, None));
        assert!(matches!(st.role, Role::Follower));
    });
}
// SOLUTION END
