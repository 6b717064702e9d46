//! The clerk: a client of the service that retries each request until some
//! server applies it, and remembers which server last led.

use labrpc::ClientEnd;

// SOLUTION BEGIN
use labrpc::Rpc;
use labrt::rand::RngExt;
use labrt::time::{self, Duration};

use crate::rpc::{GetArgs, KvError, PutAppendArgs, WriteKind};

/// Pause after every server has refused a request once, while an election
/// runs or a partition heals.
const RETRY_PAUSE: Duration = Duration::from_millis(10);
// SOLUTION END

/// One client of the service. Its requests run one at a time, so every
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
    // // Your code here (3A): what the clerk remembers between requests.
    // SOLUTION END
}

impl Clerk {
    /// A clerk talking to `servers`, in any order.
    ///
    /// # Panics
    /// If `servers` is empty.
    pub fn new(servers: Vec<ClientEnd>) -> Clerk {
        assert!(!servers.is_empty(), "kvraft: a clerk needs servers");
        // SOLUTION BEGIN
        Clerk {
            servers,
            client_id: labrt::rand::rng().random(),
            seq: 0,
            leader: 0,
        }
        // SOLUTION STUB
        // // Your code here (3A).
        // Clerk { servers }
        // SOLUTION END
    }

    /// The value of `key`, "" if it has none. Keeps trying until a server
    /// answers.
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
        self.call(&args)
        // SOLUTION STUB
        // // Your code here (3A): send KVServer.Get to the servers until one
        // // answers, and return the value.
        // labrt::unimplemented("Clerk::get");
        // let _ = (&self.servers, key);
        // String::new()
        // SOLUTION END
    }

    /// Sets `key` to `value`. Keeps trying until a server answers; applied
    /// exactly once.
    ///
    /// # Panics
    /// As [`Clerk::get`].
    pub fn put(&mut self, key: &str, value: &str) {
        // SOLUTION BEGIN
        self.put_append(WriteKind::Put, key, value);
        // SOLUTION STUB
        // // Your code here (3A): send KVServer.PutAppend until a server answers.
        // labrt::unimplemented("Clerk::put");
        // let _ = (key, value);
        // SOLUTION END
    }

    /// Adds `value` to the end of `key`'s value. Keeps trying until a server
    /// answers; applied exactly once.
    ///
    /// # Panics
    /// As [`Clerk::get`].
    pub fn append(&mut self, key: &str, value: &str) {
        // SOLUTION BEGIN
        self.put_append(WriteKind::Append, key, value);
        // SOLUTION STUB
        // // Your code here (3A): send KVServer.PutAppend until a server answers.
        // labrt::unimplemented("Clerk::append");
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
        self.call(&args);
    }

    /// Sends `args` to the servers in turn, starting with the last leader,
    /// until one carries the request out. Every method of the service
    /// replies `Result<R, KvError>`.
    fn call<A, R>(&mut self, args: &A) -> R
    where
        A: Rpc<Reply = Result<R, KvError>>,
    {
        let mut refusals = 0;
        loop {
            match self.servers[self.leader].call(args) {
                Ok(Ok(reply)) => return reply,
                Ok(Err(_)) => {}
                Err(error) if error.is_network_fault() => {}
                Err(error) => panic!(
                    "kvraft clerk: {} to server end {} failed in a way no network \
                     fault explains: {error}",
                    A::METHOD,
                    self.servers[self.leader].name()
                ),
            }
            self.leader = (self.leader + 1) % self.servers.len();
            refusals += 1;
            if refusals % self.servers.len() == 0 {
                time::sleep(RETRY_PAUSE);
            }
        }
    }
    // SOLUTION END
}
