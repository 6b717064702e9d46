//! kvraft: a key/value service replicated with Raft. Every operation, reads
//! included, goes through the log, so the service is linearizable; every
//! write carries its clerk's identity and request number, so it is applied
//! exactly once however often it is retried.
//!
//! ```text
//! let kv = KvServer::start(ends, me, persister, Some(1000))?;   None: never snapshot
//! net.add_server(name, Server::builder().service(kv.service()).service(kv.raft().service()).build()?);
//! let mut ck = Clerk::new(ends_to_every_server);
//! ck.put("k", "a"); ck.append("k", "b"); ck.get("k") == "ab"; ck.get("missing") == ""
//! kv.raft().get_state(); kv.kill()
//! ```
//!
//! A server answers a request only once the log has applied it at the index
//! it was given, in the term it was given; otherwise the clerk hears
//! [`KvError::WrongLeader`] or [`KvError::Timeout`] and tries the next
//! server. With `maxraftstate` set, a server snapshots the store and the
//! duplicate table whenever its Raft state nears that many bytes, and
//! restores from the snapshot when it restarts.
//!
//! ```
//! use kvraft::{Clerk, KvServer};
//! use labrpc::{Network, Server};
//! use raft::Persister;
//!
//! labrt::Config::sim(1).run(|| {
//!     // Three servers, every link up.
//!     let net = Network::new();
//!     let ends = |from: &str| -> Vec<_> {
//!         (0..3)
//!             .map(|to| {
//!                 let name = format!("{from}->{to}");
//!                 let end = net.make_end(&name).unwrap();
//!                 net.connect(&name, &to.to_string()).unwrap();
//!                 net.enable(&name, true).unwrap();
//!                 end
//!             })
//!             .collect()
//!     };
//!     let servers: Vec<KvServer> = (0..3)
//!         .map(|me| {
//!             let kv = KvServer::start(ends(&me.to_string()), me, Persister::new(), None).unwrap();
//!             let services = Server::builder().service(kv.service()).service(kv.raft().service());
//!             net.add_server(&me.to_string(), services.build().unwrap());
//!             kv
//!         })
//!         .collect();
//!
//!     let mut ck = Clerk::new(ends("client"));
//!     ck.put("k", "a");
//!     ck.append("k", "b");
//!     assert_eq!(ck.get("k"), "ab");
//!     assert_eq!(ck.get("missing"), "");
//!     servers.iter().for_each(KvServer::kill);
//! });
//! ```

mod applier;
mod client;
mod rpc;
mod server;
mod state_machine;

pub use client::Clerk;
pub use rpc::{GetArgs, GetReply, KvError, PutAppendArgs, PutAppendReply, WriteKind};
pub use server::{KvServer, StartError};
