//! Channels: stand for `crossbeam_channel` (multi-producer, multi-consumer),
//! with the same error types.
//!
//! Differences: capacity 0 (rendezvous) is not offered; in a real run, a
//! blocked receive also ends when the run is cancelled.

use std::fmt;
use std::sync::Arc;

use crossbeam_channel as cb;
pub use crossbeam_channel::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

use crate::context::{self, Ctx};
use crate::real;
use crate::sim::chan::Chan;
use crate::time::{Duration, Instant};

/// The sending half of a channel.
pub struct Sender<T>(SenderImpl<T>);

enum SenderImpl<T> {
    Real(cb::Sender<T>),
    Sim(Arc<Chan<T>>),
}

/// The receiving half of a channel.
pub struct Receiver<T>(ReceiverImpl<T>);

enum ReceiverImpl<T> {
    Real(cb::Receiver<T>),
    Sim(Arc<Chan<T>>),
}

/// A channel of unlimited capacity.
///
/// # Panics
/// If called outside a labrt run.
#[track_caller]
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    make(None)
}

/// A channel holding at most `cap` values; senders wait while it is full.
///
/// # Panics
/// If `cap` is 0, or if called outside a labrt run.
#[track_caller]
pub fn bounded<T>(cap: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        cap > 0,
        "labrt::chan::bounded(0): rendezvous channels are not supported; use a capacity of 1 or more"
    );
    make(Some(cap))
}

#[track_caller]
fn make<T>(cap: Option<usize>) -> (Sender<T>, Receiver<T>) {
    match context::current("labrt::chan::unbounded/bounded") {
        Ctx::Real(_) => {
            let (tx, rx) = match cap {
                None => cb::unbounded(),
                Some(cap) => cb::bounded(cap),
            };
            (
                Sender(SenderImpl::Real(tx)),
                Receiver(ReceiverImpl::Real(rx)),
            )
        }
        Ctx::Sim(kernel) => {
            let chan = Chan::new(kernel, cap);
            (
                Sender(SenderImpl::Sim(chan.clone())),
                Receiver(ReceiverImpl::Sim(chan)),
            )
        }
    }
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for room in a full bounded channel. Fails, with
    /// the value, when every receiver is gone.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        match &self.0 {
            SenderImpl::Real(tx) => tx.send(value),
            SenderImpl::Sim(chan) => chan.send(value),
        }
    }

    /// Sends `value` if there is room now.
    #[track_caller]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match &self.0 {
            SenderImpl::Real(tx) => tx.try_send(value),
            SenderImpl::Sim(chan) => chan.try_send(value),
        }
    }
}

impl<T> Receiver<T> {
    /// Waits for a value. Fails when the channel is empty and every sender is
    /// gone.
    #[track_caller]
    pub fn recv(&self) -> Result<T, RecvError> {
        match &self.0 {
            ReceiverImpl::Real(rx) => real_recv(rx, None).map_err(|_| RecvError),
            ReceiverImpl::Sim(chan) => chan.recv(None).map_err(|_| RecvError),
        }
    }

    /// Waits for a value at most `timeout` on the run's clock. A timeout
    /// too long to represent waits for ever.
    #[track_caller]
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        match &self.0 {
            ReceiverImpl::Real(rx) => real_recv(rx, std::time::Instant::now().checked_add(timeout)),
            ReceiverImpl::Sim(chan) => {
                chan.recv(Instant::now().since_origin().checked_add(timeout))
            }
        }
    }

    /// Waits for a value until `deadline` on the run's clock.
    #[track_caller]
    pub fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        match &self.0 {
            ReceiverImpl::Real(rx) => real_recv(rx, Some(deadline.to_std())),
            ReceiverImpl::Sim(chan) => chan.recv(Some(deadline.since_origin())),
        }
    }

    /// Takes a value if one is ready.
    #[track_caller]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        match &self.0 {
            ReceiverImpl::Real(rx) => rx.try_recv(),
            ReceiverImpl::Sim(chan) => chan.try_recv(),
        }
    }

    /// Values waiting in the channel.
    pub fn len(&self) -> usize {
        match &self.0 {
            ReceiverImpl::Real(rx) => rx.len(),
            ReceiverImpl::Sim(chan) => chan.len(),
        }
    }

    /// Whether no value is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Receives values until every sender is gone.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(move || self.recv().ok())
    }

    /// Takes the values that are ready, without waiting.
    pub fn try_iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(move || self.try_recv().ok())
    }
}

/// A real receive. Inside a run it waits in slices (see
/// [`real::wait_sliced`]); a `select` on the run's cancel channel instead
/// would cost six times the plain receive. Threads outside any run receive
/// plainly.
fn real_recv<T>(
    rx: &cb::Receiver<T>,
    deadline: Option<std::time::Instant>,
) -> Result<T, RecvTimeoutError> {
    // Borrowing the context, rather than cloning the run's Arc, keeps the
    // run's reference count off the hot path of every thread.
    context::try_with(|ctx| {
        let Some(Ctx::Real(run)) = ctx else {
            return match deadline {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(d) => rx.recv_deadline(d),
            };
        };
        let received = real::wait_sliced(run, deadline, |until| match rx.recv_deadline(until) {
            Err(RecvTimeoutError::Timeout) => None,
            result => Some(result),
        });
        match received {
            Ok(result) => result,
            Err(real::WaitEnd::Deadline) => Err(RecvTimeoutError::Timeout),
            Err(real::WaitEnd::Cancelled) => Err(RecvTimeoutError::Disconnected),
        }
    })
}

impl<T> Clone for Sender<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        Sender(match &self.0 {
            SenderImpl::Real(tx) => SenderImpl::Real(tx.clone()),
            SenderImpl::Sim(chan) => {
                chan.add_sender();
                SenderImpl::Sim(chan.clone())
            }
        })
    }
}

impl<T> Clone for Receiver<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        Receiver(match &self.0 {
            ReceiverImpl::Real(rx) => ReceiverImpl::Real(rx.clone()),
            ReceiverImpl::Sim(chan) => {
                chan.add_receiver();
                ReceiverImpl::Sim(chan.clone())
            }
        })
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let SenderImpl::Sim(chan) = &self.0 {
            chan.drop_sender();
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let ReceiverImpl::Sim(chan) = &self.0 {
            chan.drop_receiver();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sender { .. }")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receiver { .. }")
    }
}
