//! The course's start and end lines, the time limit, and cleanup.

use super::CtrlerConfig;
use crate::course_lines::{self, Section};
use crate::raft_harness::check_time_limit;

impl CtrlerConfig {
    /// Prints a section's start line, e.g. `Test: Basic leave/join ...`,
    /// and notes the RPC count.
    pub fn begin(&self, description: &str) {
        let section = Section::begin(description, self.0.servers.net());
        self.0.servers.lock().harness = Some(section);
    }

    /// Checks the time limit and prints the Passed line with the time,
    /// servers and RPCs since `begin`. The cluster keeps running: a test
    /// has several sections.
    pub fn end(&self) {
        check_time_limit(self.0.created);
        let section = self.0.servers.lock().harness;
        let section = section.expect("end() without begin()");
        course_lines::passed(section.figures(self.0.servers.net(), "peers", self.n()));
    }

    /// Checks the time limit, then stops everything: servers are killed and
    /// the network refuses calls.
    pub fn cleanup(&self) {
        check_time_limit(self.0.created);
        self.0.servers.cleanup();
    }
}
