//! shardkv: the sharded key/value service of Lab 4B. Replica groups, each
//! a Raft cluster, serve the shards the controller (`shardctrler`) gives
//! them; shards move between groups, with their duplicate tables, as the
//! configuration changes.
//!
//! ```text
//! let make_end: MakeEnd = Arc::new(|name| an end to the server of that name);
//! let kv = ShardKv::start(group_ends, me, persister, Some(1000), gid, ctrler_ends, make_end.clone())?;
//! net.add_server(name, Server::builder().service(kv.service()).service(kv.raft().service()).build()?);
//! let mut ck = Clerk::new(ctrler_ends, make_end);     the group of a key's shard, from the latest config
//! ck.put("k", "a"); ck.append("k", "b"); ck.get("k") == "ab"; ck.get("missing") == ""
//! key2shard("k")                                      the key's shard: first byte mod NSHARDS
//! kv.raft().get_state(); kv.kill()
//! ```
//!
//! Each group's leader asks the controller for the next configuration
//! about every 100 ms and takes configurations one at a time, in order,
//! each through its own log. When a configuration gives a group a shard,
//! the group pulls the shard's keys and duplicate table from the previous
//! owner, serves the shard as soon as it arrives (serving the shards the
//! change does not touch throughout), and then has the previous owner
//! drop its copy. A server answers [`KvError::WrongGroup`] for a shard its
//! group does not serve at that moment; a clerk then asks the controller
//! again.
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::sync::Arc;
//!
//! use labrpc::{ClientEnd, Network, Server};
//! use raft::Persister;
//! use shardctrler::ShardCtrler;
//! use shardkv::{Clerk, MakeEnd, ShardKv};
//!
//! labrt::Config::sim(1).run(|| {
//!     let net = Network::new();
//!     let end_to = |from: String, to: &str| -> ClientEnd {
//!         let name = format!("{from}->{to}");
//!         let end = net.make_end(&name).unwrap();
//!         net.connect(&name, to).unwrap();
//!         net.enable(&name, true).unwrap();
//!         end
//!     };
//!     // One controller and one group of one server, gid 100.
//!     let ctrler = ShardCtrler::start(vec![end_to("c".into(), "ctrler")], 0, Persister::new()).unwrap();
//!     let services = Server::builder().service(ctrler.service()).service(ctrler.raft().service());
//!     net.add_server("ctrler", services.build().unwrap());
//!     let made = Arc::new(std::sync::atomic::AtomicU64::new(0));
//!     let make_end: MakeEnd = {
//!         let (net, made) = (net.clone(), made.clone());
//!         Arc::new(move |to: &str| {
//!             let name = format!("end{}", made.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
//!             let end = net.make_end(&name).unwrap();
//!             net.connect(&name, to).unwrap();
//!             net.enable(&name, true).unwrap();
//!             end
//!         })
//!     };
//!     let kv = ShardKv::start(
//!         vec![end_to("s".into(), "server-100-0")],
//!         0,
//!         Persister::new(),
//!         None,
//!         100,
//!         vec![end_to("s-c".into(), "ctrler")],
//!         make_end.clone(),
//!     )
//!     .unwrap();
//!     let services = Server::builder().service(kv.service()).service(kv.raft().service());
//!     net.add_server("server-100-0", services.build().unwrap());
//!
//!     let mut admin = shardctrler::Clerk::new(vec![end_to("admin".into(), "ctrler")]);
//!     admin.join(BTreeMap::from([(100, vec!["server-100-0".to_string()])])).unwrap();
//!     let mut ck = Clerk::new(vec![end_to("ck".into(), "ctrler")], make_end);
//!     ck.put("k", "a");
//!     ck.append("k", "b");
//!     assert_eq!(ck.get("k"), "ab");
//!     assert_eq!(ck.get("missing"), "");
//!     kv.kill();
//!     ctrler.kill();
//! });
//! ```

mod applier;
mod client;
mod common;
mod reconfig;
mod rpc;
mod server;
mod shard;
mod state_machine;
mod transfer;

pub use client::Clerk;
pub use common::{Gid, MakeEnd, NSHARDS, key2shard};
pub use rpc::{GetArgs, GetReply, KvError, PutAppendArgs, PutAppendReply, WriteKind};
pub use server::{ShardKv, StartError};

// SOLUTION BEGIN
#[cfg(test)]
mod tests;
// SOLUTION END
