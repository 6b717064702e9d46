//! Servers: named services whose typed handlers take and return encoded
//! messages.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{RpcError, SetupError};
use crate::rpc::{Rpc, Signature};

/// A handler with its types erased: encoded arguments in, encoded reply out.
type Erased = Arc<dyn Fn(&str, &[u8]) -> Result<Vec<u8>, RpcError> + Send + Sync>;

/// A method's handler and the types it was written for.
#[derive(Clone)]
struct Handler {
    signature: Signature,
    run: Erased,
}

/// A named group of methods, such as `Raft` with `RequestVote` and
/// `AppendEntries`.
pub struct Service {
    name: String,
    methods: Vec<(String, Handler)>,
    /// Typed handlers whose `Rpc::METHOD` names another service, or none.
    misplaced: Vec<&'static str>,
}

impl Service {
    /// A service with no methods yet, called as `"<name>.<Method>"`.
    pub fn new(name: impl Into<String>) -> Service {
        Service {
            name: name.into(),
            methods: Vec::new(),
            misplaced: Vec::new(),
        }
    }

    /// Adds the handler of `A`'s method, [`Rpc::METHOD`], which must name
    /// this service ([`ServerBuilder::build`] checks).
    pub fn rpc<A, F>(mut self, handler: F) -> Service
    where
        A: Rpc,
        F: Fn(A) -> A::Reply + Send + Sync + 'static,
    {
        match A::METHOD.split_once('.') {
            Some((service, method)) if service == self.name => self.method(method, handler),
            _ => {
                self.misplaced.push(A::METHOD);
                self
            }
        }
    }

    /// Adds a method by name. Each call decodes a fresh `A` from the
    /// caller's bytes, runs `handler` on its own thread, and encodes the `R`
    /// it returns. Callers must use exactly these types.
    pub fn method<A, R, F>(mut self, name: impl Into<String>, handler: F) -> Service
    where
        A: DeserializeOwned + 'static,
        R: Serialize + 'static,
        F: Fn(A) -> R + Send + Sync + 'static,
    {
        let run: Erased = Arc::new(move |method: &str, args: &[u8]| {
            let args = labcodec::decode::<A>(args).map_err(|error| RpcError::BadArgs {
                method: method.to_string(),
                error,
            })?;
            labcodec::try_encode(&handler(args)).map_err(|error| RpcError::BadHandlerReply {
                method: method.to_string(),
                error,
            })
        });
        let handler = Handler {
            signature: Signature::of::<A, R>(),
            run,
        };
        self.methods.push((name.into(), handler));
        self
    }
}

/// Collects services into a [`Server`].
#[derive(Default)]
pub struct ServerBuilder {
    services: Vec<Service>,
}

impl ServerBuilder {
    /// Adds a service.
    pub fn service(mut self, service: Service) -> ServerBuilder {
        self.services.push(service);
        self
    }

    /// The server, once every name is checked.
    pub fn build(self) -> Result<Server, SetupError> {
        let mut methods = BTreeMap::new();
        let mut services = Vec::new();
        for service in self.services {
            check_name(&service.name)?;
            if let Some(&method) = service.misplaced.first() {
                return Err(match method.contains('.') {
                    true => SetupError::WrongService {
                        method: method.to_string(),
                        service: service.name,
                    },
                    false => SetupError::BadName {
                        name: method.to_string(),
                    },
                });
            }
            if services.contains(&service.name) {
                return Err(SetupError::DuplicateService { name: service.name });
            }
            for (method, handler) in service.methods {
                check_name(&method)?;
                let name = format!("{}.{method}", service.name);
                if methods.contains_key(&name) {
                    return Err(SetupError::DuplicateMethod { name });
                }
                methods.insert(name, handler);
            }
            services.push(service.name);
        }
        Ok(Server(Arc::new(ServerInner {
            methods,
            count: AtomicU64::new(0),
        })))
    }
}

fn check_name(name: &str) -> Result<(), SetupError> {
    if name.is_empty() || name.contains('.') {
        return Err(SetupError::BadName {
            name: name.to_string(),
        });
    }
    Ok(())
}

/// One server instance: its services and the count of requests that reached
/// it. Clones are the same instance. A restarted peer is a new `Server`, so
/// calls in flight to the old one are cut off and its count starts at 0.
#[derive(Clone)]
pub struct Server(Arc<ServerInner>);

struct ServerInner {
    /// Handlers by full name, sorted so error messages list them in order.
    methods: BTreeMap<String, Handler>,
    count: AtomicU64,
}

impl Server {
    /// Starts a server with several services.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Requests that reached this instance (handlers dispatched).
    pub fn count(&self) -> u64 {
        self.0.count.load(Ordering::Relaxed)
    }

    /// Whether `self` and `other` are the same instance.
    pub fn same(&self, other: &Server) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Counts the request and runs the named method's handler on `args`,
    /// if the caller's types are the handler's.
    pub(crate) fn dispatch(
        &self,
        method: &str,
        signature: Signature,
        args: &[u8],
    ) -> Result<Vec<u8>, RpcError> {
        self.0.count.fetch_add(1, Ordering::Relaxed);
        let Some(handler) = self.0.methods.get(method) else {
            return Err(RpcError::UnknownMethod {
                name: method.to_string(),
                known: self.0.methods.keys().cloned().collect(),
            });
        };
        if !handler.signature.matches(&signature) {
            return Err(RpcError::TypeMismatch {
                method: method.to_string(),
                args: signature.args_name,
                reply: signature.reply_name,
                handler_args: handler.signature.args_name,
                handler_reply: handler.signature.reply_name,
            });
        }
        (handler.run)(method, args)
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("methods", &self.0.methods.keys().collect::<Vec<_>>())
            .field("count", &self.count())
            .finish()
    }
}
