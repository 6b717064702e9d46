//! The shared state of one simulated run: threads, the virtual clock, the
//! run queue, and the blocking protocol every simulated primitive uses.
//!
//! Blocking works with [`Waiter`] tokens. A primitive that must wait asks for a
//! token, files it in its own wait queue, and calls [`Kernel::block`]. Whoever
//! later satisfies the wait calls [`Kernel::wake`] with the token. A token
//! carries an epoch unique to one blocking episode, so a wake that arrives
//! after its waiter timed out (or was woken by someone else) is recognised as
//! stale and ignored.

use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use super::clock::Timers;
use super::executor;
use super::preempt::Preemption;
use super::scheduler::Scheduler;
use super::trace::TraceHash;
use super::watchdog::Progress;
use crate::context::{self, Ctx};
use crate::failure::{BlockedThread, Culprit, FailureKind};
use crate::stub::Reached;
use crate::thread::Job;

/// Index of a simulated thread's slot. Slots are reused once a thread ends.
pub(crate) type Tid = usize;

/// Steps allowed without the virtual clock moving before the run is declared
/// a livelock: threads keep running but none of them ever waits for time.
const LIVELOCK_STEPS: u64 = 10_000_000;
/// Steps at one virtual instant after which the stall check starts reading
/// the wall clock, and the steps between two reads: a run's clock usually
/// moves long before, and a frozen one pays a read every few steps only.
const STALL_WATCH_STEPS: u64 = 64;
const STALL_READ_EVERY: u64 = 16;

/// Blocking calls allowed while a run is torn down, where they all return at
/// once; past this, a destructor is polling for something that can no longer
/// happen.
const TEARDOWN_OPS: u64 = 1_000_000;

/// Salt that separates the user's random stream from the scheduler's.
const USER_RNG_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// Tag of a preemption at unlock in the trace hash.
const PREEMPT_EVENT: u64 = 0x5052_0000_0000_0000;

/// One blocking episode of one thread; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Waiter {
    pub tid: Tid,
    pub epoch: u64,
}

/// Why a blocked thread runs again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wake {
    /// Someone called [`Kernel::wake`] with its token.
    Notified,
    /// Its deadline passed first.
    TimedOut,
    /// The run is being torn down: nothing may block any more.
    Teardown,
}

/// What a blocked thread waits on, for the deadlock report.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocker {
    pub what: &'static str,
    pub at: &'static Location<'static>,
}

enum Status {
    Runnable,
    Running,
    Blocked {
        epoch: u64,
        on: Blocker,
    },
    /// The slot is free for reuse.
    Free,
}

struct Thread {
    name: Arc<str>,
    status: Status,
    timed_out: bool,
    /// A panic is unwinding this thread's stack.
    unwinding: bool,
    /// Scheduling steps it took since the virtual clock last moved (when
    /// `counted_since` is that move's step): the thread with the most is
    /// the one that keeps a stalled run busy.
    steps: u64,
    /// The run's step count at the clock move its `steps` count from.
    counted_since: u64,
    /// Its last labrt call and where it made it.
    last_call: Option<(&'static str, &'static Location<'static>)>,
}

impl Thread {
    /// This thread, named as the one that keeps a run from moving on.
    fn as_culprit(&self) -> Culprit {
        Culprit {
            thread: self.name.to_string(),
            last_call: self.last_call.map(|(what, at)| format!("{what} at {at}")),
        }
    }
}

/// What the executor should do next.
pub(crate) enum Next {
    Run(Tid),
    Stop,
}

/// Figures the run report is made of.
pub(crate) struct Stats {
    pub now: Duration,
    pub trace: u64,
    pub steps: u64,
    pub spawned: u64,
    /// The handout stubs the run reached.
    pub unimplemented: Vec<String>,
}

struct State {
    now: Duration,
    threads: Vec<Thread>,
    free: Vec<Tid>,
    runnable: Vec<Tid>,
    timers: Timers,
    next_epoch: u64,
    current: Tid,
    scheduler: Scheduler,
    user_rng: Xoshiro256PlusPlus,
    /// Present when the run preempts threads at unlock.
    preemption: Option<Preemption>,
    trace: TraceHash,
    steps: u64,
    steps_at_last_advance: u64,
    /// Wall time the virtual clock has stood still while steps went on,
    /// each stretch between two reads counting at most half the stall limit.
    still_for: Duration,
    /// The last read of the wall clock by the stall check.
    wall_at_last_read: std::time::Instant,
    stall_limit: Duration,
    /// Set when a step found the run stalled; `pick` reports it.
    stalled: bool,
    spawned: u64,
    pending: Vec<(Tid, Job)>,
    failure: Option<FailureKind>,
    main_done: bool,
    stubs: Reached,
}

/// One simulated run. Objects of the run hold an `Arc` to it.
pub(crate) struct Kernel {
    state: Mutex<State>,
    tearing_down: AtomicBool,
    teardown_ops: AtomicU64,
    progress: Progress,
    /// Threads inside [`crate::thread::compute`], which the watchdog leaves
    /// alone.
    computing: AtomicU64,
    /// The bound of preemptions at unlock, if the run preempts: read
    /// without the state lock on every unlock.
    preempt: Option<Duration>,
}

/// A thread's stay in [`crate::thread::compute`].
pub(crate) struct Computing<'a>(&'a Kernel);

impl Drop for Computing<'_> {
    fn drop(&mut self) {
        self.0.computing.fetch_sub(1, Ordering::Relaxed);
        self.0.progress.tick();
    }
}

impl Kernel {
    /// A run with `seed`, failing as stalled after `stall_limit`, and
    /// preempting threads at unlock for up to `preempt` of virtual time
    /// when set (see [`super::preempt`]).
    pub(crate) fn new(seed: u64, stall_limit: Duration, preempt: Option<Duration>) -> Arc<Kernel> {
        let state = State {
            now: Duration::ZERO,
            threads: Vec::new(),
            free: Vec::new(),
            runnable: Vec::new(),
            timers: Timers::default(),
            next_epoch: 0,
            current: 0,
            scheduler: Scheduler::new(seed),
            user_rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ USER_RNG_SALT),
            preemption: preempt.map(|max| Preemption::new(seed, max)),
            trace: TraceHash::new(seed),
            steps: 0,
            steps_at_last_advance: 0,
            still_for: Duration::ZERO,
            wall_at_last_read: std::time::Instant::now(),
            stall_limit,
            stalled: false,
            spawned: 0,
            pending: Vec::new(),
            failure: None,
            main_done: false,
            stubs: Reached::default(),
        };
        Arc::new(Kernel {
            state: Mutex::new(state),
            tearing_down: AtomicBool::new(false),
            teardown_ops: AtomicU64::new(0),
            computing: AtomicU64::new(0),
            progress: Progress::default(),
            preempt,
        })
    }

    /// Panics unless the calling thread is one of this run's threads.
    #[track_caller]
    pub(crate) fn check_current(self: &Arc<Self>, what: &str) {
        context::with(what, |ctx| match ctx {
            Ctx::Sim(kernel) if Arc::ptr_eq(kernel, self) => {}
            _ => context::foreign(what, Location::caller()),
        })
    }

    /// Entry of every labrt operation: checks the caller, then lets the
    /// scheduler pick who runs next.
    #[track_caller]
    pub(crate) fn op(self: &Arc<Self>, what: &'static str) {
        self.check_current(what);
        self.yield_from(Some((what, Location::caller())));
    }

    /// A scheduling point: the current thread stays runnable, and the
    /// scheduler picks who runs next (possibly the same thread).
    pub(crate) fn yield_now(&self) {
        self.yield_from(None);
    }

    /// [`Kernel::yield_now`], noting the labrt call that made it.
    fn yield_from(&self, call: Option<(&'static str, &'static Location<'static>)>) {
        if self.is_tearing_down() {
            self.count_teardown_op();
            return;
        }
        {
            let mut st = self.state.lock();
            let me = st.current;
            if call.is_some() {
                st.threads[me].last_call = call;
            }
            if st.runnable.is_empty()
                && !st.timers.has_due(st.now)
                && !st.livelocked()
                && !st.check_stall()
            {
                // Nobody else could be picked: skip the switch, but count the
                // step, so that a lone thread spinning on the frozen clock is
                // caught as a livelock or a stall by `pick`.
                st.count_step(me);
                self.progress.tick();
                return;
            }
            st.threads[me].status = Status::Runnable;
            st.runnable.push(me);
        }
        executor::suspend();
    }

    /// Stops a destructor that keeps polling during teardown, where every
    /// blocking call returns at once and its loop could never end.
    fn count_teardown_op(&self) {
        if self.teardown_ops.fetch_add(1, Ordering::Relaxed) == TEARDOWN_OPS {
            eprintln!(
                "labrt: while unwinding the threads left by a simulated run, thread '{}' made {TEARDOWN_OPS} \
                 blocking calls: a destructor waits in a loop for something no thread will do any more; aborting",
                self.try_current_name().as_deref().unwrap_or("?")
            );
            std::process::abort();
        }
    }

    /// The bound of preemptions at unlock, if the run preempts.
    pub(crate) fn preempt(&self) -> Option<Duration> {
        self.preempt
    }

    pub(crate) fn is_tearing_down(&self) -> bool {
        self.tearing_down.load(Ordering::Relaxed)
    }

    pub(crate) fn current(&self) -> Tid {
        self.state.lock().current
    }

    pub(crate) fn current_name(&self) -> Arc<str> {
        let st = self.state.lock();
        st.threads[st.current].name.clone()
    }

    /// The current thread's name, unless the state is busy (for the watchdog,
    /// which runs outside the run).
    pub(crate) fn try_current_name(&self) -> Option<Arc<str>> {
        let st = self.state.try_lock_for(Duration::from_millis(100))?;
        Some(st.threads.get(st.current)?.name.clone())
    }

    /// For the watchdog: the current thread, which holds a hung run, with
    /// its last labrt call; the virtual time; the stubs the run reached.
    /// `None` if the state stays busy.
    pub(crate) fn try_hang_report(&self) -> Option<(Culprit, Duration, Vec<String>)> {
        let st = self.state.try_lock_for(Duration::from_millis(100))?;
        let culprit = st.threads.get(st.current)?.as_culprit();
        Some((culprit, st.now, st.stubs.names()))
    }

    /// Marks the current thread as computing until the guard drops.
    pub(crate) fn computing(&self) -> Computing<'_> {
        self.computing.fetch_add(1, Ordering::Relaxed);
        Computing(self)
    }

    /// Whether a thread is inside [`crate::thread::compute`].
    pub(crate) fn is_computing(&self) -> bool {
        self.computing.load(Ordering::Relaxed) > 0
    }

    pub(crate) fn progress(&self) -> &Progress {
        &self.progress
    }

    pub(crate) fn now(&self) -> Duration {
        self.state.lock().now
    }

    /// A fresh token for the current thread's next blocking episode.
    pub(crate) fn waiter(&self) -> Waiter {
        let mut st = self.state.lock();
        st.next_epoch += 1;
        Waiter {
            tid: st.current,
            epoch: st.next_epoch,
        }
    }

    /// Blocks the current thread until `w` is woken or `deadline` (virtual
    /// time since the start of the run) passes. The caller must have filed
    /// `w` where a waker will find it.
    pub(crate) fn block(&self, w: Waiter, on: Blocker, deadline: Option<Duration>) -> Wake {
        if self.is_tearing_down() {
            self.count_teardown_op();
            return Wake::Teardown;
        }
        {
            let mut st = self.state.lock();
            debug_assert_eq!(
                st.current, w.tid,
                "a thread blocks on another thread's token"
            );
            let thread = &mut st.threads[w.tid];
            thread.last_call = Some((on.what, on.at));
            thread.status = Status::Blocked { epoch: w.epoch, on };
            thread.timed_out = false;
            if let Some(deadline) = deadline {
                st.timers.push(deadline, w);
            }
        }
        executor::suspend();
        if self.is_tearing_down() {
            return Wake::Teardown;
        }
        let st = self.state.lock();
        if st.threads[w.tid].timed_out {
            Wake::TimedOut
        } else {
            Wake::Notified
        }
    }

    /// Makes the thread of `w` runnable if it is still blocked in that
    /// episode. Returns whether it was.
    pub(crate) fn wake(&self, w: Waiter) -> bool {
        self.state.lock().wake(w, false)
    }

    /// Puts the current thread to sleep for `d` of virtual time.
    pub(crate) fn sleep(self: &Arc<Self>, d: Duration, at: &'static Location<'static>) {
        if d.is_zero() {
            self.yield_now();
            return;
        }
        let w = self.waiter();
        // A sleep too long to represent never ends.
        let deadline = self.now().checked_add(d);
        self.block(w, Blocker { what: "sleep", at }, deadline);
    }

    /// Called by the current thread right after it unlocked a Mutex it
    /// locked at `at`: when the run preempts at unlock, it may be put to
    /// sleep here for a drawn delay (see [`super::preempt`]). Not while a
    /// panic unwinds it, nor in teardown.
    pub(crate) fn after_unlock(&self, at: &'static Location<'static>) {
        if self.preempt.is_none() || self.is_tearing_down() || std::thread::panicking() {
            return;
        }
        let delay = {
            let mut st = self.state.lock();
            let Some(delay) = st.preemption.as_mut().and_then(Preemption::draw) else {
                return;
            };
            st.trace.mix(PREEMPT_EVENT ^ delay.as_nanos() as u64);
            delay
        };
        if delay.is_zero() {
            self.yield_now();
            return;
        }
        let w = self.waiter();
        let deadline = self.now().checked_add(delay);
        let on = Blocker {
            what: "preempted after unlocking a Mutex locked",
            at,
        };
        self.block(w, on, deadline);
    }

    /// Registers a new thread; it starts at a later scheduling decision.
    pub(crate) fn spawn(&self, name: Arc<str>, job: Job) {
        if self.is_tearing_down() {
            // Nothing may start while the run is being unwound.
            drop(job);
            return;
        }
        let mut st = self.state.lock();
        let tid = st.alloc(name);
        st.pending.push((tid, job));
        st.runnable.push(tid);
        st.spawned += 1;
        st.trace.mix(0x5157_0000 ^ tid as u64);
    }

    /// Draws from the run's user-facing random stream.
    pub(crate) fn with_user_rng<R>(&self, f: impl FnOnce(&mut Xoshiro256PlusPlus) -> R) -> R {
        f(&mut self.state.lock().user_rng)
    }

    /// Notes a handout stub the current thread reached; not a scheduling
    /// point, and not in the trace.
    pub(crate) fn note_stub(&self, piece: &'static str) {
        self.state.lock().stubs.note(piece);
    }

    /// Records the first failure of the run; later ones are consequences.
    pub(crate) fn fail(&self, kind: FailureKind) {
        let mut st = self.state.lock();
        if st.failure.is_none() {
            st.failure = Some(kind);
        }
    }

    /// Records a panic of the current thread, unless the run is over.
    pub(crate) fn fail_current(&self, message: String) {
        if self.is_tearing_down() {
            return;
        }
        let thread = self.current_name().to_string();
        self.fail(FailureKind::Panic {
            thread,
            message,
            location: None,
        });
    }

    /// Called by the panic hook in the panicking thread: the run fails now,
    /// not when (or if) the unwinding finishes, and teardown knows not to
    /// unwind this thread a second time.
    pub(crate) fn note_panic(&self, message: String, location: Option<String>) {
        // The panic may come from code holding the state lock.
        let Some(mut st) = self.state.try_lock() else {
            return;
        };
        let current = st.current;
        let Some(thread) = st.threads.get_mut(current) else {
            return;
        };
        thread.unwinding = true;
        let thread = thread.name.to_string();
        if self.is_tearing_down() {
            eprintln!(
                "labrt: thread '{thread}' panicked while its finished run was being torn down. During \
                 teardown blocking calls return at once with errors (join and recv fail, sends are \
                 refused), so a destructor that unwraps them panics; a panic that escapes a destructor \
                 aborts the process."
            );
        } else if st.failure.is_none() {
            st.failure = Some(FailureKind::Panic {
                thread,
                message,
                location,
            });
        }
    }

    // ---- executor side ----

    /// Creates the slot of the run's main thread.
    pub(super) fn add_main(&self) -> Tid {
        let mut st = self.state.lock();
        let tid = st.alloc(Arc::from("main"));
        st.runnable.push(tid);
        tid
    }

    pub(super) fn take_pending(&self) -> Vec<(Tid, Job)> {
        std::mem::take(&mut self.state.lock().pending)
    }

    pub(super) fn main_done(&self) {
        self.state.lock().main_done = true;
    }

    pub(super) fn finish(&self, tid: Tid) {
        let mut st = self.state.lock();
        st.threads[tid].status = Status::Free;
        st.free.push(tid);
    }

    /// Picks the next thread to run, advancing the virtual clock when every
    /// thread waits for time; stops on the end of main, a failure, a
    /// deadlock or a livelock.
    /// Every step, taken here or in the no-switch path of `yield_now`, ticks
    /// the watchdog's progress count.
    pub(super) fn next(&self) -> Next {
        self.progress.tick();
        let mut st = self.state.lock();
        if st.main_done || st.failure.is_some() {
            return Next::Stop;
        }
        match st.pick() {
            Ok(tid) => Next::Run(tid),
            Err(kind) => {
                st.failure = Some(kind);
                Next::Stop
            }
        }
    }

    pub(super) fn set_current(&self, tid: Tid) {
        self.state.lock().current = tid;
    }

    /// Whether `tid` was suspended while a panic unwound its stack.
    pub(super) fn is_unwinding(&self, tid: Tid) -> bool {
        self.state
            .lock()
            .threads
            .get(tid)
            .is_some_and(|t| t.unwinding)
    }

    pub(super) fn begin_teardown(&self) {
        self.tearing_down.store(true, Ordering::Relaxed);
    }

    pub(super) fn take_failure(&self) -> Option<FailureKind> {
        self.state.lock().failure.take()
    }

    pub(super) fn stats(&self) -> Stats {
        let st = self.state.lock();
        Stats {
            now: st.now,
            trace: st.trace.value(),
            steps: st.steps,
            spawned: st.spawned,
            unimplemented: st.stubs.names(),
        }
    }
}

impl State {
    fn alloc(&mut self, name: Arc<str>) -> Tid {
        let thread = Thread {
            name,
            status: Status::Runnable,
            timed_out: false,
            unwinding: false,
            steps: 0,
            counted_since: 0,
            last_call: None,
        };
        match self.free.pop() {
            Some(tid) => {
                self.threads[tid] = thread;
                tid
            }
            None => {
                self.threads.push(thread);
                self.threads.len() - 1
            }
        }
    }

    fn is_waiting(&self, w: Waiter) -> bool {
        matches!(self.threads.get(w.tid), Some(Thread { status: Status::Blocked { epoch, .. }, .. }) if *epoch == w.epoch)
    }

    fn wake(&mut self, w: Waiter, timed_out: bool) -> bool {
        if !self.is_waiting(w) {
            return false;
        }
        let thread = &mut self.threads[w.tid];
        thread.status = Status::Runnable;
        thread.timed_out = timed_out;
        self.runnable.push(w.tid);
        true
    }

    /// The earliest deadline a blocked thread still waits for, dropping
    /// timers whose episode already ended.
    fn earliest_live_timer(&mut self) -> Option<Duration> {
        while let Some((deadline, w)) = self.timers.peek() {
            if self.is_waiting(w) {
                return Some(deadline);
            }
            self.timers.pop();
        }
        None
    }

    fn fire_due_timers(&mut self) {
        while let Some(w) = self.timers.pop_due(self.now) {
            self.wake(w, true);
        }
    }

    fn livelocked(&self) -> bool {
        self.steps - self.steps_at_last_advance > LIVELOCK_STEPS
    }

    /// Whether the virtual clock has stood still for the stall limit of
    /// wall time while threads kept taking steps. A stretch between two
    /// reads counts at most half the limit: one long computation (the
    /// linearizability check, say) is not a stall by itself, and a
    /// labrt-free stretch that lasts the limit is the watchdog's to report,
    /// unless it runs in `labrt::thread::compute`. The
    /// wall clock never steers the schedule, so the trace stays the seed's.
    fn check_stall(&mut self) -> bool {
        let at_instant = self.steps - self.steps_at_last_advance;
        if self.stalled || at_instant < STALL_WATCH_STEPS || at_instant % STALL_READ_EVERY != 0 {
            return self.stalled;
        }
        let now = std::time::Instant::now();
        if at_instant == STALL_WATCH_STEPS {
            // The first read: stretches count from here on.
            self.wall_at_last_read = now;
        }
        let stretch = now - self.wall_at_last_read;
        self.wall_at_last_read = now;
        self.still_for += stretch.min(self.stall_limit / 2);
        self.stalled = self.still_for > self.stall_limit;
        self.stalled
    }

    /// Counts a step of thread `tid`, in the run and in the thread's count
    /// since the clock last moved (restarted lazily, so a move of the clock
    /// costs nothing per thread).
    fn count_step(&mut self, tid: Tid) {
        self.steps += 1;
        let since = self.steps_at_last_advance;
        let thread = &mut self.threads[tid];
        if thread.counted_since != since {
            thread.counted_since = since;
            thread.steps = 0;
        }
        thread.steps += 1;
    }

    /// The thread that took the most steps since the clock last moved, and
    /// its last labrt call.
    fn culprit(&self) -> Culprit {
        let busiest = self
            .threads
            .iter()
            .filter(|t| {
                !matches!(t.status, Status::Free) && t.counted_since == self.steps_at_last_advance
            })
            .max_by_key(|t| t.steps);
        busiest.map_or_else(Culprit::unknown, Thread::as_culprit)
    }

    fn pick(&mut self) -> Result<Tid, FailureKind> {
        self.fire_due_timers();
        if self.runnable.is_empty() {
            let Some(deadline) = self.earliest_live_timer() else {
                return Err(self.deadlock());
            };
            self.now = deadline;
            self.steps_at_last_advance = self.steps;
            self.still_for = Duration::ZERO;
            self.trace.mix(deadline.as_nanos() as u64);
            self.fire_due_timers();
        }
        if self.livelocked() {
            return Err(FailureKind::Livelock {
                steps: LIVELOCK_STEPS,
                culprit: self.culprit(),
            });
        }
        if self.check_stall() {
            return Err(FailureKind::Stalled {
                wall: self.still_for,
                steps: self.steps - self.steps_at_last_advance,
                culprit: self.culprit(),
            });
        }
        let i = self.scheduler.pick(self.runnable.len());
        let tid = self.runnable.swap_remove(i);
        self.threads[tid].status = Status::Running;
        self.current = tid;
        self.count_step(tid);
        self.trace.mix(tid as u64);
        Ok(tid)
    }

    fn deadlock(&self) -> FailureKind {
        let threads = self
            .threads
            .iter()
            .filter_map(|t| match &t.status {
                Status::Blocked { on, .. } => Some(BlockedThread {
                    name: t.name.to_string(),
                    waits_on: format!("{} at {}", on.what, on.at),
                }),
                _ => None,
            })
            .collect();
        FailureKind::Deadlock { threads }
    }
}
