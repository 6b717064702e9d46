//! The handlers' rules, one test per rule, each citing the section of the
//! extended Raft paper it checks. Handlers run on a bare [`State`]; no
//! network, no threads.

// SOLUTION BEGIN
mod election;
mod hostile;
mod replication;
mod snapshot;

use crate::log::Entry;
use crate::persister::Persister;
use crate::state::State;

/// Runs `body` in a sim run: states need the run's clock, randomness and
/// locks.
fn sim(body: impl FnOnce()) {
    labrt::Config::sim(0).run(body);
}

fn entry(term: u64) -> Entry {
    Entry {
        term,
        command: term.to_le_bytes().to_vec(),
    }
}

fn entries(terms: &[u64]) -> Vec<Entry> {
    terms.iter().map(|&t| entry(t)).collect()
}

/// Peer `me` of `n`, a follower in `term` whose log holds one entry per
/// term of `log`, from index 1.
fn follower(me: usize, n: usize, term: u64, log: &[u64]) -> State {
    let mut st = State::new(me, n, Persister::new());
    st.current_term = term;
    for e in entries(log) {
        st.log.push(e);
    }
    st
}

/// Peer 0 of `n`, leader of `term` (after the last term of `log`), elected
/// by the lowest-numbered peers.
fn leader(n: usize, term: u64, log: &[u64]) -> State {
    let mut st = follower(0, n, term - 1, log);
    let args = st.start_election();
    let granted = crate::msg::RequestVoteReply {
        term,
        vote_granted: true,
    };
    for peer in 1..n {
        if st.is_leader() {
            break;
        }
        st.handle_vote_reply(peer, &args, &granted);
    }
    assert!(st.is_leader(), "peer 0 did not win term {term}");
    st
}

/// The terms of the entries after the snapshot.
fn terms(st: &State) -> Vec<u64> {
    let first = st.log.snapshot_index() + 1;
    (first..=st.log.last_index())
        .map(|index| st.log.entry(index).term)
        .collect()
}
// SOLUTION END
