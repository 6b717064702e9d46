//! The arguments and replies of the three Raft RPCs (figures 2 and 13 of the
//! extended paper). They travel encoded with labcodec.
//!
//! A killed peer answers every RPC with the `Default` reply, whose term 0 is
//! below any request's term: callers ignore replies from a term older than
//! their request's, since a live peer always answers with a term at least as
//! high.

use labrpc::Rpc;
use serde::{Deserialize, Serialize};

// SOLUTION BEGIN
use crate::log::Entry;
// SOLUTION END

/// RequestVote arguments: a candidate asks for a vote (§5.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequestVoteArgs {
    // SOLUTION BEGIN
    pub term: u64,
    pub candidate_id: usize,
    pub last_log_index: u64,
    pub last_log_term: u64,
    /// A pre-vote (thesis §9.6): would the peer vote for this candidate in
    /// `term`? No one's term or vote changes.
    pub pre_vote: bool,
    // SOLUTION STUB
    // // Your code here (2A, 2B): the candidate's term and id, and its last
    // // log entry (figure 2, "RequestVote RPC", Arguments).
    // SOLUTION END
}

/// RequestVote reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequestVoteReply {
    // SOLUTION BEGIN
    pub term: u64,
    pub vote_granted: bool,
    // SOLUTION STUB
    // // Your code here (2A): the fields (figure 2, "RequestVote RPC",
    // // Results).
    // SOLUTION END
}

/// AppendEntries arguments: replicates entries and serves as heartbeat
/// (§5.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AppendEntriesArgs {
    // SOLUTION BEGIN
    pub term: u64,
    pub leader_id: usize,
    pub prev_log_index: u64,
    pub prev_log_term: u64,
    pub entries: Vec<Entry>,
    pub leader_commit: u64,
    // SOLUTION STUB
    // // Your code here (2A, 2B): the fields (figure 2, "AppendEntries RPC",
    // // Arguments).
    // SOLUTION END
}

/// AppendEntries reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AppendEntriesReply {
    // SOLUTION BEGIN
    pub term: u64,
    pub success: bool,
    /// On a rejection, the hint that lets the leader skip a whole
    /// conflicting term per round trip (end of §5.3; the course's XTerm):
    /// the term the follower holds at `prev_log_index`, or None if its log
    /// does not reach that far.
    pub conflict_term: Option<u64>,
    /// The first index the follower holds with `conflict_term` (XIndex).
    pub conflict_index: u64,
    /// The follower's log length, its last index + 1 (XLen).
    pub log_len: u64,
    // SOLUTION STUB
    // // Your code here (2A, 2B): the fields (figure 2, "AppendEntries RPC",
    // // Results), and the hint that lets a leader back up a term at a time.
    // SOLUTION END
}

/// InstallSnapshot arguments: the leader's snapshot, in one chunk, for a
/// follower that needs entries the leader has discarded (§7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct InstallSnapshotArgs {
    // SOLUTION BEGIN
    pub term: u64,
    pub leader_id: usize,
    pub last_included_index: u64,
    pub last_included_term: u64,
    #[serde(with = "labcodec::serde_bytes")]
    pub data: Vec<u8>,
    // SOLUTION STUB
    // // Your code here (2D): the fields (figure 13, "InstallSnapshot RPC",
    // // Arguments; one chunk is enough).
    // SOLUTION END
}

/// InstallSnapshot reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct InstallSnapshotReply {
    // SOLUTION BEGIN
    pub term: u64,
    // SOLUTION STUB
    // // Your code here (2D): the fields (figure 13, "InstallSnapshot RPC",
    // // Results).
    // SOLUTION END
}

impl Rpc for RequestVoteArgs {
    type Reply = RequestVoteReply;
    const METHOD: &'static str = "Raft.RequestVote";
}

impl Rpc for AppendEntriesArgs {
    type Reply = AppendEntriesReply;
    const METHOD: &'static str = "Raft.AppendEntries";
}

impl Rpc for InstallSnapshotArgs {
    type Reply = InstallSnapshotReply;
    const METHOD: &'static str = "Raft.InstallSnapshot";
}
