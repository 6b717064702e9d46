//! A process-wide pool of OS threads for the real backend.
//!
//! Creating and joining an OS thread costs about 100 µs here, and a suite
//! starts one thread per RPC. Finished threads instead wait a while for the
//! next job.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};

use crate::thread::Job;

/// How long an idle pooled thread waits for work before it exits.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

struct Pool {
    jobs_tx: Sender<Job>,
    jobs_rx: Receiver<Job>,
    /// Threads waiting for a job and not yet promised one.
    idle: AtomicUsize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (jobs_tx, jobs_rx) = unbounded();
        Pool {
            jobs_tx,
            jobs_rx,
            idle: AtomicUsize::new(0),
        }
    })
}

/// Takes one idle thread's promise, if there is one.
fn claim_idle(pool: &Pool) -> bool {
    pool.idle
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
        .is_ok()
}

/// Runs `job` on a pooled thread, starting a new one if none is idle.
pub(crate) fn execute(job: Job) {
    let pool = pool();
    if claim_idle(pool) {
        pool.jobs_tx
            .send(job)
            .expect("the pool's receiver lives in a static");
        return;
    }
    std::thread::Builder::new()
        .name("labrt-worker".into())
        .spawn(move || worker(pool, job))
        .expect("labrt: the OS refused to start a thread");
}

fn worker(pool: &Pool, first: Job) {
    first();
    loop {
        pool.idle.fetch_add(1, Ordering::AcqRel);
        loop {
            match pool.jobs_rx.recv_timeout(IDLE_TIMEOUT) {
                Ok(job) => {
                    job();
                    break;
                }
                // Leave only if no spawner has counted on this thread; else a
                // job is on its way.
                Err(RecvTimeoutError::Timeout) if claim_idle(pool) => return,
                Err(_) => {}
            }
        }
    }
}
