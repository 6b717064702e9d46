//! The course's start and end lines, the time limit (checked at `end`
//! and `cleanup`, and enforced by a watchdog so that a test that hangs
//! fails at the limit, naming what it waits for), and cleanup.

use std::sync::atomic::Ordering;

use labrt::chan::{self, RecvTimeoutError};
use labrt::time::Instant;

use super::ShardConfig;
use crate::course_lines::{self, Section};
use crate::raft_harness::{TIME_LIMIT, check_time_limit};

impl ShardConfig {
    /// Prints the test's start line exactly as the course writes it, dots
    /// included (`Test: static shards ...`, `Test: unreliable 1...`),
    /// notes the RPC count and resets the operation count.
    pub fn begin(&self, line: &str) {
        self.0.ops.store(0, Ordering::Relaxed);
        *self.0.begin.lock() = Some(Section::begin_verbatim(line, &self.0.net));
    }

    /// Checks the time limit and prints the Passed line with the time,
    /// servers per group, RPCs and clerk operations since `begin`.
    pub fn end(&self) {
        self.end_with("");
    }

    /// As [`ShardConfig::end`], with `extra` (e.g. ` #persisted 93254`)
    /// after the figures: a test's own measure, printed once however many
    /// seeds run.
    pub fn end_with(&self, extra: &str) {
        check_time_limit(self.0.created);
        let section = self.0.begin.lock().expect("end() without begin()");
        let figures = section.figures(&self.0.net, "peers", self.n());
        let ops = self.0.ops.load(Ordering::Relaxed);
        course_lines::passed(format!("{figures} #ops {ops}{extra}"));
    }

    /// Checks the time limit, then stops everything: the watchdog, every
    /// group server, the controllers, and the network.
    pub fn cleanup(&self) {
        self.0.watchdog.lock().take();
        check_time_limit(self.0.created);
        for group in &self.0.groups {
            group.kill_all();
        }
        self.0.ctrlers.kill_all();
        self.0.net.cleanup();
    }

    /// Notes that clerk `id` has begun `op`, or (`None`) is done.
    pub(super) fn note_in_flight(&self, id: u64, op: Option<String>) {
        let mut in_flight = self.0.in_flight.lock();
        let at = self.0.created;
        match op {
            Some(op) => in_flight.insert(id, format!("{op} since {:.1?}", at.elapsed())),
            None => in_flight.remove(&id),
        };
    }

    /// Fails the run once the time limit has passed since the harness was
    /// made, unless cleanup came first. Lab-4 bugs often hang (a clerk
    /// retrying a group that never serves, a stuck migration) rather than
    /// fail a check; this turns the hang into a failure that names the
    /// clerk operations under way.
    pub(super) fn start_watchdog(&self) {
        let (stop_tx, stop_rx) = chan::bounded::<()>(1);
        *self.0.watchdog.lock() = Some(stop_tx);
        let cfg = self.clone();
        let deadline = self.0.created + TIME_LIMIT;
        labrt::thread::spawn("time limit", move || {
            let left = deadline.duration_since(Instant::now());
            if let Err(RecvTimeoutError::Timeout) = stop_rx.recv_timeout(left) {
                let in_flight = cfg.0.in_flight.lock().clone();
                let ops: Vec<String> = in_flight
                    .iter()
                    .map(|(id, op)| format!("\n  clerk {id}: {op}"))
                    .collect();
                panic!(
                    "test took longer than {} seconds; clerk operations under way:{}",
                    TIME_LIMIT.as_secs(),
                    if ops.is_empty() {
                        " none".to_string()
                    } else {
                        ops.concat()
                    }
                );
            }
        });
    }
}
