//! The executor: runs each simulated thread as a stackful coroutine on the
//! run's own OS thread, one at a time, in the order the kernel picks.
//!
//! A switch is a coroutine suspend and resume (tens of nanoseconds), not an
//! OS context switch. Stacks are pooled per OS thread, so the many short
//! threads of a suite (one per RPC) cost an allocation only the first time.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::ptr;
use std::sync::Arc;
use std::time::Duration;

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};

use super::kernel::{Kernel, Next, Stats, Tid};
use super::watchdog;
use crate::context::{self, Ctx};
use crate::failure::FailureKind;
use crate::run::panic_message;

type Task = Coroutine<(), (), (), DefaultStack>;

/// Stack size of every simulated thread, as for a std thread. Only the pages
/// a thread touches are backed by memory.
const STACK_SIZE: usize = 2 << 20;

/// Idle stacks kept per OS thread for reuse.
const POOLED_STACKS: usize = 256;

thread_local! {
    static STACKS: RefCell<Vec<DefaultStack>> = const { RefCell::new(Vec::new()) };
    /// The yielder of the coroutine running on this OS thread.
    static YIELDER: Cell<*const Yielder<(), ()>> = const { Cell::new(ptr::null()) };
    /// Teardown is force-unwinding a coroutine on this OS thread.
    static FORCING: Cell<bool> = const { Cell::new(false) };
}

/// Returns control to the executor until the kernel picks this thread again.
pub(crate) fn suspend() {
    let yielder = YIELDER.get();
    assert!(
        !yielder.is_null(),
        "labrt: a simulated thread tried to block outside a coroutine"
    );
    // SAFETY: the pointer was set by the running coroutine from the yielder
    // it was started with, which lives as long as that coroutine; another
    // coroutine only replaces it while this one is suspended, and it is
    // restored below before this one uses it again.
    unsafe { (*yielder).suspend(()) };
    YIELDER.set(yielder);
}

fn take_stack() -> DefaultStack {
    STACKS.with_borrow_mut(Vec::pop).unwrap_or_else(|| {
        DefaultStack::new(STACK_SIZE).expect("labrt: cannot map a coroutine stack")
    })
}

fn return_stack(task: Task) {
    let stack = task.into_stack();
    STACKS.with_borrow_mut(|pool| {
        if pool.len() < POOLED_STACKS {
            pool.push(stack);
        }
    });
}

/// Runs `f` as the body of a simulated thread: a panic fails the run (the
/// panic hook has usually recorded it already), except the forced unwinding
/// of teardown, which must travel on to the coroutine's root.
fn guarded(kernel: &Kernel, f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f)) {
        if FORCING.get() {
            resume_unwind(payload);
        }
        kernel.fail_current(panic_message(payload.as_ref()));
    }
}

/// Runs `body` as the main thread of a simulated run with `seed`, until it
/// returns or the run fails; `preempt` is the bound of preemptions at
/// unlock, if any. Returns the run's figures and its failure.
pub(crate) fn run(
    seed: u64,
    stall_limit: Duration,
    preempt: Option<Duration>,
    body: impl FnOnce(),
) -> (Stats, Option<FailureKind>) {
    let kernel = Kernel::new(seed, stall_limit, preempt);
    watchdog::watch(&kernel, seed, stall_limit);
    let _ctx = context::enter(Ctx::Sim(kernel.clone()));
    let mut tasks: Vec<Option<Task>> = Vec::new();

    let main = kernel.add_main();
    let main_kernel = kernel.clone();
    let main_task = move |yielder: &Yielder<(), ()>, ()| {
        YIELDER.set(yielder);
        guarded(&main_kernel, body);
        main_kernel.main_done();
    };
    // SAFETY: `main_task` may borrow from the caller's stack frame. Every
    // task is driven to completion or dropped (unwound) before this function
    // returns, so nothing it borrows is used after the borrow ends.
    let main_task = unsafe { Task::with_stack_unchecked(take_stack(), main_task) };
    install(&mut tasks, main, main_task);

    loop {
        for (tid, job) in kernel.take_pending() {
            let k = kernel.clone();
            let task = Task::with_stack(take_stack(), move |yielder, ()| {
                YIELDER.set(yielder);
                guarded(&k, job);
            });
            install(&mut tasks, tid, task);
        }
        let tid = match kernel.next() {
            Next::Run(tid) => tid,
            Next::Stop => break,
        };
        let task = tasks[tid]
            .as_mut()
            .expect("labrt: picked a thread without a task");
        let result = task.resume(());
        // The yielder of a finished coroutine dangles; never leave it behind.
        YIELDER.set(ptr::null());
        if let CoroutineResult::Return(()) = result {
            return_stack(tasks[tid].take().expect("task vanished while running"));
            kernel.finish(tid);
        }
    }

    teardown(&kernel, &mut tasks);
    watchdog::unwatch(&kernel);
    (kernel.stats(), kernel.take_failure())
}

fn install(tasks: &mut Vec<Option<Task>>, tid: Tid, task: Task) {
    if tasks.len() <= tid {
        tasks.resize_with(tid + 1, || None);
    }
    debug_assert!(tasks[tid].is_none(), "thread slot {tid} reused while live");
    tasks[tid] = Some(task);
}

/// Unwinds every thread left behind, so that what they own is dropped now and
/// nothing of this run leaks into the next one. From here on no call blocks.
///
/// A thread that stopped while a panic was unwinding it is resumed, so that
/// its unwinding finishes: forcing a second unwind from inside one of its
/// destructors would abort the process.
fn teardown(kernel: &Arc<Kernel>, tasks: &mut [Option<Task>]) {
    kernel.begin_teardown();
    for (tid, slot) in tasks.iter_mut().enumerate() {
        if let Some(mut task) = slot.take() {
            kernel.set_current(tid);
            if kernel.is_unwinding(tid) {
                task.resume(());
            }
            FORCING.set(true);
            task.force_unwind();
            FORCING.set(false);
            YIELDER.set(ptr::null());
            return_stack(task);
        }
    }
    // Threads spawned while unwinding never start; drop their bodies.
    drop(kernel.take_pending());
}
