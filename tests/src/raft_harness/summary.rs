//! The table a failed Raft check ends with: every peer as the harness sees
//! it through the course API (`get_state`, the persister's sizes, what
//! each peer applied, the snapshots the harness made or was handed).

use std::fmt::Display;

use super::RaftConfig;
use crate::peer_table::{bytes, render, state_cells, state_within, yes_no};

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
        let rows: Vec<Vec<String>> = (0..self.n()).map(|i| self.row(i)).collect();
        render(
            &[
                "peer",
                "connected",
                "alive",
                "term",
                "leader",
                "applied (count)",
                "snapshot@",
                "raft state",
                "snapshot",
            ],
            &rows,
            "  (applied: the highest index the peer applied, and how many indices it holds; \
             snapshot@: the last snapshot index it made or installed)",
        )
    }

    fn row(&self, i: usize) -> Vec<String> {
        let (raft, cells) = {
            let state = self.0.state.lock();
            let peer = &state.peers[i];
            let applied = match peer.log.last_key_value() {
                Some((index, _)) => format!("{index} ({})", peer.log.len()),
                None => "none".to_string(),
            };
            let cells = [
                applied,
                peer.snapshot_index.to_string(),
                bytes(peer.persister.raft_state_size()),
                bytes(peer.persister.snapshot_size()),
            ];
            (peer.raft.clone(), (yes_no(peer.connected), cells))
        };
        let state = raft.map(|raft| state_within(raft, i));
        let (connected, rest) = cells;
        [i.to_string(), connected.to_string()]
            .into_iter()
            .chain(state_cells(state))
            .chain(rest)
            .collect()
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
