//! linearizability: could a concurrent history have come from an object that
//! serves one operation at a time?
//!
//! ```text
//! impl Model for M { State, Input, Output, init, step, partition, describe_* }
//! Operation::returned(client, input, call, output, ret)   a completed operation
//! Operation::pending(client, input, call)                 no reply: took effect after call, or never
//! linearizability::check(&model, &history, budget)       -> Result<Report<State>, Error>
//! Report { verdict: Verdict::Ok | Illegal(Illegal) | Unknown, steps }
//! illegal.describe(&model, &history)                      one line: where it fails
//! visualize::write_temp(&model, &history, &illegal)       -> Result<PathBuf, Error>, an HTML timeline
//! models::kv::{KvModel, KvInput::{Get, Put, Append}}      the labs' key/value store, by key
//! models::kv::KvValue::of(text)                           a value as length, hashes and tail
//! models::kv_log::parse(text)                             recorded histories, one map per line
//! ```
//!
//! The search is Wing & Gong's, with Lowe's memoisation of (linearized set,
//! state) pairs and P-compositionality: the model may split the history
//! into parts (the keys of a store) that are checked separately.
//!
//! - **Intervals are closed.** An operation spans `[call, return]`; two that
//!   touch at a timestamp are concurrent (see [`Operation`]).
//! - **Pending operations** (no reply) may take effect at any time after
//!   their call, or never; the model sees their output as `None`.
//! - **The budget counts search steps**, not time, over all partitions
//!   together, so a verdict is the same on any machine. Running out gives
//!   [`Verdict::Unknown`], which is not a pass.
//! - **Partitions take turns** of a fixed number of steps, in the model's
//!   order, as if checked in parallel; the first found illegal decides.
//! - **Deterministic:** the search visits entries in time order, ties broken
//!   by operation index, and nothing depends on hash-map iteration.
//!
//! ```
//! use linearizability::models::kv::{KvInput, KvModel, KvValue};
//! use linearizability::{Operation, Verdict, check};
//!
//! let put = |v: &str| KvInput::Put { key: "x".into(), value: v.into() };
//! let get = || KvInput::Get { key: "x".into() };
//! let none = KvValue::default;
//!
//! // Client 1's get overlaps both puts, so it may see either value.
//! let mut history = vec![
//!     Operation::returned(0, put("1"), 0, none(), 10),
//!     Operation::returned(0, put("2"), 20, none(), 30),
//!     Operation::returned(1, get(), 5, "1".into(), 25),
//! ];
//! assert_eq!(check(&KvModel, &history, 1_000).unwrap().verdict, Verdict::Ok);
//!
//! // A get that starts after put("2") returned cannot see "1".
//! history.push(Operation::returned(1, get(), 40, "1".into(), 50));
//! let report = check(&KvModel, &history, 1_000).unwrap();
//! let Verdict::Illegal(illegal) = report.verdict else { panic!("expected Illegal") };
//! assert_eq!(illegal.failed, 3);
//! assert_eq!(illegal.state, "2".into());
//! ```

mod bitset;
mod entries;
mod error;
mod model;
mod partition;
mod search;
mod verdict;
pub mod visualize;

/// Models of common objects, and readers for their recorded histories.
pub mod models {
    pub mod kv;
    pub mod kv_log;
}

pub use error::Error;
pub use model::{Model, Operation, Return, Time};
pub use partition::check;
pub use verdict::{Illegal, Report, Verdict};
