//! What survives a crash (figure 2's persistent state): the current term,
//! the vote and the log, whose sentinel records where the snapshot ends.
//! Encoded with labcodec into the [`Persister`].

// SOLUTION BEGIN
use labcodec::DecodeError;
use serde::{Deserialize, Serialize};

use crate::log::Log;
use crate::persister::{Corruption, Persister};
use crate::state::{State, possible};

/// The persisted fields, as loaded. Saving writes the same bytes without
/// this struct (see `State::encode_persistent`); the test
/// `the_incremental_encoding_is_the_plain_one` keeps the two in step.
#[derive(Serialize, Deserialize)]
struct Persistent<L> {
    current_term: u64,
    voted_for: Option<usize>,
    log: L,
}

impl State {
    /// The encoding of [`Persistent`], built from a small header and the
    /// log's cached entry encodings: a save costs a copy of the log, not a
    /// fresh encoding of every entry.
    fn encode_persistent(&mut self) -> Vec<u8> {
        // The fields of `Persistent` and of `Log`, up to the entries' length
        // prefix, encode exactly as this tuple does.
        let header = labcodec::encode(&(
            self.current_term,
            self.voted_for,
            self.log.snapshot_index(),
            self.log.len() as u64,
        ));
        let entries = self.log.encoded_entries();
        let size = header.len() + entries.len();
        // labcodec refuses to encode more; a larger state could be saved
        // but never restored.
        assert!(
            size <= labcodec::MAX_MESSAGE,
            "raft {}: the persistent state has grown to {size} bytes, past labcodec's limit of {}",
            self.me,
            labcodec::MAX_MESSAGE
        );
        let mut bytes = Vec::with_capacity(size);
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(entries);
        bytes
    }

    /// Saves term, vote and log if they changed since the last save.
    pub fn save(&mut self) {
        if self.unsaved {
            let state = self.encode_persistent();
            tracing::trace!(target: "persist", peer = self.me, bytes = state.len(), "persist");
            self.persister.save_raft_state(state);
            self.unsaved = false;
        }
    }

    /// Saves term, vote and log together with a new snapshot, atomically.
    pub fn save_with_snapshot(&mut self, snapshot: Vec<u8>) {
        let state = self.encode_persistent();
        tracing::trace!(target: "persist", peer = self.me, bytes = state.len(), snapshot = snapshot.len(), "persist");
        self.persister.save(state, snapshot);
        self.unsaved = false;
    }

    /// The state `persister` holds, or a fresh one if it holds none. Commit
    /// and apply start at the snapshot: the service restores that itself.
    pub fn restore(me: usize, peers: usize, persister: Persister) -> Result<State, Corruption> {
        let bytes = persister.read_raft_state()?;
        let mut state = State::new(me, peers, persister);
        if bytes.is_empty() {
            return Ok(state);
        }
        let saved: Persistent<Log> = labcodec::decode(&bytes)?;
        let malformed = |reason: String| Corruption::Decode(DecodeError::Malformed { reason });
        saved.log.validate().map_err(malformed)?;
        // The log's length is bounded by the message size, so a reachable
        // snapshot index keeps every index of the log reachable too.
        if !possible(saved.current_term) || !possible(saved.log.snapshot_index()) {
            return Err(malformed(format!(
                "term {} or snapshot index {} is beyond any run's reach",
                saved.current_term,
                saved.log.snapshot_index()
            )));
        }
        if let Some(peer) = saved.voted_for.filter(|&p| p >= peers) {
            return Err(malformed(format!(
                "the vote went to peer {peer}, but there are {peers} peers"
            )));
        }
        state.current_term = saved.current_term;
        state.voted_for = saved.voted_for;
        state.log = saved.log;
        state.commit_index = state.log.snapshot_index();
        state.last_applied = state.log.snapshot_index();
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use labcodec::DecodeError;

    use crate::log::Entry;
    use crate::persister::{Corruption, Persister};
    use crate::state::State;

    fn in_sim(body: impl FnOnce()) {
        labrt::Config::sim(0).run(body);
    }

    #[test]
    fn round_trip_restores_term_vote_log_and_snapshot_point() {
        in_sim(|| {
            let persister = Persister::new();
            let mut st = State::new(1, 3, persister.clone());
            st.current_term = 3;
            st.voted_for = Some(2);
            for term in [1, 1, 2, 3] {
                st.log.push(Entry {
                    term,
                    command: vec![7; term as usize],
                });
            }
            st.commit_index = 3;
            st.last_applied = 3;
            st.snapshot(2, b"snap".to_vec());
            assert!(!st.unsaved);

            let back = State::restore(1, 3, persister.copy()).expect("state decodes");
            assert_eq!((back.current_term, back.voted_for), (3, Some(2)));
            assert_eq!(back.log, st.log);
            assert_eq!((back.commit_index, back.last_applied), (2, 2));
            assert_eq!(persister.read_snapshot().unwrap(), b"snap");
        });
    }

    #[test]
    fn the_incremental_encoding_is_the_plain_one() {
        in_sim(|| {
            let mut st = State::new(0, 3, Persister::new());
            let plain = |st: &State| {
                labcodec::encode(&super::Persistent {
                    current_term: st.current_term,
                    voted_for: st.voted_for,
                    log: &st.log,
                })
            };
            let check = |st: &mut State| {
                let expected = plain(st);
                assert_eq!(st.encode_persistent(), expected);
            };
            check(&mut st);
            for term in [1, 1, 2, 2, 2, 300] {
                st.log.push(Entry {
                    term,
                    command: vec![term as u8; 200],
                });
                check(&mut st);
            }
            st.current_term = 300;
            st.voted_for = Some(2);
            check(&mut st);
            st.log.truncate_from(4);
            check(&mut st);
            st.log.push(Entry {
                term: 301,
                command: b"after the conflict".to_vec(),
            });
            check(&mut st);
            st.log.compact_through(2);
            check(&mut st);
            st.log = crate::log::Log::from_snapshot(9, 4);
            check(&mut st);
        });
    }

    #[test]
    fn empty_state_is_a_fresh_start() {
        in_sim(|| {
            let st = State::restore(0, 3, Persister::new()).expect("empty state is fresh");
            assert_eq!(
                (st.current_term, st.voted_for, st.log.last_index()),
                (0, None, 0)
            );
        });
    }

    #[test]
    fn save_writes_only_when_something_changed() {
        in_sim(|| {
            let persister = Persister::new();
            let mut st = State::new(0, 3, persister.clone());
            st.save();
            assert_eq!(persister.raft_state_size(), 0);
            st.become_follower(1, "test");
            st.save();
            assert!(persister.raft_state_size() > 0);
        });
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        in_sim(|| {
            for garbage in [&b"\xff\xff\xff"[..], b"\x01", b"\x00\x00\x00\x00"] {
                let persister = Persister::new();
                persister.save_raft_state(garbage.to_vec());
                assert!(
                    State::restore(0, 3, persister).is_err(),
                    "{garbage:?} decoded"
                );
            }
        });
    }

    #[test]
    fn a_vote_for_a_peer_that_does_not_exist_is_corrupt() {
        in_sim(|| {
            let persister = Persister::new();
            let mut st = State::new(0, 5, persister.clone());
            st.become_follower(1, "test");
            st.voted_for = Some(4);
            st.save();
            let error = State::restore(0, 3, persister).err();
            assert!(
                matches!(&error, Some(Corruption::Decode(DecodeError::Malformed { reason })) if reason.contains("peer 4")),
                "{error:?}"
            );
        });
    }
}
// SOLUTION STUB
// // Your code here (2C): encode currentTerm, votedFor and log[] with
// // labcodec into the Persister, and decode them when a peer restarts
// // (figure 2, "Persistent state on all servers").
// SOLUTION END
