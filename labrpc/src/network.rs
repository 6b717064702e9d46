//! The network: which ends exist, where they lead, which servers live at
//! which names, the fault switches and the counters.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use labrt::Backend;
use labrt::sync::{Condvar, Mutex};

use crate::client::ClientEnd;
use crate::error::SetupError;
use crate::fate::Faults;
use crate::link::{Direction, Flow, LinkFaults, RequestCopy};
use crate::server::Server;

/// A simulated network of client ends and servers. Clones share one
/// network. Every end starts disabled and unconnected; every switch starts
/// reliable, without long delays or long reordering.
///
/// Create it inside a labrt run: its lock, timers and randomness are the
/// run's.
#[derive(Clone)]
pub struct Network(Arc<Owner>);

/// What the network's handles share. Servers hold handlers, handlers hold
/// ends, and ends hold [`Shared`]: when the last handle goes, its drop lets
/// the servers go, or a finished run's cluster would keep itself alive.
struct Owner {
    shared: Arc<Shared>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.shared.close();
        let servers = std::mem::take(&mut self.shared.state.lock().servers);
        drop(servers);
    }
}

/// What ends and the network share.
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Notified when a link's [`Flow`] changes, for the messages it holds.
    flow_changed: Condvar,
    /// Whether any link fault beyond the course was ever set. Until then
    /// calls never look at them: in sim each look is a scheduling point,
    /// and the course's scenarios must replay exactly as before.
    link_faults: AtomicBool,
    total_count: AtomicU64,
    total_bytes: AtomicU64,
    closed: AtomicBool,
    /// The backend of the run the network lives in; see [`crate::fate::transit`].
    pub backend: Backend,
}

/// Maps are looked up, never iterated, so their order cannot matter.
#[derive(Default)]
struct State {
    faults: Faults,
    ends: HashMap<String, EndState>,
    servers: HashMap<String, Server>,
}

#[derive(Default)]
struct EndState {
    enabled: bool,
    server: Option<Arc<str>>,
    link: LinkFaults,
}

/// Where a call goes, read when it is sent.
pub(crate) struct Route {
    pub faults: Faults,
    /// The server, if the end is enabled and connected to a live name.
    pub server: Option<Server>,
    /// The name the end is connected to, for logs.
    pub name: Option<Arc<str>>,
}

impl Network {
    /// An empty network.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn new() -> Network {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            flow_changed: Condvar::new(),
            link_faults: AtomicBool::new(false),
            total_count: AtomicU64::new(0),
            total_bytes: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            backend: labrt::backend(),
        });
        Network(Arc::new(Owner { shared }))
    }

    /// Creates a client end named `name`, disabled and unconnected.
    pub fn make_end(&self, name: impl Into<String>) -> Result<ClientEnd, SetupError> {
        let name = name.into();
        let mut state = self.0.shared.state.lock();
        if state.ends.contains_key(&name) {
            return Err(SetupError::DuplicateEnd { name });
        }
        state.ends.insert(name.clone(), EndState::default());
        Ok(ClientEnd::new(name, &self.0.shared))
    }

    /// Points the end at whatever server has the name `server`, now or
    /// later: the name is resolved on every call.
    pub fn connect(&self, end: &str, server: impl Into<String>) -> Result<(), SetupError> {
        let server: Arc<str> = server.into().into();
        self.with_end(end, |state| state.server = Some(server))
    }

    /// Turns the end on or off. Calls in flight on a disabled end are cut
    /// off within [`LIVENESS_POLL`](crate::LIVENESS_POLL).
    pub fn enable(&self, end: &str, enabled: bool) -> Result<(), SetupError> {
        self.with_end(end, |state| state.enabled = enabled)
    }

    /// [`Network::with_end`] for a link fault beyond the course.
    fn with_link(&self, end: &str, f: impl FnOnce(&mut LinkFaults)) -> Result<(), SetupError> {
        self.0.shared.link_faults.store(true, Ordering::Relaxed);
        self.with_end(end, |state| f(&mut state.link))
    }

    fn with_end(&self, end: &str, f: impl FnOnce(&mut EndState)) -> Result<(), SetupError> {
        match self.0.shared.state.lock().ends.get_mut(end) {
            Some(state) => {
                f(state);
                Ok(())
            }
            None => Err(SetupError::UnknownEnd {
                name: end.to_string(),
            }),
        }
    }

    /// Puts `server` at `name`, replacing any server there. Calls in flight
    /// to the replaced one are cut off and their replies discarded.
    pub fn add_server(&self, name: impl Into<String>, server: Server) {
        self.0
            .shared
            .state
            .lock()
            .servers
            .insert(name.into(), server);
    }

    /// Removes the server at `name`, cutting off calls in flight to it.
    pub fn delete_server(&self, name: &str) {
        self.0.shared.state.lock().servers.remove(name);
    }

    /// Reliable (the default): no delays, no losses. Unreliable: requests
    /// wait up to 26 ms, and a tenth of requests and of replies are lost.
    /// In sim, every delivered message also spends 1-5 ms on the wire
    /// (see [`crate::fate::transit`]).
    pub fn set_reliable(&self, reliable: bool) {
        self.0.shared.state.lock().faults.reliable = reliable;
    }

    /// Whether calls on dead links take up to 7 s to fail instead of up to
    /// 100 ms.
    pub fn set_long_delays(&self, long_delays: bool) {
        self.0.shared.state.lock().faults.long_delays = long_delays;
    }

    /// Whether two thirds of replies are held back 200 to 2199 ms.
    pub fn set_long_reordering(&self, long_reordering: bool) {
        self.0.shared.state.lock().faults.long_reordering = long_reordering;
    }

    /// What the end's link does with requests from now on, beyond the
    /// course's model (see [`Flow`]). Requests held so far go on or are
    /// lost as the new flow says.
    pub fn set_requests(&self, end: &str, flow: Flow) -> Result<(), SetupError> {
        self.with_link(end, |link| link.requests = flow)?;
        self.0.shared.flow_changed.notify_all();
        Ok(())
    }

    /// What the end's link does with replies from now on, beyond the
    /// course's model (see [`Flow`]). Replies held so far go on or are lost
    /// as the new flow says.
    pub fn set_replies(&self, end: &str, flow: Flow) -> Result<(), SetupError> {
        self.with_link(end, |link| link.replies = flow)?;
        self.0.shared.flow_changed.notify_all();
        Ok(())
    }

    /// Whether the end's link keeps a copy of every request it delivers
    /// from now on (the latest [`MAX_COPIES`](crate::link::MAX_COPIES)),
    /// for [`Network::redeliver`]. Turning it off forgets the copies.
    pub fn record(&self, end: &str, recording: bool) -> Result<(), SetupError> {
        self.with_link(end, |link| {
            link.recording = recording;
            if !recording {
                link.copies.clear();
            }
        })
    }

    /// Delivers the oldest request copy the end's link holds again, as a
    /// duplicate the network made: to the server now at the end's name,
    /// even if the end is disabled since, since the copy is already on the
    /// wire. Its handler runs on a thread of its own and its reply is lost.
    /// Whether there was a copy and a server to take it.
    pub fn redeliver(&self, end: &str) -> Result<bool, SetupError> {
        let delivery = {
            let mut state = self.0.shared.state.lock();
            let Some(end_state) = state.ends.get_mut(end) else {
                return Err(SetupError::UnknownEnd {
                    name: end.to_string(),
                });
            };
            let copy = end_state.link.copies.pop_front();
            let name = end_state.server.clone();
            copy.zip(name.and_then(|name| state.servers.get(&*name).cloned()))
        };
        let Some((copy, server)) = delivery else {
            return Ok(false);
        };
        let name = format!("redelivered {}", copy.method);
        drop(labrt::thread::spawn(name, move || {
            let _ = server.dispatch(&copy.method, copy.signature, &copy.args);
        }));
        Ok(true)
    }

    /// How many request copies the end's link holds for
    /// [`Network::redeliver`].
    pub fn copies(&self, end: &str) -> Result<usize, SetupError> {
        let mut copies = 0;
        self.with_end(end, |state| copies = state.link.copies.len())?;
        Ok(copies)
    }

    /// Requests that reached the server now at `name`; 0 if there is none.
    pub fn count(&self, name: &str) -> u64 {
        self.0
            .shared
            .state
            .lock()
            .servers
            .get(name)
            .map_or(0, Server::count)
    }

    /// Every call made, including those that were lost or went nowhere.
    pub fn total_count(&self) -> u64 {
        self.0.shared.total_count.load(Ordering::Relaxed)
    }

    /// Bytes of every request sent plus every reply delivered.
    pub fn total_bytes(&self) -> u64 {
        self.0.shared.total_bytes.load(Ordering::Relaxed)
    }

    /// Stops the network: calls made from now on fail with
    /// [`RpcError::NetworkClosed`](crate::RpcError::NetworkClosed).
    pub fn cleanup(&self) {
        self.0.shared.close();
    }
}

impl Default for Network {
    fn default() -> Network {
        Network::new()
    }
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("total_count", &self.total_count())
            .field("total_bytes", &self.total_bytes())
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Stops the network; messages a link holds are lost.
    fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        if self.link_faults.load(Ordering::Relaxed) {
            self.flow_changed.notify_all();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Counts a request as the course's dispatcher does: every call, and
    /// its argument bytes.
    pub(crate) fn count_request(&self, bytes: usize) {
        self.total_count.fetch_add(1, Ordering::Relaxed);
        self.total_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub(crate) fn count_reply(&self, bytes: usize) {
        self.total_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// The switches and the live server behind `end`, at this moment.
    pub(crate) fn route(&self, end: &str) -> Route {
        let state = self.state.lock();
        Route {
            faults: state.faults,
            server: state.live_server(end).cloned(),
            name: state.ends.get(end).and_then(|end| end.server.clone()),
        }
    }

    /// Whether a call from `end` to `server` must be cut off: the end is
    /// disabled, or `server` is no longer the one at the end's name.
    pub(crate) fn is_dead(&self, end: &str, server: &Server) -> bool {
        let state = self.state.lock();
        !state.live_server(end).is_some_and(|live| live.same(server))
    }
}

/// What became of a message a link may hold back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Passage {
    /// It went on; `waited` if it was held back first.
    Passed { waited: bool },
    /// The link lost it.
    Lost,
}

impl Shared {
    /// Waits while the end's link holds messages going `direction`, and
    /// says whether this one goes on. An end that no longer exists passes.
    pub(crate) fn pass(&self, end: &str, direction: Direction) -> Passage {
        if !self.link_faults.load(Ordering::Relaxed) {
            return Passage::Passed { waited: false };
        }
        let mut state = self.state.lock();
        let mut waited = false;
        loop {
            let flow = state
                .ends
                .get(end)
                .map_or(Flow::Pass, |end| end.link.flow(direction));
            match flow {
                Flow::Pass => return Passage::Passed { waited },
                Flow::Drop => return Passage::Lost,
                Flow::Hold if self.is_closed() => return Passage::Lost,
                Flow::Hold => {
                    waited = true;
                    self.flow_changed.wait(&mut state);
                }
            }
        }
    }

    /// Keeps a copy of a request delivered on `end`, if its link records.
    pub(crate) fn record(&self, end: &str, copy: impl FnOnce() -> RequestCopy) {
        if !self.link_faults.load(Ordering::Relaxed) {
            return;
        }
        if let Some(end) = self.state.lock().ends.get_mut(end) {
            end.link.record(copy);
        }
    }
}

impl State {
    fn live_server(&self, end: &str) -> Option<&Server> {
        let end = self.ends.get(end).filter(|end| end.enabled)?;
        self.servers.get(end.server.as_deref()?)
    }
}
