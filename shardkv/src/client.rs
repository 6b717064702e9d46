//! The clerk: a client of the sharded service. It finds the group that
//! serves a key's shard from the controller's latest configuration, and
//! retries each request until that group carries it out.

use labrpc::ClientEnd;

use crate::common::MakeEnd;

// SOLUTION BEGIN
use std::collections::BTreeMap;

use labrpc::Rpc;
use labrt::rand::RngExt;
use labrt::time::{self, Duration};
use shardctrler::{Config, Gid};

use crate::common::key2shard;
use crate::rpc::{GetArgs, KvError, PutAppendArgs, WriteKind};

/// Pause after a round in which the key's group did not carry the request
/// out, before asking the controller again, as the course's clerk does.
const RETRY_PAUSE: Duration = Duration::from_millis(100);
// SOLUTION END

/// One client of the service. Its requests run one at a time, so every
/// method takes `&mut self`; run several clerks for concurrent clients.
pub struct Clerk {
    // SOLUTION BEGIN
    ctrler: shardctrler::Clerk,
    make_end: MakeEnd,
    /// The latest configuration this clerk knows.
    config: Config,
    /// The ends made so far, by server name.
    ends: BTreeMap<String, ClientEnd>,
    /// Per group, the index of the server that answered last.
    leaders: BTreeMap<Gid, usize>,
    /// A random identity, so servers can tell clients apart.
    client_id: u64,
    /// The number of the last request made.
    seq: u64,
    // SOLUTION STUB
    // // Your code here (4B): what the clerk remembers between requests.
    // SOLUTION END
}

impl Clerk {
    /// A clerk that asks the controller's servers `ctrlers` for
    /// configurations, and reaches the groups' servers through ends made
    /// by `make_end`.
    ///
    /// # Panics
    /// If `ctrlers` is empty.
    pub fn new(ctrlers: Vec<ClientEnd>, make_end: MakeEnd) -> Clerk {
        assert!(!ctrlers.is_empty(), "shardkv: a clerk needs controllers");
        // SOLUTION BEGIN
        Clerk {
            ctrler: shardctrler::Clerk::new(ctrlers),
            make_end,
            config: Config::default(),
            ends: BTreeMap::new(),
            leaders: BTreeMap::new(),
            client_id: labrt::rand::rng().random(),
            seq: 0,
        }
        // SOLUTION STUB
        // // Your code here (4B): a shardctrler::Clerk for `ctrlers`, and what
        // // else the clerk needs.
        // labrt::unimplemented("shardkv::Clerk::new");
        // let _ = (ctrlers, make_end);
        // Clerk {}
        // SOLUTION END
    }

    /// The value of `key`, "" if it has none. Keeps trying until the group
    /// serving the key's shard answers.
    ///
    /// # Panics
    /// If a server answers with something no network fault explains: an
    /// unknown method or a reply that does not decode.
    pub fn get(&mut self, key: &str) -> String {
        // SOLUTION BEGIN
        self.seq += 1;
        let args = GetArgs {
            key: key.to_string(),
            client_id: self.client_id,
            seq: self.seq,
        };
        // A get's only error that ends the loop is NoKey: "".
        self.call(key, &args).unwrap_or_default()
        // SOLUTION STUB
        // // Your code here (4B): send ShardKV.Get to the group serving the key's
        // // shard until it answers, and return the value.
        // labrt::unimplemented("shardkv::Clerk::get");
        // let _ = key;
        // String::new()
        // SOLUTION END
    }

    /// Sets `key` to `value`. Keeps trying until the group serving the
    /// key's shard answers; applied exactly once.
    ///
    /// # Panics
    /// As [`Clerk::get`].
    pub fn put(&mut self, key: &str, value: &str) {
        // SOLUTION BEGIN
        self.put_append(WriteKind::Put, key, value);
        // SOLUTION STUB
        // // Your code here (4B): send ShardKV.PutAppend until the right group
        // // answers.
        // labrt::unimplemented("shardkv::Clerk::put");
        // let _ = (key, value);
        // SOLUTION END
    }

    /// Adds `value` to the end of `key`'s value. Keeps trying until the
    /// group serving the key's shard answers; applied exactly once.
    ///
    /// # Panics
    /// As [`Clerk::get`].
    pub fn append(&mut self, key: &str, value: &str) {
        // SOLUTION BEGIN
        self.put_append(WriteKind::Append, key, value);
        // SOLUTION STUB
        // // Your code here (4B): send ShardKV.PutAppend until the right group
        // // answers.
        // labrt::unimplemented("shardkv::Clerk::append");
        // let _ = (key, value);
        // SOLUTION END
    }

    // SOLUTION BEGIN
    fn put_append(&mut self, kind: WriteKind, key: &str, value: &str) {
        self.seq += 1;
        let args = PutAppendArgs {
            kind,
            key: key.to_string(),
            value: value.to_string(),
            client_id: self.client_id,
            seq: self.seq,
        };
        // A write's only error is WrongGroup or WrongLeader, both retried.
        let _ = self.call(key, &args);
    }

    /// Sends `args` to the servers of the group that serves `key`'s shard,
    /// starting with the one that answered last, until one carries it out
    /// (or finds no value, for a get). After a round without an answer it
    /// pauses and asks the controller for the latest configuration.
    fn call<A, R>(&mut self, key: &str, args: &A) -> Result<R, KvError>
    where
        A: Rpc<Reply = Result<R, KvError>>,
    {
        let shard = key2shard(key);
        loop {
            let gid = self.config.shards[shard];
            if let Some(servers) = self.config.groups.get(&gid).cloned() {
                let first = self.leaders.get(&gid).copied().unwrap_or(0);
                for k in 0..servers.len() {
                    let i = (first + k) % servers.len();
                    match self.end(&servers[i]).call(args) {
                        Ok(Ok(reply)) => {
                            self.leaders.insert(gid, i);
                            return Ok(reply);
                        }
                        Ok(Err(KvError::NoKey)) => {
                            self.leaders.insert(gid, i);
                            return Err(KvError::NoKey);
                        }
                        Ok(Err(KvError::WrongGroup)) => break,
                        Ok(Err(KvError::WrongLeader)) => {}
                        Err(error) if error.is_network_fault() => {}
                        Err(error) => panic!(
                            "shardkv clerk: {} to server {} failed in a way no network \
                             fault explains: {error}",
                            A::METHOD,
                            servers[i]
                        ),
                    }
                }
            }
            time::sleep(RETRY_PAUSE);
            self.config = self.ctrler.query(-1);
        }
    }

    /// An end to the server named `name`, made once and kept.
    fn end(&mut self, name: &str) -> ClientEnd {
        let make_end = &self.make_end;
        let end = self.ends.entry(name.to_string());
        end.or_insert_with(|| make_end(name)).clone()
    }
    // SOLUTION END
}
