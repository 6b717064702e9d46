//! What can go wrong: a call that got no reply, and a network set up wrongly.

use std::fmt;

use labcodec::{DecodeError, EncodeError};

/// Why a call returned no reply. The first five variants are the course's
/// `ok == false`: a real network could not tell them apart, and a Raft that
/// reacts to one of them differently from the others is relying on the
/// simulator. The rest are mistakes in the caller's or the server's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcError {
    /// The unreliable network dropped the request; the handler did not run.
    RequestLost,
    /// The handler ran, but the unreliable network dropped its reply.
    ReplyLost,
    /// The end is disabled, not connected, or no server has the name it is
    /// connected to; the handler did not run.
    Unreachable,
    /// While the call was in flight the end was disabled, or its server was
    /// deleted or replaced. The handler may have run; its reply is discarded
    /// because it may come from a crashed instance.
    ServerGone,
    /// [`Network::cleanup`](crate::Network::cleanup) has stopped the
    /// network, or it has been dropped.
    NetworkClosed,
    /// The server hosts no such service or method.
    UnknownMethod {
        /// The name that was called.
        name: String,
        /// Every `Service.Method` the server hosts, sorted.
        known: Vec<String>,
    },
    /// A call by name whose argument or reply type is not its handler's.
    TypeMismatch {
        /// The method called.
        method: String,
        /// The caller's argument type.
        args: &'static str,
        /// The reply type the caller asked for.
        reply: &'static str,
        /// The handler's argument type.
        handler_args: &'static str,
        /// The handler's reply type.
        handler_reply: &'static str,
    },
    /// The arguments could not be encoded.
    Encode(EncodeError),
    /// The handler's argument type does not match what the caller sent.
    BadArgs {
        /// The method called.
        method: String,
        /// Why the arguments did not decode.
        error: DecodeError,
    },
    /// The handler's reply could not be encoded.
    BadHandlerReply {
        /// The method called.
        method: String,
        /// Why the reply did not encode.
        error: EncodeError,
    },
    /// The reply does not decode as the type the caller asked for.
    BadReply {
        /// The method called.
        method: String,
        /// Why the reply did not decode.
        error: DecodeError,
    },
}

impl RpcError {
    /// Whether this is a network fault (the course's `ok == false`), as
    /// opposed to a mistake in the code on either side.
    pub fn is_network_fault(&self) -> bool {
        matches!(
            self,
            RpcError::RequestLost
                | RpcError::ReplyLost
                | RpcError::Unreachable
                | RpcError::ServerGone
                | RpcError::NetworkClosed
        )
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpcError::RequestLost => write!(f, "the network dropped the request"),
            RpcError::ReplyLost => write!(f, "the network dropped the reply"),
            RpcError::Unreachable => {
                write!(f, "the end is disabled or not connected to a live server")
            }
            RpcError::ServerGone => write!(
                f,
                "the end was disabled or its server deleted or replaced during the call"
            ),
            RpcError::NetworkClosed => write!(f, "the network has been cleaned up or dropped"),
            RpcError::UnknownMethod { name, known } => write!(
                f,
                "unknown method {name:?}; the server has: {}",
                known.join(", ")
            ),
            RpcError::TypeMismatch {
                method,
                args,
                reply,
                handler_args,
                handler_reply,
            } => write!(
                f,
                "{method} was called as ({args}) -> {reply}, but its handler is \
                 ({handler_args}) -> {handler_reply}"
            ),
            RpcError::Encode(error) => write!(f, "cannot encode the arguments: {error}"),
            RpcError::BadArgs { method, error } => write!(
                f,
                "{method}: the arguments do not decode as the handler's type: {error}"
            ),
            RpcError::BadHandlerReply { method, error } => {
                write!(f, "{method}: cannot encode the handler's reply: {error}")
            }
            RpcError::BadReply { method, error } => write!(
                f,
                "{method}: the reply does not decode as the requested type: {error}"
            ),
        }
    }
}

impl std::error::Error for RpcError {}

/// A mistake in setting up the network or a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// An end with this name already exists.
    DuplicateEnd {
        /// The end's name.
        name: String,
    },
    /// No end has this name.
    UnknownEnd {
        /// The name given.
        name: String,
    },
    /// A server was given two services with the same name.
    DuplicateService {
        /// The service's name.
        name: String,
    },
    /// A service was given two methods with the same name.
    DuplicateMethod {
        /// The method's full name, `Service.Method`.
        name: String,
    },
    /// A typed handler was added to a service other than the one its
    /// [`Rpc::METHOD`](crate::Rpc::METHOD) names. (A `METHOD` without a
    /// service is a [`SetupError::BadName`].)
    WrongService {
        /// The handler's `Service.Method`.
        method: String,
        /// The service it was added to.
        service: String,
    },
    /// A service or method name is empty or contains a `.`, so calls could
    /// not name it unambiguously.
    BadName {
        /// The name given.
        name: String,
    },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::DuplicateEnd { name } => write!(f, "an end named {name:?} already exists"),
            SetupError::UnknownEnd { name } => write!(f, "no end is named {name:?}"),
            SetupError::DuplicateService { name } => {
                write!(f, "the server already has a service named {name:?}")
            }
            SetupError::DuplicateMethod { name } => {
                write!(f, "the service already has a method {name:?}")
            }
            SetupError::WrongService { method, service } => write!(
                f,
                "the handler of {method} was added to the service {service:?}"
            ),
            SetupError::BadName { name } => write!(
                f,
                "{name:?} is not a valid service or method name (empty, or contains '.')"
            ),
        }
    }
}

impl std::error::Error for SetupError {}
