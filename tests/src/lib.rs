//! The graded suites' harness: what the course's testers do, driven by
//! labrt so every run replays from its seed.
//!
//! ```text
//! tests::run(|| body)                         one lab test, as LAB_RUNTIME / LAB_SEED / LAB_SEEDS say
//! tests::run_preempting(max, || body)         the same, preempting threads at unlock in sim (up to max)
//! RaftConfig::new(Setup { peers: 3, ..Setup::default() })   the cluster: network, peers, appliers
//! cfg.begin("Test (2A): initial election");  the course's start line
//! cfg.check_one_leader(); cfg.check_terms(); cfg.one(&cmd, 3, false); cfg.wait(i, 3, term)
//! cfg.disconnect(i); cfg.connect(i); cfg.crash1(i); cfg.start1(i)
//! cfg.end();                                 the Passed line: time, peers, RPCs, bytes, commands
//!
//! KvConfig::new(KvSetup { servers: 5, unreliable: false, maxraftstate: None })
//! let mut ck = cfg.make_client(&cfg.all());  a counted clerk; ck.get / put / append / check
//! cfg.partition(&p1, &p2); cfg.make_partition(); cfg.shutdown_server(i); cfg.start_server(i)
//! GenericTest { clients: 5, crash: true, ..GenericTest::default() }.run("3A")
//!
//! CtrlerConfig::new(3, false)                the shard controllers; cfg.make_client(&cfg.all())
//! cfg.check(&[1, 2], &mut ck); check_same_config(&a, &b); cfg.shutdown_server(i); cfg.leader()
//!
//! ShardConfig::new(ShardSetup { n: 3, unreliable: false, maxraftstate: None })
//! cfg.join(0); cfg.joins(&[0, 1]); cfg.leave(1); cfg.owned(1)   groups by index: gids 100, 101, 102
//! let mut ck = cfg.make_client();             a counted shardkv clerk; ck.get / put / append / check
//! cfg.shutdown_group(gi); cfg.start_group(gi); cfg.shutdown_server(gi, i); cfg.check_logs()
//! ```
//!
//! `cargo test 2a` selects a part. In sim (the default) a test runs with
//! `LAB_SEED` (fresh and printed if unset) and, with `LAB_SEEDS=n`, with
//! the n seeds from there on; the first failing seed is reported with the
//! command that replays it, and the Passed line prints once, after every
//! seed passed, as `... Passed (n seeds)`. `LAB_RUNTIME=real` runs it once
//! on the real clock. A bad value of any of the three stops the suite with
//! one message and exit status 2.
//!
//! ```
//! use tests::{RaftConfig, Setup};
//!
//! labrt::Config::sim(3).run(|| {
//!     let cfg = RaftConfig::new(Setup { peers: 3, ..Setup::default() });
//!     cfg.begin("Test (example): one agreement");
//!     let leader = cfg.check_one_leader();
//!     assert_eq!(cfg.one(&7_i64, 3, false), 1);
//!     assert_eq!(cfg.n_committed(1).0, 3);
//!     assert!(leader < 3);
//!     cfg.end();
//! });
//! ```

pub mod bench_table;
mod course_lines;
pub mod ctrler_harness;
mod ends;
mod history;
pub mod kv_harness;
pub mod logging;
mod peer_table;
pub mod raft_harness;
mod runner;
mod servers;
pub mod shardkv_harness;

pub use ctrler_harness::CtrlerConfig;
pub use kv_harness::{GenericTest, KvConfig, KvSetup};
pub use raft_harness::{RaftConfig, Setup};
pub use runner::{ENV_SEEDS, run, run_preempting};
pub use shardkv_harness::{ShardConfig, ShardSetup};
