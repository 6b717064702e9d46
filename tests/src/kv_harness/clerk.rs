//! The course's counting wrappers: clerk operations that count towards the
//! Passed line and, when given a history, are recorded for the
//! linearizability check with their call and return times.

use std::sync::atomic::Ordering;

use kvraft::Clerk;
use linearizability::Operation;
use linearizability::models::kv::{KvInput, KvValue};

use super::KvConfig;
use crate::history::History;

/// A clerk made by the harness, whose links the test controls.
pub struct TestClerk {
    cfg: KvConfig,
    id: u64,
    clerk: Clerk,
}

impl TestClerk {
    pub(super) fn new(cfg: KvConfig, id: u64, clerk: Clerk) -> TestClerk {
        TestClerk { cfg, id, clerk }
    }

    /// The harness's name for this clerk.
    pub fn id(&self) -> u64 {
        self.id
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

    /// A counted get that must return `want`.
    pub fn check(&mut self, key: &str, want: &str) {
        let got = self.get(key);
        if got != want {
            self.fail(format_args!(
                "get({key:?}): expected {want:?}, received {got:?}"
            ));
        }
    }

    /// Fails the test with `message` and the table of every server.
    #[track_caller]
    pub fn fail(&self, message: impl std::fmt::Display) -> ! {
        self.cfg.fail(message)
    }

    /// Runs `input`, counts it, and records it in `log` as `client`'s if
    /// given. Returns what a get read ("" for a write).
    pub fn run(&mut self, input: KvInput, log: Option<(&History, usize)>) -> String {
        let (op, key, value) = match &input {
            KvInput::Get { key } => ("Get", key.as_str(), ""),
            KvInput::Put { key, value } => ("Put", key.as_str(), value.as_str()),
            KvInput::Append { key, value } => ("Append", key.as_str(), value.as_str()),
        };
        let op_id = self.cfg.0.ops.load(Ordering::Relaxed);
        tracing::debug!(target: "kv", client = self.id, op, key, value, id = op_id, "call");
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
        tracing::debug!(target: "kv", client = self.id, op, key, value = output.as_str(), id = op_id, "return");
        if let (Some((history, client)), Some(call)) = (log, call) {
            let ret = history.now();
            let op = Operation::returned(client, input, call, KvValue::of(&output), ret);
            history.push(op);
        }
        output
    }
}
