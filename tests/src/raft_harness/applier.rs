//! The appliers: what each peer applies is recorded and checked the moment
//! it arrives. Any inconsistency panics on the applier thread, which fails
//! the run at once.

use labrt::chan::Receiver;
use raft::{ApplyMsg, Raft};
use serde::{Deserialize, Serialize};

use super::{RaftConfig, State};
use crate::raft_harness::checks::show;

/// The snapshot applier snapshots after every index `k` with
/// `(k + 1) % SNAPSHOT_INTERVAL == 0`.
pub const SNAPSHOT_INTERVAL: u64 = 10;

/// The tester's snapshot, opaque to Raft: the last index it covers and the
/// command at every index up to it (`None` for index 0 and gaps).
#[derive(Serialize, Deserialize)]
struct TesterSnapshot {
    last_index: u64,
    log: Vec<Option<Vec<u8>>>,
}

/// Starts the applier of peer `i`'s instance `raft`.
pub(super) fn spawn(cfg: RaftConfig, i: usize, raft: Raft, apply_rx: Receiver<ApplyMsg>) {
    labrt::thread::spawn(format!("applier {i}"), move || {
        for msg in apply_rx.iter() {
            let outcome = if cfg.0.snapshot {
                cfg.apply_with_snapshots(i, &raft, msg)
            } else {
                cfg.apply(i, msg)
            };
            if let Err(error) = outcome {
                cfg.fail(format_args!("apply error: {error}"));
            }
        }
    });
}

impl RaftConfig {
    /// The plain applier (2A-2C): commands only, each after its predecessor.
    fn apply(&self, i: usize, msg: ApplyMsg) -> Result<(), String> {
        let ApplyMsg::Command { index, command, .. } = msg else {
            return Ok(());
        };
        let mut state = self.0.state.lock();
        let has_previous = record(&mut state, i, index, command)?;
        if index > 1 && !has_previous {
            let before = state.peers[i]
                .log
                .range(..index)
                .next_back()
                .map(|(k, _)| *k);
            return Err(format!(
                "server {i} apply out of order {index}: {}",
                skipped(index, before.unwrap_or(0))
            ));
        }
        Ok(())
    }

    /// The snapshot applier (2D): ingests snapshots, expects commands in
    /// exact sequence, and snapshots every [`SNAPSHOT_INTERVAL`] indices,
    /// synchronously, on this thread.
    fn apply_with_snapshots(&self, i: usize, raft: &Raft, msg: ApplyMsg) -> Result<(), String> {
        let (index, command) = match msg {
            ApplyMsg::Snapshot {
                index, snapshot, ..
            } => {
                let mut state = self.0.state.lock();
                let last_applied = state.peers[i].last_applied;
                if index < last_applied {
                    return Err(format!(
                        "server {i} installed a snapshot at {index} after applying {last_applied}: \
                         its applied index went backwards"
                    ));
                }
                return ingest(&mut state, i, &snapshot, Some(index));
            }
            ApplyMsg::Command { index, command, .. } => (index, command),
        };
        let snapshot = {
            let mut state = self.0.state.lock();
            let expected = state.peers[i].last_applied + 1;
            let recorded = if index != expected {
                Err(format!(
                    "server {i} apply out of order, expected index {expected}, got {index}"
                ))
            } else {
                match record(&mut state, i, index, command) {
                    Ok(has_previous) if index > 1 && !has_previous => {
                        Err(format!("server {i} apply out of order {index}"))
                    }
                    other => other.map(|_| ()),
                }
            };
            state.peers[i].last_applied = index;
            recorded?;
            if (index + 1) % SNAPSHOT_INTERVAL != 0 {
                return Ok(());
            }
            let peer = &mut state.peers[i];
            peer.snapshot_index = index;
            labcodec::encode(&TesterSnapshot {
                last_index: index,
                log: (0..=index).map(|k| peer.log.get(&k).cloned()).collect(),
            })
        };
        raft.snapshot(index, snapshot);
        Ok(())
    }
}

/// Why applying `index` is out of order when the highest index below it
/// the peer applied is `below` (0: none), naming the indices skipped.
fn skipped(index: u64, below: u64) -> String {
    let missing = if below + 2 == index {
        format!("index {} was skipped", below + 1)
    } else {
        format!("indices {} to {} were skipped", below + 1, index - 1)
    };
    if below == 0 {
        format!("{missing} (it applied none below {index})")
    } else {
        format!("{missing} (the highest index it applied below {index} is {below})")
    }
}

/// The record step: checks `command` at `index` against every peer's
/// applied log, stores it, and says whether peer `i` had applied the index
/// before it.
fn record(state: &mut State, i: usize, index: u64, command: Vec<u8>) -> Result<bool, String> {
    check_agreement(state, i, index, &command)?;
    let peer = &mut state.peers[i];
    let has_previous = index
        .checked_sub(1)
        .is_some_and(|k| peer.log.contains_key(&k));
    peer.log.insert(index, command);
    state.max_index = state.max_index.max(index);
    Ok(has_previous)
}

fn check_agreement(state: &State, i: usize, index: u64, command: &[u8]) -> Result<(), String> {
    for (j, peer) in state.peers.iter().enumerate() {
        if let Some(old) = peer.log.get(&index).filter(|old| old.as_slice() != command) {
            return Err(format!(
                "commit index={index} server={i} {} != server={j} {}",
                show(command),
                show(old)
            ));
        }
    }
    Ok(())
}

/// Loads a snapshot into peer `i`'s applied log, replacing it, as a
/// service would. With `expected`, the snapshot must cover exactly that
/// index. Every command it holds must agree with what the peers applied.
pub(super) fn ingest(
    state: &mut State,
    i: usize,
    snapshot: &[u8],
    expected: Option<u64>,
) -> Result<(), String> {
    if snapshot.is_empty() {
        return Err(format!("server {i} got an empty snapshot"));
    }
    let decoded: TesterSnapshot = labcodec::decode(snapshot)
        .map_err(|error| format!("server {i} snapshot does not decode: {error}"))?;
    if expected.is_some_and(|index| index != decoded.last_index) {
        return Err(format!("server {i} snapshot doesn't match m.SnapshotIndex"));
    }
    for (index, command) in decoded.log.iter().enumerate() {
        if let Some(command) = command {
            check_agreement(state, i, index as u64, command)
                .map_err(|error| format!("in a snapshot: {error}"))?;
        }
    }
    let peer = &mut state.peers[i];
    peer.log = (0..)
        .zip(decoded.log)
        .filter_map(|(index, command)| Some((index, command?)))
        .collect();
    peer.last_applied = decoded.last_index;
    peer.snapshot_index = decoded.last_index;
    Ok(())
}
