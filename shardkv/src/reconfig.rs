//! The threads that move a group from one configuration to the next: the
//! leader asks the controller for the next configuration about every
//! 100 ms, and, within a configuration, pulls the shards it gained from
//! their previous owners and has those owners drop their copies. Each
//! step goes through the group's own log, so every replica takes it at
//! the same point, and a new leader simply carries on from the state.

// SOLUTION BEGIN
use std::sync::Arc;

use labrt::time::{Duration, sleep};
use shardctrler::Clerk;

use crate::server::Node;
use crate::state_machine::Command;
use crate::transfer::{DeleteShardsArgs, FetchShardsArgs};

/// How often the leader asks the controller for the next configuration,
/// as the handout asks.
const CONFIG_POLL: Duration = Duration::from_millis(100);
/// How often the leader looks for shards to pull or confirm.
const MOVE_POLL: Duration = Duration::from_millis(50);

impl Node {
    /// Starts the configuration poller and the shard mover; both stop
    /// once the server is killed.
    pub fn spawn_reconfiguration(self: &Arc<Self>, ctrler: Clerk) {
        let (poller, mover) = (Arc::clone(self), Arc::clone(self));
        let (gid, me) = (self.gid, self.me);
        labrt::thread::spawn(format!("skv{gid}-{me} config poller"), move || {
            poller.poll_configs(ctrler)
        });
        labrt::thread::spawn(format!("skv{gid}-{me} shard mover"), move || {
            mover.move_shards()
        });
    }

    /// Proposes the next configuration whenever the current one's changes
    /// are done and the controller has it. Each poll asks each controller
    /// once at most (`try_query`, not `query`, which would keep trying for
    /// as long as the controllers are out of reach), so the poller sees
    /// that its server was killed, and ends, within one poll.
    fn poll_configs(&self, mut ctrler: Clerk) {
        while !self.killed() {
            if self.is_leader() {
                let wanted = self.state.lock().machine.wants_config();
                if let Some(num) = wanted {
                    match ctrler.try_query(num as i64) {
                        Some(config) if config.num == num && !self.killed() => {
                            self.rf.start(labcodec::encode(&Command::Config(config)));
                        }
                        // No answer, or no such configuration yet: next poll.
                        _ => {}
                    }
                }
            }
            sleep(CONFIG_POLL);
        }
    }

    /// Pulls the shards gained and confirms the ones received, each
    /// previous owner on a thread of its own, so a group that is down
    /// holds back only its own shards (challenge 2). In each new term it
    /// leads, it first logs a [`Command::Nop`].
    fn move_shards(self: &Arc<Self>) {
        let mut led_in = None;
        while !self.killed() {
            let (term, leader) = self.rf.get_state();
            if leader && led_in != Some(term) {
                led_in = Some(term);
                self.rf.start(labcodec::encode(&Command::Nop));
            }
            if leader {
                let (num, pulls, confirms) = {
                    let st = self.state.lock();
                    let m = &st.machine;
                    (m.config().num, m.pulls(), m.confirms())
                };
                let mut threads = Vec::new();
                for (gid, (servers, shards)) in pulls {
                    let node = Arc::clone(self);
                    let name = format!("skv{}-{} pull from {gid}", self.gid, self.me);
                    let pull = move || node.pull(num, &servers, shards);
                    threads.push(labrt::thread::spawn(name, pull));
                }
                for (gid, (servers, shards)) in confirms {
                    let node = Arc::clone(self);
                    let name = format!("skv{}-{} confirm to {gid}", self.gid, self.me);
                    let confirm = move || node.confirm(num, &servers, shards);
                    threads.push(labrt::thread::spawn(name, confirm));
                }
                for thread in threads {
                    // A failed pull is retried next round.
                    let _ = thread.join();
                }
            }
            sleep(MOVE_POLL);
        }
    }

    /// Asks the previous owner's servers in turn for `shards`' data in
    /// configuration `num`, and logs what the first one to answer sends.
    fn pull(&self, num: u64, servers: &[String], shards: Vec<usize>) {
        let args = FetchShardsArgs { num, shards };
        for name in servers {
            if let Ok(Ok(data)) = self.end(name).call(&args) {
                let command = Command::Insert { num, shards: data };
                self.rf.start(labcodec::encode(&command));
                return;
            }
        }
    }

    /// Asks the previous owner's servers in turn to drop `shards`, and logs
    /// that it did once one says so.
    fn confirm(&self, num: u64, servers: &[String], shards: Vec<usize>) {
        let args = DeleteShardsArgs {
            num,
            shards: shards.clone(),
        };
        for name in servers {
            if let Ok(Ok(())) = self.end(name).call(&args) {
                let command = Command::Confirmed { num, shards };
                self.rf.start(labcodec::encode(&command));
                return;
            }
        }
    }
}
// SOLUTION STUB
// // Your code here (4B): the threads that follow the controller's
// // configurations, one at a time and in order, and move shards between
// // groups.
// SOLUTION END
