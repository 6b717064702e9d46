//! Client ends and the life of one call.

use std::sync::Arc;

use labrt::chan::{self, RecvTimeoutError};
use labrt::time::{self, Duration};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::RpcError;
use crate::fate::{self, LIVENESS_POLL, ReplyFate, RequestFate};
use crate::link::{Direction, RequestCopy};
use crate::network::{Passage, Shared};
use crate::rpc::{Rpc, Signature};
use crate::server::Server;

/// One directed link from a caller to whatever server its network connects
/// it to. Clones are the same end; concurrent calls on one end are allowed
/// and may be reordered.
#[derive(Clone)]
pub struct ClientEnd {
    name: Arc<str>,
    net: Arc<Shared>,
}

impl ClientEnd {
    pub(crate) fn new(name: String, net: &Arc<Shared>) -> ClientEnd {
        ClientEnd {
            name: name.into(),
            net: Arc::clone(net),
        }
    }

    /// The end's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls `A`'s method ([`Rpc::METHOD`]) with `args` and waits for its
    /// reply. Always returns, unless the handler never returns while its
    /// server stays alive.
    ///
    /// The calling thread plays the course's per-request task: it applies
    /// the fault model, runs the handler on a thread of its own, and checks
    /// every 100 ms that the end and the server are still alive.
    pub fn call<A: Rpc>(&self, args: &A) -> Result<A::Reply, RpcError> {
        self.call_method(A::METHOD, args)
    }

    /// Calls `method` (`"Service.Method"`) by name, as the course does. Its
    /// handler must take an `A` and return an `R`, exactly: a call with
    /// other types is a [`RpcError::TypeMismatch`], not a silent decoding of
    /// one type's bytes as another.
    pub fn call_method<A, R>(&self, method: &str, args: &A) -> Result<R, RpcError>
    where
        A: Serialize + 'static,
        R: DeserializeOwned + 'static,
    {
        let sent = tracing::enabled!(target: "net", tracing::Level::TRACE)
            .then(labrt::time::log_clock)
            .flatten();
        let mut server = None;
        let result = self.exchange(method, args, &mut server);
        if let Some(sent) = sent {
            log_call(&self.name, server.as_deref(), method, sent, &result);
        }
        result
    }

    /// [`ClientEnd::call_method`]'s work; `server` gets the name the end
    /// led to, for the log.
    fn exchange<A, R>(
        &self,
        method: &str,
        args: &A,
        server: &mut Option<Arc<str>>,
    ) -> Result<R, RpcError>
    where
        A: Serialize + 'static,
        R: DeserializeOwned + 'static,
    {
        if self.net.is_closed() {
            return Err(RpcError::NetworkClosed);
        }
        let net = &self.net;
        let args = labcodec::try_encode(args).map_err(RpcError::Encode)?;
        net.count_request(args.len());
        if net.pass(&self.name, Direction::Request) == Passage::Lost {
            return Err(RpcError::RequestLost);
        }
        let route = net.route(&self.name);
        *server = route.name.clone();
        let mut rng = labrt::rand::rng();
        let Some(server) = route.server else {
            sleep(fate::dead_link_delay(route.faults, &mut rng));
            return Err(RpcError::Unreachable);
        };
        match fate::request_fate(route.faults, &mut rng) {
            RequestFate::Drop { delay } => {
                sleep(delay);
                return Err(RpcError::RequestLost);
            }
            RequestFate::Deliver { delay } => {
                sleep(delay + fate::transit(net.backend, &mut rng));
            }
        }
        let signature = Signature::of::<A, R>();
        net.record(&self.name, || RequestCopy {
            method: method.to_string(),
            signature,
            args: args.clone(),
        });
        // A handler error is a bug on one side or the other: it is never
        // hidden as a lost reply.
        let reply = self.run_handler(net, &server, method, signature, args)??;
        match net.pass(&self.name, Direction::Reply) {
            Passage::Lost => return Err(RpcError::ReplyLost),
            // Held back while its end was disabled or its server replaced,
            // the reply is cut off like any other.
            Passage::Passed { waited: true } if net.is_dead(&self.name, &server) => {
                return Err(RpcError::ServerGone);
            }
            Passage::Passed { .. } => {}
        }
        match fate::reply_fate(route.faults, &mut rng) {
            ReplyFate::Drop => Err(RpcError::ReplyLost),
            ReplyFate::Deliver { delay } => {
                sleep(delay + fate::transit(net.backend, &mut rng));
                net.count_reply(reply.len());
                labcodec::decode(&reply).map_err(|error| RpcError::BadReply {
                    method: method.to_string(),
                    error,
                })
            }
        }
    }

    /// Runs the handler on its own thread and waits for it while `server`
    /// stays alive. `Err(ServerGone)` if it did not.
    fn run_handler(
        &self,
        net: &Shared,
        server: &Server,
        method: &str,
        signature: Signature,
        args: Vec<u8>,
    ) -> Result<Result<Vec<u8>, RpcError>, RpcError> {
        let (reply_tx, reply_rx) = chan::bounded(1);
        let handler_server = server.clone();
        let handler_method = method.to_string();
        // Detached: if the call is cut off, the handler finishes alone and
        // its reply is thrown away.
        drop(labrt::thread::spawn(method, move || {
            let reply = handler_server.dispatch(&handler_method, signature, &args);
            let _ = reply_tx.send(reply);
        }));
        let reply = loop {
            match reply_rx.recv_timeout(LIVENESS_POLL) {
                Ok(reply) => break reply,
                Err(RecvTimeoutError::Timeout) if !net.is_dead(&self.name, server) => {}
                Err(_) => return Err(RpcError::ServerGone),
            }
        };
        // A reply from an instance that died meanwhile may rest on writes
        // to a persister that has been superseded.
        if net.is_dead(&self.name, server) {
            return Err(RpcError::ServerGone);
        }
        Ok(reply)
    }
}

/// Logs a call's fate on topic `net`: a delivered reply at trace level,
/// every fault at debug.
fn log_call<R>(
    end: &str,
    server: Option<&str>,
    method: &str,
    sent: Duration,
    result: &Result<R, RpcError>,
) {
    let sent_us = sent.as_micros() as u64;
    let server = server.unwrap_or("");
    match result {
        Ok(_) => {
            tracing::trace!(target: "net", end, server, method, outcome = "delivered", sent_us, "rpc");
        }
        Err(error) => {
            let outcome = match error {
                RpcError::RequestLost => "request lost",
                RpcError::ReplyLost => "reply lost",
                RpcError::Unreachable => "unreachable",
                RpcError::ServerGone => "server gone",
                RpcError::NetworkClosed => "network closed",
                _ => "error",
            };
            tracing::debug!(target: "net", end, server, method, outcome, sent_us, "rpc");
        }
    }
}

fn sleep(delay: Duration) {
    if !delay.is_zero() {
        time::sleep(delay);
    }
}

impl std::fmt::Debug for ClientEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ClientEnd").field(&self.name).finish()
    }
}
