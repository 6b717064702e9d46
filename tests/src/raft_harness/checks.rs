//! The course's checks: leaders, terms, agreement, and waiting for it.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use labrt::rand::RngExt;
use labrt::time::{self, Duration, Instant};
use serde::Serialize;

use super::RaftConfig;

/// The course's election-timeout allowance: a new leader must emerge
/// within it. Tests sleep fractions and multiples of it.
pub const ELECTION_TIMEOUT: Duration = Duration::from_millis(1000);

/// Rounds of [`RaftConfig::check_one_leader`], each after a sleep of
/// 450-549 ms.
const LEADER_ROUNDS: usize = 10;
/// How long [`RaftConfig::one`] keeps trying, and how long it waits for one
/// submission to commit.
const ONE_TOTAL: Duration = Duration::from_secs(10);
const ONE_PER_START: Duration = Duration::from_secs(2);
const ONE_POLL: Duration = Duration::from_millis(20);
const ONE_NO_LEADER_SLEEP: Duration = Duration::from_millis(50);
/// [`RaftConfig::wait`]: polls, first backoff, and the cap on doubling.
const WAIT_POLLS: usize = 30;
const WAIT_FIRST: Duration = Duration::from_millis(10);
const WAIT_DOUBLE_BELOW: Duration = Duration::from_secs(1);

/// A fresh non-negative random command, as the course's `rand.Int()`.
pub fn rand_cmd() -> i64 {
    labrt::rand::rng().random_range(0..=i64::MAX)
}

/// A random string of `len` letters and digits.
pub fn rand_string(len: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = labrt::rand::rng();
    (0..len)
        .map(|_| LETTERS[rng.random_range(0..LETTERS.len())] as char)
        .collect()
}

/// An applied command that must be an integer.
pub fn as_int(command: &[u8]) -> i64 {
    labcodec::decode(command).unwrap_or_else(|_| panic!("value {} is not an int", show(command)))
}

/// A command for messages: the integer or string it encodes, if it is one.
pub(crate) fn show(command: &[u8]) -> String {
    if let Ok(n) = labcodec::decode::<i64>(command) {
        return n.to_string();
    }
    match labcodec::decode::<String>(command) {
        Ok(s) if s.len() > 40 => format!("{:?}... ({} chars)", &s[..40], s.len()),
        Ok(s) => format!("{s:?}"),
        Err(_) => format!("<{} bytes>", command.len()),
    }
}

impl RaftConfig {
    /// Records that `peer` was seen leading in `term`; two leaders in one
    /// term fail the test, however far apart they were seen.
    fn observe_leader(&self, term: u64, peer: usize) {
        let first = *self.0.state.lock().leaders.entry(term).or_insert(peer);
        if first != peer {
            self.fail(format_args!(
                "term {term} has two leaders: servers {first} and {peer}"
            ));
        }
    }

    /// `get_state` of peer `i`, if it runs; a claim of leadership is recorded.
    pub fn get_state(&self, i: usize) -> Option<(u64, bool)> {
        let (term, leader) = self.raft(i)?.get_state();
        if leader {
            self.observe_leader(term, i);
        }
        Some((term, leader))
    }

    /// `start` on peer `i`, if it runs: `Some((index, term))` if it leads.
    pub fn start(&self, i: usize, command: &impl Serialize) -> Option<(u64, u64)> {
        let (index, term) = self.raft(i)?.start(labcodec::encode(command))?;
        tracing::debug!(target: "harness", peer = i, index, term, "start");
        self.observe_leader(term, i);
        Some((index, term))
    }

    /// Waits for exactly one leader among the connected peers and returns
    /// it; the newest if stale leaders of older terms remain.
    pub fn check_one_leader(&self) -> usize {
        for _ in 0..LEADER_ROUNDS {
            let ms = labrt::rand::rng().random_range(450..550);
            time::sleep(Duration::from_millis(ms));
            let mut leaders: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
            for i in (0..self.n()).filter(|&i| self.is_connected(i)) {
                if let Some((term, true)) = self.get_state(i) {
                    leaders.entry(term).or_default().push(i);
                }
            }
            for (term, peers) in &leaders {
                if peers.len() > 1 {
                    self.fail(format_args!("term {term} has {} (>1) leaders", peers.len()));
                }
            }
            if let Some((_, peers)) = leaders.last_key_value() {
                return peers[0];
            }
        }
        self.fail("expected one leader, got none");
    }

    /// The term every connected peer agrees on.
    pub fn check_terms(&self) -> u64 {
        let mut agreed = None;
        for i in (0..self.n()).filter(|&i| self.is_connected(i)) {
            let Some((term, _)) = self.get_state(i) else {
                continue;
            };
            match agreed {
                None => agreed = Some(term),
                Some(t) if t != term => self.fail(format_args!(
                    "servers disagree on term: {t} and {term} (server {i})"
                )),
                Some(_) => {}
            }
        }
        agreed.unwrap_or_else(|| self.fail("no connected server to ask for its term"))
    }

    /// Fails if any connected peer claims to lead.
    pub fn check_no_leader(&self) {
        for i in (0..self.n()).filter(|&i| self.is_connected(i)) {
            if let Some((_, true)) = self.get_state(i) {
                self.fail(format_args!(
                    "expected no leader among connected servers, but {i} claims to be leader"
                ));
            }
        }
    }

    /// How many peers, crashed and disconnected ones included, applied
    /// `index`, and the command they applied.
    pub fn n_committed(&self, index: u64) -> (usize, Option<Vec<u8>>) {
        let mismatch = {
            let state = self.0.state.lock();
            let mut count = 0;
            let mut agreed: Option<&Vec<u8>> = None;
            let mut mismatch = None;
            for peer in &state.peers {
                let Some(command) = peer.log.get(&index) else {
                    continue;
                };
                if let Some(other) = agreed.filter(|other| *other != command) {
                    mismatch = Some(format!(
                        "committed values do not match: index {index}, {}, {}",
                        show(other),
                        show(command)
                    ));
                    break;
                }
                count += 1;
                agreed = Some(command);
            }
            match mismatch {
                None => return (count, agreed.cloned()),
                Some(mismatch) => mismatch,
            }
        };
        self.fail(mismatch)
    }

    /// Submits `command` to whichever peer leads and waits until at least
    /// `expected` peers applied it; returns its index, or 0 if the test
    /// ended meanwhile. With `retry`, a submission that does not commit
    /// within 2 s is submitted again.
    pub fn one(&self, command: &impl Serialize, expected: usize, retry: bool) -> u64 {
        let encoded = labcodec::encode(command);
        let t0 = Instant::now();
        while t0.elapsed() < ONE_TOTAL && !self.finished() {
            match self.submit(command) {
                Some(index) => {
                    let t1 = Instant::now();
                    while t1.elapsed() < ONE_PER_START {
                        let (count, applied) = self.n_committed(index);
                        if count > 0 && count >= expected && applied.as_ref() == Some(&encoded) {
                            return index;
                        }
                        time::sleep(ONE_POLL);
                    }
                    if !retry {
                        self.fail(format_args!(
                            "one({}) failed to reach agreement: {expected} servers had to apply \
                             it at index {index} within {ONE_PER_START:?}",
                            show(&encoded)
                        ));
                    }
                }
                None => time::sleep(ONE_NO_LEADER_SLEEP),
            }
        }
        if !self.finished() {
            self.fail(format_args!(
                "one({}) failed to reach agreement: no {expected} servers applied it within {ONE_TOTAL:?}",
                show(&encoded)
            ));
        }
        0
    }

    /// Offers `command` to the connected peers in turn, starting after the
    /// last one tried; the index if one of them leads.
    fn submit(&self, command: &impl Serialize) -> Option<u64> {
        for _ in 0..self.n() {
            let i = {
                let mut state = self.0.state.lock();
                state.one_cursor = (state.one_cursor + 1) % self.n();
                state.one_cursor
            };
            if !self.is_connected(i) {
                continue;
            }
            if let Some((index, _)) = self.start(i, command) {
                return Some(index);
            }
        }
        None
    }

    /// Waits, backing off, until `n` peers applied `index`, and returns
    /// what they applied. `None` if `start_term` is given and some peer has
    /// moved past it, so the index may never commit.
    pub fn wait(&self, index: u64, n: usize, start_term: Option<u64>) -> Option<Vec<u8>> {
        let mut backoff = WAIT_FIRST;
        for _ in 0..WAIT_POLLS {
            if self.n_committed(index).0 >= n {
                break;
            }
            time::sleep(backoff);
            if backoff < WAIT_DOUBLE_BELOW {
                backoff *= 2;
            }
            if let Some(start_term) = start_term {
                let moved_on = (0..self.n())
                    .filter_map(|i| self.get_state(i))
                    .any(|(term, _)| term > start_term);
                if moved_on {
                    return None;
                }
            }
        }
        let (count, command) = self.n_committed(index);
        if count < n {
            self.fail(format_args!(
                "only {count} decided for index {index}; wanted {n}"
            ));
        }
        command
    }

    pub(super) fn finished(&self) -> bool {
        self.0.finished.load(Ordering::Relaxed)
    }
}
