//! The table a failed check ends with: every peer as the harness sees it.
//!
//! It uses only what the course API and the harness observe (`get_state`,
//! the persister's sizes, what each peer applied, the snapshots the harness
//! made or was handed), so it works for any Raft, a student's included; it
//! never reaches into a peer's internals.

use std::fmt::{Display, Write};

use labrt::chan;
use labrt::time::Duration;

use super::RaftConfig;

/// How long the table waits for a peer's `get_state`: a peer stuck on its
/// own lock must not keep the failure from being reported.
const STATE_WAIT: Duration = Duration::from_millis(100);

/// One peer's row.
struct Row {
    connected: bool,
    /// `get_state`, None if crashed; Some(None) if it did not answer in time.
    state: Option<Option<(u64, bool)>>,
    applied: Option<u64>,
    applied_count: usize,
    snapshot_index: u64,
    raft_state: usize,
    snapshot: usize,
}

impl RaftConfig {
    /// Fails the test with `message`, followed by the table of every peer.
    #[track_caller]
    pub fn fail(&self, message: impl Display) -> ! {
        panic!("{message}\n{}", self.peer_table())
    }

    /// A table of every peer: connected or not, alive or not, term and
    /// leadership, the highest index it applied, the snapshot index the
    /// harness saw last, and its persisted sizes.
    pub fn peer_table(&self) -> String {
        let rows: Vec<Row> = (0..self.n()).map(|i| self.row(i)).collect();
        let mut out = String::from(
            "  peer  connected  alive  term  leader  applied (count)  snapshot@  raft state  snapshot\n",
        );
        for (i, row) in rows.iter().enumerate() {
            let yes_no = |b: bool| if b { "yes" } else { "no" };
            let (alive, term, leader) = match row.state {
                None => ("no", "-".to_string(), "-"),
                Some(None) => ("yes", "?".to_string(), "no answer"),
                Some(Some((term, leader))) => ("yes", term.to_string(), yes_no(leader)),
            };
            let applied = match row.applied {
                Some(index) => format!("{index} ({})", row.applied_count),
                None => "none".to_string(),
            };
            writeln!(
                out,
                "  {i:>4}  {:<9}  {alive:<5}  {term:>4}  {leader:<6}  {applied:>15}  {:>9}  {:>10}  {:>8}",
                yes_no(row.connected),
                row.snapshot_index,
                bytes(row.raft_state),
                bytes(row.snapshot),
            )
            .expect("writing to a string");
        }
        out.push_str(
            "  (applied: the highest index the peer applied, and how many indices it holds; \
             snapshot@: the last snapshot index it made or installed)",
        );
        out
    }

    fn row(&self, i: usize) -> Row {
        let (raft, row) = {
            let state = self.0.state.lock();
            let peer = &state.peers[i];
            let row = Row {
                connected: peer.connected,
                state: None,
                applied: peer.log.last_key_value().map(|(&index, _)| index),
                applied_count: peer.log.len(),
                snapshot_index: peer.snapshot_index,
                raft_state: peer.persister.raft_state_size(),
                snapshot: peer.persister.snapshot_size(),
            };
            (peer.raft.clone(), row)
        };
        let state = raft.map(|raft| {
            // On a thread of its own, so a peer that never answers costs
            // STATE_WAIT, not the report.
            let (tx, rx) = chan::bounded(1);
            labrt::thread::spawn(format!("peer table {i}"), move || {
                let _ = tx.send(raft.get_state());
            });
            rx.recv_timeout(STATE_WAIT).ok()
        });
        Row { state, ..row }
    }
}

/// `n` bytes, short.
fn bytes(n: usize) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KB", n as f64 / 1024.0),
        _ => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use labrt::{Config, FailureKind};

    use crate::{RaftConfig, Setup};

    #[test]
    fn a_failed_check_ends_with_a_row_per_peer() {
        let failure = Config::sim(1)
            .try_run(|| {
                let cfg = RaftConfig::new(Setup {
                    peers: 3,
                    ..Setup::default()
                });
                cfg.one(&101_i64, 3, false);
                cfg.disconnect(0);
                cfg.disconnect(1);
                cfg.crash1(2);
                cfg.check_one_leader();
            })
            .unwrap_err();
        let FailureKind::Panic { message, .. } = failure.kind else {
            panic!("expected a failed check, got {failure}");
        };
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines[0], "expected one leader, got none");
        assert!(lines[1].contains("peer  connected  alive  term  leader"));
        for (i, row) in lines[2..5].iter().enumerate() {
            let cells: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(cells[0], i.to_string(), "{row}");
            assert_eq!(cells[1], "no", "{row}: disconnected");
            assert_eq!(cells[2], if i == 2 { "no" } else { "yes" }, "{row}: alive");
            // Every peer applied the command at index 1.
            assert_eq!(&cells[5..7], ["1", "(1)"], "{row}");
        }
    }
}
