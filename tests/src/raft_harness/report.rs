//! The course's start and end lines, the time limit, and cleanup.

use std::sync::atomic::Ordering;

use labrt::time::{Duration, Instant};

use super::RaftConfig;
use crate::course_lines::{self, Section};

/// A test fails if it has not finished this long after its cluster was
/// built.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What `begin` noted, to report what the test used.
pub(super) struct Begin {
    section: Section,
    bytes: u64,
    max_index: u64,
}

impl RaftConfig {
    /// Prints the test's start line, e.g. `Test (2A): initial election ...`,
    /// and notes the counters.
    pub fn begin(&self, description: &str) {
        let begin = Begin {
            section: Section::begin(description, &self.0.net),
            bytes: self.bytes_total(),
            max_index: self.0.state.lock().max_index,
        };
        self.0.state.lock().begin = Some(begin);
    }

    /// Checks the time limit, prints the Passed line with the time, peers,
    /// RPCs, bytes and commands agreed since `begin`, and cleans up: every
    /// peer is killed and the network closed.
    pub fn end(&self) {
        check_time_limit(self.0.created);
        let (section, bytes, commands) = {
            let state = self.0.state.lock();
            let begin = state.begin.as_ref().expect("end() without begin()");
            (
                begin.section,
                self.bytes_total() - begin.bytes,
                state.max_index - begin.max_index,
            )
        };
        let figures = section.figures(&self.0.net, "peers", self.n());
        course_lines::passed(format!("{figures} #bytes {bytes} #cmds {commands}"));
        self.cleanup();
    }

    /// Stops everything: stray `one` loops give up, peers are killed, the
    /// network refuses calls. `end` does this after a test passes.
    pub fn cleanup(&self) {
        self.0.finished.store(true, Ordering::Relaxed);
        let rafts: Vec<_> = {
            let mut state = self.0.state.lock();
            state
                .peers
                .iter_mut()
                .filter_map(|p| p.raft.take())
                .collect()
        };
        for raft in rafts {
            raft.kill();
        }
        self.0.net.cleanup();
    }
}

/// Fails the test if more than [`TIME_LIMIT`] has passed since `created`,
/// when its harness was built.
pub(crate) fn check_time_limit(created: Instant) {
    let took = created.elapsed();
    assert!(
        took <= TIME_LIMIT,
        "test took longer than {} seconds ({took:.1?})",
        TIME_LIMIT.as_secs()
    );
}
