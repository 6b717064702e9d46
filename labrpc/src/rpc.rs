//! Typed calls: an argument type names its method and its reply type, so a
//! caller cannot ask for a reply its handler does not give.

use std::any::{TypeId, type_name};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The arguments of one RPC method, tied to its full name and its reply.
///
/// ```
/// # use serde::{Deserialize, Serialize};
/// #[derive(Serialize, Deserialize)]
/// struct RequestVoteArgs { term: u64 }
/// #[derive(Serialize, Deserialize)]
/// struct RequestVoteReply { vote_granted: bool }
///
/// impl labrpc::Rpc for RequestVoteArgs {
///     type Reply = RequestVoteReply;
///     const METHOD: &'static str = "Raft.RequestVote";
/// }
/// ```
///
/// `end.call(&args)` then returns a `RequestVoteReply`, and
/// `Service::new("Raft").rpc(handler)` registers a handler that must
/// return one.
pub trait Rpc: Serialize + DeserializeOwned + 'static {
    /// What the handler returns.
    type Reply: Serialize + DeserializeOwned + 'static;
    /// `"Service.Method"`.
    const METHOD: &'static str;
}

/// The argument and reply types of a call or of a handler. Calls by name
/// are checked against their handler's with it, since the bytes alone
/// cannot tell one type from another: an `i32` decodes as an `i64`, and a
/// reply struct may decode as another of the same shape. The check asks
/// for exactly the handler's Rust types, so `&String` rather than `&&str`,
/// and integer literals with their suffix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Signature {
    args: TypeId,
    reply: TypeId,
    /// The types' names, for the error.
    pub(crate) args_name: &'static str,
    pub(crate) reply_name: &'static str,
}

impl Signature {
    pub(crate) fn of<A: 'static, R: 'static>() -> Signature {
        Signature {
            args: TypeId::of::<A>(),
            reply: TypeId::of::<R>(),
            args_name: type_name::<A>(),
            reply_name: type_name::<R>(),
        }
    }

    pub(crate) fn matches(&self, other: &Signature) -> bool {
        (self.args, self.reply) == (other.args, other.reply)
    }
}
