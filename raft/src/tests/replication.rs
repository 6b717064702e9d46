//! Replication: §5.3 (log replication), §5.4.2 (committing entries from
//! previous terms), and the fast back-up at the end of §5.3.

// SOLUTION BEGIN
use labrt::time::Instant;

use super::{entries, follower, leader, sim, terms};
use crate::log::Entry;
use crate::msg::{AppendEntriesArgs, AppendEntriesReply};
use crate::replication::{Due, Outgoing};
use crate::state::{HEARTBEAT_INTERVAL, Role, State};

fn append(term: u64, prev: (u64, u64), log: &[u64], leader_commit: u64) -> AppendEntriesArgs {
    AppendEntriesArgs {
        term,
        leader_id: 1,
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries: entries(log),
        leader_commit,
    }
}

fn progress(st: &State, peer: usize) -> (u64, u64) {
    let Role::Leader { progress } = &st.role else {
        panic!("peer {} is not leader: {:?}", st.me, st.role)
    };
    (progress[peer].next_index, progress[peer].match_index)
}

/// §5.1: AppendEntries from an older term is refused; from the current
/// leader it turns a candidate back into a follower.
#[test]
fn terms_gate_append_entries() {
    sim(|| {
        let mut st = follower(0, 3, 3, &[]);
        let reply = st.handle_append_entries(append(2, (0, 0), &[2], 0));
        assert!(!reply.success && reply.term == 3);
        assert_eq!(st.log.last_index(), 0);

        st.start_election();
        let reply = st.handle_append_entries(append(4, (0, 0), &[], 0));
        assert!(reply.success);
        assert!(matches!(st.role, Role::Follower));
        assert_eq!((st.current_term, st.voted_for), (4, Some(0)));
    });
}

/// §5.3: the consistency check refuses entries whose predecessor is missing
/// and says how long the log is.
#[test]
fn missing_predecessor_is_refused_with_the_log_length() {
    sim(|| {
        let mut st = follower(0, 3, 2, &[1, 1]);
        let reply = st.handle_append_entries(append(2, (5, 2), &[2], 0));
        assert!(!reply.success);
        assert_eq!((reply.conflict_term, reply.log_len), (None, 3));
        assert_eq!(terms(&st), [1, 1]);
    });
}

/// §5.3, fast back-up: on a term mismatch the follower names its term there
/// and the first index it holds with that term.
#[test]
fn mismatch_names_the_conflicting_term_and_its_first_index() {
    sim(|| {
        let mut st = follower(0, 3, 5, &[1, 2, 2, 2]);
        let reply = st.handle_append_entries(append(5, (4, 3), &[5], 0));
        assert!(!reply.success);
        assert_eq!(
            (reply.conflict_term, reply.conflict_index, reply.log_len),
            (Some(2), 2, 5)
        );
        assert_eq!(terms(&st), [1, 2, 2, 2]);
    });
}

/// §5.3: an entry that conflicts with a new one is deleted with all that
/// follow it, and the leader's entries are appended.
#[test]
fn conflicting_suffix_is_replaced() {
    sim(|| {
        let mut st = follower(0, 3, 3, &[1, 1, 2, 2]);
        let reply = st.handle_append_entries(append(3, (2, 1), &[3, 3], 0));
        assert!(reply.success);
        assert_eq!(terms(&st), [1, 1, 3, 3]);
    });
}

/// §5.3: only an actual conflict truncates. A delayed AppendEntries that
/// carries fewer entries than the log already has from the same leader
/// leaves the later entries in place.
#[test]
fn stale_append_entries_does_not_truncate() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[]);
        assert!(
            st.handle_append_entries(append(1, (0, 0), &[1, 1, 1, 1], 0))
                .success
        );
        let delayed = st.handle_append_entries(append(1, (0, 0), &[1], 0));
        assert!(delayed.success);
        assert_eq!(terms(&st), [1, 1, 1, 1]);
        assert!(!st.unsaved);
    });
}

/// Figure 2, AppendEntries step 5: commit up to the leader's commit, but no
/// further than the last entry this request vouched for.
#[test]
fn follower_commits_only_what_the_request_verified() {
    sim(|| {
        let mut st = follower(0, 3, 2, &[1, 1, 2, 2]);
        assert!(st.handle_append_entries(append(2, (2, 1), &[], 9)).success);
        assert_eq!(st.commit_index, 2);
        // A stale heartbeat never moves the commit index back.
        assert!(st.handle_append_entries(append(2, (1, 1), &[], 1)).success);
        assert_eq!(st.commit_index, 2);
    });
}

/// §5.4.2 and figure 8: a leader does not commit an entry of an older term
/// by counting replicas, only through an entry of its own term.
#[test]
fn leader_commits_only_current_term_entries_by_counting() {
    sim(|| {
        let mut st = leader(3, 3, &[1, 2]);
        st.handle_append_reply(1, &append(3, (0, 0), &[1, 2], 0), &ok(3));
        assert_eq!(progress(&st, 1), (3, 2));
        assert_eq!(st.commit_index, 0, "committed a term-2 entry by counting");

        assert_eq!(st.start(b"x".to_vec()), Some((3, 3)));
        st.handle_append_reply(1, &append(3, (2, 2), &[3], 0), &ok(3));
        assert_eq!(st.commit_index, 3);
    });
}

fn ok(term: u64) -> AppendEntriesReply {
    AppendEntriesReply {
        term,
        success: true,
        ..AppendEntriesReply::default()
    }
}

fn refused(
    term: u64,
    conflict_term: Option<u64>,
    conflict_index: u64,
    log_len: u64,
) -> AppendEntriesReply {
    AppendEntriesReply {
        term,
        success: false,
        conflict_term,
        conflict_index,
        log_len,
    }
}

/// §5.3, fast back-up: one round trip skips a whole conflicting term.
#[test]
fn leader_backs_up_a_term_at_a_time() {
    sim(|| {
        // The leader's log: terms 1 1 4 4 4 5, then 6 from its own term.
        let probe = append(6, (6, 5), &[], 0);
        for (reply, next_index) in [
            (refused(6, None, 0, 3), 3),    // the follower's log is short
            (refused(6, Some(4), 3, 7), 6), // the leader has term 4: past its last 4
            (refused(6, Some(3), 2, 7), 2), // the leader lacks term 3: its first index
        ] {
            let mut st = leader(3, 6, &[1, 1, 4, 4, 4, 5]);
            st.handle_append_reply(1, &probe, &reply);
            assert_eq!(progress(&st, 1).0, next_index, "after {reply:?}");
        }
    });
}

/// Replies out of order: a rejection of an outdated probe and an old
/// success change nothing; the match index never goes back.
#[test]
fn stale_replies_do_not_move_progress_back() {
    sim(|| {
        let mut st = leader(3, 2, &[1, 1, 1]);
        let probe = append(2, (3, 1), &[], 0);
        st.handle_append_reply(1, &probe, &refused(2, None, 0, 2));
        assert_eq!(progress(&st, 1), (2, 0));
        st.handle_append_reply(1, &probe, &refused(2, None, 0, 1));
        assert_eq!(
            progress(&st, 1),
            (2, 0),
            "an outdated rejection backed up again"
        );

        st.handle_append_reply(1, &append(2, (0, 0), &[1, 1, 1], 0), &ok(2));
        st.handle_append_reply(1, &append(2, (0, 0), &[1], 0), &ok(2));
        assert_eq!(progress(&st, 1), (4, 3));
    });
}

/// A reply from a newer term deposes the leader.
#[test]
fn newer_term_in_a_reply_deposes_the_leader() {
    sim(|| {
        let mut st = leader(3, 2, &[]);
        let newer = AppendEntriesReply {
            term: 9,
            ..AppendEntriesReply::default()
        };
        st.handle_append_reply(2, &append(2, (0, 0), &[], 0), &newer);
        assert!(matches!(st.role, Role::Follower));
        assert_eq!(st.current_term, 9);
    });
}

/// A new leader writes at once; then once per heartbeat interval, unless
/// it has entries to send and none are already on their way.
#[test]
fn sends_are_paced_by_heartbeats_and_new_entries() {
    sim(|| {
        let mut st = leader(3, 1, &[]);
        let now = Instant::now();
        assert!(matches!(
            st.replication_due(1, now),
            Due::Send(Outgoing::Append(_))
        ));
        assert!(
            matches!(st.replication_due(1, now), Due::At(at) if at == now + HEARTBEAT_INTERVAL)
        );

        st.start(b"x".to_vec());
        let Due::Send(Outgoing::Append(args)) = st.replication_due(1, now) else {
            panic!("a new entry waited for the heartbeat")
        };
        let x = Entry {
            term: 1,
            command: b"x".to_vec(),
        };
        assert_eq!(args.entries, [x]);
        st.start(b"y".to_vec());
        assert!(
            matches!(st.replication_due(1, now), Due::At(_)),
            "sent entries twice at once"
        );
        st.handle_append_reply(1, &args, &ok(1));
        assert!(matches!(st.replication_due(1, now), Due::Send(_)));

        let mut other = follower(1, 3, 1, &[]);
        assert!(matches!(other.replication_due(0, now), Due::Idle));
    });
}

/// A follower hears of a new commit index at once, from an AppendEntries
/// of its own, not at the next heartbeat; a follower that already heard of
/// it is not written to again.
#[test]
fn a_new_commit_index_goes_out_before_the_heartbeat() {
    sim(|| {
        let mut st = leader(3, 1, &[]);
        let now = Instant::now();
        st.start(b"x".to_vec());
        let mut sent = [1, 2].map(|peer| match st.replication_due(peer, now) {
            Due::Send(Outgoing::Append(args)) => args,
            _ => panic!("the new entry waited for the heartbeat"),
        });
        assert_eq!(sent[0].leader_commit, 0);
        st.handle_append_reply(1, &sent[0], &ok(1));
        assert_eq!(st.commit_index, 1);
        for (peer, args) in [1, 2].into_iter().zip(&mut sent) {
            // Peer 2's entry is still in flight: the commit rides on the
            // next write after its reply.
            if peer == 2 {
                assert!(matches!(st.replication_due(peer, now), Due::At(_)));
                st.handle_append_reply(peer, args, &ok(1));
            }
            let Due::Send(Outgoing::Append(next)) = st.replication_due(peer, now) else {
                panic!("peer {peer} waits for the heartbeat to hear of commit 1")
            };
            assert_eq!((next.leader_commit, next.entries.len()), (1, 0));
            assert!(
                matches!(st.replication_due(peer, now), Due::At(at) if at == now + HEARTBEAT_INTERVAL),
                "peer {peer} told twice"
            );
        }
    });
}
// SOLUTION END
