//! The reference's own unit tests: the state machine's steps through a
//! configuration change, without Raft, and a server's start.

mod server;
mod state_machine;
