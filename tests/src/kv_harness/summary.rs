//! The table a failed key/value check ends with: every server as the
//! harness sees it through the course API (`get_state` of its Raft, the
//! persister's sizes) and its own records of the links it set.

use std::fmt::Display;

use super::KvConfig;
use crate::peer_table::{bytes, render, state_cells, state_within};

impl KvConfig {
    /// Fails the test with `message`, followed by the table of every
    /// server.
    #[track_caller]
    pub fn fail(&self, message: impl Display) -> ! {
        panic!("{message}\n{}", self.server_table())
    }

    /// A table of every server: alive or not, its Raft's term and
    /// leadership, the servers its links reach, and its persisted sizes.
    pub fn server_table(&self) -> String {
        let rows: Vec<Vec<String>> = (0..self.n()).map(|i| self.row(i)).collect();
        render(
            &[
                "server",
                "alive",
                "term",
                "leader",
                "links up to",
                "raft state",
                "snapshot",
            ],
            &rows,
            "  (links up to: the servers whose requests from this one the network delivers)",
        )
    }

    fn row(&self, i: usize) -> Vec<String> {
        let (raft, links, sizes) = {
            let state = self.0.servers.lock();
            let slot = &state.slots[i];
            let links: Vec<String> = slot.links.iter().map(|j| j.to_string()).collect();
            let links = if links.is_empty() {
                "none".to_string()
            } else {
                links.join(" ")
            };
            let sizes = [
                bytes(slot.persister.raft_state_size()),
                bytes(slot.persister.snapshot_size()),
            ];
            let raft = slot.server.as_ref().map(|kv| kv.raft().clone());
            (raft, links, sizes)
        };
        let state = raft.map(|raft| state_within(raft, i));
        std::iter::once(i.to_string())
            .chain(state_cells(state))
            .chain([links])
            .chain(sizes)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use labrt::{Config, FailureKind};

    use crate::{KvConfig, KvSetup};

    #[test]
    fn a_failed_check_ends_with_a_row_per_server() {
        let failure = Config::sim(1)
            .try_run(|| {
                let cfg = KvConfig::new(KvSetup {
                    servers: 3,
                    unreliable: false,
                    maxraftstate: None,
                });
                let mut ck = cfg.make_client(&cfg.all());
                ck.put("k", "v");
                cfg.partition(&[0, 1], &[2]);
                cfg.shutdown_server(1);
                cfg.fail("a check failed");
            })
            .unwrap_err();
        let FailureKind::Panic { message, .. } = failure.kind else {
            panic!("expected a failed check, got {failure}");
        };
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines[0], "a check failed");
        assert!(
            lines[1].contains("server  alive  term  leader  links up to"),
            "{message}"
        );
        let cells = |row: usize| -> Vec<&str> { lines[2 + row].split_whitespace().collect() };
        // Server 0 reaches itself only once 1 is shut down; 1 is down; 2
        // is alone on its side.
        assert_eq!(cells(0)[0..2], ["0", "yes"], "{message}");
        assert_eq!(cells(0)[4], "0", "{message}");
        assert_eq!(cells(1)[0..5], ["1", "no", "-", "-", "none"], "{message}");
        assert_eq!(cells(2)[0..2], ["2", "yes"], "{message}");
        assert_eq!(cells(2)[4], "2", "{message}");
    }
}
