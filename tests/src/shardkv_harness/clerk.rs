//! The course's clerks as the tests use them: every operation counted for
//! the Passed line and noted while under way (so the time limit can say
//! what hangs), and, given a history, recorded for the linearizability
//! check.

use std::sync::atomic::Ordering;

use linearizability::Operation;
use linearizability::models::kv::{KvInput, KvValue};
use shardkv::{Clerk, key2shard};

use super::ShardConfig;
use crate::history::History;

/// A clerk made by the harness.
pub struct ShardClerk {
    cfg: ShardConfig,
    id: u64,
    clerk: Clerk,
}

impl ShardClerk {
    pub(super) fn new(cfg: ShardConfig, id: u64, clerk: Clerk) -> ShardClerk {
        ShardClerk { cfg, id, clerk }
    }

    /// The clerk itself, for operations the test does not count.
    pub fn direct(&mut self) -> &mut Clerk {
        &mut self.clerk
    }

    /// A counted get.
    pub fn get(&mut self, key: &str) -> String {
        self.run(KvInput::Get { key: key.into() }, None)
    }

    /// A counted put.
    pub fn put(&mut self, key: &str, value: &str) {
        let input = KvInput::Put {
            key: key.into(),
            value: value.into(),
        };
        self.run(input, None);
    }

    /// A counted append.
    pub fn append(&mut self, key: &str, value: &str) {
        let input = KvInput::Append {
            key: key.into(),
            value: value.into(),
        };
        self.run(input, None);
    }

    /// The course's `check(ck, key, want)`: a get that must return `want`.
    #[track_caller]
    pub fn check(&mut self, key: &str, want: &str) {
        if let Some(mismatch) = self.mismatch(key, want) {
            panic!("{mismatch}");
        }
    }

    /// A get of `key`; the course's failure message if it does not return
    /// `want`.
    pub fn mismatch(&mut self, key: &str, want: &str) -> Option<String> {
        let got = self.get(key);
        (got != want).then(|| format!("Get({key}): expected:\n{want}\nreceived:\n{got}"))
    }

    /// Runs `input`, counts it, and records it in `log` as `client`'s if
    /// given. Returns what a get read ("" for a write).
    pub fn run(&mut self, input: KvInput, log: Option<(&History, usize)>) -> String {
        self.cfg.note_in_flight(self.id, Some(describe(&input)));
        let call = log.map(|(history, _)| history.now());
        let output = match &input {
            KvInput::Get { key } => self.clerk.get(key),
            KvInput::Put { key, value } => {
                self.clerk.put(key, value);
                String::new()
            }
            KvInput::Append { key, value } => {
                self.clerk.append(key, value);
                String::new()
            }
        };
        self.cfg.0.ops.fetch_add(1, Ordering::Relaxed);
        self.cfg.note_in_flight(self.id, None);
        if let (Some((history, client)), Some(call)) = (log, call) {
            let ret = history.now();
            let op = Operation::returned(client, input, call, KvValue::of(&output), ret);
            history.push(op);
        }
        output
    }
}

/// An operation for the time limit's message: `append("3") (shard 1)`.
fn describe(input: &KvInput) -> String {
    let (what, key) = match input {
        KvInput::Get { key } => ("get", key),
        KvInput::Put { key, .. } => ("put", key),
        KvInput::Append { key, .. } => ("append", key),
    };
    format!("{what}({key:?}) (shard {})", key2shard(key))
}
