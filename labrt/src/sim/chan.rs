//! Simulated channels: a queue plus wait queues of receivers and senders.

use std::collections::VecDeque;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, SendError, TryRecvError, TrySendError};
use parking_lot::Mutex;

use super::kernel::{Blocker, Kernel, Waiter, Wake};

struct State<T> {
    queue: VecDeque<T>,
    cap: Option<usize>,
    senders: usize,
    receivers: usize,
    recv_waiters: VecDeque<Waiter>,
    send_waiters: VecDeque<Waiter>,
}

/// A channel shared by its simulated senders and receivers.
pub(crate) struct Chan<T> {
    kernel: Arc<Kernel>,
    state: Mutex<State<T>>,
}

/// Wakes the first waiter of `queue` that is still waiting.
fn wake_one(kernel: &Kernel, queue: &mut VecDeque<Waiter>) {
    while let Some(w) = queue.pop_front() {
        if kernel.wake(w) {
            return;
        }
    }
}

fn wake_all(kernel: &Kernel, queue: &mut VecDeque<Waiter>) {
    for w in queue.drain(..) {
        kernel.wake(w);
    }
}

impl<T> Chan<T> {
    /// A channel with one sender and one receiver; `cap` None is unbounded.
    pub(crate) fn new(kernel: Arc<Kernel>, cap: Option<usize>) -> Arc<Self> {
        Arc::new(Chan {
            kernel,
            state: Mutex::new(State {
                queue: VecDeque::new(),
                cap,
                senders: 1,
                receivers: 1,
                recv_waiters: VecDeque::new(),
                send_waiters: VecDeque::new(),
            }),
        })
    }

    #[track_caller]
    pub(crate) fn send(&self, mut value: T) -> Result<(), SendError<T>> {
        self.kernel.op("Sender::send");
        loop {
            match self.push(value) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Disconnected(v)) => return Err(SendError(v)),
                Err(TrySendError::Full(v)) => value = v,
            }
            let w = self.kernel.waiter();
            self.state.lock().send_waiters.push_back(w);
            let on = Blocker {
                what: "Sender::send on a full channel",
                at: Location::caller(),
            };
            if self.kernel.block(w, on, None) == Wake::Teardown {
                return Err(SendError(value));
            }
        }
    }

    #[track_caller]
    pub(crate) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.kernel.op("Sender::try_send");
        self.push(value)
    }

    fn push(&self, value: T) -> Result<(), TrySendError<T>> {
        let mut st = self.state.lock();
        if st.receivers == 0 {
            return Err(TrySendError::Disconnected(value));
        }
        if st.cap.is_some_and(|cap| st.queue.len() >= cap) {
            return Err(TrySendError::Full(value));
        }
        st.queue.push_back(value);
        wake_one(&self.kernel, &mut st.recv_waiters);
        Ok(())
    }

    /// Receives, waiting at most until `deadline` (virtual time since the
    /// start of the run; None waits for ever).
    #[track_caller]
    pub(crate) fn recv(&self, deadline: Option<Duration>) -> Result<T, RecvTimeoutError> {
        self.kernel.op("Receiver::recv");
        loop {
            let w = {
                let mut st = self.state.lock();
                match self.pop(&mut st) {
                    Ok(v) => return Ok(v),
                    Err(TryRecvError::Disconnected) => return Err(RecvTimeoutError::Disconnected),
                    Err(TryRecvError::Empty) => {}
                }
                if deadline.is_some_and(|d| d <= self.kernel.now()) {
                    return Err(RecvTimeoutError::Timeout);
                }
                let w = self.kernel.waiter();
                st.recv_waiters.push_back(w);
                w
            };
            let on = Blocker {
                what: "Receiver::recv",
                at: Location::caller(),
            };
            let wake = self.kernel.block(w, on, deadline);
            if wake == Wake::Notified {
                continue;
            }
            let mut st = self.state.lock();
            st.recv_waiters.retain(|x| *x != w);
            if wake == Wake::Teardown {
                return Err(RecvTimeoutError::Disconnected);
            }
            // Timed out: a value that arrived at the deadline still counts.
            return self.pop(&mut st).map_err(|e| match e {
                TryRecvError::Empty => RecvTimeoutError::Timeout,
                TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            });
        }
    }

    #[track_caller]
    pub(crate) fn try_recv(&self) -> Result<T, TryRecvError> {
        self.kernel.op("Receiver::try_recv");
        let mut st = self.state.lock();
        self.pop(&mut st)
    }

    fn pop(&self, st: &mut State<T>) -> Result<T, TryRecvError> {
        match st.queue.pop_front() {
            Some(v) => {
                if st.cap.is_some() {
                    wake_one(&self.kernel, &mut st.send_waiters);
                }
                Ok(v)
            }
            None if st.senders == 0 => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.state.lock().queue.len()
    }

    /// A new sender; only threads of the run may make one, since it changes
    /// when the channel disconnects.
    #[track_caller]
    pub(crate) fn add_sender(&self) {
        self.kernel.check_current("Sender::clone");
        self.state.lock().senders += 1;
    }

    /// A new receiver; see [`Chan::add_sender`].
    #[track_caller]
    pub(crate) fn add_receiver(&self) {
        self.kernel.check_current("Receiver::clone");
        self.state.lock().receivers += 1;
    }

    /// The last sender gone disconnects the channel for its receivers.
    pub(crate) fn drop_sender(&self) {
        let mut st = self.state.lock();
        st.senders -= 1;
        if st.senders == 0 {
            wake_all(&self.kernel, &mut st.recv_waiters);
        }
    }

    /// The last receiver gone disconnects the channel for its senders; queued
    /// values are dropped with it.
    pub(crate) fn drop_receiver(&self) {
        let dropped = {
            let mut st = self.state.lock();
            st.receivers -= 1;
            if st.receivers > 0 {
                return;
            }
            wake_all(&self.kernel, &mut st.send_waiters);
            std::mem::take(&mut st.queue)
        };
        // Values may own labrt objects whose drop locks this channel again.
        drop(dropped);
    }
}
