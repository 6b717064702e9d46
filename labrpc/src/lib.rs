//! labrpc: the simulated unreliable network the labs run on, with typed RPC.
//!
//! ```text
//! let net = Network::new();                         inside a labrt run
//! let end = net.make_end("a->b")?;                  disabled, unconnected
//! net.connect("a->b", "b")?; net.enable("a->b", true)?;
//! let server = Server::builder()
//!     .service(Service::new("Raft").rpc(move |args: RequestVoteArgs| reply))
//!     .build()?;                                    RequestVoteArgs: Rpc names the method
//! net.add_server("b", server);                      replaces any server named "b"
//! end.call(&args) -> Result<RequestVoteReply, RpcError>
//! end.call_method::<Args, Reply>("Raft.RequestVote", &args)   by name, types checked at run time
//! net.delete_server("b"); net.set_reliable(false); net.set_long_delays(true);
//! net.set_long_reordering(true); net.count("b"); net.total_count(); net.total_bytes()
//! net.set_requests("a->b", Flow::Hold)?; net.set_replies("a->b", Flow::Drop)?;   beyond the course
//! net.record("a->b", true)?; net.redeliver("a->b")?;   a duplicate, after all since
//! ```
//!
//! The fault model is the classic course network's, number for number (see
//! [`fate`]). Arguments and replies travel encoded with `labcodec`, so caller
//! and handler never share memory. Every delay, thread and random draw goes
//! through `labrt`, so in sim a seed replays every loss and every delay. In
//! sim, where computing costs no virtual time, every delivered message also
//! spends 1-5 ms on the wire, so callers in a loop let the clock move.
//!
//! Each call runs its handler on a thread of its own; a slow handler never
//! holds back another call. Calls on a dead link (disabled end, no
//! connection, no server) fail after a short random delay, or up to 7 s with
//! long delays. Calls in flight when their end is disabled or their server
//! deleted or replaced are cut off within 100 ms, and replies from such
//! servers are never delivered.
//!
//! Beyond the course's model, for scenarios beyond the course only, a link
//! can lose or hold back its requests or its replies one way ([`Flow`]), and
//! keep copies of its requests to deliver again after later ones ([`link`]).
//!
//! ```
//! use labrpc::{Network, RpcError, Server, Service};
//!
//! labrt::Config::sim(1).run(|| {
//!     let net = Network::new();
//!     let end = net.make_end("client").unwrap();
//!     net.connect("client", "echo").unwrap();
//!     let echo = Service::new("Echo").method("Shout", |s: String| s.to_uppercase());
//!     net.add_server("echo", Server::builder().service(echo).build().unwrap());
//!     let hi = "hi".to_string();
//!
//!     // Ends start disabled: the call fails after a short delay.
//!     assert_eq!(end.call_method::<_, String>("Echo.Shout", &hi), Err(RpcError::Unreachable));
//!     net.enable("client", true).unwrap();
//!     assert_eq!(end.call_method::<_, String>("Echo.Shout", &hi), Ok("HI".to_string()));
//!     assert_eq!(net.count("echo"), 1);
//!     assert_eq!(net.total_count(), 2);
//! });
//! ```

mod client;
mod error;
pub mod fate;
pub mod link;
mod network;
mod rpc;
mod server;

pub use client::ClientEnd;
pub use error::{RpcError, SetupError};
pub use fate::LIVENESS_POLL;
pub use link::Flow;
pub use network::Network;
pub use rpc::Rpc;
pub use server::{Server, ServerBuilder, Service};
