//! The course's start and end lines, the time limit, and cleanup.

use std::sync::atomic::Ordering;

use super::KvConfig;
use crate::course_lines::{self, Section};
use crate::raft_harness::check_time_limit;

impl KvConfig {
    /// Prints the test's start line, e.g. `Test: one client (3A) ...`,
    /// notes the RPC count and resets the operation count.
    pub fn begin(&self, description: &str) {
        self.0.ops.store(0, Ordering::Relaxed);
        let section = Section::begin(description, self.0.servers.net());
        self.0.servers.lock().harness.begin = Some(section);
    }

    /// Checks the time limit and prints the Passed line with the time,
    /// servers, RPCs and clerk operations since `begin`. The cluster keeps
    /// running: a test may have several sections.
    pub fn end(&self) {
        check_time_limit(self.0.created);
        let section = self.0.servers.lock().harness.begin;
        let section = section.expect("end() without begin()");
        let figures = section.figures(self.0.servers.net(), "servers", self.n());
        let ops = self.0.ops.load(Ordering::Relaxed);
        course_lines::passed(format!("{figures} #ops {ops}"));
    }

    /// Checks the time limit, then stops everything: servers are killed and
    /// the network refuses calls.
    pub fn cleanup(&self) {
        check_time_limit(self.0.created);
        self.0.servers.cleanup();
    }
}
