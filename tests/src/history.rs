//! A history of key/value operations for the linearizability check, as
//! the key/value and sharded key/value testers record it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use labrt::sync::Mutex;
use labrt::time::Instant;
use linearizability::Operation;
use linearizability::models::kv::{KvInput, KvOutput};

/// One recorded client operation.
pub type KvOperation = Operation<KvInput, KvOutput>;

/// The operations of a test, on the run's clock, with call and return
/// times in nanoseconds since the history began. Clones share one history.
#[derive(Clone)]
pub struct History {
    origin: Instant,
    /// The last timestamp handed out.
    last: Arc<AtomicU64>,
    ops: Arc<Mutex<Vec<KvOperation>>>,
}

impl History {
    /// An empty history whose times count from now.
    pub fn new() -> History {
        History {
            origin: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
            ops: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Nanoseconds since the history began, strictly increasing. In sim
    /// the clock stands still while threads compute, so an operation's
    /// return and the next call would share a timestamp and, intervals
    /// being closed, count as concurrent; stamps taken in order stay in
    /// order instead, as on a real clock.
    pub(crate) fn now(&self) -> u64 {
        let elapsed = Instant::now().duration_since(self.origin).as_nanos() as u64;
        let previous = self
            .last
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
                Some(elapsed.max(last + 1))
            })
            .expect("the update always succeeds");
        elapsed.max(previous + 1)
    }

    /// Records `op`.
    pub(crate) fn push(&self, op: KvOperation) {
        self.ops.lock().push(op);
    }

    /// Everything recorded so far.
    pub fn operations(&self) -> Vec<KvOperation> {
        self.ops.lock().clone()
    }
}

impl Default for History {
    fn default() -> History {
        History::new()
    }
}
