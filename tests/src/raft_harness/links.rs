//! Faults beyond the course's model on single links, for the scenarios
//! beyond the course: a link is the end peer `from` calls peer `to` on. A
//! restarted peer gets fresh ends, so its outgoing links start without
//! faults; its incoming ones keep theirs.

use labrpc::Flow;

use super::RaftConfig;

impl RaftConfig {
    /// The name of the end peer `from` calls peer `to` on.
    fn link(&self, from: usize, to: usize) -> String {
        self.0.state.lock().peers[from].end_names[to].clone()
    }

    /// What the link from `from` to `to` does with requests from now on.
    pub fn set_requests(&self, from: usize, to: usize, flow: Flow) {
        let end = self.link(from, to);
        self.0
            .net
            .set_requests(&end, flow)
            .expect("the harness made this end");
    }

    /// What the link from `from` to `to` does with replies from now on.
    pub fn set_replies(&self, from: usize, to: usize, flow: Flow) {
        let end = self.link(from, to);
        self.0
            .net
            .set_replies(&end, flow)
            .expect("the harness made this end");
    }

    /// Sets the requests of every link out of `from` (`outgoing`) or into
    /// it: a peer that cannot be heard, or cannot hear.
    pub fn set_all_requests(&self, peer: usize, outgoing: bool, flow: Flow) {
        for other in (0..self.n()).filter(|&other| other != peer) {
            match outgoing {
                true => self.set_requests(peer, other, flow),
                false => self.set_requests(other, peer, flow),
            }
        }
    }

    /// Every link back to the course's model: requests and replies pass.
    pub fn clear_link_faults(&self) {
        for from in 0..self.n() {
            self.set_all_requests(from, true, Flow::Pass);
            for to in (0..self.n()).filter(|&to| to != from) {
                self.set_replies(from, to, Flow::Pass);
            }
        }
    }
}
