//! What the page draws, worked out from a run log's events: lanes, role
//! segments, spans when a peer is down or cut off, RPC arrows, marks, the
//! KV clients' operations and the failure. The page's script only lays
//! these out on the time axis; every decision about what an event means is
//! made in Rust (`interpret.rs`), where it is tested.
//!
//! Items name their lane by its index in [`Scene::lanes`], and carry `d`,
//! the text shown on hover. Field names are short: a 30-second run has
//! thousands of items, all embedded in the page.

use serde::Serialize;

use crate::runlog::RunLog;

pub use super::interpret::describe;

/// Everything the page draws.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Scene {
    /// The last event's time, in microseconds.
    pub end: u64,
    /// The lanes, top to bottom.
    pub lanes: Vec<Lane>,
    /// Each peer's role and term over time.
    pub roles: Vec<Segment>,
    /// When peers were down (crashed) or cut off (disconnected).
    pub spans: Vec<Span>,
    /// RPCs whose two ends are known peers.
    pub arrows: Vec<Arrow>,
    /// Points in time on one lane.
    pub marks: Vec<Mark>,
    /// Events drawn across every lane: partitions.
    pub notes: Vec<Note>,
    /// Every RPC's time, for the network's density strip: `[t, lost]`.
    pub rpcs: Vec<(u64, bool)>,
    /// The KV clients' operations.
    pub ops: Vec<Op>,
    /// The moment of failure, if the run failed.
    pub failure: Option<Failure>,
}

/// One row of the page.
#[derive(Clone, Debug, Serialize)]
pub struct Lane {
    /// What its label says.
    pub name: String,
    /// `harness`, `peer`, `net` or `client`.
    pub kind: &'static str,
}

/// A peer's role from `a` to `b`.
#[derive(Clone, Debug, Serialize)]
pub struct Segment {
    /// The lane.
    pub l: usize,
    /// From.
    pub a: u64,
    /// To.
    pub b: u64,
    /// `follower`, `candidate`, `leader` or what the log said.
    pub role: String,
    /// The term.
    pub term: Option<u64>,
    /// Hover text.
    pub d: String,
}

/// A stretch of time a peer was down or cut off.
#[derive(Clone, Debug, Serialize)]
pub struct Span {
    /// The lane.
    pub l: usize,
    /// From.
    pub a: u64,
    /// To.
    pub b: u64,
    /// `down` or `cut`.
    pub k: &'static str,
    /// Hover text.
    pub d: String,
}

/// An RPC from one peer to another.
#[derive(Clone, Debug, Serialize)]
pub struct Arrow {
    /// The sender's lane.
    pub f: usize,
    /// The receiver's lane.
    pub to: usize,
    /// Sent at.
    pub a: u64,
    /// Delivered, or given up, at.
    pub b: u64,
    /// Whether it was delivered.
    pub ok: bool,
    /// Hover text.
    pub d: String,
}

/// A point in time on a lane.
#[derive(Clone, Debug, Serialize)]
pub struct Mark {
    /// The lane.
    pub l: usize,
    /// When.
    pub t: u64,
    /// The kind, which decides its shape and colour: commit, apply,
    /// snapshot, install, persist, vote, novote, append, reject, start,
    /// begin, crash, restart, connect, disconnect, partition, rpc, fail,
    /// or event (any other).
    pub k: &'static str,
    /// A short label, drawn when there is room.
    pub s: String,
    /// Hover text.
    pub d: String,
}

/// An event drawn across every lane.
#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// When.
    pub t: u64,
    /// Its label.
    pub s: String,
    /// Hover text.
    pub d: String,
}

/// A KV client's operation, from its call to its return.
#[derive(Clone, Debug, Serialize)]
pub struct Op {
    /// The client's lane.
    pub l: usize,
    /// Called at.
    pub a: u64,
    /// Returned at; none if it never returned.
    pub b: Option<u64>,
    /// A short label, e.g. `Put k=v`.
    pub s: String,
    /// Hover text.
    pub d: String,
}

/// The moment of failure.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// When.
    pub t: u64,
    /// What the check said.
    pub message: String,
}

/// The scene of `log`.
pub fn build(log: &RunLog) -> Scene {
    super::interpret::interpret(log)
}
