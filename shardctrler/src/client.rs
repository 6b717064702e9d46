//! The clerk: a client of the controller that retries each request until
//! some server carries it out.

use std::collections::BTreeMap;

use labrpc::ClientEnd;

use crate::config::{Config, Gid};
use crate::rpc::BadRequest;

// SOLUTION BEGIN
use labrpc::Rpc;
use labrt::rand::RngExt;
use labrt::time::{self, Duration};

use crate::rpc::{CtrlerError, JoinArgs, LeaveArgs, MoveArgs, QueryArgs, check_join, check_move};

/// Pause after every server has refused a request once, as the course's
/// clerk does.
const RETRY_PAUSE: Duration = Duration::from_millis(100);
// SOLUTION END

/// One client of the controller. Its requests run one at a time, so every
/// method takes `&mut self`; run several clerks for concurrent clients.
pub struct Clerk {
    servers: Vec<ClientEnd>,
    // SOLUTION BEGIN
    /// A random identity, so servers can tell clients apart.
    client_id: u64,
    /// The number of the last request made.
    seq: u64,
    /// The server to try first: the one that answered last.
    leader: usize,
    // SOLUTION STUB
    // // Your code here (4A): what the clerk remembers between requests.
    // SOLUTION END
}

impl Clerk {
    /// A clerk talking to the controller's `servers`, in any order.
    ///
    /// # Panics
    /// If `servers` is empty.
    pub fn new(servers: Vec<ClientEnd>) -> Clerk {
        assert!(!servers.is_empty(), "shardctrler: a clerk needs servers");
        // SOLUTION BEGIN
        Clerk {
            servers,
            client_id: labrt::rand::rng().random(),
            seq: 0,
            leader: 0,
        }
        // SOLUTION STUB
        // // Your code here (4A).
        // Clerk { servers }
        // SOLUTION END
    }

    /// Configuration `num`; a negative `num`, or one above the latest,
    /// gives the latest, reflecting every change completed before the
    /// call. Keeps trying until a server answers.
    ///
    /// # Panics
    /// If a server answers with something no network fault explains: an
    /// unknown method or a reply that does not decode.
    pub fn query(&mut self, num: i64) -> Config {
        // SOLUTION BEGIN
        self.seq += 1;
        let args = QueryArgs {
            num,
            client_id: self.client_id,
            seq: self.seq,
        };
        self.call(&args).expect("a query is never a bad request")
        // SOLUTION STUB
        // // Your code here (4A): send ShardCtrler.Query until a server answers.
        // labrt::unimplemented("Clerk::query");
        // let _ = (&self.servers, num);
        // Config::default()
        // SOLUTION END
    }

    /// Adds the groups of `servers` (gid to server names) and rebalances.
    /// Keeps trying until a server answers; applied exactly once.
    ///
    /// # Errors
    /// [`BadRequest::ZeroGid`] if a gid is 0; nothing is sent.
    ///
    /// # Panics
    /// As [`Clerk::query`].
    pub fn join(&mut self, servers: BTreeMap<Gid, Vec<String>>) -> Result<(), BadRequest> {
        // SOLUTION BEGIN
        check_join(&servers)?;
        self.seq += 1;
        let args = JoinArgs {
            servers,
            client_id: self.client_id,
            seq: self.seq,
        };
        self.call(&args)
        // SOLUTION STUB
        // // Your code here (4A): send ShardCtrler.Join until a server answers.
        // labrt::unimplemented("Clerk::join");
        // let _ = servers;
        // Ok(())
        // SOLUTION END
    }

    /// Removes the groups `gids` and hands their shards to the others.
    /// Keeps trying until a server answers; applied exactly once.
    ///
    /// # Panics
    /// As [`Clerk::query`].
    pub fn leave(&mut self, gids: &[Gid]) {
        // SOLUTION BEGIN
        self.seq += 1;
        let args = LeaveArgs {
            gids: gids.to_vec(),
            client_id: self.client_id,
            seq: self.seq,
        };
        self.call(&args).expect("a leave is never a bad request")
        // SOLUTION STUB
        // // Your code here (4A): send ShardCtrler.Leave until a server answers.
        // labrt::unimplemented("Clerk::leave");
        // let _ = gids;
        // SOLUTION END
    }

    /// Hands `shard` to group `gid`, without rebalancing (the course's
    /// `Move`). Keeps trying until a server answers; applied exactly once.
    ///
    /// # Errors
    /// [`BadRequest::NoSuchShard`] if `shard` is not below
    /// [`NSHARDS`](crate::NSHARDS); nothing is sent.
    ///
    /// # Panics
    /// As [`Clerk::query`].
    pub fn move_shard(&mut self, shard: usize, gid: Gid) -> Result<(), BadRequest> {
        // SOLUTION BEGIN
        check_move(shard)?;
        self.seq += 1;
        let args = MoveArgs {
            shard,
            gid,
            client_id: self.client_id,
            seq: self.seq,
        };
        self.call(&args)
        // SOLUTION STUB
        // // Your code here (4A): send ShardCtrler.Move until a server answers.
        // labrt::unimplemented("Clerk::move_shard");
        // let _ = (shard, gid);
        // Ok(())
        // SOLUTION END
    }

    // SOLUTION BEGIN
    /// As [`Clerk::query`], but asks each server once at most, starting
    /// with the last leader, and gives `None` if none answers: for a
    /// caller that must be able to stop, such as a shardkv server's
    /// configuration poller once its server is killed, where `query` would
    /// keep trying for as long as the controller is out of reach.
    pub fn try_query(&mut self, num: i64) -> Option<Config> {
        self.seq += 1;
        let args = QueryArgs {
            num,
            client_id: self.client_id,
            seq: self.seq,
        };
        let answer = self.call_once_each(&args)?;
        Some(answer.expect("a query is never a bad request"))
    }

    /// Sends `args` to the servers in turn, starting with the last leader,
    /// until one carries the request out or finds it malformed; pauses
    /// after each full round of refusals.
    fn call<A, R>(&mut self, args: &A) -> Result<R, BadRequest>
    where
        A: Rpc<Reply = Result<R, CtrlerError>>,
    {
        loop {
            if let Some(answer) = self.call_once_each(args) {
                return answer;
            }
            time::sleep(RETRY_PAUSE);
        }
    }

    /// One round of [`Clerk::call`]: sends `args` to each server once at
    /// most, starting with the last leader; `None` if every one refused.
    fn call_once_each<A, R>(&mut self, args: &A) -> Option<Result<R, BadRequest>>
    where
        A: Rpc<Reply = Result<R, CtrlerError>>,
    {
        for _ in 0..self.servers.len() {
            match self.servers[self.leader].call(args) {
                Ok(Ok(reply)) => return Some(Ok(reply)),
                Ok(Err(CtrlerError::Bad(bad))) => return Some(Err(bad)),
                Ok(Err(_)) => {}
                Err(error) if error.is_network_fault() => {}
                Err(error) => panic!(
                    "shardctrler clerk: {} to server end {} failed in a way no network \
                     fault explains: {error}",
                    A::METHOD,
                    self.servers[self.leader].name()
                ),
            }
            self.leader = (self.leader + 1) % self.servers.len();
        }
        None
    }
    // SOLUTION END
}
