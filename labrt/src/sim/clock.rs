//! Timers of the virtual clock: a min-heap of deadlines.
//!
//! Entries are never removed when their waiter wakes early; the kernel drops
//! such stale entries when they reach the top.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use super::kernel::Waiter;

/// Deadlines ordered by time, then by insertion, so equal deadlines fire in a
/// fixed order.
#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(Duration, u64, usize, u64)>>,
    seq: u64,
}

impl Timers {
    pub(crate) fn push(&mut self, deadline: Duration, w: Waiter) {
        self.seq += 1;
        self.heap
            .push(Reverse((deadline, self.seq, w.tid, w.epoch)));
    }

    pub(crate) fn peek(&self) -> Option<(Duration, Waiter)> {
        self.heap.peek().map(|Reverse((deadline, _, tid, epoch))| {
            (
                *deadline,
                Waiter {
                    tid: *tid,
                    epoch: *epoch,
                },
            )
        })
    }

    pub(crate) fn pop(&mut self) {
        self.heap.pop();
    }

    /// Whether some timer is due at `now` (stale ones included).
    pub(crate) fn has_due(&self, now: Duration) -> bool {
        self.peek().is_some_and(|(deadline, _)| deadline <= now)
    }

    /// Removes and returns the next timer due at `now`.
    pub(crate) fn pop_due(&mut self, now: Duration) -> Option<Waiter> {
        let (deadline, w) = self.peek()?;
        if deadline > now {
            return None;
        }
        self.heap.pop();
        Some(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(tid: usize) -> Waiter {
        Waiter {
            tid,
            epoch: tid as u64,
        }
    }

    #[test]
    fn timers_fire_in_deadline_then_insertion_order() {
        let mut t = Timers::default();
        t.push(Duration::from_millis(20), w(1));
        t.push(Duration::from_millis(10), w(2));
        t.push(Duration::from_millis(10), w(3));
        assert_eq!(t.pop_due(Duration::from_millis(5)), None);
        assert!(t.has_due(Duration::from_millis(10)));
        assert_eq!(t.pop_due(Duration::from_millis(10)), Some(w(2)));
        assert_eq!(t.pop_due(Duration::from_millis(10)), Some(w(3)));
        assert_eq!(t.pop_due(Duration::from_millis(10)), None);
        assert_eq!(t.peek(), Some((Duration::from_millis(20), w(1))));
    }
}
