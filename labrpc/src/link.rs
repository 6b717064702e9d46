//! Faults beyond the course's model, set one link (client end) at a time,
//! for the scenarios beyond the course: a link that loses or holds back its
//! requests or its replies, and a link that keeps copies of its requests
//! for the network to deliver again later. The course's scenarios never
//! touch them, so its model stays number for number.

use std::collections::VecDeque;

use crate::rpc::Signature;

/// What a link does with the messages going one way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flow {
    /// They go as the network's switches decide: the course's model.
    #[default]
    Pass,
    /// They are lost. Requests passing and replies lost make a one-way
    /// link: the callee hears the caller, the caller never hears back.
    Drop,
    /// They wait in the network until the flow is set again, then go on
    /// (`Pass`) or are lost (`Drop`): a reply held across an election, a
    /// request overtaken by later ones.
    Hold,
}

/// A request the link carried, kept to be delivered again: a duplicate
/// the network produces, arriving after everything sent since.
#[derive(Clone)]
pub(crate) struct RequestCopy {
    pub method: String,
    pub signature: Signature,
    pub args: Vec<u8>,
}

/// The most copies a link keeps; older ones make way for new ones.
pub const MAX_COPIES: usize = 1024;

/// Which way a message goes on a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Reply,
}

/// One link's faults beyond the course.
#[derive(Default)]
pub(crate) struct LinkFaults {
    pub requests: Flow,
    pub replies: Flow,
    /// Whether requests that reach a server are copied into `copies`.
    pub recording: bool,
    pub copies: VecDeque<RequestCopy>,
}

impl LinkFaults {
    /// Keeps a copy of a delivered request, if the link is recording.
    pub fn record(&mut self, copy: impl FnOnce() -> RequestCopy) {
        if !self.recording {
            return;
        }
        if self.copies.len() == MAX_COPIES {
            self.copies.pop_front();
        }
        self.copies.push_back(copy());
    }

    pub fn flow(&self, direction: Direction) -> Flow {
        match direction {
            Direction::Request => self.requests,
            Direction::Reply => self.replies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(n: u8) -> RequestCopy {
        RequestCopy {
            method: "S.M".to_string(),
            signature: Signature::of::<u8, u8>(),
            args: vec![n],
        }
    }

    #[test]
    fn a_link_keeps_only_the_latest_copies_and_only_while_recording() {
        let mut link = LinkFaults::default();
        link.record(|| copy(0));
        assert!(link.copies.is_empty());
        link.recording = true;
        for n in 0..=MAX_COPIES {
            link.record(|| copy(n as u8));
        }
        assert_eq!(link.copies.len(), MAX_COPIES);
        assert_eq!(link.copies.front().map(|c| c.args.clone()), Some(vec![1]));
    }
}
