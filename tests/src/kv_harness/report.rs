//! The course's start and end lines, the time limit, and cleanup.

use std::sync::atomic::Ordering;

use labrt::time::Instant;

use super::KvConfig;
use crate::course_lines;
use crate::raft_harness::check_time_limit;

/// What `begin` noted, to report what the test used.
pub(super) struct Begin {
    at: Instant,
    rpcs: u64,
}

impl KvConfig {
    /// Prints the test's start line, e.g. `Test: one client (3A) ...`,
    /// notes the RPC count and resets the operation count.
    pub fn begin(&self, description: &str) {
        course_lines::start(description);
        self.0.ops.store(0, Ordering::Relaxed);
        let begin = Begin {
            at: Instant::now(),
            rpcs: self.0.net.total_count(),
        };
        self.0.state.lock().begin = Some(begin);
    }

    /// Checks the time limit and prints the Passed line with the time,
    /// servers, RPCs and clerk operations since `begin`. The cluster keeps
    /// running: a test may have several sections.
    pub fn end(&self) {
        check_time_limit(self.0.created);
        let (at, rpcs) = {
            let state = self.0.state.lock();
            let begin = state.begin.as_ref().expect("end() without begin()");
            (begin.at, self.0.net.total_count() - begin.rpcs)
        };
        course_lines::passed(format!(
            "time {:.1}s #servers {} #RPCs {rpcs} #ops {}",
            at.elapsed().as_secs_f64(),
            self.0.n,
            self.0.ops.load(Ordering::Relaxed),
        ));
    }

    /// Checks the time limit, then stops everything: servers are killed and
    /// the network refuses calls.
    pub fn cleanup(&self) {
        check_time_limit(self.0.created);
        let servers: Vec<_> = {
            let mut state = self.0.state.lock();
            state
                .servers
                .iter_mut()
                .filter_map(|s| s.kv.take())
                .collect()
        };
        for kv in servers {
            kv.kill();
        }
        self.0.net.cleanup();
    }
}
