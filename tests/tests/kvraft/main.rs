//! The key/value suite, parts 3A and 3B: one test per scenario of the
//! course, named `<scenario>_<part>` so `cargo test 3a` selects a part.

mod clients;
mod partitions;
mod persistence;
mod snapshots;
