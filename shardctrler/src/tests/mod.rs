//! The reference's own unit tests: the rebalancer's rules (even split,
//! minimal moves, determinism) and the state machine's configurations and
//! duplicate detection.

mod rebalance;
mod state_machine;
