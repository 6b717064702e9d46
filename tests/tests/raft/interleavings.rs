//! Scenarios beyond the course that need the interleavings of threads
//! working outside a lock. In sim, computing takes no virtual time, so
//! nothing can happen between a thread's unlock and its next step; these
//! run with preemption at unlock (`tests::run_preempting`), which lets
//! messages, timers and other threads land there, as an OS's preemption
//! does in real mode. The same seed still replays the same run.

use labrt::time::{Duration, Instant, sleep};

use crate::cluster;

/// The longest a thread is held up after an unlock.
const PREEMPT: Duration = Duration::from_millis(3);
/// How long the leader is fed commands...
const STREAM: Duration = Duration::from_secs(1);
/// ...and how often: faster than one round trip, so that commits keep
/// advancing while the appliers deliver.
const STREAM_GAP: Duration = Duration::from_millis(2);

/// Every peer applies every index, in order, while entries keep
/// committing: the leader is fed a command every 2 ms for a second, and
/// threads may be held up for a few milliseconds after an unlock. An
/// applier that takes a batch of committed entries under the lock, sends
/// them without it, and only then sets `last_applied` to the commit index
/// (instead of to the end of the batch it took) skips the entries that
/// committed while it was sending; the harness's applier then sees an
/// index applied after a gap. The course's tests miss it in sim, where a
/// batch is sent in no virtual time and no commit can land meanwhile, and
/// catch it in real mode only now and then.
#[test]
fn apply_while_committing_2b() {
    tests::run_preempting(PREEMPT, || {
        let cfg = cluster(3);
        cfg.begin("Test (2B, beyond the course): no index skipped while commits race the applier");
        let mut leader = cfg.check_one_leader();
        let start = Instant::now();
        let mut command = 0_i64;
        while start.elapsed() < STREAM {
            command += 1;
            if cfg.start(leader, &command).is_none() {
                leader = cfg.check_one_leader();
            }
            sleep(STREAM_GAP);
        }
        // Every peer applies the stream, each index after its predecessor.
        cfg.one(&-1_i64, cfg.n(), true);
        cfg.end();
    });
}
