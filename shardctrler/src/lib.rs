//! shardctrler: the shard controller of Lab 4A, a configuration service
//! replicated with Raft. It decides which replica group serves each of the
//! [`NSHARDS`] shards, and keeps every configuration it ever made.
//!
//! ```text
//! let ctrler = ShardCtrler::start(ends, me, persister)?;           never snapshots
//! net.add_server(name, Server::builder().service(ctrler.service()).service(ctrler.raft().service()).build()?);
//! let mut ck = Clerk::new(ends_to_every_server);
//! ck.join(BTreeMap::from([(1, vec!["x".into(), "y".into()])]))?;   a new config, rebalanced
//! ck.leave(&[1]); ck.move_shard(3, 2)?;                             each makes one new config
//! ck.query(-1)                                                      the latest; query(n): config n
//! ctrler.kill()
//! ```
//!
//! Every request, queries included, goes through the Raft log, so a query
//! sees every change completed before it; every request carries its
//! clerk's identity and request number, so a retried change is applied
//! once. Rebalancing after a join or a leave spreads the shards evenly
//! over the groups and moves as few as it can, the same way on every
//! replica.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use labrpc::{Network, Server};
//! use raft::Persister;
//! use shardctrler::{Clerk, ShardCtrler};
//!
//! labrt::Config::sim(1).run(|| {
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
//!     let servers: Vec<ShardCtrler> = (0..3)
//!         .map(|me| {
//!             let sc = ShardCtrler::start(ends(&me.to_string()), me, Persister::new()).unwrap();
//!             let services = Server::builder().service(sc.service()).service(sc.raft().service());
//!             net.add_server(&me.to_string(), services.build().unwrap());
//!             sc
//!         })
//!         .collect();
//!
//!     let mut ck = Clerk::new(ends("client"));
//!     ck.join(BTreeMap::from([(1, vec!["a".to_string()]), (2, vec!["b".to_string()])]))
//!         .unwrap();
//!     let config = ck.query(-1);
//!     assert_eq!(config.num, 1);
//!     assert_eq!(config.shards.iter().filter(|&&g| g == 1).count(), 5);
//!     assert_eq!(ck.query(0).groups.len(), 0);
//!     servers.iter().for_each(ShardCtrler::kill);
//! });
//! ```

mod client;
mod config;
mod rebalance;
mod rpc;
mod server;
mod state_machine;

pub use client::Clerk;
pub use config::{Config, Gid, NSHARDS};
pub use rpc::{BadRequest, CtrlerError, JoinArgs, LeaveArgs, MoveArgs, QueryArgs};
pub use server::ShardCtrler;

// SOLUTION BEGIN
#[cfg(test)]
mod tests;
// SOLUTION END
