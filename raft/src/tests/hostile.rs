//! Messages no correct peer sends: extreme terms, indices and lengths.
//! Each is refused or bounded; none panics, makes `term + 1` overflow or
//! breaks the log's bookkeeping, and the peer still elects itself after.

// SOLUTION BEGIN
use super::{entries, follower, leader, sim};
use crate::RaftError;
use crate::msg::{
    AppendEntriesArgs, AppendEntriesReply, InstallSnapshotArgs, InstallSnapshotReply,
    RequestVoteArgs, RequestVoteReply,
};
use crate::persister::{Corruption, Part, Persister};
use crate::state::{MAX_TERM_OR_INDEX, State};

const EXTREMES: [u64; 3] = [u64::MAX, u64::MAX - 1, MAX_TERM_OR_INDEX + 1];

/// The peer keeps its bookkeeping and can still run an election.
fn still_sound(st: &mut State, term: u64) {
    st.check_invariants();
    assert_eq!(st.current_term, term, "an impossible term was adopted");
    let args = st.start_election();
    assert_eq!(args.term, term + 1);
}

#[test]
fn requests_from_impossible_terms_are_refused() {
    sim(|| {
        for extreme in EXTREMES {
            let mut st = follower(0, 3, 2, &[1, 2]);
            for pre_vote in [true, false] {
                let vote = st.handle_request_vote(&RequestVoteArgs {
                    term: extreme,
                    candidate_id: 1,
                    last_log_index: u64::MAX,
                    last_log_term: u64::MAX,
                    pre_vote,
                });
                assert_eq!((vote.term, vote.vote_granted), (2, false));
            }
            let append = st.handle_append_entries(AppendEntriesArgs {
                term: extreme,
                leader_id: 1,
                prev_log_index: 2,
                prev_log_term: 2,
                entries: entries(&[2]),
                leader_commit: u64::MAX,
            });
            assert!(!append.success);
            let install = st.handle_install_snapshot(InstallSnapshotArgs {
                term: extreme,
                leader_id: 1,
                last_included_index: 5,
                last_included_term: 2,
                data: b"x".to_vec(),
            });
            assert_eq!(install.term, 2);
            assert_eq!(st.log.last_index(), 2);
            still_sound(&mut st, 2);
        }
    });
}

#[test]
fn impossible_indices_and_entry_terms_are_refused_in_a_current_term() {
    sim(|| {
        for extreme in EXTREMES {
            let mut st = follower(0, 3, 2, &[1, 2]);
            let far = st.handle_append_entries(AppendEntriesArgs {
                term: 3,
                leader_id: 1,
                prev_log_index: extreme,
                prev_log_term: 3,
                entries: entries(&[3, 3]),
                leader_commit: extreme,
            });
            assert!(!far.success);
            let future_entry = st.handle_append_entries(AppendEntriesArgs {
                term: 3,
                leader_id: 1,
                prev_log_index: 2,
                prev_log_term: 2,
                entries: entries(&[extreme]),
                leader_commit: 3,
            });
            assert!(
                !future_entry.success,
                "an entry from after the leader's term"
            );
            st.handle_install_snapshot(InstallSnapshotArgs {
                term: 3,
                leader_id: 1,
                last_included_index: extreme,
                last_included_term: 3,
                data: b"x".to_vec(),
            });
            assert_eq!(
                st.log.snapshot_index(),
                0,
                "an unreachable snapshot was installed"
            );
            // The leader's own messages stay welcome: a huge commit index
            // is bounded by what the leader sent.
            let ok = st.handle_append_entries(AppendEntriesArgs {
                term: 3,
                leader_id: 1,
                prev_log_index: 2,
                prev_log_term: 2,
                entries: entries(&[3]),
                leader_commit: extreme,
            });
            assert!(ok.success);
            assert_eq!(st.commit_index, 3);
            still_sound(&mut st, 3);
        }
    });
}

#[test]
fn replies_with_impossible_terms_or_hints_are_bounded() {
    sim(|| {
        for extreme in EXTREMES {
            let mut st = leader(3, 4, &[1, 2]);
            let args = AppendEntriesArgs {
                term: 4,
                leader_id: 0,
                prev_log_index: 2,
                prev_log_term: 2,
                entries: Vec::new(),
                leader_commit: 0,
            };
            let from_the_future = AppendEntriesReply {
                term: extreme,
                ..AppendEntriesReply::default()
            };
            st.handle_append_reply(1, &args, &from_the_future);
            let vote = RequestVoteArgs {
                term: 4,
                candidate_id: 0,
                last_log_index: 2,
                last_log_term: 2,
                pre_vote: false,
            };
            let granted = RequestVoteReply {
                term: extreme,
                vote_granted: true,
            };
            st.handle_vote_reply(1, &vote, &granted);
            let snapshot = InstallSnapshotArgs {
                term: 4,
                leader_id: 0,
                last_included_index: 2,
                last_included_term: 2,
                data: Vec::new(),
            };
            st.handle_install_snapshot_reply(1, &snapshot, &InstallSnapshotReply { term: extreme });
            assert!(
                st.is_leader(),
                "a reply from an impossible term deposed the leader"
            );
            for hint in [
                AppendEntriesReply {
                    term: 4,
                    log_len: extreme,
                    ..AppendEntriesReply::default()
                },
                AppendEntriesReply {
                    term: 4,
                    conflict_term: Some(extreme),
                    conflict_index: extreme,
                    ..AppendEntriesReply::default()
                },
            ] {
                let probe = AppendEntriesArgs {
                    prev_log_index: 2,
                    ..args.clone()
                };
                st.handle_append_reply(2, &probe, &hint);
            }
            st.check_invariants();
            st.become_follower(4, "test");
            still_sound(&mut st, 4);
        }
    });
}

/// A leader of a later term that disagrees at a committed index breaks
/// leader completeness: it is refused, and the committed entries stay.
#[test]
fn entries_that_conflict_with_committed_ones_are_refused() {
    sim(|| {
        let mut st = follower(0, 3, 2, &[1, 2, 2]);
        st.commit_index = 2;
        let rewrite = st.handle_append_entries(AppendEntriesArgs {
            term: 3,
            leader_id: 1,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: entries(&[1, 3, 3]),
            leader_commit: 3,
        });
        assert!(!rewrite.success);
        assert_eq!(
            (st.log.last_index(), st.log.term(2), st.commit_index),
            (3, Some(2), 2)
        );
        // Past the commit index, a conflict is the leader's to settle.
        let ok = st.handle_append_entries(AppendEntriesArgs {
            term: 3,
            leader_id: 1,
            prev_log_index: 2,
            prev_log_term: 2,
            entries: entries(&[3]),
            leader_commit: 3,
        });
        assert!(ok.success);
        assert_eq!((st.log.term(3), st.commit_index), (Some(3), 3));
        still_sound(&mut st, 3);
    });
}

#[test]
fn a_saved_term_no_run_can_reach_is_corrupt() {
    sim(|| {
        let persister = Persister::new();
        let mut st = State::new(0, 3, persister.clone());
        st.current_term = u64::MAX;
        st.unsaved = true;
        st.save();
        let error = State::restore(0, 3, persister).err().expect("refused");
        assert!(
            error.to_string().contains("beyond any run's reach"),
            "{error}"
        );
    });
}

#[test]
fn a_peer_refuses_to_start_from_any_damaged_byte_of_its_storage() {
    sim(|| {
        let persister = Persister::new();
        let mut st = State::new(2, 3, persister.clone());
        st.become_follower(3, "test");
        st.voted_for = Some(1);
        st.log.push(crate::log::Entry {
            term: 3,
            command: b"x".to_vec(),
        });
        st.save_with_snapshot(b"snap".to_vec());
        let net = labrpc::Network::new();
        let ends: Vec<_> = (0..3)
            .map(|p| net.make_end(format!("{p}")).unwrap())
            .collect();
        let (apply_tx, _apply_rx) = labrt::chan::unbounded();
        for part in [Part::RaftState, Part::Snapshot] {
            let len = persister.stored_len(part);
            for offset in 0..len {
                let damaged = persister.copy();
                assert!(damaged.damage(part, offset));
                let error = match crate::make(ends.clone(), 2, damaged, apply_tx.clone()) {
                    Err(RaftError::CorruptState {
                        server: 2,
                        error: Corruption::Checksum(error),
                    })
                    | Err(RaftError::CorruptSnapshot { server: 2, error }) => error,
                    Err(other) => panic!("{part} byte {offset} of {len}: {other}"),
                    Ok(_) => panic!("{part} byte {offset} of {len} damaged, and the peer started"),
                };
                assert_eq!(error.part, part);
            }
        }
        let rf = crate::make(ends, 2, persister, apply_tx).expect("the undamaged state");
        assert_eq!(rf.get_state(), (3, false));
        rf.kill();
    });
}
// SOLUTION END
