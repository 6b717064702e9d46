//! The course's start and end lines, the time limit, and cleanup.

use labrt::time::Instant;

use super::CtrlerConfig;
use crate::course_lines;
use crate::raft_harness::check_time_limit;

/// What `begin` noted, to report what the section used.
pub(super) struct Begin {
    at: Instant,
    rpcs: u64,
}

impl CtrlerConfig {
    /// Prints a section's start line, e.g. `Test: Basic leave/join ...`,
    /// and notes the RPC count.
    pub fn begin(&self, description: &str) {
        course_lines::start(description);
        let begin = Begin {
            at: Instant::now(),
            rpcs: self.0.net.total_count(),
        };
        self.0.state.lock().begin = Some(begin);
    }

    /// Checks the time limit and prints the Passed line with the time,
    /// servers and RPCs since `begin`. The cluster keeps running: a test
    /// has several sections.
    pub fn end(&self) {
        check_time_limit(self.0.created);
        let (at, rpcs) = {
            let state = self.0.state.lock();
            let begin = state.begin.as_ref().expect("end() without begin()");
            (begin.at, self.0.net.total_count() - begin.rpcs)
        };
        course_lines::passed(format!(
            "time {:.1}s #peers {} #RPCs {rpcs}",
            at.elapsed().as_secs_f64(),
            self.0.n,
        ));
    }

    /// Checks the time limit, then stops everything: servers are killed and
    /// the network refuses calls.
    pub fn cleanup(&self) {
        check_time_limit(self.0.created);
        let servers: Vec<_> = {
            let mut state = self.0.state.lock();
            let slots = state.servers.iter_mut();
            slots.filter_map(|s| s.ctrler.take()).collect()
        };
        for ctrler in servers {
            ctrler.kill();
        }
        self.0.net.cleanup();
    }
}
